"""The network office's back office. Saves and deletes go through the registry's services,
like every other way in, so nothing bypasses validation."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest

from koepel.core.admin import (
    VersionedAdmin,
    VersionedInlineMixin,
    expected_version,
    inline_versions,
)
from koepel.registry import services
from koepel.registry.models import (
    Body,
    Membership,
    Municipality,
    Network,
    Organisation,
    Participation,
    Person,
    Population,
    Role,
)
from koepel.search import index

SAVERS: dict[type[models.Model], Any] = {
    Network: lambda obj, version: services.network_save(network=obj, expected_version=version),
    Municipality: lambda obj, version: services.municipality_save(
        municipality=obj, expected_version=version
    ),
    Population: lambda obj, version: services.population_save(
        population=obj, expected_version=version
    ),
    Membership: lambda obj, version: services.membership_save(
        membership=obj, expected_version=version
    ),
    Organisation: lambda obj, version: services.organisation_save(
        organisation=obj, expected_version=version
    ),
    Person: lambda obj, version: services.person_save(person=obj, expected_version=version),
    Body: lambda obj, version: services.body_save(body=obj, expected_version=version),
    Role: lambda obj, version: services.role_save(role=obj, expected_version=version),
    Participation: lambda obj, version: services.participation_save(
        participation=obj, expected_version=version
    ),
}


class ServiceSavingAdmin(VersionedAdmin):
    """Routes the admin's writes, inlines included, through the services, with the version
    each form started from."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(
        self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool
    ) -> None:
        SAVERS[type(obj)](obj, expected_version(form))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.record_delete(record=obj)

    def save_related(
        self, request: HttpRequest, form: ModelForm[Any], formsets: Any, change: bool
    ) -> None:
        # Many-to-many fields and inlines are saved after save_model: only now does the
        # record's entry in the search index know its bodies and people.
        super().save_related(request, form, formsets, change)
        index.refresh(form.instance)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        for obj in queryset:
            services.record_delete(record=obj)

    def save_formset(
        self,
        request: HttpRequest,
        form: ModelForm[Any],
        formset: BaseInlineFormSet[Any, Any, Any],
        change: bool,
    ) -> None:
        versions = inline_versions(formset)
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            services.record_delete(record=obj)
        for obj in instances:
            SAVERS[type(obj)](obj, versions.get(id(obj)))
        formset.save_m2m()


class PopulationInline(VersionedInlineMixin, admin.TabularInline):  # type: ignore[type-arg]
    model = Population
    extra = 0


class MembershipInline(VersionedInlineMixin, admin.TabularInline):  # type: ignore[type-arg]
    """A member's memberships, under the municipality or the organisation that is the member:
    the other of the two stays empty (``Membership.clean``)."""

    model = Membership
    extra = 0
    fields = ("start", "start_precision", "end", "end_precision")


class RoleInline(VersionedInlineMixin, admin.TabularInline):  # type: ignore[type-arg]
    model = Role
    extra = 0
    autocomplete_fields = ("person",)
    fields = (
        "person",
        "function",
        "function_detail",
        "note",
        "level",
        "on_behalf_of_municipality",
        "on_behalf_of_organisation",
        "start",
        "start_precision",
        "end",
        "end_precision",
    )


class ParticipationInline(VersionedInlineMixin, admin.TabularInline):  # type: ignore[type-arg]
    model = Participation
    extra = 0
    fields = (
        "municipality",
        "organisation",
        "function",
        "note",
        "start",
        "start_precision",
        "end",
        "end_precision",
    )


@admin.register(Network)
class NetworkAdmin(ServiceSavingAdmin):
    list_display = ("name", "short_name", "website")


@admin.register(Municipality)
class MunicipalityAdmin(ServiceSavingAdmin):
    list_display = ("name", "cbs_code", "province")
    list_filter = ("province",)
    search_fields = ("name", "cbs_code")
    inlines = (MembershipInline, PopulationInline)


@admin.register(Organisation)
class OrganisationAdmin(ServiceSavingAdmin):
    list_display = ("name", "abbreviation", "kind", "tooi_uri")
    list_filter = ("kind",)
    search_fields = ("name", "abbreviation")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (MembershipInline,)


@admin.register(Person)
class PersonAdmin(ServiceSavingAdmin):
    list_display = ("name", "title", "municipality", "organisation")
    list_select_related = ("municipality", "organisation")
    search_fields = ("name", "sort_name")
    list_filter = ("municipality",)
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("municipality", "organisation")


@admin.register(Body)
class BodyAdmin(ServiceSavingAdmin):
    list_display = ("name", "kind", "parent", "ownership", "visibility")
    list_select_related = ("parent",)
    list_filter = ("kind", "ownership", "visibility")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("parent", "owner")
    inlines = (RoleInline, ParticipationInline)


@admin.register(Role)
class RoleAdmin(ServiceSavingAdmin):
    list_display = ("person", "function", "body", "level", "start", "end")
    list_select_related = ("person", "body")
    list_filter = ("function", "level", "body__kind")
    search_fields = ("person__name", "body__name")
    autocomplete_fields = (
        "person",
        "body",
        "on_behalf_of_municipality",
        "on_behalf_of_organisation",
    )


@admin.register(Participation)
class ParticipationAdmin(ServiceSavingAdmin):
    list_display = ("body", "municipality", "organisation", "function", "start", "end")
    list_select_related = ("body", "municipality", "organisation")
    list_filter = ("function",)
    autocomplete_fields = ("body", "municipality", "organisation")
