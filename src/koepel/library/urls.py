from django.urls import path

from koepel.library import views

app_name = "library"
urlpatterns = [
    path("kennisbank/", views.document_list, name="documents"),
    path("kennisbank/nieuw/", views.document_create, name="create"),
    path("kennisbank/<slug:slug>/", views.document_page, name="document"),
    path("kennisbank/<slug:slug>/wijzigen/", views.document_edit, name="edit"),
    path("kennisbank/<slug:slug>/leesstatus/", views.reading_status, name="reading-status"),
    path("kennisbank/<slug:slug>/nieuwe-versie/", views.version_add, name="version-add"),
    path("kennisbank/<slug:slug>/bestand/<int:number>/", views.download, name="download"),
    path(
        "kennisbank/<slug:slug>/bestand/<int:number>/opnieuw-lezen/",
        views.version_read_again,
        name="read-again",
    ),
]
