"""Every list page exports what it shows, as CSV and as Excel, and nothing more.

Each list is asked through the test client, as a visitor, a member of the network and the
office, for a file in each format; the file is read with the csv module or openpyxl, and its
rows must be exactly the records of that list the reader may see (a restricted record never
reaches an outsider). The page carries the links, with its filters and without its page number.
The cost of an export does not grow with its number of rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from post_office.models import STATUS, Email

from koepel.accounts.tests.factories import UserFactory
from koepel.advocacy.models import Dossier, LobbyAction
from koepel.core.tables import read
from koepel.core.visibility import Visibility
from koepel.library.models import Document
from koepel.meetings.models import Meeting
from koepel.meetings.tables import MEETINGS
from koepel.meetings.tests.factories import MeetingFactory
from koepel.registry.models import Body
from koepel.registry.tests.factories import BodyFactory, RoleFactory

pytestmark = pytest.mark.django_db

LEVELS = (Visibility.PUBLIC, Visibility.NETWORK, Visibility.RESTRICTED)
# Who may see a record of each level, by the design's rule (the office sees everything).
SEEN = {
    "visitor": {Visibility.PUBLIC},
    "member": {Visibility.PUBLIC, Visibility.NETWORK},
    "office": set(LEVELS),
}


def _meetings(body: Body, level: str, n: int = 1) -> list[str]:
    titles = [f"Overleg {level} {i}" for i in range(n)]
    for title in titles:
        MeetingFactory(title=title, visibility=level, bodies=[body], date=dt.date(2021, 3, 1))
    return titles


def _dossiers(body: Body, level: str, n: int = 1) -> list[str]:
    titles = [f"Dossier {level} {i}" for i in range(n)]
    for i, title in enumerate(titles):
        dossier = Dossier.objects.create(
            title=title, slug=f"dossier-{level}-{i}", goal="Meer woningen.", visibility=level
        )
        dossier.bodies.set([body])
    return titles


def _documents(body: Body, level: str, n: int = 1) -> list[str]:
    titles = [f"Rapport {level} {i}" for i in range(n)]
    for i, title in enumerate(titles):
        document = Document.objects.create(
            title=title,
            slug=f"rapport-{level}-{i}",
            kind="rapport",
            date=dt.date(2021, 7, 1),
            visibility=level,
        )
        document.bodies.set([body])
    return titles


def _lobby_actions(body: Body, level: str, n: int = 1) -> list[str]:
    titles = [f"Brief {level} {i}" for i in range(n)]
    for title in titles:
        action = LobbyAction.objects.create(
            title=title, kind="brief", date=dt.date(2021, 4, 1), stage="verzonden", visibility=level
        )
        action.bodies.set([body])
    return titles


# The list pages, each with how to make its records and the header of its title column.
LISTS: dict[str, tuple[str, Callable[..., list[str]], str]] = {
    "meetings": ("/bijeenkomsten/?jaar=2021", _meetings, "titel"),
    "dossiers": ("/lobby/", _dossiers, "titel"),
    "documents": ("/kennisbank/", _documents, "titel"),
    "lobby timeline": ("/lobby/tijdlijn/2021/", _lobby_actions, "titel"),
}


@pytest.fixture
def clients() -> dict[str, Client]:
    body = BodyFactory(visibility=Visibility.PUBLIC)
    member = UserFactory(person=RoleFactory(body=body).person)
    made: dict[str, Client] = {"visitor": Client(), "member": Client(), "office": Client()}
    made["member"].force_login(member)
    made["office"].force_login(UserFactory(office=True))
    return made


def _with(url: str, **params: str) -> str:
    return url + ("&" if "?" in url else "?") + "&".join(f"{k}={v}" for k, v in params.items())


def _csv(response: Any) -> list[dict[str, str]]:
    data = b"".join(response)
    assert data.startswith(b"\xef\xbb\xbf"), "CSV starts with the byte-order mark Excel reads"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def _xlsx(response: Any) -> list[dict[str, Any]]:
    sheet = load_workbook(io.BytesIO(b"".join(response)), read_only=True).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(header, row, strict=True)) for row in rows]


def _export(client: Client, url: str, file_format: str) -> list[dict[str, Any]]:
    response = client.get(_with(url, formaat=file_format))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Content-Disposition"].endswith(f'.{file_format}"')
    assert "no-store" in response["Cache-Control"]
    return _csv(response) if file_format == "csv" else _xlsx(response)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize("name", sorted(LISTS))
def test_an_export_holds_exactly_the_rows_its_reader_may_see(
    clients: dict[str, Client], name: str, file_format: str
) -> None:
    url, make, column = LISTS[name]
    body = Body.objects.get()
    titles = {level: make(body, level) for level in LEVELS}
    for who, client in clients.items():
        rows = _export(client, url, file_format)
        expected = sorted(t for level in SEEN[who] for t in titles[level])
        assert sorted(row[column] for row in rows) == expected, (name, who)


@pytest.mark.parametrize("name", sorted(LISTS))
def test_every_list_page_links_its_export_with_its_filters(
    clients: dict[str, Client], name: str
) -> None:
    url, make, _column = LISTS[name]
    make(Body.objects.get(), Visibility.PUBLIC)
    page = BeautifulSoup(clients["office"].get(_with(url, pagina="1")).content, "html.parser")
    links = {a.get_text(strip=True): a["href"] for a in page.select(".export-links a")}
    assert set(links) == {"CSV", "Excel"}
    assert "Exporteren:" in page.select_one(".export-links").get_text()
    for file_format, href in zip(("csv", "xlsx"), (links["CSV"], links["Excel"]), strict=True):
        assert f"formaat={file_format}" in href
        assert "pagina" not in href
        if "jaar=2021" in url:
            assert "jaar=2021" in href


def test_the_export_keeps_the_pages_filters(clients: dict[str, Client]) -> None:
    body = Body.objects.get()
    _meetings(body, Visibility.PUBLIC)
    MeetingFactory(title="Vorig jaar", bodies=[body], date=dt.date(2020, 5, 1))
    rows = _export(clients["office"], "/bijeenkomsten/?jaar=2020", "csv")
    assert [row["titel"] for row in rows] == ["Vorig jaar"]


def test_an_unknown_format_is_no_page(clients: dict[str, Client]) -> None:
    assert clients["office"].get("/bijeenkomsten/?formaat=pdf").status_code == 404


def test_a_restricted_meeting_names_none_of_its_hidden_bodies(
    clients: dict[str, Client],
) -> None:
    """A public meeting of a restricted working group is exported without naming that group,
    as its page shows it."""
    hidden = BodyFactory(name="Geheime werkgroep", visibility=Visibility.RESTRICTED)
    MeetingFactory(title="Open overleg", bodies=[Body.objects.exclude(pk=hidden.pk).get(), hidden])
    for who in ("visitor", "member"):
        (row,) = _export(clients[who], "/bijeenkomsten/", "csv")
        assert "Geheime werkgroep" not in row["georganiseerd door"]
    (row,) = _export(clients["office"], "/bijeenkomsten/", "csv")
    assert "Geheime werkgroep" in row["georganiseerd door"]


def test_excel_has_dates_as_dates_and_csv_as_iso_text(clients: dict[str, Client]) -> None:
    body = Body.objects.get()
    MeetingFactory(title="Op de dag", bodies=[body], date=dt.date(2021, 9, 14))
    MeetingFactory(
        title="Ergens in oktober",
        bodies=[body],
        date=dt.date(2021, 10, 1),
        date_precision="month",
        start_time=None,
        end_time=None,
    )
    by_title = {row["titel"]: row for row in _export(clients["office"], "/bijeenkomsten/", "xlsx")}
    assert by_title["Op de dag"]["datum"] == dt.datetime(2021, 9, 14)  # noqa: DTZ001 - Excel keeps no zone
    assert by_title["Ergens in oktober"]["datum"] == "2021-10"
    assert isinstance(by_title["Op de dag"]["nummer"], int)
    csv_rows = {row["titel"]: row for row in _export(clients["office"], "/bijeenkomsten/", "csv")}
    assert csv_rows["Op de dag"]["datum"] == "2021-09-14"
    assert csv_rows["Op de dag"]["begintijd"] == "10:00"


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_what_an_export_writes_the_table_reads_back(
    clients: dict[str, Client], file_format: str
) -> None:
    """The format both ways: the shared reader takes either file of a list as that list."""
    _meetings(Body.objects.get(), Visibility.PUBLIC, n=2)
    response = clients["office"].get(f"/bijeenkomsten/?formaat={file_format}")
    rows = read(b"".join(response), MEETINGS)
    # Past meetings, as the page lists them: the most recent first.
    assert [row["titel"] for row in rows] == ["Overleg public 1", "Overleg public 0"]
    assert rows[0]["datum"] == "2021-03-01"


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize("name", sorted(LISTS))
def test_an_export_costs_the_same_for_many_rows(
    clients: dict[str, Client],
    django_assert_max_num_queries: Any,
    name: str,
    file_format: str,
) -> None:
    url, make, _column = LISTS[name]
    body = Body.objects.get()
    make(body, Visibility.PUBLIC, n=2)
    client = clients["member"]
    with django_assert_max_num_queries(40) as few:
        assert len(_export(client, url, file_format)) == 2
    Meeting.objects.all().delete()
    Dossier.objects.all().delete()
    Document.objects.all().delete()
    LobbyAction.objects.all().delete()
    make(body, Visibility.NETWORK, n=60)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(_export(client, url, file_format)) == 60


def test_the_outbox_exports_for_the_office_alone(clients: dict[str, Client]) -> None:
    Email.objects.create(
        from_email="bureau@example.org",
        to=["lid@example.org"],
        subject="Uitnodiging netwerkdag",
        status=STATUS.queued,
    )
    rows = _export(clients["office"], "/uitgaande-e-mail/", "csv")
    assert [(row["onderwerp"], row["aan"]) for row in rows] == [
        ("Uitnodiging netwerkdag", "lid@example.org")
    ]
    assert clients["member"].get("/uitgaande-e-mail/?formaat=csv").status_code == 403
    assert clients["visitor"].get("/uitgaande-e-mail/?formaat=csv").status_code == 302


def test_the_meeting_export_follows_the_tab_the_page_shows(clients: dict[str, Client]) -> None:
    body = Body.objects.get()
    next_year = timezone.localdate().year + 1
    MeetingFactory(title="Komt nog", bodies=[body], date=dt.date(next_year, 3, 1))
    MeetingFactory(title="Geweest", bodies=[body], date=dt.date(2021, 3, 1))
    office = clients["office"]
    assert [r["titel"] for r in _export(office, "/bijeenkomsten/?wanneer=coming", "csv")] == [
        "Komt nog"
    ]
    assert [r["titel"] for r in _export(office, "/bijeenkomsten/?wanneer=past", "csv")] == [
        "Geweest"
    ]
