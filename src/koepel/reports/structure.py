"""The tree of an annual report, following the bodies in the registry: a foreword, then per
pillar an "Algemeen" section and a section per theme group, then the theme groups outside the
pillars, then the closing section about the network. Nothing about one network is built in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from koepel.accounts.access import visible_bodies
from koepel.registry.models import Body, BodyKind, Network, Ownership, Population
from koepel.registry.selectors import member_municipalities
from koepel.reports import dutch
from koepel.reports.facts import Fact, YearRecords, body_facts, collect


@dataclass
class ReportSection:
    key: str
    title: str
    level: int
    body: Body | None = None
    facts: list[Fact] = field(default_factory=list)
    children: list[ReportSection] = field(default_factory=list)

    def walk(self) -> list[ReportSection]:
        return [self, *(s for child in self.children for s in child.walk())]


@dataclass
class ReportTree:
    year: int
    network: Network | None
    sections: list[ReportSection]

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


def _section_facts(
    records: YearRecords, body: Body, children: dict[int | None, list[Body]], sectioned: set[int]
) -> list[Fact]:
    """A body's facts and those of the bodies beneath it that have no section of their own;
    a record shared by several of them is told once."""
    facts = body_facts(records, body)
    for below in _unsectioned_below(body, children, sectioned):
        facts += body_facts(records, below, subject=body)
    seen: set[str] = set()
    unique = []
    for fact in facts:
        kind = fact.key.split(":", 1)[0]
        # A meeting's guests or joint session is one record, whichever body it is told for.
        record = (
            f"{kind}:{fact.key.rsplit(':', 1)[-1]}" if kind in {"joint", "guests"} else fact.key
        )
        if record not in seen:
            seen.add(record)
            unique.append(fact)
    return unique


def build(viewer: Any, year: int) -> ReportTree:
    network = Network.objects.order_by("pk").first()
    short = network.short_name if network else "het netwerk"
    records = collect(viewer, year, short)
    on = dt.date(year, 12, 31)
    bodies = list(Body.objects.during_year(year).order_by("position", "name"))
    allowed = set(visible_bodies(viewer).values_list("pk", flat=True))
    bodies = [b for b in bodies if b.pk in allowed]
    children: dict[int | None, list[Body]] = {}
    for body in bodies:
        children.setdefault(body.parent_id, []).append(body)
    own_roots = [b for b in children.get(None, []) if b.ownership == Ownership.OWN]
    pillars = [b for b in own_roots if b.kind == BodyKind.PILLAR]
    loose_groups = [b for b in own_roots if b.kind == BodyKind.THEME_GROUP]
    boards = [b for b in own_roots if b.kind == BodyKind.BOARD]

    sectioned = {b.pk for b in pillars + loose_groups}
    for pillar in pillars:
        sectioned |= {c.pk for c in children.get(pillar.pk, []) if c.kind == BodyKind.THEME_GROUP}

    sections = [ReportSection("voorwoord", "Voorwoord", 1, body=boards[0] if boards else None)]
    for pillar in pillars:
        section = ReportSection(f"body:{pillar.pk}", pillar.name, 1, body=pillar)
        section.children.append(
            ReportSection(
                f"algemeen:{pillar.pk}",
                "Algemeen",
                2,
                body=pillar,
                facts=_section_facts(records, pillar, children, sectioned),
            )
        )
        for group in children.get(pillar.pk, []):
            if group.kind == BodyKind.THEME_GROUP:
                section.children.append(
                    ReportSection(
                        f"body:{group.pk}",
                        group.name,
                        2,
                        body=group,
                        facts=_section_facts(records, group, children, sectioned),
                    )
                )
        sections.append(section)
    if loose_groups:
        others = ReportSection("overige", "Overige themagroepen", 1)
        for group in loose_groups:
            others.children.append(
                ReportSection(
                    f"body:{group.pk}",
                    group.name,
                    2,
                    body=group,
                    facts=_section_facts(records, group, children, sectioned),
                )
            )
        sections.append(others)
    name = network.name if network else "het netwerk"
    sections.append(
        ReportSection("netwerk", f"Over {name}", 1, facts=network_facts(network, year, on))
    )
    return ReportTree(year=year, network=network, sections=sections)


def network_facts(network: Network | None, year: int, on: dt.date) -> list[Fact]:
    """The closing facts: how many cities, how many inhabitants (honest about unknowns),
    which cities, which partners."""
    short = network.short_name if network else "Het netwerk"
    cities = list(member_municipalities(on).order_by("sort_name"))
    figures = {
        p.municipality_id: p.inhabitants
        for p in Population.objects.filter(year=year, municipality__in=cities)
    }
    facts = []
    if cities:
        count = len(cities)
        text = f"{short} is een netwerk van {dutch.number(count)} gemeenten"
        known = sum(figures.values())
        if figures and len(figures) == count:
            text += f" met samen {dutch.round_total(known)} inwoners."
        elif figures:
            text += (
                f". Van {dutch.number(len(figures))} van hen is het aantal inwoners op "
                f"1 januari {year} bekend: samen {dutch.round_total(known)}."
            )
        else:
            text += "."
        facts.append(Fact("network:size", text))
        facts.append(
            Fact(
                "network:cities",
                f"De {dutch.number(count)} gemeenten zijn: {dutch.join([c.name for c in cities])}.",
                tuple((c.name, c.get_absolute_url()) for c in cities),
            )
        )
    partners = list(network.partners.all()) if network else []
    if partners:
        names = dutch.join([p.abbreviation or p.name for p in partners])
        facts.append(
            Fact(
                "network:partners",
                f"{short} werkt samen met {names}.",
                tuple((p.name, p.get_absolute_url()) for p in partners),
            )
        )
    return facts
