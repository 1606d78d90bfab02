"""A draft put to forty member cities: answers through their people and on their behalf,
reminders before the deadline, and adoption as the rule for silence says.

Run through the pages and the API as the secretary and the cities' officials would, with the
clock moved to the deadline and past it."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from post_office.models import Email

from koepel.accounts.models import User
from koepel.accounts.tests.factories import UserFactory
from koepel.advocacy import services, tasks
from koepel.advocacy.models import (
    Consultation,
    ConsultationReminder,
    ConsultationResponse,
    LobbyAction,
    Stage,
)
from koepel.api import services as api_services
from koepel.registry.models import Municipality, Network, Person
from koepel.registry.tests.factories import (
    BodyFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
OPENED = dt.date(2025, 3, 3)
DEADLINE = dt.date(2025, 3, 17)


def at(day: dt.date, hour: int = 10) -> Any:
    """The clock at ``hour`` on ``day``, in the network's time zone."""
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, hour, tzinfo=AMSTERDAM), tick=False
    )


@dataclass
class Forty:
    network: Network
    body: Any
    secretary: User
    cities: list[Municipality]
    officials: dict[int, User]  # city pk -> the account of its official
    answering: list[Municipality]  # 33 cities whose people answer
    by_phone: list[Municipality]  # 2 cities without contact: answers recorded for them
    silent: list[Municipality]  # 5 cities that stay silent

    def page(self, user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    def api(self, user: User) -> Client:
        client = Client()
        _, secret = api_services.token_create(user=user, name="test")
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {secret}"
        return client


@pytest.fixture
def forty(db: None) -> Forty:
    network = Network.objects.create(name="Testnetwerk", short_name="TN")
    body = BodyFactory(name="Pijler Sociaal", slug="sociaal")
    secretary = PersonFactory(name="Sanne Secretaris", email="secretaris@example.nl")
    RoleFactory(person=secretary, body=body, function="ambtelijk_secretaris")
    cities = [
        MembershipFactory(
            municipality__name=f"Gemeente {n:02d}", municipality__cbs_code=f"GM{7000 + n}"
        ).municipality
        for n in range(40)
    ]
    officials: dict[int, User] = {}
    for city in cities[:33] + cities[35:]:
        person = PersonFactory(
            name=f"Ambtenaar {city.name}", municipality=city, email=f"{city.cbs_code}@example.nl"
        )
        RoleFactory(person=person, body=body)
        officials[city.pk] = UserFactory(person=person)
    return Forty(
        network=network,
        body=body,
        secretary=UserFactory(person=secretary),
        cities=cities,
        officials=officials,
        answering=cities[:33],
        by_phone=cities[33:35],
        silent=cities[35:],
    )


def _draft(forty: Forty) -> LobbyAction:
    dossier = services.dossier_create(
        actor=forty.secretary,
        bodies=[forty.body],
        slug="armoede",
        title="Armoedebestrijding",
        goal="Structureel geld voor armoedebestrijding.",
        visibility="network",
    )
    with at(OPENED - dt.timedelta(days=7)):
        forty.page(forty.secretary).post(
            reverse("advocacy:action-create"),
            {
                "title": "Position paper armoede",
                "kind": "position_paper",
                "date": "2025-03",
                "text": "De G40 vraagt structureel geld voor de aanpak van armoede.",
                "bodies": [forty.body.pk],
                "dossiers": [dossier.pk],
                "visibility": "network",
            },
        )
    return LobbyAction.objects.get()


def _text(response: Any) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text().split())


def _open(forty: Forty, action: LobbyAction, capture: Any) -> None:
    """The secretary opens the consultation on the action page, as the form offers it."""
    secretary = forty.page(forty.secretary)
    with at(OPENED):
        page = secretary.get(action.get_absolute_url())
        form = BeautifulSoup(page.content, "html.parser").find(
            "form", action=reverse("advocacy:consult", args=[action.pk])
        )
        chosen = [box["value"] for box in form.find_all("input", {"name": "municipalities"})]
        checked = [box for box in form.find_all("input", {"name": "municipalities"})]
        assert len(chosen) == 40 and all(box.has_attr("checked") for box in checked)
        rule = form.find("input", {"name": "silence_rule", "checked": True})["value"]
        assert rule == forty.network.consultation_silence_rule  # the network's, by default
        with capture(execute=True):
            secretary.post(
                reverse("advocacy:consult", args=[action.pk]),
                {
                    "text": form.find("textarea", {"name": "text"}).get_text(),
                    "municipalities": chosen,
                    "deadline": DEADLINE.isoformat(),
                    "silence_rule": rule,
                    "message": "Graag uw reactie voor het bestuur van april.",
                },
            )


