"""Meetings through the API, with their parts as nested resources. Every change goes through
koepel.meetings.services, so the API plans, invites and records exactly as the pages do."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Model, Q, QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions

from koepel.accounts.access import bodies_seen, can_edit, viewer_for
from koepel.api.filters import month_filter, year_filter
from koepel.api.serializers import meetings as s
from koepel.api.views.base import DOMAIN_DATA, Writable
from koepel.meetings import services
from koepel.meetings.models import (
    ActionItem,
    AgendaItem,
    Decision,
    Guest,
    Invitation,
    Meeting,
    Status,
)
from koepel.meetings.selectors import visible_meetings


class MeetingFilter(django_filters.FilterSet):
    gremium = django_filters.CharFilter(field_name="bodies__slug", label="Slug van een gremium")
    jaar = year_filter("date__year", label="Jaar")
    maand = month_filter("date__month", label="Maand (1-12)")
    soort = django_filters.CharFilter(field_name="kind")
    niveau = django_filters.CharFilter(field_name="level")
    vorm = django_filters.CharFilter(field_name="format")
    status = django_filters.CharFilter(field_name="status")

    class Meta:
        model = Meeting
        fields: list[str] = []


@extend_schema_view(
    list=extend_schema(
        summary="Bijeenkomsten",
        description="De bijeenkomsten die u mag zien, op datum; filter op gremium, jaar, …",
    ),
    retrieve=extend_schema(summary="Eén bijeenkomst"),
    create=extend_schema(summary="Een bijeenkomst plannen"),
    update=extend_schema(summary="Een bijeenkomst wijzigen"),
    partial_update=extend_schema(
        summary="Een bijeenkomst deels wijzigen",
        description="Ook de notulen; afzeggen met status geannuleerd, en een afgezegde "
        "bijeenkomst toch laten doorgaan met status gepland.",
    ),
    destroy=extend_schema(summary="Een bijeenkomst verwijderen"),
)
class MeetingViewSet(Writable):
    list_kinds = DOMAIN_DATA
    noun = "bijeenkomst"
    plural = "bijeenkomsten"
    serializer_class = s.MeetingSerializer
    filterset_class = MeetingFilter
    ordering_fields = ("date", "title")

    def records(self) -> QuerySet[Meeting]:
        user = self.request.user
        return Meeting.objects.prefetch_related(bodies_seen(user)).order_by(
            "date", "start_time", "pk"
        )

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        # Filtering on a body joins the bodies; a joint session must still appear once.
        filtered: QuerySet[Any] = super().filter_queryset(queryset)
        return filtered.distinct() if "gremium" in self.request.query_params else filtered

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        context["visible_linked_meetings"] = _LinkedMeetings(self.request.user)
        return context

    def create_record(self, data: dict[str, Any]) -> Model:
        bodies = data.pop("bodies", [])
        minutes = data.pop("minutes", None)
        status = data.pop("status", None)
        meeting = services.meeting_plan(actor=self.request.user, bodies=bodies, **data)
        if minutes:
            services.minutes_save(
                actor=self.request.user,
                meeting=meeting,
                minutes=minutes,
                version=meeting.minutes_version,
            )
        if status is not None and status != meeting.status:
            # A meeting of the past is recorded as held (or called off) as it is made; who
            # came follows with its invitations (…/uitnodigingen, aanwezig).
            meeting = self._set_status(meeting, status)
        return meeting

    def update_record(self, instance: Meeting, data: dict[str, Any]) -> Model:
        actor = self.request.user
        minutes = data.pop("minutes", None)
        status = data.pop("status", None)
        if data:
            instance = services.meeting_update(
                actor=actor, meeting=instance, version=instance.version, **data
            )
        if minutes is not None and minutes != instance.minutes:
            instance = services.minutes_save(
                actor=actor, meeting=instance, minutes=minutes, version=instance.minutes_version
            )
        if status is not None and status != instance.status:
            instance = self._set_status(instance, status)
        return instance

    def _set_status(self, meeting: Meeting, status: str) -> Meeting:
        """Call off, reinstate or close a meeting through the services the pages use."""
        actor = self.request.user
        if status == Status.CANCELLED:
            return services.meeting_cancel(actor=actor, meeting=meeting, version=meeting.version)
        if status == Status.PLANNED and meeting.status == Status.CANCELLED:
            return services.meeting_reinstate(actor=actor, meeting=meeting, version=meeting.version)
        if status == Status.HELD:
            present = meeting.invitations.filter(present=True)
            return services.meeting_close(
                actor=actor,
                meeting=meeting,
                present=list(
                    present.filter(person__isnull=False).values_list("person_id", flat=True)
                ),
                present_guests=list(
                    present.filter(person__isnull=True).values_list("pk", flat=True)
                ),
            )
        raise exceptions.ValidationError(
            {"status": ["Een bijeenkomst gaat niet terug naar gepland."]}
        )

    def delete_record(self, instance: Meeting) -> None:
        services.meeting_delete(actor=self.request.user, meeting=instance)


class _LinkedMeetings:
    """The ids of meetings the user may see, looked up once and only when a meeting refers to
    another (most do not)."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self._ids: set[int] | None = None

    def __contains__(self, pk: object) -> bool:
        if self._ids is None:
            referred = Meeting.objects.filter(
                Q(prepared_by__isnull=False) | Q(sessions__isnull=False)
            ).values("pk")
            self._ids = set(
                visible_meetings(self.user).filter(pk__in=referred).values_list("pk", flat=True)
            )
        return pk in self._ids


