"""A whole new network, built through HTTP alone: the first-run page, the office's own pages and
the API, as an administrator with a browser and a token would. Nothing is written through the
ORM, a service or a command; the one thing read from outside the site is the setup code, which
``setup_code_issue()`` returns as ``koepel serve`` prints it on the console.

Then its annual report, and a look through every page, API answer, feed and report of the
network for the G40's own words: a network that never used them must never see them."""

from __future__ import annotations

import base64
import csv
import json
import re
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_otp.oath import totp

from koepel.accounts.setup import setup_code_issue

DATA = Path(__file__).resolve().parents[2] / "registry" / "data"
PASSWORD = "een-lang-eigen-wachtwoord"
API = "/api/v1"
YEAR = "2025"

# The G40's own words, none of which the new network's data contains.
G40_WORDS = [
    "pijler",
    "pijlers",
    "Overige themagroepen",
    "bestuurlijke netwerkdag",
    "pijleroverleg",
    "ontbijtsessie",
    "Stedennetwerk",
    "Zwolle",
    "G40",
]


@pytest.fixture(autouse=True)
def _g40_vocabulary(db: None) -> None:
    """The suite gives every test the demo's vocabulary (conftest.py); this network starts from
    a truly empty database, so it gets none: its words are the ones the first-run page gives."""


# --- Reading what a browser and an API client get ---------------------------------------------


def _text(response: Any) -> str:
    """What a reader sees of a page or an answer: its visible text and its attributes' values
    (a title, a label, a link), or the whole body of anything that is not HTML."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode()
    if "html" not in response.get("Content-Type", ""):
        return text
    soup = BeautifulSoup(text, "html.parser")
    values = [str(v) for tag in soup.find_all(True) for v in tag.attrs.values()]
    return soup.get_text(" ") + " " + " ".join(values)


def _leaks(text: str) -> list[str]:
    return [w for w in G40_WORDS if re.search(rf"\b{re.escape(w)}\b", text, re.IGNORECASE)]


class Api:
    """The API as a client with a token sends it: JSON, and If-Match for a change."""

    def __init__(self, token: str) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Token {token}"}

    def get(self, url: str) -> Any:
        return self.client.get(f"{API}{url}", headers=self.headers)

    def post(self, url: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self.client.post(
            f"{API}{url}", data=body, content_type="application/json", headers=self.headers
        )
        assert response.status_code == 201, (url, response.json())
        return dict(response.json())

    def patch(self, url: str, body: dict[str, Any]) -> dict[str, Any]:
        etag = self.get(url)["ETag"]
        response = self.client.patch(
            f"{API}{url}",
            data=body,
            content_type="application/json",
            headers={**self.headers, "If-Match": etag},
        )
        assert response.status_code == 200, (url, response.json())
        return dict(response.json())

    def upload(self, url: str, name: str, content: bytes) -> dict[str, Any]:
        response = self.client.post(
            f"{API}{url}", {"bestand": SimpleUploadedFile(name, content)}, headers=self.headers
        )
        assert response.status_code == 201, (url, response.json())
        return dict(response.json())


# --- Building the network ---------------------------------------------------------------------


def _start_the_network(office: Client) -> None:
    """The first-run page with the code from the console, then the office's sign-in with its
    password and the authenticator app it sets up on the enrolment page."""
    assert office.get("/")["Location"] == "/inrichten/"
    made = office.post(
        "/inrichten/",
        {
            "setup_code": setup_code_issue(),
            "name": "Verbond van Polder en Heide",
            "short_name": "Polder en Heide",
            "website": "https://polder-en-heide.example",
            "username": "bureau",
            "email": "bureau@polder-en-heide.example",
            "password": PASSWORD,
            "password_again": PASSWORD,
        },
    )
    assert (made.status_code, made["Location"]) == (302, "/inloggen/")
    signed_in = office.post("/inloggen/", {"username": "bureau", "password": PASSWORD})
    assert signed_in.status_code == 302
    enrol = "/account/tweestapsverificatie/"
    page = BeautifulSoup(office.get(enrol).content, "html.parser")
    secret = page.select_one("code.uri")
    assert secret is not None
    key = base64.b32decode("".join(secret.get_text().split()))
    done = office.post(enrol, {"code": f"{totp(key):06d}"})
    assert done.status_code == 302 and done["Location"].startswith("/account/herstelcodes/")
    assert office.get("/").status_code == 200


def _make_a_token(office: Client) -> str:
    page = office.post("/account/api-sleutels/", {"name": "inrichting", "lifetime": "90"})
    assert page.status_code == 200
    secret = BeautifulSoup(page.content, "html.parser").select_one("code.token-secret")
    assert secret is not None
    return secret.get_text(strip=True)


def _member_names(count: int) -> list[str]:
    """Municipalities of the national list that are no G40 city and whose name is theirs
    alone (not "Bergen", which two municipalities are called)."""
    with (DATA / "g40" / "gemeenten.csv").open(encoding="utf-8") as g40:
        taken = {row["name"] for row in csv.DictReader(g40)}
    with (DATA / "nl-gemeenten.csv").open(encoding="utf-8") as national:
        names = [row["name"] for row in csv.DictReader(national)]
    plain = [n for n in names if n not in taken and "(" not in n and names.count(n) == 1]
    return sorted(plain)[:count]


def _import_members(office: Client, names: list[str]) -> None:
    rows = "".join(f";{name};;2020;\n" for name in names)
    table = "cbs-code;gemeente;provincie;begin;einde\n" + rows
    url = "/register/importeren/leden/"
    upload = SimpleUploadedFile("leden.csv", table.encode(), content_type="text/csv")
    checked = office.post(url, {"step": "check", "file": upload})
    assert "Gecontroleerd: elke regel klopt" in checked.content.decode()
    done = office.post(url, {"step": "import"}, follow=True)
    assert "Het bestand is geïmporteerd." in done.content.decode()


def _the_tree(api: Api, cities: list[str]) -> dict[str, list[str]]:
    """A board and two working groups beneath it, each with a chair, a secretary and members;
    the board's chair changes on 1 July. Returns who sits in each body."""
    api.post("/gremia", {"slug": "bestuur", "naam": "Bestuur", "soort": "bestuur"})
    for slug, name in (
        ("werkgroep-water", "Werkgroep Water"),
        ("werkgroep-wonen", "Werkgroep Wonen"),
    ):
        api.post(
            "/gremia",
            {"slug": slug, "naam": name, "soort": "werkgroep", "onderdeelVan": "bestuur"},
        )
    people = {
        "bestuur": ["anna-bakker", "bram-visser", "carla-smit", "daan-mulder"],
        "werkgroep-water": ["eva-bos", "finn-meijer", "gert-dekker"],
        "werkgroep-wonen": ["hanna-kok", "ivo-peters", "jet-hendriks"],
    }
    # (person, body, function, begin, end): the board's chair leaves on 30 June, and a member
    # of the board succeeds her on 1 July.
    roles = [
        ("anna-bakker", "bestuur", "voorzitter", "2024-01-01", "2025-06-30"),
        ("bram-visser", "bestuur", "secretaris", "2024-01-01", ""),
        ("carla-smit", "bestuur", "lid", "2024-01-01", ""),
        ("daan-mulder", "bestuur", "lid", "2024-01-01", "2025-06-30"),
        ("daan-mulder", "bestuur", "voorzitter", "2025-07-01", ""),
    ]
    for body in ("werkgroep-water", "werkgroep-wonen"):
        chair, secretary, member = people[body]
        roles += [
            (chair, body, "voorzitter", "2024-01-01", ""),
            (secretary, body, "secretaris", "2024-01-01", ""),
            (member, body, "lid", "2024-01-01", ""),
        ]
    city_of = dict(zip([p for slugs in people.values() for p in slugs], cities, strict=False))
    for slug, code in city_of.items():
        name = slug.replace("-", " ").title()
        api.post(
            "/personen",
            {"slug": slug, "naam": name, "functietitel": "wethouder", "gemeente": code},
        )
    for person, body, function, begin, end in roles:
        role = {
            "persoon": person,
            "gremium": body,
            "functie": function,
            "namensGemeente": city_of[person],
            "begin": begin,
        }
        api.post("/rollen", {**role, "eind": end} if end else role)
    return people


