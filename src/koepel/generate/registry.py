"""The registry part of a generated network: the network itself, organisations,
municipalities with their membership and population, bodies with the municipalities that
take part, and the people with their seats (chair and secretary first)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from koepel.core.visibility import Visibility as V
from koepel.generate import vocabulary
from koepel.generate.bulk import Run, weighted
from koepel.registry.models import (
    Body,
    Level,
    Membership,
    Municipality,
    Network,
    Organisation,
    Ownership,
    Participation,
    Person,
    Population,
    Province,
    Role,
)
from koepel.registry.vocabulary import install_vocabulary

# Who may see what, in proportions a network keeps: most of it public, a little restricted.
BODY_VISIBILITY = ((V.PUBLIC, 90), (V.NETWORK, 6), (V.BODY, 3), (V.RESTRICTED, 1))


def make_registry(run: Run) -> None:
    """The network, its organisations and municipalities with their populations, its
    bodies and the people who sit in them."""
    rng, sizes = run.rng, run.sizes
    first = dt.date(run.years[0], 1, 1)
    size = sizes.municipalities
    install_vocabulary(vocabulary.TERMS)
    network = Network.objects.create(
        name=f"Stedennetwerk G{size}",
        short_name=f"G{size}",
        description=run.write.paragraph(40),
    )
    run.organisations = run.create(
        Organisation,
        [
            Organisation(slug=slug, name=name, abbreviation=abbr, kind=kind)
            for slug, name, abbr, kind in vocabulary.ORGANISATIONS
        ],
    )
    network.partners.set([o for o in run.organisations if o.kind in ("network", "knowledge")])
    run.ministries = [o for o in run.organisations if o.kind == "ministry"]
    places = sorted(
        {s + e for s in vocabulary.PLACE_STEMS for e in vocabulary.PLACE_ENDS}
        | {f"{s}-{e.capitalize()}" for s in vocabulary.PLACE_STEMS for e in vocabulary.PLACE_ENDS}
    )
    names = rng.sample(places, size)
    run.municipalities = run.create(
        Municipality,
        [
            Municipality(
                name=name,
                sort_name=name.lower(),
                cbs_code=f"GM{5000 + i:04d}",
                province=rng.choice(Province.values),
            )
            for i, name in enumerate(names)
        ],
    )
    run.create(
        Membership,
        [Membership(municipality=m, start=first) for m in run.municipalities],
    )
    populations = []
    for m in run.municipalities:
        inhabitants = run.write.lognormal_int(90_000, 0.5, 30_000, 900_000)
        for year in run.years:
            inhabitants = round(inhabitants * rng.uniform(0.995, 1.015))
            populations.append(
                Population(
                    municipality=m,
                    year=year,
                    inhabitants=inhabitants,
                    source="Gegenereerde proefgegevens",
                )
            )
    run.insert(Population, populations)
    _bodies(run)
    _people(run)


def _bodies(run: Run) -> None:
    rng, total = run.rng, run.sizes.bodies
    pillars = max(2, round(4 * (total / 40) ** 0.4))
    themes = list(vocabulary.THEMES)
    rng.shuffle(themes)
    theme_cycle = itertools.cycle(themes)

    def body(name: str, kind: str, parent: Body | None = None, **extra: Any) -> Body:
        return Body(
            name=name,
            slug=run.slug(name),
            kind=kind,
            parent=parent,
            description=run.write.paragraph(run.write.lognormal_int(40, 0.5, 10, 150)),
            visibility=weighted(rng, BODY_VISIBILITY) if parent else V.PUBLIC,
            start=dt.date(run.years[0], 1, 1),
            **extra,
        )

    board = run.create(Body, [body("Dagelijks bestuur", "board")])
    pillar_rows = run.create(
        Body,
        [body(f"Pijler {next(theme_cycle)}", "pillar", position=i) for i in range(pillars)],
    )
    others = []
    kinds = (
        ("theme_group", 60),
        ("taskforce", 8),
        ("city_deal", 8),
        ("learning_network", 8),
        ("working_group", 6),
        ("programme", 4),
        ("other", 6),  # outside bodies where the network has a seat
    )
    labels = {
        "theme_group": "Themagroep",
        "taskforce": "Taskforce",
        "city_deal": "City Deal",
        "learning_network": "Leerkring",
        "working_group": "Werkgroep",
        "programme": "Programma",
        "other": "VNG-commissie",
    }
    for i in range(total - 1 - pillars):
        kind = weighted(rng, kinds)
        name = f"{labels[kind]} {next(theme_cycle)}"
        if kind == "other":
            others.append(
                body(name, kind, ownership=Ownership.EXTERNAL, owner=run.organisations[9])
            )
        else:
            others.append(body(name, kind, rng.choice(pillar_rows), position=i))
    run.bodies = board + pillar_rows + run.create(Body, others)
    run.own_bodies = [b for b in run.bodies if b.ownership == Ownership.OWN]
    participations = []
    for b in run.bodies:
        if b.kind in ("city_deal", "taskforce", "learning_network"):
            count = min(len(run.municipalities), rng.randint(3, 12))
            for m in rng.sample(run.municipalities, count):
                participations.append(Participation(body=b, municipality=m, start=b.start))
    run.insert(Participation, participations)


def _people(run: Run) -> None:
    rng = run.rng
    persons = []
    for _ in range(run.sizes.people):
        name, sort_name = run.write.person_name()
        slug = run.slug(name)
        administrative = rng.random() < 0.2
        at_organisation = rng.random() < 0.08
        persons.append(
            Person(
                name=name,
                sort_name=sort_name,
                slug=slug,
                title=rng.choice(
                    vocabulary.TITLES_ADMINISTRATIVE
                    if administrative
                    else vocabulary.TITLES_OFFICIAL
                ),
                municipality=None if at_organisation else rng.choice(run.municipalities),
                organisation=rng.choice(run.organisations) if at_organisation else None,
                email=f"{slug}@example.org",
            )
        )
    run.persons = run.create(Person, persons)
    # Every person sits in one body, one in five in a second; chair and secretary come
    # from each body's own members. A tenth of the seats ended before the last year.
    seats: dict[int, list[Person]] = {b.pk: [] for b in run.bodies}
    for person in run.persons:
        for b in rng.sample(run.bodies, 2 if rng.random() < 0.2 else 1):
            seats[b.pk].append(person)
    roles = []
    first, last = run.years[0], run.years[-1]
    for b in run.bodies:
        people = seats[b.pk] or rng.sample(run.persons, 2)
        run.members[b.pk] = [p.pk for p in people]
        for position, person in enumerate(people):
            function = (
                "voorzitter"
                if position == 0
                else "ambtelijk_secretaris"
                if position == 1
                else "lid"
            )
            ended = position > 1 and rng.random() < 0.1
            end_year = rng.randint(first, last)
            if ended:
                run.former_members.add(person.pk)
            roles.append(
                Role(
                    person=person,
                    body=b,
                    function=function,
                    level=Level.ADMINISTRATIVE if function == "voorzitter" else Level.OFFICIAL,
                    on_behalf_of_municipality=person.municipality,
                    on_behalf_of_organisation=None if person.municipality else person.organisation,
                    start=dt.date(first, 1, 1),
                    end=dt.date(end_year, 12, 31) if ended else None,
                )
            )
    run.insert(Role, roles)
