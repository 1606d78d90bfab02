from django.urls import path

from koepel.search import views

app_name = "search"
urlpatterns = [
    path("zoeken/", views.search_page, name="search"),
]
