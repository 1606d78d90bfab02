from django.urls import path

from koepel.mywork import views

app_name = "mywork"
urlpatterns = [
    path("mijn-werk/", views.my_work, name="my-work"),
    path("mijn-werk/<slug:key>/", views.panel_page, name="panel"),
]