def _answers(forty: Forty, action: LobbyAction) -> None:
    """33 cities answer through their people (31 on the page, 2 through the API); the
    secretary records the answers of the 2 cities without a contact (page and API)."""
    with at(OPENED + dt.timedelta(days=2)):
        for n, city in enumerate(forty.answering):
            answer, remark = "eens", ""
            if n in (3, 4, 5):
                answer, remark = "eens_met_opmerkingen", f"Opmerking van {city.name}."
            elif n in (6, 7):
                answer, remark = "oneens", f"Bezwaar van {city.name}."
            official = forty.officials[city.pk]
            if n < 31:
                response = forty.page(official).post(
                    reverse("advocacy:answer", args=[action.pk]),
                    {"municipality": city.pk, "answer": answer, "remark": remark},
                )
                assert response.status_code == 302
            else:
                response = forty.api(official).post(
                    f"/api/v1/lobbyacties/{action.pk}/reacties",
                    {"antwoord": answer, "opmerking": remark},
                )
                assert response.status_code == 201, response.json()
        phoned, mailed = forty.by_phone
        forty.page(forty.secretary).post(
            reverse("advocacy:answer", args=[action.pk]),
            {
                "namens-municipality": phoned.pk,
                "namens-answer": "eens",
                "namens-remark": "",
                "namens-given_by": "Wethouder Jansen",
                "namens-given_how": "telefoon",
                "namens-given_on": (OPENED + dt.timedelta(days=1)).isoformat(),
            },
        )
        response = forty.api(forty.secretary).post(
            f"/api/v1/lobbyacties/{action.pk}/reacties",
            {
                "gemeente": mailed.cbs_code,
                "antwoord": "eens_met_opmerkingen",
                "opmerking": "Per mail: let op de uitvoering.",
                "gegevenDoor": "Beleidsadviseur Pietersen",
                "gegevenVia": "e-mail",
            },
        )
        assert response.status_code == 201, response.json()
    assert ConsultationResponse.objects.count() == 35
    recorded = ConsultationResponse.objects.get(municipality=phoned)
    assert (recorded.given_by, recorded.given_how, recorded.given_on) == (
        "Wethouder Jansen",
        "telefoon",
        OPENED + dt.timedelta(days=1),
    )
    assert recorded.recorded_by == forty.secretary and recorded.answered_by is None


def _adopt(forty: Forty, action: LobbyAction) -> str:
    response = forty.page(forty.secretary).post(
        reverse("advocacy:adopt", args=[action.pk]),
        {"body": forty.body.pk, "date": timezone.localdate().isoformat()},
        follow=True,
    )
    return _text(response)


def _tally(forty: Forty, action: LobbyAction) -> dict[str, int]:
    page = forty.page(forty.secretary).get(action.get_absolute_url())
    table = BeautifulSoup(page.content, "html.parser").find("table", id="tally")
    return {
        row["data-answer"]: int(row.td.get_text().split()[0]) for row in table.tbody.find_all("tr")
    }


