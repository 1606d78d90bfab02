from django.urls import path

from koepel.advocacy import views

app_name = "advocacy"
urlpatterns = [
    path("lobby/", views.dossier_list, name="dossiers"),
    path("lobby/dossiers/nieuw/", views.dossier_create, name="dossier-create"),
    path("lobby/dossiers/<slug:slug>/", views.dossier_page, name="dossier"),
    path("lobby/dossiers/<slug:slug>/wijzigen/", views.dossier_edit, name="dossier-edit"),
    path("lobby/dossiers/<slug:slug>/uitkomst/", views.dossier_outcome, name="dossier-outcome"),
    path("lobby/acties/nieuw/", views.action_create, name="action-create"),
    path("lobby/acties/<int:pk>/", views.action_page, name="action"),
    path("lobby/acties/<int:pk>/wijzigen/", views.action_edit, name="action-edit"),
    path("lobby/acties/<int:pk>/document/", views.document, name="document"),
    path("lobby/acties/<int:pk>/raadplegen/", views.consultation_open, name="consult"),
    path("lobby/acties/<int:pk>/herinneren/", views.consultation_remind, name="remind"),
    path("lobby/acties/<int:pk>/reactie/", views.consultation_answer, name="answer"),
    path("lobby/acties/<int:pk>/vaststellen/", views.action_adopt, name="adopt"),
    path("lobby/acties/<int:pk>/verzenden/", views.action_send, name="send"),
    path("lobby/resultaten/<int:year>/", views.year_results, name="results"),
    path("lobby/tijdlijn/<int:year>/", views.year_timeline, name="timeline"),
]
