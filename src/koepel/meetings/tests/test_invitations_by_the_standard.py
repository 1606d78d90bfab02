"""Invitations calendars can accept (RFC 5546): each invitee's mail carries an iTIP message
with the organiser and that invitee as attendee, the same UID throughout and a SEQUENCE that
moves on with every change mailed, read alike by two independent parsers (icalendar and
vobject). Guests from outside are invited by address; everyone answers through a signed link
without signing in, and a forged or expired link gets a page that says so. Nobody without an
address is skipped in silence, and each person is written to in their own language."""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import Any
from urllib.parse import urlsplit

import pytest
import vobject
from bs4 import BeautifulSoup
from django.core import mail, signing
from django.test import Client
from django.urls import reverse
from icalendar import Calendar
from post_office.models import Email

from koepel.accounts.tests.factories import UserFactory
from koepel.meetings import services
from koepel.meetings.models import Answer, Invitation, Meeting
from koepel.meetings.tests.factories import MeetingFactory
from koepel.registry.models import Person
from koepel.registry.tests.factories import BodyFactory, PersonFactory, RoleFactory

# Longer than a folded iCalendar line (75 octets), with a line break stored from before.
LONG_TITLE = "Bestuurlijk overleg Sterke Keten\r\nover de toekomst van het sociaal domein ’21"


@pytest.fixture
def meeting(db: None) -> Meeting:
    body = BodyFactory(name="Themagroep Sterke Keten", slug="sterke-keten")
    for name, slug, language in (
        ("Willem Wethouder", "willem", "en"),
        ("Anna Ambtenaar", "anna", "nl"),
    ):
        member = PersonFactory(name=name, slug=slug, email=f"{slug}@example.nl", language=language)
        RoleFactory(person=member, body=body, function="lid")
    nobody = PersonFactory(name="Karel Zonderadres", slug="karel", email="")
    RoleFactory(person=nobody, body=body, function="lid")
    meeting: Meeting = MeetingFactory(
        title="Overleg Sterke Keten",
        bodies=[body],
        visibility="restricted",
        date=dt.date(2031, 3, 4),
    )
    return meeting


@pytest.fixture
def secretary(meeting: Meeting) -> Any:
    person = PersonFactory(name="Sanne Secretaris, G40", email="sanne@example.nl")
    RoleFactory(person=person, body=meeting.bodies.get(), function="ambtelijk_secretaris")
    return UserFactory(person=person)


def _signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _invite(client: Client, meeting: Meeting, slugs: list[str], **guest: str) -> Any:
    people = [Person.objects.get(slug=slug).pk for slug in slugs]
    return client.post(
        reverse("meetings:invite", args=[meeting.pk]),
        {"people": people, "action": "invite", "confirmed": "1", **guest},
    )


def _ics(message: Any) -> bytes:
    [attachment] = message.attachments
    assert attachment[2].startswith("text/calendar; method=")
    data = attachment[1]
    return data if isinstance(data, bytes) else data.encode()


def _to(address: str) -> list[Any]:
    return [message for message in mail.outbox if message.to == [address]]


def _text(response: Any) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text().split())


def _answer_link(message: Any) -> str:
    found = re.search(r"https?://\S+/uitnodiging/\S+/", message.body)
    assert found, message.body
    return urlsplit(found.group(0)).path


def test_an_invitation_its_change_and_its_cancellation_are_itip_both_parsers_read(
    meeting: Meeting, secretary: Any, django_capture_on_commit_callbacks: Any
) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(title=LONG_TITLE)
    meeting.refresh_from_db()
    client = _signed_in(secretary)
    with django_capture_on_commit_callbacks(execute=True):
        assert _invite(client, meeting, ["anna"]).status_code == 302
        services.meeting_update(
            actor=secretary, meeting=meeting, version=meeting.version, start_time=dt.time(11, 0)
        )
        meeting.refresh_from_db()
        services.meeting_cancel(actor=secretary, meeting=meeting, version=meeting.version)

    messages = _to("anna@example.nl")
    assert [m.subject.split(":")[0] for m in messages] == [
        "Uitnodiging",
        "Gewijzigd",
        "Geannuleerd",
    ]
    expected = [
        ("REQUEST", 0, "CONFIRMED"),
        ("REQUEST", 1, "CONFIRMED"),
        ("CANCEL", 2, "CANCELLED"),
    ]
    for message, (method, sequence, status) in zip(messages, expected, strict=True):
        raw = _ics(message)
        assert max(len(line) for line in raw.split(b"\r\n")) <= 75  # folded as RFC 5545 says
        assert f"method={method}" in message.attachments[0][2]

        # icalendar
        calendar = Calendar.from_ical(raw)
        assert str(calendar["METHOD"]) == method
        [event] = calendar.walk("VEVENT")
        assert str(event["UID"]) == f"{meeting.uid}@koepel"
        assert int(event["SEQUENCE"]) == sequence
        assert str(event["STATUS"]) == status
        assert str(event["SUMMARY"]).split() == LONG_TITLE.split()
        organizer = event["ORGANIZER"]
        assert str(organizer) == "mailto:sanne@example.nl"
        assert organizer.params["CN"] == "Sanne Secretaris, G40"
        attendee = event["ATTENDEE"]  # one: each mail names only its own invitee
        assert str(attendee) == "mailto:anna@example.nl"
        assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
        assert attendee.params["RSVP"] == "TRUE"
        assert attendee.params["CN"] == "Anna Ambtenaar"

        # vobject, which shares no code with icalendar
        parsed = vobject.readOne(raw.decode())
        assert parsed.method.value == method
        vevent = parsed.vevent
        assert vevent.uid.value == f"{meeting.uid}@koepel"
        assert int(vevent.sequence.value) == sequence
        assert vevent.organizer.value == "mailto:sanne@example.nl"
        assert vevent.organizer.params["CN"] == ["Sanne Secretaris, G40"]
        [only] = vevent.contents["attendee"]
        assert only.value == "mailto:anna@example.nl"
        assert only.params["PARTSTAT"] == ["NEEDS-ACTION"]
        assert only.params["RSVP"] == ["TRUE"]
        assert vevent.summary.value.split() == LONG_TITLE.split()
    meeting.refresh_from_db()
    assert meeting.sequence == 2


