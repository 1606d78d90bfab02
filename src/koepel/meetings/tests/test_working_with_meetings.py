"""A secretary plans, invites, records and closes a meeting in the browser; a member answers."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from koepel.accounts.tests.factories import UserFactory
from koepel.meetings.models import ActionItem, Answer, Invitation, Meeting, Status
from koepel.registry.tests.factories import (
    BodyFactory,
    MunicipalityFactory,
    PersonFactory,
    RoleFactory,
)


@pytest.fixture
def group(db: None) -> dict[str, Any]:
    body = BodyFactory(name="Themagroep Sterke Keten", slug="sterke-keten")
    secretary = PersonFactory(name="Sanne Secretaris", email="sanne@example.nl")
    RoleFactory(person=secretary, body=body, function="ambtelijk_secretaris")
    city = MunicipalityFactory(name="Zwolle", cbs_code="GM0193")
    member = PersonFactory(name="Willem Wethouder", email="willem@example.nl", municipality=city)
    RoleFactory(person=member, body=body, function="lid")
    outsider = PersonFactory(name="Olga Buitenstaander", email="olga@example.nl")
    RoleFactory(person=outsider)  # sits elsewhere
    return {
        "body": body,
        "secretary": UserFactory(person=secretary),
        "member": UserFactory(person=member),
        "member_person": member,
        "outsider": outsider,
        "city": city,
    }


def _plan(client: Client, body: Any, **overrides: str) -> Any:
    form = BeautifulSoup(client.get(reverse("meetings:plan")).content, "html.parser")
    data = {
        "bodies": [body.pk],
        "title": "Bestuurlijk overleg Sterke Keten",
        "kind": "themasessie",
        "level": "bestuurlijk",
        "format": "online",
        "date": "2021-09-14",
        "start_time": "10:00",
        "end_time": "12:00",
        "visibility": "network",
        "submission": form.find("input", attrs={"name": "submission"})["value"],
        **overrides,
    }
    return client.post(reverse("meetings:plan"), data)


def test_a_secretary_plans_invites_records_and_closes_and_a_member_answers(
    group: dict[str, Any], client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(group["secretary"])
    response = _plan(client, group["body"])
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:invite", args=[meeting.pk])

    invite = reverse("meetings:invite", args=[meeting.pk])
    # The page first says who gets the invitation by mail, and mails nobody yet.
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(invite, {"people": [group["member_person"].pk]})
    assert asked.status_code == 200
    preview = BeautifulSoup(asked.content, "html.parser").find(id="invite-confirm")
    assert " ".join(preview.get_text().split()) == (
        "U nodigt 1 persoon uit. 1 krijgt de uitnodiging nu per e-mail, met de bijeenkomst "
        "voor de agenda: Willem Wethouder."
    )
    assert mail.outbox == [] and not Invitation.objects.exists()
    # What was ticked stays ticked, and the second button sends.
    ticked = BeautifulSoup(asked.content, "html.parser").find(
        id=f"person-{group['member_person'].pk}"
    )
    assert ticked.has_attr("checked")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(invite, {"people": [group["member_person"].pk], "confirmed": "1"})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["willem@example.nl"]]
    invitation_mail = mail.outbox[0]
    assert invitation_mail.subject == "Uitnodiging: Bestuurlijk overleg Sterke Keten"
    assert meeting.get_absolute_url() in invitation_mail.body
    ics = Calendar.from_ical(invitation_mail.attachments[0][1])
    event = ics.walk("VEVENT")[0]
    assert str(event["UID"]) == f"{meeting.uid}@koepel"

    member = Client()
    member.force_login(group["member"])
    page = member.get(meeting.get_absolute_url()).content.decode()
    assert "Uw antwoord" in page
    member.post(reverse("meetings:answer", args=[meeting.pk]), {"answer": Answer.COMING})
    assert Invitation.objects.get().answer == Answer.COMING

    client.post(
        reverse("meetings:agenda-item", args=[meeting.pk]),
        {"title": "Coronamaatregelen", "duration": "30"},
    )
    client.post(
        reverse("meetings:minutes", args=[meeting.pk]),
        {
            "minutes": "Besproken: **TOZO**\n\n<script>alert(1)</script>",
            "version": "1",
        },
    )
    client.post(
        reverse("meetings:decision", args=[meeting.pk]),
        {"text": "De themagroep stuurt een brief aan SZW."},
    )
    client.post(
        reverse("meetings:action", args=[meeting.pk]),
        {
            "description": "Concept-brief opstellen",
            "owner": group["member_person"].pk,
            "due": "2021-10-01",
        },
    )
    client.post(
        reverse("meetings:close", args=[meeting.pk]), {"present": [group["member_person"].pk]}
    )

    meeting.refresh_from_db()
    assert meeting.status == Status.HELD
    # Minutes are kept as the Markdown typed, and shown sanitised: the tag typed is text.
    assert meeting.minutes == "Besproken: **TOZO**\n\n<script>alert(1)</script>"
    outcome = BeautifulSoup(member.get(meeting.get_absolute_url()).content, "html.parser")
    shown = outcome.select_one(".minutes")
    assert shown is not None and shown.find("strong").get_text() == "TOZO"
    assert shown.find("script") is None and "<script>alert(1)</script>" in shown.get_text()
    text = outcome.get_text(" ", strip=True)
    assert "Coronamaatregelen" in text
    assert "De themagroep stuurt een brief aan SZW." in text
    assert "Concept-brief opstellen" in text
    assert "Vertegenwoordigde lidgemeenten: Zwolle" in text
    body_page = client.get(group["body"].get_absolute_url()).content.decode()
    assert "Concept-brief opstellen" in body_page  # the body's open actions


def _first_meeting(client: Client, group: dict[str, Any]) -> Meeting:
    """The body's secretary, signed in, plans its first meeting."""
    client.force_login(group["secretary"])
    _plan(client, group["body"])
    return Meeting.objects.get()


