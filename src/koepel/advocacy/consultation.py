"""Consulting the member cities on a draft, in one place.

Before a body adopts a text in the network's name, the member cities may give their say. This
module holds the rules of that process, which the pages, the API and the services all ask:

- who answers for which city (``answering_for``, ``may_answer_for``, ``may_record_for``),
- who may read what the cities answered (``may_see_answers``, a rule of the one access check),
- which cities are asked, until when, and what the silence of a city means after that
  (``consulted``, ``network_rule``, the consultation's ``deadline`` and ``silence_rule``),
- how far the consultation is (``state``: answered, silent, the tally, what adoption waits for),
- whom to ask for a city (``contacts``), and when to remind it (``reminder_day``, ``due``),
- and when the text may be adopted (``adoption_blocked``).

The writes — opening the consultation, recording an answer, reminding the cities — are the
services ``consultation_open``, ``consultation_answer``, ``consultation_remind`` and
``consultation_send_due_reminders``, which apply these rules.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from koepel.accounts.access import can_edit, can_see_consultation_answers, viewer_for
from koepel.advocacy.models import (
    Consultation,
    ConsultationAnswer,
    ConsultationResponse,
    LobbyAction,
    Stage,
)
from koepel.registry.models import Municipality, Person, Role, SilenceRule
from koepel.registry.selectors import current_network, member_municipalities

# How long the cities have to answer when the secretary does not say.
DEFAULT_PERIOD = dt.timedelta(days=14)
# How long before the deadline the cities that have not answered are reminded.
REMINDER_LEAD = dt.timedelta(days=3)


def network_rule() -> str:
    """The network's rule for a city that stays silent, with which a consultation starts."""
    network = current_network()
    return network.consultation_silence_rule if network is not None else SilenceRule.NO_ANSWER


def answering_for(user: Any) -> Municipality | None:
    """The city a user answers for: the municipality of the person behind the account."""
    person_id = viewer_for(user).person_id
    if person_id is None:
        return None
    person = Person.objects.filter(pk=person_id).select_related("municipality").first()
    return person.municipality if person is not None else None


def answering_person(user: Any) -> Person | None:
    """The person recorded as having given an answer (none for an account without one)."""
    person_id = viewer_for(user).person_id
    return Person.objects.filter(pk=person_id).first() if person_id else None


def is_own_city(user: Any, municipality: Municipality) -> bool:
    own = answering_for(user)
    return own is not None and own.pk == municipality.pk


def may_record_for(user: Any, action: LobbyAction) -> bool:
    """Who records an answer a city gave by phone, mail, letter or in a meeting: the office
    and whoever may change the action (the secretary of its body)."""
    return viewer_for(user).is_office or can_edit(user, action)


def may_answer_for(
    user: Any, municipality: Municipality, action: LobbyAction | None = None
) -> bool:
    """A city's own people answer for it; the office, and the action's editors, record an
    answer on its behalf."""
    if is_own_city(user, municipality) or viewer_for(user).is_office:
        return True
    return action is not None and can_edit(user, action)


def may_see_answers(user: Any, action: LobbyAction) -> bool:
    """What each city answered is for the network and for whoever may change the action."""
    return can_see_consultation_answers(user, action)


def is_open(action: LobbyAction) -> bool:
    return action.stage == Stage.CONSULTATION


def record_of(action: LobbyAction) -> Consultation | None:
    """The consultation's own record: which cities, until when, under which rule. None for a
    text never consulted, and for one consulted before consultations had a deadline."""
    try:
        return action.consultation
    except Consultation.DoesNotExist:
        return None


def was_consulted(action: LobbyAction) -> bool:
    """Whether the cities are, or were, asked about this text."""
    return is_open(action) or record_of(action) is not None or action.responses.exists()


def consulted(action: LobbyAction) -> QuerySet[Municipality]:
    """The cities asked for their say: those chosen, or (for a consultation from before the
    choice existed) every member city."""
    record = record_of(action)
    if record is None:
        return member_municipalities()
    return record.municipalities.all()


def contacts(action: LobbyAction, municipality: Municipality) -> list[Person]:
    """Who is asked for a city: its people in the action's bodies, else its people in any body."""
    people = Person.objects.filter(municipality=municipality, roles__in=Role.objects.current())
    in_bodies = people.filter(roles__body__in=action.bodies.all()).distinct()
    return list(in_bodies) or list(people.distinct())


def missing(action: LobbyAction) -> list[Municipality]:
    """The consulted cities that have not answered."""
    answered = action.responses.values("municipality_id")
    return list(consulted(action).exclude(pk__in=answered).order_by("sort_name"))


def reminder_day(record: Consultation) -> dt.date:
    """The day the cities that have not answered are reminded: some days before the deadline,
    and never on the day they were first asked."""
    return max(record.deadline - REMINDER_LEAD, record.opened_on + dt.timedelta(days=1))


def due(today: dt.date | None = None) -> QuerySet[Consultation]:
    """The open consultations whose reminders are due today and not yet sent."""
    today = today or timezone.localdate()
    return Consultation.objects.filter(
        action__stage=Stage.CONSULTATION,
        reminders_sent_on__isnull=True,
        deadline__gte=today,
        deadline__lte=today + REMINDER_LEAD,
        opened_on__lt=today,
    )


def _day(value: dt.date) -> str:
    return formats.date_format(value, "j F Y")


