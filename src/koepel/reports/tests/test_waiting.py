"""The page of a PDF being made updates itself: it asks a status address, tells screen readers
what changed, offers the file once it is ready, and works without JavaScript."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from koepel.meetings.tests.factories import MeetingFactory
from koepel.registry.models import Network
from koepel.registry.tests.factories import BodyFactory, MembershipFactory
from koepel.reports.models import RenderedFile, RenderStatus
from koepel.reports.tests.test_renderers import needs_weasyprint

pytestmark = pytest.mark.django_db
CaptureCallbacks = Callable[..., Any]


@pytest.fixture
def waiting(db: None, client: Client, django_capture_on_commit_callbacks: CaptureCallbacks) -> Any:
    """A PDF asked for, and the worker not yet started: returns what starts it."""
    Network.objects.create(name="Testnetwerk", short_name="TN")
    MembershipFactory(start=dt.date(2019, 1, 1))
    MeetingFactory(bodies=[BodyFactory()], date=dt.date(2021, 3, 1), held=True)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("reports:download", args=[2021, "pdf"]))
    return callbacks


def _page(client: Client, rendered: RenderedFile) -> BeautifulSoup:
    response = client.get(reverse("reports:file", args=[2021, rendered.pk]))
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_the_waiting_page_asks_its_status_and_refreshes_without_javascript(
    waiting: Any, client: Client
) -> None:
    rendered = RenderedFile.objects.get()
    page = _page(client, rendered)
    region = page.find(id="file-status")
    assert region["aria-live"] == "polite" and region["role"] == "status"
    status_url = reverse("reports:file-status", args=[2021, rendered.pk])
    assert region["data-status-url"] == status_url
    assert "De PDF wordt gemaakt" in region.get_text()
    assert region.find("a", string="Opnieuw controleren") is not None
    # Koepel's own script, from its own address; and a refresh for browsers without scripts.
    scripts = [s["src"] for s in page.find_all("script", src=True)]
    assert any(src.startswith("/static/koepel/js/waiting") for src in scripts), scripts
    assert finders.find("koepel/js/waiting.js") is not None
    refresh = page.find("noscript").find("meta")
    assert refresh["http-equiv"] == "refresh"

    answer = client.get(status_url)
    assert answer.json() == {"waiting": True, "status": "wachtend"}
    assert answer["Cache-Control"] == "no-store"


@needs_weasyprint
def test_once_made_the_status_says_so_and_the_page_offers_the_file(
    waiting: Any, client: Client
) -> None:
    for start in waiting:  # the worker starts
        start()
    rendered = RenderedFile.objects.get()
    assert rendered.status == RenderStatus.DONE
    answer = client.get(reverse("reports:file-status", args=[2021, rendered.pk]))
    assert answer.json() == {"waiting": False, "status": "klaar"}
    page = _page(client, rendered)
    region = page.find(id="file-status")
    assert not region.has_attr("data-status-url")  # nothing left to wait for
    assert page.find("noscript") is None
    link = region.find("a", string="PDF downloaden")
    response = client.get(reverse("reports:file", args=[2021, rendered.pk]) + link["href"])
    assert response["Content-Type"] == "application/pdf"
    b"".join(response.streaming_content)


def test_the_status_of_the_internal_version_is_for_members_only(
    db: None, django_capture_on_commit_callbacks: CaptureCallbacks
) -> None:
    from koepel.reports.tasks import request_file

    Network.objects.create(name="Testnetwerk", short_name="TN")
    MembershipFactory(start=dt.date(2019, 1, 1))
    with django_capture_on_commit_callbacks(execute=False):
        rendered = request_file(2021, "pdf", "network")
    answer = Client().get(reverse("reports:file-status", args=[2021, rendered.pk]))
    assert answer.status_code == 404
