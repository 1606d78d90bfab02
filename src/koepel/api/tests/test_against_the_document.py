"""Property-based run against the committed OpenAPI document: for every operation, generated
requests (valid and invalid) get no 5xx and every answer matches the document.

Bounded and deterministic: a fixed number of examples per operation, derandomised, so the
same code gives the same run.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis import checks
from schemathesis.config import SchemathesisConfig

from koepel.accounts.tests.factories import UserFactory
from koepel.api import services
from koepel.api.tests.test_openapi_document import COMMITTED

EXAMPLES_PER_OPERATION = 10

# Fuzzing with a fixed seed and a fixed number of examples per operation. The coverage phase
# (every boundary of every field) would take the suite past its time budget.
CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 2021,
        "generation": {"max-examples": EXAMPLES_PER_OPERATION},
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
    }
)
schema = schemathesis.openapi.from_dict(json.loads(COMMITTED.read_text()), config=CONFIG)

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


@pytest.fixture
def office_token(shared_demo: None) -> str:
    _, secret = services.token_create(user=UserFactory(office=True), name="schemathesis")
    return secret


@pytest.fixture
def app(settings: Any) -> Iterator[Any]:
    """The site as a WSGI server runs it. Like Django's own test client, it keeps the database
    connection open between requests: the test's transaction lives on it."""
    settings.ALLOWED_HOSTS = ["*"]
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_to_its_document(case: Any, app: Any, office_token: str) -> None:
    case.call_and_validate(
        app=app,
        checks=CHECKS,
        base_url="http://testserver",
        headers={"Authorization": f"Token {office_token}"},
    )
