"""Reading the text out of uploaded files: PDF, Word (DOCX), OpenDocument (ODT), text, Markdown.

Whatever a file holds, reading it takes bounded memory and stops in bounded time:

- Office files are zip archives: they are opened only after their declared sizes have been
  checked, so a zip bomb is refused before it is unpacked. An archive that declares less than
  it holds gains nothing: Python's zipfile never unpacks more than the declared size, and the
  checksum then fails.
- Their XML is read as a stream, a chunk at a time, by a parser that builds no tree: it tells
  a small reader of our own each element and each run of characters, and the reader keeps
  only the paragraph it is in. A Word file of 100 MB of XML costs no more memory than its
  text. The parser is defusedxml's, with document type declarations refused outright, so no
  entity is ever expanded and no file of the server is ever read
  (tests/test_hostile_files.py holds it to that).
- The text is capped (``max_chars``) and counted as it comes in: a file with more text is
  refused with the reason before the rest of it is read.
- A PDF is read a page at a time, and what pypdf read for a page (its content stream,
  unpacked) is let go before the next page is read.
- ``tick`` is called after every chunk of XML and between the pages of a PDF: the caller
  checks the time there and stops the reading by raising.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any, Protocol

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, ParseError

# Limits for a zip archive inside an office file: the whole unpacked size and how much
# smaller than its unpacked size a member may be compressed (real documents stay far below).
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200
# Text taken from one file at most: some 4,000 pages; a longer text is refused.
MAX_CHARS = 10_000_000
# XML is read in chunks of this size, with a call of ``tick`` after each.
CHUNK_BYTES = 64 * 1024
# Word styles kept at most (a real document has a few hundred).
MAX_STYLES = 10_000
# Markdown has six levels of heading; deeper Word headings are kept at the sixth.
DEEPEST_HEADING = 6

Tick = Callable[[], None]


class UnreadableFile(Exception):
    """The file is kept, but its text cannot be read; the message says why, in Dutch."""


def _nothing() -> None:
    return None


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _too_much(limit: int) -> UnreadableFile:
    return UnreadableFile(
        f"het bestand bevat meer dan {_thousands(limit)} tekens tekst; zo veel tekst leest "
        "Koepel niet in"
    )


class _Text:
    """The paragraphs read so far. Characters are counted as they come in, before they are
    kept, so a file with too much text is refused before its text fills the memory."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.paragraphs: list[str] = []

    def count(self, characters: int) -> None:
        self.size += characters
        if self.size > self.limit:
            raise _too_much(self.limit)

    def add(self, paragraph: str) -> None:
        paragraph = paragraph.strip()
        if paragraph:
            self.paragraphs.append(paragraph)

    def heading(self, level: int, title: str) -> None:
        if title.strip():
            self.add("#" * min(level, DEEPEST_HEADING) + " " + " ".join(title.split()))

    def __str__(self) -> str:
        return "\n\n".join(self.paragraphs)


# --- Zip archives and streamed XML ------------------------------------------------------------


def _archive(content: bytes) -> zipfile.ZipFile:
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
    return archive


class _Target(Protocol):
    """What the parser tells as it reads: no tree is built, nothing is kept but what the
    target keeps."""

    def start(self, tag: str, attrib: dict[str, str]) -> None: ...

    def end(self, tag: str) -> None: ...

    def data(self, text: str) -> None: ...


def _parse(archive: zipfile.ZipFile, member: str, label: str, target: _Target, tick: Tick) -> None:
    """Stream one XML member of the archive through ``target``, a chunk at a time."""
    parser = DefusedXMLParser(target=target, forbid_dtd=True)
    closed = False
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(CHUNK_BYTES):
                parser.feed(chunk)
                tick()
            closed = True
            parser.close()
    except KeyError as error:
        raise UnreadableFile(f"het {label}-bestand mist zijn inhoud") from error
    except DefusedXmlException as error:
        raise UnreadableFile(
            f"het {label}-bestand bevat een documenttypedefinitie, wat in een echt "
            f"{label}-bestand niet voorkomt"
        ) from error
    except (ParseError, zipfile.BadZipFile, EOFError, OSError, ValueError) as error:
        raise UnreadableFile(f"het {label}-bestand is beschadigd") from error
    finally:
        if not closed:
            _let_go(parser)


def _let_go(parser: DefusedXMLParser) -> None:
    """A parser stopped halfway (the text too long, the time up, the reading handed back)
    and its expat parser hold each other, and through that the target with all the text read
    so far, until the garbage collector happens to come by. Letting go of the expat parser
    breaks that circle at once, so what was read is freed before anything else is read."""
    for name in ("parser", "_parser", "target", "_target"):
        vars(parser).pop(name, None)


