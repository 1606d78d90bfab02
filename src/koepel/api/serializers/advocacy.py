"""The lobby: dossiers with their outcomes, actions with the member cities' answers, milestones."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from koepel.accounts.access import visible_bodies
from koepel.advocacy.models import (
    ActionKind,
    AnswerChannel,
    ConsultationAnswer,
    ConsultationResponse,
    Dossier,
    DossierStatus,
    FundingKind,
    LobbyAction,
    Milestone,
    OutcomeChange,
    Stage,
)
from koepel.advocacy.selectors import visible_dossiers
from koepel.api.fields import PartialDateField
from koepel.api.serializers.common import SingleLineField, VisibleSlugField
from koepel.api.serializers.registry import all_municipalities, all_organisations
from koepel.core.visibility import Visibility
from koepel.registry.models import Body, SilenceRule
from koepel.registry.selectors import visible_people


def _visible_dossiers(user: Any) -> QuerySet[Dossier]:
    return visible_dossiers(user)


def _absolute(serializer: serializers.Serializer[Any], path: str) -> str:
    request = serializer.context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


@extend_schema_field({"type": "string", "nullable": True, "description": "Slug van het gremium."})
class SeenBodyField(serializers.Field):  # type: ignore[type-arg]
    """A body by slug, or null when there is none or the user may not see it."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

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


class DossierSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    url = serializers.HyperlinkedIdentityField(
        view_name="api:lobbydossier-detail", lookup_field="slug"
    )
    slug = serializers.SlugField(max_length=80)
    titel = SingleLineField(source="title", max_length=200)
    doel = serializers.CharField(
        source="goal", help_text="Wat het netwerk wil bereiken. In Markdown."
    )
    gremia = VisibleSlugField(
        visible_bodies, source="bodies", many=True, help_text="De gremia van het dossier."
    )
    personen = VisibleSlugField(
        visible_people,
        source="people",
        many=True,
        required=False,
        help_text="Wie aan het dossier werken.",
    )
    externeGremia = VisibleSlugField(
        visible_bodies,
        source="external_bodies",
        many=True,
        required=False,
        help_text="Gremia buiten het netwerk waarin mensen van het netwerk voor dit dossier "
        "spreken.",
    )
    status = serializers.ChoiceField(
        choices=DossierStatus.choices,
        read_only=True,
        help_text="Verandert alleen met een nieuwe uitkomst (…/uitkomsten).",
    )
    statusDatum = PartialDateField(source="status_date", read_only=True)
    bewijs = serializers.CharField(source="evidence", read_only=True)
    bewijsUrl = serializers.CharField(source="evidence_url", read_only=True)
    bedrag = serializers.DecimalField(
        source="amount",
        max_digits=14,
        decimal_places=0,
        read_only=True,
        allow_null=True,
        help_text="Het bedrag dat is binnengehaald, in euro.",
    )
    financiering = serializers.ChoiceField(
        source="funding_kind", choices=FundingKind.choices, read_only=True, allow_blank=True
    )
    financieringsjaren = serializers.CharField(source="funding_years", read_only=True)
    vervolg = serializers.CharField(source="follow_up", read_only=True)
    zichtbaarheid = serializers.ChoiceField(
        source="visibility", choices=Visibility.choices, required=False
    )
    uitkomsten = serializers.SerializerMethodField()

    class Meta:
        model = Dossier
        fields = (
            "url",
            "slug",
            "titel",
            "doel",
            "gremia",
            "personen",
            "externeGremia",
            "status",
            "statusDatum",
            "bewijs",
            "bewijsUrl",
            "bedrag",
            "financiering",
            "financieringsjaren",
            "vervolg",
            "zichtbaarheid",
            "uitkomsten",
        )

    def get_uitkomsten(self, obj: Dossier) -> str:
        """De statuswijzigingen van het dossier, met hun bewijs."""
        path = reverse("api:lobbydossier-uitkomst-list", kwargs={"lobbydossier_slug": obj.slug})
        return _absolute(self, path)


class OutcomeSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    id = serializers.IntegerField(read_only=True)
    status = serializers.ChoiceField(choices=DossierStatus.choices)
    datum = PartialDateField(source="date", required=True, allow_null=False)
    bewijs = serializers.CharField(
        source="evidence",
        help_text="Wat de uitkomst laat zien: een besluit, een brief, … In Markdown.",
    )
    bewijsUrl = serializers.URLField(
        source="evidence_url", max_length=500, required=False, allow_blank=True
    )
    vastgelegdOp = serializers.DateTimeField(source="recorded_at", read_only=True)

    class Meta:
        model = OutcomeChange
        fields: tuple[str, ...] = ("id", "status", "datum", "bewijs", "bewijsUrl", "vastgelegdOp")


