from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from koepel.accounts import services
from koepel.accounts.models import User
from koepel.core.admin import VersionedAdmin, expected_version


@admin.register(User)
class UserAdmin(VersionedAdmin, DjangoUserAdmin):  # type: ignore[type-arg]
    list_display = ("username", "person", "is_office", "is_active", "last_login")
    list_select_related = ("person",)
    list_filter = ("is_office", "is_active", "is_superuser")
    autocomplete_fields = ("person",)
    fieldsets = (
        *DjangoUserAdmin.fieldsets,  # type: ignore[misc]
        (_("Network"), {"fields": ("person", "is_office")}),
    )

    def save_model(
        self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool
    ) -> None:
        # The admin's own forms validate the account (and hash a new password); the service
        # adds the version check.
        services.user_save(user=obj, expected_version=expected_version(form))