# --- Word ---------------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Parts of a paragraph that are not its text as it reads now: the fallback copy of a text box
# (its text is in the choice beside it), and text that tracked changes deleted or moved away.
_W_SKIPPED = frozenset(
    {
        "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback",
        f"{_W}del",
        f"{_W}moveFrom",
    }
)


def _heading_level(name: str) -> int | None:
    """The heading level of a Word style by its name ("heading 2", "Kop 2", "Title")."""
    lowered = name.strip().lower()
    if lowered.startswith(("heading", "kop")) and lowered[-1:].isdigit():
        return int(lowered[-1]) or None
    if lowered == "title":
        return 1
    return None


def _outline_level(value: str | None) -> int | None:
    # Word counts outline levels from 0; 9 is body text.
    if value is not None and value.isdigit() and int(value) < 9:
        return int(value) + 1
    return None


class _WordStyles:
    """Heading level by style id, from the styles' names and outline levels."""

    def __init__(self) -> None:
        self.levels: dict[str, int] = {}
        self.style: str | None = None
        self.name = ""
        self.outline: int | None = None

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        if tag == f"{_W}style":
            self.style, self.name, self.outline = attrib.get(f"{_W}styleId"), "", None
        elif tag == f"{_W}name" and self.style is not None:
            self.name = attrib.get(f"{_W}val", "")
        elif tag == f"{_W}outlineLvl" and self.style is not None:
            self.outline = _outline_level(attrib.get(f"{_W}val"))

    def end(self, tag: str) -> None:
        if tag == f"{_W}style" and self.style is not None:
            level = _heading_level(self.name) or self.outline
            if level is not None and len(self.levels) < MAX_STYLES:
                self.levels[self.style] = level
            self.style = None

    def data(self, text: str) -> None:
        return None


class _Paragraph:
    __slots__ = ("level", "parts", "style")

    def __init__(self, level: int | None = None) -> None:
        self.parts: list[str] = []
        self.style: str | None = None
        self.level = level


class _WordText:
    """The paragraphs of word/document.xml, headings by their style or outline level."""

    def __init__(self, text: _Text, styles: dict[str, int]) -> None:
        self.text = text
        self.styles = styles
        self.paragraphs: list[_Paragraph] = []  # a text box holds paragraphs in a paragraph
        self.skipped = 0  # depth inside parts that are not read
        self.runs = 0  # depth inside runs: a tab or break elsewhere is a setting, not text
        self.in_text = 0  # inside <w:t>, the only element whose characters are the text

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        if tag in _W_SKIPPED:
            self.skipped += 1
        elif self.skipped:
            return
        elif tag == f"{_W}p":
            self.paragraphs.append(_Paragraph())
        elif tag == f"{_W}r":
            self.runs += 1
        elif tag == f"{_W}t":
            self.in_text += 1
        elif not self.paragraphs:
            return
        elif tag == f"{_W}pStyle" and self.paragraphs[-1].style is None:
            self.paragraphs[-1].style = attrib.get(f"{_W}val", "")
        elif tag == f"{_W}outlineLvl" and self.paragraphs[-1].level is None:
            self.paragraphs[-1].level = _outline_level(attrib.get(f"{_W}val"))
        elif self.runs and tag == f"{_W}tab":
            self._take("\t")
        elif self.runs and tag in {f"{_W}br", f"{_W}cr"}:
            self._take("\n")

    def end(self, tag: str) -> None:
        if tag in _W_SKIPPED:
            self.skipped -= 1
        elif self.skipped:
            return
        elif tag == f"{_W}t":
            self.in_text -= 1
        elif tag == f"{_W}r":
            self.runs -= 1
        elif tag == f"{_W}p" and self.paragraphs:
            paragraph = self.paragraphs.pop()
            words = "".join(paragraph.parts)
            level = self.styles.get(paragraph.style or "") or paragraph.level
            if level is not None:
                self.text.heading(level, words)
            else:
                self.text.add(words)

    def data(self, text: str) -> None:
        if self.in_text and not self.skipped:
            self._take(text)

    def _take(self, text: str) -> None:
        if self.paragraphs:
            self.text.count(len(text))
            self.paragraphs[-1].parts.append(text)


def _docx(content: bytes, *, max_chars: int, tick: Tick) -> str:
    archive = _archive(content)
    styles = _WordStyles()
    if "word/styles.xml" in archive.namelist():
        _parse(archive, "word/styles.xml", "Word", styles, tick)
    text = _Text(max_chars)
    _parse(archive, "word/document.xml", "Word", _WordText(text, styles.levels), tick)
    return str(text)


