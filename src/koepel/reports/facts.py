"""The facts of a year, written as Dutch sentences from the records (docs/taal.md).

Everything the report says of itself comes from here: how often a body met and how, its
guests and joint sessions, what it sent to whom, what came of its dossiers, what it published,
its milestones and its changes of chair. Each fact keeps a stable key (so a secretary's edit or
removal sticks) and links to the records it came from.

All records of the year are read at once, through the one visibility check, and grouped in
memory: building a report costs the same few queries however many bodies and records there are.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q

from koepel.accounts.access import visible
from koepel.advocacy.models import Dossier, DossierStatus, LobbyAction, Milestone, Stage
from koepel.library.models import Document
from koepel.meetings.models import Guest, Meeting, Status
from koepel.registry.models import Body, BodyKind, Function, Participation, Role
from koepel.reports import dutch

KIND_NOUNS: dict[str, tuple[str, str]] = {
    BodyKind.BOARD: ("het", "bestuur"),
    BodyKind.PILLAR: ("de", "pijler"),
    BodyKind.THEME_GROUP: ("de", "themagroep"),
    BodyKind.TASKFORCE: ("de", "taskforce"),
    BodyKind.CITY_DEAL: ("de", "city deal"),
    BodyKind.PROGRAMME: ("het", "programma"),
    BodyKind.LEARNING_NETWORK: ("de", "leerkring"),
    BodyKind.STEERING_GROUP: ("de", "stuurgroep"),
    BodyKind.WORKING_GROUP: ("de", "werkgroep"),
    BodyKind.OTHER: ("het", "gremium"),
}
FORMAT_WORDS = {"online": "digitaal", "fysiek": "fysiek", "hybride": "hybride"}
STATUS_PHRASES: dict[str, str] = {
    DossierStatus.ACHIEVED: "is behaald",
    DossierStatus.PARTLY: "is deels behaald",
    DossierStatus.NOT_ACHIEVED: "is niet behaald",
    DossierStatus.WITHDRAWN: "is ingetrokken",
    DossierStatus.ONGOING: "loopt nog",
}
DOCUMENT_NOUNS = {
    "rapport": "het rapport",
    "white_paper": "de white paper",
    "boek": "het boek",
    "position_paper": "het position paper",
    "propositie": "de propositie",
    "brief": "de brief",
    "jaarverslag": "het jaarverslag",
    "presentatie": "de presentatie",
}


@dataclass(frozen=True)
class Fact:
    key: str
    text: str
    links: tuple[tuple[str, str], ...] = ()
    date: dt.date | None = None


def refer(body: Body, *, subject: bool = True) -> str:
    """How a sentence refers to a body within its own section: "de themagroep", "het bestuur"."""
    article, noun = KIND_NOUNS.get(body.kind, ("het", "gremium"))
    return f"{article} {noun}"


def name_of(body: Body) -> str:
    """A body's name inside a sentence: "de themagroep Armoede en Schulden"."""
    article, noun = KIND_NOUNS.get(body.kind, ("het", "gremium"))
    name = body.name
    if name.lower().startswith(noun):
        return f"{article} {noun}{name[len(noun) :]}"
    return name


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


@dataclass
class YearRecords:
    """Every record of a year that the audience may see, grouped by body."""

    year: int
    network_name: str
    meetings: dict[int, list[Meeting]] = field(default_factory=lambda: defaultdict(list))
    actions: dict[int, list[LobbyAction]] = field(default_factory=lambda: defaultdict(list))
    dossiers: dict[int, list[Dossier]] = field(default_factory=lambda: defaultdict(list))
    documents: dict[int, list[Document]] = field(default_factory=lambda: defaultdict(list))
    milestones: dict[int, list[Milestone]] = field(default_factory=lambda: defaultdict(list))
    roles: dict[int, list[Role]] = field(default_factory=lambda: defaultdict(list))
    participations: dict[int, list[Participation]] = field(
        default_factory=lambda: defaultdict(list)
    )


