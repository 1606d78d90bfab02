"""Pickers: records chosen by typing a name (core/pickers.py), through the page and the answer
as a browser gets them, with and without the script."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from koepel.accounts.tests.factories import UserFactory
from koepel.advocacy.models import Dossier, LobbyAction
from koepel.meetings.models import Guest
from koepel.meetings.tests.factories import MeetingFactory
from koepel.registry.models import Person, Role
from koepel.registry.tests.factories import (
    BodyFactory,
    OrganisationFactory,
    PersonFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> dict[str, Any]:
    open_body = BodyFactory(name="Themagroep Wonen", slug="wonen")
    closed_body = BodyFactory(name="Werkgroep Geheim", slug="geheim", visibility="restricted")
    secretary = PersonFactory(name="Sanne Secretaris")
    RoleFactory(person=secretary, body=open_body, function="ambtelijk_secretaris")
    # Known only from a restricted body: an outsider may not know of her.
    hidden = PersonFactory(name="Henny Verborgen")
    RoleFactory(person=hidden, body=closed_body)
    insider = PersonFactory(name="Ingrid Binnen")
    RoleFactory(person=insider, body=closed_body)
    # Guests and addressees (no seat at all) are known to everyone.
    jansen = PersonFactory(name="Piet Jansen", title="wethouder")
    janssen = PersonFactory(name="Karin Janssen")
    dossier = Dossier.objects.create(
        title="Geheim dossier Verborgenstraat", slug="geheim-dossier", visibility="body"
    )
    dossier.bodies.set([closed_body])
    return {
        "body": open_body,
        "secretary": UserFactory(person=secretary),
        "insider": UserFactory(person=insider),
        "outsider": UserFactory(person=PersonFactory(name="Otto Buiten")),
        "hidden": hidden,
        "jansen": jansen,
        "janssen": janssen,
        "dossier": dossier,
        "bzk": OrganisationFactory(name="Ministerie van BZK", slug="bzk"),
    }


def _answer(client: Client, path: str, q: str) -> list[dict[str, Any]]:
    response = client.get(f"/kiezer/{path}/", {"q": q})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    results: list[dict[str, Any]] = response.json()["results"]
    return results


def _names(results: list[dict[str, Any]]) -> set[str]:
    return {result["name"] for result in results}


def test_an_outsider_finds_no_restricted_person_or_dossier(
    world: dict[str, Any], client: Client
) -> None:
    assert _answer(client, "personen", "verborgen") == []  # nobody signed in
    client.force_login(world["outsider"])
    assert _answer(client, "personen", "verborgen") == []
    assert _answer(client, "dossiers", "verborgenstraat") == []
    # What is open to all is found by all, with what tells two people apart.
    found = _answer(client, "personen", "jans")
    assert _names(found) == {"Piet Jansen", "Karin Janssen"}
    assert {"id": world["jansen"].pk, "name": "Piet Jansen", "detail": "wethouder"} in found


def test_someone_in_the_restricted_body_and_the_office_find_them(
    world: dict[str, Any], client: Client
) -> None:
    client.force_login(world["insider"])
    assert _names(_answer(client, "personen", "verborgen")) == {"Henny Verborgen"}
    assert _names(_answer(client, "dossiers", "verborgenstraat")) == {
        "Geheim dossier Verborgenstraat"
    }
    client.force_login(UserFactory(office=True))
    assert _names(_answer(client, "personen", "henny ver")) == {"Henny Verborgen"}


def test_the_answer_is_bounded_holds_every_word_and_needs_two_letters(
    world: dict[str, Any], client: Client
) -> None:
    Person.objects.bulk_create(
        Person(name=f"Jan Testpersoon {n}", sort_name=f"Testpersoon {n}", slug=f"jt-{n}")
        for n in range(30)
    )
    assert len(_answer(client, "personen", "testpersoon")) == 20
    assert _names(_answer(client, "personen", "jan  TESTPERSOON 17")) == {"Jan Testpersoon 17"}
    assert _answer(client, "personen", "j") == []
    assert _names(_answer(client, "organisaties", "bzk")) == {"Ministerie van BZK"}
    assert _names(_answer(client, "gremia", "wonen")) == {"Themagroep Wonen"}
    assert client.get("/kiezer/onbekend/", {"q": "wonen"}).status_code == 404
    # Control characters are no part of a name (and PostgreSQL refuses a NUL in a query).
    assert _names(_answer(client, "gremia", "wo\x00nen\x1b")) == {"Themagroep Wonen"}


def test_the_answer_asks_as_many_queries_for_many_records_as_for_few(
    world: dict[str, Any], client: Client
) -> None:
    client.force_login(world["secretary"])

    def queries(q: str) -> int:
        client.get("/kiezer/personen/", {"q": q})  # the statement is made once per viewer
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/kiezer/personen/", {"q": q}).status_code == 200
        return len(captured.captured_queries)

    few = queries("persoon")
    PersonFactory.create_batch(40, name=factory_name())
    assert queries("persoon") == few


def factory_name() -> Any:
    import factory

    return factory.Sequence(lambda n: f"Veel Persoon {n}")


def _dossier_form(client: Client, body: Any, **fields: Any) -> Any:
    return client.post(
        reverse("advocacy:dossier-create"),
        {
            "title": "Betaalbaar wonen",
            "goal": "Meer sociale huur.",
            "bodies": [body.pk],
            "visibility": "public",
            **fields,
        },
    )


def test_without_script_one_match_is_taken(world: dict[str, Any], client: Client) -> None:
    client.force_login(world["secretary"])
    response = _dossier_form(client, world["body"], **{"people-nieuw": "piet jansen"})
    assert response.status_code == 302
    assert list(Dossier.objects.get(title="Betaalbaar wonen").people.all()) == [world["jansen"]]


def test_without_script_several_matches_come_back_as_a_choice(
    world: dict[str, Any], client: Client
) -> None:
    client.force_login(world["secretary"])
    response = _dossier_form(client, world["body"], **{"people-nieuw": "jans"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "Meer dan één persoon past bij „jans”" in text
    assert "Wie of wat bedoelt u met „jans”?" in text
    for person in (world["jansen"], world["janssen"]):
        assert f'name="people" value="{person.pk}"' in text
    assert not Dossier.objects.filter(title="Betaalbaar wonen").exists()
    # Ticking one of them sends it as chosen.
    response = _dossier_form(client, world["body"], people=[world["janssen"].pk])
    assert response.status_code == 302
    assert list(Dossier.objects.get(title="Betaalbaar wonen").people.all()) == [world["janssen"]]


def test_without_script_no_match_is_an_error_in_dutch_and_keeps_the_text(
    world: dict[str, Any], client: Client
) -> None:
    client.force_login(world["secretary"])
    response = _dossier_form(
        client,
        world["body"],
        **{"people": [world["jansen"].pk], "people-nieuw": "Verborgen; Xantippe"},
    )
    text = response.content.decode()
    # A person the user may not know of is not found, exactly like one who does not exist.
    assert "Geen persoon gevonden met de naam „Verborgen”" in text
    assert "Geen persoon gevonden met de naam „Xantippe”" in text
    assert 'value="Verborgen; Xantippe"' in text
    # What was chosen already is kept, with its name.
    assert f'name="people" value="{world["jansen"].pk}"' in text
    assert "Piet Jansen (wethouder)" in text
    assert not Dossier.objects.filter(title="Betaalbaar wonen").exists()


def test_a_single_picker_resolves_keeps_and_asks(world: dict[str, Any], client: Client) -> None:
    client.force_login(world["secretary"])
    meeting = MeetingFactory(bodies=[world["body"]], date=dt.date(2021, 3, 1))
    address = reverse("meetings:guest", args=[meeting.pk])
    several = client.post(address, {"person": "jans", "topic": "Huisvesting"})
    text = several.content.decode()
    assert "Meer dan één persoon past bij „jans”" in text
    assert f'type="radio" name="person-id" value="{world["janssen"].pk}"' in text
    # The radio button answers; the name typed stays as it was.
    chosen = client.post(
        address, {"person": "jans", "person-id": world["janssen"].pk, "topic": "Huisvesting"}
    )
    assert chosen.status_code == 302
    assert Guest.objects.get(meeting=meeting).person == world["janssen"]
    # A key that no longer fits the name typed is ignored: the name decides.
    client.post(address, {"person": "Piet Jansen", "person-id": world["janssen"].pk})
    assert Guest.objects.filter(meeting=meeting, person=world["jansen"]).exists()
    none = client.post(address, {"organisation": "Ministerie van Niets"})
    assert "Geen organisatie gevonden met de naam „Ministerie van Niets”" in none.content.decode()


def test_a_key_the_page_did_not_offer_is_refused_in_words(
    world: dict[str, Any], client: Client
) -> None:
    client.force_login(world["secretary"])
    response = _dossier_form(client, world["body"], people=[world["hidden"].pk])
    assert "Een gekozen persoon bestaat niet, of niet voor u." in response.content.decode()
    assert not Dossier.objects.filter(title="Betaalbaar wonen").exists()


def test_an_edit_keeps_the_people_the_editor_may_not_see(
    world: dict[str, Any], client: Client
) -> None:
    dossier = Dossier.objects.create(title="Samen", slug="samen", goal="x", visibility="public")
    dossier.bodies.set([world["body"]])
    dossier.people.set([world["hidden"], world["jansen"]])
    client.force_login(world["secretary"])
    address = reverse("advocacy:dossier-edit", args=[dossier.slug])
    page = client.get(address).content.decode()
    assert "Henny Verborgen" not in page
    assert "Ook genoemd: 1 die u niet mag zien; die blijft staan." in page
    response = client.post(
        address,
        {
            "title": "Samen",
            "goal": "x",
            "bodies": [world["body"].pk],
            "visibility": "public",
            "people-nieuw": "Karin Janssen",
            "version": dossier.version,
        },
    )
    assert response.status_code == 302
    # Piet Jansen was unticked, Karin Janssen added; Henny Verborgen stays.
    assert set(dossier.people.all()) == {world["hidden"], world["janssen"]}


def test_a_form_page_does_not_grow_with_the_records(world: dict[str, Any], client: Client) -> None:
    client.force_login(world["secretary"])
    seat = Role.objects.get(person__name="Sanne Secretaris")
    pages = [
        reverse("advocacy:dossier-create"),
        reverse("advocacy:action-create"),
        # The registry's forms that name a person or an organisation: a role, a hand-over, a
        # participation.
        reverse("registry:role-add", args=[world["body"].slug]),
        reverse("registry:role-hand-over", args=[seat.pk]),
        reverse("registry:participation-add", args=[world["body"].slug]),
    ]
    before = [len(client.get(page).content) for page in pages]
    Person.objects.bulk_create(
        Person(name=f"Persoon {n}", sort_name=f"Persoon {n}", slug=f"p-{n}") for n in range(2000)
    )
    OrganisationFactory.create_batch(50)
    after = [len(client.get(page).content) for page in pages]
    assert after == before
    assert 'data-picker-url="/kiezer/personen/"' in client.get(pages[0]).content.decode()


def test_a_list_pages_filters_do_not_grow_with_the_records(
    world: dict[str, Any], client: Client
) -> None:
    """The lobby's filters by addressee and co-signer are pickers: the list page is as long
    with fifty more organisations, and a typed name filters as a chosen one did."""
    letter = LobbyAction.objects.create(
        title="Brief over de woningbouwimpuls",
        kind="brief",
        date=dt.date(2021, 3, 1),
        visibility="public",
    )
    letter.bodies.set([world["body"]])
    letter.addressees.set([world["bzk"]])
    page = reverse("advocacy:dossiers")
    before = len(client.get(page).content)
    OrganisationFactory.create_batch(50)
    assert len(client.get(page).content) == before
    assert 'data-picker-url="/kiezer/organisaties/"' in client.get(page).content.decode()

    found = client.get(page, {"geadresseerde": "Ministerie van BZK"}).content.decode()
    assert "Brief over de woningbouwimpuls" in found
    chosen = client.get(
        page, {"geadresseerde": "Ministerie van BZK", "geadresseerde-id": world["bzk"].pk}
    ).content.decode()
    assert "Brief over de woningbouwimpuls" in chosen
    other = OrganisationFactory(name="Vereniging van Nederlandse Gemeenten")
    elsewhere = client.get(page, {"medeondertekenaar": other.name}).content.decode()
    assert "Brief over de woningbouwimpuls" not in elsewhere


def test_the_autocomplete_library_and_the_script_are_served_by_koepel_itself(
    client: Client,
) -> None:
    library = finders.find("vendor/accessible-autocomplete/accessible-autocomplete.min.js")
    assert library is not None
    assert "accessibleAutocomplete" in Path(library).read_text(encoding="utf-8")
    assert finders.find("vendor/accessible-autocomplete/accessible-autocomplete.min.css")
    assert finders.find("koepel/js/picker.js")
