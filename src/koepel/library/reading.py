"""Reading a file version: its text and, for the latest version of a document, its sections,
with the names in them linked and all of it in the search index.

Reading is long work, and none of it is done while holding the database's write lock for
long: the text is taken out of the file, split and linked outside any transaction, and what
comes of it is written in small steps, each its own short transaction, so that other writers
(a sign-in, a form, the API) wait a fraction of a second at most. In steps:

1. **claim**: a waiting version becomes "being read" with a lease: the reader's name (random,
   new for every reading) and a moment until which it is ours. Only one reader holds it.
2. **text**: read from the file (``extraction.py``: streamed, bounded in memory and capped in
   characters), split into sections by its headings, with the names found in each.
3. **write**: the text, then the document's old sections out and the new ones in, a batch per
   transaction. Every step renews the lease, and stops when the lease is no longer ours.
4. **finish**: done, or failed with the reason, in the same transaction as the document's own
   search entry. Never done without text: a file without text has failed.

A reader that stops halfway (its process killed) leaves its lease to run out; the task worker
looks for such versions (``tasks.recover``) and reads them again from the start. Reading is
deterministic, so reading a version twice gives the same sections. A version whose reading
was interrupted ``MAX_INTERRUPTIONS`` times is failed rather than tried forever.

Time is bounded too: reading stops with the reason after ``KOEPEL_READING_MAX_SECONDS``; a
reader given ``hand_back_after`` (the request that uploaded the file) hands the version back
to the task worker when that time is up, or before it writes anything when the document has
more than ``INLINE_SECTIONS`` sections, as the task worker does when it is asked to stop. The
number of sections written per step follows from how long the steps before it held the lock
(``STEP_SECONDS``), so the steps stay short on a slow or busy machine as well.

Used by the services (after an upload) and by the task worker (``tasks.read_text_later``), so it
imports neither of them.
"""

from __future__ import annotations

import enum
import logging
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.utils import timezone

from koepel.core import caching
from koepel.core.worker import stopping
from koepel.library import search_index
from koepel.library.extraction import UnreadableFile, extract_text, is_markdown
from koepel.library.linking import EntityFinder, Links
from koepel.library.models import Document, DocumentFile, Extraction, Section
from koepel.library.sections import split_sections

logger = logging.getLogger(__name__)

# Each write step aims to hold the write lock about this long: how many sections it takes
# follows from how fast the steps before it went, from FEWEST (the first step, and the least
# that is worth a step's own queries) to MOST, and never more text than BATCH_CHARACTERS.
STEP_SECONDS = 0.1
FEWEST = 50
MOST = 1000
BATCH_CHARACTERS = 200_000
# On SQLite, after each step the reader leaves the lock free for at least this long (or as
# long as the step held it): a writer that waits for the lock looks again every 0.1 s at
# most, and would otherwise find the reader back in it each time it looks.
MAKE_WAY_SECONDS = 0.12
# A request that reads the file it was sent writes at most this many sections itself; a
# document with more is handed to the task worker before anything is written.
INLINE_SECTIONS = 500
# A section's text longer than this is split into parts, at paragraph ends where it can be,
# so that no one section (a long text without headings) makes one long write.
MAX_SECTION_CHARACTERS = 100_000
# A version whose reader stopped halfway this many times is failed, not read again.
MAX_INTERRUPTIONS = 3


class Outcome(enum.Enum):
    DONE = "done"
    FAILED = "failed"
    HANDED_BACK = "handed back"  # waiting again, for the task worker
    NOT_OURS = "not ours"  # not waiting, read by someone else, or gone


class _Stop(Exception):
    """The reading stops here; what was written stays until the next reader clears it."""


class _HandBack(_Stop):
    pass


class _LeaseLost(_Stop):
    pass


class _Superseded(Exception):
    """A newer version of the document was uploaded: its sections are its reader's."""


def _lease() -> timedelta:
    return timedelta(seconds=settings.KOEPEL_READING_LEASE_SECONDS)


def _duration(seconds: int) -> str:
    if seconds >= 60 and seconds % 60 == 0:
        minutes = seconds // 60
        return f"{minutes} minuut" if minutes == 1 else f"{minutes} minuten"
    return f"{seconds} seconden"