class MeetingPart(Writable):
    """A part of a meeting, under ``/bijeenkomsten/{id}/…``: seen with the meeting, changed by
    whoever may change the meeting."""

    model: type[Model]

    def meeting(self) -> Meeting:
        if not hasattr(self, "_meeting"):
            self._meeting = get_object_or_404(
                visible_meetings(self.request.user), pk=self.kwargs["bijeenkomst_pk"]
            )
        return self._meeting

    def records(self) -> QuerySet[Any]:
        return self.model._default_manager.filter(meeting=self.meeting()).order_by("pk")

    def may_change(self, instance: Any) -> bool:
        return can_edit(self.request.user, instance.meeting)

    def update_record(self, instance: Any, data: dict[str, Any]) -> Model:
        # The service the change pages use; the If-Match header has already held the record
        # to the version the client saw, under a lock.
        saved: Model = services.meeting_part_update(
            actor=self.request.user, record=instance, expected_version=None, **data
        )
        return saved

    def delete_record(self, instance: Any) -> None:
        services.meeting_part_delete(actor=self.request.user, record=instance)


MEETING_ID = OpenApiParameter(
    "bijeenkomst_pk", int, OpenApiParameter.PATH, description="Id van de bijeenkomst."
)


def _part_schema(noun: str, plural: str) -> Any:
    def describe(summary: str) -> Any:
        return extend_schema(summary=summary, parameters=[MEETING_ID])

    return extend_schema_view(
        list=describe(f"De {plural} van een bijeenkomst"),
        retrieve=describe(f"Eén {noun}"),
        create=describe(f"Een {noun} toevoegen"),
        update=describe(f"Een {noun} wijzigen"),
        partial_update=describe(f"Een {noun} deels wijzigen"),
        destroy=describe(f"Een {noun} verwijderen"),
    )


@_part_schema("agendapunt", "agendapunten")
class AgendaItemViewSet(MeetingPart):
    model = AgendaItem
    serializer_class = s.AgendaItemSerializer

    def records(self) -> QuerySet[Any]:
        return super().records().select_related("presenter").order_by("position", "pk")

    def create_record(self, data: dict[str, Any]) -> Model:
        item: Model = services.agenda_item_add(
            actor=self.request.user, meeting=self.meeting(), **data
        )
        return item


