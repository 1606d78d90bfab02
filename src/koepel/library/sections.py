"""Split a document's text into sections by its headings.

Two kinds of input:

``markdown``
    ATX headings (``#`` … ``######``) give the titles and levels exactly; lines inside fenced
    code blocks are never headings.

``text``
    Plain text, typically taken from a PDF. Headings are recognised by their shape and place,
    with rules that hold for Dutch reports in general:

    * A heading is a short line (at most eight words) that starts with a capital letter, a
      quote or a section number, does not end in punctuation (``. , ; : ! ?``) or in a word
      that needs a continuation ("de", "van", "met", …), is not a list item and is not only
      a number (a page number).
    * A *stand-alone* heading has a blank line (or the start of the text, or a page break)
      before it and a blank line after it. An *inline* heading is at most three words with a
      blank line before it and its text directly on the next line ("Lobby" above a
      paragraph).
    * A heading does not continue a running sentence: the line before it ends a sentence or
      is a heading itself. Two exceptions, both of which a sentence cannot produce: the line
      opens a new page (the page order of an extracted PDF is not to be trusted), or it is
      directly followed by another heading (a stack of headings such as a pillar's name above
      its first sub-heading).
    * A line that starts with whitespace opens a new page: text taken from a PDF marks page
      breaks that way. A page break also starts a new paragraph.

    Levels follow from the structure, in this order:

    1. Numbered headings ("2.3 Werkwijze") take the depth of their number.
    2. An inline heading sits one level below the last stand-alone heading.
    3. A heading that follows another heading with no text between them is its child, unless
       both start with the same word ("Thema Wonen" directly after "Thema Zorg"): then they
       are siblings.
    4. A heading whose first word is the first word of one of the open headings above it
       takes that heading's level: a second "Pijler …" closes the first one and everything
       under it.
    5. A heading that opens a stack (rule 3 applies to the heading after it) starts a new
       group one level up from where the text was.
    6. Otherwise a heading is a sibling of the last stand-alone heading, except when the
       last two siblings share a first word ("Thema …", "Thema …") and this one does not:
       then the run of siblings is over and the heading goes one level up. This is how a
       closing "Informatie over …" after a list of theme groups becomes a top-level section
       again, while "Thema Armoede" after a lone "Algemeen" stays beside it.

    Articles ("de", "het", "een") do not count as a shared first word.

In both kinds, a word broken by a hyphen at a line end is joined first (see
:func:`join_hyphenation`; fenced code is left as it is); lines within a paragraph are joined
with a space and paragraphs are separated by a blank line; list items, table rows and fenced
code keep their own lines. Nothing is dropped: every non-blank character of the input ends up
in a section's title or text, text before the first heading included (as a section with an
empty title). Pages out of order are not put back in order: a section holds what follows its
heading in the text as given.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["SectionDraft", "join_hyphenation", "split_sections"]


@dataclass(frozen=True)
class SectionDraft:
    """One section as found in the text, before it is stored."""

    # 1 is the top level.
    level: int
    # The heading as written, whitespace-normalised; "" for text before the first heading.
    title: str
    # The body under the heading up to the next one: paragraphs separated by a blank line.
    text: str
    # The titles from the top down to this one: ("Pijler ‘Fysiek’", "Thema Woningmarkt").
    trail: tuple[str, ...]


# --- Hyphenation -------------------------------------------------------------------------------

# The hyphen, the soft hyphen and the Unicode hyphen; not dashes (–, —), which end a clause.
_HYPHENS = "-\u00ad\u2010"
# "asiel-\nen integratieketen": a hyphen before a conjunction stands for a shared word part
# ("asielketen en integratieketen") and must stay, with the space after it.
_ELLIPSIS_FOLLOWERS = frozenset({"en", "of", "tot", "noch", "als", "and", "or", "to"})
_FIRST_WORD = re.compile(r"[^\W\d_]+")


def join_hyphenation(text: str) -> str:
    """Join words broken by a hyphen at a line end: "gezamen-\\nlijke" becomes "gezamenlijke".

    The hyphen is dropped only between two lower-case letters; after a capital or a digit it
    is part of the word ("G40-\\ngemeenten" becomes "G40-gemeenten"). A line that starts with
    whitespace opens a new page, which need not be the page that continues the word, so it is
    never joined to the line before it.
    """
    return "\n".join(_joined_lines(_split_lines(text)))


def _split_lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _joined_lines(lines: list[str]) -> list[str]:
    """``join_hyphenation`` line by line: the lines as they are after joining."""
    joined: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        while index + 1 < len(lines):
            merged = _join_broken_word(line, lines[index + 1])
            if merged is None:
                break
            line = merged
            index += 1
        joined.append(line)
        index += 1
    return joined


def _join_broken_word(line: str, following: str) -> str | None:
    stripped = line.rstrip()
    if len(stripped) < 2 or stripped[-1] not in _HYPHENS or not stripped[-2].isalnum():
        return None  # no hyphen, or a dash standing on its own (" - ")
    if not following[:1].isalpha():
        return None  # a blank line, a page break, or a line starting with a number or sign
    word = _FIRST_WORD.match(following)
    if word is not None and word.group().lower() in _ELLIPSIS_FOLLOWERS:
        return None
    hyphen = stripped[-1]
    if hyphen == "\u00ad" or (stripped[-2].islower() and following[0].islower()):
        hyphen = ""
    return stripped[:-1] + hyphen + following


# --- Line shapes -------------------------------------------------------------------------------

_MAX_HEADING_WORDS = 8
_MAX_HEADING_CHARS = 90
_MAX_INLINE_HEADING_WORDS = 3
_OPENING_QUOTES = "‘“'\"«„"
_CLOSING_MARKS = "’”'\"»)]"
_FINAL_PUNCTUATION = ".,;:!?"
_ARTICLES = frozenset({"de", "het", "een", "the", "a", "an"})
# A line ending in one of these breaks off a running sentence ("… samen met de").
_DANGLING_WORDS = frozenset(
    {
        *("de", "het", "een", "en", "of", "van", "met", "in", "op", "voor", "aan", "te"),
        *("naar", "door", "bij", "om", "tot", "die", "dat", "als", "maar", "zoals", "over"),
        *("the", "a", "an", "and", "or", "to", "with", "for", "by"),
    }
)

# Bullets and the list numbering that a heading never has: "1)", "a)", "a.".
_LIST_ITEM = re.compile(r"^(?:[-–—•▪◦·●*+]\s|\(?\d{1,3}\)\s|\(?[a-z][.)]\s)")
# Section numbers: "2 Aanpak", "2. Aanpak", "2.3 Werkwijze", "2.3.1. Planning".
_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.?\s+(?=[^\W\d_])")
# A sentence ends in . ! or ?, possibly followed by closing quotes or brackets.
_SENTENCE_END = re.compile(r"[.!?…][’”'\")\]]*$")


def _words(line: str) -> list[str]:
    return line.split()


def _is_list_item(line: str) -> bool:
    return bool(_LIST_ITEM.match(line))


def _number_depth(line: str) -> int | None:
    match = _NUMBERED.match(line)
    if match is None:
        return None
    remainder = line[match.end() :]
    if not remainder[:1].isupper():
        return None  # "14 juni …" is a date, not section 14
    return match.group(1).count(".") + 1


def _has_heading_shape(line: str) -> bool:
    words = _words(line)
    if not words or len(words) > _MAX_HEADING_WORDS or len(line) > _MAX_HEADING_CHARS:
        return False
    if _is_list_item(line) or "://" in line or "@" in line:
        return False
    if not any(character.isalpha() for character in line):
        return False  # a page number or a row of figures
    if line.rstrip(_CLOSING_MARKS)[-1:] in _FINAL_PUNCTUATION:
        return False
    if len(words) > 1 and words[-1].lower() in _DANGLING_WORDS:
        return False
    first = line.lstrip(_OPENING_QUOTES)[:1]
    return first.isupper() or _number_depth(line) is not None


def _ends_sentence(line: str) -> bool:
    return bool(_SENTENCE_END.search(line))


def _lead_word(title: str) -> str | None:
    """The first word, for telling siblings ("Thema …", "Thema …") from the rest."""
    if _number_depth(title) is not None:
        return None
    for word in title.split():
        cleaned = word.strip(_OPENING_QUOTES + _CLOSING_MARKS + _FINAL_PUNCTUATION).lower()
        if cleaned:
            return None if cleaned in _ARTICLES else cleaned
    return None


def _normalise_space(line: str) -> str:
    return " ".join(line.split())


# --- Headings ----------------------------------------------------------------------------------


@dataclass
class _Heading:
    line: int  # index of the heading line
    title: str
    inline: bool = False
    number_depth: int | None = None
    after_heading: bool = False  # no text between the previous heading and this one
    stacked: bool = False  # the next heading follows with no text between
    level: int = 1

    @property
    def lead(self) -> str | None:
        return _lead_word(self.title)


@dataclass(frozen=True, slots=True)
class _Line:
    raw: str
    text: str  # stripped

    @property
    def blank(self) -> bool:
        return not self.text

    @property
    def opens_page(self) -> bool:
        return bool(self.text) and self.raw[:1].isspace()


def _text_headings(lines: list[_Line]) -> list[_Heading]:
    """Find the heading lines of plain text, by shape first and then by context."""
    count = len(lines)
    shape: list[str | None] = [None] * count  # "standalone", "inline" or None
    for index, line in enumerate(lines):
        if line.blank or not _has_heading_shape(line.text):
            continue
        after_break = index == 0 or lines[index - 1].blank or line.opens_page
        if not after_break:
            continue
        following = lines[index + 1] if index + 1 < count else None
        if following is None or following.blank:
            shape[index] = "standalone"
        elif (
            len(_words(line.text)) <= _MAX_INLINE_HEADING_WORDS
            and _number_depth(line.text) is None
            and not following.opens_page
            and following.text.lstrip(_OPENING_QUOTES)[:1].isupper()
            and not _is_list_item(following.text)
        ):
            shape[index] = "inline"

    accepted: list[bool] = [False] * count
    previous: int | None = None  # the last non-blank line
    for index, line in enumerate(lines):
        if line.blank:
            continue
        kind = shape[index]
        if kind is not None:
            nxt = _next_text_line(lines, index)
            accepted[index] = (
                previous is None
                or line.opens_page
                or accepted[previous]
                or _ends_sentence(lines[previous].text)
                or (kind == "standalone" and nxt is not None and shape[nxt] is not None)
            )
        previous = index

    headings: list[_Heading] = []
    last: int | None = None
    for index in range(count):
        if not accepted[index]:
            continue
        heading = _Heading(
            line=index,
            title=_normalise_space(lines[index].text),
            inline=shape[index] == "inline",
            number_depth=_number_depth(lines[index].text),
        )
        if last is not None and all(lines[k].blank for k in range(last + 1, index)):
            heading.after_heading = True
            headings[-1].stacked = True
        headings.append(heading)
        last = index
    return headings


def _next_text_line(lines: list[_Line], index: int) -> int | None:
    for following in range(index + 1, len(lines)):
        if not lines[following].blank:
            return following
    return None


def _assign_levels(headings: list[_Heading]) -> None:
    """Give each heading a level from the structure around it (rules in the module docstring)."""
    open_headings: list[_Heading] = []  # the trail of the heading placed last
    siblings: dict[int, list[_Heading]] = {}  # stand-alone headings per level, since their parent
    current = 0  # level of the last stand-alone heading
    previous: _Heading | None = None
    for heading in headings:
        if heading.number_depth is not None:
            level = heading.number_depth
        elif heading.inline:
            level = current + 1
        elif previous is not None and heading.after_heading and not previous.inline:
            same_kind = heading.lead is not None and heading.lead == previous.lead
            level = previous.level if same_kind else previous.level + 1
        elif (ancestor := _open_with_lead(open_headings, heading.lead)) is not None:
            level = ancestor.level
        elif current == 0:
            level = 1
        elif heading.stacked:
            level = max(1, current - 1)
        else:
            run = siblings.get(current, [])
            run_lead = run[-1].lead if len(run) >= 2 and run[-1].lead == run[-2].lead else None
            ends_run = run_lead is not None and heading.lead != run_lead
            level = max(1, current - 1) if ends_run else current
        heading.level = level

        while open_headings and open_headings[-1].level >= level:
            open_headings.pop()
        open_headings.append(heading)
        if not heading.inline:
            for deeper in [known for known in siblings if known > level]:
                del siblings[deeper]
            siblings.setdefault(level, []).append(heading)
            current = level
        previous = heading


def _open_with_lead(open_headings: list[_Heading], lead: str | None) -> _Heading | None:
    if lead is None:
        return None
    for heading in reversed(open_headings):
        if not heading.inline and heading.lead == lead:
            return heading
    return None


# --- Body text ---------------------------------------------------------------------------------

_MARKDOWN_OWN_LINE = re.compile(r"^(?:[-*+]\s|\d{1,3}[.)]\s|>|\|)")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")


def _body_text(lines: list[_Line], *, markdown: bool) -> str:
    """Paragraphs of one section: lines joined with a space, a blank line between paragraphs."""
    paragraphs: list[list[str]] = []
    current: list[str] = []  # the lines of the paragraph being built
    fence: str | None = None

    def close() -> None:
        nonlocal current
        if current:
            paragraphs.append(current)
        current = []

    for line in lines:
        if markdown and fence is not None:
            current.append(line.raw.rstrip())
            if line.text.startswith(fence):
                fence = None
                close()
            continue
        if markdown and (opening := _FENCE.match(line.raw)):
            close()
            fence = opening.group(1)
            current.append(line.raw.rstrip())
            continue
        if line.blank:
            close()
            continue
        if not markdown and line.opens_page:
            close()
        text = line.text if markdown and line.text.startswith("|") else _normalise_space(line.text)
        own_line = _MARKDOWN_OWN_LINE.match(text) if markdown else _is_list_item(text)
        if current and not own_line:
            current[-1] = f"{current[-1]} {text}"
        else:
            current.append(text)
    close()
    return "\n\n".join("\n".join(paragraph) for paragraph in paragraphs)


# --- Splitting ---------------------------------------------------------------------------------

_ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")


def _markdown_headings(lines: list[_Line]) -> list[_Heading]:
    headings: list[_Heading] = []
    fence: str | None = None
    for index, line in enumerate(lines):
        if fence is not None:
            if line.text.startswith(fence):
                fence = None
            continue
        if opening := _FENCE.match(line.raw):
            fence = opening.group(1)
            continue
        if match := _ATX_HEADING.match(line.raw):
            title = _normalise_space(match.group(2) or "")
            headings.append(_Heading(line=index, title=title, level=len(match.group(1))))
    return headings


def _lines_outside_fences_joined(text: str) -> list[str]:
    """The lines of Markdown with broken words joined, but fenced code exactly as it is."""
    lines: list[str] = []
    segment: list[str] = []
    fence: str | None = None
    for line in _split_lines(text):
        opening = _FENCE.match(line)
        if fence is None and opening is None:
            segment.append(line)
            continue
        if segment:
            lines.extend(_joined_lines(segment))
            segment = []
        lines.append(line)
        if fence is None and opening is not None:
            fence = opening.group(1)
        elif fence is not None and line.strip().startswith(fence):
            fence = None
    if segment:
        lines.extend(_joined_lines(segment))
    return lines


def _trails(headings: list[_Heading]) -> Iterator[tuple[str, ...]]:
    stack: list[_Heading] = []
    for heading in headings:
        while stack and stack[-1].level >= heading.level:
            stack.pop()
        stack.append(heading)
        yield tuple(item.title for item in stack)


def split_sections(text: str, *, fmt: str = "text") -> list[SectionDraft]:
    """The sections of ``text`` in document order; ``fmt`` is "text" or "markdown"."""
    if fmt not in {"text", "markdown"}:
        raise ValueError(f"Unknown format {fmt!r}: use 'text' or 'markdown'.")
    markdown = fmt == "markdown"
    # The text is held here once more, as lines, and once more as the sections' text: never
    # as a whole string in between (reading.py counts on that for its memory).
    raws = _lines_outside_fences_joined(text) if markdown else _joined_lines(_split_lines(text))
    lines = [_Line(raw, raw.strip()) for raw in raws]
    del raws
    if markdown:
        headings = _markdown_headings(lines)
    else:
        headings = _text_headings(lines)
        _assign_levels(headings)

    drafts: list[SectionDraft] = []
    first = headings[0].line if headings else len(lines)
    preamble = _body_text(lines[:first], markdown=markdown)
    if preamble:
        drafts.append(SectionDraft(level=1, title="", text=preamble, trail=()))
    for position, (heading, trail) in enumerate(zip(headings, _trails(headings), strict=True)):
        end = headings[position + 1].line if position + 1 < len(headings) else len(lines)
        body = _body_text(lines[heading.line + 1 : end], markdown=markdown)
        drafts.append(
            SectionDraft(level=heading.level, title=heading.title, text=body, trail=trail)
        )
    return drafts
