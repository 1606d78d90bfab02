"""The register: municipalities, organisations, people, bodies, roles and participations."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from koepel.accounts.access import can_see_contact_details, visible_bodies
from koepel.api.fields import PartialDateField
from koepel.api.serializers.common import SingleLineField, TermField, VisibleSlugField
from koepel.core.visibility import Visibility
from koepel.registry.models import (
    Body,
    Level,
    Membership,
    Municipality,
    Network,
    Organisation,
    OrganisationKind,
    Ownership,
    Participation,
    Person,
    Province,
    Role,
    Vocabulary,
)
from koepel.registry.selectors import visible_people


def all_municipalities(user: Any) -> QuerySet[Municipality]:
    return Municipality.objects.all()


def all_organisations(user: Any) -> QuerySet[Organisation]:
    return Organisation.objects.all()


class PopulationSerializer(serializers.Serializer):  # type: ignore[type-arg]
    jaar = serializers.IntegerField(source="year", read_only=True)
    inwoners = serializers.IntegerField(source="inhabitants", read_only=True)
    bron = serializers.CharField(source="source", read_only=True)


class MembershipPeriodSerializer(serializers.Serializer):  # type: ignore[type-arg]
    begin = PartialDateField(source="start", read_only=True)
    eind = PartialDateField(source="end", read_only=True)


class MunicipalitySerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    url = serializers.HyperlinkedIdentityField(
        view_name="api:gemeente-detail", lookup_field="cbs_code", lookup_url_kwarg="cbs_code"
    )
    cbsCode = serializers.RegexField(
        r"^GM\d{4}$", source="cbs_code", max_length=6, help_text="CBS-gemeentecode, zoals GM0363."
    )
    naam = SingleLineField(source="name", max_length=100)
    provincie = serializers.ChoiceField(source="province", choices=Province.choices)
    tooiUri = serializers.CharField(source="tooi_uri", read_only=True)
    provincieTooiUri = serializers.CharField(source="province_tooi_uri", read_only=True)
    inwonertallen = PopulationSerializer(source="populations", many=True, read_only=True)
    lidmaatschappen = MembershipPeriodSerializer(
        source="memberships",
        many=True,
        read_only=True,
        help_text="Wijzig ze met /lidmaatschappen.",
    )

    class Meta:
        model = Municipality
        fields = (
            "url",
            "cbsCode",
            "naam",
            "provincie",
            "tooiUri",
            "provincieTooiUri",
            "inwonertallen",
            "lidmaatschappen",
        )


class OrganisationSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    url = serializers.HyperlinkedIdentityField(
        view_name="api:organisatie-detail", lookup_field="slug"
    )
    slug = serializers.SlugField(max_length=80)
    naam = SingleLineField(source="name", max_length=200)
    afkorting = SingleLineField(
        source="abbreviation", max_length=40, required=False, allow_blank=True
    )
    soort = serializers.ChoiceField(source="kind", choices=OrganisationKind.choices)
    tooiUri = serializers.URLField(
        source="tooi_uri",
        required=False,
        allow_blank=True,
        help_text="De identificatie in TOOI, alleen waar die bestaat.",
    )
    website = serializers.URLField(required=False, allow_blank=True)
    # A province, a water board or an association may itself be a member of the network.
    lidmaatschappen = MembershipPeriodSerializer(source="memberships", many=True, read_only=True)

    class Meta:
        model = Organisation
        fields = (
            "url",
            "slug",
            "naam",
            "afkorting",
            "soort",
            "tooiUri",
            "website",
            "lidmaatschappen",
        )


class PersonSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    url = serializers.HyperlinkedIdentityField(view_name="api:persoon-detail", lookup_field="slug")
    slug = serializers.SlugField(max_length=80)
    naam = SingleLineField(source="name", max_length=200)
    sorteernaam = SingleLineField(
        source="sort_name", max_length=200, required=False, allow_blank=True
    )
    functietitel = SingleLineField(source="title", max_length=200, required=False, allow_blank=True)
    gemeente = VisibleSlugField(
        all_municipalities,
        source="municipality",
        slug_field="cbs_code",
        required=False,
        allow_null=True,
    )
    organisatie = VisibleSlugField(
        all_organisations, source="organisation", required=False, allow_null=True
    )
    email = serializers.EmailField(
        required=False,
        allow_blank=True,
        help_text="Alleen voor leden van het netwerk; anders leeg.",
    )
    telefoon = SingleLineField(
        source="phone",
        max_length=40,
        required=False,
        allow_blank=True,
        help_text="Alleen voor leden van het netwerk; anders leeg.",
    )

    class Meta:
        model = Person
        fields = (
            "url",
            "slug",
            "naam",
            "sorteernaam",
            "functietitel",
            "gemeente",
            "organisatie",
            "email",
            "telefoon",
        )

    def to_representation(self, instance: Person) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        request = self.context.get("request")
        if not can_see_contact_details(getattr(request, "user", None)):
            # Contact details are for members of the network, never for the public.
            data["email"] = ""
            data["telefoon"] = ""
        return data


@extend_schema_field({"type": "string", "nullable": True, "description": "Slug van het gremium."})
class ParentField(serializers.Field):  # type: ignore[type-arg]
    """The parent body by slug, or null when there is none or the user may not see it."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(source="parent", required=False, allow_null=True, **kwargs)

    def to_representation(self, value: Body | None) -> str | None:
        if value is None:
            return None
        seen: set[int] = self.context["visible_body_ids"]
        return value.slug if value.pk in seen else None

    def to_internal_value(self, data: Any) -> Body:
        request = self.context.get("request")
        slug = str(data)
        body = None
        if "\x00" not in slug:  # a NUL byte names nothing (and PostgreSQL refuses to look)
            body = visible_bodies(getattr(request, "user", None)).filter(slug=slug).first()
        if body is None:
            raise serializers.ValidationError(f"Er is geen gremium “{data}”.")
        return body


class BodySerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    url = serializers.HyperlinkedIdentityField(view_name="api:gremium-detail", lookup_field="slug")
    slug = serializers.SlugField(max_length=80)
    naam = SingleLineField(source="name", max_length=200)
    soort = TermField(Vocabulary.BODY_KIND, source="kind")
    soortNaam = serializers.CharField(source="get_kind_display", read_only=True)
    onderdeelVan = ParentField()
    eigendom = serializers.ChoiceField(
        source="ownership", choices=Ownership.choices, required=False
    )
    eigenaar = VisibleSlugField(all_organisations, source="owner", required=False, allow_null=True)
    omschrijving = serializers.CharField(
        source="description", required=False, allow_blank=True, help_text="In Markdown."
    )
    positie = serializers.IntegerField(
        source="position", required=False, min_value=0, max_value=32767
    )
    aantalLeden = serializers.IntegerField(
        source="headcount", required=False, allow_null=True, min_value=0, max_value=32767
    )
    aantalLedenUitNetwerk = serializers.IntegerField(
        source="headcount_from_network",
        required=False,
        allow_null=True,
        min_value=0,
        max_value=32767,
    )
    zichtbaarheid = serializers.ChoiceField(
        source="visibility", choices=Visibility.choices, required=False
    )
    begin = PartialDateField(source="start")
    eind = PartialDateField(source="end")

    class Meta:
        model = Body
        fields = (
            "url",
            "slug",
            "naam",
            "soort",
            "soortNaam",
            "onderdeelVan",
            "eigendom",
            "eigenaar",
            "omschrijving",
            "positie",
            "aantalLeden",
            "aantalLedenUitNetwerk",
            "zichtbaarheid",
            "begin",
            "eind",
        )


class RoleSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    url = serializers.HyperlinkedIdentityField(view_name="api:rol-detail")
    id = serializers.IntegerField(read_only=True)
    persoon = VisibleSlugField(
        visible_people,
        source="person",
        required=False,
        allow_null=True,
        help_text="Leeg voor een vacature.",
    )
    gremium = VisibleSlugField(visible_bodies, source="body")
    functie = TermField(Vocabulary.FUNCTION, source="function")
    functieNaam = serializers.CharField(source="get_function_display", read_only=True)
    functieToelichting = SingleLineField(
        source="function_detail", max_length=120, required=False, allow_blank=True
    )
    niveau = serializers.ChoiceField(
        source="level", choices=Level.choices, required=False, allow_blank=True
    )
    namensGemeente = VisibleSlugField(
        all_municipalities,
        source="on_behalf_of_municipality",
        slug_field="cbs_code",
        required=False,
        allow_null=True,
    )
    namensOrganisatie = VisibleSlugField(
        all_organisations, source="on_behalf_of_organisation", required=False, allow_null=True
    )
    begin = PartialDateField(source="start")
    eind = PartialDateField(source="end")

    class Meta:
        model = Role
        fields = (
            "url",
            "id",
            "persoon",
            "gremium",
            "functie",
            "functieNaam",
            "functieToelichting",
            "niveau",
            "namensGemeente",
            "namensOrganisatie",
            "begin",
            "eind",
        )


class ParticipationSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    url = serializers.HyperlinkedIdentityField(view_name="api:deelname-detail")
    id = serializers.IntegerField(read_only=True)
    gremium = VisibleSlugField(visible_bodies, source="body")
    gemeente = VisibleSlugField(
        all_municipalities,
        source="municipality",
        slug_field="cbs_code",
        required=False,
        allow_null=True,
    )
    organisatie = VisibleSlugField(
        all_organisations, source="organisation", required=False, allow_null=True
    )
    functie = TermField(Vocabulary.PARTICIPATION_FUNCTION, source="function", required=False)
    functieNaam = serializers.CharField(source="get_function_display", read_only=True)
    toelichting = SingleLineField(source="note", max_length=200, required=False, allow_blank=True)
    begin = PartialDateField(source="start")
    eind = PartialDateField(source="end")

    class Meta:
        model = Participation
        fields = (
            "url",
            "id",
            "gremium",
            "gemeente",
            "organisatie",
            "functie",
            "functieNaam",
            "toelichting",
            "begin",
            "eind",
        )


class MembershipSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    url = serializers.HyperlinkedIdentityField(view_name="api:lidmaatschap-detail")
    id = serializers.IntegerField(read_only=True)
    gemeente = VisibleSlugField(
        all_municipalities,
        source="municipality",
        slug_field="cbs_code",
        help_text="CBS-code van de gemeente, zoals GM0363.",
    )
    begin = PartialDateField(source="start", help_text="Lid sinds; leeg: van het begin af.")
    eind = PartialDateField(
        source="end",
        help_text="Lid tot en met; leeg: nog lid. Zet het om het lidmaatschap te beëindigen.",
    )

    class Meta:
        model = Membership
        fields = ("url", "id", "gemeente", "begin", "eind")


class NetworkSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    naam = SingleLineField(source="name", max_length=200)
    korteNaam = SingleLineField(source="short_name", max_length=40)
    omschrijving = serializers.CharField(
        source="description", required=False, allow_blank=True, help_text="In Markdown."
    )
    website = serializers.URLField(required=False, allow_blank=True)
    partners = VisibleSlugField(
        all_organisations,
        many=True,
        required=False,
        help_text="De slugs van de organisaties waarmee het netwerk samenwerkt.",
    )

    class Meta:
        model = Network
        fields = ("naam", "korteNaam", "omschrijving", "website", "partners")