@dataclass
class Tally:
    """The cities' answers counted: silence is counted as the consultation's rule says once
    the deadline has passed (as agreement, or as no answer)."""

    agrees: int = 0
    agrees_with_remarks: int = 0
    disagrees: int = 0
    no_answer: int = 0
    silence_as_agreement: int = 0  # of ``agrees``: cities that agreed by staying silent

    def rows(self) -> list[tuple[str, str, int]]:
        return [
            (ConsultationAnswer.AGREES, _("agrees"), self.agrees),
            (
                ConsultationAnswer.AGREES_WITH_REMARKS,
                _("agrees, with remarks"),
                self.agrees_with_remarks,
            ),
            (ConsultationAnswer.DISAGREES, _("disagrees"), self.disagrees),
            ("geen_reactie", _("no answer"), self.no_answer),
        ]


@dataclass(frozen=True)
class Silent:
    city: Municipality
    reminded: dt.datetime | None


@dataclass
class State:
    """How far the consultation on a text is."""

    record: Consultation | None
    consulted: list[Municipality]
    answered: list[ConsultationResponse]
    silent: list[Municipality]
    today: dt.date
    rule: str
    reminded: dict[int, dt.datetime] = field(default_factory=dict)

    @property
    def deadline(self) -> dt.date | None:
        return self.record.deadline if self.record is not None else None

    @property
    def total(self) -> int:
        return len(self.consulted)

    @property
    def complete(self) -> bool:
        return not self.silent

    @property
    def past_deadline(self) -> bool:
        return self.deadline is not None and self.today > self.deadline

    @property
    def rule_display(self) -> str:
        return str(SilenceRule(self.rule).label)

    @property
    def tally(self) -> Tally:
        tally = Tally()
        for response in self.answered:
            if response.answer == ConsultationAnswer.AGREES:
                tally.agrees += 1
            elif response.answer == ConsultationAnswer.AGREES_WITH_REMARKS:
                tally.agrees_with_remarks += 1
            else:
                tally.disagrees += 1
        if self.past_deadline and self.rule == SilenceRule.AGREES:
            tally.agrees += len(self.silent)
            tally.silence_as_agreement = len(self.silent)
        else:
            tally.no_answer = len(self.silent)
        return tally

    @property
    def remarks(self) -> list[ConsultationResponse]:
        return [response for response in self.answered if response.remark]

    @property
    def silent_list(self) -> list[Silent]:
        """The cities that have not answered, each with when it was reminded (if it was)."""
        return [Silent(city, self.reminded.get(city.pk)) for city in self.silent]

    @property
    def blocked(self) -> str | None:
        """Why the text may not be adopted yet, in words for the page; None when it may."""
        if not self.silent:
            return None
        count, names = len(self.silent), ", ".join(city.name for city in self.silent)
        if self.deadline is None:
            return ngettext(
                "%(count)d member city has not answered yet: %(names)s.",
                "%(count)d member cities have not answered yet: %(names)s.",
                count,
            ) % {"count": count, "names": names}
        if not self.past_deadline:
            return ngettext(
                "%(count)d member city has not answered yet: %(names)s. It may answer until "
                "%(deadline)s.",
                "%(count)d member cities have not answered yet: %(names)s. They may answer "
                "until %(deadline)s.",
                count,
            ) % {"count": count, "names": names, "deadline": _day(self.deadline)}
        if self.rule == SilenceRule.BLOCKS:
            return ngettext(
                "%(count)d member city did not answer by %(deadline)s: %(names)s. Under the "
                "rule of this consultation silence blocks adoption: record its answer on its "
                "behalf first.",
                "%(count)d member cities did not answer by %(deadline)s: %(names)s. Under the "
                "rule of this consultation silence blocks adoption: record their answers on "
                "their behalf first.",
                count,
            ) % {"count": count, "names": names, "deadline": _day(self.deadline)}
        return None


def state(action: LobbyAction, today: dt.date | None = None) -> State:
    """How far the consultation on a text is: who answered what, who has not, and whether
    the text may be adopted."""
    record = record_of(action)
    cities = list(consulted(action).order_by("sort_name"))
    answered = list(
        action.responses.select_related("municipality", "answered_by").order_by(
            "municipality__sort_name"
        )
    )
    seen = {response.municipality_id for response in answered}
    reminded: dict[int, dt.datetime] = {}
    if record is not None:
        reminded = dict(record.reminders.values_list("municipality_id", "sent_at"))
    return State(
        record=record,
        consulted=cities,
        answered=answered,
        silent=[city for city in cities if city.pk not in seen],
        today=today or timezone.localdate(),
        rule=record.silence_rule if record is not None else network_rule(),
        reminded=reminded,
    )


def adoption_blocked(action: LobbyAction, today: dt.date | None = None) -> ValidationError | None:
    """Why the text may not be adopted yet, or None: while the cities are consulted, every
    consulted city must have had its say, until the deadline; after it, silence counts as
    the consultation's rule says (as agreement, as no answer, or it blocks adoption)."""
    if not is_open(action):
        return None
    reason = state(action, today).blocked
    if reason is None:
        return None
    return ValidationError(reason, code="consultation_open")


def reachable() -> QuerySet[Person, Any]:
    """The ids of the cities (as ``municipality_id``) a request can be mailed to: one of their
    people with a current seat has an e-mail address. A city without one has no contact."""
    return (
        Person.objects.filter(roles__in=Role.objects.current(), municipality__isnull=False)
        .exclude(email="")
        .values("municipality_id")
    )


def without_contact(action: LobbyAction) -> list[Municipality]:
    """The consulted cities no request can be mailed to: none of their people with a current
    seat has an e-mail address. Their answers are recorded on their behalf."""
    return list(consulted(action).exclude(pk__in=reachable()).order_by("sort_name"))