@dataclass
class _Reader:
    """The one who holds a version's lease: checks the time and renews the lease as it goes."""

    version_id: int
    name: str
    deadline: float
    hand_back_at: float | None
    renewed: float
    held: float = 0.0

    def tick(self) -> None:
        """Between two pieces of work: stop when the time is up, renew the lease when due."""
        now = time.monotonic()
        if now > self.deadline:
            raise UnreadableFile(
                "het lezen duurde langer dan "
                f"{_duration(settings.KOEPEL_READING_MAX_SECONDS)} en is gestopt; het bestand "
                "is te groot of te ingewikkeld"
            )
        if stopping.is_set() or (self.hand_back_at is not None and now > self.hand_back_at):
            raise _HandBack
        if now - self.renewed > settings.KOEPEL_READING_LEASE_SECONDS / 3:
            with transaction.atomic():
                self._hold()

    @contextmanager
    def step(self) -> Iterator[None]:
        """One short write transaction, taken only while the lease is still ours; how long it
        held the write lock is in ``held``. On SQLite, others get their turn after it."""
        with transaction.atomic():
            began = time.monotonic()  # on SQLite, the lock is ours from here
            self._hold()
            yield
        self.held = time.monotonic() - began
        if connection.vendor == "sqlite" and not connection.in_atomic_block:
            time.sleep(max(MAKE_WAY_SECONDS, self.held))

    def _hold(self) -> None:
        held = DocumentFile.objects.filter(
            pk=self.version_id, reader=self.name, extraction=Extraction.READING
        ).update(reading_until=timezone.now() + _lease())
        if not held:
            raise _LeaseLost
        self.renewed = time.monotonic()


def read(
    version_id: int, *, content: bytes | None = None, hand_back_after: float | None = None
) -> Outcome:
    """Read a waiting version to its end, or until the time given is up (then hand it back).
    ``content``: the file's bytes, when the caller has them at hand."""
    reader = _claim(version_id, hand_back_after=hand_back_after)
    if reader is None:
        return Outcome.NOT_OURS
    try:
        return _read(reader, content)
    except _HandBack:
        with transaction.atomic():
            DocumentFile.objects.filter(pk=version_id, reader=reader.name).update(
                extraction=Extraction.PENDING, reader="", reading_until=None
            )
            caching.bump("library")
        return Outcome.HANDED_BACK
    except _LeaseLost:
        return Outcome.NOT_OURS


def _claim(version_id: int, *, hand_back_after: float | None) -> _Reader | None:
    name = uuid.uuid4().hex
    with transaction.atomic():
        claimed = DocumentFile.objects.filter(pk=version_id, extraction=Extraction.PENDING).update(
            extraction=Extraction.READING,
            reader=name,
            reading_until=timezone.now() + _lease(),
            extraction_error="",
        )
        if claimed:
            caching.bump("library")
    if not claimed:
        return None
    now = time.monotonic()
    return _Reader(
        version_id=version_id,
        name=name,
        deadline=now + settings.KOEPEL_READING_MAX_SECONDS,
        hand_back_at=None if hand_back_after is None else now + hand_back_after,
        renewed=now,
    )


def _read(reader: _Reader, content: bytes | None) -> Outcome:
    version = DocumentFile.objects.select_related("document").filter(pk=reader.version_id).first()
    if version is None:
        return Outcome.NOT_OURS
    document = version.document
    try:
        _read_text_and_sections(reader, version, content)
    except UnreadableFile as error:
        _fail(reader, document, version, str(error))
        return Outcome.FAILED
    except (_Stop, DatabaseError):
        raise  # stopped, or the database is away: the version is read again later
    except Exception as error:
        # A file that trips up the reading itself would do so every time: fail it at once.
        logger.exception("Reading file version %s failed", version.pk)
        _fail(reader, document, version, f"onverwachte fout bij het lezen ({type(error).__name__})")
        return Outcome.FAILED
    _finish(reader, document, Extraction.DONE)
    return Outcome.DONE


def _read_text_and_sections(reader: _Reader, version: DocumentFile, content: bytes | None) -> None:
    document = version.document
    try:
        extension = (version.file.name or "").rsplit(".", 1)[-1].lower()
        if content is None:
            with version.file.open("rb") as handle:
                content = handle.read()
        text = extract_text(
            content, extension, max_chars=settings.KOEPEL_READING_MAX_CHARS, tick=reader.tick
        )
        del content
        if not text.strip():
            raise UnreadableFile(
                "er staat geen tekst in het bestand (is het misschien een scan van papier?)"
            )
        plan = (
            _plan(document, text, markdown=is_markdown(extension, text))
            if _is_latest(version)
            else []
        )
        if reader.hand_back_at is not None and len(plan) > INLINE_SECTIONS:
            raise _HandBack  # too long for a request to wait for: the task worker's work
        reader.tick()
        with reader.step():
            DocumentFile.objects.filter(pk=version.pk).update(text=text)
            caching.bump("library")
        del text
        if plan:
            _write_sections(reader, document, version, plan)
    except _Superseded:
        pass  # its text is read; the document's sections are the newer version's


