"""Minutes, decisions, descriptions and report texts are Markdown, shown through one renderer
that keeps only harmless HTML; the HTML minutes of before are converted without losing a
word; a preview shows the text without saving it."""

from __future__ import annotations

import importlib
import re

import pytest
from bs4 import BeautifulSoup
from django.apps import apps as django_apps
from django.template import Context, Template
from django.test import Client
from django.urls import reverse

from koepel.accounts.tests.factories import UserFactory
from koepel.core.markup import html_to_markdown, render_markdown
from koepel.meetings.models import Meeting
from koepel.meetings.tests.factories import MeetingFactory
from koepel.registry.tests.factories import BodyFactory
from koepel.search.text import html_to_text

migration = importlib.import_module("koepel.meetings.migrations.0008_minutes_in_markdown")


def shown(text: str) -> BeautifulSoup:
    """The text as a page shows it: through the template filter every page uses."""
    html = Template("{% load koepel %}<div>{{ text|markdown }}</div>").render(
        Context({"text": text})
    )
    return BeautifulSoup(html, "html.parser")


def words(html: str) -> list[str]:
    return html_to_text(html).split()


# --- the renderer ---------------------------------------------------------------------------


def test_markdown_is_rendered_headings_lists_links_emphasis_and_tables() -> None:
    page = shown(
        "## Opening\n\nDe voorzitter **opent** de bijeenkomst en heet *iedereen* welkom.\n"
        "Tweede regel.\n\n- woningbouw\n- [de brief](https://g40.nl/brief)\n\n"
        "| Gemeente | Aantal |\n| --- | --- |\n| Breda | 3 |\n"
    )
    assert page.find("h2").get_text() == "Opening"
    assert page.find("strong").get_text() == "opent"
    assert page.find("em").get_text() == "iedereen"
    assert page.find("br") is not None  # a single line break stays one
    assert [li.get_text() for li in page.find_all("li")] == ["woningbouw", "de brief"]
    assert page.find("a")["href"] == "https://g40.nl/brief"
    assert [td.get_text() for td in page.find_all("td")] == ["Breda", "3"]


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="https://g40.nl" onclick="alert(1)">klik</a>',
        "[klik](javascript:alert(1))",
        "[klik](JaVaScRiPt:alert(1))",
        "[klik](data:text/html;base64,PHNjcmlwdD4=)",
        '<div style="position:fixed">over alles heen</div>',
        "<iframe src=https://example.org></iframe>",
    ],
)
def test_the_filter_keeps_no_script_event_attribute_or_dangerous_link(hostile: str) -> None:
    page = shown(f"Tekst voor.\n\n{hostile}\n\nTekst na.")
    assert page.find_all(["script", "img", "iframe", "style", "div"])[1:] == []  # only ours
    for element in page.find_all(True):
        assert not [name for name in element.attrs if name.lower().startswith("on")]
        assert "style" not in element.attrs
        href = element.get("href", "")
        assert not re.match(r"\s*(javascript|data|vbscript):", href, re.IGNORECASE), href
    assert "Tekst voor." in page.get_text() and "Tekst na." in page.get_text()


def test_html_typed_in_markdown_is_shown_as_the_text_it_is() -> None:
    page = shown("Gebruik <b>vet</b> niet zo.")
    assert page.find("b") is None
    assert page.get_text() == "Gebruik <b>vet</b> niet zo."


def test_the_report_keeps_to_the_tags_its_word_file_can_write() -> None:
    from koepel.core.markup import REPORT_TAGS

    html = render_markdown("## Kop\n\n| a | b |\n| - | - |\n| 1 | 2 |\n", tags=REPORT_TAGS)
    page = BeautifulSoup(html, "html.parser")
    assert page.find(["h2", "table", "td"]) is None
    assert words(html) == ["Kop", "a", "b", "1", "2"]


# --- the conversion of the HTML minutes -----------------------------------------------------

# Minutes as they were typed into the HTML text box: the examples the pages and the browser
# walk used, and the kinds of markup the old form allowed.
HTML_MINUTES = [
    "<p>De themagroep besprak de nieuwe ronde van het Europees Fonds voor Regionale "
    "Ontwikkeling.</p>",
    "<p>Besproken: <strong>TOZO</strong></p>",
    "<p>Besluit over <strong>deelauto</strong>&#39;s</p><ul><li>parkeer&amp;normen</li></ul>",
    "<h2>Opening</h2><p>De voorzitter <b>opent</b> de bijeenkomst om 10.00 uur en heet "
    "<i>iedereen</i> welkom.<br>Afwezig met bericht: Breda, Ede.</p>"
    "<h3>1. Vaststellen agenda</h3><p>De agenda wordt vastgesteld.</p>"
    '<h3>2. Woningbouw</h3><ol><li>Stand van zaken <a href="https://g40.nl/wonen_2021">'
    "woondeals</a></li><li>Reactie op de <u>brief</u> van BZK</li></ol>"
    "<blockquote>Wij vragen het Rijk om 1 miljard.</blockquote>"
    '<table><thead><tr><th scope="col">Gemeente</th><th scope="col">Woningen</th></tr>'
    "</thead><tbody><tr><td>Zwolle | Kampen</td><td>1.200</td></tr><tr><td>Amersfoort</td>"
    "<td>950</td></tr></tbody></table>"
    "<p>2021. Een jaar van *sterretjes*, _lage streepjes_, [haken] en `accenten`.</p>"
    "<p>- geen lijst</p><p># geen kop</p><p>a &lt;b&gt; c \\ d</p>"
    "<h4>Rondvraag</h4><ul><li>Geen.</li></ul><p>Sluiting om 12.00 uur.</p>",
    "Gewone tekst zonder opmaak, zoals een bulk-import die schreef.",
]