@_part_schema("gast", "gasten")
class GuestViewSet(MeetingPart):
    model = Guest
    serializer_class = s.GuestSerializer

    def records(self) -> QuerySet[Any]:
        return super().records().select_related("person", "organisation")

    def create_record(self, data: dict[str, Any]) -> Model:
        guest: Model = services.guest_add(actor=self.request.user, meeting=self.meeting(), **data)
        return guest


@_part_schema("besluit", "besluiten")
class DecisionViewSet(MeetingPart):
    model = Decision
    serializer_class = s.DecisionSerializer

    def records(self) -> QuerySet[Any]:
        return super().records().order_by("position", "pk")

    def create_record(self, data: dict[str, Any]) -> Model:
        decision: Model = services.decision_add(
            actor=self.request.user, meeting=self.meeting(), **data
        )
        return decision


@_part_schema("actiepunt", "actiepunten")
class ActionItemViewSet(MeetingPart):
    model = ActionItem
    serializer_class = s.ActionItemSerializer

    def records(self) -> QuerySet[Any]:
        return super().records().select_related("owner", "body")

    def create_record(self, data: dict[str, Any]) -> Model:
        status = data.pop("status", None)
        action: ActionItem = services.action_add(
            actor=self.request.user, meeting=self.meeting(), **data
        )
        if status and status != action.status:
            action = services.action_set_status(
                actor=self.request.user, action=action, status=status, meeting=self.meeting()
            )
        return action

    def update_record(self, instance: Any, data: dict[str, Any]) -> Model:
        status = data.pop("status", None)
        if data:
            instance = super().update_record(instance, data)
        if status is not None and status != instance.status:
            instance = services.action_set_status(
                actor=self.request.user, action=instance, status=status, meeting=self.meeting()
            )
        return instance  # type: ignore[no-any-return]


@_part_schema("uitnodiging", "uitnodigingen")
class InvitationViewSet(MeetingPart):
    """Invitations name people and their answers: for members of the network, as on the page."""

    model = Invitation
    serializer_class = s.InvitationSerializer

    def records(self) -> QuerySet[Any]:
        return super().records().select_related("person")

    def may_change(self, instance: Any) -> bool:
        own = instance.person_id == viewer_for(self.request.user).person_id
        return own or can_edit(self.request.user, instance.meeting)

    def create_record(self, data: dict[str, Any]) -> Model:
        person = data.pop("person", None)
        if person is None:
            # A guest from outside is invited by address on the meeting's page; through the
            # API an invitation names a person of the registry.
            raise exceptions.ValidationError(
                {"persoon": ["Geef de persoon die u uitnodigt (de slug van een persoon)."]}
            )
        invited = services.meeting_invite(
            actor=self.request.user, meeting=self.meeting(), people=[person]
        )
        if not invited.invitations:
            raise exceptions.ValidationError({"persoon": ["Deze persoon is al uitgenodigd."]})
        # The answer and who came, given with the invitation (a meeting of the past), are
        # stored as a change of it would store them, with the same checks.
        given = {name: value for name, value in data.items() if value is not None}
        invitation = invited.invitations[0]
        return self.update_record(invitation, given) if given else invitation

    def update_record(self, instance: Any, data: dict[str, Any]) -> Model:
        actor = self.request.user
        answer = data.pop("answer", None)
        note = data.pop("note", None)
        if data.pop("person", instance.person) != instance.person:
            raise exceptions.ValidationError(
                {"persoon": ["Nodig iemand anders uit met een nieuwe uitnodiging."]}
            )
        if (answer is not None and answer != instance.answer) or (
            note is not None and note != instance.note
        ):
            if instance.person_id is None or instance.person_id != viewer_for(actor).person_id:
                raise exceptions.PermissionDenied("Alleen de genodigde zelf geeft antwoord.")
            instance = services.invitation_answer(
                actor=actor, meeting=instance.meeting, answer=answer or instance.answer, note=note
            )
        if data:
            if not can_edit(actor, instance.meeting):
                raise exceptions.PermissionDenied()
            for name, value in data.items():
                setattr(instance, name, value)
            instance = services.meeting_part_save(actor=actor, record=instance)
        return instance  # type: ignore[no-any-return]
