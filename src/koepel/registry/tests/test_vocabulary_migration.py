"""A database made before the vocabulary was data keeps working: its records' codes become the
network's terms, with the labels the interface showed; an empty database gets none."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("registry", "0008_municipality_province_may_be_unknown"),
    ("meetings", "0004_invitations_by_the_standard"),
]
AFTER = [
    ("registry", "0010_terms_of_an_existing_network"),
    ("meetings", "0005_meeting_kind_is_a_term"),
]


@pytest.fixture(autouse=True)
def _back_to_the_latest_schema() -> Iterator[None]:
    """Leave the test database as the other tests expect it: every migration applied."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def _migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection)


@pytest.mark.django_db(transaction=True)
def test_an_existing_network_gets_the_terms_its_records_use() -> None:
    old = _migrate(BEFORE).loader.project_state(BEFORE).apps
    old.get_model("registry", "Network").objects.create(name="Stedennetwerk", short_name="SN")
    old.get_model("registry", "Body").objects.create(name="Pijler Fysiek", slug="p", kind="pillar")

    new = _migrate(AFTER).loader.project_state(AFTER).apps
    terms = new.get_model("registry", "Term").objects
    pillar = terms.get(vocabulary="body_kind", code="pillar")
    assert (pillar.label_nl, pillar.label_en) == ("pijler", "pillar")
    assert terms.get(vocabulary="function", code="ambtelijk_secretaris").meaning == "secretary"
    assert terms.get(vocabulary="meeting_kind", code="ontbijtsessie").label_nl == "ontbijtsessie"


@pytest.mark.django_db(transaction=True)
def test_an_empty_database_starts_without_anyones_vocabulary() -> None:
    _migrate(BEFORE)
    new = _migrate(AFTER).loader.project_state(AFTER).apps
    assert not new.get_model("registry", "Term").objects.exists()