# --- OpenDocument -------------------------------------------------------------------------------

_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
# Deleted text kept for tracked changes, and comments in the margin, are not the text.
_ODT_SKIPPED = frozenset({f"{_TEXT}tracked-changes", f"{_OFFICE}annotation"})


def _count(value: str | None, most: int) -> int:
    return min(int(value), most) if value is not None and value.isdigit() else 1


class _OpenDocumentText:
    """Headings (text:h, with their outline level) and paragraphs (text:p) of content.xml;
    a note's paragraphs inside a paragraph come out as paragraphs of their own."""

    def __init__(self, text: _Text) -> None:
        self.text = text
        self.paragraphs: list[_Paragraph] = []
        self.skipped = 0

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        if tag in _ODT_SKIPPED:
            self.skipped += 1
        elif self.skipped:
            return
        elif tag == f"{_TEXT}h":
            level = _count(attrib.get(f"{_TEXT}outline-level"), DEEPEST_HEADING)
            self.paragraphs.append(_Paragraph(max(level, 1)))
        elif tag == f"{_TEXT}p":
            self.paragraphs.append(_Paragraph())
        elif tag == f"{_TEXT}s":
            self.data(" " * _count(attrib.get(f"{_TEXT}c"), 100))
        elif tag == f"{_TEXT}tab":
            self.data("\t")
        elif tag == f"{_TEXT}line-break":
            self.data("\n")

    def end(self, tag: str) -> None:
        if tag in _ODT_SKIPPED:
            self.skipped -= 1
        elif not self.skipped and tag in {f"{_TEXT}h", f"{_TEXT}p"} and self.paragraphs:
            paragraph = self.paragraphs.pop()
            words = "".join(paragraph.parts)
            if paragraph.level is not None:
                self.text.heading(paragraph.level, words)
            else:
                self.text.add(words)

    def data(self, text: str) -> None:
        if self.paragraphs and not self.skipped:
            self.text.count(len(text))
            self.paragraphs[-1].parts.append(text)


def _odt(content: bytes, *, max_chars: int, tick: Tick) -> str:
    archive = _archive(content)
    text = _Text(max_chars)
    _parse(archive, "content.xml", "OpenDocument", _OpenDocumentText(text), tick)
    return str(text)


# --- PDF, text ----------------------------------------------------------------------------------


def _pdf(content: bytes, *, max_chars: int, tick: Tick) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    text = _Text(max_chars)
    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            raise UnreadableFile("de PDF is beveiligd met een wachtwoord")
        pages: Any = reader.pages
        count = len(pages)
    except UnreadableFile:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
        raise UnreadableFile("de PDF is beschadigd") from error
    for number in range(count):
        tick()
        try:
            page_text = pages[number].extract_text() or ""
        except (
            PdfReadError,
            ValueError,
            KeyError,
            TypeError,
            AttributeError,
            RecursionError,
        ) as error:
            raise UnreadableFile(f"pagina {number + 1} van de PDF is beschadigd") from error
        finally:
            # pypdf keeps every object it has read, a page's content stream unpacked with it:
            # a PDF of small packed pages would fill the memory with all of them. Read page by
            # page, what a page needed is read again by the page that needs it too.
            reader.resolved_objects.clear()
        text.count(len(page_text))
        text.add(page_text)
    return str(text)


def _plain(content: bytes, *, max_chars: int, tick: Tick) -> str:
    # UTF-8 takes at least one byte per character: more bytes than four per allowed character
    # cannot fit, and are not decoded at all.
    if len(content) > 4 * max_chars:
        raise _too_much(max_chars)
    try:
        decoded = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        decoded = content.decode("cp1252", errors="replace")
    if len(decoded) > max_chars:
        raise _too_much(max_chars)
    return decoded


READERS: dict[str, Callable[..., str]] = {
    "pdf": _pdf,
    "docx": _docx,
    "odt": _odt,
    "txt": _plain,
    "md": _plain,
}


def extract_text(
    content: bytes, extension: str, *, max_chars: int = MAX_CHARS, tick: Tick = _nothing
) -> str:
    """The text of a file of a kind Koepel accepts; UnreadableFile when it cannot be read."""
    reader = READERS.get(extension)
    if reader is None:
        raise UnreadableFile(f"bestanden van het type {extension} worden niet gelezen")
    text: str = reader(content, max_chars=max_chars, tick=tick)
    return text.replace("\x00", "")


def is_markdown(extension: str, text: str) -> bool:
    """Whether the text carries Markdown headings (Markdown files and converted office files)."""
    return extension in {"md", "docx", "odt"} or text.lstrip().startswith("# ")
