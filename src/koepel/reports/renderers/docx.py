"""The report as a Word document the network office can edit further.

Everything is a real Word style (Title, Heading 1 and 2, Normal for the words people wrote,
Body Text for the prose written from the records, List Bullet, Hyperlink), so
restyling the document or building its contents again works as the office expects. The
contents is a TOC field: Word fills in the page numbers when the field is updated (it asks when
the document is opened); until then it lists the sections without page numbers.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin
from weakref import WeakKeyDictionary

from django.conf import settings
from docx import Document as new_document
from docx.document import Document
from docx.enum.section import WD_SECTION_START
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from koepel.reports.assemble import Assembled, ShownFact, ShownSection
from koepel.reports.models import Audience
from koepel.reports.style import word_template

LANGUAGE = "nl-NL"
BLUE = RGBColor(0x15, 0x42, 0x73)  # the headings' colour in the HTML and PDF
LINK_BLUE = RGBColor(0x01, 0x68, 0x9B)
GREY = RGBColor(0x53, 0x5D, 0x6B)
FACTS_STYLE = "Body Text"
TOC_INSTRUCTION = 'TOC \\o "1-2" \\h \\z \\u'
TOC_HINT = (
    "Werk de inhoudsopgave bij om de paginanummers te zien: klik er met de rechtermuisknop op "
    "en kies ‘Veld bijwerken’ (of druk op F9)."
)


class DocxRenderer:
    identifier = "docx"
    label = "Word (DOCX)"
    extension = "docx"
    content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

    def render(self, report: Assembled) -> bytes:
        template = word_template()
        document = new_document(io.BytesIO(template) if template else None)
        if template:
            _empty(document)
        _set_up(document, report, own_style=template is None)
        _cover(document, report)
        _contents(document, report)
        for section in report.sections:
            _section(document, section)
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()


# --- the document as a whole ---------------------------------------------------------------


# The paragraph styles the report uses. A template made in Word often holds only some of them
# (the others are "latent": known to Word, not written in the file); those are added, based on
# the template's Normal, so the template's look carries over to everything.
PARAGRAPH_STYLES = (
    "Title",
    "Subtitle",
    "Heading 1",
    "Heading 2",
    "TOC Heading",
    FACTS_STYLE,
    "Quote",
    "List Bullet",
    "List Number",
    "List Continue",
)


def _empty(document: Document) -> None:
    """Remove a template's own text, keeping its page set-up (the body's last sectPr), its
    styles, headers and footers."""
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def _set_up(document: Document, report: Assembled, *, own_style: bool = True) -> None:
    """Page, properties, language and styles. With the office's template (``own_style``
    False) the template's page size, margins, headers, footers and colours are kept."""
    page = document.sections[0]
    page.start_type = WD_SECTION_START.NEW_PAGE
    if own_style:
        page.page_width, page.page_height = Mm(210), Mm(297)
        page.top_margin = page.bottom_margin = Mm(25)
        page.left_margin = page.right_margin = Mm(22)
        # The cover has no page number; every other page has one, centred in the footer.
        page.different_first_page_header_footer = True
        footer = page.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _field(footer, "PAGE", "1")

    properties = document.core_properties
    now = dt.datetime.now(tz=dt.UTC).replace(microsecond=0)
    properties.title = f"{report.title} · {report.network_name}"
    properties.subject = f"Jaarverslag van {report.network_name} over {report.year}" + (
        " (interne versie)" if report.audience == Audience.NETWORK else ""
    )
    properties.author = properties.last_modified_by = report.network_name
    properties.language = LANGUAGE
    properties.keywords = f"jaarverslag, {report.year}"
    properties.comments = ""
    properties.category = "Jaarverslag"
    properties.created = properties.modified = now
    properties.revision = 1

    _set_language(document)
    _ask_to_update_fields(document)
    _add_styles(document, own_style=own_style)


