"""Reading the text out of uploaded files: PDF, Word (DOCX), OpenDocument (ODT), text, Markdown.

Office files are zip archives: they are opened only after their declared sizes have been
checked, so a zip bomb is refused before it is unpacked. An archive that declares less than it
holds gains nothing: Python's zipfile never unpacks more than the declared size, and the
checksum then fails.

XML is never parsed with entities: python-docx parses with lxml and ``resolve_entities=False``
(no external file is read, no entity expands), and odfpy parses through defusedxml, which
refuses entity declarations outright. tests/test_hostile_files.py holds both to it.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

# Limits for a zip archive inside an office file: the whole unpacked size and how much
# smaller than its unpacked size a member may be compressed (real documents stay far below).
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200


class UnreadableFile(Exception):
    """The file is kept, but its text cannot be read."""


def _check_zip(content: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile as error:
        raise UnreadableFile("het bestand is geen geldig archief") from error
    total = 0
    for member in archive.infolist():
        total += member.file_size
        if member.compress_size and member.file_size / member.compress_size > MAX_RATIO:
            raise UnreadableFile("het archief is verdacht sterk ingepakt")
    if total > MAX_UNPACKED_BYTES:
        raise UnreadableFile("het archief is uitgepakt te groot")


def _pdf(content: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            raise UnreadableFile("de PDF is beveiligd met een wachtwoord")
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError) as error:
        raise UnreadableFile("de PDF is beschadigd") from error
    return "\n\n".join(page.strip() for page in pages if page.strip())


def _docx(content: bytes) -> str:
    import docx

    _check_zip(content)
    try:
        document = docx.Document(io.BytesIO(content))
    except Exception as error:  # python-docx raises many kinds for a broken package
        raise UnreadableFile("het Word-bestand is beschadigd") from error
    lines: list[str] = []
    for paragraph in document.paragraphs:
        text = paragraph.text.strip()
        if not text:
            continue
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        # Keep Word's heading levels as Markdown headings, so the sections follow them.
        if style.lower().startswith(("heading", "kop")) and style[-1:].isdigit():
            lines.append("#" * int(style[-1]) + " " + text)
        elif style.lower() == "title":
            lines.append("# " + text)
        else:
            lines.append(text)
    return "\n\n".join(lines)


def _odt(content: bytes) -> str:
    from odf import teletype
    from odf.opendocument import load

    _check_zip(content)
    try:
        document = load(io.BytesIO(content))
    except Exception as error:  # odfpy raises many kinds for a broken package
        raise UnreadableFile("het OpenDocument-bestand is beschadigd") from error
    lines: list[str] = []

    def walk(node: Any) -> None:
        # Headings and paragraphs in document order, wherever they are nested (lists, tables).
        for child in node.childNodes:
            name = getattr(child, "qname", (None, None))[1]
            if name in {"h", "p"}:
                value = teletype.extractText(child).strip()
                if value and name == "h":
                    level = int(child.getAttribute("outlinelevel") or 1)
                    lines.append("#" * level + " " + value)
                elif value:
                    lines.append(value)
            elif getattr(child, "childNodes", None):
                walk(child)

    walk(document.text)
    return "\n\n".join(lines)


def _plain(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


READERS = {"pdf": _pdf, "docx": _docx, "odt": _odt, "txt": _plain, "md": _plain}


def extract_text(content: bytes, extension: str) -> str:
    """The text of a file of a kind Koepel accepts; UnreadableFile when it cannot be read."""
    reader = READERS.get(extension)
    if reader is None:
        raise UnreadableFile(f"bestanden van het type {extension} worden niet gelezen")
    return reader(content).replace("\x00", "")


def is_markdown(extension: str, text: str) -> bool:
    """Whether the text carries Markdown headings (Markdown files and converted office files)."""
    return extension in {"md", "docx", "odt"} or text.lstrip().startswith("# ")
