from django.urls import path

from koepel.core import views

app_name = "core"
urlpatterns = [
    path("toegankelijkheid/", views.accessibility, name="accessibility"),
    path("kiezer/<slug:path>/", views.picker, name="picker"),
]
