"""A secretary records a dossier, an action and an outcome; a draft goes to the member cities."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from koepel.accounts.tests.factories import UserFactory
from koepel.advocacy.models import (
    ConsultationResponse,
    Dossier,
    DossierStatus,
    LobbyAction,
    OutcomeChange,
    Stage,
)
from koepel.registry.models import OrganisationKind
from koepel.registry.tests.factories import (
    BodyFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    RoleFactory,
)


@pytest.fixture
def lobby(db: None) -> dict[str, Any]:
    body = BodyFactory(name="Themagroep Asiel en Vergunningen", slug="asiel")
    secretary = PersonFactory(name="Sanne Secretaris")
    RoleFactory(person=secretary, body=body, function="ambtelijk_secretaris")
    bzk = OrganisationFactory(
        name="Ministerie van BZK", abbreviation="BZK", slug="bzk", kind=OrganisationKind.MINISTRY
    )
    vng = OrganisationFactory(
        name="Vereniging van Nederlandse Gemeenten",
        abbreviation="VNG",
        slug="vng",
        kind=OrganisationKind.NETWORK,
    )
    cities = [MembershipFactory().municipality for _ in range(2)]
    officials = []
    for city in cities:
        official = PersonFactory(municipality=city, email=f"ambtenaar@{city.cbs_code}.example")
        RoleFactory(person=official, body=body)
        officials.append(UserFactory(person=official))
    return {
        "body": body,
        "secretary": UserFactory(person=secretary),
        "bzk": bzk,
        "vng": vng,
        "cities": cities,
        "officials": officials,
    }


def _create_dossier(client: Client, body: Any) -> Dossier:
    client.post(
        reverse("advocacy:dossier-create"),
        {
            "title": "Opvang amv tot 21 jaar",
            "goal": "Verlengde opvang en begeleiding tot 21.",
            "bodies": [body.pk],
            "visibility": "public",
        },
    )
    return Dossier.objects.get()


def test_a_secretary_records_a_dossier_an_action_and_an_outcome_with_evidence(
    lobby: dict[str, Any], client: Client
) -> None:
    client.force_login(lobby["secretary"])
    dossier = _create_dossier(client, lobby["body"])

    response = client.post(
        reverse("advocacy:action-create"),
        {
            "title": "Brief over amv",
            "kind": "brief",
            "date": "2021-06",
            "dossiers": [dossier.pk],
            "addressees": [lobby["bzk"].pk],
            "cosigners": [lobby["vng"].pk],
            "bodies": [lobby["body"].pk],
            "visibility": "public",
        },
    )
    action = LobbyAction.objects.get()
    assert response["Location"] == action.get_absolute_url()
    assert action.stage == Stage.DRAFT and action.date_precision == "month"

    response = client.post(
        reverse("advocacy:dossier-outcome", args=[dossier.slug]),
        {
            "status": "behaald",
            "date": "2021",
            "evidence": "",
            "funding_kind": "incidenteel",
        },
    )
    assert response.status_code == 200
    assert "Zeg waaruit deze uitkomst blijkt" in response.content.decode()
    assert not OutcomeChange.objects.exists()

    client.post(
        reverse("advocacy:dossier-outcome", args=[dossier.slug]),
        {
            "status": "behaald",
            "date": "2021",
            "evidence": "Incidentele middelen voor 2021.",
            "funding_kind": "incidenteel",
            "funding_years": "2021",
            "follow_up": "Structureel maken.",
        },
    )
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.ACHIEVED
    page = BeautifulSoup(client.get(dossier.get_absolute_url()).content, "html.parser")
    timeline = page.find(id="timeline-heading").find_parent("section").get_text(" ", strip=True)
    assert "juni 2021" in timeline and "Brief over amv" in timeline and "BZK" in timeline
    assert "Incidentele middelen voor 2021." in timeline

    results = client.get(reverse("advocacy:results", args=[2021])).content.decode()
    assert "Opvang amv tot 21 jaar" in results


def test_by_addressee_the_office_sees_what_was_sent_to_a_ministry_this_year(
    lobby: dict[str, Any], client: Client
) -> None:
    client.force_login(lobby["secretary"])
    _create_dossier(client, lobby["body"])
    client.post(
        reverse("advocacy:action-create"),
        {
            "title": "Brief aan BZK",
            "kind": "brief",
            "date": "2021-03-01",
            "addressees": [lobby["bzk"].pk],
            "bodies": [lobby["body"].pk],
            "visibility": "public",
            "dossiers": [Dossier.objects.get().pk],
        },
    )
    page = client.get(reverse("advocacy:dossiers"), {"geadresseerde": "bzk", "jaar": "2021"})
    text = page.content.decode()
    assert "Brief aan BZK" in text and "Opvang amv tot 21 jaar" in text
    assert (
        "Brief aan BZK"
        not in client.get(reverse("advocacy:dossiers"), {"geadresseerde": "vng"}).content.decode()
    )


def test_a_draft_goes_to_the_member_cities_and_is_adopted_only_when_all_have_answered(
    lobby: dict[str, Any], client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(lobby["secretary"])
    client.post(
        reverse("advocacy:action-create"),
        {
            "title": "Position paper opvang",
            "kind": "position_paper",
            "date": "2021-10",
            "bodies": [lobby["body"].pk],
            "visibility": "network",
        },
    )
    action = LobbyAction.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("advocacy:consult", args=[action.pk]),
            {
                "text": "De opvang van amv tot 21 jaar.",
                "municipalities": [city.pk for city in lobby["cities"]],
                "deadline": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
                "silence_rule": "geen_reactie",
            },
        )
    assert len(mail.outbox) == 2

    first_city, second_city = lobby["cities"]
    official = Client()
    official.force_login(lobby["officials"][0])
    official.post(
        reverse("advocacy:answer", args=[action.pk]),
        {
            "municipality": first_city.pk,
            "answer": "eens_met_opmerkingen",
            "remark": "Let op de woningmarkt.",
        },
    )
    official.post(
        reverse("advocacy:answer", args=[action.pk]),
        {"municipality": second_city.pk, "answer": "oneens", "remark": "Niet namens ons"},
    )
    assert ConsultationResponse.objects.count() == 1  # not for another city

    response = client.post(
        reverse("advocacy:adopt", args=[action.pk]),
        {"body": lobby["body"].pk, "date": "2021-10-20"},
        follow=True,
    )
    assert "1 lidgemeente heeft nog niet geantwoord" in response.content.decode()
    assert LobbyAction.objects.get().stage == Stage.CONSULTATION

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("advocacy:remind", args=[action.pk]))
    assert [m.to for m in mail.outbox] == [[f"ambtenaar@{second_city.cbs_code}.example"]]

    second = Client()
    second.force_login(lobby["officials"][1])
    second.post(
        reverse("advocacy:answer", args=[action.pk]),
        {"municipality": second_city.pk, "answer": "eens"},
    )
    client.post(
        reverse("advocacy:adopt", args=[action.pk]),
        {"body": lobby["body"].pk, "date": "2021-10-20"},
    )
    client.post(reverse("advocacy:send", args=[action.pk]), {"date": "2021-10-22"})
    action.refresh_from_db()
    assert action.stage == Stage.SENT and action.date == dt.date(2021, 10, 22)
    page = client.get(action.get_absolute_url()).content.decode()
    assert "2 van 2 lidgemeenten hebben geantwoord" in page


def test_a_wrong_date_and_an_unknown_addressee_get_clear_messages_and_store_nothing(
    lobby: dict[str, Any], client: Client
) -> None:
    client.force_login(lobby["secretary"])
    response = client.post(
        reverse("advocacy:action-create"),
        {
            "title": "Brief",
            "kind": "brief",
            "date": "juni 2021",
            "addressees": [99999],
            "bodies": [lobby["body"].pk],
            "visibility": "public",
        },
    )
    text = response.content.decode()
    assert "is geen datum" in text
    assert "bestaat niet, of niet voor u" in text
    assert not LobbyAction.objects.exists()


def test_a_restricted_draft_never_reaches_an_outsider(
    lobby: dict[str, Any], client: Client
) -> None:
    secretary = Client()
    secretary.force_login(lobby["secretary"])
    dossier = _create_dossier(secretary, lobby["body"])
    secretary.post(
        reverse("advocacy:action-create"),
        {
            "title": "Vertrouwelijk concept",
            "kind": "brief",
            "date": "2021-11",
            "dossiers": [dossier.pk],
            "addressees": [lobby["bzk"].pk],
            "bodies": [lobby["body"].pk],
            "visibility": "restricted",
        },
    )
    draft = LobbyAction.objects.get()
    outsider = UserFactory(person=RoleFactory().person)
    pages = [
        reverse("advocacy:dossiers"),
        reverse("advocacy:dossiers") + "?geadresseerde=bzk",
        dossier.get_absolute_url(),
        reverse("advocacy:timeline", args=[2021]),
        reverse("advocacy:results", args=[2021]),
        lobby["body"].get_absolute_url(),
    ]
    for who in (None, outsider):
        if who:
            client.force_login(who)
        for url in pages:
            assert "Vertrouwelijk concept" not in client.get(url).content.decode(), url
        assert client.get(draft.get_absolute_url()).status_code == 404
        assert client.get(reverse("advocacy:action-edit", args=[draft.pk])).status_code in (
            302,
            404,
        )
    assert "Vertrouwelijk concept" in secretary.get(draft.get_absolute_url()).content.decode()


def test_a_member_may_read_but_not_change_the_lobby(lobby: dict[str, Any], client: Client) -> None:
    secretary = Client()
    secretary.force_login(lobby["secretary"])
    dossier = _create_dossier(secretary, lobby["body"])
    client.force_login(lobby["officials"][0])
    assert client.get(dossier.get_absolute_url()).status_code == 200
    assert client.get(reverse("advocacy:dossier-edit", args=[dossier.slug])).status_code == 403
    assert (
        client.post(
            reverse("advocacy:dossier-outcome", args=[dossier.slug]),
            {"status": "behaald", "date": "2021", "evidence": "x"},
        ).status_code
        == 403
    )
    assert client.get(reverse("advocacy:dossier-create")).status_code == 403


def test_the_body_that_adopted_a_text_is_named_only_to_whoever_may_see_it(
    lobby: dict[str, Any], client: Client
) -> None:
    from koepel.advocacy.models import Stage

    hidden = BodyFactory(name="Verborgen stuurgroep", visibility="restricted")
    secretary = Client()
    secretary.force_login(lobby["secretary"])
    dossier = _create_dossier(secretary, lobby["body"])
    secretary.post(
        reverse("advocacy:action-create"),
        {
            "title": "Openbare brief",
            "kind": "brief",
            "date": "2021-11",
            "dossiers": [dossier.pk],
            "addressees": [lobby["bzk"].pk],
            "bodies": [lobby["body"].pk],
            "visibility": "public",
        },
    )
    action = LobbyAction.objects.get()
    action.adopted_by, action.adopted_on, action.stage = hidden, dt.date(2021, 11, 2), Stage.ADOPTED
    action.save()
    page = client.get(action.get_absolute_url()).content.decode()
    assert "Openbare brief" in page
    assert "Verborgen stuurgroep" not in page
    office = Client()
    office.force_login(UserFactory(office=True))
    assert "Verborgen stuurgroep" in office.get(action.get_absolute_url()).content.decode()
