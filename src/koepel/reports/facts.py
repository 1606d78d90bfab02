"""The facts of a year, written as Dutch prose from the records (docs/taal.md).

Everything the report says of itself comes from here: what a body is and who leads it, how
often and how it met and with whom, what it sent to whom and with whom, what came of its
dossiers, what it published, what comes next; the foreword's draft and the closing section
about the network. A section is a few paragraphs; each sentence (a ``Fact``) keeps a stable
key, so a secretary's edit or removal sticks, and links to the records it came from.

A record of several bodies is told once in full, in the section of the body that sits highest
in the network's tree (the first in the report among equals). A joint meeting is told in full
under the body that organised it (``Meeting.organiser``; without one, as any other record) and
referred to from the sections of its other bodies. What the report must know of a kind of
meeting — whether it is an event or a trip of its own, its noun — comes from the network's
vocabulary, never from its codes. A count of meetings says "ten minste" until the
body's secretary has marked the year as completely recorded.

All records of the year are read at once, through the one visibility check, and grouped in
memory: building a report costs the same few queries however many bodies and records there are.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch

from koepel.accounts.access import visible
from koepel.advocacy.models import Dossier, DossierStatus, LobbyAction, Milestone, Stage
from koepel.library.models import Document
from koepel.meetings.models import Guest, Meeting, Status
from koepel.registry.models import (
    LEADING,
    Body,
    Meaning,
    Municipality,
    Organisation,
    OrganisationKind,
    Ownership,
    Participation,
    Person,
    Role,
    Vocabulary,
    codes_meaning,
    term_of,
    terms,
)
from koepel.reports import dutch

# The paragraphs of a section, in the order a writer tells them.
ABOUT, MEETINGS, LOBBY, OUTCOMES, PUBLISHED, AHEAD = (
    "about",
    "meetings",
    "lobby",
    "outcomes",
    "published",
    "ahead",
)
PARAGRAPHS = (ABOUT, MEETINGS, LOBBY, OUTCOMES, PUBLISHED, AHEAD)

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
    "position_paper": "het positiepapier",
    "propositie": "de propositie",
    "brief": "de brief",
    "jaarverslag": "het jaarverslag",
    "presentatie": "de presentatie",
}
DOCUMENT_PLURALS = {
    "het rapport": "rapporten",
    "de white paper": "white papers",
    "het boek": "boeken",
    "het positiepapier": "positiepapieren",
    "de propositie": "proposities",
    "de brief": "brieven",
    "het jaarverslag": "jaarverslagen",
    "de presentatie": "presentaties",
    "het document": "documenten",
}
# The plurals of public offices; those of the network's own functions and kinds of body come
# from its vocabulary (``Term.plural_nl``).
PLURALS = {
    "minister": "ministers",
    "staatssecretaris": "staatssecretarissen",
    "wethouder": "wethouders",
    "burgemeester": "burgemeesters",
    "gedeputeerde": "gedeputeerden",
}
# Words that open a sentence after the first one dated only to the year, so that a paragraph
# does not begin every sentence with "In 2021".
CONNECTIVES = ("Ook", "Daarnaast", "Verder")


@dataclass(frozen=True)
class Fact:
    key: str
    text: str
    links: tuple[tuple[str, str], ...] = ()
    date: dt.date | None = None
    paragraph: str = ABOUT


# --- naming things --------------------------------------------------------------------------


def kind_noun(kind: str) -> tuple[str, str]:
    """The article and the Dutch noun of a kind of body, from the network's vocabulary:
    ("de", "themagroep"), ("het", "algemeen bestuur"); ("het", "gremium") where the label is no
    noun the report knows the article of (such as "overig")."""
    term = term_of(Vocabulary.BODY_KIND, kind)
    noun = term.label_nl.strip().lower() if term is not None else ""
    article = dutch.article_of(noun) if noun else ""
    return (article, noun) if article else ("het", "gremium")


def kind_plural(noun: str) -> str | None:
    """The Dutch plural of a kind of body's noun, when the vocabulary gives it."""
    return next(
        (
            t.plural_nl
            for t in terms(Vocabulary.BODY_KIND)
            if t.plural_nl and t.label_nl.strip().lower() == noun
        ),
        None,
    )


def leads() -> dict[str, str]:
    """The functions that lead a body, code → Dutch name, in the order they are named: chair,
    co-chair, vice-chair, leads, secretary (by the meaning the vocabulary gives them)."""
    found = [t for t in terms(Vocabulary.FUNCTION) if t.meaning in LEADING]
    found.sort(key=lambda t: LEADING.index(Meaning(t.meaning)))
    return {t.code: t.label_nl for t in found}


def function_plural(label: str) -> str:
    return next(
        (t.plural_nl for t in terms(Vocabulary.FUNCTION) if t.label_nl == label and t.plural_nl),
        PLURALS.get(label, label),
    )


def refer(body: Body) -> str:
    """How a sentence refers to a body within its own section: "de themagroep", "het bestuur"."""
    article, noun = kind_noun(body.kind)
    return f"{article} {noun}"


def name_of(body: Body) -> str:
    """A body's name inside a sentence, with its article: "de themagroep Armoede en Schulden",
    "het dagelijks bestuur", "de city deal Impact Ondernemen"."""
    article, noun = kind_noun(body.kind)
    name = body.name.strip()
    if name.lower().startswith(noun):
        return f"{article} {noun}{name[len(noun) :]}"
    return dutch.with_article(name, dutch.article_of(name, article))


def org_ref(organisation: Organisation) -> str:
    """An organisation in running text: "het ministerie van BZK", "de VNG", "Platform31"."""
    name = organisation.name.strip()
    short = organisation.abbreviation.strip()
    if organisation.kind == OrganisationKind.MINISTRY and name.lower().startswith("ministerie "):
        return f"het ministerie van {short}" if short else f"het {dutch.lower_first(name)}"
    default = "de" if organisation.kind in {OrganisationKind.NETWORK, "parliament"} else ""
    article = dutch.article_of(name, default)
    if short and short[1:2].islower() and short[:1].isupper():
        short = ""  # a short name written as a word ("Rob"): the full name reads better
    if short:
        return f"{article} {short}" if article else short
    if organisation.kind == OrganisationKind.COMMITTEE:
        return dutch.with_article(name, article or "de")
    return f"{article} {name}" if article else name


