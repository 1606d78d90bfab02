"""Property-based run against the committed OpenAPI document: for every operation, generated
requests (valid and invalid) get no 5xx and every answer matches the document.

The run is the network office's, with its token, on the demo network in a transaction that is
rolled back afterwards. Randomly generated keys would only ever reach 404s, so about half the
requests to an address with keys are aimed at records that exist (collected once through the
API's own lists), and about half the changes to those carry the record's current ETag: the
writes get past If-Match and into validation and the services.

Bounded and deterministic: a fixed number of examples per operation, derandomised, so the
same code gives the same run.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client, override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from schemathesis import checks
from schemathesis.config import SchemathesisConfig
from werkzeug.test import Client as WerkzeugClient

from koepel.accounts.tests.factories import UserFactory
from koepel.advocacy.models import ConsultationAnswer, ConsultationResponse
from koepel.api import services
from koepel.api.tests.test_openapi_document import COMMITTED
from koepel.meetings.models import (
    ActionItem,
    AgendaItem,
    Decision,
    Guest,
    Invitation,
    Meeting,
)
from koepel.registry.models import Municipality, Person

# Enough for each operation to reach its records, its validation and its refusals (about half
# of them aimed at records that exist); the run of all operations stays near a minute on each
# database of a slow two-core machine, where the suite has its 30 minutes.
EXAMPLES_PER_OPERATION = 15

# Fuzzing with a fixed seed and a fixed number of examples per operation. The coverage phase
# (every boundary of every field) would take the suite past its time budget.
CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 2021,
        "generation": {"max-examples": EXAMPLES_PER_OPERATION},
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
    }
)
DOCUMENT = json.loads(COMMITTED.read_text())
schema = schemathesis.openapi.from_dict(DOCUMENT, config=CONFIG)

# No server error, and every answer as documented: status, content type, headers and body.
# (Whether a schema-valid request is accepted is not checked: the services refuse much that
# the document cannot express — an end before a start, a body the token may not plan for.)
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]

KEY = re.compile(r"\{([^}]+)\}")
# The field of a listed record that holds its key in the address, where the name differs.
KEY_FIELDS = {"cbs_code": ("cbsCode", "gemeente")}
# How many records to aim at per address, and how many parents to look under for them.
RECORDS_PER_ADDRESS = 20
PARENTS_TO_TRY = 10
# Stands in the If-Match header for "the ETag the record has when the request is sent".
CURRENT_ETAG = "current-etag"
CHANGES = {"PUT", "PATCH", "DELETE"}

# Per address in the document, the keys of records that exist (filled by the office fixture).
EXISTING: dict[str, list[dict[str, str]]] = {}


def _camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(part.title() for part in rest)


def _shape(template: str) -> str:
    return KEY.sub("{}", template)


class Crawl:
    """The keys of existing records, found by reading the lists the API offers."""

    def __init__(self, client: Client, templates: list[str]) -> None:
        self.client = client
        self.found: dict[str, list[tuple[str, ...]]] = {}
        # A record's key is named by the address of the record itself (/bijeenkomsten/{id}),
        # also where it stands for a parent (/bijeenkomsten/{bijeenkomst_pk}/gasten).
        self.names = {
            _shape(t): KEY.findall(t)[-1] for t in templates if t.endswith("}") and "{" in t
        }

    def keys(self, shape: str) -> list[tuple[str, ...]]:
        if "{}" not in shape:
            return [()]
        if shape not in self.found:
            self.found[shape] = self._look_up(shape)
        return self.found[shape]

    def _look_up(self, shape: str) -> list[tuple[str, ...]]:
        head, _, tail = shape.rpartition("{}")
        if tail:  # an address below a record (…/bestanden/{}/inhoud): the record's keys
            return self.keys(head + "{}")
        collection = head.rstrip("/")
        parent = collection.rpartition("{}")[0] + "{}" if "{}" in collection else ""
        name = self.names.get(shape, "id")
        fields = KEY_FIELDS.get(name, (_camel(name), name, "id"))
        found: list[tuple[str, ...]] = []
        for parent_keys in self.keys(parent)[:PARENTS_TO_TRY] if parent else [()]:
            address = collection.replace("{}", "%s") % parent_keys
            response = self.client.get(address, {"paginaGrootte": 100})
            if response.status_code != 200:
                continue
            answer = response.json()
            # A list of its own is paged; the records under one parent come as one array.
            for item in answer["resultaten"] if isinstance(answer, dict) else answer:
                key = next((str(item[f]) for f in fields if item.get(f) not in (None, "")), None)
                if key is not None:
                    found.append((*parent_keys, key))
            if len(found) >= RECORDS_PER_ADDRESS:
                break
        return found


def seed_records_below(*, meetings: list[int], action: int) -> None:
    """The demo has no agenda, decisions, actions or invitations, guests only at its later
    meetings and no consultation answers; a few give the run records to aim at under the first
    meetings and lobby action it finds."""
    person = Person.objects.order_by("pk").first()
    for meeting in Meeting.objects.filter(pk__in=meetings):
        AgendaItem.objects.create(meeting=meeting, position=1, title="Opening en mededelingen")
        Decision.objects.create(meeting=meeting, position=1, text="Het verslag is vastgesteld.")
        ActionItem.objects.create(
            meeting=meeting, body=meeting.bodies.first(), description="Notitie rondsturen"
        )
        Invitation.objects.create(meeting=meeting, person=person)
        Guest.objects.create(meeting=meeting, person=person, topic="De stand van het dossier")
    for municipality in Municipality.objects.order_by("pk")[:2]:
        ConsultationResponse.objects.create(
            action_id=action, municipality=municipality, answer=ConsultationAnswer.AGREES
        )


def existing_records(token: str) -> dict[str, list[dict[str, str]]]:
    """Per address with keys, up to RECORDS_PER_ADDRESS keys of records the office can reach,
    spread over the lists rather than the first page's first records."""
    templates = [t for t in DOCUMENT["paths"] if "{" in t]
    crawl = Crawl(Client(headers={"Authorization": f"Token {token}"}), templates)
    seed_records_below(
        meetings=[int(pk) for (pk,) in crawl.keys("/api/v1/bijeenkomsten/{}")[:2]],
        action=int(crawl.keys("/api/v1/lobbyacties/{}")[0][0]),
    )
    existing = {}
    for template in templates:
        found = crawl.keys(_shape(template))
        step = max(1, len(found) // RECORDS_PER_ADDRESS)
        existing[template] = [
            dict(zip(KEY.findall(template), keys, strict=True))
            for keys in found[::step][:RECORDS_PER_ADDRESS]
        ]
    return existing


@schema.hook
def flatmap_case(context: Any, case: Any) -> st.SearchStrategy[Any]:
    """Aim about half the requests at existing records, and send about half the changes to
    them with the record's current ETag."""
    existing = EXISTING.get(case.operation.path, [])
    if not existing:
        return st.just(case)

    def aim(choice: tuple[dict[str, str] | None, bool]) -> Any:
        keys, current = choice
        if keys is not None:
            case.path_parameters = {**(case.path_parameters or {}), **keys}
            if current and case.method.upper() in CHANGES:
                case.headers = {**(case.headers or {}), "If-Match": CURRENT_ETAG}
        return case

    return st.tuples(st.none() | st.sampled_from(existing), st.booleans()).map(aim)


class Office:
    def __init__(self, token: str) -> None:
        self.token = token
        self.headers = {"Authorization": f"Token {token}"}

    def current_etag(self, app: Any, path: str) -> str:
        """The record's ETag now, read through the same server as the request that follows
        (Django's test client would reconnect the signal that closes the connection)."""
        response = WerkzeugClient(app).get(path, headers=self.headers)
        return str(response.headers.get("ETag", '"gone"'))


@pytest.fixture(scope="module")
def office(_demo_for_module: Path, django_db_blocker: Any) -> Iterator[Office]:
    """The office's token and the records it can reach, made once in the module's demo (and
    rolled back with it)."""
    # Static files from the apps' folders, as the suite's settings have them for each test.
    with django_db_blocker.unblock(), override_settings(WHITENOISE_AUTOREFRESH=True):
        user = UserFactory(office=True)
        # The office signs in with two steps; its token acts only once it has set them up.
        TOTPDevice.objects.create(user=user, name="app", confirmed=True)
        _, secret = services.token_create(user=user, name="schemathesis")
        EXISTING.update(existing_records(secret))
    try:
        yield Office(secret)
    finally:
        EXISTING.clear()


@pytest.fixture
def app(settings: Any) -> Iterator[Any]:
    """The site as a WSGI server runs it. Like Django's own test client, it keeps the database
    connection open between requests: the test's transaction lives on it."""
    settings.ALLOWED_HOSTS = ["*"]
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    application = get_wsgi_application()

    def served(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        # A server reads the answer to its end and closes it (PEP 3333), which closes a
        # downloaded file; the test client of schemathesis leaves that to the server.
        answer = application(environ, start_response)
        try:
            return [b"".join(answer)]
        finally:
            answer.close()

    try:
        yield served
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def test_the_run_reaches_existing_records(office: Office, shared_demo: None) -> None:
    """Without records to aim at, the run below would test little beyond 404."""
    empty = [path for path, keys in EXISTING.items() if not keys]
    assert not empty, f"no records found for {empty}"


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_to_its_document(
    case: Any, app: Any, office: Office, shared_demo: None
) -> None:
    if case.headers and case.headers.get("If-Match") == CURRENT_ETAG:
        case.headers["If-Match"] = office.current_etag(app, case.formatted_path)
    case.call_and_validate(
        app=app, checks=CHECKS, base_url="http://testserver", headers=office.headers
    )
