"""The state of one generation and the bulk writing every part of it shares.

A :class:`Run` holds the random source, the word writer, the years, what the parts made so far
that later parts refer to (municipalities, bodies and their members, dossiers, …), and the
counts and times reported at the end. Its writing methods skip the services on purpose: the
records are chosen so that ``full_clean()`` holds, and are written in bulk.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import connection, models

from koepel.advocacy.models import Dossier
from koepel.generate import vocabulary
from koepel.generate.sizes import Sizes
from koepel.registry.models import Body, Municipality, Organisation, Person

M = TypeVar("M", bound=models.Model)
CHUNK = 2000


@dataclass
class Result:
    sizes: Sizes
    counts: Counter[str] = field(default_factory=Counter)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


def weighted(rng: random.Random, choices: Sequence[tuple[str, int]]) -> str:
    values, weights = zip(*choices, strict=True)
    return str(rng.choices(values, weights=weights)[0])


def workday(rng: random.Random, year: int) -> dt.date:
    day = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
    while day.weekday() >= 5 or (day.month == 7 and day.day > 10) or day.month == 8:
        day = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
    return day


class Run:
    """One generation: its random source, its years, what its parts made for the parts after
    them, and the bulk writing they all use."""

    # Made by the registry part and read by the parts after it.
    organisations: list[Organisation]
    ministries: list[Organisation]
    municipalities: list[Municipality]
    bodies: list[Body]
    own_bodies: list[Body]
    persons: list[Person]
    # Made by the lobby part's dossiers, read by each year's lobby and documents.
    dossier_rows: list[Dossier]
    dossier_bodies: dict[int, list[int]]  # dossier pk -> body pks

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
