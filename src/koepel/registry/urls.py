from django.urls import path

from koepel.registry import edit_views, role_views, views

app_name = "registry"
urlpatterns = [
    path("", views.home, name="home"),
    path("gemeenten/", views.municipality_list, name="municipalities"),
    path("gemeenten/nieuw/", edit_views.municipality_add, name="municipality-add"),
    path("gemeenten/<str:cbs_code>/", views.municipality_page, name="municipality"),
    path(
        "gemeenten/<str:cbs_code>/wijzigen/",
        edit_views.municipality_edit,
        name="municipality-edit",
    ),
    path(
        "gemeenten/<str:cbs_code>/lidmaatschap/nieuw/",
        edit_views.municipality_membership_add,
        name="municipality-membership-add",
    ),
    path("lidmaatschappen/<int:pk>/wijzigen/", edit_views.membership_edit, name="membership-edit"),
    path("lidmaatschappen/<int:pk>/beeindigen/", edit_views.membership_end, name="membership-end"),
    path("gremia/", views.body_list, name="bodies"),
    path("gremia/nieuw/", edit_views.body_add, name="body-add"),
    path("gremia/<slug:slug>/", views.body_page, name="body"),
    path("gremia/<slug:slug>/wijzigen/", edit_views.body_edit, name="body-edit"),
    path("gremia/<slug:slug>/opheffen/", edit_views.body_end, name="body-end"),
    path("gremia/<slug:slug>/rollen/nieuw/", role_views.role_add, name="role-add"),
    path(
        "gremia/<slug:slug>/deelnames/nieuw/",
        role_views.participation_add,
        name="participation-add",
    ),
    path("rollen/<int:pk>/wijzigen/", role_views.role_edit, name="role-edit"),
    path("rollen/<int:pk>/beeindigen/", role_views.role_end, name="role-end"),
    path("rollen/<int:pk>/opvolging/", role_views.role_hand_over, name="role-hand-over"),
    path("deelnames/<int:pk>/wijzigen/", role_views.participation_edit, name="participation-edit"),
    path("deelnames/<int:pk>/beeindigen/", role_views.participation_end, name="participation-end"),
    path("raadsperiode/", role_views.term_change, name="term-change"),
    path("personen/", views.person_list, name="people"),
    path("personen/nieuw/", edit_views.person_add, name="person-add"),
    path("personen/<slug:slug>/", views.person_page, name="person"),
    path("personen/<slug:slug>/wijzigen/", edit_views.person_edit, name="person-edit"),
    path(
        "personen/<slug:slug>/contactgegevens-wissen/",
        edit_views.person_anonymise,
        name="person-anonymise",
    ),
    path("organisaties/", views.organisation_list, name="organisations"),
    path("organisaties/nieuw/", edit_views.organisation_add, name="organisation-add"),
    path("organisaties/<slug:slug>/", views.organisation_page, name="organisation"),
    path(
        "organisaties/<slug:slug>/wijzigen/",
        edit_views.organisation_edit,
        name="organisation-edit",
    ),
    path(
        "organisaties/<slug:slug>/lidmaatschap/nieuw/",
        edit_views.organisation_membership_add,
        name="organisation-membership-add",
    ),
    path("vertegenwoordiging/", views.representation, name="representation"),
    path("register/export/<str:kind>.<str:file_format>", views.export, name="export"),
    path("register/importeren/<str:kind>/", views.import_page, name="import"),
    path("woordenlijst/", views.term_list, name="terms"),
    path("woordenlijst/<str:vocabulary>/nieuw/", views.term_add, name="term-add"),
    path("woordenlijst/<int:pk>/", views.term_edit, name="term"),
    path("woordenlijst/<int:pk>/verwijderen/", views.term_delete, name="term-delete"),
]
