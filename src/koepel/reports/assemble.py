"""The report as it will be read: the tree and facts of the year, with the words people wrote
and their choices about the generated facts, for one audience."""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext

from koepel.accounts.access import ANONYMOUS, NETWORK_READER, Viewer, viewer_for
from koepel.core.markup import REPORT_TAGS
from koepel.core.markup import render_markdown as render_text
from koepel.reports.facts import ABOUT, PARAGRAPHS
from koepel.reports.models import Audience, SectionStatus, SectionText
from koepel.reports.structure import ReportSection, build


def audience_viewer(audience: str) -> Viewer:
    """The public report holds only public records; the internal one also network-wide ones.
    Records of one body, and restricted ones, are never in a report."""
    return NETWORK_READER if audience == Audience.NETWORK else ANONYMOUS


def audience_for(user: Any, *, internal: bool) -> str:
    """The version a user reads: members may ask for the internal one; everyone else, and a
    member who does not ask, gets the public one."""
    if internal and viewer_for(user).is_member:
        return Audience.NETWORK
    return Audience.PUBLIC


def render_markdown(text: str) -> str:
    """A report text as HTML: the one Markdown renderer, held to the tags the report's Word
    file can write."""
    return str(render_text(text, tags=REPORT_TAGS))


@dataclass(frozen=True)
class ShownFact:
    key: str
    text: str
    generated: str
    links: tuple[tuple[str, str], ...]
    edited: bool
    paragraph: str = ABOUT


@dataclass
class ShownSection:
    key: str
    title: str
    level: int
    number: str
    narrative: str
    narrative_html: str
    status: str
    facts: list[ShownFact] = field(default_factory=list)
    dropped: list[ShownFact] = field(default_factory=list)
    body: Any = None
    # The bodies whose records the section tells, and those of them whose year is marked as
    # completely recorded (their meetings are counted without "ten minste").
    told: list[Any] = field(default_factory=list)
    complete: frozenset[int] = frozenset()
    draft: bool = False

    @property
    def paragraphs(self) -> list[list[ShownFact]]:
        """The section's sentences as the paragraphs a writer makes of them: what the body is
        and who leads it, its meetings, its lobby, what came of it, what it published, what
        comes next."""
        grouped: dict[str, list[ShownFact]] = {}
        for fact in self.facts:
            grouped.setdefault(fact.paragraph, []).append(fact)
        order = {name: index for index, name in enumerate(PARAGRAPHS)}
        return [grouped[name] for name in sorted(grouped, key=lambda n: order.get(n, len(order)))]

    @property
    def status_label(self) -> str:
        """The status in words for the reader ("ter review"), not its stored value."""
        if self.status in SectionStatus.values:
            return str(SectionStatus(self.status).label)
        return self.status


@dataclass
class Assembled:
    year: int
    network_name: str
    audience: str
    sections: list[ShownSection]

    @property
    def title(self) -> str:
        return f"Jaarverslag {self.year}"

    def fingerprint(self) -> str:
        """Changes whenever anything the reader would see changes."""
        digest = hashlib.sha256()
        for section in self.sections:
            digest.update(f"{section.key}|{section.title}|{section.narrative}|".encode())
            for fact in section.facts:
                digest.update(f"{fact.key}={fact.text}|{fact.links}|".encode())
        digest.update(f"{self.network_name}|{self.audience}".encode())
        return digest.hexdigest()


def _has_words(section: ReportSection, texts: dict[str, SectionText]) -> bool:
    """Whether a section has anything to tell, itself or beneath it. The foreword always has:
    it is the chair's."""
    text = texts.get(section.key)
    return (
        section.key == "voorwoord"
        or bool(section.facts)
        or bool(text is not None and (text.narrative or text.dropped))
        or any(_has_words(child, texts) for child in section.children)
    )


def _kept(sections: list[ReportSection], texts: dict[str, SectionText]) -> list[ReportSection]:
    """The tree without its empty sections: a body without records or words this year is
    left out, and so is a chapter with nothing left in it."""
    kept = []
    for section in sections:
        if not _has_words(section, texts):
            continue
        children = _kept(section.children, texts)
        kept.append(dataclasses.replace(section, children=children))
    return kept


def assemble(
    year: int, audience: str = Audience.PUBLIC, *, report: Any = None, base: str | None = None
) -> Assembled:
    """The report of ``year`` for ``audience``. Source links start with ``base``: "" for a
    page (links relative to the server that shows it), the address a request came in on for a
    file, and the configured address when there is no request (the worker)."""
    tree = build(audience_viewer(audience), year)
    texts: dict[str, SectionText] = {}
    if report is not None:
        texts = {text.key: text for text in SectionText.objects.filter(report=report)}
    if base is None:
        base = settings.KOEPEL_BASE_URL
    shown: list[ShownSection] = []
    counters = [0, 0, 0]
    for section in (s for top in _kept(tree.sections, texts) for s in top.walk()):
        counters[section.level - 1] += 1
        for deeper in range(section.level, len(counters)):
            counters[deeper] = 0
        number = ".".join(str(n) for n in counters[: section.level])
        shown.append(_show(section, texts.get(section.key), number, base, audience))
        shown[-1].told = list(section.told)
        shown[-1].complete = frozenset(b.pk for b in section.told if b.pk in tree.complete)
    # Before a network is set up it has no name; Koepel is the software, not the network.
    name = tree.network.name if tree.network else gettext("New network")
    return Assembled(year=year, network_name=name, audience=audience, sections=shown)


def _show(
    section: ReportSection, text: SectionText | None, number: str, base: str, audience: str
) -> ShownSection:
    narrative = text.narrative if text else ""
    if audience == Audience.PUBLIC and text is not None and text.status != SectionStatus.FINAL:
        narrative = ""  # words still in draft or under review stay inside the network
    dropped_keys = set(text.dropped) if text else set()
    edits: dict[str, str] = dict(text.edited) if text else {}
    result = ShownSection(
        key=section.key,
        title=section.title,
        level=section.level,
        number=number,
        narrative=narrative,
        narrative_html=render_markdown(narrative) if narrative else "",
        status=text.status if text else SectionStatus.DRAFT,
        body=section.body,
        # The internal version shows words not yet final; it says so beside them.
        draft=bool(narrative) and text is not None and text.status != SectionStatus.FINAL,
    )
    for fact in section.facts:
        links = tuple(
            (label, url if url.startswith(("http://", "https://")) else f"{base}{url}")
            for label, url in fact.links
        )
        shown = ShownFact(
            key=fact.key,
            text=edits.get(fact.key, fact.text),
            generated=fact.text,
            links=links,
            edited=fact.key in edits,
            paragraph=fact.paragraph,
        )
        (result.dropped if fact.key in dropped_keys else result.facts).append(shown)
    return result
