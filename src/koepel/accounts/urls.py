from django.contrib.auth import views as auth_views
from django.urls import path

from koepel.accounts import lockout_views

app_name = "accounts"
urlpatterns = [
    path(
        "inloggen/",
        auth_views.LoginView.as_view(template_name="accounts/login.html"),
        name="login",
    ),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path("inloggen/blokkades/", lockout_views.lockouts, name="lockouts"),
    path("inloggen/blokkades/opheffen/", lockout_views.lockout_lift_view, name="lockout-lift"),
]