class OutcomeInputSerializer(OutcomeSerializer):
    """A new outcome, with what it means for the dossier's money and follow-up."""

    bedrag = serializers.DecimalField(
        source="amount",
        max_digits=14,
        decimal_places=0,
        required=False,
        allow_null=True,
        min_value=0,
        write_only=True,
    )
    financiering = serializers.ChoiceField(
        source="funding_kind",
        choices=FundingKind.choices,
        required=False,
        allow_blank=True,
        write_only=True,
    )
    financieringsjaren = SingleLineField(
        source="funding_years", max_length=40, required=False, allow_blank=True, write_only=True
    )
    vervolg = serializers.CharField(
        source="follow_up", required=False, allow_blank=True, write_only=True
    )

    class Meta(OutcomeSerializer.Meta):
        fields: tuple[str, ...] = (
            *OutcomeSerializer.Meta.fields,
            "bedrag",
            "financiering",
            "financieringsjaren",
            "vervolg",
        )


class ActionSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    url = serializers.HyperlinkedIdentityField(view_name="api:lobbyactie-detail")
    id = serializers.IntegerField(read_only=True)
    titel = SingleLineField(source="title", max_length=300)
    soort = serializers.ChoiceField(source="kind", choices=ActionKind.choices)
    datum = PartialDateField(source="date", required=True, allow_null=False)
    samenvatting = serializers.CharField(
        source="summary", required=False, allow_blank=True, help_text="In Markdown."
    )
    tekst = serializers.CharField(
        source="text",
        required=False,
        allow_blank=True,
        help_text="De tekst zelf, om te lezen; de lidsteden lezen het concept hier. In Markdown.",
    )
    dossiers = VisibleSlugField(_visible_dossiers, many=True, required=False)
    geadresseerden = VisibleSlugField(
        all_organisations,
        source="addressees",
        many=True,
        required=False,
        help_text="Organisaties waaraan de actie gericht is.",
    )
    geadresseerdePersonen = VisibleSlugField(
        visible_people, source="addressee_people", many=True, required=False
    )
    geadresseerdeOverig = SingleLineField(
        source="addressee_note", max_length=200, required=False, allow_blank=True
    )
    samenMet = VisibleSlugField(
        all_organisations,
        source="cosigners",
        many=True,
        required=False,
        help_text="Organisaties die de actie mee ondertekenden.",
    )
    gremia = VisibleSlugField(visible_bodies, source="bodies", many=True)
    personen = VisibleSlugField(visible_people, source="people", many=True, required=False)
    documentUrl = serializers.URLField(
        source="document_url", max_length=500, required=False, allow_blank=True
    )
    document = serializers.SerializerMethodField()
    fase = serializers.ChoiceField(
        source="stage",
        choices=Stage.choices,
        required=False,
        help_text=(
            "Concept, consultatie, vastgesteld of verzonden; alleen vooruit, zoals op de "
            "pagina's. Naar consultatie: de lidsteden krijgen bericht. Naar vastgesteld: met "
            "vastgesteldDoor en vastgesteldOp. Naar verzonden: datum is de dag van verzending "
            "(ook een dag in het verleden)."
        ),
    )
    vastgesteldDoor = SeenBodyField(
        source="adopted_by", help_text="Slug van het gremium dat de tekst vaststelde."
    )
    vastgesteldOp = serializers.DateField(source="adopted_on", required=False, allow_null=True)
    zichtbaarheid = serializers.ChoiceField(
        source="visibility", choices=Visibility.choices, required=False
    )
    reacties = serializers.SerializerMethodField()
    raadpleging = serializers.SerializerMethodField()

    class Meta:
        model = LobbyAction
        fields = (
            "url",
            "id",
            "titel",
            "soort",
            "datum",
            "samenvatting",
            "tekst",
            "dossiers",
            "geadresseerden",
            "geadresseerdePersonen",
            "geadresseerdeOverig",
            "samenMet",
            "gremia",
            "personen",
            "documentUrl",
            "document",
            "fase",
            "vastgesteldDoor",
            "vastgesteldOp",
            "zichtbaarheid",
            "reacties",
            "raadpleging",
        )

    def get_document(self, obj: LobbyAction) -> str | None:
        """Het verstuurde document om te downloaden, als het is opgeslagen."""
        return _absolute(self, obj.get_document_url()) if obj.document else None

    def get_reacties(self, obj: LobbyAction) -> str:
        """De reacties van de lidsteden op het concept."""
        path = reverse("api:lobbyactie-reactie-list", kwargs={"lobbyactie_pk": obj.pk})
        return _absolute(self, path)

    def get_raadpleging(self, obj: LobbyAction) -> str:
        """De raadpleging van de lidsteden: welke steden, tot wanneer, de telling."""
        return _absolute(self, reverse("api:lobbyactie-raadpleging", kwargs={"pk": obj.pk}))


class ConsultationResponseSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    gemeente = VisibleSlugField(
        all_municipalities,
        source="municipality",
        slug_field="cbs_code",
        required=False,
        help_text="De gemeente waarvoor u antwoordt; zonder: uw eigen gemeente.",
    )
    antwoord = serializers.ChoiceField(source="answer", choices=ConsultationAnswer.choices)
    opmerking = serializers.CharField(source="remark", required=False, allow_blank=True)
    beantwoordOp = serializers.DateTimeField(source="answered_at", read_only=True)
    gegevenDoor = SingleLineField(
        source="given_by",
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="Wie het antwoord gaf, als het namens de gemeente wordt vastgelegd.",
    )
    gegevenVia = serializers.ChoiceField(
        source="given_how",
        choices=AnswerChannel.choices,
        required=False,
        allow_blank=True,
        help_text="Hoe het antwoord namens de gemeente werd gegeven; leeg: door haar eigen "
        "mensen, hier.",
    )
    gegevenOp = serializers.DateField(
        source="given_on",
        required=False,
        allow_null=True,
        help_text="Wanneer het antwoord namens de gemeente werd gegeven (standaard: vandaag).",
    )

    class Meta:
        model = ConsultationResponse
        fields = (
            "gemeente",
            "antwoord",
            "opmerking",
            "beantwoordOp",
            "gegevenDoor",
            "gegevenVia",
            "gegevenOp",
        )


class TallySerializer(serializers.Serializer):  # type: ignore[type-arg]
    eens = serializers.IntegerField(source="agrees")
    eensMetOpmerkingen = serializers.IntegerField(source="agrees_with_remarks")
    oneens = serializers.IntegerField(source="disagrees")
    geenReactie = serializers.IntegerField(source="no_answer")
    stilzwijgendEens = serializers.IntegerField(
        source="silence_as_agreement",
        help_text="Het deel van 'eens' dat zweeg: na de termijn, als stilzwijgen instemming is.",
    )


class RemarkSerializer(serializers.Serializer):  # type: ignore[type-arg]
    gemeente = serializers.CharField(source="municipality.cbs_code")
    naam = serializers.CharField(source="municipality.name")
    antwoord = serializers.CharField(
        source="answer", help_text="eens_met_opmerkingen of oneens (of eens, met een opmerking)."
    )
    opmerking = serializers.CharField(source="remark")


class SilentCitySerializer(serializers.Serializer):  # type: ignore[type-arg]
    gemeente = serializers.CharField(source="city.cbs_code")
    naam = serializers.CharField(source="city.name")
    herinnerdOp = serializers.DateTimeField(source="reminded", allow_null=True)


class ConsultationStateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """How far the consultation of the member cities on a draft is (read only)."""

    geraadpleegdOp = serializers.DateField(source="record.opened_on", allow_null=True)
    reagerenTot = serializers.DateField(source="deadline", allow_null=True)
    termijnVerstreken = serializers.BooleanField(source="past_deadline")
    stilzwijgen = serializers.ChoiceField(
        source="rule",
        choices=SilenceRule.choices,
        help_text="Wat het zwijgen van een stad na de termijn betekent.",
    )
    toelichting = serializers.CharField(source="record.message", allow_null=True)
    gemeenten = serializers.SerializerMethodField()
    telling = TallySerializer(source="tally")
    opmerkingen = RemarkSerializer(source="remarks", many=True)
    nogGeenAntwoord = SilentCitySerializer(source="silent_list", many=True)
    vaststellenMogelijk = serializers.SerializerMethodField()
    waaromNiet = serializers.CharField(
        source="blocked", allow_null=True, help_text="Wat er ontbreekt om vast te stellen."
    )

    def get_gemeenten(self, obj: Any) -> list[str]:
        """De CBS-codes van de geraadpleegde gemeenten."""
        return [city.cbs_code for city in obj.consulted]

    def get_vaststellenMogelijk(self, obj: Any) -> bool:
        """Of de tekst nu mag worden vastgesteld."""
        return obj.blocked is None


class MilestoneSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    url = serializers.HyperlinkedIdentityField(view_name="api:mijlpaal-detail")
    id = serializers.IntegerField(read_only=True)
    titel = SingleLineField(source="title", max_length=300)
    omschrijving = serializers.CharField(source="description", required=False, allow_blank=True)
    datum = PartialDateField(source="date", required=True, allow_null=False)
    gremia = VisibleSlugField(visible_bodies, source="bodies", many=True)
    dossiers = VisibleSlugField(_visible_dossiers, many=True, required=False)
    zichtbaarheid = serializers.ChoiceField(
        source="visibility", choices=Visibility.choices, required=False
    )

    class Meta:
        model = Milestone
        fields = (
            "url",
            "id",
            "titel",
            "omschrijving",
            "datum",
            "gremia",
            "dossiers",
            "zichtbaarheid",
        )