def orgs_ref(organisations: Sequence[Organisation]) -> str:
    """Several organisations; ministries with a short name together: "de ministeries van SZW
    en OCW", "het IPO en de ministeries van EZK en BZK"."""
    ministries = [
        o.abbreviation
        for o in organisations
        if o.kind == OrganisationKind.MINISTRY and o.abbreviation
    ]
    parts = [
        org_ref(o)
        for o in organisations
        if o.abbreviation not in ministries or o.kind != OrganisationKind.MINISTRY
    ]
    if len(ministries) == 1:
        parts.append(f"het ministerie van {ministries[0]}")
    elif ministries:
        parts.append(f"de ministeries van {dutch.join(ministries)}")
    return dutch.reference_list(parts)


def _place(
    person: Person,
    organisations: Sequence[Organisation] = (),
    municipality: Municipality | None = None,
    *,
    office: bool = False,
) -> str:
    found = [o for o in (*organisations, person.organisation) if o is not None]
    unique = list({o.pk: o for o in found}.values())
    if unique:
        return f" van {orgs_ref(unique)}"
    city = municipality or person.municipality
    if city is not None:
        return f" {'van' if office else 'uit'} {city.name}"
    return ""


def person_ref(
    person: Person,
    organisations: Sequence[Organisation] = (),
    municipality: Municipality | None = None,
) -> str:
    """A person with their title and where they come from: "minister Koolmees", "wethouder
    Mutluer van Zaanstad", "Wouter Veldhuis (rijksadviseur voor de fysieke leefomgeving)",
    "Maaike Veeningen uit Almere"."""
    title = person.title.strip()
    if title and dutch.is_office(title):
        return f"{title.lower()} {person.name}{_place(person, organisations, municipality, office=True)}"
    place = _place(person, organisations, municipality)
    if title:
        return f"{person.name} ({title}{place})"
    return f"{person.name}{place}"


def people_ref(people: Sequence[Person]) -> str:
    """Addressees: people with the same office together ("de ministers Slob en Van
    Engelshoven"), the others one by one."""
    by_office: dict[str, list[Person]] = {}
    others = []
    for person in people:
        title = person.title.strip().lower()
        if dutch.is_office(title) and not person.organisation and not person.municipality:
            by_office.setdefault(title, []).append(person)
        else:
            others.append(person_ref(person))
    parts = []
    for title, holders in by_office.items():
        if len(holders) > 1 and title in PLURALS:
            parts.append(f"de {PLURALS[title]} {dutch.join([p.name for p in holders])}")
        else:
            parts += [f"{title} {p.name}" for p in holders]
    return dutch.join(parts + others)


def _title_of(title: str, nouns: Iterable[tuple[str, str]]) -> str:
    """A titled thing in a sentence. A title that opens with its kind is written as a noun
    phrase ("Studiereis naar Groningen" → "de studiereis naar Groningen"); a title in quotes
    after its kind keeps them ("Position paper 'X'" → "het position paper ‘X’"); any other
    title is quoted after the first noun given ("de propositie ‘Aanbod aan …’")."""
    title = re.sub(r"^(de|het|een)\s+", "", title.strip(), flags=re.IGNORECASE)
    nouns = list(nouns)
    first = title.split(" ", 1)[0].lower()
    for article, noun in nouns:
        quoted = re.match(rf"^{re.escape(noun)}\s+['‘\"](.+?)['’\"]\s*$", title, re.IGNORECASE)
        if quoted:
            return f"{article} {noun} {dutch.quoted(quoted.group(1))}"
        if first == noun or (first.endswith(noun) and len(first) > len(noun)):
            head, _space, rest = dutch.quotes(title).partition(" ")
            if rest[:1].isupper() and "‘" not in rest and any(c.islower() for c in rest):
                rest = dutch.quoted(rest)  # a name after the noun: "het congres ‘Building …’"
            return f"{article} {dutch.lower_first(head)}{' ' + rest if rest else ''}"
    article, noun = nouns[0]
    return f"{article} {noun} {dutch.quoted(title)}"


def bodies_ref(bodies: Sequence[Body]) -> str:
    """Other bodies, those of one kind together: "de themagroepen Woningmarkt en Omgevingswet"."""
    by_noun: dict[str, list[str]] = {}
    articles: dict[str, str] = {}
    others = []
    for body in bodies:
        article, noun = kind_noun(body.kind)
        if body.name.lower().startswith(noun + " ") and kind_plural(noun):
            articles[noun] = article
            by_noun.setdefault(noun, []).append(body.name[len(noun) + 1 :])
        else:
            others.append(name_of(body))
    parts = []
    for noun, names in by_noun.items():
        if len(names) > 1:
            parts.append(f"de {kind_plural(noun)} {dutch.join(names)}")
        else:
            parts.append(f"{articles[noun]} {noun} {names[0]}")
    return dutch.join(parts + others)


def meeting_noun(kind: str) -> tuple[str, str] | None:
    """The article and the Dutch noun of a kind of meeting, from the network's vocabulary:
    ("de", "themasessie"), ("het", "congres"); None where the label is no noun the report
    knows the article of (such as "overig")."""
    term = term_of(Vocabulary.MEETING_KIND, kind)
    noun = term.label_nl.strip().lower() if term is not None else ""
    article = dutch.article_of(noun) if noun else ""
    return (article, noun) if article else None


def events() -> frozenset[str]:
    """The kinds of meeting told as events of their own, by their name, and not counted as
    meetings: a congress, a design session, a trip (by the meaning the vocabulary gives)."""
    return codes_meaning(Vocabulary.MEETING_KIND, Meaning.EVENT, Meaning.TRIP)


