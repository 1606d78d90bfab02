"""Parity of the audit trail: every write names who made it, whichever way it came in.

- Through the API: every write operation of the OpenAPI document (as the code describes it
  now, so a new endpoint is in the run the day it exists) is sent once with the network
  office's personal token, and each must leave entries in the trail that name the office's
  account as the actor and the token it used.
- Through the pages: every post form on every page of the site and of the back office is sent
  once, as a careful user fills it in, and every entry it leaves names the signed-in account
  (and no token).

What the API run needs to know per resource — a valid new record, and two changes — is in
``WRITES`` below; an operation of the document without an entry there fails the test by name,
so the list cannot fall behind the API.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from auditlog.models import LogEntry
from bs4 import BeautifulSoup, Tag
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from koepel.accounts.models import User
from koepel.accounts.tests.factories import UserFactory
from koepel.advocacy.models import Consultation
from koepel.api import services as api_services
from koepel.api.checks import api_views
from koepel.api.models import ApiToken
from koepel.api.tests.conftest import ApiClient, with_second_factor
from koepel.api.views.base import Resource
from koepel.api.views.openapi import document_json
from koepel.audit.registration import label_of
from koepel.audit.trail import action_code, token
from koepel.core.tests.test_every_form_withstands_hostile_input import (
    EXCLUDED,
    PostForm,
    _admin_pages,
    _forms,
    _plausible,
    _sent,
    _site_pages,
)
from koepel.registry import services as registry_services
from koepel.registry.models import Body, Membership, Municipality, Person
from koepel.registry.selectors import member_municipalities

pytestmark = pytest.mark.usefixtures("shared_demo")

KEY = re.compile(r"\{([^}]+)\}")
WRITE_METHODS = ("post", "put", "patch", "delete")


# -- what the API run sends ----------------------------------------------------------------


@dataclass(frozen=True)
class World:
    """Records of the demo network that new records refer to."""

    body: str
    person: str
    city: str
    outsider: str


@dataclass(frozen=True)
class Writes:
    # A valid new record (None: the resource has no POST).
    new: Callable[[World], dict[str, Any]] | None
    # The change sent with PATCH, and the one sent with PUT over the record as read.
    patch: dict[str, Any] = field(default_factory=dict)
    put: dict[str, Any] = field(default_factory=dict)
    # Done through the pages to the parent first, as a person would (a consultation opened).
    prepare: Callable[[Client, str], None] | None = None


def _open_consultation(office: Client, action_url: str) -> None:
    pk = action_url.rstrip("/").rsplit("/", 1)[-1]
    asked = office.post(
        reverse("advocacy:consult", args=[pk]),
        {
            "text": "De tekst van het concept.",
            "municipalities": list(member_municipalities().values_list("pk", flat=True)),
            "deadline": (timezone.localdate() + dt.timedelta(days=14)).isoformat(),
            "silence_rule": "geen_reactie",
        },
    )
    assert asked.status_code == 302
    assert Consultation.objects.filter(action_id=pk).exists()


def _pdf() -> SimpleUploadedFile:
    text = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    return SimpleUploadedFile("notitie.pdf", text, content_type="application/pdf")


# By the address of the collection in the document.
WRITES: dict[str, Writes] = {
    "/api/v1/bijeenkomsten": Writes(
        lambda w: {
            "titel": "Overleg over het spoor",
            "soort": "themasessie",
            "niveau": "bestuurlijk",
            "vorm": "online",
            "datum": "2031-09-14",
            "gremia": [w.body],
        },
        patch={"locatie": "Zwolle"},
        put={"locatie": "Deventer"},
    ),
    "/api/v1/bijeenkomsten/{bijeenkomst_pk}/actiepunten": Writes(
        lambda w: {"omschrijving": "Brief opstellen"},
        patch={"omschrijving": "Brief opstellen en versturen"},
        put={"omschrijving": "Brief versturen"},
    ),
    "/api/v1/bijeenkomsten/{bijeenkomst_pk}/agendapunten": Writes(
        lambda w: {"titel": "Opening", "duur": 10},
        patch={"titel": "Opening en mededelingen"},
        put={"titel": "Mededelingen"},
    ),
    "/api/v1/bijeenkomsten/{bijeenkomst_pk}/besluiten": Writes(
        lambda w: {"tekst": "De groep schrijft een brief."},
        patch={"tekst": "De groep schrijft een brief aan de minister."},
        put={"tekst": "De groep schrijft twee brieven."},
    ),
    "/api/v1/bijeenkomsten/{bijeenkomst_pk}/gasten": Writes(
        lambda w: {"persoon": w.person, "onderwerp": "Woningbouw"},
        patch={"onderwerp": "Woningbouw en ruimte"},
        put={"onderwerp": "Ruimte"},
    ),
    "/api/v1/bijeenkomsten/{bijeenkomst_pk}/uitnodigingen": Writes(
        lambda w: {"persoon": w.person},
        # Only the invitee answers; the secretary or the office records who came.
        patch={"aanwezig": True},
        put={"aanwezig": False},
    ),
    "/api/v1/deelnames": Writes(
        lambda w: {"gremium": w.body, "gemeente": w.city, "begin": "2021"},
        patch={"toelichting": "Namens de regio"},
        put={"toelichting": "Namens de stad"},
    ),
    "/api/v1/documenten": Writes(
        lambda w: {
            "slug": "notitie-spoor",
            "titel": "Notitie over het spoor",
            "soort": "rapport",
            "datum": "2021-05",
            "gremia": [w.body],
        },
        patch={"samenvatting": "Kort"},
        put={"samenvatting": "Korter"},
    ),
    "/api/v1/documenten/{document_slug}/bestanden": Writes(lambda w: {"bestand": _pdf()}),
    "/api/v1/gemeenten": Writes(
        lambda w: {"cbsCode": "GM9991", "naam": "Nieuwstad", "provincie": "pv23"},
        patch={"naam": "Nieuwstad aan Zee"},
        put={"naam": "Nieuwstad aan de IJssel"},
    ),
    "/api/v1/gremia": Writes(
        lambda w: {
            "slug": "werkgroep-spoor",
            "naam": "Werkgroep Spoor",
            "soort": "working_group",
            "onderdeelVan": w.body,
        },
        patch={"omschrijving": "Over het spoor"},
        put={"omschrijving": "Over spoor en bus"},
    ),
    "/api/v1/jaarverslagen/{jaarverslag_jaar}/secties": Writes(
        None, patch={"tekst": "Een jaar van bouwen."}, put={"tekst": "Een jaar van wonen."}
    ),
    "/api/v1/lobbyacties": Writes(
        lambda w: {
            "titel": "Brief over het spoor",
            "soort": "brief",
            "datum": "2021-05",
            "gremia": [w.body],
            # Open to the network, so that the member cities can be asked for their say.
            "zichtbaarheid": "network",
        },
        patch={"samenvatting": "Korte brief"},
        put={"samenvatting": "Lange brief"},
    ),
    "/api/v1/lobbyacties/{lobbyactie_pk}/reacties": Writes(
        # The office records the answer a city gave by phone, on its behalf.
        lambda w: {
            "gemeente": w.city,
            "antwoord": "eens",
            "gegevenDoor": "Wethouder",
            "gegevenVia": "telefoon",
        },
        prepare=_open_consultation,
    ),
    "/api/v1/lobbydossiers": Writes(
        lambda w: {"slug": "spoor", "titel": "Spoor", "doel": "Meer treinen", "gremia": [w.body]},
        patch={"doel": "Meer treinen en bussen"},
        put={"doel": "Meer bussen"},
    ),
    "/api/v1/lobbydossiers/{lobbydossier_slug}/uitkomsten": Writes(
        lambda w: {"status": "deels_behaald", "datum": "2021-12", "bewijs": "In de begroting."}
    ),
    "/api/v1/lidmaatschappen": Writes(
        # A city that is not a member yet, so its period overlaps no other.
        lambda w: {"gemeente": w.outsider, "begin": "2021-01-01"},
        patch={"eind": "2030-12-31"},
        put={"eind": "2031-12-31"},
    ),
    "/api/v1/mijlpalen": Writes(
        lambda w: {"titel": "Werkagenda vastgesteld", "datum": "2021-09", "gremia": [w.body]},
        patch={"omschrijving": "Door het bestuur"},
        put={"omschrijving": "Door de groep"},
    ),
    "/api/v1/netwerk": Writes(
        None, patch={"omschrijving": "Steden samen"}, put={"omschrijving": "Samen sterk"}
    ),
    "/api/v1/organisaties": Writes(
        lambda w: {"slug": "spoorbond", "naam": "Spoorbond", "soort": "other"},
        patch={"afkorting": "SB"},
        put={"afkorting": "SPB"},
    ),
    "/api/v1/personen": Writes(
        lambda w: {"slug": "pieter-spoor", "naam": "Pieter Spoor"},
        patch={"functietitel": "wethouder"},
        put={"functietitel": "burgemeester"},
    ),
    "/api/v1/rollen": Writes(
        lambda w: {"persoon": w.person, "gremium": w.body, "functie": "lid", "begin": "2021"},
        patch={"functieToelichting": "Wonen"},
        put={"functieToelichting": "Werken"},
    ),
}


def _document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(document_json())
    return document


def _shape(template: str) -> str:
    return KEY.sub("{}", template)


def _collection(template: str) -> str:
    """The collection an address belongs to: itself, or the address without its last key."""
    return template.rsplit("/", 1)[0] if template.endswith("}") else template


def _camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(part.title() for part in rest)


class ApiRun:
    """Sends every write of the document once, as the office with its token, and checks the
    entries each leaves in the trail."""

    def __init__(self, document: dict[str, Any], office: User, page: Client) -> None:
        self.paths: dict[str, dict[str, Any]] = document["paths"]
        self.schemas = document["components"]["schemas"]
        self.page = page
        self.office = office
        _, secret = api_services.token_create(user=with_second_factor(office), name="pariteit")
        self.token = ApiToken.objects.get(user=office, name="pariteit")
        self.api = ApiClient(secret)
        self.world = World(
            body=Body.objects.filter(kind="theme_group").order_by("pk")[0].slug,
            person=Person.objects.order_by("pk")[0].slug,
            city=Membership.objects.select_related("municipality")
            .order_by("pk")[0]
            .municipality.cbs_code,
            outsider=registry_services.municipality_save(
                municipality=Municipality(cbs_code="GM9992", name="Buitenstad", province="pv23")
            ).cbs_code,
        )
        self.items: dict[str, str] = {}  # the shape of an item address -> the record used
        self.made: list[tuple[str, str]] = []  # (item template, address) of records made
        self.done: set[tuple[str, str]] = set()  # (method, template) sent
        self.kinds: set[str] = set()  # the kinds of record written

    def operations(self) -> list[tuple[str, str]]:
        return [
            (method, template)
            for template, operations in self.paths.items()
            for method in operations
            if method in WRITE_METHODS
        ]

    def _item_template(self, collection: str) -> str | None:
        shape = _shape(collection) + "/{}"
        return next((t for t in self.paths if _shape(t) == shape), None)

    def _address(self, template: str) -> str:
        """A concrete address for a collection template: its parent keys filled in."""
        if "{" not in template:
            return template
        parent_collection = _collection(template.rsplit("/", 1)[0])
        parent_item = template.rsplit("/", 1)[0]
        parent = self.item(parent_collection, self._item_template(parent_collection) or "")
        return parent + template[len(parent_item) :]

    def item(self, collection: str, item_template: str) -> str:
        """The record of a collection to change: made here if the collection takes new
        records, else the first one its list shows."""
        shape = _shape(item_template)
        if "{" not in item_template:  # a record without a key: the network
            return item_template
        if shape not in self.items:
            if "post" in self.paths.get(collection, {}):
                self.send("post", collection)
            else:
                listed = self.api.get(self._address(collection))
                assert listed.status_code == 200, (collection, listed.json())
                rows = listed.json()
                first = (rows["resultaten"] if isinstance(rows, dict) else rows)[0]
                key = KEY.findall(item_template)[-1]
                self.items[shape] = f"{self._address(collection)}/{first[_camel(key)]}"
        return self.items[shape]

    def _entries_of(self, send: Callable[[], Any], what: str) -> list[LogEntry]:
        last = LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        response = send()
        assert response.status_code < 300, (what, response.status_code, response.content[:500])
        entries = list(LogEntry.objects.filter(pk__gt=last).select_related("content_type"))
        assert entries, f"{what} left nothing in the trail"
        return entries

    def send(self, method: str, template: str) -> list[LogEntry]:
        collection = _collection(template)
        writes = WRITES.get(collection)
        assert writes is not None, f"{method.upper()} {template}: add it to WRITES"
        what = f"{method.upper()} {template}"
        if method == "post":
            assert writes.new is not None, f"{what}: WRITES has no new record for it"
            address = self._address(collection)
            if writes.prepare:
                writes.prepare(self.page, address.rsplit("/", 1)[0])
            body = writes.new(self.world)
            content = self.paths[template]["post"]["requestBody"]["content"]
            response: dict[str, Any] = {}

            def post() -> Any:
                if "application/json" in content:
                    response["answer"] = self.api.post(address, body)
                else:
                    response["answer"] = self.api.client.post(
                        address, body, headers=self.api.headers
                    )
                return response["answer"]

            entries = self._entries_of(post, what)
            item_template = self._item_template(collection)
            if item_template and "Location" in response["answer"]:
                location = str(response["answer"]["Location"])
                self.items.setdefault(_shape(item_template), location)
                self.made.append((item_template, location))
        else:
            address = self.item(collection, template)
            if method == "delete":
                entries = self._entries_of(lambda: self.api.change("delete", address), what)
            elif method == "patch":
                assert writes.patch, f"{what}: WRITES has no change for it"
                entries = self._entries_of(
                    lambda: self.api.change("patch", address, writes.patch), what
                )
            else:
                assert writes.put, f"{what}: WRITES has no change for it"
                entries = self._entries_of(
                    lambda: self.api.change("put", address, self._whole(template, address)), what
                )
        self.done.add((method, template))
        for entry in entries:
            self.kinds.add(action_code(entry).rsplit(".", 1)[0])
            assert entry.actor_id == self.office.pk, (what, action_code(entry), entry.actor_id)
            used = token(entry)
            assert used is not None and used.id == self.token.pk, (what, action_code(entry))
        return entries

    def _whole(self, template: str, address: str) -> dict[str, Any]:
        """The record as read, in the fields PUT takes, with the PUT change of WRITES."""
        content = self.paths[template]["put"]["requestBody"]["content"]["application/json"]
        schema = self.schemas[content["schema"]["$ref"].rsplit("/", 1)[-1]]
        writable = {name for name, spec in schema["properties"].items() if not spec.get("readOnly")}
        read = self.api.get(address).json()
        writes = WRITES[_collection(template)]
        return {name: value for name, value in read.items() if name in writable} | writes.put


def api_kinds() -> set[str]:
    """The kinds of record the API writes, from the views behind its addresses."""
    return {
        label_of(view.served_model())
        for view in api_views()
        if issubclass(view, Resource)
        and any(hasattr(view, verb) for verb in ("create", "update", "destroy"))
    }


def test_every_api_write_names_the_person_and_the_token() -> None:
    office = UserFactory(office=True, is_staff=True, is_superuser=True, username="bureau-api")
    page = Client()
    page.force_login(office)
    run = ApiRun(_document(), office, page)
    operations = run.operations()
    missing = sorted({_collection(t) for _, t in operations} - set(WRITES))
    assert missing == [], f"write operations with nothing in WRITES: {missing}"

    order = {"post": 0, "patch": 1, "put": 2}
    for method, template in sorted(
        (op for op in operations if op[0] != "delete"),
        key=lambda op: (op[1].count("/"), order[op[0]], op[1]),
    ):
        if (method, template) not in run.done:
            run.send(method, template)
    # Deleted last, the records under a record before the record itself.
    for method, template in sorted(
        (op for op in operations if op[0] == "delete"), key=lambda op: -op[1].count("/")
    ):
        run.send(method, template)

    assert run.done == set(operations)
    assert len(operations) >= 60  # the run really went over the API
    # Each kind of record the API writes was written, and named its writer.
    assert api_kinds() - run.kinds == set()


# -- the pages -----------------------------------------------------------------------------

# Kinds of record the API writes that the walk of the pages below does not reach, and why.
PAGES_DO_NOT_REACH = {
    "meetings.invitation": "the meeting the walk opens has invited every member already",
    "advocacy.consultationresponse": "a city answers a consultation on the action's page, "
    "and only while one runs; the walk meets none",
}


@dataclass(frozen=True)
class PageForm:
    form: PostForm
    # The fields the page marks as required, and the kind of value each text field takes.
    required: frozenset[str]
    takes: dict[str, str]
    # The file fields the page requires (the walk of forms reads no file fields itself).
    files: frozenset[str]


# What a careful user types into an empty required text field, by what the field takes.
TYPED = {
    "date": "2021-06-01",
    "time": "10:00",
    "slug": "pariteit",
    "code": "GM9993",
    "text": "Pariteit",
}


def _takes(tag: Tag) -> str:
    name = str(tag.get("name", ""))
    classes = " ".join(tag.get("class") or [])
    if "vDateField" in classes or name.rsplit("-", 1)[-1] in {"date", "start", "end"}:
        return "date"
    if "vTimeField" in classes:
        return "time"
    if name.endswith("slug") or name == "username":
        return "slug"
    if name.endswith("cbs_code"):
        return "code"
    return "text"


def _careful(page: PageForm, changed: str | None = None) -> dict[str, Any]:
    """What a careful user sends: the page's own values; in each empty required field a value
    of the right kind (the first choice where nothing is chosen); a sentence added to each
    text area; and, if ``changed`` names a text field, a word added to it, so that an edit
    changes something. Optional fields left empty stay empty."""
    values: dict[str, list[str]] = {}
    for f in page.form.fields:
        given = [value for value in f.given if value]
        if f.kind == "textarea" and not _extra_row(page.form, f.name):
            values[f.name] = [f"{(f.given or [''])[0]} Aangevuld.".strip()]
        elif f.name == changed:
            values[f.name] = [f"{f.given[0]} B"]
        elif f.kind == "checkbox" and not given and f.options not in ([], ["on"]):
            values[f.name] = f.options[:1]  # one of a list to choose from, such as people
        elif given or f.kind in {"hidden", "button", "checkbox", "password", "select"}:
            values[f.name] = _plausible(f) if f.kind in {"button", "select"} else f.given
        elif f.kind in {"multiple", "radio"} and f.options:
            values[f.name] = [next((o for o in f.options if o), "")]
        elif f.name in page.required:
            values[f.name] = [TYPED[page.takes.get(f.name, "text")]]
        else:
            values[f.name] = f.given
    return _sent(page.form.fields, values) | {name: _pdf() for name in page.files}


ROW = re.compile(r"^(?P<prefix>.+)-(?P<index>\d+)-[^-]+$")


def _extra_row(form: PostForm, name: str) -> bool:
    """Whether a field belongs to an empty row an inline of the back office offers to add."""
    row = ROW.match(name)
    if row is None:
        return False
    initial = next(
        (f.given for f in form.fields if f.name == f"{row['prefix']}-INITIAL_FORMS"), None
    )
    return bool(initial) and int(row["index"]) >= int(initial[0] or 0)


def _texts(form: PostForm) -> list[str | None]:
    """The ways to change a form: as it comes, then with each filled-in text field changed."""
    return [None] + [f.name for f in form.fields if f.kind == "text" and any(f.given)]


def _page_forms(client: Client, addresses: list[str]) -> Iterator[PageForm]:
    for address in addresses:
        response = client.get(address, follow=True)
        if response.status_code != 200:
            continue
        html = response.content.decode()
        tags = [
            tag
            for tag in BeautifulSoup(html, "html.parser").find_all("form")
            if (tag.get("method") or "get").lower() == "post"
        ]
        for form, tag in zip(_forms(address, html), tags, strict=True):
            if form.target in EXCLUDED or form.target == "api-pages:revoke":
                continue
            fields = tag.find_all(["input", "select", "textarea"])
            yield PageForm(
                form,
                frozenset(str(f.get("name")) for f in fields if f.has_attr("required")),
                {str(f.get("name")): _takes(f) for f in fields if f.name == "input"},
                frozenset(
                    str(f.get("name"))
                    for f in fields
                    if f.get("type") == "file" and f.has_attr("required")
                ),
            )


def test_every_page_write_names_the_person() -> None:
    office = UserFactory(
        office=True, is_staff=True, is_superuser=True, person=Person.objects.order_by("pk").last()
    )
    client = Client()
    client.force_login(office)
    addresses = [make() for make in _site_pages(office).values()] + list(_admin_pages())

    kinds: set[str] = set()
    sent = 0
    for page in _page_forms(client, addresses):
        form = page.form
        # Sent until it changes something: a form refused for one text (a key that must keep
        # its shape) changes nothing and is sent again with the next.
        for changed in _texts(form):
            last = LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            response = client.post(form.action, _careful(page, changed))
            sent += 1
            assert response.status_code < 500, (form.target, form.page)
            entries = LogEntry.objects.filter(pk__gt=last).select_related("content_type")
            for entry in entries:
                what = (form.target, form.page, action_code(entry))
                assert entry.actor_id == office.pk, what
                assert token(entry) is None, what
                kinds.add(action_code(entry).rsplit(".", 1)[0])
            if entries or response.status_code == 302:
                break

    assert sent >= 50
    # The walk wrote each kind of record the API writes, bar those it cannot reach.
    assert api_kinds() - set(PAGES_DO_NOT_REACH) - kinds == set()
    assert not set(PAGES_DO_NOT_REACH) & kinds, "reached after all: take it off the list"
