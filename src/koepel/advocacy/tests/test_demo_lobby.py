"""The demo lobby of 2021 holds against the G40 annual report 2021.

Each fact below is one the report states: which dossiers were won, partly won or lost, with
whom the network lobbied, to whom its letters and papers went, and which milestones it dates to
the day. The facts are read as a visitor reads them, through the public lobby pages, and as the
rest of Koepel reads them, through the lobby selectors as an anonymous visitor.
"""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup, Tag
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from django.utils import translation

from koepel.advocacy import selectors
from koepel.advocacy.models import Dossier, LobbyAction, Milestone
from koepel.core.pagination import PAGE_SIZE
from koepel.registry.models import Organisation

ANONYMOUS = AnonymousUser()

# Per dossier: (status, incidental or structural, for which years), as the report states them.
OUTCOMES: dict[str, tuple[str, str, str]] = {
    "amv-verlengde-opvang": ("behaald", "incidenteel", "2021"),
    "europees-herstelfonds-rrf": ("niet_behaald", "", ""),
    "warmtewet": ("behaald", "", ""),
    "jeugdzorg-middelen": ("deels_behaald", "incidenteel", ""),
    "omgevingswet": ("deels_behaald", "", ""),
    "brexit-adjustment-reserve": ("lopend", "", ""),
    "herijking-gemeentefonds": ("lopend", "", ""),
    "urban-agenda": ("behaald", "", ""),
}

# Milestones the report dates to the day.
MILESTONES_TO_THE_DAY: dict[str, dt.date] = {
    "Werkagenda Verdere Integratie op de Arbeidsmarkt vastgesteld": dt.date(2021, 12, 13),
    "Ljubljana-akkoord aangenomen": dt.date(2021, 11, 26),
    "Eindrapportage 'Wind tegen tij' gepubliceerd": dt.date(2021, 11, 1),
}


