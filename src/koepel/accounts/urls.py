from django.contrib.auth import views as auth_views
from django.urls import path

from koepel.accounts import lockout_views, setup_views, views

app_name = "accounts"
urlpatterns = [
    path(
        "inloggen/",
        auth_views.LoginView.as_view(template_name="accounts/login.html"),
        name="login",
    ),
    path("inloggen/code/", views.second_factor_verify, name="second-factor-verify"),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", views.account, name="account"),
    path(
        "account/tweestapsverificatie/",
        views.second_factor_enrol,
        name="second-factor-enrol",
    ),
    path(
        "account/tweestapsverificatie/uitzetten/",
        views.second_factor_turn_off,
        name="second-factor-turn-off",
    ),
    path("account/herstelcodes/", views.recovery_codes, name="recovery-codes"),
    path("account/herstelcodes/nieuw/", views.recovery_codes_renew, name="recovery-codes-renew"),
    path("inloggen/blokkades/", lockout_views.lockouts, name="lockouts"),
    path("inrichten/", setup_views.network_setup, name="setup"),
    path("inloggen/blokkades/opheffen/", lockout_views.lockout_lift_view, name="lockout-lift"),
]