@pytest.mark.parametrize("html", HTML_MINUTES)
def test_converted_minutes_keep_every_word_in_order(html: str) -> None:
    converted = html_to_markdown(html)
    assert words(str(render_markdown(converted))) == words(html)


def test_converted_minutes_keep_their_structure() -> None:
    html = HTML_MINUTES[3]
    before = BeautifulSoup(html, "html.parser")
    after = BeautifulSoup(render_markdown(html_to_markdown(html)), "html.parser")
    for tag in ("h2", "h3", "h4", "ol", "ul", "li", "blockquote", "th", "td", "a", "br"):
        assert len(after.find_all(tag)) == len(before.find_all(tag)), tag
    assert [a["href"] for a in after.find_all("a")] == ["https://g40.nl/wonen_2021"]
    assert [b.get_text() for b in after.find_all("strong")] == ["opent"]
    assert [td.get_text() for td in after.find_all("td")][:2] == ["Zwolle | Kampen", "1.200"]


def test_what_was_never_shown_is_not_brought_back() -> None:
    converted = html_to_markdown('<p>Tekst</p><script>alert("x")</script><style>p{}</style>')
    assert converted == "Tekst"


@pytest.mark.django_db
def test_the_migration_converts_stored_html_minutes_and_back() -> None:
    body = BodyFactory()
    html_meetings = [MeetingFactory(bodies=[body]) for _ in HTML_MINUTES]
    empty = MeetingFactory(bodies=[body])
    for meeting, html in zip(html_meetings, HTML_MINUTES, strict=True):
        Meeting.objects.filter(pk=meeting.pk).update(minutes=html)

    migration.minutes_to_markdown(django_apps, None)

    for meeting, html in zip(html_meetings, HTML_MINUTES, strict=True):
        meeting.refresh_from_db()
        assert meeting.minutes == html_to_markdown(html)
        assert words(str(render_markdown(meeting.minutes))) == words(html)
    assert Meeting.objects.get(pk=empty.pk).minutes == ""

    migration.minutes_to_html(django_apps, None)
    back = Meeting.objects.get(pk=html_meetings[1].pk).minutes
    assert BeautifulSoup(back, "html.parser").find("strong").get_text() == "TOZO"


# --- the preview ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_preview_shows_the_text_keeps_it_in_the_form_and_saves_nothing(client: Client) -> None:
    meeting = MeetingFactory(bodies=[BodyFactory()], minutes="Oude tekst.")
    client.force_login(UserFactory(office=True))
    typed = "## Opening\n\nDe voorzitter **opent** de bijeenkomst.\n\n<script>x()</script>"

    response = client.post(
        reverse("meetings:minutes", args=[meeting.pk]),
        {"minutes": typed, "version": str(meeting.minutes_version), "voorbeeld": "1"},
    )

    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    preview = page.find(id="voorbeeld")
    assert preview is not None
    assert preview.find("h2", id="voorbeeld-heading").get_text() == "Voorbeeld"
    assert preview.find("strong").get_text() == "opent"
    assert preview.find("script") is None
    assert page.find("textarea", attrs={"name": "minutes"}).get_text().strip() == typed
    button = page.find("button", attrs={"name": "voorbeeld"})
    assert button.get_text() == "Voorbeeld" and button["formaction"] == "#voorbeeld"
    stored = Meeting.objects.get(pk=meeting.pk)
    assert (stored.minutes, stored.minutes_version) == ("Oude tekst.", meeting.minutes_version)

    saved = client.post(
        reverse("meetings:minutes", args=[meeting.pk]),
        {"minutes": typed, "version": str(meeting.minutes_version)},
    )
    assert saved.status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).minutes == typed


@pytest.mark.django_db
def test_a_markdown_field_says_how_to_write_and_how_it_is_shown(client: Client) -> None:
    meeting = MeetingFactory(bodies=[BodyFactory()], minutes="Besproken: **TOZO**.")
    client.force_login(UserFactory(office=True))
    form = BeautifulSoup(
        client.get(reverse("meetings:minutes", args=[meeting.pk])).content, "html.parser"
    )
    textarea = form.find("textarea", attrs={"name": "minutes"})
    help_text = form.find(id=textarea["aria-describedby"])
    assert "Markdown" in help_text.get_text() and "**vet**" in help_text.get_text()
    assert form.find(id="voorbeeld") is None  # no preview until asked for

    page = BeautifulSoup(client.get(meeting.get_absolute_url()).content, "html.parser")
    assert page.select_one(".minutes strong").get_text() == "TOZO"