def page(client: Client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def text_of(soup: BeautifulSoup | Tag) -> str:
    return " ".join(soup.get_text(" ").split())


def dossier(slug: str) -> Dossier:
    return selectors.visible_dossiers(ANONYMOUS).get(slug=slug)


def action(title: str) -> LobbyAction:
    return selectors.visible_actions(ANONYMOUS).get(title=title)


def organisation(slug: str) -> Organisation:
    return Organisation.objects.get(slug=slug)


def in_dutch(value: object) -> str:
    with translation.override("nl"):
        return str(value)


@pytest.mark.parametrize(("slug", "expected"), OUTCOMES.items())
def test_each_dossier_has_the_outcome_the_report_states(
    shared_demo: None, slug: str, expected: tuple[str, str, str]
) -> None:
    found = dossier(slug)

    assert (found.status, found.funding_kind, found.funding_years) == expected
    last = found.outcome_changes.last()
    if last is not None:
        assert last.status == found.status
        assert found.evidence


@pytest.mark.parametrize("slug", OUTCOMES)
def test_the_dossier_page_shows_the_status_to_a_visitor(
    shared_demo: None, client: Client, slug: str
) -> None:
    found = dossier(slug)

    text = text_of(page(client, found.get_absolute_url()))

    assert found.title in text
    assert in_dutch(found.get_status_display()) in text


def test_amv_was_won_with_g4_and_vng_with_incidental_money_for_2021(shared_demo: None) -> None:
    amv = dossier("amv-verlengde-opvang")

    assert amv in selectors.dossier_list(ANONYMOUS, cosigner=organisation("g4"))
    assert amv in selectors.dossier_list(ANONYMOUS, cosigner=organisation("vng"))
    assert amv in selectors.results(ANONYMOUS, 2021).by_status["behaald"]
    assert (amv.funding_kind, amv.funding_years) == ("incidenteel", "2021")
    assert "structureel" in amv.follow_up
    assert (amv.status_date, amv.status_date_precision) == (dt.date(2021, 1, 1), "year")


def test_the_amv_page_names_the_partners_and_the_incidental_money(
    shared_demo: None, client: Client
) -> None:
    amv = dossier("amv-verlengde-opvang")

    text = text_of(page(client, amv.get_absolute_url()))

    assert "G4" in text
    assert "VNG" in text
    assert f"{in_dutch(amv.get_funding_kind_display())} (2021)" in text
    assert "structureel" in text


def test_rrf_was_not_won_despite_the_manifesto(shared_demo: None) -> None:
    rrf = dossier("europees-herstelfonds-rrf")

    assert rrf in selectors.results(ANONYMOUS, 2021).by_status["niet_behaald"]
    assert "Beste Mark en Beste Stef" in rrf.evidence
    assert rrf.actions.filter(kind="manifest").exists()
    assert set(rrf.actions.values_list("cosigners__slug", flat=True)) >= {"vng", "ipo"}


def test_the_heat_bill_that_gave_too_few_instruments_is_off_the_table(shared_demo: None) -> None:
    heat = dossier("warmtewet")

    assert heat.status == "behaald"
    assert "van tafel" in heat.evidence
    assert heat.follow_up
    assert heat.actions.get(kind="manifest").cosigners.get().slug == "g4"


def test_youth_care_got_incidental_money_only(shared_demo: None) -> None:
    youth = dossier("jeugdzorg-middelen")

    assert youth.status == "deels_behaald"
    assert youth.funding_kind == "incidenteel"
    assert "structure" in youth.follow_up


def test_the_results_page_of_2021_sorts_the_dossiers_by_outcome(
    shared_demo: None, client: Client
) -> None:
    soup = page(client, reverse("advocacy:results", args=[2021]))

    sections: dict[str, str] = {}
    for section in soup.select("section"):
        heading = section.find("h2")
        if heading is not None:
            sections[heading.get_text(strip=True).casefold()] = text_of(section)
    for slug in (
        "amv-verlengde-opvang",
        "warmtewet",
        "europees-herstelfonds-rrf",
        "jeugdzorg-middelen",
    ):
        found = dossier(slug)
        assert found.title in sections[in_dutch(found.get_status_display()).casefold()]


def test_the_position_paper_went_to_the_committee_at_the_round_table_in_september_2021(
    shared_demo: None,
) -> None:
    committee = organisation("commissie-digitale-zaken")
    paper = selectors.action_list(ANONYMOUS, addressee=committee, kind="position_paper").get()
    hearing = selectors.action_list(ANONYMOUS, addressee=committee, kind="hoorzitting").get()

    assert "Slimme duurzame verstedelijking" in paper.title
    for sent in (paper, hearing):
        assert (sent.date, sent.date_precision) == (dt.date(2021, 9, 1), "month")
        assert [p.name for p in sent.people.all()] == ["Wim Willems"]
    assert {o.slug for o in hearing.cosigners.all()} == {"vng", "ipo"}


def test_the_position_paper_page_shows_september_2021_and_the_committee(
    shared_demo: None, client: Client
) -> None:
    paper = action("Position paper 'Slimme duurzame verstedelijking'")

    text = text_of(page(client, paper.get_absolute_url()))

    assert "september 2021" in text
    assert "Commissie Digitale Zaken" in text
    assert "Themagroep Smart Cities" in text


def test_the_education_letter_went_to_ministers_slob_and_van_engelshoven(
    shared_demo: None, client: Client
) -> None:
    letters = selectors.action_list(ANONYMOUS, kind="brief")
    letter = letters.get(addressee_people__slug="slob")

    assert {p.name for p in letter.addressee_people.all()} == {"Slob", "Van Engelshoven"}
    assert "Nationaal Programma Onderwijs" in letter.title
    text = text_of(page(client, letter.get_absolute_url()))
    assert "Slob" in text
    assert "Van Engelshoven" in text


def test_the_inburgering_letter_went_to_szw_and_ocw(shared_demo: None) -> None:
    letter = action("Brief over de onderwijsroute in de nieuwe Wet inburgering")

    assert {o.abbreviation for o in letter.addressees.all()} == {"SZW", "OCW"}
    assert letter.kind == "brief"


def test_the_manifesto_went_to_rutte_and_blok_from_ten_organisations(
    shared_demo: None, client: Client
) -> None:
    manifesto = action("Steun voor het manifest 'Beste Mark en Beste Stef'")

    assert manifesto.kind == "manifest"
    assert {p.name for p in manifesto.addressee_people.all()} == {"Mark Rutte", "Stef Blok"}
    assert "tien organisaties" in manifesto.summary
    text = text_of(page(client, manifesto.get_absolute_url()))
    assert "Mark Rutte" in text
    assert "Stef Blok" in text
    assert "tien organisaties" in text


def test_the_key_messages_went_to_the_tweede_kamer(shared_demo: None) -> None:
    kamer = organisation("tweede-kamer")

    assert selectors.action_list(ANONYMOUS, addressee=kamer, kind="kernboodschappen").exists()


@pytest.mark.parametrize(("title", "day"), MILESTONES_TO_THE_DAY.items())
def test_milestones_the_report_dates_to_the_day_keep_their_day(
    shared_demo: None, title: str, day: dt.date
) -> None:
    milestone = selectors.visible_milestones(ANONYMOUS).get(title=title)

    assert (milestone.date, milestone.date_precision) == (day, "day")


def test_the_timeline_of_2021_shows_the_milestones_with_their_day(
    shared_demo: None, client: Client
) -> None:
    text = text_of(page(client, reverse("advocacy:timeline", args=[2021])))

    assert "13 december 2021" in text
    assert "26 november 2021" in text
    assert "Ljubljana-akkoord aangenomen" in text


def test_every_action_in_the_demo_is_public_and_sent(shared_demo: None) -> None:
    actions = LobbyAction.objects.all()

    assert actions.count() > 20
    assert {(a.visibility, a.stage) for a in actions} == {("public", "verzonden")}
    assert selectors.visible_actions(ANONYMOUS).count() == actions.count()


def test_every_dossier_and_milestone_in_the_demo_is_public(shared_demo: None) -> None:
    assert selectors.visible_dossiers(ANONYMOUS).count() == Dossier.objects.count()
    assert selectors.visible_milestones(ANONYMOUS).count() == Milestone.objects.count()


def test_no_lobby_action_has_a_day_the_report_does_not_give(shared_demo: None) -> None:
    precisions = set(LobbyAction.objects.values_list("date_precision", flat=True))

    assert precisions <= {"month", "year"}
    assert set(LobbyAction.objects.values_list("date__year", flat=True)) == {2021}


def test_every_action_serves_a_dossier_and_every_closed_dossier_has_evidence(
    shared_demo: None,
) -> None:
    assert not LobbyAction.objects.filter(dossiers=None).exists()
    for closed in Dossier.objects.exclude(status="lopend"):
        assert closed.evidence, closed.slug
        assert closed.outcome_changes.exists(), closed.slug


def test_the_dossier_list_shows_every_dossier_to_a_visitor(
    shared_demo: None, client: Client
) -> None:
    pages = -(-Dossier.objects.count() // PAGE_SIZE)  # twenty a page
    text = " ".join(
        text_of(page(client, reverse("advocacy:dossiers") + f"?pagina={number}"))
        for number in range(1, pages + 1)
    )

    assert all(d.title in text for d in Dossier.objects.all())
