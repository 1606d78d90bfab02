"""Consulting the member cities on a draft, in one place.

Before a body adopts a text in the network's name, the member cities may give their say. This
module holds the rules of that process, which the pages, the API and the services all ask:

- who answers for which city (``answering_for``, ``may_answer_for``),
- who may read what the cities answered (``may_see_answers``, a rule of the one access check),
- how far the consultation is (``state``: answered, still missing, the tally),
- whom to ask for a city (``contacts``),
- and when the text may be adopted (``adoption_blocked``).

The writes — opening the consultation, recording an answer, reminding the cities — are the
services ``consultation_open``, ``consultation_answer`` and ``consultation_remind``, which apply
these rules.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import ngettext

from koepel.accounts.access import can_see_consultation_answers, viewer_for
from koepel.advocacy.models import ConsultationResponse, LobbyAction, Stage
from koepel.registry.models import Municipality, Person, Role
from koepel.registry.selectors import member_municipalities


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


def may_answer_for(user: Any, municipality: Municipality) -> bool:
    """The office records any city's answer (given by phone or mail); anyone else only their
    own city's."""
    if viewer_for(user).is_office:
        return True
    own = answering_for(user)
    return own is not None and own.pk == municipality.pk


def may_see_answers(user: Any, action: LobbyAction) -> bool:
    """What each city answered is for the network and for whoever may change the action."""
    return can_see_consultation_answers(user, action)


def is_open(action: LobbyAction) -> bool:
    return action.stage == Stage.CONSULTATION


def was_consulted(action: LobbyAction) -> bool:
    """Whether the cities are, or were, asked about this text."""
    return is_open(action) or action.responses.exists()


def contacts(action: LobbyAction, municipality: Municipality) -> list[Person]:
    """Who is asked for a city: its people in the action's bodies, else its people in any body."""
    people = Person.objects.filter(municipality=municipality, roles__in=Role.objects.current())
    in_bodies = people.filter(roles__body__in=action.bodies.all()).distinct()
    return list(in_bodies) or list(people.distinct())


def missing(action: LobbyAction) -> list[Municipality]:
    """The member cities that have not answered."""
    answered = action.responses.values("municipality_id")
    return list(member_municipalities().exclude(pk__in=answered))


@dataclass
class Consultation:
    answered: list[ConsultationResponse]
    missing: list[Any]

    @property
    def total(self) -> int:
        return len(self.answered) + len(self.missing)

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def counts(self) -> Counter[str]:
        return Counter(response.answer for response in self.answered)


def state(action: LobbyAction) -> Consultation:
    """How far the consultation on a text is: who answered what, and who has not yet."""
    answered = list(action.responses.select_related("municipality", "answered_by"))
    seen = {response.municipality_id for response in answered}
    absent = [m for m in member_municipalities() if m.pk not in seen]
    return Consultation(answered=answered, missing=absent)


def adoption_blocked(action: LobbyAction) -> ValidationError | None:
    """Why the text may not be adopted yet, or None: while the cities are consulted, every
    member city must first have had its say."""
    if not is_open(action):
        return None
    absent = missing(action)
    if not absent:
        return None
    return ValidationError(
        ngettext(
            "%(count)d member city has not answered yet: %(names)s.",
            "%(count)d member cities have not answered yet: %(names)s.",
            len(absent),
        )
        % {"count": len(absent), "names": ", ".join(m.name for m in absent)},
        code="consultation_open",
    )