def collect(viewer: Any, year: int, network_name: str) -> YearRecords:
    """Read the year's records in a fixed number of queries."""
    records = YearRecords(year=year, network_name=f"de {network_name}")
    meetings = (
        visible(Meeting.objects.filter(date__year=year).exclude(status=Status.CANCELLED), viewer)
        .prefetch_related(
            "bodies",
            Prefetch("guests", queryset=Guest.objects.select_related("person", "organisation")),
        )
        .order_by("date", "pk")
    )
    for meeting in meetings:
        for body in meeting.bodies.all():
            records.meetings[body.pk].append(meeting)
    actions = (
        visible(LobbyAction.objects.filter(date__year=year, stage=Stage.SENT), viewer)
        .prefetch_related("bodies", "addressees", "addressee_people", "cosigners")
        .order_by("date", "pk")
    )
    for action in actions:
        for body in action.bodies.all():
            records.actions[body.pk].append(action)
    dossiers = (
        visible(Dossier.objects.filter(status_date__year=year), viewer)
        .prefetch_related("bodies")
        .order_by("status_date", "title")
    )
    for dossier in dossiers:
        for body in dossier.bodies.all():
            records.dossiers[body.pk].append(dossier)
    documents = (
        visible(Document.objects.filter(date__year=year).exclude(kind="jaarverslag"), viewer)
        .prefetch_related("bodies")
        .order_by("date", "title")
    )
    for document in documents:
        for body in document.bodies.all():
            records.documents[body.pk].append(document)
    milestones = (
        visible(Milestone.objects.filter(date__year=year), viewer)
        .prefetch_related("bodies")
        .order_by("date", "pk")
    )
    for milestone in milestones:
        for body in milestone.bodies.all():
            records.milestones[body.pk].append(milestone)
    roles = (
        Role.objects.filter(function=Function.CHAIR, person__isnull=False)
        .filter(Q(start__year=year) | Q(end__year=year))
        .select_related("person")
        .order_by("start", "pk")
    )
    for role in roles:
        records.roles[role.body_id].append(role)
    participations = (
        Participation.objects.during_year(year)
        .filter(municipality__isnull=False)
        .select_related("municipality")
        .order_by("municipality__sort_name")
    )
    for participation in participations:
        records.participations[participation.body_id].append(participation)
    return records


def body_facts(records: YearRecords, body: Body, *, subject: Body | None = None) -> list[Fact]:
    """The facts of one body; ``subject`` is the body whose section this is (for "de themagroep")."""
    own = subject is None or subject.pk == body.pk
    who = refer(body) if own else name_of(body)
    facts: list[Fact] = []
    facts += _meeting_facts(records, body, who)
    facts += _participation_facts(records, body, who)
    facts += _chair_facts(records, body, who)
    facts += _action_facts(records, body)
    facts += _dossier_facts(records, body)
    facts += _document_facts(records, body)
    facts += _milestone_facts(records, body)
    return facts


def _meeting_facts(records: YearRecords, body: Body, who: str) -> list[Fact]:
    meetings = records.meetings.get(body.pk, [])
    if not meetings:
        return []
    year = records.year
    facts = []
    by_level: dict[str, list[Meeting]] = defaultdict(list)
    for meeting in meetings:
        by_level[meeting.level].append(meeting)
    for level, label in (
        ("bestuurlijk", "het bestuurlijk overleg van"),
        ("ambtelijk", "het ambtelijk overleg van"),
        ("beide", ""),
    ):
        group = by_level.get(level, [])
        if not group:
            continue
        subject = f"{label} {who}" if label else who
        how = _formats(group)
        text = f"In {year} kwam {subject} {dutch.times(len(group))} bijeen{how}."
        facts.append(
            Fact(
                f"meetings:{body.pk}:{level}",
                text,
                tuple((m.title, m.get_absolute_url()) for m in group),
            )
        )
    for meeting in meetings:
        others = [b for b in meeting.bodies.all() if b.pk != body.pk]
        if others:
            text = (
                f"{dutch.capitalise(dutch.when(meeting.date, meeting.date_precision))} "
                f"vergaderde {who} samen met {dutch.join([name_of(b) for b in others])}"
                f"{_about(meeting)}."
            )
            facts.append(
                Fact(
                    f"joint:{body.pk}:{meeting.pk}",
                    text,
                    ((meeting.title, meeting.get_absolute_url()),),
                    meeting.date,
                )
            )
        guests = list(meeting.guests.all())
        if guests:
            names = _guests(guests)
            text = (
                f"{dutch.capitalise(dutch.when(meeting.date, meeting.date_precision))} "
                f"sprak {who} met {names}."
            )
            facts.append(
                Fact(
                    f"guests:{body.pk}:{meeting.pk}",
                    text,
                    ((meeting.title, meeting.get_absolute_url()),),
                    meeting.date,
                )
            )
    return facts


