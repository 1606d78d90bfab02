from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from koepel.accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):  # type: ignore[type-arg]
    list_display = ("username", "person", "is_office", "is_active", "last_login")
    list_select_related = ("person",)
    list_filter = ("is_office", "is_active", "is_superuser")
    autocomplete_fields = ("person",)
    fieldsets = (
        *DjangoUserAdmin.fieldsets,  # type: ignore[misc]
        (_("Network"), {"fields": ("person", "is_office")}),
    )