@pytest.mark.parametrize("rule", ["instemming", "geen_reactie", "blokkeert"])
def test_forty_cities_consulted_to_adoption_under_each_rule_for_silence(
    forty: Forty, rule: str, django_capture_on_commit_callbacks: Any
) -> None:
    forty.network.consultation_silence_rule = rule
    forty.network.save()
    action = _draft(forty)
    mail.outbox.clear()
    _open(forty, action, django_capture_on_commit_callbacks)
    consultation = Consultation.objects.get()
    assert consultation.deadline == DEADLINE and consultation.silence_rule == rule
    assert consultation.municipalities.count() == 40
    # Every city with a contact is asked; the two without one are named to the secretary.
    assert len(mail.outbox) == 38
    with at(OPENED):
        page = _text(forty.page(forty.secretary).get(action.get_absolute_url()))
    assert "Aan deze gemeenten kan geen verzoek worden gemaild" in page
    assert "Gemeente 33, Gemeente 34." in page
    # The draft is read on the page, by a city's official too.
    with at(OPENED):
        official_page = _text(
            forty.page(forty.officials[forty.answering[0].pk]).get(action.get_absolute_url())
        )
    assert "De G40 vraagt structureel geld voor de aanpak van armoede." in official_page

    _answers(forty, action)

    # Before the deadline adoption waits for the five silent cities, and says until when.
    with at(OPENED + dt.timedelta(days=3)):
        refused = _adopt(forty, action)
    assert (
        "5 lidgemeenten hebben nog niet geantwoord: Gemeente 35, Gemeente 36, Gemeente 37, "
        "Gemeente 38, Gemeente 39. Zij kunnen antwoorden tot en met 17 maart 2025." in refused
    )
    assert LobbyAction.objects.get().stage == Stage.CONSULTATION

    # Three days before the deadline the silent cities are reminded, once.
    mail.outbox.clear()
    with at(DEADLINE - dt.timedelta(days=4)):
        assert tasks.recurring() == 0  # not due yet
    with (
        at(DEADLINE - dt.timedelta(days=3), hour=8),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert tasks.recurring() == 1
    reminded = sorted(message.to[0] for message in mail.outbox)
    assert reminded == sorted(f"{city.cbs_code}@example.nl" for city in forty.silent)
    assert all(message.subject.startswith("Herinnering: ") for message in mail.outbox)
    mail.outbox.clear()
    with (
        at(DEADLINE - dt.timedelta(days=3), hour=9),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert tasks.recurring() == 0
        forty.page(forty.secretary).post(reverse("advocacy:remind", args=[action.pk]))
    with at(DEADLINE - dt.timedelta(days=1)), django_capture_on_commit_callbacks(execute=True):
        assert tasks.recurring() == 0
    assert mail.outbox == []
    assert ConsultationReminder.objects.count() == 5

    # Past the deadline, silence counts as the rule says.
    after = DEADLINE + dt.timedelta(days=1)
    with at(after):
        tally = _tally(forty, action)
        api = forty.api(forty.officials[forty.answering[0].pk])
        state = api.get(f"/api/v1/lobbyacties/{action.pk}/raadpleging").json()
    silent_agree = 5 if rule == "instemming" else 0
    assert tally == {
        "eens": 29 + silent_agree,
        "eens_met_opmerkingen": 4,
        "oneens": 2,
        "geen_reactie": 5 - silent_agree,
    }
    assert state["telling"] == {
        "eens": 29 + silent_agree,
        "eensMetOpmerkingen": 4,
        "oneens": 2,
        "geenReactie": 5 - silent_agree,
        "stilzwijgendEens": silent_agree,
    }
    assert state["stilzwijgen"] == rule and state["reagerenTot"] == DEADLINE.isoformat()
    assert len(state["opmerkingen"]) == 6
    assert {city["naam"] for city in state["nogGeenAntwoord"]} == {c.name for c in forty.silent}
    assert all(city["herinnerdOp"] for city in state["nogGeenAntwoord"])
    assert state["vaststellenMogelijk"] is (rule != "blokkeert")

    with at(after):
        answer = _adopt(forty, action)
    if rule == "blokkeert":
        assert (
            "5 lidgemeenten hebben niet geantwoord vóór het einde van de termijn op 17 maart "
            "2025: Gemeente 35" in answer
        )
        assert "houdt zwijgen het vaststellen tegen" in answer
        assert LobbyAction.objects.get().stage == Stage.CONSULTATION
        # The secretary records what the silent cities said when called; then it may be adopted.
        with at(after):
            for city in forty.silent:
                forty.page(forty.secretary).post(
                    reverse("advocacy:answer", args=[action.pk]),
                    {
                        "namens-municipality": city.pk,
                        "namens-answer": "eens",
                        "namens-given_by": f"Griffier {city.name}",
                        "namens-given_how": "overleg",
                        "namens-given_on": after.isoformat(),
                    },
                )
            answer = _adopt(forty, action)
    assert "De tekst is vastgesteld." in answer, answer
    assert LobbyAction.objects.get().stage == Stage.ADOPTED

    with at(after + dt.timedelta(days=1)):
        forty.page(forty.secretary).post(
            reverse("advocacy:send", args=[action.pk]), {"date": "2025-03-19"}
        )
        timeline = _text(forty.page(forty.secretary).get("/lobby/dossiers/armoede/"))
    assert LobbyAction.objects.get().stage == Stage.SENT
    assert "geraadpleegd Position paper armoede: voorgelegd aan 40 lidgemeenten" in timeline
    assert "antwoorden tot en met 17 maart 2025" in timeline
    # By the day each answer was given: one by phone the day before the others.
    assert "antwoordde: Gemeente 33 (eens)" in timeline
    assert "34 gemeenten antwoordden: Gemeente 00 (eens)" in timeline
    assert "herinnerd Position paper armoede: 5 gemeenten herinnerd" in timeline
    assert "vastgesteld Position paper armoede: vastgesteld door Pijler Sociaal" in timeline
    assert "verzonden Position paper armoede" in timeline


def test_a_consultation_that_cannot_be_mailed_in_full_leaves_nothing_behind(
    forty: Forty, django_capture_on_commit_callbacks: Any
) -> None:
    action = _draft(forty)
    # An address with a line break cannot be put in a mail header.
    Person.objects.filter(municipality=forty.silent[0]).update(
        email="ambtenaar@example.nl\nBcc: iedereen@example.nl"
    )
    with at(OPENED), django_capture_on_commit_callbacks(execute=True):
        response = forty.page(forty.secretary).post(
            reverse("advocacy:consult", args=[action.pk]),
            {
                "text": "Tekst.",
                "municipalities": [city.pk for city in forty.cities],
                "deadline": DEADLINE.isoformat(),
                "silence_rule": "geen_reactie",
            },
            follow=True,
        )
    assert "Het e-mailadres van Ambtenaar Gemeente 35 is niet bruikbaar" in _text(response)
    assert LobbyAction.objects.get().stage == Stage.DRAFT
    assert LobbyAction.objects.get().text.startswith("De G40 vraagt")  # not the new text
    assert not Consultation.objects.exists()
    assert not Email.objects.exists() and mail.outbox == []


def test_only_consulted_cities_answer_and_only_editors_record_for_others(
    forty: Forty, django_capture_on_commit_callbacks: Any
) -> None:
    action = _draft(forty)
    with at(OPENED), django_capture_on_commit_callbacks(execute=True):
        services.consultation_open(
            actor=forty.secretary,
            action=action,
            municipalities=forty.cities[:10],
            deadline=DEADLINE,
            today=OPENED,
        )
    left_out = forty.officials[forty.silent[0].pk]
    official = forty.officials[forty.answering[0].pk]
    with at(OPENED):
        refused = forty.api(left_out).post(
            f"/api/v1/lobbyacties/{action.pk}/reacties", {"antwoord": "eens"}
        )
        assert refused.status_code == 400
        assert "is over deze tekst niet geraadpleegd" in str(refused.json())
        # An official records nothing for another city, however it says it was given.
        other = forty.api(official).post(
            f"/api/v1/lobbyacties/{action.pk}/reacties",
            {
                "gemeente": forty.answering[1].cbs_code,
                "antwoord": "eens",
                "gegevenDoor": "Iemand",
                "gegevenVia": "telefoon",
            },
        )
        assert other.status_code == 403
        # The consultation is for members and editors: someone signed out does not even find
        # the text, which is for the network.
        url = f"/api/v1/lobbyacties/{action.pk}/raadpleging"
        assert Client().get(url).status_code == 404
        assert forty.api(official).get(url).json()["gemeenten"] == [
            city.cbs_code for city in forty.cities[:10]
        ]
    assert not ConsultationResponse.objects.exists()


def test_an_organisation_that_is_a_member_is_not_asked_as_a_city(
    forty: Forty, django_capture_on_commit_callbacks: Any
) -> None:
    province = OrganisationFactory(name="Provincie Zeeland", kind="province")
    MembershipFactory(municipality=None, organisation=province)
    official = PersonFactory(organisation=province, email="provincie@example.nl")
    RoleFactory(person=official, body=forty.body)
    action = _draft(forty)
    mail.outbox.clear()

    _open(forty, action, django_capture_on_commit_callbacks)  # the form offers the 40 cities

    assert set(Consultation.objects.get().municipalities.all()) == set(forty.cities)
    recipients = {address for message in mail.outbox for address in message.to}
    assert len(mail.outbox) == 38  # the cities with a contact, as without the province
    assert "provincie@example.nl" not in recipients