def setting(kind: str) -> str:
    """Where a meeting with guests took place, when its kind says more than "bijeenkomst":
    "in een themasessie"; "op een van de bestuurlijke netwerkdagen" for a kind the vocabulary
    gives a plural, one of several of its kind; "in het pijleroverleg" for a body's own
    standing "overleg"."""
    found = meeting_noun(kind)
    if found is None or found[1] == "bijeenkomst":
        return ""
    noun = found[1]
    term = term_of(Vocabulary.MEETING_KIND, kind)
    at = dutch.preposition_of_meeting(noun)
    if noun.endswith("overleg"):
        return f"{at} het {noun}"
    if term is not None and term.plural_nl:
        return f"{at} een van de {term.plural_nl.strip()}"
    return f"{at} een {noun}"


def _meeting_name(meeting: Meeting) -> str:
    """A meeting by its title: "de bijeenkomst over ‘Een thuis voor iedereen’"."""
    own = meeting_noun(meeting.kind)
    return _title_of(
        meeting.title,
        [("de", "bijeenkomst"), ("de", "sessie"), *([own] if own else []), ("het", "overleg")],
    )


def _when(value: dt.date, precision: str) -> str:
    return dutch.capitalise(dutch.when(value, precision))


# --- the records of a year ------------------------------------------------------------------


@dataclass
class YearRecords:
    """Every record of a year that the audience may see, grouped by body."""

    year: int
    network_name: str
    complete: frozenset[int] = frozenset()
    meetings: dict[int, list[Meeting]] = field(default_factory=lambda: defaultdict(list))
    actions: dict[int, list[LobbyAction]] = field(default_factory=lambda: defaultdict(list))
    dossiers: dict[int, list[Dossier]] = field(default_factory=lambda: defaultdict(list))
    documents: dict[int, list[Document]] = field(default_factory=lambda: defaultdict(list))
    milestones: dict[int, list[Milestone]] = field(default_factory=lambda: defaultdict(list))
    coming: dict[int, list[Milestone]] = field(default_factory=lambda: defaultdict(list))
    roles: dict[int, list[Role]] = field(default_factory=lambda: defaultdict(list))
    participations: dict[int, list[Participation]] = field(
        default_factory=lambda: defaultdict(list)
    )
    # External bodies the network works in, per body of the network whose dossiers name them.
    outside: dict[int, list[Body]] = field(default_factory=lambda: defaultdict(list))


def collect(
    viewer: Any,
    year: int,
    network_name: str,
    *,
    allowed: set[int],
    complete: Iterable[int] = (),
) -> YearRecords:
    """Read the year's records in a fixed number of queries. ``allowed`` are the bodies the
    audience may see: their roles and participations are read, no others."""
    records = YearRecords(
        year=year, network_name=f"de {network_name}", complete=frozenset(complete)
    )
    # A record's bodies as far as the audience may see them: a joint meeting of a public body
    # and a closed one is told without naming the closed one.
    seen_bodies = Prefetch("bodies", queryset=Body.objects.filter(pk__in=allowed))
    meetings = (
        visible(Meeting.objects.filter(date__year=year).exclude(status=Status.CANCELLED), viewer)
        .select_related("part_of")
        .prefetch_related(
            seen_bodies,
            Prefetch(
                "guests",
                queryset=Guest.objects.select_related(
                    "person__organisation", "person__municipality", "organisation"
                ).order_by("pk"),
            ),
        )
        .order_by("date", "pk")
    )
    for meeting in meetings:
        for body in meeting.bodies.all():
            records.meetings[body.pk].append(meeting)
    actions = (
        visible(LobbyAction.objects.filter(date__year=year, stage=Stage.SENT), viewer)
        .prefetch_related(
            seen_bodies,
            "addressees",
            Prefetch("addressee_people", queryset=_people()),
            "cosigners",
            # The board's section names the goal of an action's dossiers: only those the
            # audience may see (a public letter may serve a restricted dossier).
            Prefetch("dossiers", queryset=visible(Dossier.objects.all(), viewer)),
        )
        .order_by("date", "pk")
    )
    for action in actions:
        for body in action.bodies.all():
            records.actions[body.pk].append(action)
    dossiers = (
        visible(Dossier.objects.filter(status_date__year=year), viewer)
        .prefetch_related(seen_bodies)
        .order_by("status_date", "title")
    )
    for dossier in dossiers:
        for body in dossier.bodies.all():
            records.dossiers[body.pk].append(dossier)
    documents = (
        visible(Document.objects.filter(date__year=year).exclude(kind="jaarverslag"), viewer)
        .prefetch_related(seen_bodies)
        .order_by("date", "title")
    )
    for document in documents:
        for body in document.bodies.all():
            records.documents[body.pk].append(document)
    milestones = (
        visible(Milestone.objects.filter(date__year__in=[year, year + 1]), viewer)
        .prefetch_related(
            seen_bodies, Prefetch("dossiers", queryset=visible(Dossier.objects.all(), viewer))
        )
        .order_by("date", "pk")
    )
    for milestone in milestones:
        kept = records.milestones if milestone.date.year == year else records.coming
        for body in milestone.bodies.all():
            kept[body.pk].append(milestone)
    roles = (
        Role.objects.during_year(year)
        .filter(person__isnull=False, body__in=allowed)
        .select_related(
            "person__municipality",
            "person__organisation",
            "on_behalf_of_municipality",
            "on_behalf_of_organisation",
        )
        .order_by("start", "pk")
    )
    for role in roles:
        records.roles[role.body_id].append(role)
    participations = (
        Participation.objects.during_year(year)
        .filter(body__in=allowed)
        .select_related("municipality", "organisation")
        .order_by("municipality__sort_name", "organisation__name", "pk")
    )
    for participation in participations:
        records.participations[participation.body_id].append(participation)
    linked = (
        visible(Dossier.objects.filter(external_bodies__isnull=False).distinct(), viewer)
        .prefetch_related("bodies", "external_bodies")
        .order_by("pk")
    )
    for dossier in linked:
        outside = [b for b in dossier.external_bodies.all() if b.pk in allowed]
        for body in dossier.bodies.all():
            for external in outside:
                if external not in records.outside[body.pk]:
                    records.outside[body.pk].append(external)
    return records


def _people() -> Any:
    return Person.objects.select_related("organisation", "municipality")


