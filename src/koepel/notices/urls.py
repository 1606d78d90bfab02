from django.urls import path

from koepel.notices import views

app_name = "notices"
urlpatterns = [
    path("account/meldingen/", views.preferences, name="preferences"),
    path("account/meldingen/agenda-adres/", views.feed_make, name="feed-make"),
    path("account/meldingen/agenda-adres/<int:pk>/uit/", views.feed_revoke, name="feed-revoke"),
    path("gremia/<slug:slug>/agenda/<str:secret>.ics", views.personal_feed, name="feed"),
]