def _next_meeting(client: Client, group: dict[str, Any]) -> Meeting:
    _plan(client, group["body"], date="2021-10-12", title="Volgend overleg")
    return Meeting.objects.get(title="Volgend overleg")


def test_an_action_is_carried_to_the_next_meeting_until_it_is_done(
    group: dict[str, Any], client: Client
) -> None:
    first = _first_meeting(client, group)
    client.post(reverse("meetings:action", args=[first.pk]), {"description": "Notitie schrijven"})
    second = _next_meeting(client, group)

    assert "Notitie schrijven" in client.get(second.get_absolute_url()).content.decode()
    action = ActionItem.objects.get()
    client.post(
        reverse("meetings:action-status", args=[action.pk]),
        {"status": "afgerond", "meeting": second.pk},
    )
    action.refresh_from_db()
    assert action.done_in == second
    third_page = client.get(group["body"].get_absolute_url()).content.decode()
    assert "Notitie schrijven" not in third_page


def test_a_meeting_shows_the_open_actions_due_first_and_says_when_there_are_more(
    group: dict[str, Any], client: Client
) -> None:
    first = _first_meeting(client, group)
    for day in range(1, 28):  # 27 open actions, due on the 1st to the 27th
        ActionItem.objects.create(
            meeting=first,
            body=group["body"],
            description=f"Actie {day:02}",
            due=dt.date(2021, 11, day),
        )
    second = _next_meeting(client, group)

    page = client.get(second.get_absolute_url()).content.decode()
    assert "Actie 25" in page and "Actie 26" not in page
    assert "Alleen de 25 open acties die het eerst af moeten, staan hier." in page
    # With two done, the other 25 fit: the sentence goes.
    for action in ActionItem.objects.filter(description__in=["Actie 01", "Actie 02"]):
        client.post(
            reverse("meetings:action-status", args=[action.pk]),
            {"status": "afgerond", "meeting": second.pk, "version": action.version},
        )
    page = client.get(second.get_absolute_url()).content.decode()
    assert "Actie 27" in page and "staan hier" not in page


def test_an_end_before_the_start_gets_a_dutch_message_and_nothing_is_stored(
    group: dict[str, Any], client: Client
) -> None:
    client.force_login(group["secretary"])
    response = _plan(client, group["body"], start_time="12:00", end_time="10:00")
    assert response.status_code == 200
    assert "De eindtijd ligt vóór de begintijd." in response.content.decode()
    assert not Meeting.objects.exists()

    response = _plan(client, group["body"], date="14-09-2021")
    assert "is geen datum" in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_form_sent_twice_makes_one_meeting(group: dict[str, Any], client: Client) -> None:
    client.force_login(group["secretary"])
    form = BeautifulSoup(client.get(reverse("meetings:plan")).content, "html.parser")
    token = form.find("input", attrs={"name": "submission"})["value"]
    _plan(client, group["body"], submission=token)
    response = _plan(client, group["body"], submission=token)
    assert Meeting.objects.count() == 1
    assert response["Location"] == Meeting.objects.get().get_absolute_url()


