"""Two people change the same dossier: the first save stays, the second is told and keeps
their text, on the dossier page, in its outcome form and in the admin."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from koepel.accounts.tests.factories import UserFactory
from koepel.advocacy.models import Dossier
from koepel.core.tests.forms import second_writer_conflicts
from koepel.registry.tests.factories import BodyFactory


def _office() -> Client:
    client = Client()
    client.force_login(UserFactory(office=True, is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def dossier(db: None) -> Dossier:
    record = Dossier.objects.create(title="Opvang tot 21", slug="opvang", goal="Opvang tot 21.")
    record.bodies.set([BodyFactory()])
    return record


def test_second_editor_of_a_dossier_page_gets_a_conflict(dossier: Dossier) -> None:
    url = reverse("advocacy:dossier-edit", args=[dossier.slug])
    second_writer_conflicts(
        _office(), _office(), url, {"goal": "Opvang tot 23."}, {"goal": "Begeleiding tot 21."}
    )
    assert Dossier.objects.get(pk=dossier.pk).goal == "Opvang tot 23."


def test_an_outcome_recorded_from_an_old_page_is_refused(dossier: Dossier) -> None:
    url = reverse("advocacy:dossier-outcome", args=[dossier.slug])
    outcome = {"date": "2021-10", "status": "behaald", "evidence": "Brief van de minister"}
    second_writer_conflicts(
        _office(),
        _office(),
        url,
        outcome,
        {**outcome, "status": "niet_behaald", "evidence": "Geen geld in de begroting"},
    )
    assert Dossier.objects.get(pk=dossier.pk).status == "behaald"
    assert dossier.outcome_changes.count() == 1  # the refused one left nothing behind


def test_second_editor_of_a_dossier_in_the_admin_gets_a_conflict(dossier: Dossier) -> None:
    url = reverse("admin:advocacy_dossier_change", args=[dossier.pk])
    second_writer_conflicts(
        _office(), _office(), url, {"goal": "Eerste doel"}, {"goal": "Tweede doel"}
    )
    assert Dossier.objects.get(pk=dossier.pk).goal == "Eerste doel"
