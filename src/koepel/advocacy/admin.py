"""The office's back office for the lobby record; saves go through the advocacy services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.forms import ModelForm
from django.http import HttpRequest

from koepel.advocacy import services
from koepel.advocacy.models import (
    ConsultationResponse,
    Dossier,
    LobbyAction,
    Milestone,
    OutcomeChange,
)
from koepel.core.admin import VersionedAdmin, expected_version
from koepel.search import index


class ServiceSavingAdmin(VersionedAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(
        self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool
    ) -> None:
        services.record_save(
            actor=request.user, record=obj, expected_version=expected_version(form)
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.record_delete(actor=request.user, record=obj)

    def save_related(
        self, request: HttpRequest, form: ModelForm[Any], formsets: Any, change: bool
    ) -> None:
        # Many-to-many fields and inlines are saved after save_model: only now does the
        # record's entry in the search index know its bodies and people.
        super().save_related(request, form, formsets, change)
        index.refresh(form.instance)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        for obj in queryset:
            services.record_delete(actor=request.user, record=obj)


class OutcomeChangeInline(admin.TabularInline):  # type: ignore[type-arg]
    model = OutcomeChange
    extra = 0
    can_delete = False
    readonly_fields = (
        "status",
        "date",
        "date_precision",
        "evidence",
        "evidence_url",
        "recorded_by",
        "recorded_at",
    )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # outcomes are recorded with their evidence on the dossier page


class ConsultationResponseInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ConsultationResponse
    extra = 0
    can_delete = False
    readonly_fields = ("municipality", "answer", "remark", "answered_by", "answered_at")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Dossier)
class DossierAdmin(ServiceSavingAdmin):
    list_display = ("title", "status", "status_date", "visibility")
    list_filter = ("status", "visibility", "bodies")
    search_fields = ("title", "goal")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("bodies", "people", "external_bodies")
    readonly_fields = ("status", "status_date", "status_date_precision", "evidence", "evidence_url")
    inlines = (OutcomeChangeInline,)


@admin.register(LobbyAction)
class LobbyActionAdmin(ServiceSavingAdmin):
    list_display = ("title", "kind", "date", "stage", "visibility")
    list_filter = ("kind", "stage", "visibility", "bodies")
    search_fields = ("title", "summary")
    date_hierarchy = "date"
    filter_horizontal = (
        "dossiers",
        "addressees",
        "addressee_people",
        "cosigners",
        "bodies",
        "people",
    )
    inlines = (ConsultationResponseInline,)


@admin.register(Milestone)
class MilestoneAdmin(ServiceSavingAdmin):
    list_display = ("title", "date", "visibility")
    list_filter = ("visibility", "bodies")
    search_fields = ("title", "description")
    filter_horizontal = ("bodies", "dossiers")