def _is_latest(version: DocumentFile) -> bool:
    return not DocumentFile.objects.filter(
        document_id=version.document_id, number__gt=version.number
    ).exists()


# --- From text to planned sections --------------------------------------------------------------


@dataclass(frozen=True)
class _Planned:
    position: int
    parent: int | None  # the parent's position
    level: int
    title: str
    trail: str
    text: str
    heading: str  # as written in the file ("" before the first heading): searched for names


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _plan(document: Document, text: str, *, markdown: bool) -> list[_Planned]:
    """The sections the text splits into, numbered, with their parents; too many: refused."""
    drafts = split_sections(text, fmt="markdown" if markdown else "text")
    most = settings.KOEPEL_READING_MAX_SECTIONS
    if len(drafts) > most:
        raise UnreadableFile(
            f"het document heeft meer dan {_thousands(most)} koppen; zo veel secties maakt "
            "Koepel niet"
        )
    planned: list[_Planned] = []
    parents: dict[int, int] = {}  # level -> position of the last section at that level
    for draft in drafts:
        title = draft.title or document.title
        trail = " › ".join(_trail(document.title, draft.trail))
        parent = next(
            (parents[lvl] for lvl in range(draft.level - 1, 0, -1) if lvl in parents), None
        )
        for part, (suffix, body) in enumerate(_parts(draft.text)):
            position = len(planned) + 1
            planned.append(
                _Planned(
                    position=position,
                    parent=parent,
                    level=draft.level,
                    title=(title + suffix)[:300],
                    trail=(trail + suffix)[:600],
                    text=body,
                    heading=draft.title if part == 0 else "",
                )
            )
            parents[draft.level] = position
        for deeper in [lvl for lvl in parents if lvl > draft.level]:
            del parents[deeper]
    if len(planned) > most:
        raise UnreadableFile(
            f"de tekst is te lang voor {_thousands(most)} secties; zo veel secties maakt "
            "Koepel niet"
        )
    return planned


def _parts(text: str) -> Iterator[tuple[str, str]]:
    """(title suffix, text) of each part of a section's text: one part unless it is long."""
    if len(text) <= MAX_SECTION_CHARACTERS:
        yield "", text
        return
    number = 0
    rest = text
    while rest:
        number += 1
        if len(rest) <= MAX_SECTION_CHARACTERS:
            cut = len(rest)
        else:
            cut = rest.rfind("\n\n", 0, MAX_SECTION_CHARACTERS)
            if cut <= 0:
                cut = rest.rfind(" ", 0, MAX_SECTION_CHARACTERS)
            if cut <= 0:
                cut = MAX_SECTION_CHARACTERS
        yield ("" if number == 1 else f" ({number})"), rest[:cut].strip()
        rest = rest[cut:].lstrip()


def _trail(title: str, headings: tuple[str, ...]) -> tuple[str, ...]:
    # A file that opens with its own title as a heading should not say the title twice.
    if headings and headings[0].casefold() == title.casefold():
        headings = headings[1:]
    return (title, *headings)


class _Pace:
    """How many sections the next step takes, from how long the last one held the lock."""

    def __init__(self) -> None:
        self.size = FEWEST

    def took(self, count: int, seconds: float) -> None:
        if count and seconds > 0:
            self.size = max(FEWEST, min(MOST, int(count * STEP_SECONDS / seconds)))


def _batches(planned: list[_Planned], pace: _Pace) -> Iterator[list[_Planned]]:
    start = 0
    while start < len(planned):
        batch: list[_Planned] = []
        size = 0
        for section in planned[start : start + pace.size]:
            if batch and size + len(section.text) > BATCH_CHARACTERS:
                break
            batch.append(section)
            size += len(section.text)
        yield batch
        start += len(batch)


# --- Writing, a batch per transaction -----------------------------------------------------------


def _hold_document(document: Document, version: DocumentFile | None) -> None:
    """In a step: wait for whoever changes the document now (its details, its visibility, a new
    version), and stop when a newer version than ``version`` has come."""
    Document.objects.select_for_update().filter(pk=document.pk).values_list("pk").first()
    if version is not None and not _is_latest(version):
        raise _Superseded


def _clear_sections(reader: _Reader, document: Document, version: DocumentFile | None) -> None:
    """The document's sections out, the last first, so none takes its children along."""
    pace = _Pace()
    while True:
        with reader.step():
            _hold_document(document, version)
            doomed = list(document.sections.order_by("-position").only("pk")[: pace.size])
            if not doomed:
                return
            search_index.remove_sections(document, doomed)
            Section.objects.filter(pk__in=[section.pk for section in doomed]).delete()
        pace.took(len(doomed), reader.held)


