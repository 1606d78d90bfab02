"""Reading a file version's text and splitting its document into sections.

Used by the services (a small file is read while its upload is answered) and by the task
worker (a large one afterwards, ``tasks.read_text_later``), so it imports neither of them.
"""

from __future__ import annotations

from django.db import transaction

from koepel.library import search_index
from koepel.library.extraction import UnreadableFile, extract_text, is_markdown
from koepel.library.linking import EntityFinder
from koepel.library.models import Document, DocumentFile, Extraction, Section
from koepel.library.sections import split_sections


def read_text(version: DocumentFile, *, content: bytes | None = None) -> DocumentFile:
    """Read a version's text and, when it is the latest, split the document into sections."""
    extension = (version.file.name or "").rsplit(".", 1)[-1].lower()
    if content is None:
        with version.file.open("rb") as handle:
            content = handle.read()
    try:
        version.text = extract_text(content, extension)
        version.extraction, version.extraction_error = Extraction.DONE, ""
    except UnreadableFile as error:
        version.text, version.extraction, version.extraction_error = (
            "",
            Extraction.FAILED,
            str(error),
        )
    version.save(update_fields=["text", "extraction", "extraction_error"])
    latest = version.document.files.order_by("-number").first()
    if latest is not None and latest.pk == version.pk:
        sections_replace(
            document=version.document,
            text=version.text,
            markdown=is_markdown(extension, version.text),
        )
    return version


@transaction.atomic
def sections_replace(*, document: Document, text: str, markdown: bool) -> list[Section]:
    """Split the text into sections by its headings and link the names found in them."""
    search_index.remove_sections(document)
    document.sections.all().delete()
    drafts = split_sections(text, fmt="markdown" if markdown else "text") if text.strip() else []
    finder = EntityFinder() if drafts else None
    made: list[Section] = []
    parents: dict[int, Section] = {}
    for position, draft in enumerate(drafts, start=1):
        title = draft.title or document.title
        parent = next(
            (parents[lvl] for lvl in range(draft.level - 1, 0, -1) if lvl in parents), None
        )
        section = Section.objects.create(
            document=document,
            parent=parent,
            position=position,
            level=draft.level,
            title=title[:300],
            text=draft.text,
            trail=" › ".join(_trail(document.title, draft.trail))[:600],
        )
        parents[draft.level] = section
        for deeper in [lvl for lvl in parents if lvl > draft.level]:
            del parents[deeper]
        if finder is not None:
            links = finder.find(f"{draft.title}\n{draft.text}")
            section.municipalities.set(links.municipalities)
            section.organisations.set(links.organisations)
            section.people.set(links.people)
            section.bodies.set(links.bodies)
        made.append(section)
    search_index.refresh(document)
    return made


def _trail(title: str, headings: tuple[str, ...]) -> tuple[str, ...]:
    # A file that opens with its own title as a heading should not say the title twice.
    if headings and headings[0].casefold() == title.casefold():
        headings = headings[1:]
    return (title, *headings)
