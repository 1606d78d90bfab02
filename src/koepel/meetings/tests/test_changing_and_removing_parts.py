"""A meeting's agenda items, guests, decisions and actions are changed and removed on pages of
their own, by whoever may change the meeting: with the version the edit started from, a
confirmation before anything is removed. (The API changes them through the same service:
api/tests/test_meeting_parts_api.py.)"""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from koepel.accounts.tests.factories import UserFactory
from koepel.core.errors import EditConflict
from koepel.core.tests.forms import form_data, second_writer_conflicts
from koepel.meetings import services
from koepel.meetings.models import ActionItem, AgendaItem, Decision, Guest, Meeting
from koepel.meetings.tests.factories import MeetingFactory
from koepel.registry.tests.factories import (
    BodyFactory,
    OrganisationFactory,
    PersonFactory,
    RoleFactory,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(db: None, settings: Any, tmp_path: Any) -> dict[str, Any]:
    settings.KOEPEL_PRIVATE_ROOT = tmp_path
    body = BodyFactory(name="Themagroep Sterke Keten", slug="sterke-keten")
    other_body = BodyFactory(name="Themagroep Wonen", slug="wonen")
    secretary = PersonFactory(name="Sanne Secretaris")
    RoleFactory(person=secretary, body=body, function="ambtelijk_secretaris")
    other = PersonFactory(name="Otto Andersecretaris")
    RoleFactory(person=other, body=other_body, function="ambtelijk_secretaris")
    member = PersonFactory(name="Anna Ambtenaar")
    RoleFactory(person=member, body=body, function="lid")
    meeting = MeetingFactory(title="Overleg Sterke Keten", bodies=[body], visibility="network")
    parts = {
        "agenda": AgendaItem.objects.create(meeting=meeting, title="Opening", position=1),
        "guest": Guest.objects.create(
            meeting=meeting, organisation=OrganisationFactory(name="Ministerie van BZK")
        ),
        "decision": Decision.objects.create(meeting=meeting, text="Het plan is vastgesteld."),
        "action": ActionItem.objects.create(
            meeting=meeting, body=body, description="Nabellen van de gemeenten", owner=member
        ),
    }
    return {
        "meeting": meeting,
        "parts": parts,
        "body": body,
        "secretary": UserFactory(person=secretary),
        "other_secretary": UserFactory(person=other),
        "member": UserFactory(person=member),
    }


NAMES = {"agenda": "agenda-item", "guest": "guest", "decision": "decision", "action": "action"}
# A change of each kind's main field, as a person types it, and how to read it back.
CHANGES: dict[str, tuple[str, str, str]] = {
    "agenda": ("title", "Opening en mededelingen", "title"),
    "guest": ("topic", "De woondeal", "topic"),
    "decision": ("text", "Het plan is met een wijziging vastgesteld.", "text"),
    "action": ("description", "Nabellen van de lidgemeenten", "description"),
}


def _client(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _url(world: dict[str, Any], kind: str, step: str) -> str:
    part = world["parts"][kind]
    return reverse(f"meetings:{NAMES[kind]}-{step}", args=[world["meeting"].pk, part.pk])


def _text(response: Any) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text().split())


@pytest.mark.parametrize("kind", sorted(NAMES))
def test_the_meeting_page_links_to_change_and_remove_each_part(
    world: dict[str, Any], kind: str
) -> None:
    page = _client(world["secretary"]).get(world["meeting"].get_absolute_url())
    soup = BeautifulSoup(page.content, "html.parser")
    for step in ("edit", "remove"):
        assert soup.find("a", href=_url(world, kind, step)), (kind, step)
    # A member reads the same page without them.
    page = _client(world["member"]).get(world["meeting"].get_absolute_url())
    assert not BeautifulSoup(page.content, "html.parser").find("a", href=_url(world, kind, "edit"))


@pytest.mark.parametrize("kind", sorted(NAMES))
def test_a_secretary_changes_a_part(world: dict[str, Any], kind: str) -> None:
    client = _client(world["secretary"])
    url = _url(world, kind, "edit")
    field, value, attribute = CHANGES[kind]
    data = form_data(client.get(url).content)
    response = client.post(url, {**data, field: value}, follow=True)
    assert response.redirect_chain[-1][0] == world["meeting"].get_absolute_url()
    record = type(world["parts"][kind]).objects.get(pk=world["parts"][kind].pk)
    assert getattr(record, attribute) == value
    assert record.version == world["parts"][kind].version + 1
    assert value in _text(response)


@pytest.mark.parametrize("kind", sorted(NAMES))
def test_a_second_writer_of_a_part_gets_a_conflict(world: dict[str, Any], kind: str) -> None:
    field, value, attribute = CHANGES[kind]
    second_writer_conflicts(
        _client(world["secretary"]),
        _client(UserFactory(office=True)),
        _url(world, kind, "edit"),
        {field: value},
        {field: value + " (tweede)"},
    )
    record = type(world["parts"][kind]).objects.get(pk=world["parts"][kind].pk)
    assert getattr(record, attribute) == value


@pytest.mark.parametrize("kind", sorted(NAMES))
def test_removing_a_part_asks_first(world: dict[str, Any], kind: str) -> None:
    client = _client(world["secretary"])
    url = _url(world, kind, "remove")
    model = type(world["parts"][kind])
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "U verwijdert dit uit de bijeenkomst:" in _text(confirm)
    assert model.objects.filter(pk=world["parts"][kind].pk).exists()  # opening removes nothing
    response = client.post(url, form_data(confirm.content, "confirm-form"))
    assert response.status_code == 302
    assert not model.objects.filter(pk=world["parts"][kind].pk).exists()


@pytest.mark.parametrize("kind", sorted(NAMES))
def test_a_part_changed_since_the_confirmation_is_not_removed(
    world: dict[str, Any], kind: str
) -> None:
    client = _client(world["secretary"])
    url = _url(world, kind, "remove")
    stale = form_data(client.get(url).content, "confirm-form")
    edit = _url(world, kind, "edit")
    field, value, _ = CHANGES[kind]
    client.post(edit, {**form_data(client.get(edit).content), field: value})
    response = client.post(url, stale)
    assert response.status_code == 200
    assert "Iemand anders heeft dit net gewijzigd. Bekijk het opnieuw" in _text(response)
    assert value in _text(response)  # the part as it is now
    model = type(world["parts"][kind])
    assert model.objects.filter(pk=world["parts"][kind].pk).exists()
    # Confirmed again, from the page as it is now, it goes.
    client.post(url, form_data(response.content, "confirm-form"))
    assert not model.objects.filter(pk=world["parts"][kind].pk).exists()


@pytest.mark.parametrize("who", ["other_secretary", "member", "visitor"])
@pytest.mark.parametrize("kind", sorted(NAMES))
def test_only_who_may_change_the_meeting_changes_or_removes_its_parts(
    world: dict[str, Any], kind: str, who: str
) -> None:
    client = _client(world.get(who))
    record = world["parts"][kind]
    field, value, attribute = CHANGES[kind]
    for step in ("edit", "remove"):
        url = _url(world, kind, step)
        for response in (
            client.get(url),
            client.post(url, {field: value, "version": record.version}),
        ):
            if who == "visitor":
                assert response.status_code == 302
                assert response["Location"].startswith(reverse("accounts:login"))
            else:
                assert response.status_code == 403
    stored = type(record).objects.get(pk=record.pk)
    assert getattr(stored, attribute) == getattr(record, attribute)


def test_a_part_of_another_meeting_is_not_found_under_this_one(world: dict[str, Any]) -> None:
    elsewhere = MeetingFactory(bodies=[world["body"]])
    item = AgendaItem.objects.create(meeting=elsewhere, title="Elders", position=1)
    url = reverse("meetings:agenda-item-edit", args=[world["meeting"].pk, item.pk])
    assert _client(world["secretary"]).get(url).status_code == 404


def test_removing_an_agenda_item_says_its_attachment_goes_and_deletes_the_file(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    client = _client(world["secretary"])
    meeting = world["meeting"]
    client.post(
        reverse("meetings:agenda-item", args=[meeting.pk]),
        {"title": "Begroting", "attachment": SimpleUploadedFile("begroting.pdf", PDF)},
    )
    item = AgendaItem.objects.get(title="Begroting")
    storage, name = item.attachment.storage, item.attachment.name
    assert storage.exists(name)
    url = reverse("meetings:agenda-item-remove", args=[meeting.pk, item.pk])
    confirm = client.get(url)
    assert (
        "De bijlage begroting.pdf wordt ook verwijderd en is daarna niet meer te downloaden."
        in _text(confirm)
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, form_data(confirm.content, "confirm-form"))
    assert not AgendaItem.objects.filter(pk=item.pk).exists()
    assert not storage.exists(name)


def test_an_agenda_items_attachment_is_replaced_or_taken_away(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    client = _client(world["secretary"])
    item = world["parts"]["agenda"]
    url = _url(world, "agenda", "edit")
    data = form_data(client.get(url).content)
    assert "remove_attachment" not in BeautifulSoup(client.get(url).content, "html.parser").text
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**data, "attachment": SimpleUploadedFile("eerste.pdf", PDF)})
    item.refresh_from_db()
    first = item.attachment.name
    data = form_data(client.get(url).content)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**data, "attachment": SimpleUploadedFile("tweede.pdf", PDF)})
    item.refresh_from_db()
    assert item.attachment.name.endswith("tweede.pdf")
    assert not item.attachment.storage.exists(first)
    second = item.attachment.name
    data = form_data(client.get(url).content)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**data, "remove_attachment": "on"})
    item.refresh_from_db()
    assert not item.attachment
    assert not item.attachment.storage.exists(second)


