"""Two people change the same meeting: the first save stays, the second is told and keeps
their text, on the meeting page and in the admin."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from koepel.accounts.tests.factories import UserFactory
from koepel.core.tests.forms import form_data, second_writer_conflicts
from koepel.meetings.models import AgendaItem, Meeting
from koepel.meetings.tests.factories import MeetingFactory
from koepel.registry.tests.factories import BodyFactory


def _office() -> Client:
    client = Client()
    client.force_login(UserFactory(office=True, is_staff=True, is_superuser=True))
    return client


@pytest.mark.django_db
def test_second_editor_of_a_meeting_page_gets_a_conflict() -> None:
    meeting = MeetingFactory(bodies=[BodyFactory()], location="Zwolle")
    url = reverse("meetings:edit", args=[meeting.pk])
    second_writer_conflicts(
        _office(), _office(), url, {"location": "Deventer"}, {"location": "Apeldoorn"}
    )
    assert Meeting.objects.get(pk=meeting.pk).location == "Deventer"


@pytest.mark.django_db
def test_second_editor_of_a_meeting_in_the_admin_gets_a_conflict() -> None:
    meeting = MeetingFactory(bodies=[BodyFactory()], description="Eerste tekst")
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    second_writer_conflicts(
        _office(),
        _office(),
        url,
        {"description": "Van de eerste"},
        {"description": "Van de tweede"},
    )
    assert Meeting.objects.get(pk=meeting.pk).description == "Van de eerste"


@pytest.mark.django_db
def test_a_stale_agenda_row_in_the_meeting_admin_is_refused() -> None:
    meeting = MeetingFactory(bodies=[BodyFactory()])
    item = AgendaItem.objects.create(meeting=meeting, title="Opening", position=1)
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    first, second = _office(), _office()
    first_form, second_form = form_data(first.get(url).content), form_data(second.get(url).content)
    assert first.post(url, {**first_form, "agenda_items-0-title": "Welkom"}).status_code == 302
    response = second.post(url, {**second_form, "agenda_items-0-title": "Opening en mededelingen"})
    assert response.status_code == 200
    assert "Iemand anders heeft dit net gewijzigd" in response.content.decode()
    assert AgendaItem.objects.get(pk=item.pk).title == "Welkom"


@pytest.mark.django_db
def test_an_old_status_form_of_an_action_does_not_undo_a_newer_one() -> None:
    body = BodyFactory()
    meeting = MeetingFactory(bodies=[body])
    office = _office()
    office.post(reverse("meetings:action", args=[meeting.pk]), {"description": "Nabellen"})
    action = meeting.action_items.get()
    url = reverse("meetings:action-status", args=[action.pk])
    assert office.post(url, {"status": "afgerond", "version": action.version}).status_code == 302
    response = office.post(url, {"status": "open", "version": action.version}, follow=True)
    assert "Iemand anders heeft dit net gewijzigd" in response.content.decode()
    action.refresh_from_db()
    assert action.status == "afgerond"


@pytest.mark.django_db
def test_the_admin_refuses_an_organiser_that_is_not_one_of_the_meeting_s_bodies() -> None:
    own, other = BodyFactory(name="Themagroep Eigen"), BodyFactory(name="Themagroep Ander")
    meeting = MeetingFactory(bodies=[own])
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    client = _office()
    data = form_data(client.get(url).content)
    response = client.post(url, {**data, "organiser": str(other.pk)})
    assert response.status_code == 200
    assert "Themagroep Ander is niet een van de gremia van deze bijeenkomst." in (
        response.content.decode()
    )
    assert Meeting.objects.get(pk=meeting.pk).organiser == own