def _formats(meetings: list[Meeting]) -> str:
    counts: dict[str, int] = defaultdict(int)
    for meeting in meetings:
        counts[meeting.format] += 1
    if len(counts) == 1:
        word = FORMAT_WORDS[next(iter(counts))]
        return f" ({word})" if len(meetings) == 1 else f", alle keren {word}"
    parts = [f"{dutch.times(n)} {FORMAT_WORDS[f]}" for f, n in counts.items()]
    return f", waarvan {dutch.join(parts)}"


def _about(meeting: Meeting) -> str:
    return f" ({meeting.title})" if meeting.title else ""


def _guests(guests: list[Guest]) -> str:
    """Guests who spoke on one topic together: "Han Polman en Rien Franje over de regio"."""
    by_topic: dict[str, list[str]] = {}
    for guest in guests:
        if guest.person is not None:
            name = guest.person.name
            if guest.organisation is not None:
                name += f" ({guest.organisation})"
        else:
            name = str(guest.organisation)
        by_topic.setdefault(guest.topic.strip(), []).append(name)
    parts = [
        f"{dutch.join(names)} over {topic}" if topic else dutch.join(names)
        for topic, names in by_topic.items()
    ]
    return dutch.join(parts)


def _participation_facts(records: YearRecords, body: Body, who: str) -> list[Fact]:
    participations = records.participations.get(body.pk, [])
    if not participations:
        return []
    cities = [p.municipality.name for p in participations if p.municipality]
    text = f"In {who} werkten {dutch.number(len(cities))} gemeenten samen: {dutch.join(cities)}."
    chairs = [
        p.municipality.name for p in participations if p.municipality and p.function == "voorzitter"
    ]
    if chairs:
        text += f" {dutch.join(chairs)} {'was' if len(chairs) == 1 else 'waren'} voorzitter."
    return [
        Fact(
            f"participants:{body.pk}",
            text,
            tuple(
                (c.municipality.name, c.municipality.get_absolute_url())
                for c in participations
                if c.municipality
            ),
        )
    ]


def _chair_facts(records: YearRecords, body: Body, who: str) -> list[Fact]:
    roles = records.roles.get(body.pk, [])
    year = records.year
    starting = [r for r in roles if r.start and r.start.year == year]
    ending = [r for r in roles if r.end and r.end.year == year]
    facts = []
    for role in starting:
        before = next((r for r in ending if r.person_id != role.person_id), None)
        when = dutch.per(role.start, role.start_precision) if role.start else f"In {year}"
        if before is not None:
            text = (
                f"{dutch.capitalise(when)} volgde {role.person} {before.person} op als "
                f"voorzitter van {who}."
            )
            ending.remove(before)
        else:
            text = f"{dutch.capitalise(when)} is {role.person} voorzitter van {who}."
        facts.append(Fact(f"chair:{role.pk}", text, _person_link(role)))
    for role in ending:
        if role.end is None:  # ending holds only roles with an end; this keeps the type exact
            continue
        text = (
            f"{dutch.capitalise(dutch.when(role.end, role.end_precision))} nam {role.person} "
            f"afscheid als voorzitter van {who}."
        )
        facts.append(Fact(f"chair-end:{role.pk}", text, _person_link(role)))
    return facts


def _person_link(role: Role) -> tuple[tuple[str, str], ...]:
    person = role.person
    return ((person.name, person.get_absolute_url()),) if person is not None else ()


def _recipients(action: LobbyAction) -> str:
    names = [org.abbreviation or org.name for org in action.addressees.all()]
    names += [person.name for person in action.addressee_people.all()]
    if action.addressee_note:
        names.append(action.addressee_note)
    return dutch.join(names)


def _named_thing(title: str, noun: str, article: str) -> str:
    """ "Position paper 'Slimme duurzame verstedelijking'" → "het position paper ‘Slimme …’"."""
    if "'" in title:
        name = title.split("'", 1)[1]
        return f"{article} {noun} {dutch.quoted(name)}"
    if title.lower().startswith(noun):
        return f"{article} {noun}{title[len(noun) :]}"
    return f"{article} {noun} {dutch.quoted(title)}"


# How a lobby action without a document reads, from the first words of its title.
DEEDS = (
    ("lobby voor ", "zette {network} zich in voor "),
    ("inzet voor ", "zette {network} zich in voor "),
    ("pleidooi voor ", "pleitte {network} voor "),
    ("aandringen op ", "drong {network} aan op "),
    ("gesprekken ", "voerde {network} gesprekken "),
    ("overleg ", "voerde {network} overleg "),
    ("steun voor ", "steunde {network} "),
)