# --- writing a section ----------------------------------------------------------------------


@dataclass
class Placement:
    """Where the records shared by several bodies are told: every body told in the report has
    a section, and a section a rank (how high its body sits, then its place in the report)."""

    section_of: dict[int, int]  # body → the body whose section tells it
    rank: dict[int, tuple[int, int]]  # section body → (depth, order)
    names: dict[int, Body]  # section body → the body

    def home(self, bodies: Iterable[Body]) -> int | None:
        """The section body that tells a record of these bodies in full."""
        return self.home_of(body.pk for body in bodies)

    def meeting_home(self, meeting: Meeting) -> int | None:
        """The section that tells a meeting in full: its organiser's, when the report tells
        the organiser; else that of the body highest in the tree."""
        if meeting.organiser_id in self.section_of:
            return self.section_of[meeting.organiser_id]
        return self.home(meeting.bodies.all())

    def home_of(self, pks: Iterable[int]) -> int | None:
        sections = {self.section_of[pk] for pk in pks if pk in self.section_of}
        if not sections:
            return None
        return min(sections, key=lambda pk: self.rank[pk])


class SectionWriter:
    """The facts of one section: its body and the bodies beneath it without a section."""

    def __init__(
        self, records: YearRecords, placement: Placement, body: Body, below: Sequence[Body]
    ) -> None:
        self.records = records
        self.placement = placement
        self.body = body
        self.bodies = [body, *below]
        self.network = records.network_name
        self.is_board = body.kind in codes_meaning(Vocabulary.BODY_KIND, Meaning.BOARD)

    def facts(self) -> list[Fact]:
        facts: list[Fact] = []
        for body in self.bodies:
            who = refer(body) if body is self.body else name_of(body)
            facts += self._about(body, who)
        facts += self._outside()
        for body in self.bodies:
            who = refer(body) if body is self.body else name_of(body)
            facts += self._meetings(body, who)
        facts += self._lobby()
        facts += self._outcomes()
        facts += self._published()
        facts += self._milestones()
        return _unique(facts)

    def _home(self, bodies: Iterable[Body]) -> bool:
        return self.placement.home(bodies) == self.body.pk

    # -- what the body is and who leads it --

    def _about(self, body: Body, who: str) -> list[Fact]:
        facts = []
        link = ((body.name, body.get_absolute_url()),)
        if body is self.body and body.description.strip():
            facts.append(
                Fact(f"about:{body.pk}", dutch.sentence(body.description), link, None, ABOUT)
            )
        facts += self._leads(body, who)
        facts += _participation_facts(self.records, body, who)
        return facts

    def _leads(self, body: Body, who: str) -> list[Fact]:
        year = self.records.year
        facts = _chair_changes(self.records, body, who)
        told = {fact.key for fact in facts}
        held: dict[str, list[Role]] = {}
        members: list[Role] = []
        leading = leads()
        member = codes_meaning(Vocabulary.FUNCTION, Meaning.MEMBER)
        for role in self.records.roles.get(body.pk, []):
            if (role.end and role.end.year == year) or f"chair:{role.pk}" in told:
                continue  # told as a change of chair
            if role.function in leading:
                held.setdefault(role.function, []).append(role)
            elif role.function in member:
                members.append(role)
        parts = []
        for function, label in leading.items():
            holders = held.get(function, [])
            if holders:
                plural = len(holders) > 1
                parts.append(
                    f"{function_plural(label) if plural else label} van {who} "
                    f"{'waren' if plural else 'was'} {dutch.join([_holder(r) for r in holders])}"
                )
        if 0 < len(members) <= 12:
            plural = len(members) > 1
            parts.append(
                f"{'leden' if plural else 'lid'} van {who} {'waren' if plural else 'was'} "
                f"{dutch.join([_holder(role) for role in members])}"
            )
        elif members:
            parts.append(f"{who} had {dutch.number(len(members))} leden")
        if parts:
            named = [*(role for group in held.values() for role in group), *members]
            facts.append(
                Fact(
                    f"leads:{body.pk}",
                    " ".join(dutch.sentence(part) for part in parts),
                    tuple(
                        (r.person.name, r.person.get_absolute_url())
                        for r in named
                        if r.person is not None
                    ),
                    None,
                    ABOUT,
                )
            )
        return facts

    def _outside(self) -> list[Fact]:
        """The outside bodies the section's dossiers name, and who of the network sits in
        them: told once, in the section highest in the tree."""
        facts = []
        seen: set[int] = set()
        for body in self.bodies:
            for external in self.records.outside.get(body.pk, []):
                if external.pk in seen:
                    continue
                seen.add(external.pk)
                linked = [pk for pk, found in self.records.outside.items() if external in found]
                if self.placement.home_of(linked) != self.body.pk:
                    continue
                fact = _outside_fact(self.records, external, self.network)
                if fact is not None:
                    facts.append(fact)
        return facts

    # -- meetings --

    def _meetings(self, body: Body, who: str) -> list[Fact]:
        meetings = self.records.meetings.get(body.pk, [])
        if not meetings:
            return []
        # The count opens the paragraph: it names the body in full, as a writer does.
        facts = _meeting_counts(self.records, body, name_of(body), meetings)
        index = 0
        for meeting in meetings:
            bodies = list(meeting.bodies.all())
            others = [b for b in bodies if b.pk != body.pk]
            home = self.placement.meeting_home(meeting)
            if others and home != self.body.pk:
                if home is not None:
                    facts.append(self._reference(meeting, body, name_of(body), home))
                continue
            if others and body.pk != self._teller(meeting, bodies):
                continue  # told in this section from the side of the body that organised it
            fact = _meeting_fact(self.records, meeting, who, others, index)
            if fact is not None:
                facts.append(fact)
                index += 1
        return facts

    def _teller(self, meeting: Meeting, bodies: list[Body]) -> int | None:
        """Which of this section's bodies tells a joint meeting: its organiser, else the first
        of them."""
        own = [b.pk for b in self.bodies if b in bodies]
        return meeting.organiser_id if meeting.organiser_id in own else next(iter(own), None)

    def _reference(self, meeting: Meeting, body: Body, who: str, home: int) -> Fact:
        """A joint meeting told in full in another section: named briefly, with the body that
        organised it when the report tells that body, else with the section that tells it."""
        when = _when(meeting.date, meeting.date_precision)
        thing = _meeting_name(meeting)
        organiser = next(
            (
                b
                for b in meeting.bodies.all()
                if b.pk == meeting.organiser_id and b.pk in self.placement.section_of
            ),
            None,
        )
        if organiser is not None:
            which = "dat" if thing.startswith("het ") else "die"
            text = f"{when} nam {who} deel aan {thing}, {which} {name_of(organiser)} organiseerde."
        else:
            host = self.placement.names[home]
            text = f"{when} nam {who} deel aan {thing}, beschreven bij {name_of(host)}."
        return Fact(
            f"joint-ref:{body.pk}:{meeting.pk}",
            text,
            ((meeting.title, meeting.get_absolute_url()),),
            meeting.date,
            MEETINGS,
        )

    # -- the lobby --

    def _subject(self) -> str:
        return self.network if self.is_board else refer(self.body)

    def _lobby(self) -> list[Fact]:
        facts = []
        seen: set[int] = set()
        index = 0
        for body in self.bodies:
            for action in self.records.actions.get(body.pk, []):
                if action.pk in seen or not self._home(action.bodies.all()):
                    continue
                seen.add(action.pk)
                text = _action_sentence(action, self._subject(), index)
                facts.append(
                    Fact(
                        f"action:{action.pk}",
                        text,
                        ((action.title, action.get_absolute_url()),),
                        action.date,
                        LOBBY,
                    )
                )
                index += 1
        if self.is_board:
            facts += self._positions()
        return facts

    def _positions(self) -> list[Fact]:
        """What the network wants in the dossiers its board worked on this year."""
        facts = []
        seen: set[int] = set()
        for action in self.records.actions.get(self.body.pk, []):
            for dossier in action.dossiers.all():
                if dossier.pk in seen or not dossier.goal.strip():
                    continue
                seen.add(dossier.pk)
                text = (
                    f"Het doel van {self.network} in het lobbydossier "
                    f"{dutch.quoted(dossier.title)}: {dutch.sentence(dossier.goal)}"
                )
                facts.append(
                    Fact(
                        f"position:{dossier.pk}",
                        text,
                        ((dossier.title, dossier.get_absolute_url()),),
                        None,
                        LOBBY,
                    )
                )
        return facts

    def _outcomes(self) -> list[Fact]:
        facts = []
        seen: set[int] = set()
        for body in self.bodies:
            for dossier in self.records.dossiers.get(body.pk, []):
                if dossier.pk in seen or not self._home(dossier.bodies.all()):
                    continue
                seen.add(dossier.pk)
                facts.append(_dossier_fact(dossier))
        return facts

    def _published(self) -> list[Fact]:
        """What the section's bodies published: one sentence per date, the documents of a
        date enumerated ("Op 19 april 2021 verschenen de rapporten ‘A’ en ‘B’")."""
        by_date: dict[tuple[Any, str], list[Document]] = {}
        seen: set[int] = set()
        for body in self.bodies:
            for document in self.records.documents.get(body.pk, []):
                if document.pk in seen or not self._home(document.bodies.all()):
                    continue
                seen.add(document.pk)
                by_date.setdefault((document.date, document.date_precision), []).append(document)
        return [_documents_fact(self.records, documents) for documents in by_date.values()]

    def _milestones(self) -> list[Fact]:
        facts = []
        seen: set[int] = set()
        for body in self.bodies:
            for kept, paragraph in (
                (self.records.milestones, LOBBY),
                (self.records.coming, AHEAD),
            ):
                for milestone in kept.get(body.pk, []):
                    if milestone.pk in seen or not self._home(milestone.bodies.all()):
                        continue
                    seen.add(milestone.pk)
                    facts.append(_milestone_fact(milestone, paragraph))
        return facts


