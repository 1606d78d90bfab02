"""The tree of an annual report, following the network's own tree of bodies: a foreword, a
section per board (a body whose kind the vocabulary marks as the board), per grouping body at
the top of the tree (one with bodies of its own beneath it, such as the G40's pillars) an
"Algemeen" section and a section per body beneath it, then the network's other bodies at the
top (under "Overige …" when grouping bodies stand beside them, each a chapter of its own when
there are none), then the closing section about the network. Bodies beneath a section's body
that have no section of their own report inside it. Nothing about one network is built in:
no kind of body but the board's meaning is asked for, and that comes from the network's
vocabulary."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from koepel.accounts.access import visible_bodies
from koepel.advocacy.models import DossierStatus
from koepel.registry.models import (
    Body,
    Meaning,
    Network,
    Ownership,
    Population,
    Vocabulary,
    codes_meaning,
    remembered_terms,
    term_of,
)
from koepel.registry.selectors import member_municipalities, other_members
from koepel.reports import dutch
from koepel.reports.facts import (
    ABOUT,
    AHEAD,
    LOBBY,
    MEETINGS,
    OUTCOMES,
    Fact,
    Placement,
    SectionWriter,
    YearRecords,
    collect,
    name_of,
    orgs_ref,
)
from koepel.reports.models import CompleteYear


@dataclass
class ReportSection:
    key: str
    title: str
    level: int
    body: Body | None = None
    facts: list[Fact] = field(default_factory=list)
    children: list[ReportSection] = field(default_factory=list)
    # The bodies whose records the section tells: its body and those beneath it without a
    # section of their own.
    told: list[Body] = field(default_factory=list)

    def walk(self) -> list[ReportSection]:
        return [self, *(s for child in self.children for s in child.walk())]


@dataclass
class ReportTree:
    year: int
    network: Network | None
    sections: list[ReportSection]
    # The bodies whose year is marked as completely recorded.
    complete: frozenset[int] = frozenset()

    def walk(self) -> list[ReportSection]:
        return [s for section in self.sections for s in section.walk()]


def _unsectioned_below(
    body: Body, children: dict[int | None, list[Body]], sectioned: set[int]
) -> list[Body]:
    """The bodies beneath ``body`` down to (not into) those that have a section of their own."""
    found = []
    for child in children.get(body.pk, []):
        if child.pk in sectioned:
            continue
        found.append(child)
        found.extend(_unsectioned_below(child, children, sectioned))
    return found


def _plan(bodies: list[Body]) -> list[ReportSection]:
    """The sections of the bodies, as the network's tree has them (without facts yet)."""
    children: dict[int | None, list[Body]] = {}
    for body in bodies:
        children.setdefault(body.parent_id, []).append(body)
    known = {body.pk for body in bodies}
    # A body whose parent the audience may not see (or that has none) is a root.
    roots = [b for b in bodies if b.parent_id is None or b.parent_id not in known]
    own_roots = [b for b in roots if b.ownership == Ownership.OWN]
    board_kinds = codes_meaning(Vocabulary.BODY_KIND, Meaning.BOARD)
    boards = [b for b in own_roots if b.kind in board_kinds]
    rest = [b for b in own_roots if b.kind not in board_kinds]
    # A body at the top with bodies of its own beneath it groups them (the G40's pillars).
    in_pillars = {
        body.pk: owned
        for body in rest
        if (owned := [c for c in children.get(body.pk, []) if c.ownership == Ownership.OWN])
    }
    pillars = [b for b in rest if b.pk in in_pillars]
    others = [b for b in rest if b.pk not in in_pillars]
    sectioned = {b.pk for b in boards + pillars + others}
    sectioned |= {c.pk for groups in in_pillars.values() for c in groups}

    def section(key: str, title: str, level: int, body: Body) -> ReportSection:
        told = [body, *_unsectioned_below(body, children, sectioned)]
        return ReportSection(key, title, level, body=body, told=told)

    plan = [section(f"body:{board.pk}", board.name, 1, board) for board in boards]
    for pillar in pillars:
        chapter = ReportSection(f"body:{pillar.pk}", pillar.name, 1, body=pillar)
        chapter.children.append(section(f"algemeen:{pillar.pk}", "Algemeen", 2, pillar))
        for group in in_pillars[pillar.pk]:
            chapter.children.append(section(f"body:{group.pk}", group.name, 2, group))
        plan.append(chapter)
    if pillars and others:
        chapter = ReportSection("overige", f"Overige {_plural_of(others)}", 1)
        chapter.children = [section(f"body:{b.pk}", b.name, 2, b) for b in others]
        plan.append(chapter)
    else:
        plan += [section(f"body:{b.pk}", b.name, 1, b) for b in others]
    return plan