def _deed(title: str, network: str) -> str:
    lowered = title.lower()
    for start, verb in DEEDS:
        if lowered.startswith(start):
            return verb.format(network=network) + title[len(start) :]
    return f"werkte {network} aan {lower_first(title)}"


def _action_sentence(action: LobbyAction, network: str) -> str:
    when = dutch.capitalise(dutch.when(action.date, action.date_precision))
    title = action.title.strip()
    to = _recipients(action)
    aan = f" aan {to}" if to else ""
    together = dutch.join([org.abbreviation or org.name for org in action.cosigners.all()])
    samen = f", samen met {together}" if together else ""
    match action.kind:
        case "brief":
            about = title[len("brief ") :] if title.lower().startswith("brief ") else f"({title})"
            return f"{when} stuurde {network} een brief {about}{aan}{samen}."
        case "position_paper":
            thing = _named_thing(title, "position paper", "het")
            return f"{when} stuurde {network} {thing}{aan}{samen}."
        case "propositie" | "kernboodschappen":
            thing = _named_thing(title, action.kind, "de")
            if not to:
                return f"{when} stelde {network} {thing} op{samen}."
            return f"{when} stuurde {network} {thing}{aan}{samen}."
        case "reactie":
            return f"{when} stuurde {network} een {lower_first(title)}{aan}{samen}."
        case "manifest":
            thing = _named_thing(title, "manifest", "het")
            gericht = f", gericht aan {to}" if to else ""
            return f"{when} steunde {network} {thing}{gericht}{samen}."
        case "hoorzitting":
            return f"{when} nam {network} deel aan het {lower_first(title)}{samen}."
        case "bijdrage":
            rest = (
                title[len("bijdrage ") :]
                if title.lower().startswith("bijdrage ")
                else (f"aan {lower_first(title)}")
            )
            return f"{when} leverde {network} een bijdrage {rest}{samen}."
        case "lobbypunten" if title.lower().startswith("lobbypunten"):
            return f"{when} stelde {network} {lower_first(title)} op{samen}."
        case "gesprek_bewindspersoon":
            return f"{when} sprak {network} met {to or 'een bewindspersoon'}: {title}."
        case _:
            gericht = f", gericht aan {to}" if to else ""
            return f"{when} {_deed(title, network)}{gericht}{samen}."


def _action_facts(records: YearRecords, body: Body) -> list[Fact]:
    return [
        Fact(
            f"action:{action.pk}",
            _action_sentence(action, records.network_name),
            ((action.title, action.get_absolute_url()),),
            action.date,
        )
        for action in records.actions.get(body.pk, [])
    ]


def _dossier_facts(records: YearRecords, body: Body) -> list[Fact]:
    facts = []
    for dossier in records.dossiers.get(body.pk, []):
        text = f"Het lobbydossier {dutch.quoted(dossier.title)} {STATUS_PHRASES[dossier.status]}"
        if dossier.status_date:
            text += f" ({dutch.date(dossier.status_date, dossier.status_date_precision)})"
        text += "."
        if dossier.evidence:
            text += f" {dossier.evidence.rstrip('.')}."
        if dossier.funding_kind:
            years = f" voor {dossier.funding_years}" if dossier.funding_years else ""
            text += f" Het geld is {dossier.get_funding_kind_display()}{years}."
        if dossier.follow_up:
            text += f" Nog nodig: {lower_first(dossier.follow_up.rstrip('.'))}."
        facts.append(
            Fact(
                f"dossier:{dossier.pk}",
                text,
                ((dossier.title, dossier.get_absolute_url()),),
                dossier.status_date,
            )
        )
    return facts


def _document_facts(records: YearRecords, body: Body) -> list[Fact]:
    facts = []
    for document in records.documents.get(body.pk, []):
        noun = DOCUMENT_NOUNS.get(document.kind, "het document")
        when = (
            dutch.capitalise(dutch.when(document.date, document.date_precision))
            if document.date
            else f"In {records.year}"
        )
        text = f"{when} verscheen {noun} {dutch.quoted(document.title)}."
        facts.append(
            Fact(
                f"document:{document.pk}",
                text,
                ((document.title, document.get_absolute_url()),),
                document.date,
            )
        )
    return facts


def _milestone_facts(records: YearRecords, body: Body) -> list[Fact]:
    facts = []
    for milestone in records.milestones.get(body.pk, []):
        text = (
            f"{dutch.capitalise(milestone.title.rstrip('.'))} "
            f"({dutch.date(milestone.date, milestone.date_precision)})."
        )
        facts.append(Fact(f"milestone:{milestone.pk}", text, (), milestone.date))
    return facts