def _unique(facts: list[Fact]) -> list[Fact]:
    """Each record once, and no sentence twice."""
    seen_keys: set[str] = set()
    seen_texts: set[str] = set()
    unique = []
    for fact in facts:
        if fact.key in seen_keys or fact.text in seen_texts:
            continue
        seen_keys.add(fact.key)
        seen_texts.add(fact.text)
        unique.append(fact)
    return unique


def _holder(role: Role) -> str:
    if role.person is None:  # collect() reads roles with a person only
        return ""
    organisations = [role.on_behalf_of_organisation] if role.on_behalf_of_organisation else []
    return person_ref(role.person, organisations, role.on_behalf_of_municipality)


def _participation_facts(records: YearRecords, body: Body, who: str) -> list[Fact]:
    participations = records.participations.get(body.pk, [])
    if not participations:
        return []
    # What each function means comes from the network's vocabulary: the cities that lead the
    # body's work are told as such and not again among those taking part; a plain participant
    # is told only among those taking part; every other function is told by its own name.
    functions = terms(Vocabulary.PARTICIPATION_FUNCTION)
    leading = {t.code for t in functions if t.meaning == Meaning.LEAD}
    taking_part = [p for p in participations if p.municipality and p.function not in leading]
    sentences = []
    if taking_part:
        cities = list(dict.fromkeys(p.municipality.name for p in taking_part if p.municipality))
        sentences.append(
            f"In {who} werkten {dutch.number(len(cities))} gemeenten samen: {dutch.join(cities)}."
            if len(cities) > 1
            else f"In {who} werkte {cities[0]} mee."
        )
    order: dict[str, int] = {Meaning.CHAIR: 0, Meaning.LEAD: 1}
    told = sorted(
        (t for t in functions if t.meaning != Meaning.MEMBER),
        key=lambda t: order.get(t.meaning, 2),  # a stable sort keeps the vocabulary's order
    )
    for term in told:
        cities = [
            p.municipality.name
            for p in participations
            if p.municipality and p.function == term.code
        ]
        if cities:
            verb = "was" if len(cities) == 1 else "waren"
            noun = term.label_nl if len(cities) == 1 else (term.plural_nl or f"{term.label_nl}s")
            sentences.append(f"{dutch.join(cities)} {verb} {noun} in {who}.")
    partners = [p.organisation for p in participations if p.organisation is not None]
    if partners:
        sentences.append(dutch.sentence(f"{who} werkte samen met {orgs_ref(partners)}"))
    return [
        Fact(
            f"participants:{body.pk}",
            " ".join(dutch.sentence(s) for s in sentences),
            tuple(
                (p.participant.name, p.participant.get_absolute_url())
                for p in participations
                if p.participant is not None
            ),
            None,
            ABOUT,
        )
    ]


