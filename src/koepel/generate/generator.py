"""Fill an empty database with a generated network of a given scale, the same for the same seed.

The records are written in bulk (a million sections through one service call each would take
hours), and so they skip the services: every value is chosen so that ``full_clean()`` holds,
which the tests check record by record at a small scale. The search index is filled at the
end through its public ``rebuild()``, from the apps' own ``search_index`` modules, exactly as
``koepel reindex`` fills it.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import itertools
import random
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import connection, models, transaction

from koepel.accounts.models import User
from koepel.advocacy.models import (
    ActionKind,
    Dossier,
    DossierStatus,
    LobbyAction,
    Milestone,
    Stage,
)
from koepel.core.dates import Precision
from koepel.core.storage import private_storage
from koepel.core.visibility import Visibility
from koepel.generate import vocabulary
from koepel.generate.sizes import Sizes, sizes_for
from koepel.library.models import Document, DocumentFile, DocumentKind, Extraction, Section
from koepel.meetings.models import (
    AgendaItem,
    Answer,
    Decision,
    Format,
    Invitation,
    Kind,
    Meeting,
    Status,
)
from koepel.meetings.models import Level as MeetingLevel
from koepel.registry.models import (
    Body,
    BodyKind,
    Function,
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
from koepel.search import index

M = TypeVar("M", bound=models.Model)
V = Visibility
# Who may see what, in proportions a network keeps: most of it public, a little restricted.
BODY_VISIBILITY = ((V.PUBLIC, 90), (V.NETWORK, 6), (V.BODY, 3), (V.RESTRICTED, 1))
MEETING_VISIBILITY = ((V.PUBLIC, 60), (V.NETWORK, 25), (V.BODY, 10), (V.RESTRICTED, 5))
DOCUMENT_VISIBILITY = ((V.PUBLIC, 55), (V.NETWORK, 25), (V.BODY, 15), (V.RESTRICTED, 5))
DOSSIER_VISIBILITY = ((V.PUBLIC, 50), (V.NETWORK, 30), (V.BODY, 15), (V.RESTRICTED, 5))
ACTION_VISIBILITY = ((V.PUBLIC, 40), (V.NETWORK, 30), (V.BODY, 10), (V.RESTRICTED, 20))
# The accounts the generator makes: the office, a member of two theme groups, a secretary.
ACCOUNTS = ("bureau", "lid", "secretaris")
CHUNK = 2000
# A document to make: the meeting it belongs to, its body (pk), its dossier.
DocumentSpec = tuple[Meeting | None, int, Dossier | None]


@dataclass
class Result:
    sizes: Sizes
    counts: Counter[str] = field(default_factory=Counter)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


def database_is_empty() -> bool:
    return not (Network.objects.exists() or Municipality.objects.exists() or Body.objects.exists())


def generate(
    *,
    scale: float,
    seed: int = 2021,
    until_year: int = 2021,
    password: str | None = None,
    progress: Callable[[str], None] = lambda message: None,
) -> Result:
    """Generate a network of ``scale`` into an empty database; one transaction, so a failure
    leaves the database as it was."""
    if not database_is_empty():
        raise ValueError("The database already holds a network; generate into an empty one.")
    rng = random.Random(seed)  # noqa: S311  # nosec B311: made-up records, not secrets
    generator = _Generator(sizes_for(scale), rng, until_year, password, progress)
    with transaction.atomic():
        generator.run()
    generator.timed("statistics", _analyse)
    return generator.result


def _analyse() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _weighted(rng: random.Random, choices: Sequence[tuple[str, int]]) -> str:
    values, weights = zip(*choices, strict=True)
    return str(rng.choices(values, weights=weights)[0])


def _workday(rng: random.Random, year: int) -> dt.date:
    day = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
    while day.weekday() >= 5 or (day.month == 7 and day.day > 10) or day.month == 8:
        day = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
    return day


class _Generator:
    def __init__(
        self,
        sizes: Sizes,
        rng: random.Random,
        until_year: int,
        password: str | None,
        progress: Callable[[str], None],
    ) -> None:
        self.sizes = sizes
        self.rng = rng
        self.write = vocabulary.Writer(rng)
        self.years = list(range(until_year - sizes.years + 1, until_year + 1))
        self.password = password
        self.progress = progress
        self.result = Result(sizes)
        self.slugs: Counter[str] = Counter()
        self.members: dict[int, list[int]] = {}  # body pk -> person pks with a role in it
        self.former_members: set[int] = set()  # person pks with a seat that has ended

    # ------------------------------------------------------------------ plumbing

    def timed(self, phase: str, work: Callable[[], Any]) -> None:
        started = time.perf_counter()
        work()
        self.result.seconds[phase] = time.perf_counter() - started
        self.progress(f"{phase}: {self.result.seconds[phase]:.1f} s")

    def create(self, model: type[M], objects: list[M]) -> list[M]:
        created = model._default_manager.bulk_create(objects, batch_size=CHUNK)
        self.result.counts[str(model._meta.verbose_name_plural)] += len(created)
        return created

    def insert(self, model: type[M], objects: list[M]) -> None:
        """Write records that nothing made later refers to, so that their keys are not needed:
        one statement prepared once and run for every row. ``bulk_create`` compiles the SQL
        of every value of every row, which takes longer than the database's own work here.
        The values are prepared as ``bulk_create`` prepares them."""
        fields = [field for field in model._meta.concrete_fields if field is not model._meta.pk]
        self._insert_rows(
            model._meta.db_table,
            [str(field.column) for field in fields],
            (
                [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields]
                for obj in objects
            ),
        )
        self.result.counts[str(model._meta.verbose_name_plural)] += len(objects)

    @staticmethod
    def _insert_rows(table: str, columns: list[str], rows: Iterator[Sequence[Any]]) -> None:
        quote = connection.ops.quote_name
        sql = (
            f"INSERT INTO {quote(table)} ({', '.join(quote(column) for column in columns)}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * len(columns))})"
        )
        with connection.cursor() as cursor:
            while chunk := list(itertools.islice(rows, CHUNK)):
                cursor.executemany(sql, chunk)

    def link(self, field_: Any, pairs: Iterator[tuple[int, int]] | list[tuple[int, int]]) -> None:
        """Bulk-fill a many-to-many table from (record pk, related pk) pairs."""
        through = field_.through
        source = through._meta.get_field(field_.field.m2m_field_name()).column
        target = through._meta.get_field(field_.field.m2m_reverse_field_name()).column
        self._insert_rows(through._meta.db_table, [source, target], iter(dict.fromkeys(pairs)))

    def slug(self, text: str) -> str:
        from django.utils.text import slugify

        base = slugify(text)[:70].strip("-") or "item"
        self.slugs[base] += 1
        n = self.slugs[base]
        return base if n == 1 else f"{base}-{n}"

    def uid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    # ------------------------------------------------------------------ the run

    def run(self) -> None:
        self.timed("registry", self.registry)
        self.timed("dossiers", self.dossiers)
        for year in self.years:
            self.timed(f"year {year}", functools.partial(self.year, year))
        self.timed("accounts", self.accounts)
        self.timed("search index", self.index)

    def registry(self) -> None:
        rng, sizes = self.rng, self.sizes
        first = dt.date(self.years[0], 1, 1)
        size = sizes.municipalities
        network = Network.objects.create(
            name=f"Stedennetwerk G{size}",
            short_name=f"G{size}",
            description=self.write.paragraph(40),
        )
        self.organisations = self.create(
            Organisation,
            [
                Organisation(slug=slug, name=name, abbreviation=abbr, kind=kind)
                for slug, name, abbr, kind in vocabulary.ORGANISATIONS
            ],
        )
        network.partners.set([o for o in self.organisations if o.kind in ("network", "knowledge")])
        self.ministries = [o for o in self.organisations if o.kind == "ministry"]
        places = sorted(
            {s + e for s in vocabulary.PLACE_STEMS for e in vocabulary.PLACE_ENDS}
            | {
                f"{s}-{e.capitalize()}"
                for s in vocabulary.PLACE_STEMS
                for e in vocabulary.PLACE_ENDS
            }
        )
        names = rng.sample(places, size)
        self.municipalities = self.create(
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
        self.create(
            Membership,
            [Membership(municipality=m, start=first) for m in self.municipalities],
        )
        populations = []
        for m in self.municipalities:
            inhabitants = self.write.lognormal_int(90_000, 0.5, 30_000, 900_000)
            for year in self.years:
                inhabitants = round(inhabitants * rng.uniform(0.995, 1.015))
                populations.append(
                    Population(
                        municipality=m,
                        year=year,
                        inhabitants=inhabitants,
                        source="Gegenereerde proefgegevens",
                    )
                )
        self.insert(Population, populations)
        self.bodies_()
        self.people()

    def bodies_(self) -> None:
        rng, total = self.rng, self.sizes.bodies
        pillars = max(2, round(4 * (total / 40) ** 0.4))
        themes = list(vocabulary.THEMES)
        rng.shuffle(themes)
        theme_cycle = itertools.cycle(themes)

        def body(name: str, kind: str, parent: Body | None = None, **extra: Any) -> Body:
            return Body(
                name=name,
                slug=self.slug(name),
                kind=kind,
                parent=parent,
                description=self.write.paragraph(self.write.lognormal_int(40, 0.5, 10, 150)),
                visibility=_weighted(rng, BODY_VISIBILITY) if parent else V.PUBLIC,
                start=dt.date(self.years[0], 1, 1),
                **extra,
            )

        board = self.create(Body, [body("Dagelijks bestuur", BodyKind.BOARD)])
        pillar_rows = self.create(
            Body,
            [
                body(f"Pijler {next(theme_cycle)}", BodyKind.PILLAR, position=i)
                for i in range(pillars)
            ],
        )
        others = []
        kinds = (
            (BodyKind.THEME_GROUP, 60),
            (BodyKind.TASKFORCE, 8),
            (BodyKind.CITY_DEAL, 8),
            (BodyKind.LEARNING_NETWORK, 8),
            (BodyKind.WORKING_GROUP, 6),
            (BodyKind.PROGRAMME, 4),
            (BodyKind.OTHER, 6),  # outside bodies where the network has a seat
        )
        labels = {
            BodyKind.THEME_GROUP: "Themagroep",
            BodyKind.TASKFORCE: "Taskforce",
            BodyKind.CITY_DEAL: "City Deal",
            BodyKind.LEARNING_NETWORK: "Leerkring",
            BodyKind.WORKING_GROUP: "Werkgroep",
            BodyKind.PROGRAMME: "Programma",
            BodyKind.OTHER: "VNG-commissie",
        }
        for i in range(total - 1 - pillars):
            kind = _weighted(rng, kinds)
            name = f"{labels[BodyKind(kind)]} {next(theme_cycle)}"
            if kind == BodyKind.OTHER:
                others.append(
                    body(name, kind, ownership=Ownership.EXTERNAL, owner=self.organisations[9])
                )
            else:
                others.append(body(name, kind, rng.choice(pillar_rows), position=i))
        self.bodies = board + pillar_rows + self.create(Body, others)
        self.own_bodies = [b for b in self.bodies if b.ownership == Ownership.OWN]
        participations = []
        for b in self.bodies:
            if b.kind in (BodyKind.CITY_DEAL, BodyKind.TASKFORCE, BodyKind.LEARNING_NETWORK):
                count = min(len(self.municipalities), rng.randint(3, 12))
                for m in rng.sample(self.municipalities, count):
                    participations.append(Participation(body=b, municipality=m, start=b.start))
        self.insert(Participation, participations)

    def people(self) -> None:
        rng = self.rng
        persons = []
        for _ in range(self.sizes.people):
            name, sort_name = self.write.person_name()
            slug = self.slug(name)
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
                    municipality=None if at_organisation else rng.choice(self.municipalities),
                    organisation=rng.choice(self.organisations) if at_organisation else None,
                    email=f"{slug}@example.org",
                )
            )
        self.persons = self.create(Person, persons)
        # Every person sits in one body, one in five in a second; chair and secretary come
        # from each body's own members. A tenth of the seats ended before the last year.
        seats: dict[int, list[Person]] = {b.pk: [] for b in self.bodies}
        for person in self.persons:
            for b in rng.sample(self.bodies, 2 if rng.random() < 0.2 else 1):
                seats[b.pk].append(person)
        roles = []
        first, last = self.years[0], self.years[-1]
        for b in self.bodies:
            people = seats[b.pk] or rng.sample(self.persons, 2)
            self.members[b.pk] = [p.pk for p in people]
            for position, person in enumerate(people):
                function = (
                    Function.CHAIR
                    if position == 0
                    else Function.SECRETARY
                    if position == 1
                    else Function.MEMBER
                )
                ended = position > 1 and rng.random() < 0.1
                end_year = rng.randint(first, last)
                if ended:
                    self.former_members.add(person.pk)
                roles.append(
                    Role(
                        person=person,
                        body=b,
                        function=function,
                        level=Level.ADMINISTRATIVE
                        if function == Function.CHAIR
                        else Level.OFFICIAL,
                        on_behalf_of_municipality=person.municipality,
                        on_behalf_of_organisation=None
                        if person.municipality
                        else person.organisation,
                        start=dt.date(first, 1, 1),
                        end=dt.date(end_year, 12, 31) if ended else None,
                    )
                )
        self.insert(Role, roles)

    # ------------------------------------------------------------------ dossiers and lobby

    def dossiers(self) -> None:
        rng = self.rng
        rows = []
        for _ in range(self.sizes.dossiers):
            title = self.write.title(3, 7)
            status = _weighted(
                rng,
                (
                    (DossierStatus.ONGOING, 50),
                    (DossierStatus.ACHIEVED, 20),
                    (DossierStatus.PARTLY, 15),
                    (DossierStatus.NOT_ACHIEVED, 10),
                    (DossierStatus.WITHDRAWN, 5),
                ),
            )
            rows.append(
                Dossier(
                    title=title[:200],
                    slug=self.slug(title),
                    goal=self.write.paragraph(self.write.lognormal_int(50, 0.5, 10, 300)),
                    status=status,
                    status_date=_workday(rng, rng.choice(self.years))
                    if status != DossierStatus.ONGOING
                    else None,
                    visibility=_weighted(rng, DOSSIER_VISIBILITY),
                )
            )
        self.dossier_rows = self.create(Dossier, rows)
        self.dossier_bodies = {
            d.pk: [b.pk for b in rng.sample(self.own_bodies, rng.choice((1, 1, 2)))]
            for d in self.dossier_rows
        }
        self.link(
            Dossier.bodies, [(d, b) for d, bodies in self.dossier_bodies.items() for b in bodies]
        )
        self.link(
            Dossier.people,
            [
                (d, rng.choice(self.members[b]))
                for d, bodies in self.dossier_bodies.items()
                for b in bodies
            ],
        )

    # ------------------------------------------------------------------ one year

    def year(self, year: int) -> None:
        self.meetings(year)
        self.lobby(year)

    def meetings(self, year: int) -> None:
        rng = self.rng
        meetings: list[Meeting] = []
        organisers: list[int] = []
        for b in self.own_bodies:
            if b.kind == BodyKind.PROGRAMME:
                continue
            # Most bodies meet four to ten times a year; some hardly, a few every other week.
            times = _weighted(rng, (("few", 15), ("usual", 72), ("often", 13)))
            count = {
                "few": rng.randint(1, 3),
                "usual": rng.randint(4, 10),
                "often": rng.randint(11, 24),
            }[times]
            kind = {
                BodyKind.BOARD: Kind.OFFICIALS_MEETING,
                BodyKind.PILLAR: Kind.PILLAR_MEETING,
                BodyKind.LEARNING_NETWORK: Kind.LEARNING_CIRCLE,
            }.get(BodyKind(b.kind), Kind.THEME_SESSION)
            for day in sorted(_workday(rng, year) for _ in range(count)):
                start = dt.time(rng.choice((9, 10, 13, 14, 15)), rng.choice((0, 30)))
                meetings.append(
                    Meeting(
                        title=f"{Kind(kind).label.capitalize()} {b.name}"[:200]
                        if rng.random() < 0.3
                        else f"{b.name}: {self.write.title(2, 4)}"[:200],
                        kind=kind,
                        level=MeetingLevel.OFFICIAL
                        if kind != Kind.PILLAR_MEETING
                        else MeetingLevel.ADMINISTRATIVE,
                        format=_weighted(
                            rng, ((Format.ONLINE, 45), (Format.IN_PERSON, 35), (Format.HYBRID, 20))
                        ),
                        date=day,
                        start_time=start,
                        end_time=dt.time(start.hour + 2, start.minute),
                        location=rng.choice(self.municipalities).name,
                        description=self.write.paragraph(self.write.lognormal_int(25, 0.6, 5, 120)),
                        status=Status.CANCELLED if rng.random() < 0.03 else Status.HELD,
                        visibility=_weighted(rng, MEETING_VISIBILITY),
                        minutes=self.write.paragraph(self.write.lognormal_int(120, 0.5, 20, 800))
                        if rng.random() < 0.5
                        else "",
                        uid=self.uid(),
                    )
                )
                organisers.append(b.pk)
        # Joint sessions: one in twenty has a second organiser.
        created = self.create(Meeting, meetings)
        pairs = [(m.pk, organiser) for m, organiser in zip(created, organisers, strict=True)]
        pairs += [(m.pk, rng.choice(self.own_bodies).pk) for m in created if rng.random() < 0.05]
        self.link(Meeting.bodies, pairs)
        agenda, invitations, decisions = [], [], []
        for meeting, organiser in zip(created, organisers, strict=True):
            for position in range(rng.randint(3, 7)):
                agenda.append(
                    AgendaItem(
                        meeting=meeting,
                        position=position,
                        title=self.write.title(2, 6),
                        duration=rng.choice((10, 15, 20, 30, 45)),
                    )
                )
            members = self.members[organiser]
            for person in rng.sample(members, min(len(members), 12)):
                present = rng.random() < 0.75
                invitations.append(
                    Invitation(
                        meeting=meeting,
                        person_id=person,
                        answer=Answer.COMING if present else Answer.EXCUSED,
                        present=present if meeting.status == Status.HELD else None,
                    )
                )
            for position in range(rng.choice((0, 0, 1, 2, 3))):
                decisions.append(
                    Decision(meeting=meeting, position=position, text=self.write.sentence())
                )
        self.insert(AgendaItem, agenda)
        self.insert(Invitation, invitations)
        self.insert(Decision, decisions)
        # A meeting's documents: its agenda and minutes, presentations, reports discussed.
        specs: list[DocumentSpec] = []
        for meeting, organiser in zip(created, organisers, strict=True):
            count = min(40, round(self.rng.expovariate(1 / self.sizes.documents_per_meeting)))
            for _ in range(count):
                specs.append((meeting, organiser, None))
        self.documents(year, specs)

    def lobby(self, year: int) -> None:
        rng = self.rng
        per_year = len(self.dossier_rows) / len(self.years)
        chosen = rng.sample(self.dossier_rows, min(len(self.dossier_rows), round(per_year * 1.5)))
        actions = []
        for _dossier in chosen:
            actions.append(
                LobbyAction(
                    title=self.write.title(3, 8),
                    kind=_weighted(
                        rng,
                        (
                            (ActionKind.LETTER, 45),
                            (ActionKind.POSITION_PAPER, 25),
                            (ActionKind.MINISTER_TALK, 10),
                            (ActionKind.HEARING, 10),
                            (ActionKind.OTHER, 10),
                        ),
                    ),
                    summary=self.write.paragraph(self.write.lognormal_int(40, 0.5, 10, 200)),
                    date=_workday(rng, year),
                    stage=Stage.SENT if rng.random() < 0.8 else Stage.DRAFT,
                    visibility=_weighted(rng, ACTION_VISIBILITY),
                )
            )
        created = self.create(LobbyAction, actions)
        self.link(
            LobbyAction.dossiers, [(a.pk, d.pk) for a, d in zip(created, chosen, strict=True)]
        )
        self.link(
            LobbyAction.bodies,
            [
                (a.pk, b)
                for a, d in zip(created, chosen, strict=True)
                for b in self.dossier_bodies[d.pk]
            ],
        )
        self.link(
            LobbyAction.people,
            [
                (a.pk, rng.choice(self.members[self.dossier_bodies[d.pk][0]]))
                for a, d in zip(created, chosen, strict=True)
            ],
        )
        self.link(LobbyAction.addressees, [(a.pk, rng.choice(self.ministries).pk) for a in created])
        milestones = [
            Milestone(
                title=self.write.title(3, 7),
                description=self.write.sentence(),
                date=_workday(rng, year),
                date_precision=Precision.DAY,
                visibility=V.PUBLIC,
            )
            for _ in range(max(1, len(self.own_bodies) // 5))
        ]
        created_milestones = self.create(Milestone, milestones)
        self.link(
            Milestone.bodies, [(m.pk, rng.choice(self.own_bodies).pk) for m in created_milestones]
        )
        count = round(self.sizes.documents_per_dossier * len(self.dossier_rows) / len(self.years))
        specs: list[DocumentSpec] = []
        for _ in range(count):
            dossier = rng.choice(self.dossier_rows)
            specs.append((None, self.dossier_bodies[dossier.pk][0], dossier))
        self.documents(year, specs)

    # ------------------------------------------------------------------ documents

    def documents(self, year: int, specs: list[DocumentSpec]) -> None:
        for start in range(0, len(specs), CHUNK):
            self.document_chunk(year, specs[start : start + CHUNK])

    def document_chunk(self, year: int, specs: list[DocumentSpec]) -> None:
        rng, write = self.rng, self.write
        documents, outlines = [], []
        for meeting, _body, _dossier in specs:
            kind = (
                _weighted(
                    rng,
                    (
                        (DocumentKind.AGENDA, 25),
                        (DocumentKind.MINUTES, 20),
                        (DocumentKind.PRESENTATION, 25),
                        (DocumentKind.REPORT, 15),
                        (DocumentKind.OTHER, 15),
                    ),
                )
                if meeting
                else _weighted(
                    rng,
                    (
                        (DocumentKind.LETTER, 40),
                        (DocumentKind.POSITION_PAPER, 30),
                        (DocumentKind.REPORT, 20),
                        (DocumentKind.WHITE_PAPER, 10),
                    ),
                )
            )
            title = write.title(2, 8)
            # Most documents are a few pages; a few are books of hundreds of sections.
            parts = write.lognormal_int(self.sizes.sections_median, 1.0, 1, 400)
            outline = [
                (write.title(1, 5), write.paragraph(write.lognormal_int(60, 0.7, 5, 1500)))
                for _ in range(parts)
            ]
            outlines.append(outline)
            documents.append(
                Document(
                    title=title,
                    slug=self.slug(title)[:90],
                    kind=kind,
                    date=meeting.date if meeting else _workday(rng, year),
                    summary=write.sentence(),
                    visibility=meeting.visibility
                    if meeting and rng.random() < 0.7
                    else _weighted(rng, DOCUMENT_VISIBILITY),
                )
            )
        created = self.create(Document, documents)
        self.link(Document.bodies, [(d.pk, s[1]) for d, s in zip(created, specs, strict=True)])
        self.link(
            Document.meetings,
            [(d.pk, s[0].pk) for d, s in zip(created, specs, strict=True) if s[0]],
        )
        self.link(
            Document.dossiers,
            [(d.pk, s[2].pk) for d, s in zip(created, specs, strict=True) if s[2]],
        )
        self.link(
            Document.author_people,
            [(d.pk, rng.choice(self.members[s[1]])) for d, s in zip(created, specs, strict=True)],
        )
        files, sections = [], []
        storage = private_storage()
        for document, outline in zip(created, outlines, strict=True):
            text = "\n\n".join(f"# {title}\n\n{body}" for title, body in outline)
            data = text.encode()
            version = DocumentFile(
                document=document,
                number=1,
                original_name=f"{document.slug}.md",
                content_type="text/markdown",
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                text=text,
                extraction=Extraction.DONE,
            )
            version.file.name = storage.save(
                f"documents/{document.pk}/1/{document.slug}.md", ContentFile(data)
            )
            files.append(version)
            for position, (title, body) in enumerate(outline, start=1):
                sections.append(
                    Section(
                        document=document,
                        position=position,
                        level=1,
                        title=title,
                        trail=f"{document.title} › {title}"[:600],
                        text=body,
                    )
                )
        self.insert(DocumentFile, files)
        self.insert(Section, sections)

    # ------------------------------------------------------------------ accounts and index

    def accounts(self) -> None:
        # One hash for all three: hashing is slow by design, and the password is the same.
        secret = make_password(self.password) if self.password else make_password(None)
        themes = [b for b in self.own_bodies if b.kind == BodyKind.THEME_GROUP] or self.own_bodies
        # The secretary of the first theme group that has one (the second seat of a body is
        # its secretary; a body with one seat has only a chair); the member sits in a theme
        # group too.
        staffed = next((b for b in themes if len(self.members[b.pk]) > 1), themes[0])
        secretary = self.members[staffed.pk][1 if len(self.members[staffed.pk]) > 1 else 0]
        # Chairs and secretaries hold the first two seats of a body; the member holds neither,
        # and has no seat that has ended.
        officers = {person for seated in self.members.values() for person in seated[:2]}
        officers |= self.former_members
        member = next(
            person for body in themes for person in self.members[body.pk] if person not in officers
        )
        self.create(
            User,
            [
                User(username="bureau", is_office=True, is_staff=True, password=secret),
                User(username="lid", person_id=member, password=secret),
                User(username="secretaris", person_id=secretary, password=secret),
            ],
        )

    def index(self) -> None:
        self.result.counts["zoekingangen"] = index.rebuild()