def _plural_of(bodies: list[Body]) -> str:
    """What the network calls these bodies together: the plural of their kind when they share
    one and the vocabulary gives it, "gremia" when not."""
    kinds = {b.kind for b in bodies}
    term = term_of(Vocabulary.BODY_KIND, kinds.pop()) if len(kinds) == 1 else None
    return term.plural_nl if term is not None and term.plural_nl else "gremia"


def build(viewer: Any, year: int) -> ReportTree:
    """The report of a year as ``viewer`` may read it."""
    with remembered_terms():
        return _build(viewer, year)


def _build(viewer: Any, year: int) -> ReportTree:
    network = Network.objects.order_by("pk").first()
    short = network.short_name if network else "het netwerk"
    allowed = set(visible_bodies(viewer).values_list("pk", flat=True))
    bodies = [
        b
        for b in Body.objects.during_year(year).select_related("owner").order_by("position", "name")
        if b.pk in allowed
    ]
    plan = _plan(bodies)
    telling = [s for chapter in plan for s in chapter.walk() if s.told]
    heads = {s.told[0].pk for s in telling}
    complete = CompleteYear.objects.filter(year=year, body__in=allowed).values_list(
        "body_id", flat=True
    )
    records = collect(viewer, year, short, allowed=allowed, complete=complete)
    placement = Placement(
        section_of={b.pk: s.told[0].pk for s in telling for b in s.told},
        # A body at the top of the tree (a board, a pillar, a loose theme group) before the
        # bodies beneath them; among equals, the first in the report.
        rank={
            s.told[0].pk: (0 if s.told[0].parent_id not in heads else 1, order)
            for order, s in enumerate(telling)
        },
        names={s.told[0].pk: s.told[0] for s in telling},
    )
    for section in telling:
        section.facts = SectionWriter(records, placement, section.told[0], section.told[1:]).facts()
    name = network.name if network else "het netwerk"
    foreword = ReportSection(
        "voorwoord",
        "Voorwoord",
        1,
        body=next(
            (
                s.body
                for s in plan
                if s.body and s.body.kind in codes_meaning(Vocabulary.BODY_KIND, Meaning.BOARD)
            ),
            None,
        ),
        facts=foreword_facts(records, telling, year),
    )
    closing = ReportSection(
        "netwerk", f"Over {name}", 1, facts=network_facts(network, records, telling, year)
    )
    return ReportTree(
        year=year,
        network=network,
        sections=[foreword, *plan, closing],
        complete=records.complete,
    )


def _told(sections: list[ReportSection], prefix: str) -> list[Fact]:
    return [f for s in sections for f in s.facts if f.key.startswith(prefix)]


def foreword_facts(records: YearRecords, sections: list[ReportSection], year: int) -> list[Fact]:
    """A draft for the chair's foreword: what was achieved, and the year in numbers. The
    sentences sum up the sections; none repeats one of theirs."""
    network = records.network_name
    facts = []
    told = {pk for s in sections for pk in (b.pk for b in s.told)}
    dossiers = {d.pk: d for pk in told for d in records.dossiers.get(pk, [])}
    achieved = [d for d in dossiers.values() if d.status == DossierStatus.ACHIEVED]
    partly = [d for d in dossiers.values() if d.status == DossierStatus.PARTLY]
    if achieved or partly:
        parts = []
        if achieved:
            parts.append(_dossier_list(achieved))
        if partly:
            parts.append(f"deels {_dossier_list(partly)}")
        facts.append(
            Fact(
                "foreword:achieved",
                f"In {year} behaalde {network} {' en '.join(parts)}.",
                tuple((d.title, d.get_absolute_url()) for d in [*achieved, *partly]),
                None,
                OUTCOMES,
            )
        )
    meetings = {m.pk: m for pk in told for m in records.meetings.get(pk, [])}
    actions = {a.pk: a for pk in told for a in records.actions.get(pk, [])}
    milestones = {m.pk: m for pk in told for m in records.milestones.get(pk, [])}
    counted = [
        (len(meetings), "bijeenkomst", "bijeenkomsten"),
        (len(actions), "lobbyactie", "lobbyacties"),
        (len(milestones), "mijlpaal", "mijlpalen"),
    ]
    parts = [dutch.count(n, one, many) for n, one, many in counted if n]
    if parts:
        online = sum(1 for m in meetings.values() if m.format == "online")
        text = f"Over {year} zijn {dutch.join(parts)} van de gremia van {network} vastgelegd."
        if meetings and online:
            share = "alle" if online == len(meetings) else dutch.number(online)
            text += f" Van de bijeenkomsten {'waren' if online > 1 else 'was'} er {share} digitaal."
        facts.append(Fact("foreword:numbers", dutch.capitalise(text), (), None, MEETINGS))
    dated = sorted(
        (m for m in milestones.values() if m.date_precision != "year"), key=lambda m: m.date
    )
    if len(dated) >= 2:
        first, last = dated[0], dated[-1]
        facts.append(
            Fact(
                "foreword:milestones",
                f"De mijlpalen van het jaar lopen van {dutch.quoted(first.title)} in "
                f"{dutch.date(first.date, 'month')} tot {dutch.quoted(last.title)} in "
                f"{dutch.date(last.date, 'month')}.",
                (),
                None,
                LOBBY,
            )
        )
    return facts