def _chair_changes(records: YearRecords, body: Body, who: str) -> list[Fact]:
    chair = codes_meaning(Vocabulary.FUNCTION, Meaning.CHAIR)
    roles = [r for r in records.roles.get(body.pk, []) if r.function in chair]
    others = records.roles.get(body.pk, [])
    year = records.year
    starting = [r for r in roles if r.start and r.start.year == year]
    ending = [r for r in roles if r.end and r.end.year == year]
    facts = []
    for role in starting:
        if role.start is None:  # starting holds only roles with a start; this keeps the type
            continue
        before = next((r for r in ending if r.person_id != role.person_id), None)
        when = (
            f"In {year}"
            if role.start_precision == "year"
            else dutch.capitalise(dutch.per(role.start, role.start_precision))
        )
        # A vice-chair whose role ends as the new one starts took over.
        vice = any(
            r.person_id == role.person_id
            and r.function in codes_meaning(Vocabulary.FUNCTION, Meaning.VICE_CHAIR)
            and r.end
            and r.end.year == year
            for r in others
        )
        new = ("vicevoorzitter " if vice else "") + _holder(role)
        if before is not None:
            text = f"{when} volgde {new} {_holder(before)} op als voorzitter van {who}."
            ending.remove(before)
            links = _person_link(role) + _person_link(before)
        else:
            text = f"{when} werd {new} voorzitter van {who}."
            links = _person_link(role)
        facts.append(Fact(f"chair:{role.pk}", text, links, role.start, ABOUT))
    for role in ending:
        if role.end is None or role.person is None:
            continue
        text = (
            f"{_when(role.end, role.end_precision)} nam {_holder(role)} afscheid als "
            f"voorzitter van {who}."
        )
        facts.append(Fact(f"chair-end:{role.pk}", text, _person_link(role), role.end, ABOUT))
    return facts


def _person_link(role: Role) -> tuple[tuple[str, str], ...]:
    person = role.person
    return ((person.name, person.get_absolute_url()),) if person is not None else ()


def _outside_fact(records: YearRecords, external: Body, network: str) -> Fact | None:
    """Who of the network sat in an outside body, its size and its partners."""
    roles = records.roles.get(external.pk, [])
    participations = [p for p in records.participations.get(external.pk, []) if p.organisation]
    if not roles and not participations:
        return None
    name = name_of(external)
    if external.owner is not None and external.ownership == Ownership.EXTERNAL:
        owner = org_ref(external.owner)
        if owner.split()[-1] not in name:
            name += f" van {owner}"
    short = refer(external)
    sentences = []
    leading = leads()
    heads = [r for r in roles if r.function in leading]
    members = [r for r in roles if r.function not in leading]
    first = name
    for role in heads:
        sentences.append(
            f"{dutch.capitalise(leading[role.function])} van {first} was {_holder(role)}."
        )
        first = short
    if members:
        names = dutch.join([_holder(r) for r in members])
        if first == name:
            verb = "had" if len(members) == 1 else "hadden"
            sentences.append(f"{names} {verb} zitting in {name}.")
        else:
            verb = "was" if len(members) == 1 else "waren"
            sentences.append(f"Ook {names} {verb} lid van {short}.")
        first = short
    if external.headcount and external.headcount_from_network is not None:
        sentences.append(
            f"{dutch.capitalise(dutch.number(external.headcount_from_network))} van de "
            f"{dutch.number(external.headcount)} leden van {first} "
            f"{'kwam' if external.headcount_from_network == 1 else 'kwamen'} uit gemeenten van "
            f"{network}."
        )
        first = short
    if participations:
        organisations = [p.organisation for p in participations if p.organisation]
        partners = orgs_ref(organisations)
        if not sentences:
            verb = "nam" if len(organisations) == 1 else "namen"
            sentences.append(f"Aan {name} {verb} ook {partners} deel.")
        else:
            verb = "werkte" if len(organisations) == 1 else "werkten"
            sentences.append(f"In {first} {verb} ook {partners} mee.")
    links = (
        (external.name, external.get_absolute_url()),
        *((r.person.name, r.person.get_absolute_url()) for r in roles if r.person is not None),
    )
    return Fact(f"outside:{external.pk}", " ".join(sentences), links, None, ABOUT)


