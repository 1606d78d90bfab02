from django.urls import path

from koepel.audit import views

app_name = "audit"
urlpatterns = [
    path("geschiedenis/door/<int:user_id>/", views.actor, name="actor"),
    path("geschiedenis/<str:model>/<str:pk>/", views.record, name="record"),
]
