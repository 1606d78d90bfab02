"""What depends on who asks is kept in no cache (koepel.core.caching); what the public sees keeps
the caching its page gives it. And a refusal is one line in the log, without a traceback."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from koepel.accounts.tests.factories import UserFactory
from koepel.registry.tests.factories import BodyFactory, RoleFactory

pytestmark = pytest.mark.django_db


def _directives(response: Any) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def assert_kept_by_nobody(response: Any) -> None:
    assert {"private", "no-store"} <= _directives(response), response.get("Cache-Control")
    assert not any(d.startswith("max-age=") and d != "max-age=0" for d in _directives(response))


def test_a_public_page_keeps_its_caching_for_a_visitor(client: Client) -> None:
    body = BodyFactory(slug="woningmarkt")
    for url in (reverse("registry:home"), body.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" not in _directives(response), url
    feed = client.get(reverse("meetings:body-feed", args=["woningmarkt"]))
    assert _directives(feed) == {"private", "max-age=300"}


def test_every_page_for_a_signed_in_user_is_kept_by_nobody(client: Client) -> None:
    role = RoleFactory()
    client.force_login(UserFactory(person=role.person))
    for url in (
        reverse("registry:home"),
        role.body.get_absolute_url(),
        role.person.get_absolute_url(),
        reverse("meetings:body-feed", args=[role.body.slug]),
        "/bestaat-niet/",
    ):
        assert_kept_by_nobody(client.get(url))


def test_the_calendar_address_and_the_feed_behind_it_are_kept_by_nobody(client: Client) -> None:
    person = RoleFactory().person
    client.force_login(UserFactory(person=person))
    page = client.post(reverse("meetings:my-calendar"), {"action": "renew"}, follow=True)
    token = person.calendar_tokens.get(revoked_at__isnull=True)
    assert token.token in page.content.decode()
    assert_kept_by_nobody(page)

    # The feed is read by calendar programs, without a session: its secret address decides.
    client.logout()
    feed = client.get(reverse("meetings:person-feed", args=[token.token]))
    assert feed.status_code == 200
    assert_kept_by_nobody(feed)


def test_a_new_api_token_is_shown_on_a_page_kept_by_nobody(client: Client) -> None:
    client.force_login(UserFactory(person=RoleFactory().person))
    response = client.post(reverse("api-pages:tokens"), {"name": "website"})
    assert response.status_code == 200
    assert "koepel_" in response.content.decode()
    assert_kept_by_nobody(response)


def test_a_refused_page_is_one_line_in_the_log_without_a_traceback(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    client.force_login(UserFactory(person=RoleFactory().person))
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(reverse("meetings:participation", args=[2021]))
    assert response.status_code == 403
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Forbidden (Permission denied): /bijeenkomsten/deelname/2021/"
    assert record.exc_info is None
    assert "Traceback" not in caplog.text


def test_a_fault_keeps_its_traceback(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("django.request")
    with caplog.at_level(logging.ERROR, logger="django.request"):
        try:
            raise ValueError("kapot")
        except ValueError:
            logger.error("Internal Server Error: /", exc_info=True, extra={"status_code": 500})
    assert "Traceback" in caplog.text and "kapot" in caplog.text