def test_a_file_that_is_no_document_is_refused_and_the_old_one_kept(
    world: dict[str, Any],
) -> None:
    client = _client(world["secretary"])
    url = _url(world, "agenda", "edit")
    data = form_data(client.get(url).content)
    response = client.post(
        url, {**data, "attachment": SimpleUploadedFile("virus.pdf", b"MZ\x90\x00binary")}
    )
    assert response.status_code == 200
    assert BeautifulSoup(response.content, "html.parser").select(".field-error")
    item = AgendaItem.objects.get(pk=world["parts"]["agenda"].pk)
    assert item.title == "Opening" and not item.attachment


def test_stale_version_in_the_service_is_refused(world: dict[str, Any]) -> None:
    decision = world["parts"]["decision"]
    services.meeting_part_update(
        actor=world["secretary"], record=decision, expected_version=decision.version, text="A"
    )
    stale = Decision.objects.get(pk=decision.pk)
    stale.version -= 1
    with pytest.raises(EditConflict):
        services.meeting_part_update(
            actor=world["secretary"], record=stale, expected_version=stale.version, text="B"
        )
    with pytest.raises(EditConflict):
        services.meeting_part_delete(
            actor=world["secretary"], record=stale, expected_version=stale.version
        )
    assert Decision.objects.get(pk=decision.pk).text == "A"
    assert Meeting.objects.filter(pk=world["meeting"].pk).exists()
