"""Meetings through the API: a secretary plans, invites, records and closes; a member answers;
nobody else sees more than the pages show them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail

from koepel.accounts.tests.factories import UserFactory
from koepel.api.tests.conftest import ApiClient
from koepel.meetings.models import Invitation, Meeting, Status
from koepel.meetings.tests.factories import MeetingFactory
from koepel.registry.tests.factories import BodyFactory, PersonFactory, RoleFactory

MakeClient = Callable[..., ApiClient]


@pytest.fixture
def group(db: None) -> dict[str, Any]:
    body = BodyFactory(name="Themagroep Sterke Keten", slug="sterke-keten")
    secretary = PersonFactory(name="Sanne Secretaris", email="sanne@example.nl")
    RoleFactory(person=secretary, body=body, function="ambtelijk_secretaris")
    member = PersonFactory(name="Willem Wethouder", slug="willem", email="willem@example.nl")
    RoleFactory(person=member, body=body, function="lid")
    other_body = BodyFactory(slug="andere-groep")
    other_secretary = RoleFactory(body=other_body, function="ambtelijk_secretaris").person
    return {
        "body": body,
        "secretary": UserFactory(person=secretary),
        "member": UserFactory(person=member),
        "member_person": member,
        "other_secretary": UserFactory(person=other_secretary),
    }


NEW_MEETING = {
    "titel": "Bestuurlijk overleg Sterke Keten",
    "soort": "themasessie",
    "niveau": "bestuurlijk",
    "vorm": "online",
    "datum": "2021-09-14",
    "begintijd": "10:00",
    "eindtijd": "12:00",
    "gremia": ["sterke-keten"],
    "zichtbaarheid": "network",
}


def test_a_secretary_plans_invites_records_and_closes_a_meeting(
    api_as: MakeClient, group: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    api = api_as(group["secretary"])
    planned = api.post("/api/v1/bijeenkomsten", NEW_MEETING)
    assert planned.status_code == 201, planned.json()
    url = planned["Location"]
    meeting = Meeting.objects.get()
    assert url.endswith(f"/api/v1/bijeenkomsten/{meeting.pk}")
    assert planned.json()["gremia"] == ["sterke-keten"]

    with django_capture_on_commit_callbacks(execute=True):
        invited = api.post(f"{url}/uitnodigingen", {"persoon": "willem"})
    assert invited.status_code == 201, invited.json()
    assert [m.to for m in mail.outbox] == [["willem@example.nl"]]

    item = api.post(f"{url}/agendapunten", {"titel": "Opening", "duur": 10})
    assert item.status_code == 201, item.json()
    assert (
        api.post(f"{url}/besluiten", {"tekst": "De groep schrijft een brief."}).status_code == 201
    )
    action = api.post(f"{url}/actiepunten", {"omschrijving": "Brief opstellen"})
    assert action.status_code == 201, action.json()
    assert action.json()["gremium"] == "sterke-keten"

    minutes = api.change("patch", url, {"notulen": "Goed **gesprek**.\n\n- een punt\n"})
    assert minutes.status_code == 200, minutes.json()
    assert minutes.json()["notulen"] == "Goed **gesprek**.\n\n- een punt"  # Markdown, as sent

    invitation = f"{url}/uitnodigingen/{invited.json()['id']}"
    assert api.change("patch", invitation, {"aanwezig": True}).status_code == 200
    closed = api.change("patch", url, {"status": "gehouden"})
    assert closed.status_code == 200, closed.json()
    meeting.refresh_from_db()
    assert meeting.status == Status.HELD
    assert Invitation.objects.get().present is True


def test_a_member_answers_their_own_invitation_only(
    api_as: MakeClient, group: dict[str, Any]
) -> None:
    meeting = MeetingFactory(bodies=[group["body"]], visibility="network")
    mine = Invitation.objects.create(meeting=meeting, person=group["member_person"])
    other = Invitation.objects.create(meeting=meeting, person=group["secretary"].person)
    api = api_as(group["member"])
    base = f"/api/v1/bijeenkomsten/{meeting.pk}/uitnodigingen"
    answered = api.change("patch", f"{base}/{mine.pk}", {"antwoord": "komt"})
    assert answered.status_code == 200, answered.json()
    assert answered.json()["antwoord"] == "komt"
    assert api.change("patch", f"{base}/{other.pk}", {"antwoord": "komt"}).status_code == 403
    assert api.change("patch", f"{base}/{mine.pk}", {"aanwezig": True}).status_code == 403


def test_a_secretary_of_another_body_may_not_change_or_plan(
    api_as: MakeClient, group: dict[str, Any]
) -> None:
    meeting = MeetingFactory(bodies=[group["body"]], visibility="public")
    api = api_as(group["other_secretary"])
    url = f"/api/v1/bijeenkomsten/{meeting.pk}"
    assert api.get(url).status_code == 200
    assert api.change("patch", url, {"titel": "Gekaapt"}).status_code == 403
    assert api.post("/api/v1/bijeenkomsten", NEW_MEETING).status_code == 403
    assert api.post(f"{url}/besluiten", {"tekst": "Nee"}).status_code == 403
    assert Meeting.objects.get().title != "Gekaapt"


def test_two_editors_cannot_overwrite_each_other(api_as: MakeClient, group: dict[str, Any]) -> None:
    meeting = MeetingFactory(bodies=[group["body"]], visibility="network")
    first, second = api_as(group["secretary"]), api_as(UserFactory(office=True))
    url = f"/api/v1/bijeenkomsten/{meeting.pk}"
    etag = first.get(url)["ETag"]
    assert second.get(url)["ETag"] == etag
    assert first.patch(url, {"locatie": "Zwolle"}, **{"If-Match": etag}).status_code == 200
    late = second.patch(url, {"locatie": "Utrecht"}, **{"If-Match": etag})
    assert late.status_code == 412
    assert late.json()["status"] == 412
    meeting.refresh_from_db()
    assert meeting.location == "Zwolle"


def test_cancelling_tells_the_invitees(
    api_as: MakeClient, group: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    meeting = MeetingFactory(
        bodies=[group["body"]], visibility="network", date=dt.date(2031, 1, 10)
    )
    Invitation.objects.create(meeting=meeting, person=group["member_person"])
    api = api_as(group["secretary"])
    with django_capture_on_commit_callbacks(execute=True):
        response = api.change(
            "patch", f"/api/v1/bijeenkomsten/{meeting.pk}", {"status": "geannuleerd"}
        )
    assert response.status_code == 200, response.json()
    assert Meeting.objects.get().status == Status.CANCELLED
    assert mail.outbox and mail.outbox[-1].to == ["willem@example.nl"]


def test_a_restricted_meeting_is_absent_for_outsiders_and_its_parts_too(
    api_as: MakeClient, group: dict[str, Any]
) -> None:
    meeting = MeetingFactory(title="Geheim vooroverleg", bodies=[group["body"]], restricted=True)
    for user, seen in (
        (None, False),
        (group["other_secretary"], False),
        (group["secretary"], True),
    ):
        api = api_as(user)
        listed = {m["titel"] for m in api.get("/api/v1/bijeenkomsten").json()["resultaten"]}
        assert ("Geheim vooroverleg" in listed) is seen
        url = f"/api/v1/bijeenkomsten/{meeting.pk}"
        assert (api.get(url).status_code == 200) is seen
        assert (api.get(f"{url}/agendapunten").status_code == 200) is seen


def test_attendance_is_for_members_of_the_network(
    api_as: MakeClient, group: dict[str, Any]
) -> None:
    meeting = MeetingFactory(bodies=[group["body"]], visibility="public")
    Invitation.objects.create(meeting=meeting, person=group["member_person"])
    url = f"/api/v1/bijeenkomsten/{meeting.pk}/uitnodigingen"
    assert api_as(None).get(url).json()["resultaten"] == []
    assert api_as(group["member"]).get(url).json()["aantal"] == 1


def test_the_meeting_list_filters_and_keeps_its_query_count(
    api_as: MakeClient,
    group: dict[str, Any],
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    other = BodyFactory(slug="derde-groep")
    for day in range(1, 16):
        MeetingFactory(bodies=[group["body"], other], date=dt.date(2021, 3, day))
    MeetingFactory(bodies=[other], date=dt.date(2022, 1, 10))
    api = api_as(group["member"])
    # Built afresh: two of these read the versions of the data and the restricted records
    # that name the reader, for the key the page is kept under (koepel.core.caching).
    with django_assert_max_num_queries(10):
        response = api.get("/api/v1/bijeenkomsten?jaar=2021&gremium=sterke-keten")
    assert response.json()["aantal"] == 15
    # Kept: the same page again reads only who asks and the versions.
    with django_assert_max_num_queries(4):
        again = api.get("/api/v1/bijeenkomsten?jaar=2021&gremium=sterke-keten")
    assert again.json() == response.json()
    assert api.get("/api/v1/bijeenkomsten?jaar=2022").json()["aantal"] == 1


def test_a_wrong_date_is_told_in_plain_words(api_as: MakeClient, group: dict[str, Any]) -> None:
    response = api_as(group["secretary"]).post(
        "/api/v1/bijeenkomsten", {**NEW_MEETING, "datum": "14-09-2021", "eindtijd": "25:00"}
    )
    assert response.status_code == 400
    names = {p["name"] for p in response.json()["invalidParams"]}
    assert names == {"datum", "eindtijd"}
    assert not Meeting.objects.exists()


def test_a_meeting_time_is_the_clock_in_the_netherlands_without_an_offset(
    api_as: MakeClient, group: dict[str, Any]
) -> None:
    api = api_as(group["secretary"])
    planned = api.post("/api/v1/bijeenkomsten", {**NEW_MEETING, "begintijd": "09:30:00"})
    assert planned.status_code == 201, planned.json()
    assert (planned.json()["begintijd"], planned.json()["eindtijd"]) == ("09:30:00", "12:00:00")

    # An offset would be dropped and the meeting moved by an hour or two: it is refused.
    for time in ("10:00:00+02:00", "08:00Z", "10:00:00.5", "10.00"):
        refused = api.change("patch", planned["Location"], {"begintijd": time})
        assert refused.status_code == 400, time
        (param,) = refused.json()["invalidParams"]
        assert param["name"] == "begintijd"
        assert param["reason"] == (
            "Geef de tijd zoals de klok in Nederland hem aangeeft: 14:30 of 14:30:00."
        )
    assert Meeting.objects.get().start_time == dt.time(9, 30)


def test_the_organiser_of_a_joint_meeting_is_stored_by_name_or_refused(
    api_as: MakeClient, group: dict[str, Any]
) -> None:
    partner = BodyFactory(name="Themagroep Armoede en Schulden", slug="armoede")
    api = api_as(UserFactory(office=True))
    joint = {**NEW_MEETING, "gremia": ["sterke-keten", "armoede"], "organisator": "armoede"}
    planned = api.post("/api/v1/bijeenkomsten", joint)
    assert planned.status_code == 201, planned.json()
    assert planned.json()["organisator"] == "armoede"
    assert Meeting.objects.get().organiser == partner

    # Not one of the meeting's bodies: refused by name, nothing changed.
    url = planned["Location"]
    refused = api.change("patch", url, {"organisator": "andere-groep"})
    assert refused.status_code == 400
    (param,) = refused.json()["invalidParams"]
    assert param["name"] == "organisator"
    assert "is niet een van de gremia van deze bijeenkomst" in param["reason"]
    unknown = api.change("patch", url, {"organisator": "bestaat-niet"})
    assert unknown.status_code == 400
    assert Meeting.objects.get().organiser == partner

    changed = api.change("patch", url, {"organisator": "sterke-keten"})
    assert changed.status_code == 200, changed.json()
    assert changed.json()["organisator"] == "sterke-keten"
    # Without a choice, a meeting keeps its organiser while that stays one of its bodies…
    kept = api.change("patch", url, {"gremia": ["armoede", "sterke-keten"]})
    assert kept.json()["organisator"] == "sterke-keten"
    # …and one of a single body is organised by that body.
    alone = api.change("patch", url, {"gremia": ["armoede"]})
    assert alone.json()["organisator"] == "armoede"
    single = api.post("/api/v1/bijeenkomsten", {**NEW_MEETING, "titel": "Alleen"})
    assert single.json()["organisator"] == "sterke-keten"


def test_the_organiser_is_shown_only_to_who_may_see_that_body(
    api_as: MakeClient, group: dict[str, Any]
) -> None:
    hidden = BodyFactory(name="Werkgroep Vertrouwelijk", slug="vertrouwelijk", visibility="body")
    meeting = MeetingFactory(
        bodies=[hidden, group["body"]], organiser=hidden, visibility="public", title="Open sessie"
    )
    url = f"/api/v1/bijeenkomsten/{meeting.pk}"
    outsider = api_as(None).get(url).json()
    assert outsider["gremia"] == ["sterke-keten"]
    assert outsider["organisator"] is None
    assert api_as(UserFactory(office=True)).get(url).json()["organisator"] == "vertrouwelijk"