def _add_styles(document: Document, *, own_style: bool = True) -> None:
    styles = document.styles
    present = {style.name for style in styles}
    for name in PARAGRAPH_STYLES:
        if name not in present:
            added = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH, builtin=True)
            added.base_style = styles["Normal"]
            added.unhide_when_used = True
            if name.startswith("Heading "):
                # The contents field finds headings by their outline level.
                level = OxmlElement("w:outlineLvl")
                level.set(qn("w:val"), str(int(name.rsplit(" ", 1)[1]) - 1))
                added.element.get_or_add_pPr().append(level)
    if own_style:
        for name in ("Title", "Heading 1", "Heading 2", "TOC Heading"):
            styles[name].font.color.rgb = BLUE
    if "Hyperlink" not in [style.name for style in styles]:
        link = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER, builtin=True)
        link.font.color.rgb = LINK_BLUE
        link.font.underline = True
        link.unhide_when_used = True
        link.priority = 99
    for level in (1, 2):
        # Word's own names for the styles of the contents' entries.
        if f"toc {level}" not in [style.name for style in styles]:
            entry = styles.add_style(f"toc {level}", WD_STYLE_TYPE.PARAGRAPH, builtin=True)
            entry.base_style = styles["Normal"]
            entry.paragraph_format.left_indent = Mm(6 * (level - 1))
            entry.paragraph_format.space_after = Pt(3)
            entry.unhide_when_used = True
            entry.priority = 39


# Looking a style up by name costs python-docx a scan of all styles; a long report asks for
# one some thousand times, so each document's style ids are looked up once.
_STYLE_IDS: WeakKeyDictionary[Any, dict[str, str]] = WeakKeyDictionary()


def _paragraph(document: Document, style: str, text: str = "") -> Paragraph:
    ids = _STYLE_IDS.get(document.part)
    if ids is None:
        ids = _STYLE_IDS[document.part] = {
            known.name: known.style_id for known in document.styles if known.name
        }
    paragraph = document.add_paragraph(text)
    if style != "Normal":
        paragraph._p.get_or_add_pPr().style = ids[style]
    return paragraph


def _set_language(document: Document) -> None:
    """Dutch for spelling and hyphenation, in the style defaults every style inherits."""
    language = document.styles.element.find(
        f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}"
    )
    if language is not None:
        language.set(qn("w:val"), LANGUAGE)
    theme_language = document.settings.element.find(qn("w:themeFontLang"))
    if theme_language is not None:
        theme_language.set(qn("w:val"), LANGUAGE)


# The elements that follow w:updateFields in w:settings: Word refuses a file whose settings are
# out of the schema's order.
AFTER_UPDATE_FIELDS = (
    "w:hdrShapeDefaults",
    "w:footnotePr",
    "w:endnotePr",
    "w:compat",
    "w:docVars",
    "w:rsids",
    "m:mathPr",
    "w:attachedSchema",
    "w:themeFontLang",
    "w:clrSchemeMapping",
    "w:doNotIncludeSubdocsInStats",
    "w:doNotAutoCompressPictures",
    "w:forceUpgrade",
    "w:captions",
    "w:readModeInkLockDown",
    "w:smartTagType",
    "sl:schemaLibrary",
    "w:shapeDefaults",
    "w:doNotEmbedSmartTags",
    "w:decimalSymbol",
    "w:listSeparator",
)


def _ask_to_update_fields(document: Document) -> None:
    """Word then offers, on opening, to fill in the contents' page numbers."""
    settings = document.settings.element
    if settings.find(qn("w:updateFields")) is not None:
        return
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    following = [
        found for tag in AFTER_UPDATE_FIELDS if (found := settings.find(qn(tag))) is not None
    ]
    if following:
        following[0].addprevious(update)
    else:
        settings.append(update)


# --- cover and contents --------------------------------------------------------------------


def _cover(document: Document, report: Assembled) -> None:
    title = _paragraph(document, "Title")
    title.paragraph_format.space_before = Pt(200)
    title.add_run(report.network_name)
    title.add_run().add_break()
    title.add_run(report.title)
    if report.audience == Audience.NETWORK:
        _paragraph(document, "Subtitle", "Interne versie voor de leden van het netwerk")


def _contents(document: Document, report: Assembled) -> None:
    heading = _paragraph(document, "TOC Heading", "Inhoud")
    heading.paragraph_format.page_break_before = True
    # The field's result until it is updated: the hint, then the sections without page numbers.
    hint = document.add_paragraph()
    _field_begin(hint, TOC_INSTRUCTION, dirty=True)
    hint_run = hint.add_run(TOC_HINT)
    hint_run.italic = True
    hint_run.font.color.rgb = GREY
    last = hint
    for section in report.sections:
        last = _paragraph(document, f"toc {section.level}", f"{section.number} {section.title}")
    _field_end(last)