def _a_year_of_meetings(api: Api, people: dict[str, list[str]]) -> None:
    meetings = [
        ("bestuur", "bestuursvergadering", "2025-03-12", "Bestuursvergadering maart"),
        ("bestuur", "bestuursvergadering", "2025-09-17", "Bestuursvergadering september"),
        ("bestuur", "ledenvergadering", "2025-11-20", "Ledenvergadering"),
        ("werkgroep-water", "werkgroepoverleg", "2025-04-08", "Overleg dijken en duinen"),
        ("werkgroep-wonen", "werkgroepoverleg", "2025-05-13", "Overleg woningbouw"),
    ]
    for body, kind, day, title in meetings:
        meeting = api.post(
            "/bijeenkomsten",
            {
                "titel": title,
                "soort": kind,
                "niveau": "bestuurlijk",
                "vorm": "fysiek",
                "datum": day,
                "gremia": [body],
                "zichtbaarheid": "public",
                "status": "gehouden",
            },
        )
        assert meeting["status"] == "gehouden"
        url = f"/bijeenkomsten/{meeting['id']}"
        for item in ("Opening", "Verslag vorige keer", "Rondvraag"):
            api.post(f"{url}/agendapunten", {"titel": item, "duur": 10})
        # Who held a seat on the day: the chair who left in June is at the March meeting.
        seated = people[body]
        if body == "bestuur":
            seated = seated[:3] if day < "2025-07-01" else seated[1:]
        for person in seated:
            came = api.post(f"{url}/uitnodigingen", {"persoon": person, "aanwezig": True})
            assert came["aanwezig"] is True