def _write_sections(
    reader: _Reader, document: Document, version: DocumentFile, plan: list[_Planned]
) -> None:
    _clear_sections(reader, document, version)
    finder = EntityFinder()
    ids: dict[int, int] = {}  # position -> id of the section written
    pace = _Pace()
    for batch in _batches(plan, pace):
        links = [finder.find(f"{section.heading}\n{section.text}") for section in batch]
        reader.tick()
        with reader.step():
            _hold_document(document, version)
            made = Section.objects.bulk_create(
                [
                    Section(
                        document=document,
                        parent_id=None if section.parent is None else ids.get(section.parent),
                        position=section.position,
                        level=section.level,
                        title=section.title,
                        trail=section.trail,
                        text=section.text,
                    )
                    for section in batch
                ]
            )
            ids.update((section.position, section.pk) for section in made)
            # A parent in the same batch has its id only now.
            late = []
            for section, planned in zip(made, batch, strict=True):
                if planned.parent is not None and section.parent_id is None:
                    section.parent_id = ids[planned.parent]
                    late.append(section)
            if late:
                Section.objects.bulk_update(late, ["parent"])
            _link(made, links)
            # Bulk writes pass by the signals that give the data a new version.
            caching.bump("library")
            search_index.add_sections([section.pk for section in made])
        pace.took(len(batch), reader.held)


# The relation of a section to what it names, and the column of the named record in it.
_LINKS = (
    ("municipalities", "municipality_id"),
    ("organisations", "organisation_id"),
    ("people", "person_id"),
    ("bodies", "body_id"),
)


def _link(sections: list[Section], links: list[Links]) -> None:
    for relation, column in _LINKS:
        through = getattr(Section, relation).through
        rows = [
            through(**{"section_id": section.pk, column: target})
            for section, found in zip(sections, links, strict=True)
            for target in sorted(getattr(found, relation))
        ]
        if rows:
            through.objects.bulk_create(rows)


def _fail(reader: _Reader, document: Document, version: DocumentFile, reason: str) -> None:
    """Failed, with the reason; as the latest version, without any half-written sections."""
    with suppress(_Superseded):
        _clear_sections(reader, document, version)
    with reader.step():
        DocumentFile.objects.filter(pk=version.pk).update(text="")
        caching.bump("library")
    _finish(reader, document, Extraction.FAILED, reason)


def _finish(reader: _Reader, document: Document, state: str, reason: str = "") -> None:
    with reader.step():
        DocumentFile.objects.filter(pk=reader.version_id).update(
            extraction=state,
            extraction_error=reason[:300],
            reader="",
            reading_until=None,
            reading_interruptions=0 if state == Extraction.DONE else F("reading_interruptions"),
        )
        caching.bump("library")
        search_index.refresh_document(document)


# --- Readers that stopped -----------------------------------------------------------------------


def resume_interrupted() -> list[int]:
    """Versions whose reader stopped halfway (their lease ran out) wait to be read again, or
    are failed after ``MAX_INTERRUPTIONS``. Returns the ids of all versions waiting now."""
    expired = DocumentFile.objects.filter(
        extraction=Extraction.READING, reading_until__lt=timezone.now()
    ).select_related("document")
    for version in expired:
        interruptions = version.reading_interruptions + 1
        if interruptions < MAX_INTERRUPTIONS:
            with transaction.atomic():
                DocumentFile.objects.filter(pk=version.pk, reader=version.reader).update(
                    extraction=Extraction.PENDING,
                    reader="",
                    reading_until=None,
                    reading_interruptions=interruptions,
                )
                caching.bump("library")
            continue
        # Take the lease over, to clear what was half written and fail the version.
        name = uuid.uuid4().hex
        with transaction.atomic():
            taken = DocumentFile.objects.filter(pk=version.pk, reader=version.reader).update(
                reader=name,
                reading_until=timezone.now() + _lease(),
                reading_interruptions=interruptions,
            )
            caching.bump("library")
        if taken:
            now = time.monotonic()
            reader = _Reader(
                version.pk, name, deadline=float("inf"), hand_back_at=None, renewed=now
            )
            with suppress(_LeaseLost):
                _fail(
                    reader,
                    version.document,
                    version,
                    f"het lezen is {interruptions} keer afgebroken voordat het klaar was; het "
                    "bestand is waarschijnlijk te groot of te ingewikkeld",
                )
    return list(
        DocumentFile.objects.filter(extraction=Extraction.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
