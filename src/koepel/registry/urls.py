from django.urls import path

from koepel.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.home, name="home"),
    path("gemeenten/", views.municipality_list, name="municipalities"),
    path("gemeenten/<str:cbs_code>/", views.municipality_page, name="municipality"),
    path("gremia/", views.body_list, name="bodies"),
    path("gremia/<slug:slug>/", views.body_page, name="body"),
    path("personen/", views.person_list, name="people"),
    path("personen/<slug:slug>/", views.person_page, name="person"),
    path("organisaties/", views.organisation_list, name="organisations"),
    path("organisaties/<slug:slug>/", views.organisation_page, name="organisation"),
    path("vertegenwoordiging/", views.representation, name="representation"),
    path("register/export/<str:kind>.<str:file_format>", views.export, name="export"),
    path("register/importeren/<str:kind>/", views.import_page, name="import"),
    path("woordenlijst/", views.term_list, name="terms"),
    path("woordenlijst/<str:vocabulary>/nieuw/", views.term_add, name="term-add"),
    path("woordenlijst/<int:pk>/", views.term_edit, name="term"),
    path("woordenlijst/<int:pk>/verwijderen/", views.term_delete, name="term-delete"),
]
