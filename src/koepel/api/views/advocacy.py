"""The lobby through the API: read as far as the user may see, changed through the services
the pages use, by the office and the secretaries of the records' bodies."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db import transaction
from django.db.models import Model, Prefetch, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, status
from rest_framework.decorators import action as api_action
from rest_framework.request import Request
from rest_framework.response import Response

from koepel.accounts.access import (
    bodies_seen,
    can_edit_body,
    viewer_for,
    visible_bodies,
)
from koepel.advocacy import consultation, services
from koepel.advocacy.models import (
    ConsultationResponse,
    Dossier,
    LobbyAction,
    Milestone,
    OutcomeChange,
    Stage,
)
from koepel.advocacy.selectors import dossier_list, visible_dossiers
from koepel.api.conditional import etag_of
from koepel.api.fields import flatten_partial_dates
from koepel.api.filters import year_filter
from koepel.api.serializers import advocacy as s
from koepel.api.views.base import DOMAIN_DATA, Writable
from koepel.api.views.nested import NestedResource, parent_parameter
from koepel.api.views.relations import keep_hidden, unprefetched
from koepel.core.dates import Precision
from koepel.registry.selectors import visible_people


def _body_filter(queryset: QuerySet[Any], user: Any, slug: str) -> QuerySet[Any]:
    """Records of a body the user may see; a hidden body's slug finds nothing."""
    return queryset.filter(bodies__in=visible_bodies(user).filter(slug=slug))


class DossierFilter(django_filters.FilterSet):
    status = django_filters.CharFilter(field_name="status")
    gremium = django_filters.CharFilter(method="filter_body", label="Slug van een gremium")
    jaar = year_filter("", method="filter_year", label="Met een actie of een uitkomst in dit jaar")

    class Meta:
        model = Dossier
        fields: list[str] = []

    def filter_body(self, queryset: QuerySet[Dossier], name: str, value: str) -> QuerySet[Dossier]:
        return _body_filter(queryset, self.request.user, value) if value else queryset

    def filter_year(self, queryset: QuerySet[Dossier], name: str, value: Any) -> QuerySet[Dossier]:
        if not value:
            return queryset
        in_year = dossier_list(self.request.user, year=int(value)).values("pk")
        return queryset.filter(pk__in=in_year)


@extend_schema_view(
    list=extend_schema(
        summary="Lobbydossiers",
        description="Wat het netwerk van de overheid wil, met de stand en de uitkomst.",
    ),
    retrieve=extend_schema(summary="Eén lobbydossier", description="Op slug."),
    create=extend_schema(
        summary="Lobbydossier aanmaken",
        description="Voor het netwerkbureau en de secretaris van elk genoemd gremium.",
    ),
    update=extend_schema(
        summary="Lobbydossier vervangen",
        description="De stand verandert niet hier maar met een nieuwe uitkomst.",
    ),
    partial_update=extend_schema(
        summary="Lobbydossier wijzigen", description="Alleen de velden die u meestuurt."
    ),
    destroy=extend_schema(
        summary="Lobbydossier verwijderen", description="Met de tijdlijn van uitkomsten."
    ),
)
class DossierViewSet(Writable):
    list_kinds = DOMAIN_DATA
    serializer_class = s.DossierSerializer
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    filterset_class = DossierFilter
    ordering_fields = ("title", "status", "status_date")

    def records(self) -> QuerySet[Dossier]:
        user = self.request.user
        return Dossier.objects.prefetch_related(
            bodies_seen(user),
            bodies_seen(user, "external_bodies"),
            Prefetch("people", queryset=visible_people(user)),
        ).order_by("title")

    def create_record(self, data: dict[str, Any]) -> Model:
        bodies = data.pop("bodies", [])
        return services.dossier_create(actor=self.request.user, bodies=bodies, **data)

    def update_record(self, instance: Dossier, data: dict[str, Any]) -> Model:
        data = keep_hidden(self, instance, data)
        instance = unprefetched(instance)
        return services.dossier_update(
            actor=self.request.user, dossier=instance, version=instance.version, **data
        )

    def delete_record(self, instance: Dossier) -> None:
        services.record_delete(actor=self.request.user, record=instance)