def _lobby_and_a_document(api: Api) -> None:
    api.post(
        "/lobbydossiers",
        {
            "slug": "sterke-dijken",
            "titel": "Geld voor sterke dijken",
            "doel": "Het Rijk betaalt mee aan het versterken van de dijken.",
            "gremia": ["bestuur"],
            "zichtbaarheid": "public",
        },
    )
    letter = api.post(
        "/lobbyacties",
        {
            "titel": "Brief aan de minister over de dijken",
            "soort": "brief",
            "datum": "2025-05-02",
            "dossiers": ["sterke-dijken"],
            "gremia": ["bestuur"],
            "zichtbaarheid": "public",
            "fase": "verzonden",
            "vastgesteldDoor": "bestuur",
            "vastgesteldOp": "2025-03-12",
        },
    )
    assert (letter["fase"], letter["datum"]) == ("verzonden", "2025-05-02")
    api.post(
        "/lobbydossiers/sterke-dijken/uitkomsten",
        {"status": "behaald", "datum": "2025-10", "bewijs": "Geld in de begroting van 2026."},
    )
    document = api.post(
        "/documenten",
        {
            "titel": "Notitie dijkversterking",
            "soort": "rapport",
            "datum": "2025-04",
            "gremia": ["bestuur"],
        },
    )
    note = b"# Dijkversterking\n\nWat de leden samen vragen van het Rijk.\n"
    api.upload(f"/documenten/{document['slug']}/bestanden", "notitie.md", note)


# --- The test ---------------------------------------------------------------------------------


def test_a_new_network_built_by_http_alone_reports_its_year_without_the_g40s_words(
    db: None, settings: Any
) -> None:
    settings.KOEPEL_FIRST_RUN_REDIRECT = True
    office = Client()
    _start_the_network(office)
    api = Api(_make_a_token(office))

    names = _member_names(60)
    _import_members(office, names)
    members = api.get("/lidmaatschappen?actueel=true&paginaGrootte=100").json()
    assert members["aantal"] == 60
    codes = sorted(row["gemeente"] for row in members["resultaten"])
    network = api.get("/netwerk").json()
    assert network["naam"] == "Verbond van Polder en Heide"

    people = _the_tree(api, codes)
    _a_year_of_meetings(api, people)
    _lobby_and_a_document(api)

    # The annual report, on its page, in the API and as a download, with the board's work.
    report_page = office.get(f"/jaarverslag/{YEAR}/")
    assert report_page.status_code == 200
    download = office.get(f"/jaarverslag/{YEAR}/download/html/")
    assert download.status_code == 200
    report_api = api.get(f"/jaarverslagen/{YEAR}")
    assert report_api.status_code == 200, report_api.json()
    board_work = [
        "Bestuursvergadering maart",  # its meetings, as the sources of what it did
        "Bestuursvergadering september",
        "Daan Mulder",  # the chair from July, and the one before
        "Anna Bakker",
        "Brief aan de minister over de dijken",  # the letter sent
        "Geld voor sterke dijken",  # the dossier and its outcome
    ]
    for report in (_text(report_page), _text(download)):
        assert [work for work in board_work if work not in report] == []
    sections = api.get(f"/jaarverslagen/{YEAR}/secties?paginaGrootte=100")
    assert sections.status_code == 200
    as_data = json.dumps(sections.json(), ensure_ascii=False)
    assert "brief aan de minister over de dijken" in as_data.lower() and "Daan Mulder" in as_data

    # Every page, answer, feed and report of the network, searched for the G40's words.
    seen: dict[str, str] = {}
    pages = ["/", "/gemeenten/", "/gremia/", f"/bijeenkomsten/?jaar={YEAR}", "/lobby/"]
    for body in people:
        pages.append(f"/gremia/{body}/")
    first_meeting = api.get("/bijeenkomsten").json()["resultaten"][0]["id"]
    pages.append(f"/bijeenkomsten/{first_meeting}/")
    for url in pages:
        response = office.get(url)
        assert response.status_code == 200, url
        seen[url] = _text(response)
        if url.startswith("/gremia/") and url != "/gremia/":
            feed = BeautifulSoup(response.content, "html.parser").select_one('a[href$=".ics"]')
            assert feed is not None, url
            feed_url = str(feed["href"])
            ics = Client().get(feed_url)  # a calendar app, signed in as nobody
            assert ics.status_code == 200 and b"BEGIN:VEVENT" in ics.content, feed_url
            seen[feed_url] = _text(ics)
    seen["jaarverslag"] = _text(report_page)
    seen["jaarverslag.html"] = _text(download)
    for url in (
        "/netwerk",
        "/gremia",
        "/bijeenkomsten",
        f"/jaarverslagen/{YEAR}",
        f"/jaarverslagen/{YEAR}/secties?paginaGrootte=100",
    ):
        response = api.get(url)
        assert response.status_code == 200, url
        seen[f"{API}{url}"] = json.dumps(response.json(), ensure_ascii=False)

    assert "Polder en Heide" in seen["/"]
    leaks = {url: _leaks(text) for url, text in seen.items() if _leaks(text)}
    assert leaks == {}
