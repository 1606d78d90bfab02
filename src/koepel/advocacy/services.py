"""Writes to the lobby record. Pages, the admin and the demo loader all come through here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import BadHeaderError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from koepel.accounts.access import (
    can_edit,
    can_edit_body,
    can_view,
    viewer_for,
    viewer_for_person,
)
from koepel.advocacy import consultation
from koepel.advocacy.models import (
    AnswerChannel,
    Consultation,
    ConsultationAnswer,
    ConsultationReminder,
    ConsultationResponse,
    Dossier,
    DossierStatus,
    LobbyAction,
    Milestone,
    OutcomeChange,
    Stage,
)
from koepel.core import caching
from koepel.core.locking import save_versioned
from koepel.core.mail_templates import in_language, templated_mail
from koepel.core.validators import one_line
from koepel.core.visibility import Visibility
from koepel.registry.models import Body, Municipality, Network, SilenceRule
from koepel.registry.selectors import member_municipalities
from koepel.search import index


def _require_bodies(actor: Any, bodies: Iterable[Body]) -> list[Body]:
    bodies = list(bodies)
    if not bodies:
        raise ValidationError({"bodies": _("Choose at least one body.")})
    for body in bodies:
        if not can_edit_body(actor, body):
            raise PermissionDenied(_("You may not work on the lobby of %(body)s.") % {"body": body})
    return bodies


def _require_edit(actor: Any, record: Dossier | LobbyAction | Milestone) -> None:
    if not can_edit(actor, record):
        raise PermissionDenied(_("You may not change this."))


def _save_versioned(
    record: Dossier | LobbyAction | Milestone, version: int | None, fields: list[str]
) -> None:
    """Save ``fields`` only if nobody saved the record since ``version`` (None: no check)."""
    save_versioned(record, expected_version=version, update_fields=fields)


OUTCOME_FIELDS = (
    "status",
    "status_date",
    "status_date_precision",
    "evidence",
    "evidence_url",
    "amount",
    "funding_kind",
    "funding_years",
    "follow_up",
)


def _set_relations(record: Model, relations: dict[str, Iterable[Any] | None]) -> None:
    for name, values in relations.items():
        if values is not None:
            getattr(record, name).set(list(values))


DOSSIER_RELATIONS = ("people", "external_bodies")
ACTION_RELATIONS = ("dossiers", "addressees", "addressee_people", "cosigners", "people")


@transaction.atomic
def dossier_create(*, actor: Any, bodies: Iterable[Body], **fields: Any) -> Dossier:
    bodies = _require_bodies(actor, bodies)
    relations = {name: fields.pop(name, None) for name in DOSSIER_RELATIONS}
    dossier = Dossier(**fields)
    dossier.full_clean(exclude=["status", "status_date"])
    dossier.save()
    dossier.bodies.set(bodies)
    _set_relations(dossier, relations)
    index.update(dossier)
    return dossier


@transaction.atomic
def dossier_update(*, actor: Any, dossier: Dossier, version: int, **fields: Any) -> Dossier:
    """Change what a dossier is about. Its outcome changes through ``dossier_set_outcome``."""
    _require_edit(actor, dossier)
    bodies = fields.pop("bodies", None)
    relations = {name: fields.pop(name, None) for name in DOSSIER_RELATIONS}
    for name, value in fields.items():
        setattr(dossier, name, value)
    dossier.full_clean()
    _save_versioned(dossier, version, list(fields))
    if bodies is not None:
        new = set(bodies) - set(dossier.bodies.all())
        if new:
            _require_bodies(actor, new)
        dossier.bodies.set(list(bodies))
    _set_relations(dossier, relations)
    index.update(dossier)
    # Its title sits in the trails of its actions, as long as they may name it.
    for action in dossier.actions.all():
        index.update(action)
    return dossier


@transaction.atomic
def dossier_set_outcome(
    *,
    actor: Any,
    dossier: Dossier,
    status: str,
    date: dt.date,
    date_precision: str = "day",
    evidence: str = "",
    evidence_url: str = "",
    amount: Any = None,
    funding_kind: str = "",
    funding_years: str = "",
    follow_up: str = "",
    expected_version: int | None = None,
) -> OutcomeChange:
    """Record a new status with the evidence for it; the old ones stay in the timeline.
    Refused when the dossier was saved since ``expected_version`` (None: no check)."""
    _require_edit(actor, dossier)
    if not evidence.strip():
        raise ValidationError(
            {"evidence": _("Say what shows this outcome: a decision, a letter, a budget line.")},
            code="evidence_required",
        )
    if status not in DossierStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    change = OutcomeChange(
        dossier=dossier,
        status=status,
        date=date,
        date_precision=date_precision,
        evidence=evidence.strip(),
        evidence_url=evidence_url,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    change.full_clean()
    change.save()
    dossier.status = status
    dossier.status_date = change.date
    dossier.status_date_precision = change.date_precision
    dossier.evidence = change.evidence
    dossier.evidence_url = evidence_url
    dossier.amount = amount
    dossier.funding_kind = funding_kind
    dossier.funding_years = funding_years
    dossier.follow_up = follow_up
    dossier.full_clean()
    _save_versioned(dossier, expected_version, list(OUTCOME_FIELDS))
    index.update(dossier)
    return change


@transaction.atomic
def action_create(*, actor: Any, bodies: Iterable[Body], **fields: Any) -> LobbyAction:
    bodies = _require_bodies(actor, bodies)
    relations = {name: fields.pop(name, None) for name in ACTION_RELATIONS}
    document = fields.pop("document", None)
    action = LobbyAction(**fields)
    action.full_clean(exclude=["document"])
    action.save()
    if document is not None:
        _attach(action, document)
    action.bodies.set(bodies)
    _set_relations(action, relations)
    index.update(action)
    return action


def _attach(action: LobbyAction, document: Any) -> None:
    from koepel.core.uploads import check_upload

    try:
        check_upload(document)
    except ValidationError as error:
        raise ValidationError({"document": error.messages}) from error
    action.document.save(document.name or "document", document, save=True)


@transaction.atomic
def action_update(*, actor: Any, action: LobbyAction, version: int, **fields: Any) -> LobbyAction:
    _require_edit(actor, action)
    bodies = fields.pop("bodies", None)
    relations = {name: fields.pop(name, None) for name in ACTION_RELATIONS}
    document = fields.pop("document", None)
    for name, value in fields.items():
        setattr(action, name, value)
    action.full_clean(exclude=["document"])
    _save_versioned(action, version, list(fields))
    if document is not None:
        _attach(action, document)
    if bodies is not None:
        new = set(bodies) - set(action.bodies.all())
        if new:
            _require_bodies(actor, new)
        action.bodies.set(list(bodies))
    _set_relations(action, relations)
    index.update(action)
    return action


@transaction.atomic
def consultation_open(
    *,
    actor: Any,
    action: LobbyAction,
    deadline: dt.date | None = None,
    municipalities: Iterable[Municipality] | None = None,
    silence_rule: str = "",
    message: str = "",
    text: str | None = None,
    today: dt.date | None = None,
) -> Consultation:
    """Ask member cities for their say on a draft: the chosen ones (every member city by
    default), until ``deadline`` (two weeks by default), with the network's rule for a city
    that stays silent unless another is chosen. Either all of it is done — the consultation
    recorded, the stage changed, every request queued — or none of it."""
    _require_edit(actor, action)
    today = today or timezone.localdate()
    if action.stage != Stage.DRAFT or consultation.record_of(action) is not None:
        raise ValidationError(_("Only a draft can be put to the member cities."))
    if action.visibility not in {Visibility.NETWORK, Visibility.PUBLIC}:
        # The member cities can only give their say on a text they may read.
        raise ValidationError(
            _("Set who may see it to “network” before you ask the member cities for their say."),
            code="not_visible_to_members",
        )
    members = member_municipalities(today)
    if municipalities is None:
        cities = list(members)
    else:
        cities = list(municipalities)
        member_ids = set(members.values_list("pk", flat=True))
        if any(city.pk not in member_ids for city in cities):
            raise ValidationError(
                {"municipalities": _("Only member cities can be consulted.")},
                code="not_a_member",
            )
    if not cities:
        raise ValidationError(
            {"municipalities": _("Choose the member cities to consult.")}, code="no_cities"
        )
    rule = silence_rule or consultation.network_rule()
    if rule not in SilenceRule.values:
        raise ValidationError({"silence_rule": _("Choose what silence means.")})
    record = Consultation(
        action=action,
        deadline=deadline or today + consultation.DEFAULT_PERIOD,
        silence_rule=rule,
        message=message.strip(),
        opened_on=today,
        opened_by=actor if getattr(actor, "pk", None) else None,
    )
    record.full_clean(exclude=["action"])
    record.save()
    record.municipalities.set(cities)
    fields = ["stage"]
    if text is not None:
        action.text = text.strip()
        fields.append("text")
    action.stage = Stage.CONSULTATION
    _save_versioned(action, None, fields)
    index.update(action)
    _mail_consultation(action, record, cities, reminder=False)
    return record


@transaction.atomic
def consultation_answer(
    *,
    actor: Any,
    action: LobbyAction,
    municipality: Municipality,
    answer: str,
    remark: str = "",
    given_by: str = "",
    given_how: str = "",
    given_on: dt.date | None = None,
) -> ConsultationResponse:
    """A consulted city gives its say. Its own people answer here; the office or the
    secretary records an answer it gave another way, with who gave it, how and when."""
    if not consultation.may_answer_for(actor, municipality, action):
        raise PermissionDenied(_("You can only answer for your own municipality."))
    if action.stage != Stage.CONSULTATION:
        raise ValidationError(_("The member cities are not being consulted on this now."))
    if not consultation.consulted(action).filter(pk=municipality.pk).exists():
        raise ValidationError(
            _("%(city)s is not consulted on this text.") % {"city": municipality.name},
            code="not_consulted",
        )
    if answer not in ConsultationAnswer.values:
        raise ValidationError({"answer": _("Choose an answer.")})
    on_behalf = bool(given_how) or not consultation.is_own_city(actor, municipality)
    today = timezone.localdate()
    if on_behalf:
        errors: dict[str, str] = {}
        if given_how not in AnswerChannel.values:
            errors["given_how"] = _("Say how the municipality gave its answer.")
        if not given_by.strip():
            errors["given_by"] = _("Say who gave the answer.")
        if given_on is not None and given_on > today:
            errors["given_on"] = _("The answer cannot have been given after today.")
        if errors:
            raise ValidationError(errors)
    response = ConsultationResponse.objects.filter(action=action, municipality=municipality).first()
    response = response or ConsultationResponse(action=action, municipality=municipality)
    response.answer = answer
    response.remark = remark.strip()
    response.recorded_by = actor if getattr(actor, "pk", None) else None
    if on_behalf:
        response.answered_by = None
        response.given_by = one_line(given_by.strip())
        response.given_how = given_how
        response.given_on = given_on or today
    else:
        response.answered_by = consultation.answering_person(actor)
        response.given_by, response.given_how, response.given_on = "", "", None
    response.full_clean(exclude=["action", "municipality"])
    save_versioned(response, expected_version=None)
    return response


@transaction.atomic
def consultation_remind(*, actor: Any, action: LobbyAction) -> int:
    """Remind the consulted cities that have not answered and were not reminded yet (each
    city is reminded once); returns how many cities were reminded."""
    _require_edit(actor, action)
    if action.stage != Stage.CONSULTATION:
        raise ValidationError(_("The member cities are not being consulted on this now."))
    record = consultation.record_of(action)
    if record is None:
        # A consultation from before deadlines: it has no reminders of its own to keep.
        return len(_mail_consultation(action, None, consultation.missing(action), reminder=True))
    return _remind(record, actor=actor)


def consultation_send_due_reminders(*, today: dt.date | None = None) -> int:
    """Remind, once, the cities of every open consultation whose deadline is near and that
    have not answered (the task worker's daily part); returns how many cities were reminded.
    Each consultation is done whole or not at all, and never twice."""
    today = today or timezone.localdate()
    count = 0
    for pk in list(consultation.due(today).values_list("pk", flat=True)):
        with transaction.atomic():
            record = consultation.due(today).select_for_update().filter(pk=pk).first()
            if record is None:  # done meanwhile by another worker
                continue
            count += _remind(record, actor=None)
            record.reminders_sent_on = today
            save_versioned(record, expected_version=None, update_fields=["reminders_sent_on"])
    return count


def _remind(record: Consultation, *, actor: Any) -> int:
    reminded = set(record.reminders.values_list("municipality_id", flat=True))
    cities = [city for city in consultation.missing(record.action) if city.pk not in reminded]
    reached = _mail_consultation(record.action, record, cities, reminder=True)
    now = timezone.now()
    ConsultationReminder.objects.bulk_create(
        ConsultationReminder(
            consultation=record,
            municipality=city,
            sent_at=now,
            sent_by=actor if getattr(actor, "pk", None) else None,
        )
        for city in reached
    )
    caching.bump("advocacy")  # a bulk write passes by the signals
    return len(reached)


def _mail_consultation(
    action: LobbyAction,
    record: Consultation | None,
    cities: Iterable[Municipality],
    *,
    reminder: bool,
) -> list[Municipality]:
    """Queue the request for each city, to its contacts that may read the text, with the
    change that asks it; the task worker sends it once that commits. Returns the cities
    reached. An address that cannot be written undoes the whole change."""
    reached: list[Municipality] = []
    network = Network.objects.first()
    for municipality in cities:
        mailed = False
        for person in consultation.contacts(action, municipality):
            if not person.email or not can_view(viewer_for_person(person.pk), action):
                continue
            with in_language(person.language):
                subject = (_("Reminder: ") if reminder else _("Your say is asked: ")) + one_line(
                    action.title
                )
            message = templated_mail(
                "advocacy/mail/consultation",
                {
                    "name": person.name,
                    "city": municipality.name,
                    "action": action,
                    "reminder": reminder,
                    "subject": subject,
                    "deadline": record.deadline if record is not None else None,
                    "url": f"{settings.KOEPEL_BASE_URL}{action.get_absolute_url()}",
                    "network_name": str(network) if network else "",
                },
                subject=subject,
                to=person.email,
                language=person.language,
            )
            try:
                message.send()
            except (BadHeaderError, ValueError) as error:
                raise ValidationError(
                    _("The e-mail address of %(name)s cannot be used: %(address)s.")
                    % {"name": person.name, "address": person.email},
                    code="bad_address",
                ) from error
            mailed = True
        if mailed:
            reached.append(municipality)
    return reached


@transaction.atomic
def action_adopt(*, actor: Any, action: LobbyAction, body: Body, date: dt.date) -> LobbyAction:
    """A body (the board, a pillar) adopts the text. After a consultation, only once every
    consulted city has had its say, or the deadline has passed and the rule for silence lets
    it (``consultation.adoption_blocked``)."""
    if not can_edit_body(actor, body) or not can_edit(actor, action):
        raise PermissionDenied(_("You may not adopt texts for %(body)s.") % {"body": body})
    if (refusal := consultation.adoption_blocked(action)) is not None:
        raise refusal
    if action.stage not in (Stage.DRAFT, Stage.CONSULTATION):
        raise ValidationError(_("This text has already been adopted."))
    action.stage, action.adopted_by, action.adopted_on = Stage.ADOPTED, body, date
    _save_versioned(action, None, ["stage", "adopted_by", "adopted_on"])
    index.update(action)
    return action


@transaction.atomic
def action_send(*, actor: Any, action: LobbyAction, date: dt.date) -> LobbyAction:
    _require_edit(actor, action)
    if action.stage != Stage.ADOPTED:
        raise ValidationError(_("A body adopts the text before it is sent."))
    action.stage, action.date, action.date_precision = Stage.SENT, date, "day"
    _save_versioned(action, None, ["stage", "date", "date_precision"])
    index.update(action)
    return action


@transaction.atomic
def milestone_create(
    *, actor: Any, bodies: Iterable[Body], dossiers: Iterable[Dossier] = (), **fields: Any
) -> Milestone:
    bodies = _require_bodies(actor, bodies)
    milestone = Milestone(**fields)
    milestone.full_clean()
    milestone.save()
    milestone.bodies.set(bodies)
    milestone.dossiers.set(list(dossiers))
    index.update(milestone)
    return milestone


@transaction.atomic
def record_save(
    *,
    actor: Any,
    record: Dossier | LobbyAction | Milestone,
    expected_version: int | None = None,
) -> Any:
    """Save a lobby record edited as a whole (the admin), validated, with its permission;
    refused when someone saved it since ``expected_version`` (None: no check)."""
    if record.pk is not None:
        _require_edit(actor, record)
    elif not viewer_for(actor).is_office:
        raise PermissionDenied(_("You may not change this."))
    record.full_clean(exclude=["bodies", "document"])
    save_versioned(record, expected_version=expected_version)
    index.update(record)
    return record


@transaction.atomic
def record_delete(*, actor: Any, record: Dossier | LobbyAction | Milestone) -> None:
    _require_edit(actor, record)
    index.remove(record)
    record.delete()
