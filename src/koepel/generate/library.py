"""The library part of a generated network: documents made for a meeting or a dossier, each
with one stored file version, its text, and its sections (a few pages mostly, now and then a
book of hundreds)."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile

from koepel.advocacy.models import Dossier
from koepel.core.storage import private_storage
from koepel.core.visibility import Visibility as V
from koepel.generate.bulk import CHUNK, Run, weighted, workday
from koepel.library.models import Document, DocumentFile, DocumentKind, Extraction, Section
from koepel.meetings.models import Meeting

DOCUMENT_VISIBILITY = ((V.PUBLIC, 55), (V.NETWORK, 25), (V.BODY, 15), (V.RESTRICTED, 5))
# A document to make: the meeting it belongs to, its body (pk), its dossier.
DocumentSpec = tuple[Meeting | None, int, Dossier | None]


def make_documents(run: Run, year: int, specs: list[DocumentSpec]) -> None:
    """Documents for meetings or dossiers, each with one file version and its sections."""
    for start in range(0, len(specs), CHUNK):
        _document_chunk(run, year, specs[start : start + CHUNK])


def _document_chunk(run: Run, year: int, specs: list[DocumentSpec]) -> None:
    rng, write = run.rng, run.write
    documents, outlines = [], []
    for meeting, _body, _dossier in specs:
        kind = (
            weighted(
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
            else weighted(
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
        parts = write.lognormal_int(run.sizes.sections_median, 1.0, 1, 400)
        outline = [
            (write.title(1, 5), write.paragraph(write.lognormal_int(60, 0.7, 5, 1500)))
            for _ in range(parts)
        ]
        outlines.append(outline)
        documents.append(
            Document(
                title=title,
                slug=run.slug(title)[:90],
                kind=kind,
                date=meeting.date if meeting else workday(rng, year),
                summary=write.sentence(),
                visibility=meeting.visibility
                if meeting and rng.random() < 0.7
                else weighted(rng, DOCUMENT_VISIBILITY),
            )
        )
    created = run.create(Document, documents)
    run.link(Document.bodies, [(d.pk, s[1]) for d, s in zip(created, specs, strict=True)])
    run.link(
        Document.meetings,
        [(d.pk, s[0].pk) for d, s in zip(created, specs, strict=True) if s[0]],
    )
    run.link(
        Document.dossiers,
        [(d.pk, s[2].pk) for d, s in zip(created, specs, strict=True) if s[2]],
    )
    run.link(
        Document.author_people,
        [(d.pk, rng.choice(run.members[s[1]])) for d, s in zip(created, specs, strict=True)],
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
    run.insert(DocumentFile, files)
    run.insert(Section, sections)
