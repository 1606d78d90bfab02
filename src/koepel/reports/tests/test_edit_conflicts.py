"""Two people edit the same section of the annual report: the first save stays, the second is
told and keeps their text."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from koepel.accounts.tests.factories import UserFactory
from koepel.core.tests.forms import second_writer_conflicts
from koepel.meetings.tests.factories import MeetingFactory
from koepel.registry.models import Network
from koepel.registry.tests.factories import BodyFactory
from koepel.reports.models import SectionText


def _office() -> Client:
    client = Client()
    client.force_login(UserFactory(office=True, is_staff=True, is_superuser=True))
    return client


@pytest.mark.django_db
def test_second_editor_of_a_report_section_gets_a_conflict() -> None:
    Network.objects.create(name="Testnetwerk", short_name="TN")
    group = BodyFactory(name="Themagroep Banen")
    MeetingFactory(bodies=[group])
    key = f"body:{group.pk}"
    url = reverse("reports:section", args=[2021, key])
    second_writer_conflicts(
        _office(),
        _office(),
        url,
        {"narrative": "Een goed jaar."},
        {"narrative": "Een druk jaar."},
    )
    assert SectionText.objects.get(key=key).narrative == "Een goed jaar."
