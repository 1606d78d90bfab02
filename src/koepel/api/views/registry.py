"""The register through the API. Reading follows the pages; changing it is for the network
office alone, as in the admin (koepel.accounts.access.can_manage_registry)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Model, Prefetch, QuerySet
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response

from koepel.accounts.access import can_manage_registry, visible_bodies
from koepel.api.problems import PreconditionFailed
from koepel.api.serializers import registry as s
from koepel.api.views.base import DOMAIN_DATA, Writable
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
from koepel.registry.selectors import member_municipalities


class RegistryResource(Writable):
    """Creates, changes and deletes a record of the register through its service."""

    list_kinds = DOMAIN_DATA

    save_service: Any = None

    def may_change(self, instance: Any) -> bool:
        return can_manage_registry(self.request.user)

    def _require_office(self) -> None:
        if not can_manage_registry(self.request.user):
            raise exceptions.PermissionDenied()

    def create_record(self, data: dict[str, Any]) -> Model:
        self._require_office()
        model = self.served_model()
        return self._save(model(), data)

    def update_record(self, instance: Model, data: dict[str, Any]) -> Model:
        return self._save(instance, data)

    def _save(self, instance: Model, data: dict[str, Any]) -> Model:
        many = {k: v for k, v in data.items() if instance._meta.get_field(k).many_to_many}
        for name, value in data.items():
            if name not in many:
                setattr(instance, name, value)
        saved: Model = self.save_service(instance)
        for name, values in many.items():
            getattr(saved, name).set(values)
        return saved

    def delete_record(self, instance: Model) -> None:
        services.record_delete(record=instance)


class MunicipalityFilter(django_filters.FilterSet):
    provincie = django_filters.CharFilter(field_name="province")
    lid = django_filters.BooleanFilter(method="filter_member", label="Nu lid van het netwerk")

    class Meta:
        model = Municipality
        fields: list[str] = []

    def filter_member(
        self, queryset: QuerySet[Municipality], name: str, value: bool | None
    ) -> QuerySet[Municipality]:
        if value is None:
            return queryset
        members = member_municipalities().values("pk")
        return queryset.filter(pk__in=members) if value else queryset.exclude(pk__in=members)


@extend_schema_view(
    list=extend_schema(summary="Gemeenten", description="De gemeenten, met hun CBS-code."),
    retrieve=extend_schema(summary="Eén gemeente, op CBS-code"),
)
class MunicipalityViewSet(RegistryResource):
    noun = "gemeente"
    plural = "gemeenten"
    serializer_class = s.MunicipalitySerializer
    lookup_field = "cbs_code"
    lookup_value_regex = "[Gg][Mm][0-9]{4}"
    filterset_class = MunicipalityFilter
    ordering_fields = ("sort_name", "cbs_code")

    def records(self) -> QuerySet[Municipality]:
        return Municipality.objects.order_by("sort_name", "pk").prefetch_related(
            Prefetch("populations", Population.objects.order_by("year")),
            Prefetch("memberships", Membership.objects.order_by("start")),
        )

    def normalise_key(self, value: str) -> str:
        return value.upper()

    def save_service(self, instance: Municipality) -> Municipality:
        return services.municipality_save(municipality=instance)


@extend_schema_view(
    list=extend_schema(summary="Organisaties", description="Ministeries, kennisinstituten, …"),
    retrieve=extend_schema(summary="Eén organisatie"),
)
class OrganisationViewSet(RegistryResource):
    noun = "organisatie"
    plural = "organisaties"
    serializer_class = s.OrganisationSerializer
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    filterset_fields = {"kind": ["exact"]}
    ordering_fields = ("name",)

    def records(self) -> QuerySet[Organisation]:
        return Organisation.objects.order_by("name").prefetch_related(
            Prefetch("memberships", Membership.objects.order_by("start"))
        )

    def save_service(self, instance: Organisation) -> Organisation:
        return services.organisation_save(organisation=instance)


class PersonFilter(django_filters.FilterSet):
    gemeente = django_filters.CharFilter(field_name="municipality__cbs_code")
    organisatie = django_filters.CharFilter(field_name="organisation__slug")

    class Meta:
        model = Person
        fields: list[str] = []


@extend_schema_view(
    list=extend_schema(summary="Personen"),
    retrieve=extend_schema(summary="Eén persoon"),
)
class PersonViewSet(RegistryResource):
    noun = "persoon"
    plural = "personen"
    serializer_class = s.PersonSerializer
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    filterset_class = PersonFilter
    ordering_fields = ("sort_name",)

    def records(self) -> QuerySet[Person]:
        return Person.objects.select_related("municipality", "organisation").order_by(
            "sort_name", "name"
        )

    def save_service(self, instance: Person) -> Person:
        return services.person_save(person=instance, actor=self.request.user)


class BodyFilter(django_filters.FilterSet):
    soort = django_filters.CharFilter(field_name="kind")
    eigendom = django_filters.CharFilter(field_name="ownership")
    onderdeelVan = django_filters.CharFilter(field_name="parent__slug")

    class Meta:
        model = Body
        fields: list[str] = []


@extend_schema_view(
    list=extend_schema(
        summary="Gremia",
        description="De gremia van het netwerk en die erbuiten, elk met zijn soort.",
    ),
    retrieve=extend_schema(summary="Eén gremium"),
)
class BodyViewSet(RegistryResource):
    noun = "gremium"
    plural = "gremia"
    serializer_class = s.BodySerializer
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    filterset_class = BodyFilter
    ordering_fields = ("position", "name")

    def records(self) -> QuerySet[Body]:
        return Body.objects.select_related("parent", "owner").order_by("position", "name")

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        context["visible_body_ids"] = set(
            visible_bodies(self.request.user).values_list("pk", flat=True)
        )
        return context

    def may_change(self, instance: Any) -> bool:
        return can_manage_registry(self.request.user)

    def save_service(self, instance: Body) -> Body:
        return services.body_save(body=instance)


class RoleFilter(django_filters.FilterSet):
    gremium = django_filters.CharFilter(field_name="body__slug")
    persoon = django_filters.CharFilter(field_name="person__slug")
    functie = django_filters.CharFilter(field_name="function")
    actueel = django_filters.BooleanFilter(method="filter_current", label="Nu lopend")

    class Meta:
        model = Role
        fields: list[str] = []

    def filter_current(
        self, queryset: QuerySet[Role], name: str, value: bool | None
    ) -> QuerySet[Role]:
        if value is None:
            return queryset
        current = Role.objects.current().values("pk")
        return queryset.filter(pk__in=current) if value else queryset.exclude(pk__in=current)


@extend_schema_view(
    list=extend_schema(summary="Rollen", description="Wie in welk gremium zit, sinds wanneer."),
    retrieve=extend_schema(summary="Eén rol"),
)
class RoleViewSet(RegistryResource):
    noun = "rol"
    plural = "rollen"
    serializer_class = s.RoleSerializer
    filterset_class = RoleFilter
    ordering_fields = ("start", "end")

    def records(self) -> QuerySet[Role]:
        return Role.objects.select_related(
            "person", "body", "on_behalf_of_municipality", "on_behalf_of_organisation"
        ).order_by("body__name", "function", "start", "pk")

    def save_service(self, instance: Role) -> Role:
        return services.role_save(role=instance)


class ParticipationFilter(django_filters.FilterSet):
    gremium = django_filters.CharFilter(field_name="body__slug")
    gemeente = django_filters.CharFilter(field_name="municipality__cbs_code")
    organisatie = django_filters.CharFilter(field_name="organisation__slug")

    class Meta:
        model = Participation
        fields: list[str] = []


@extend_schema_view(
    list=extend_schema(summary="Deelnames", description="Gemeenten en organisaties in gremia."),
    retrieve=extend_schema(summary="Eén deelname"),
)
class ParticipationViewSet(RegistryResource):
    noun = "deelname"
    plural = "deelnames"
    serializer_class = s.ParticipationSerializer
    filterset_class = ParticipationFilter
    ordering_fields = ("start",)

    def records(self) -> QuerySet[Participation]:
        return Participation.objects.select_related(
            "body", "municipality", "organisation"
        ).order_by("body__name", "start", "pk")

    def save_service(self, instance: Participation) -> Participation:
        return services.participation_save(participation=instance)


class MembershipFilter(django_filters.FilterSet):
    gemeente = django_filters.CharFilter(
        field_name="municipality__cbs_code", lookup_expr="iexact", label="CBS-code van de gemeente"
    )
    actueel = django_filters.BooleanFilter(method="filter_current", label="Nu lopend")

    class Meta:
        model = Membership
        fields: list[str] = []

    def filter_current(
        self, queryset: QuerySet[Membership], name: str, value: bool | None
    ) -> QuerySet[Membership]:
        if value is None:
            return queryset
        current = Membership.objects.current().values("pk")
        return queryset.filter(pk__in=current) if value else queryset.exclude(pk__in=current)


@extend_schema_view(
    list=extend_schema(
        summary="Lidmaatschappen",
        description="Welke gemeente van wanneer tot wanneer lid van het netwerk is.",
    ),
    retrieve=extend_schema(summary="Eén lidmaatschap"),
    create=extend_schema(
        summary="Een lidmaatschap vastleggen",
        description="Voor het netwerkbureau. De perioden van één gemeente overlappen niet.",
    ),
    partial_update=extend_schema(
        summary="Een lidmaatschap wijzigen", description="Beëindigen: stuur eind."
    ),
)
class MembershipViewSet(RegistryResource):
    noun = "lidmaatschap"
    plural = "lidmaatschappen"
    serializer_class = s.MembershipSerializer
    filterset_class = MembershipFilter
    ordering_fields = ("start", "end")

    def records(self) -> QuerySet[Membership]:
        return Membership.objects.select_related("municipality").order_by(
            "municipality__sort_name", "start", "pk"
        )

    def save_service(self, instance: Membership) -> Membership:
        return services.membership_save(membership=instance)


@extend_schema_view(
    retrieve=extend_schema(summary="Het netwerk", description="Naam, omschrijving en partners."),
    update=extend_schema(
        summary="Het netwerk vastleggen",
        description=(
            "Voor het netwerkbureau. Bestaat het netwerk nog niet, dan maakt dit het aan (201, "
            "zonder If-Match); daarna vraagt elke wijziging de ETag in If-Match."
        ),
        responses={200: s.NetworkSerializer, 201: s.NetworkSerializer},
    ),
    partial_update=extend_schema(summary="Het netwerk wijzigen"),
)
class NetworkViewSet(RegistryResource):
    """The network itself: one record, at one address without a key."""

    noun = "netwerk"
    serializer_class = s.NetworkSerializer
    filter_backends: list[Any] = []
    pagination_class = None
    access_checked_by = "the network record is open to all (accounts.paths: registry.network)"

    def records(self) -> QuerySet[Network]:
        return Network.objects.prefetch_related("partners").order_by("pk")

    def get_object(self) -> Network:
        network: Network | None = self.get_queryset().first()
        if network is None:
            raise exceptions.NotFound()
        self.check_object_permissions(self.request, network)
        return network

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not kwargs.get("partial") and not Network.objects.exists():
            # A network starts with its record: there is no version to name yet.
            if request.headers.get("If-Match"):
                raise PreconditionFailed()
            return self.create(request, *args, **kwargs)
        return super().update(request, *args, **kwargs)

    def _shown(self, instance: Model, status_code: int = 200) -> Response:
        response = super()._shown(instance)
        if status_code == 201:
            response.status_code = 201
            response["Location"] = self.request.build_absolute_uri(reverse("api:netwerk"))
        return response

    def save_service(self, instance: Network) -> Network:
        return services.network_save(network=instance)