@extend_schema_view(
    list=extend_schema(
        summary="Uitkomsten van een lobbydossier",
        description="Elke wijziging van de stand, met het bewijs ervoor: de tijdlijn.",
    ),
    retrieve=extend_schema(summary="Eén uitkomst", description="Op id."),
)
@extend_schema(parameters=[parent_parameter("lobbydossier_slug", str, "Slug van het dossier.")])
class OutcomeViewSet(NestedResource):
    serializer_class = s.OutcomeSerializer
    input_serializer_class = s.OutcomeInputSerializer
    parent_kwarg = "lobbydossier_slug"
    parent_field = "slug"
    lookup_value_regex = "[0-9]{1,18}"
    filter_backends: list[Any] = []

    def parent_records(self) -> QuerySet[Dossier]:
        return Dossier.objects.all()

    def records(self) -> QuerySet[OutcomeChange]:
        return OutcomeChange.objects.filter(dossier=self.parent()).order_by("date", "pk")

    @extend_schema(
        summary="Nieuwe uitkomst vastleggen",
        description=(
            "Zet de stand van het dossier, met het bewijs. Eerdere uitkomsten blijven in de "
            "tijdlijn. Voor wie het dossier mag wijzigen."
        ),
        request=s.OutcomeInputSerializer,
        responses={201: s.OutcomeSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_input_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            dossier = self.locked_parent()
            change = self.run(
                services.dossier_set_outcome,
                actor=request.user,
                dossier=dossier,
                **flatten_partial_dates(dict(serializer.validated_data)),
            )
        data = self.get_serializer(change).data
        location = reverse(
            "api:lobbydossier-uitkomst-detail",
            kwargs={"lobbydossier_slug": dossier.slug, "pk": change.pk},
        )
        return Response(
            data,
            status=status.HTTP_201_CREATED,
            headers={"ETag": etag_of(data), "Location": request.build_absolute_uri(location)},
        )


# Stands for a field the request did not send.
_UNSENT: Any = object()


def _stage_fields(data: dict[str, Any]) -> dict[str, Any]:
    """Take the stage and its adoption out of the input: they change through their own
    services, never by being written over."""
    steps: dict[str, Any] = {"stage": data.pop("stage", None)}
    for name in ("adopted_by", "adopted_on"):
        if name in data:
            steps[name] = data.pop(name)
    return steps


class ActionFilter(django_filters.FilterSet):
    soort = django_filters.CharFilter(field_name="kind")
    fase = django_filters.CharFilter(field_name="stage")
    gremium = django_filters.CharFilter(method="filter_body", label="Slug van een gremium")
    dossier = django_filters.CharFilter(method="filter_dossier", label="Slug van een dossier")
    jaar = year_filter("date__year", label="Jaar")

    class Meta:
        model = LobbyAction
        fields: list[str] = []

    def filter_body(
        self, queryset: QuerySet[LobbyAction], name: str, value: str
    ) -> QuerySet[LobbyAction]:
        return _body_filter(queryset, self.request.user, value) if value else queryset

    def filter_dossier(
        self, queryset: QuerySet[LobbyAction], name: str, value: str
    ) -> QuerySet[LobbyAction]:
        if not value:
            return queryset
        dossiers = visible_dossiers(self.request.user).filter(slug=value)
        return queryset.filter(dossiers__in=dossiers)


@extend_schema_view(
    list=extend_schema(
        summary="Lobbyacties",
        description="Brieven, position papers, proposities, gesprekken, … met wie ze kregen.",
    ),
    retrieve=extend_schema(summary="Eén lobbyactie", description="Op id."),
    create=extend_schema(
        summary="Lobbyactie vastleggen",
        description="Begint als concept. Vaststellen en verzenden gaan via de pagina's.",
    ),
    update=extend_schema(
        summary="Lobbyactie vervangen",
        description="Voor het netwerkbureau en de secretaris van een gremium van de actie.",
    ),
    partial_update=extend_schema(
        summary="Lobbyactie wijzigen", description="Alleen de velden die u meestuurt."
    ),
    destroy=extend_schema(
        summary="Lobbyactie verwijderen", description="Met de reacties van de lidsteden."
    ),
)
class ActionViewSet(Writable):
    list_kinds = DOMAIN_DATA
    serializer_class = s.ActionSerializer
    filterset_class = ActionFilter
    ordering_fields = ("date", "title")
    lookup_value_regex = "[0-9]{1,18}"

    def records(self) -> QuerySet[LobbyAction]:
        user = self.request.user
        people = visible_people(user)
        return (
            LobbyAction.objects.select_related("adopted_by")
            .prefetch_related(
                bodies_seen(user),
                Prefetch("dossiers", queryset=visible_dossiers(user).only("pk", "slug")),
                "addressees",
                "cosigners",
                Prefetch("addressee_people", queryset=people),
                Prefetch("people", queryset=people),
            )
            .order_by("date", "pk")
        )

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        context["visible_body_ids"] = set(
            visible_bodies(self.request.user).values_list("pk", flat=True)
        )
        return context

    def create_record(self, data: dict[str, Any]) -> Model:
        bodies = data.pop("bodies", [])
        steps = _stage_fields(data)
        action = services.action_create(actor=self.request.user, bodies=bodies, **data)
        return self._move_on(action, **steps)

    def update_record(self, instance: LobbyAction, data: dict[str, Any]) -> Model:
        data = keep_hidden(self, instance, data)
        instance = unprefetched(instance)
        steps = _stage_fields(data)
        action = services.action_update(
            actor=self.request.user, action=instance, version=instance.version, **data
        )
        return self._move_on(action, **steps)

    def _move_on(
        self,
        action: LobbyAction,
        *,
        stage: str | None,
        adopted_by: Any = _UNSENT,
        adopted_on: Any = _UNSENT,
    ) -> LobbyAction:
        """Take the action to the stage asked, through the steps of the pages: put to the
        member cities, adopted by a body on a day, sent on a day. Only forward; a step the
        pages would refuse is refused here with the same message."""
        actor = self.request.user
        order = list(Stage.values)
        target = stage or action.stage
        if order.index(target) < order.index(action.stage):
            raise exceptions.ValidationError(
                {"fase": [_("A lobby action does not go back to an earlier stage.")]}
            )
        adopting = action.stage in (Stage.DRAFT, Stage.CONSULTATION) and target in (
            Stage.ADOPTED,
            Stage.SENT,
        )
        given = {
            "vastgesteldDoor": (adopted_by, action.adopted_by),
            "vastgesteldOp": (adopted_on, action.adopted_on),
        }
        if not adopting:
            # Null where a body is shown as null (one the user may not see) changes nothing.
            for name, (value, stored) in given.items():
                if value not in (_UNSENT, None) and value != stored:
                    raise exceptions.ValidationError(
                        {name: [_("Only a text being adopted takes who adopted it and when.")]}
                    )
        if action.stage == Stage.DRAFT and target == Stage.CONSULTATION:
            # With the defaults of the page: every member city, two weeks, the network's rule.
            services.consultation_open(actor=actor, action=action)
            action.refresh_from_db()
        if adopting:
            missing = {
                name: [_("Say who adopted the text, and on which day.")]
                for name, (value, _stored) in given.items()
                if value in (_UNSENT, None)
            }
            if missing:
                raise exceptions.ValidationError(missing)
            action = services.action_adopt(
                actor=actor, action=action, body=adopted_by, date=adopted_on
            )
        if target == Stage.SENT and action.stage != Stage.SENT:
            if action.date is None or action.date_precision != Precision.DAY:
                raise exceptions.ValidationError(
                    {"datum": [_("Give the day the text was sent, such as 2021-09-14.")]}
                )
            action = services.action_send(actor=actor, action=action, date=action.date)
        return action

    def delete_record(self, instance: LobbyAction) -> None:
        services.record_delete(actor=self.request.user, record=instance)

    @extend_schema(
        summary="De raadpleging van de lidsteden",
        description=(
            "Welke steden zijn geraadpleegd, tot wanneer, wat zwijgen betekent, de telling "
            "(eens, eens met opmerkingen, oneens, geen reactie) met de opmerkingen, wie nog "
            "niet antwoordde en of de tekst mag worden vastgesteld. Voor leden van het netwerk "
            "en wie de actie mag wijzigen; 404 als de steden niet zijn geraadpleegd."
        ),
        responses={200: s.ConsultationStateSerializer},
    )
    @api_action(detail=True, methods=["get"], url_path="raadpleging")
    def raadpleging(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        action = self.get_object()
        _require_answers_seen(request.user, action)
        if not consultation.was_consulted(action):
            raise exceptions.NotFound()
        data = s.ConsultationStateSerializer(consultation.state(action)).data
        return Response(data, headers={"ETag": etag_of(data)})


def _require_answers_seen(user: Any, action: LobbyAction) -> None:
    """As on the action's page: the answers are for the network and the action's editors."""
    if not consultation.may_see_answers(user, action):
        if not viewer_for(user).is_authenticated:
            raise exceptions.NotAuthenticated()
        raise exceptions.PermissionDenied()


@extend_schema_view(
    list=extend_schema(
        summary="Reacties van de lidsteden",
        description=(
            "Wat elke lidstad van een concept vond. Voor leden van het netwerk en wie de "
            "actie mag wijzigen."
        ),
    ),
    retrieve=extend_schema(summary="De reactie van één gemeente", description="Op CBS-code."),
)
@extend_schema(parameters=[parent_parameter("lobbyactie_pk", int, "Id van de lobbyactie.")])
class ConsultationViewSet(NestedResource):
    serializer_class = s.ConsultationResponseSerializer
    parent_kwarg = "lobbyactie_pk"
    lookup_field = "municipality__cbs_code"
    lookup_url_kwarg = "cbs_code"
    lookup_value_regex = "GM[0-9]{4}"
    filter_backends: list[Any] = []

    def parent_records(self) -> QuerySet[LobbyAction]:
        return LobbyAction.objects.all()

    def records(self) -> QuerySet[ConsultationResponse]:
        action = self.parent()
        _require_answers_seen(self.request.user, action)
        return (
            ConsultationResponse.objects.filter(action=action)
            .select_related("municipality")
            .order_by("municipality__sort_name")
        )

    @extend_schema(
        summary="Reactie van een gemeente geven",
        description=(
            "Tijdens de consultatie geeft een geraadpleegde stad haar reactie; haar eigen mensen "
            "antwoorden voor haar. Het netwerkbureau en wie de actie mag wijzigen leggen een "
            "antwoord vast dat de stad anders gaf (telefoon, e-mail, brief, overleg), met "
            "gegevenDoor en gegevenVia. Een tweede reactie vervangt de eerste."
        ),
        request=s.ConsultationResponseSerializer,
        responses={200: s.ConsultationResponseSerializer, 201: s.ConsultationResponseSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_input_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        municipality = data.get("municipality") or consultation.answering_for(request.user)
        if municipality is None:
            raise exceptions.ValidationError(
                {"gemeente": [_("Say which municipality you answer for.")]}
            )
        with transaction.atomic():
            action = self.parent()
            existed = action.responses.filter(municipality=municipality).exists()
            response = self.run(
                lambda: services.consultation_answer(
                    actor=request.user,
                    action=action,
                    municipality=municipality,
                    answer=data["answer"],
                    remark=data.get("remark", ""),
                    given_by=data.get("given_by", ""),
                    given_how=data.get("given_how", ""),
                    given_on=data.get("given_on"),
                )
            )
        shown = self.get_serializer(response).data
        return Response(
            shown,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
            headers={"ETag": etag_of(shown)},
        )


class MilestoneFilter(django_filters.FilterSet):
    gremium = django_filters.CharFilter(method="filter_body", label="Slug van een gremium")
    dossier = django_filters.CharFilter(method="filter_dossier", label="Slug van een dossier")
    jaar = year_filter("date__year", label="Jaar")

    class Meta:
        model = Milestone
        fields: list[str] = []

    def filter_body(
        self, queryset: QuerySet[Milestone], name: str, value: str
    ) -> QuerySet[Milestone]:
        return _body_filter(queryset, self.request.user, value) if value else queryset

    def filter_dossier(
        self, queryset: QuerySet[Milestone], name: str, value: str
    ) -> QuerySet[Milestone]:
        if not value:
            return queryset
        return queryset.filter(dossiers__in=visible_dossiers(self.request.user).filter(slug=value))


@extend_schema_view(
    list=extend_schema(
        summary="Mijlpalen",
        description="Feiten met een datum die het vermelden waard zijn en geen bijeenkomst of "
        "lobbyactie zijn.",
    ),
    retrieve=extend_schema(summary="Eén mijlpaal", description="Op id."),
    create=extend_schema(
        summary="Mijlpaal vastleggen",
        description="Voor het netwerkbureau en de secretaris van elk genoemd gremium.",
    ),
    update=extend_schema(
        summary="Mijlpaal vervangen",
        description="Een gremium toevoegen mag alleen wie de secretaris ervan is.",
    ),
    partial_update=extend_schema(
        summary="Mijlpaal wijzigen", description="Alleen de velden die u meestuurt."
    ),
    destroy=extend_schema(summary="Mijlpaal verwijderen", description="Voorgoed."),
)
class MilestoneViewSet(Writable):
    list_kinds = DOMAIN_DATA
    serializer_class = s.MilestoneSerializer
    filterset_class = MilestoneFilter
    ordering_fields = ("date", "title")
    lookup_value_regex = "[0-9]{1,18}"

    def records(self) -> QuerySet[Milestone]:
        user = self.request.user
        return Milestone.objects.prefetch_related(
            bodies_seen(user),
            Prefetch("dossiers", queryset=visible_dossiers(user).only("pk", "slug")),
        ).order_by("date", "pk")

    def create_record(self, data: dict[str, Any]) -> Model:
        bodies = data.pop("bodies", [])
        dossiers = data.pop("dossiers", [])
        return services.milestone_create(
            actor=self.request.user, bodies=bodies, dossiers=dossiers, **data
        )

    def update_record(self, instance: Milestone, data: dict[str, Any]) -> Model:
        data = keep_hidden(self, instance, data)
        instance = unprefetched(instance)
        bodies = data.pop("bodies", None)
        dossiers = data.pop("dossiers", None)
        if bodies is not None:
            if not bodies:
                raise exceptions.ValidationError({"gremia": [_("Choose at least one body.")]})
            current = set(
                instance.bodies.through.objects.filter(milestone=instance).values_list(
                    "body_id", flat=True
                )
            )
            for body in bodies:
                if body.pk not in current and not can_edit_body(self.request.user, body):
                    raise exceptions.PermissionDenied()
            instance.bodies.set(bodies)
        if dossiers is not None:
            instance.dossiers.set(dossiers)
        for name, value in data.items():
            setattr(instance, name, value)
        return services.record_save(actor=self.request.user, record=instance)  # type: ignore[no-any-return]

    def delete_record(self, instance: Milestone) -> None:
        services.record_delete(actor=self.request.user, record=instance)
