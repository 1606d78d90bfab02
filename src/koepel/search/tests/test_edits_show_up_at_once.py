"""A change made through a service is found by the next search, and a change that is rolled
back never is."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from koepel.accounts.access import SYSTEM
from koepel.advocacy import services as lobby
from koepel.meetings import services as meetings
from koepel.registry import services as registry
from koepel.registry.models import Role
from koepel.search import index
from koepel.search.tests.conftest import give_role, make_body, make_person, search_page, signed_in


def test_a_changed_goal_is_found_by_its_new_words_and_not_its_old_ones(
    network: dict[str, Any], client: Client
) -> None:
    dossier = network["dossier"]
    lobby.dossier_update(
        actor=SYSTEM, dossier=dossier, version=dossier.version, goal="Minder zwerfafval in parken."
    )

    assert search_page(client, "zwerfafval").titles == ["Meer sociale huurwoningen"]
    assert "Meer sociale huurwoningen" not in search_page(client, "inkomen").titles


def test_minutes_are_found_without_their_markup(network: dict[str, Any], client: Client) -> None:
    meeting = network["public_meeting"]
    meetings.minutes_save(
        actor=SYSTEM,
        meeting=meeting,
        minutes="Besluit over **deelauto**'s\n\n- parkeer&normen",
        version=meeting.minutes_version,
    )

    [hit] = search_page(client, "deelauto").hits
    assert hit.title == "Themasessie woningbouw"
    assert "<strong>" not in hit.snippet
    assert "<mark>deelauto</mark>" in hit.snippet
    assert search_page(client, "parkeernormen").hits == []  # "&amp;" split the word
    assert search_page(client, "parkeer normen").titles == ["Themasessie woningbouw"]


def test_an_agenda_item_is_found_as_part_of_its_meeting(
    network: dict[str, Any], client: Client
) -> None:
    meetings.agenda_item_add(
        actor=SYSTEM, meeting=network["public_meeting"], title="Warmtetransitie in de wijk"
    )

    assert search_page(client, "warmtetransitie").titles == ["Themasessie woningbouw"]


def test_a_newly_invited_person_finds_the_restricted_meeting(
    network: dict[str, Any], client: Client
) -> None:
    colleague = network["users"]["colleague"]
    client.force_login(colleague)
    assert search_page(client, "grondprijsstrategie").hits == []

    meetings.meeting_invite(
        actor=SYSTEM, meeting=network["secret_meeting"], people=[colleague.person]
    )

    assert search_page(client, "grondprijsstrategie").titles == [
        "Vertrouwelijk overleg grondprijzen"
    ]


def test_a_deleted_meeting_is_gone_with_its_sessions(
    network: dict[str, Any], client: Client
) -> None:
    meeting = network["public_meeting"]
    session = meetings.meeting_plan(
        actor=SYSTEM,
        bodies=[network["group"]],
        title="Deelsessie woningbouw",
        kind="themasessie",
        level="ambtelijk",
        format="online",
        date=meeting.date,
        part_of=meeting,
        visibility="public",
    )
    assert "Deelsessie woningbouw" in search_page(client, "woningbouw").titles

    meetings.meeting_delete(actor=SYSTEM, meeting=meeting)

    titles = search_page(client, "woningbouw").titles
    assert "Themasessie woningbouw" not in titles
    assert session.title not in titles


def test_a_rolled_back_change_is_never_found(network: dict[str, Any], client: Client) -> None:
    dossier = network["dossier"]
    with pytest.raises(RuntimeError), transaction.atomic():
        lobby.dossier_update(
            actor=SYSTEM, dossier=dossier, version=dossier.version, goal="Gratis zonnepanelen."
        )
        raise RuntimeError("the rest of the request failed")

    assert search_page(client, "zonnepanelen").hits == []
    assert search_page(client, "inkomen").titles == ["Meer sociale huurwoningen"]


def test_a_renamed_person_is_found_by_the_new_name_only(
    network: dict[str, Any], client: Client
) -> None:
    person = network["named"]
    person.name = "Nina van Nieuwenhuizen"
    registry.person_save(person=person)

    assert search_page(client, "Nieuwenhuizen").titles == ["Nina van Nieuwenhuizen"]
    assert search_page(client, "Genoemd").hits == []


def test_a_person_whose_role_ends_no_longer_finds_a_restricted_body(
    network: dict[str, Any], client: Client
) -> None:
    board = make_body("Stuurgroep Geheim", "stuurgroep", "steering_group", visibility="restricted")
    person = make_person("Rik Rol", "rik")
    role = give_role(person, board)
    network["users"]["outsider"].person = person
    network["users"]["outsider"].save()
    client = signed_in(client, network, "outsider")
    assert search_page(client, "stuurgroep").titles == ["Stuurgroep Geheim"]

    registry.record_delete(record=Role.objects.get(pk=role.pk))

    assert search_page(client, "stuurgroep").hits == []


def test_a_body_that_becomes_restricted_leaves_the_trails_of_its_records(
    db: None, client: Any
) -> None:
    from koepel.meetings.tests.factories import MeetingFactory
    from koepel.registry import services as registry_services
    from koepel.registry.tests.factories import BodyFactory
    from koepel.search import index as search_index

    body = BodyFactory(name="Werkgroep Zonnedaken")
    meeting = MeetingFactory(title="Overleg over dakpanelen", bodies=[body])
    search_index.update(meeting)
    assert "Zonnedaken" in client.get("/zoeken/", {"q": "dakpanelen"}).content.decode()

    body.visibility = "restricted"
    registry_services.body_save(body=body)
    page = client.get("/zoeken/", {"q": "dakpanelen"}).content.decode()
    assert "Overleg over dakpanelen" in page and "Zonnedaken" not in page


def test_records_saved_while_indexing_later_are_found_as_saved_after_the_block(
    db: None, client: Client
) -> None:
    with transaction.atomic(), index.later():
        kept = make_body("Werkgroep Zeespiegel", "zeespiegel", "theme_group")
        renamed = make_body("Werkgroep Duinvoet", "duinvoet", "theme_group")
        gone = make_body("Werkgroep Kwelwater", "kwelwater", "theme_group")
        assert search_page(client, "zeespiegel").titles == []  # not yet
        renamed.name = "Werkgroep Dijkvoet"
        registry.body_save(body=renamed, expected_version=renamed.version)
        index.remove(gone)
        gone.delete()

    assert search_page(client, "zeespiegel").titles == [kept.name]
    assert search_page(client, "dijkvoet").titles == ["Werkgroep Dijkvoet"]
    assert search_page(client, "duinvoet").titles == []
    assert search_page(client, "kwelwater").titles == []


def test_nothing_is_indexed_when_the_block_indexing_later_fails(db: None, client: Client) -> None:
    with pytest.raises(RuntimeError), transaction.atomic(), index.later():
        make_body("Werkgroep Zeespiegel", "zeespiegel", "theme_group")
        raise RuntimeError("halverwege")

    assert search_page(client, "zeespiegel").titles == []