def test_inviting_someone_outside_the_body_is_refused_and_nobody_is_invited(
    group: dict[str, Any], client: Client
) -> None:
    client.force_login(group["secretary"])
    _plan(client, group["body"])
    meeting = Meeting.objects.get()
    response = client.post(
        reverse("meetings:invite", args=[meeting.pk]),
        {"people": [group["member_person"].pk, group["outsider"].pk], "confirmed": "1"},
    )
    assert response.status_code == 200
    assert "Olga Buitenstaander zat op de datum van deze bijeenkomst niet in de gremia ervan" in (
        response.content.decode()
    )
    assert not Invitation.objects.exists()


def test_two_people_editing_the_minutes_the_second_is_told_and_keeps_their_text(
    group: dict[str, Any], client: Client
) -> None:
    client.force_login(group["secretary"])
    _plan(client, group["body"])
    meeting = Meeting.objects.get()
    office = Client()
    office.force_login(UserFactory(office=True))

    office.post(
        reverse("meetings:minutes", args=[meeting.pk]),
        {"minutes": "<p>Versie van het bureau</p>", "version": "1"},
    )
    response = client.post(
        reverse("meetings:minutes", args=[meeting.pk]),
        {"minutes": "<p>Mijn eigen aantekeningen</p>", "version": "1"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Iemand anders heeft dit net gewijzigd" in page
    assert "Mijn eigen aantekeningen" in page  # their text, back in the form
    assert "Versie van het bureau" in page  # and the other version to compare
    meeting.refresh_from_db()
    assert meeting.minutes == "<p>Versie van het bureau</p>"

    version = re.search(r'name="version" value="(\d+)"', page)
    assert version is not None
    client.post(
        reverse("meetings:minutes", args=[meeting.pk]),
        {"minutes": "<p>Samengevoegd</p>", "version": version.group(1)},
    )
    meeting.refresh_from_db()
    assert meeting.minutes == "<p>Samengevoegd</p>"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("agenda.pdf", b"MZ\x90\x00 not a pdf at all" + bytes(range(256)), "is geen"),
        ("agenda.docx", b"%PDF-1.7\n%binary\n1 0 obj\n", "heet .docx maar is een PDF-bestand"),
        ("leeg.pdf", b"", "leeg"),
    ],
)
def test_an_upload_that_is_not_what_it_claims_is_refused(
    group: dict[str, Any], client: Client, name: str, content: bytes, message: str
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(group["secretary"])
    _plan(client, group["body"])
    meeting = Meeting.objects.get()
    response = client.post(
        reverse("meetings:agenda-item", args=[meeting.pk]),
        {"title": "Stukken", "attachment": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not meeting.agenda_items.exists()


def test_a_member_cannot_plan_or_edit_and_an_outsider_cannot_answer(
    group: dict[str, Any], client: Client
) -> None:
    secretary = Client()
    secretary.force_login(group["secretary"])
    _plan(secretary, group["body"])
    meeting = Meeting.objects.get()

    client.force_login(group["member"])
    assert client.get(reverse("meetings:plan")).status_code == 403
    assert client.get(reverse("meetings:edit", args=[meeting.pk])).status_code == 403
    assert (
        client.post(
            reverse("meetings:minutes", args=[meeting.pk]), {"minutes": "x", "version": "1"}
        ).status_code
        == 403
    )
    response = client.post(reverse("meetings:answer", args=[meeting.pk]), {"answer": "komt"})
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_cancelling_tells_the_invitees_with_a_cancelled_calendar_entry(
    group: dict[str, Any], client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(group["secretary"])
    _plan(client, group["body"])
    meeting = Meeting.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("meetings:invite", args=[meeting.pk]),
            {"people": [group["member_person"].pk], "confirmed": "1"},
        )
    assert [m.subject for m in mail.outbox] == ["Uitnodiging: Bestuurlijk overleg Sterke Keten"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("meetings:cancel", args=[meeting.pk]), {"version": "1"})
    assert mail.outbox[0].subject.startswith("Geannuleerd:")
    calendar = Calendar.from_ical(mail.outbox[0].attachments[0][1])
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(calendar.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"


def test_a_changed_time_is_mailed_to_the_invitees(
    group: dict[str, Any], client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(group["secretary"])
    _plan(client, group["body"])
    meeting = Meeting.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("meetings:invite", args=[meeting.pk]),
            {"people": [group["member_person"].pk], "confirmed": "1"},
        )
    assert [m.subject for m in mail.outbox] == ["Uitnodiging: Bestuurlijk overleg Sterke Keten"]
    mail.outbox.clear()
    change = {
        "bodies": [group["body"].pk],
        "title": meeting.title,
        "kind": meeting.kind,
        "level": meeting.level,
        "format": meeting.format,
        "date": "2021-09-15",
        "start_time": "10:00",
        "end_time": "12:00",
        "visibility": "network",
        "version": "1",
    }
    url = reverse("meetings:edit", args=[meeting.pk])
    # The page first says who will be mailed, and saves and mails nothing yet.
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(url, change)
    assert asked.status_code == 200
    text = " ".join(BeautifulSoup(asked.content, "html.parser").get_text().split())
    assert "Als u deze wijziging opslaat, krijgt 1 genodigde er een e-mail over" in text
    assert mail.outbox == []
    meeting.refresh_from_db()
    assert meeting.date == dt.date(2021, 9, 14)
    # Saved from that page, the change is mailed.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**change, "mail_confirmed": "1"})
    assert [m.subject for m in mail.outbox] == ["Gewijzigd: Bestuurlijk overleg Sterke Keten"]
    meeting.refresh_from_db()
    assert meeting.date == dt.date(2021, 9, 15)


def test_an_action_is_owned_by_someone_of_the_meeting_not_anyone_at_all(
    group: dict[str, Any], client: Client
) -> None:
    client.force_login(group["secretary"])
    _plan(client, group["body"])
    meeting = Meeting.objects.get()
    page = BeautifulSoup(client.get(meeting.get_absolute_url()).content, "html.parser")
    owners = {option.text for option in page.select("select[name=owner] option") if option["value"]}
    # The body's members are offered; someone of another body is not (a network of thousands
    # would otherwise fill the list with every person it knows).
    assert owners == {"Sanne Secretaris", "Willem Wethouder"}

    client.post(
        reverse("meetings:action", args=[meeting.pk]),
        {"description": "Notitie schrijven", "owner": group["outsider"].pk},
    )
    assert not ActionItem.objects.exists()
    client.post(
        reverse("meetings:action", args=[meeting.pk]),
        {"description": "Notitie schrijven", "owner": group["member_person"].pk},
    )
    assert ActionItem.objects.get().owner == group["member_person"]


def test_the_owners_offered_are_only_people_the_secretary_may_know_of(
    group: dict[str, Any], client: Client
) -> None:
    hidden_body = BodyFactory(name="Geheim overleg", slug="geheim", visibility="restricted")
    hidden = PersonFactory(name="Verborgen Persoon")
    RoleFactory(person=hidden, body=hidden_body, function="lid")
    client.force_login(group["secretary"])
    _plan(client, group["body"])
    meeting = Meeting.objects.get()
    meeting.bodies.add(hidden_body)  # organised together with a body the secretary cannot see

    page = BeautifulSoup(client.get(meeting.get_absolute_url()).content, "html.parser")
    owners = {option.text for option in page.select("select[name=owner] option")}
    assert "Verborgen Persoon" not in owners
    assert "Willem Wethouder" in owners
    client.post(
        reverse("meetings:action", args=[meeting.pk]),
        {"description": "Notitie schrijven", "owner": hidden.pk},
    )
    assert not ActionItem.objects.exists()


@pytest.mark.parametrize("by_id", [True, False])
def test_a_body_page_shows_its_latest_meetings_read_by_id_or_by_join(
    group: dict[str, Any], client: Client, monkeypatch: pytest.MonkeyPatch, by_id: bool
) -> None:
    # A body with few meetings has them read by their ids, one with many through the join:
    # the page shows the same either way, and no meeting of another body.
    from koepel.meetings import selectors
    from koepel.meetings.tests.factories import MeetingFactory

    body, other = group["body"], BodyFactory(name="Werkgroep Elders", slug="elders")
    for day in range(1, 13):
        MeetingFactory(title=f"Overleg {day:02d}", date=dt.date(2021, 3, day), bodies=[body])
    MeetingFactory(title="Overleg elders", date=dt.date(2021, 4, 1), bodies=[other])
    monkeypatch.setattr(selectors, "MEETINGS_BY_ID", 100 if by_id else 5)

    page = BeautifulSoup(
        client.get(reverse("registry:body", args=[body.slug])).content, "html.parser"
    )
    titles = [link.get_text(strip=True) for link in page.select("a[href*='/bijeenkomsten/']")]
    shown = [title for title in titles if title.startswith("Overleg")]
    assert shown == [f"Overleg {day:02d}" for day in range(12, 2, -1)]
