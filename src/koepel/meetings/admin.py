"""The office's back office for meetings; saves go through the meeting services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext as _

from koepel.core.admin import (
    VersionedAdmin,
    VersionedInlineMixin,
    expected_version,
    inline_versions,
)
from koepel.meetings import services
from koepel.meetings.models import ActionItem, AgendaItem, Decision, Guest, Invitation, Meeting
from koepel.search import index


class GuestInline(VersionedInlineMixin, admin.TabularInline):  # type: ignore[type-arg]
    model = Guest
    extra = 0
    autocomplete_fields = ("person", "organisation")


class AgendaItemInline(VersionedInlineMixin, admin.TabularInline):  # type: ignore[type-arg]
    model = AgendaItem
    extra = 0
    autocomplete_fields = ("presenter",)


class InvitationInline(VersionedInlineMixin, admin.TabularInline):  # type: ignore[type-arg]
    model = Invitation
    extra = 0
    autocomplete_fields = ("person",)


class DecisionInline(VersionedInlineMixin, admin.TabularInline):  # type: ignore[type-arg]
    model = Decision
    extra = 0


class ActionItemInline(VersionedInlineMixin, admin.TabularInline):  # type: ignore[type-arg]
    model = ActionItem
    fk_name = "meeting"
    extra = 0
    autocomplete_fields = ("owner", "body")


class MeetingAdminForm(ModelForm):  # type: ignore[type-arg]
    """The organiser must be one of the meeting's bodies; the bodies are saved after the
    meeting itself, so the check is made here, on the form that holds both."""

    class Meta:
        model = Meeting
        fields = "__all__"  # noqa: DJ007 - the admin shows every field of a meeting

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        organiser = data.get("organiser")
        bodies = list(data.get("bodies") or [])
        if organiser is not None and bodies and organiser not in bodies:
            self.add_error(
                "organiser",
                _(
                    "%(body)s is not one of the bodies of this meeting. Choose the "
                    "organiser among them, or add it to them."
                )
                % {"body": organiser},
            )
        elif organiser is None and len(bodies) == 1:
            data["organiser"] = bodies[0]
            self.instance.organiser = bodies[0]
        return data


@admin.register(Meeting)
class MeetingAdmin(VersionedAdmin):
    form = MeetingAdminForm
    list_display = ("title", "date", "kind", "level", "format", "status", "visibility")
    list_filter = ("kind", "level", "format", "status", "visibility", "bodies")
    search_fields = ("title", "description")
    date_hierarchy = "date"
    filter_horizontal = ("bodies",)
    raw_id_fields = ("prepares", "part_of")
    # Minutes are written on the meeting page, where their markup is cleaned and they have a
    # version of their own.
    readonly_fields = ("minutes",)
    inlines = (GuestInline, AgendaItemInline, InvitationInline, DecisionInline, ActionItemInline)

    def save_model(
        self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool
    ) -> None:
        services.meeting_save(
            actor=request.user, meeting=obj, expected_version=expected_version(form)
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.meeting_delete(actor=request.user, meeting=obj)

    def save_related(
        self, request: HttpRequest, form: ModelForm[Any], formsets: Any, change: bool
    ) -> None:
        # Many-to-many fields and inlines are saved after save_model: only now does the
        # record's entry in the search index know its bodies and people.
        super().save_related(request, form, formsets, change)
        index.refresh(form.instance)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        for meeting in queryset:
            services.meeting_delete(actor=request.user, meeting=meeting)

    def save_formset(
        self,
        request: HttpRequest,
        form: ModelForm[Any],
        formset: BaseInlineFormSet[Any, Any, Any],
        change: bool,
    ) -> None:
        versions = inline_versions(formset)
        records = formset.save(commit=False)
        for record in formset.deleted_objects:
            services.meeting_part_delete(actor=request.user, record=record)
        for record in records:
            services.meeting_part_save(
                actor=request.user, record=record, expected_version=versions.get(id(record))
            )
        formset.save_m2m()
