"""A part of a meeting names someone the editing secretary may not see: the picker shows an
empty box with a note, and saving the part keeps that person (as a picker of several does)."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from koepel.accounts.tests.factories import UserFactory
from koepel.core.tests.forms import form_data
from koepel.meetings.models import AgendaItem
from koepel.meetings.tests.factories import MeetingFactory
from koepel.registry.tests.factories import BodyFactory, PersonFactory, RoleFactory


def test_a_presenter_the_secretary_may_not_see_stays_after_their_edit(db: None) -> None:
    group = BodyFactory(name="Themagroep Banen")
    closed = BodyFactory(name="Gesloten werkgroep", visibility="body")
    hidden = PersonFactory(name="Verborgen Spreker")
    RoleFactory(person=hidden, body=closed, function="lid")
    secretary = RoleFactory(body=group, secretary=True).person
    meeting = MeetingFactory(bodies=[group])
    item = AgendaItem.objects.create(meeting=meeting, title="Opening", presenter=hidden, position=1)
    client = Client()
    client.force_login(UserFactory(person=secretary))
    url = reverse("meetings:agenda-item-edit", args=[meeting.pk, item.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = form_data(page.content)
    data["title"] = "Opening en mededelingen"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:500]
    item.refresh_from_db()
    assert item.title == "Opening en mededelingen"
    assert item.presenter == hidden


def test_a_guest_the_secretary_may_not_see_stays_and_their_topic_can_be_changed(
    db: None,
) -> None:
    from koepel.meetings.models import Guest

    group = BodyFactory(name="Themagroep Banen")
    closed = BodyFactory(name="Gesloten werkgroep", visibility="body")
    hidden = PersonFactory(name="Verborgen Gast")
    RoleFactory(person=hidden, body=closed, function="lid")
    secretary = RoleFactory(body=group, secretary=True).person
    meeting = MeetingFactory(bodies=[group])
    guest = Guest.objects.create(meeting=meeting, person=hidden, topic="banen")
    client = Client()
    client.force_login(UserFactory(person=secretary))
    url = reverse("meetings:guest-edit", args=[meeting.pk, guest.pk])
    page = client.get(url)
    assert "Verborgen Gast" not in page.content.decode()
    data = form_data(page.content)
    data["topic"] = "banen en scholing"
    assert client.post(url, data).status_code == 302
    guest.refresh_from_db()
    assert (guest.person, guest.topic) == (hidden, "banen en scholing")


def test_a_guest_known_only_from_a_closed_body_is_named_on_a_public_meeting_without_a_link(
    db: None,
) -> None:
    """That someone spoke at a public meeting is part of that meeting; their seat in a closed
    body is not, so the page names them but does not lead to their own page, which stays
    closed to the visitor."""
    from koepel.meetings.models import Guest

    group = BodyFactory(name="Themagroep Banen")
    closed = BodyFactory(name="Gesloten werkgroep", visibility="body")
    hidden = PersonFactory(name="Verborgen Gast")
    RoleFactory(person=hidden, body=closed, function="lid")
    known = PersonFactory(name="Bekende Gast")
    meeting = MeetingFactory(bodies=[group], visibility="public")
    Guest.objects.create(meeting=meeting, person=hidden, topic="banen")
    Guest.objects.create(meeting=meeting, person=known, topic="scholing")
    visitor = Client()
    page = visitor.get(meeting.get_absolute_url()).content.decode()
    assert "Verborgen Gast" in page and "Bekende Gast" in page
    assert hidden.get_absolute_url() not in page
    assert known.get_absolute_url() in page
    assert visitor.get(hidden.get_absolute_url()).status_code == 404
    member = Client()
    member.force_login(UserFactory(person=RoleFactory(body=closed, function="lid").person))
    assert hidden.get_absolute_url() in member.get(meeting.get_absolute_url()).content.decode()