def test_without_a_secretary_the_network_organises_from_its_own_address(
    meeting: Meeting, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.DEFAULT_FROM_EMAIL = "Netwerkbureau <bureau@netwerk.example>"
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_invite(
            actor=UserFactory(office=True),
            meeting=meeting,
            people=[Person.objects.get(slug="anna")],
        )
    event = Calendar.from_ical(_ics(_to("anna@example.nl")[0])).walk("VEVENT")[0]
    assert str(event["ORGANIZER"]) == "mailto:bureau@netwerk.example"


def test_each_person_is_written_to_in_their_language_as_text_and_html(
    meeting: Meeting, secretary: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.DEFAULT_FROM_EMAIL = "Netwerkbureau <bureau@netwerk.example>"
    settings.KOEPEL_REPLY_TO = ["secretariaat@netwerk.example"]
    with django_capture_on_commit_callbacks(execute=True):
        _invite(_signed_in(secretary), meeting, ["anna", "willem"])
    [dutch], [english] = _to("anna@example.nl"), _to("willem@example.nl")
    assert dutch.subject == "Uitnodiging: Overleg Sterke Keten"
    assert dutch.body.startswith("Beste Anna Ambtenaar,")
    assert "Laat weten of u komt" in dutch.body and "4 maart 2031" in dutch.body
    assert english.subject == "Invitation: Overleg Sterke Keten"
    assert english.body.startswith("Dear Willem Wethouder,")
    assert "Let us know whether you are coming" in english.body and "March 2031" in english.body
    for message, language in ((dutch, "nl"), (english, "en")):
        assert message.from_email == "Netwerkbureau <bureau@netwerk.example>"
        assert message.extra_headers["Reply-To"] == "secretariaat@netwerk.example"
        [(html, kind)] = message.alternatives
        assert kind == "text/html"
        page = BeautifulSoup(html, "html.parser")
        assert page.html["lang"] == language
        assert page.find("a", href=re.compile("/uitnodiging/"))


def test_a_guest_from_outside_is_invited_by_address_and_answers_without_an_account(
    meeting: Meeting, secretary: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = _signed_in(secretary)
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(
            client,
            meeting,
            ["anna"],
            guest_name="Gita Gast",
            guest_email="gita@kennisinstituut.example",
            guest_language="nl",
        )
    assert response.status_code == 302
    guest = Invitation.objects.get(person=None)
    assert (guest.name, guest.email) == ("Gita Gast", "gita@kennisinstituut.example")
    assert not Person.objects.filter(name="Gita Gast").exists()  # no record in the register
    [message] = _to("gita@kennisinstituut.example")
    attendee = Calendar.from_ical(_ics(message)).walk("VEVENT")[0]["ATTENDEE"]
    assert str(attendee) == "mailto:gita@kennisinstituut.example"

    link = _answer_link(message)
    visitor = Client()  # not signed in
    page = visitor.get(link)
    assert page.status_code == 200
    assert "Overleg Sterke Keten" in _text(page) and "Gita Gast" in _text(page)
    assert "no-store" in page["Cache-Control"]
    guest.refresh_from_db()
    assert guest.answer == Answer.INVITED  # opening the link answers nothing
    answered = visitor.post(link, {"answer": "komt_niet", "note": "Ik stuur mijn collega."})
    assert answered.status_code == 302
    assert "Uw toelichting: Ik stuur mijn collega." in _text(visitor.get(link))

    # At once on the meeting page, for whoever may see who answered what.
    row = next(
        r
        for r in BeautifulSoup(
            client.get(meeting.get_absolute_url()).content, "html.parser"
        ).select("#attendance-heading ~ div tbody tr")
        if "Gita Gast" in r.get_text()
    )
    assert " ".join(row.get_text().split()) == "Gita Gast gast komt niet Ik stuur mijn collega. —"
    # The link opens no way into the meeting itself.
    assert visitor.get(meeting.get_absolute_url()).status_code == 404


def test_the_link_answers_its_own_invitation_and_no_other(
    meeting: Meeting, secretary: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _invite(_signed_in(secretary), meeting, ["anna", "willem"])
    link = _answer_link(_to("anna@example.nl")[0])
    Client().post(link, {"answer": "komt", "note": ""})
    answers = dict(Invitation.objects.values_list("person__slug", "answer"))
    assert answers == {"anna": "komt", "willem": "uitgenodigd"}
    # The link names its invitation under the signature: pointing it at another breaks it.
    token = link.rstrip("/").rsplit("/", 1)[1]
    data = signing.loads(token, salt="koepel.meetings.answer-link")
    willem = Invitation.objects.get(person__slug="willem")
    forged = signing.dumps({**data, "i": willem.pk}, salt="another purpose", compress=True)
    response = Client().post(reverse("meetings:answer-link", args=[forged]), {"answer": "komt"})
    assert response.status_code == 400
    willem.refresh_from_db()
    assert willem.answer == Answer.INVITED


@pytest.mark.parametrize(
    ("change", "status", "words"),
    [
        ("forged", 400, "Deze link is niet door Koepel gemaakt"),
        ("expired", 410, "De link om op deze uitnodiging te antwoorden is verlopen."),
        ("withdrawn", 404, "Deze uitnodiging bestaat niet meer"),
    ],
)
def test_a_forged_expired_or_withdrawn_link_gets_a_page_in_dutch_that_says_so(
    change: str,
    status: int,
    words: str,
    meeting: Meeting,
    secretary: Any,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _invite(_signed_in(secretary), meeting, ["anna"])
    link = _answer_link(_to("anna@example.nl")[0])
    if change == "forged":
        link = link[:-6] + ("A" if link[-6] != "A" else "B") + link[-5:]
    elif change == "expired":
        later = time.time() + dt.timedelta(days=91).total_seconds()
        monkeypatch.setattr(signing.time, "time", lambda: later)
    else:
        Invitation.objects.all().delete()
    for response in (Client().get(link), Client().post(link, {"answer": "komt"})):
        assert response.status_code == status
        assert "Deze link werkt niet" in _text(response) and words in _text(response)
    assert not Invitation.objects.exclude(answer=Answer.INVITED).exists()


def test_who_could_not_be_mailed_is_listed_and_mailed_once_the_address_is_given(
    meeting: Meeting, secretary: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = _signed_in(secretary)
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client, meeting, ["anna", "karel"])
    # Back to the invite page, not to the meeting: someone was not mailed.
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:invite", args=[meeting.pk])
    page = client.get(response["Location"])
    assert "2 uitgenodigd, 1 gemaild." in _text(page)
    rows = [
        " ".join(r.get_text().split())
        for r in BeautifulSoup(page.content, "html.parser").select(
            "#not-mailed-heading ~ div tbody tr"
        )
    ]
    assert rows == [
        "Karel Zonderadres geen e-mailadres E-mailadres van Karel Zonderadres Opslaan en uitnodiging mailen"
    ]
    assert "1 genodigde heeft geen e-mailadres" in _text(client.get(meeting.get_absolute_url()))
    karel = Invitation.objects.get(person__slug="karel")

    bad = client.post(
        page.request["PATH_INFO"], {"action": "address", "invitation": karel.pk, "email": "karel@"}
    )
    assert bad.status_code == 200 and "Voer een geldig e-mailadres in." in _text(bad)
    with django_capture_on_commit_callbacks(execute=True):
        fixed = client.post(
            page.request["PATH_INFO"],
            {"action": "address", "invitation": karel.pk, "email": "karel@gemeente.example"},
        )
    assert fixed.status_code == 302
    [message] = _to("karel@gemeente.example")
    assert message.subject == "Uitnodiging: Overleg Sterke Keten"
    assert "Uitgenodigd, maar niet gemaild" not in _text(client.get(fixed["Location"]))
    # The address serves this meeting's mail; the register is the office's to change.
    assert Person.objects.get(slug="karel").email == ""


def test_inviting_a_guest_with_an_unusable_address_leaves_no_trace(
    meeting: Meeting, secretary: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Exception) as error:
        services.meeting_invite(
            actor=secretary,
            meeting=meeting,
            people=[Person.objects.get(slug="anna")],
            guests=[services.OutsideGuest("Gita", "gita@example.nl\r\nBcc: iemand@example.org")],
        )
    assert "e-mailadres" in str(error.value)
    assert not Invitation.objects.exists() and not Email.objects.exists() and mail.outbox == []
