from django.contrib.auth import views as auth_views
from django.urls import path

from koepel.accounts import (
    lockout_views,
    office_views,
    oidc,
    outbox_views,
    password_views,
    setup_views,
    views,
)

app_name = "accounts"
urlpatterns = [
    path(
        "inloggen/",
        views.SignInView.as_view(template_name="accounts/login.html"),
        name="login",
    ),
    # Through the network's own identity provider, when it has one (answer 404 otherwise).
    path("inloggen/oidc/", oidc.ProviderSignInView.as_view(), name="oidc-sign-in"),
    path("inloggen/oidc/terug/", oidc.provider_callback, name="oidc-callback"),
    path("inloggen/code/", views.second_factor_verify, name="second-factor-verify"),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "inloggen/wachtwoord-vergeten/",
        password_views.ForgotPasswordView.as_view(),
        name="password-reset",
    ),
    path(
        "inloggen/wachtwoord-vergeten/verstuurd/",
        password_views.ResetSentView.as_view(),
        name="reset-sent",
    ),
    path(
        "inloggen/nieuw-wachtwoord/<str:key>/",
        password_views.reset_confirm,
        name="reset-confirm",
    ),
    path("account/", views.account, name="account"),
    path("account/uitnodiging/<str:key>/", password_views.invitation, name="invitation"),
    path(
        "account/wachtwoord/",
        password_views.PasswordChangeView.as_view(),
        name="password-change",
    ),
    path(
        "account/overal-uitloggen/",
        password_views.sign_out_everywhere,
        name="sign-out-everywhere",
    ),
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
    path("uitgaande-e-mail/", outbox_views.outbox, name="outbox"),
    path("uitgaande-e-mail/opnieuw/", outbox_views.outbox_resend, name="outbox-resend"),
    # The network office's pages of accounts.
    path("accounts/", office_views.accounts, name="accounts"),
    path("accounts/uitnodigen/", office_views.invite_search, name="invite-search"),
    path("accounts/uitnodigen/<slug:slug>/", office_views.invite, name="invite"),
    path("accounts/domeinen/", office_views.allowed_domains, name="allowed-domains"),
    path(
        "accounts/domeinen/<int:pk>/verwijderen/",
        office_views.allowed_domain_remove,
        name="allowed-domain-remove",
    ),
    path("accounts/<int:pk>/", office_views.account_detail, name="account-detail"),
    path(
        "accounts/<int:pk>/uitschakelen/",
        office_views.account_switch_off,
        name="switch-off",
    ),
    path("accounts/<int:pk>/inschakelen/", office_views.account_switch_on, name="switch-on"),
    path(
        "accounts/<int:pk>/opnieuw-uitnodigen/",
        office_views.invitation_resend,
        name="invitation-resend",
    ),
]
