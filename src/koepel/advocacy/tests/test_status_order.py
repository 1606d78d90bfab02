"""The lobby page orders dossiers by their status's place, kept in a column of its own: filled
for the dossiers of an existing database, and kept as a dossier's outcome changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from koepel.accounts.access import SYSTEM
from koepel.advocacy import services
from koepel.advocacy.models import Dossier, DossierStatus
from koepel.registry.tests.factories import BodyFactory

BEFORE = [("advocacy", "0005_picker_order")]
AFTER = [("advocacy", "0006_dossier_status_order")]


def _titles(client: Client) -> list[str]:
    page = BeautifulSoup(client.get(reverse("advocacy:dossiers")).content, "html.parser")
    return [li.a.get_text(strip=True) for li in page.select("ul.dossier-list li")]


def test_a_new_outcome_moves_the_dossier_to_its_status(db: None, client: Client) -> None:
    body = BodyFactory()
    made = {
        slug: services.dossier_create(
            actor=SYSTEM, bodies=[body], title=slug.capitalize(), slug=slug, goal="Meer."
        )
        for slug in ("anker", "baken", "corso")
    }
    assert _titles(client) == ["Anker", "Baken", "Corso"]

    services.dossier_set_outcome(
        actor=SYSTEM,
        dossier=made["anker"],
        status=DossierStatus.WITHDRAWN,
        date=dt.date(2021, 3, 1),
        evidence="Brief van de minister.",
    )
    services.dossier_set_outcome(
        actor=SYSTEM,
        dossier=made["corso"],
        status=DossierStatus.ACHIEVED,
        date=dt.date(2021, 4, 1),
        evidence="Besluit in de begroting.",
    )
    # Ongoing, then achieved, then withdrawn: the order of the statuses, not of the titles.
    assert _titles(client) == ["Baken", "Corso", "Anker"]
    assert list(Dossier.objects.order_by("title").values_list("status_order", flat=True)) == [
        4,
        0,
        1,
    ]


@pytest.fixture
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
@pytest.mark.usefixtures("_back_to_the_latest_schema")
def test_the_dossiers_of_an_existing_database_get_their_place() -> None:
    old = _migrate(BEFORE).loader.project_state(BEFORE).apps
    dossiers = old.get_model("advocacy", "Dossier").objects
    for n, status in enumerate(DossierStatus.values):
        dossiers.create(title=f"D{n}", slug=f"d{n}", goal="Meer.", status=status)

    new = _migrate(AFTER).loader.project_state(AFTER).apps
    places = new.get_model("advocacy", "Dossier").objects.values_list("status", "status_order")
    assert dict(places) == {status: n for n, status in enumerate(DossierStatus.values)}