def _dossier_list(dossiers: list[Any]) -> str:
    noun = "het lobbydossier" if len(dossiers) == 1 else "de lobbydossiers"
    return f"{noun} {dutch.join([dutch.quoted(d.title) for d in dossiers])}"


def network_facts(
    network: Network | None, records: YearRecords, sections: list[ReportSection], year: int
) -> list[Fact]:
    """The closing facts: what the network is, its member cities and how many inhabitants they
    have (saying which figures are missing), its partners, and what the next year holds."""
    on = dt.date(year, 12, 31)
    who = records.network_name
    facts = []
    if network is not None and network.description.strip():
        facts.append(Fact("network:about", dutch.sentence(network.description), (), None, ABOUT))
    cities = list(member_municipalities(on).order_by("sort_name"))
    others = list(other_members(on).order_by("name"))
    # The members that are not municipalities, said as such: never counted as cities.
    and_others = (
        f" en {dutch.count(len(others), 'ander lid', 'andere leden')}" if cities and others else ""
    )
    figures = {
        p.municipality_id: p.inhabitants
        for p in Population.objects.filter(year=year, municipality__in=cities)
    }
    if cities:
        count = len(cities)
        text = f"{dutch.capitalise(who)} is een netwerk van {dutch.number(count)} gemeenten{and_others}."
        known = sum(figures.values())
        missing = [c.name for c in cities if c.pk not in figures]
        if figures and not missing:
            text = (
                f"{dutch.capitalise(who)} is een netwerk van {dutch.number(count)} gemeenten met "
                f"samen {dutch.round_total(known)} inwoners op 1 januari {year}"
                f"{',' if and_others else ''}{and_others}."
            )
        elif figures:
            text += (
                f" Van {dutch.number(len(figures))} {'gemeenten' if and_others else 'van hen'} "
                f"is het aantal inwoners op 1 januari {year} vastgelegd: samen "
                f"{dutch.round_total(known)}. Van {dutch.join(missing)} ontbreekt dat aantal "
                "nog, dus alle gemeenten samen hebben meer inwoners."
            )
        facts.append(Fact("network:size", text, (), None, ABOUT))
        facts.append(
            Fact(
                "network:cities",
                f"De {dutch.number(count)} gemeenten van {who} zijn: "
                f"{dutch.join([c.name for c in cities])}.",
                tuple((c.name, c.get_absolute_url()) for c in cities),
                None,
                ABOUT,
            )
        )
    if others:
        names = dutch.join([o.name for o in others])
        if not cities:
            text = f"De leden van {who} zijn: {names}."
        elif len(others) == 1:
            text = f"Het andere lid van {who} is {names}."
        else:
            text = f"De andere leden van {who} zijn: {names}."
        facts.append(
            Fact(
                "network:other-members",
                text,
                tuple((o.name, o.get_absolute_url()) for o in others),
                None,
                ABOUT,
            )
        )
    partners = list(network.partners.all()) if network else []
    if partners:
        facts.append(
            Fact(
                "network:partners",
                f"{dutch.capitalise(who)} werkt samen met {orgs_ref(partners)}.",
                tuple((p.name, p.get_absolute_url()) for p in partners),
                None,
                ABOUT,
            )
        )
    told = {b.pk: s for s in sections for b in s.told}
    coming = {m.pk: m for pk in told for m in records.coming.get(pk, [])}
    if coming:
        where = Counter(
            name_of(told[b.pk].told[0])
            for m in coming.values()
            for b in m.bodies.all()
            if b.pk in told
        )
        text = (
            f"Voor {year + 1} {'staat' if len(coming) == 1 else 'staan'} al "
            f"{dutch.count(len(coming), 'mijlpaal', 'mijlpalen')} vast, bij "
            f"{dutch.join(sorted(where))}."
        )
        facts.append(Fact("network:ahead", text, (), None, AHEAD))
    if network is not None and network.website:
        address = network.website.split("://", 1)[-1].rstrip("/")
        facts.append(
            Fact(
                "network:website",
                f"Meer over {who} staat op {address}.",
                ((network.name, network.website),),
                None,
                AHEAD,
            )
        )
    return facts