def _field(paragraph: Paragraph, instruction: str, shown: str) -> None:
    _field_begin(paragraph, instruction)
    paragraph.add_run(shown)
    _field_end(paragraph)


def _field_begin(paragraph: Paragraph, instruction: str, *, dirty: bool = False) -> None:
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    if dirty:  # Word recomputes a dirty field's result when it opens the document
        begin.set(qn("w:dirty"), "true")
    paragraph.add_run()._r.append(begin)
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    paragraph.add_run()._r.append(text)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    paragraph.add_run()._r.append(separate)


def _field_end(paragraph: Paragraph) -> None:
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(end)


# --- sections and facts --------------------------------------------------------------------


def _section(document: Document, section: ShownSection) -> None:
    heading = _paragraph(document, f"Heading {section.level}", f"{section.number} {section.title}")
    if section.level == 1:
        heading.paragraph_format.page_break_before = True
    if section.narrative_html:
        NarrativeWriter(document).write(section.narrative_html)
    for sentences in section.paragraphs:
        # The generated prose, a paragraph per subject, in a style of its own so the office
        # can tell it from its own words (Normal) and restyle it at once.
        paragraph = _paragraph(document, FACTS_STYLE)
        for index, fact in enumerate(sentences):
            if index:
                paragraph.add_run(" ")
            _fact(paragraph, fact)


def _fact(paragraph: Paragraph, fact: ShownFact) -> None:
    """The fact's sentence; a source whose name the sentence holds is linked in place ("de 40
    gemeenten zijn: Alkmaar, …"), the others follow as numbered links, as in the HTML."""
    text = fact.text
    placed: list[tuple[int, int, str]] = []
    rest: list[tuple[str, str]] = []
    for label, url in sorted(fact.links, key=lambda link: -len(link[0])):
        match = re.search(rf"(?<!\w){re.escape(label)}(?!\w)", text) if label else None
        if match and not any(
            start < match.end() and match.start() < end for start, end, _ in placed
        ):
            placed.append((match.start(), match.end(), url))
        else:
            rest.append((label, url))
    rest.sort(key=lambda link: fact.links.index(link))
    position = 0
    for start, end, url in sorted(placed):
        if start > position:
            paragraph.add_run(text[position:start])
        add_hyperlink(paragraph, url, text[start:end])
        position = end
    if position < len(text):
        paragraph.add_run(text[position:])
    for number, (label, url) in enumerate(rest, start=1):
        paragraph.add_run(" ")
        add_hyperlink(paragraph, url, f"[{number}]", tooltip=label)


def add_hyperlink(
    paragraph: Paragraph,
    url: str,
    text: str,
    *,
    tooltip: str = "",
    bold: bool = False,
    italic: bool = False,
) -> Run:
    """A run inside a ``w:hyperlink`` to an external address, in the Hyperlink style."""
    relationship = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    hyperlink = OxmlElement("w:hyperlink")
    hyperlink.set(qn("r:id"), relationship)
    hyperlink.set(qn("w:history"), "1")
    if tooltip:
        hyperlink.set(qn("w:tooltip"), tooltip[:255])
    paragraph._p.append(hyperlink)
    run = Run(OxmlElement("w:r"), paragraph)
    hyperlink.append(run._r)
    run.text = text
    run._r.get_or_add_rPr().style = "Hyperlink"  # the id _add_styles gives it
    run.bold = bold or None
    run.italic = italic or None
    return run


# --- the narrative: the sanitised HTML of a section's Markdown -----------------------------