def _meeting_counts(
    records: YearRecords, body: Body, who: str, meetings: list[Meeting]
) -> list[Fact]:
    year = records.year
    complete = body.pk in records.complete
    by_level: dict[str, list[Meeting]] = defaultdict(list)
    told = events()
    for meeting in meetings:
        if meeting.kind not in told:  # a congress or a trip is told, not counted as a meeting
            by_level[meeting.level].append(meeting)
    named = any(word in body.name.lower() for word in ("ambtelijk", "bestuurlijk"))
    facts = []
    for level, label in (
        ("bestuurlijk", "het bestuurlijk overleg van"),
        ("ambtelijk", "het ambtelijk overleg van"),
        ("beide", ""),
    ):
        group = by_level.get(level, [])
        if not group:
            continue
        apart = len(by_level) > 1 and label and not named
        subject = f"{label} {who}" if apart else who
        how = _formats(group)
        often = dutch.times(len(group))
        if not complete:
            often = f"ten minste {often}"
        text = f"In {year} kwam {subject} {often} bijeen{how}."
        facts.append(
            Fact(
                f"meetings:{body.pk}:{level}",
                text,
                tuple((m.title, m.get_absolute_url()) for m in group),
                None,
                MEETINGS,
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


def _guests(guests: list[Guest], *, topics: bool = True) -> str:
    """Guests with their titles and organisations, and what they spoke about: "Han Polman en
    Rien Franje van de Rob over de rol van G40-steden in hun regio"."""
    by_topic: dict[str, list[Guest]] = {}
    for guest in guests:
        by_topic.setdefault(guest.topic.strip() if topics else "", []).append(guest)
    parts = []
    for topic, group in by_topic.items():
        plain: dict[str, list[str]] = {}
        named = []
        for guest in group:
            person = guest.person
            if person is None:
                if guest.organisation is not None:
                    named.append(org_ref(guest.organisation))
                continue
            orgs = [guest.organisation] if guest.organisation else []
            if person.title:
                named.append(person_ref(person, orgs))
            else:
                place = _place(person, orgs)
                plain.setdefault(place, []).append(person.name)
        for place, names in plain.items():
            named.append(f"{dutch.join(names)}{place}")
        who = dutch.join(named)
        parts.append(f"{who} over {_topic(topic)}" if topic else who)
    return dutch.join(parts)


def _topic(topic: str) -> str:
    return re.sub(r"['\"]([^'\"]+)['\"]", lambda m: dutch.quoted(m.group(1)), topic)


def _meeting_fact(
    records: YearRecords, meeting: Meeting, who: str, others: list[Body], index: int
) -> Fact | None:
    guests = list(meeting.guests.all())
    when = _when(meeting.date, meeting.date_precision)
    link = ((meeting.title, meeting.get_absolute_url()),)
    if others:
        text = f"{when} hield {who} samen met {bodies_ref(others)} {_meeting_name(meeting)}."
        if guests:
            text += f" {'Te gast waren' if len(guests) > 1 else 'Te gast was'} {_guests(guests)}."
        return Fact(f"joint:{meeting.pk}", text, link, meeting.date, MEETINGS)
    if meeting.kind in events():
        thing = _title_of(meeting.title, [meeting_noun(meeting.kind) or ("de", "bijeenkomst")])
        where = ""
        if meeting.location and meeting.location.lower() not in meeting.title.lower():
            where = f" in {meeting.location}"
        hubs = f", met {meeting.hubs}" if meeting.hubs else ""
        how = f" ({FORMAT_WORDS[meeting.format]}{hubs})"
        text = f"{when} organiseerde {who} {thing}{where}{how}."
        if guests and meeting.kind in codes_meaning(Vocabulary.MEETING_KIND, Meaning.TRIP):
            companions = _guests([g for g in guests], topics=False)
            text += (
                f" {dutch.capitalise(companions)} {'reisden' if len(guests) > 1 else 'reisde'} mee."
            )
        elif guests:
            text += f" {'Te gast waren' if len(guests) > 1 else 'Te gast was'} {_guests(guests)}."
        return Fact(f"event:{meeting.pk}", text, link, meeting.date, MEETINGS)
    if not guests:
        return None
    where = setting(meeting.kind)
    if meeting.date_precision == "year" and index:
        lead = f"{CONNECTIVES[index % len(CONNECTIVES)]} sprak {who}"
    else:
        lead = f"{when} sprak {who}"
    text = f"{lead}{' ' + where if where else ''} met {_guests(guests)}."
    return Fact(f"guests:{meeting.pk}", text, link, meeting.date, MEETINGS)


# --- the lobby ------------------------------------------------------------------------------


# How a lobby action reads, from the first words of its title: the verb phrase (with {s} for
# the subject) and the preposition its addressees take ("" when they are left out).
DEEDS = (
    ("lobby voor ", "zette {s} zich{r} in voor ", "bij"),
    ("lobby om ", "voerde {s}{r} lobby om ", "bij"),
    ("inzet voor ", "zette {s} zich{r} in voor ", "bij"),
    ("pleidooi voor ", "pleitte {s}{r} voor ", "bij"),
    ("aandringen op ", "drong {s}{r} aan op ", "bij"),
    ("aandacht voor ", "vroeg {s}{r} aandacht voor ", "bij"),
    ("gesprekken met ", "voerde {s} gesprekken met ", ""),
    ("gesprekken ", "voerde {s} gesprekken ", "met"),
    ("overleg met ", "overlegde {s} met ", ""),
    ("overleg ", "overlegde {s} ", "met"),
    ("steun voor ", "steunde {s} ", ""),
    ("meedenken over ", "dacht {s} mee over ", "met"),
    ("inbreng voor ", "leverde {s} inbreng voor ", "aan"),
    ("ondertekening van ", "ondertekende {s} ", ""),
    ("bijdrage aan ", "droeg {s} bij aan ", ""),
)


def _recipients(action: LobbyAction) -> str:
    parts = []
    organisations = list(action.addressees.all())
    if organisations:
        parts.append(orgs_ref(organisations))
    people = list(action.addressee_people.all())
    if people:
        parts.append(people_ref(people))
    if action.addressee_note.strip():
        parts.append(action.addressee_note.strip())
    return dutch.join(parts)


def _named_in(title: str, recipients: str) -> bool:
    """Whether the title already names the addressees ("… bij het Nationaal Groeifonds")."""
    lowered = title.lower()
    words = [w for w in re.split(r"\W+", recipients.lower()) if len(w) > 3]
    return bool(words) and all(w in lowered for w in words)


def _action_sentence(action: LobbyAction, subject: str, index: int) -> str:
    if action.date_precision == "year" and index:
        when = CONNECTIVES[index % len(CONNECTIVES)]
    else:
        when = _when(action.date, action.date_precision)
    title = dutch.quotes(action.title.strip().rstrip("."))
    to = _recipients(action)
    if to and _named_in(title, to):
        to = ""
    cosigners = list(action.cosigners.all())
    samen = f", samen met {orgs_ref(cosigners)}" if cosigners else ""
    lowered = title.lower()
    match action.kind:
        case "brief":
            about = (
                title[len("brief ") :] if lowered.startswith("brief ") else f"{dutch.quoted(title)}"
            )
            if not lowered.startswith("brief "):
                return f"{when} stuurde {subject} de brief {about}{_to('aan', to)}{samen}."
            return f"{when} stuurde {subject} een brief {about}{_to('aan', to)}{samen}."
        case "position_paper":
            # The network's kind is "position paper"; in Dutch prose it is a "positiepapier".
            thing = _title_of(title, [("het", "position paper")]).replace(
                "position paper", "positiepapier"
            )
            return f"{when} stuurde {subject} {thing}{_to('aan', to)}{samen}."
        case "propositie" | "kernboodschappen":
            noun = "kernboodschappen" if action.kind == "kernboodschappen" else "propositie"
            thing = _title_of(title, [("de", noun)])
            if to:
                return f"{when} richtte {subject} zich met {thing} tot {to}{samen}."
            return f"{when} presenteerde {subject} {thing}{samen}."
        case "reactie":
            return (
                f"{when} stuurde {subject} een {dutch.lower_first(title)}{_to('aan', to)}{samen}."
            )
        case "manifest" if lowered.startswith("steun voor "):
            thing = title[len("steun voor ") :]
            return f"{when} steunde {subject} {_title_of(thing, [('het', 'manifest')])}{_to('gericht aan', to, comma=True)}{samen}."
        case "manifest":
            thing = _title_of(title, [("het", "manifest")])
            return f"{when} stuurde {subject} {thing}{_to('aan', to)}{samen}."
        case "hoorzitting":
            article = dutch.article_of(title, "de")
            return f"{when} nam {subject} deel aan {article} {dutch.lower_first(title)}{samen}."
        case "gesprek_bewindspersoon":
            return f"{when} sprak {subject} met {to or 'een bewindspersoon'} over {dutch.quoted(title)}{samen}."
    for start, verb, preposition in DEEDS:
        if lowered.startswith(start):
            rest = title[len(start) :]
            addressed = f" {preposition} {to}" if to and preposition else ""
            if "{r}" in verb:
                phrase = verb.format(s=subject, r=addressed) + rest
            else:
                phrase = verb.format(s=subject) + rest + addressed
            return f"{when} {phrase}{samen}."
    if lowered.startswith("lobbypunten "):
        sent = f" en stuurde die aan {to}" if to else ""
        return f"{when} stelde {subject} {dutch.lower_first(title)} op{sent}{samen}."
    if lowered.split(" ", 1)[0].endswith("document"):
        return f"{when} schreef {subject} een {dutch.lower_first(title)}{_to('voor', to)}{samen}."
    if lowered.startswith("notitie "):
        return f"{when} schreef {subject} {_title_of(title, [('de', 'notitie')])}{_to('voor', to)}{samen}."
    return f"{when} werkte {subject} aan {dutch.quoted(title)}{_to('voor', to)}{samen}."


def _to(preposition: str, to: str, *, comma: bool = False) -> str:
    if not to:
        return ""
    return f"{',' if comma else ''} {preposition} {to}"


def _dossier_fact(dossier: Dossier) -> Fact:
    text = f"Het lobbydossier {dutch.quoted(dossier.title)} {STATUS_PHRASES[dossier.status]}"
    if dossier.status_date:
        text += _dated(dossier.status_date, dossier.status_date_precision, "")
    text += "."
    evidence = dossier.evidence.strip()
    if evidence:
        text += f" {dutch.sentence(evidence)}"
    if dossier.funding_kind:
        said = (evidence + " " + dossier.follow_up).lower()
        kind = dossier.get_funding_kind_display()
        if str(kind).lower() not in said:
            years = f" voor {dossier.funding_years}" if dossier.funding_years else ""
            text += f" Het geld is {kind}{years}."
    follow_up = dossier.follow_up.strip()
    if follow_up:
        text += f" {dutch.sentence(follow_up)}"
    return Fact(
        f"dossier:{dossier.pk}",
        text,
        ((dossier.title, dossier.get_absolute_url()),),
        dossier.status_date,
        OUTCOMES,
    )


def _dated(value: dt.date, precision: str, said: str) -> str:
    """ " (juni 2021)" after a statement; nothing when the statement already gives the date,
    or when only the year is known and the statement names it."""
    date = dutch.date(value, precision)
    if date in said or (precision == "year" and str(value.year) in said):
        return ""
    return f" ({date})"


def _documents_fact(records: YearRecords, documents: list[Document]) -> Fact:
    first = documents[0]
    when = _when(first.date, first.date_precision) if first.date else f"In {records.year}"
    by_noun: dict[str, list[str]] = {}
    for document in documents:
        noun = DOCUMENT_NOUNS.get(document.kind, "het document")
        by_noun.setdefault(noun, []).append(dutch.quoted(document.title))
    things = []
    for noun, titles in by_noun.items():
        if len(titles) == 1:
            things.append(f"{noun} {titles[0]}")
        else:
            things.append(f"de {DOCUMENT_PLURALS[noun]} {dutch.join(titles)}")
    verb = "verscheen" if len(documents) == 1 else "verschenen"
    key = "document:" + "-".join(str(d.pk) for d in documents)
    return Fact(
        key,
        f"{when} {verb} {dutch.join(things)}.",
        tuple((d.title, d.get_absolute_url()) for d in documents),
        first.date,
        PUBLISHED,
    )


def _milestone_fact(milestone: Milestone, paragraph: str) -> Fact:
    """A milestone as its description tells it, dated after its first sentence; without a
    description, its title after the date."""
    description = dutch.sentence(milestone.description)
    if description:
        first, _stop, rest = description.partition(". ")
        first = first.rstrip(".")
        dated = _dated(milestone.date, milestone.date_precision, first)
        text = f"{first}{dated}.{' ' + rest if rest else ''}"
    else:
        date = dutch.date(milestone.date, milestone.date_precision)
        text = f"{dutch.capitalise(date)}: {dutch.lower_first(milestone.title.rstrip('.'))}."
    # A milestone has no page of its own: it links to the dossiers it belongs to.
    links = tuple((d.title, d.get_absolute_url()) for d in milestone.dossiers.all())
    return Fact(f"milestone:{milestone.pk}", text, links, milestone.date, paragraph)
