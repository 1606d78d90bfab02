from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Exists, OuterRef, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from koepel.accounts import services
from koepel.accounts.models import User
from koepel.accounts.services import second_factor_reset
from koepel.core.admin import VersionedAdmin, expected_version

# The devices hold the secrets behind people's codes; the office resets a second factor with
# the action on the accounts list and never needs to see or copy one.
for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(User)
class UserAdmin(VersionedAdmin, DjangoUserAdmin):  # type: ignore[type-arg]
    list_display = ("username", "person", "is_office", "is_active", "two_step", "last_login")
    list_select_related = ("person",)
    list_filter = ("is_office", "is_active", "is_superuser")
    autocomplete_fields = ("person",)
    fieldsets = (
        *DjangoUserAdmin.fieldsets,  # type: ignore[misc]
        (_("Network"), {"fields": ("person", "is_office")}),
    )
    actions = ("reset_second_factor",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        app = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        users: QuerySet[User] = super().get_queryset(request).annotate(has_app=Exists(app))
        return users

    @admin.display(boolean=True, description=_("two-step sign-in"), ordering="has_app")
    def two_step(self, user: Any) -> bool:
        return bool(user.has_app)

    @admin.action(description=_("Reset two-step sign-in (lost phone)"))
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        count = 0
        for user in queryset:
            second_factor_reset(user=user)
            count += 1
        self.message_user(
            request,
            ngettext(
                "Two-step sign-in reset for %(count)d account. At the next sign-in it is set "
                "up again.",
                "Two-step sign-in reset for %(count)d accounts. At the next sign-in it is set "
                "up again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    def save_model(
        self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool
    ) -> None:
        # The admin's own forms validate the account (and hash a new password); the service
        # adds the version check.
        services.user_save(user=obj, expected_version=expected_version(form))