class NarrativeWriter(HTMLParser):
    """Writes the few tags a narrative may hold (p, br, strong, em, ul, ol, li, a, blockquote,
    h3, h4) as Word paragraphs and runs."""

    def __init__(self, document: Document) -> None:
        super().__init__(convert_charrefs=True)
        self.document = document
        self.paragraph: Paragraph | None = None
        self.lists: list[tuple[str, int]] = []  # ("ul" or "ol", the numbering of an ol)
        self.quote = 0
        self.bold = 0
        self.italic = 0
        self.link: str | None = None

    def write(self, html: str) -> None:
        self.feed(html)
        self.close()
        self._finish()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"ul", "ol"}:
            self._finish()
            numbering = 0
            if tag == "ol":
                numbering = _restarted_numbering(
                    self.document, _list_style([*self.lists, (tag, 0)])
                )
            self.lists.append((tag, numbering))
        elif tag == "li":
            self._finish()
            self._start(_list_style(self.lists))
            if self.lists and self.lists[-1][1] and self.paragraph is not None:
                num_pr = self.paragraph._p.get_or_add_pPr().get_or_add_numPr()
                num_pr.get_or_add_ilvl().val = 0
                num_pr.get_or_add_numId().val = self.lists[-1][1]
        elif tag == "p":
            if self.paragraph is not None and self.lists and not self.paragraph.text.strip():
                return  # an item of a loose list, <li><p>…</p></li>, is one paragraph
            self._finish()
            self._start("List Continue" if self.lists else None)
        elif tag in {"h3", "h4"}:
            self._finish()
            self._start(f"Heading {tag[1]}")
        elif tag == "blockquote":
            self._finish()
            self.quote += 1
        elif tag in {"strong", "b"}:
            self.bold += 1
        elif tag in {"em", "i"}:
            self.italic += 1
        elif tag == "a":
            href = dict(attrs).get("href")
            # A link to a page of the site itself is written relative to it; in a file it needs
            # the site's address.
            self.link = urljoin(f"{settings.KOEPEL_BASE_URL}/", href) if href else None
        elif tag == "br" and self.paragraph is not None:
            self.paragraph.add_run().add_break()

    def handle_endtag(self, tag: str) -> None:
        if tag in {"p", "li", "h3", "h4"}:
            self._finish()
        elif tag in {"ul", "ol"}:
            self._finish()
            if self.lists:
                self.lists.pop()
        elif tag == "blockquote":
            self._finish()
            self.quote = max(0, self.quote - 1)
        elif tag in {"strong", "b"}:
            self.bold = max(0, self.bold - 1)
        elif tag in {"em", "i"}:
            self.italic = max(0, self.italic - 1)
        elif tag == "a":
            self.link = None

    def handle_data(self, data: str) -> None:
        text = re.sub(r"\s+", " ", data)
        paragraph = self.paragraph
        if paragraph is None:
            if not text.strip():
                return
            paragraph = self._start(_list_style(self.lists) if self.lists else None)
        if not paragraph.text:
            text = text.lstrip()
            if not text:
                return
        if self.link:
            add_hyperlink(paragraph, self.link, text, bold=self.bold > 0, italic=self.italic > 0)
        else:
            run = paragraph.add_run(text)
            run.bold = self.bold > 0 or None
            run.italic = self.italic > 0 or None

    def _start(self, style: str | None) -> Paragraph:
        if style is None:
            style = "Quote" if self.quote else "Normal"
        self.paragraph = _paragraph(self.document, style)
        return self.paragraph

    def _finish(self) -> None:
        runs = self.paragraph.runs if self.paragraph is not None else []
        if runs and runs[-1].text != runs[-1].text.rstrip():
            runs[-1].text = runs[-1].text.rstrip()
        self.paragraph = None


def _list_style(lists: list[tuple[str, int]]) -> str:
    base = "List Number" if lists and lists[-1][0] == "ol" else "List Bullet"
    depth = min(len(lists), 3)
    return base if depth <= 1 else f"{base} {depth}"


def _restarted_numbering(document: Document, style_name: str) -> int:
    """A numbering of the style's list that counts from 1 again, so that a numbered list does
    not go on from the previous one in the document. 0 when the style has no numbering."""
    style_num = document.styles[style_name].element.find(
        f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}"
    )
    if style_num is None:
        return 0
    numbering = document.part.numbering_part.element
    nums = numbering.findall(qn("w:num"))
    abstract = next(
        (
            ref.get(qn("w:val"))
            for num in nums
            if num.get(qn("w:numId")) == style_num.get(qn("w:val"))
            and (ref := num.find(qn("w:abstractNumId"))) is not None
        ),
        None,
    )
    if abstract is None:
        return 0
    new_id = max((int(num.get(qn("w:numId")) or 0) for num in nums), default=0) + 1
    num = OxmlElement("w:num")
    num.set(qn("w:numId"), str(new_id))
    reference = OxmlElement("w:abstractNumId")
    reference.set(qn("w:val"), abstract)
    num.append(reference)
    override = OxmlElement("w:lvlOverride")
    override.set(qn("w:ilvl"), "0")
    start = OxmlElement("w:startOverride")
    start.set(qn("w:val"), "1")
    override.append(start)
    num.append(override)
    numbering.append(num)
    return new_id
