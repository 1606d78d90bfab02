from django.urls import path

from koepel.meetings import views

app_name = "meetings"
urlpatterns = [
    path("bijeenkomsten/", views.meeting_list, name="meetings"),
    path("bijeenkomsten/nieuw/", views.meeting_plan, name="plan"),
    path("bijeenkomsten/kalender/", views.calendar_now, name="calendar-now"),
    path("bijeenkomsten/kalender/<int:year>/", views.calendar_page, name="calendar-year"),
    path(
        "bijeenkomsten/kalender/<int:year>/<int:month>/",
        views.calendar_page,
        name="calendar-month",
    ),
    path("bijeenkomsten/deelname/<int:year>/", views.participation, name="participation"),
    path("bijeenkomsten/cijfers/<int:year>/", views.figures, name="figures"),
    path("bijeenkomsten/<int:pk>/", views.meeting_page, name="meeting"),
    path("bijeenkomsten/<int:pk>/wijzigen/", views.meeting_edit, name="edit"),
    path("bijeenkomsten/<int:pk>/annuleren/", views.meeting_cancel, name="cancel"),
    path("bijeenkomsten/<int:pk>/toch-door/", views.meeting_reinstate, name="reinstate"),
    path("bijeenkomsten/<int:pk>/uitnodigen/", views.meeting_invite, name="invite"),
    path("bijeenkomsten/<int:pk>/antwoord/", views.invitation_answer, name="answer"),
    path("bijeenkomsten/<int:pk>/verslag/", views.minutes_edit, name="minutes"),
    path("bijeenkomsten/<int:pk>/agenda/", views.agenda_item_add, name="agenda-item"),
    path("bijeenkomsten/<int:pk>/gasten/", views.guest_add, name="guest"),
    path(
        "bijeenkomsten/<int:pk>/agenda/<int:item>/bijlage/",
        views.attachment,
        name="attachment",
    ),
    path("bijeenkomsten/<int:pk>/besluiten/", views.decision_add, name="decision"),
    path("bijeenkomsten/<int:pk>/acties/", views.action_add, name="action"),
    path("bijeenkomsten/<int:pk>/afsluiten/", views.meeting_close, name="close"),
    path(
        "bijeenkomsten/<int:pk>/agenda/<int:part>/wijzigen/",
        views.part_edit,
        {"kind": "agenda"},
        name="agenda-item-edit",
    ),
    path(
        "bijeenkomsten/<int:pk>/agenda/<int:part>/verwijderen/",
        views.part_remove,
        {"kind": "agenda"},
        name="agenda-item-remove",
    ),
    path(
        "bijeenkomsten/<int:pk>/gasten/<int:part>/wijzigen/",
        views.part_edit,
        {"kind": "guest"},
        name="guest-edit",
    ),
    path(
        "bijeenkomsten/<int:pk>/gasten/<int:part>/verwijderen/",
        views.part_remove,
        {"kind": "guest"},
        name="guest-remove",
    ),
    path(
        "bijeenkomsten/<int:pk>/besluiten/<int:part>/wijzigen/",
        views.part_edit,
        {"kind": "decision"},
        name="decision-edit",
    ),
    path(
        "bijeenkomsten/<int:pk>/besluiten/<int:part>/verwijderen/",
        views.part_remove,
        {"kind": "decision"},
        name="decision-remove",
    ),
    path(
        "bijeenkomsten/<int:pk>/acties/<int:part>/wijzigen/",
        views.part_edit,
        {"kind": "action"},
        name="action-edit",
    ),
    path(
        "bijeenkomsten/<int:pk>/acties/<int:part>/verwijderen/",
        views.part_remove,
        {"kind": "action"},
        name="action-remove",
    ),
    path("uitnodiging/<str:token>/", views.answer_by_link, name="answer-link"),
    path("acties/<int:pk>/status/", views.action_status, name="action-status"),
    path("gremia/<slug:slug>/agenda.ics", views.body_feed, name="body-feed"),
    path("agenda/<str:token>.ics", views.person_feed, name="person-feed"),
    path("mijn-agenda/", views.my_calendar, name="my-calendar"),
]
