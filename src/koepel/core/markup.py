"""One way to write text: Markdown, rendered to sanitised HTML in one place.

Minutes, decisions, descriptions and the annual report's texts are stored as the Markdown
people typed. They are rendered when shown, by ``render_markdown`` (in templates the
``|markdown`` filter of ``koepel``), and the HTML that comes out is cleaned by nh3 to a short
list of harmless tags: no script, no style, no event attributes, and links only to http,
https and mailto addresses. Storing the source rather than HTML means a text can be changed
in the form it was written in, and a better renderer later improves every stored text.

``html_to_markdown`` turns the HTML of an older text (the minutes were once typed as HTML)
into Markdown; a data migration uses it once.
"""

from __future__ import annotations

import re

import markdown
import nh3
from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe
from markdownify import MarkdownConverter

# What any text may hold. Headings start at h2: the page's own title is the h1.
TEXT_TAGS = frozenset(
    {
        "p",
        "br",
        "strong",
        "em",
        "b",
        "i",
        "u",
        "code",
        "pre",
        "hr",
        "ul",
        "ol",
        "li",
        "h2",
        "h3",
        "h4",
        "blockquote",
        "a",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    }
)
# The annual report's texts: what its Word file can write too (reports/renderers/docx.py).
REPORT_TAGS = frozenset(
    {"p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote", "h3", "h4"}
)
URL_SCHEMES = frozenset({"http", "https", "mailto"})

_EXTENSIONS = ["tables", "sane_lists", "nl2br"]


def _markdown() -> markdown.Markdown:
    md = markdown.Markdown(extensions=_EXTENSIONS, output_format="html")
    # No HTML inside the Markdown: what is typed as a tag shows as the text it is. One way to
    # write text, and nothing for the sanitiser to guess about.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


def render_markdown(text: str, *, tags: frozenset[str] = TEXT_TAGS) -> SafeString:
    """The sanitised HTML of Markdown ``text``; a single line break stays a line break, as
    people who type in a text box expect."""
    if not text or not text.strip():
        return mark_safe("")
    html = _markdown().convert(text)
    cleaned = nh3.clean(
        html,
        tags=set(tags),
        attributes={"a": {"href"}, "th": {"scope", "align"}, "td": {"align"}},
        url_schemes=set(URL_SCHEMES),
        link_rel="nofollow noopener noreferrer",
    )
    return mark_safe(cleaned)  # noqa: S308 (cleaned by nh3 just above)


# The name of the "Voorbeeld" button (core/_preview_button.html): a form sent with it is
# shown again with its text rendered beside it, and nothing is saved.
PREVIEW_BUTTON = "voorbeeld"


def preview_of(
    request: HttpRequest, field: str, *, tags: frozenset[str] = TEXT_TAGS
) -> SafeString | None:
    """The rendered text of ``field`` when the form was sent with the preview button, else
    None: then the view saves as usual. Works without JavaScript."""
    if request.method != "POST" or PREVIEW_BUTTON not in request.POST:
        return None
    return render_markdown(request.POST.get(field, ""), tags=tags)


_BLANK_LINES = re.compile(r"\n{3,}")
# Text that Markdown would read as markup: backslashes, code, links, table cells anywhere;
# headings, quotes, list items and rules at the start of a line.
_ANYWHERE = re.compile(r"([\\`\[\]|])")
_LINE_START = re.compile(r"^(\s*)([-+#>]|\d+[.)](?=\s|$))", re.MULTILINE)


class _Converter(MarkdownConverter):
    def escape(self, text: str, parent_tags: set[str]) -> str:
        text = _ANYWHERE.sub(r"\\\1", text or "")
        text = _LINE_START.sub(lambda m: m.group(1) + _escaped_start(m.group(2)), text)
        return str(super().escape(text, parent_tags))  # type: ignore[misc]


def _escaped_start(marker: str) -> str:
    if marker[0].isdigit():
        return marker[:-1] + "\\" + marker[-1]
    return "\\" + marker


def html_to_markdown(html: str) -> str:
    """Markdown that renders to what ``html`` showed: paragraphs, headings, lists, links,
    bold and italics, quotes and tables. What Markdown cannot say (underlining) keeps its
    words; whatever the sanitiser would not have shown (scripts, styles) is dropped."""
    if not html or not html.strip():
        return ""
    shown = nh3.clean(
        html, tags=set(TEXT_TAGS), attributes={"a": {"href"}}, url_schemes=set(URL_SCHEMES)
    )
    text = _Converter(
        heading_style="ATX", bullets="-", escape_misc=False, table_infer_header=True
    ).convert(shown)
    lines = [line if line.endswith("  ") else line.rstrip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
