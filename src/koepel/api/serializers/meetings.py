"""Meetings and their parts: agenda items, guests, decisions, actions and invitations."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from koepel.accounts.access import visible_bodies
from koepel.api.fields import LocalTimeField, PartialDateField
from koepel.api.serializers.common import SingleLineField, TermField, VisibleSlugField
from koepel.api.serializers.registry import all_organisations
from koepel.core.visibility import Visibility
from koepel.meetings.models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    Answer,
    Decision,
    Format,
    Guest,
    Invitation,
    Level,
    Meeting,
    Status,
)
from koepel.meetings.selectors import visible_meetings
from koepel.registry.models import Vocabulary
from koepel.registry.selectors import visible_people


def _user(field: serializers.Field) -> Any:  # type: ignore[type-arg]
    request = field.context.get("request")
    return getattr(request, "user", None)


@extend_schema_field(
    {"type": "integer", "nullable": True, "description": "Id van een bijeenkomst."}
)
class MeetingRefField(serializers.Field):  # type: ignore[type-arg]
    """Another meeting by id; shown only when the user may see it."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value: Meeting | None) -> int | None:
        if value is None:
            return None
        seen: set[int] = self.context.get("visible_linked_meetings", set())
        return value.pk if value.pk in seen else None

    def to_internal_value(self, data: Any) -> Meeting:
        meeting = None
        if isinstance(data, int) and not isinstance(data, bool) and 0 < data < 2**63:
            meeting = visible_meetings(_user(self)).filter(pk=data).first()
        if meeting is None:
            raise serializers.ValidationError(f"Er is geen bijeenkomst {data}.")
        return meeting


class OrganiserField(VisibleSlugField):
    """The body that organised a meeting, by slug; shown only when the reader may see it (it
    is read from the meeting's bodies as the reader sees them, so it costs no query)."""

    def get_attribute(self, instance: Meeting) -> Any:
        return next((b for b in instance.bodies.all() if b.pk == instance.organiser_id), None)


class MeetingSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    url = serializers.HyperlinkedIdentityField(view_name="api:bijeenkomst-detail")
    id = serializers.IntegerField(read_only=True)
    titel = SingleLineField(source="title", max_length=200)
    soort = TermField(Vocabulary.MEETING_KIND, source="kind")
    soortNaam = serializers.CharField(source="get_kind_display", read_only=True)
    niveau = serializers.ChoiceField(source="level", choices=Level.choices)
    vorm = serializers.ChoiceField(source="format", choices=Format.choices)
    hubs = SingleLineField(max_length=300, required=False, allow_blank=True)
    datum = PartialDateField(source="date", required=True, allow_null=False)
    begintijd = LocalTimeField(source="start_time", required=False, allow_null=True)
    einddatum = serializers.DateField(source="end_date", required=False, allow_null=True)
    eindtijd = LocalTimeField(source="end_time", required=False, allow_null=True)
    locatie = SingleLineField(source="location", max_length=200, required=False, allow_blank=True)
    onderwerpen = serializers.CharField(
        source="description", required=False, allow_blank=True, help_text="In Markdown."
    )
    gremia = VisibleSlugField(
        visible_bodies,
        source="bodies",
        many=True,
        help_text="De gremia die de bijeenkomst houden (een gezamenlijke sessie: meer dan één).",
    )
    organisator = OrganiserField(
        visible_bodies,
        source="organiser",
        required=False,
        allow_null=True,
        help_text=(
            "Het gremium dat een gezamenlijke bijeenkomst organiseerde: een van de gremia. "
            "Zonder keuze bij het plannen het eerste gremium, bij een wijziging het huidige "
            "zolang dat een van de gremia blijft. Het jaarverslag vertelt de bijeenkomst bij "
            "dit gremium."
        ),
    )
    bereidtVoor = MeetingRefField(source="prepares")
    onderdeelVan = MeetingRefField(source="part_of")
    status = serializers.ChoiceField(
        choices=Status.choices,
        required=False,
        help_text=(
            "Zet op geannuleerd om de bijeenkomst af te zeggen, en een geannuleerde bijeenkomst "
            "terug op gepland om haar toch te laten doorgaan; genodigden krijgen bericht."
        ),
    )
    zichtbaarheid = serializers.ChoiceField(
        source="visibility",
        choices=Visibility.choices,
        required=False,
        help_text="Zonder zichtbaarheid is een nieuwe bijeenkomst voor de leden van haar gremia.",
    )
    notulen = serializers.CharField(
        source="minutes",
        required=False,
        allow_blank=True,
        help_text=(
            "In Markdown, bewaard zoals geschreven; getoond als opgeschoonde HTML. HTML in de "
            "tekst wordt als tekst getoond."
        ),
    )
    agendapunten = serializers.SerializerMethodField()
    uitnodigingen = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = (
            "url",
            "id",
            "titel",
            "soort",
            "soortNaam",
            "niveau",
            "vorm",
            "hubs",
            "datum",
            "begintijd",
            "einddatum",
            "eindtijd",
            "locatie",
            "onderwerpen",
            "gremia",
            "organisator",
            "bereidtVoor",
            "onderdeelVan",
            "status",
            "zichtbaarheid",
            "notulen",
            "agendapunten",
            "uitnodigingen",
        )

    def _nested(self, meeting: Meeting, name: str) -> str:
        return reverse(
            f"api:{name}-list",
            kwargs={"bijeenkomst_pk": meeting.pk},
            request=self.context.get("request"),
        )

    @extend_schema_field({"type": "string", "format": "uri", "description": "De agendapunten."})
    def get_agendapunten(self, meeting: Meeting) -> str:
        return self._nested(meeting, "agendapunt")

    @extend_schema_field(
        {"type": "string", "format": "uri", "description": "De uitnodigingen (voor leden)."}
    )
    def get_uitnodigingen(self, meeting: Meeting) -> str:
        return self._nested(meeting, "uitnodiging")


class AgendaItemSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    id = serializers.IntegerField(read_only=True)
    positie = serializers.IntegerField(source="position", read_only=True)
    titel = SingleLineField(source="title", max_length=300)
    spreker = VisibleSlugField(visible_people, source="presenter", required=False, allow_null=True)
    duur = serializers.IntegerField(
        source="duration",
        required=False,
        allow_null=True,
        min_value=1,
        max_value=1440,
        help_text="In minuten.",
    )
    sessie = SingleLineField(source="session", max_length=100, required=False, allow_blank=True)
    bijlage = serializers.SerializerMethodField()

    class Meta:
        model = AgendaItem
        fields = ("id", "positie", "titel", "spreker", "duur", "sessie", "bijlage")

    @extend_schema_field(
        {
            "type": "string",
            "format": "uri",
            "nullable": True,
            "description": "De bijlage, te downloaden via de pagina (met haar eigen toets).",
        }
    )
    def get_bijlage(self, item: AgendaItem) -> str | None:
        # Through the page's own download address, and so its visibility check.
        if not item.attachment:
            return None
        request = self.context.get("request")
        url = item.get_attachment_url()
        return request.build_absolute_uri(url) if request else url


class GuestSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    id = serializers.IntegerField(read_only=True)
    persoon = VisibleSlugField(visible_people, source="person", required=False, allow_null=True)
    organisatie = VisibleSlugField(
        all_organisations, source="organisation", required=False, allow_null=True
    )
    onderwerp = SingleLineField(source="topic", max_length=300, required=False, allow_blank=True)

    class Meta:
        model = Guest
        fields = ("id", "persoon", "organisatie", "onderwerp")


class DecisionSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    id = serializers.IntegerField(read_only=True)
    positie = serializers.IntegerField(source="position", read_only=True)
    tekst = serializers.CharField(source="text", help_text="In Markdown.")

    class Meta:
        model = Decision
        fields = ("id", "positie", "tekst")


class ActionItemSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    id = serializers.IntegerField(read_only=True)
    omschrijving = serializers.CharField(source="description")
    gremium = VisibleSlugField(visible_bodies, source="body", required=False, allow_null=True)
    eigenaar = VisibleSlugField(visible_people, source="owner", required=False, allow_null=True)
    deadline = serializers.DateField(source="due", required=False, allow_null=True)
    status = serializers.ChoiceField(choices=ActionStatus.choices, required=False)
    afgerondIn: serializers.PrimaryKeyRelatedField[Meeting] = serializers.PrimaryKeyRelatedField(
        source="done_in", read_only=True, allow_null=True
    )

    class Meta:
        model = ActionItem
        fields = ("id", "omschrijving", "gremium", "eigenaar", "deadline", "status", "afgerondIn")


# The answer "afgemeld" is now "komt_niet"; a client that still sends it is understood.
FORMER_NOT_COMING = "afgemeld"


class InvitationSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    id = serializers.IntegerField(read_only=True)
    persoon = VisibleSlugField(
        visible_people,
        source="person",
        allow_null=True,
        help_text="Leeg voor een gast van buiten het netwerk (zie naam).",
    )
    naam = serializers.CharField(source="invitee_name", read_only=True)
    antwoord = serializers.ChoiceField(
        source="answer",
        choices=[*Answer.choices, (FORMER_NOT_COMING, "komt niet (vervallen waarde)")],
        required=False,
        help_text=(
            "Alleen de genodigde zelf geeft antwoord. 'afgemeld' is vervallen: het wordt "
            "opgeslagen als 'komt_niet'."
        ),
    )
    toelichting = serializers.CharField(
        source="note",
        required=False,
        allow_blank=True,
        max_length=1000,
        help_text="Bij het antwoord, van de genodigde zelf.",
    )
    beantwoordOp = serializers.DateTimeField(source="answered_at", read_only=True, allow_null=True)
    gemaildOp = serializers.DateTimeField(
        source="mailed_at",
        read_only=True,
        allow_null=True,
        help_text="Leeg: de uitnodiging is niet gemaild (geen e-mailadres bekend).",
    )
    aanwezig = serializers.BooleanField(
        source="present",
        required=False,
        allow_null=True,
        help_text="Door wie de bijeenkomst mag wijzigen, na afloop.",
    )

    class Meta:
        model = Invitation
        fields = (
            "id",
            "persoon",
            "naam",
            "antwoord",
            "toelichting",
            "beantwoordOp",
            "gemaildOp",
            "aanwezig",
        )

    def validate_antwoord(self, value: str) -> str:
        return Answer.NOT_COMING if value == FORMER_NOT_COMING else value
