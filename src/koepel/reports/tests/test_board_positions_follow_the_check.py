"""The board's section names "what the network wants" in the dossiers of its lobby actions:
only dossiers the report's audience may see. A public letter can serve a restricted dossier;
its title and goal must not reach the public report."""

from __future__ import annotations

import datetime as dt

import pytest

from koepel.advocacy.models import Dossier, LobbyAction, Stage
from koepel.registry.models import Network
from koepel.registry.tests.factories import BodyFactory
from koepel.reports.assemble import assemble


@pytest.mark.django_db
def test_the_public_report_does_not_name_the_goal_of_a_restricted_dossier() -> None:
    Network.objects.create(name="Kustgemeenten", short_name="KG")
    board = BodyFactory(name="Bestuur Kustgemeenten", kind="board", slug="bestuur")
    secret = Dossier.objects.create(
        title="Geheim onderhandelingsdossier",
        slug="geheim",
        goal="Wij accepteren desnoods de helft van het bedrag.",
        status="lopend",
        visibility="restricted",
    )
    secret.bodies.set([board])
    letter = LobbyAction.objects.create(
        title="Brief over zandsuppletie",
        kind="brief",
        date=dt.date(2025, 5, 12),
        stage=Stage.SENT,
        visibility="public",
    )
    letter.bodies.set([board])
    letter.dossiers.set([secret])

    for audience in ("public", "network"):
        report = assemble(2025, audience)
        text = " ".join(f.text for s in report.sections for f in s.facts)
        assert "Brief over zandsuppletie".lower() in text.lower()  # the letter itself is told
        assert "Geheim onderhandelingsdossier" not in text, audience
        assert "de helft van het bedrag" not in text, audience
