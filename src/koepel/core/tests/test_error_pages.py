"""Error pages in the house style and in Dutch: a form without a valid security token, and a
page that is not there, which asks only a visitor who is not signed in to sign in."""

from __future__ import annotations

from bs4 import BeautifulSoup
from django.test import Client

from koepel.accounts.tests.factories import UserFactory


def test_a_form_sent_without_its_security_token_gets_a_dutch_page_not_django_s(db: None) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/inloggen/", {"username": "iemand", "password": "x"})
    assert response.status_code == 403
    page = BeautifulSoup(response.content, "html.parser")
    assert page.h1.get_text() == "Het formulier kon niet worden verzonden"
    text = page.get_text(" ")
    assert "Er is niets opgeslagen" in text
    assert "DEBUG" not in text and "CSRF" not in text
    assert page.select_one("main") is not None  # the site's own layout


def test_a_missing_page_asks_only_a_visitor_to_sign_in(db: None) -> None:
    visitor = Client().get("/bestaat-niet/")
    assert visitor.status_code == 404
    assert "log dan in" in visitor.content.decode().lower()
    member = Client()
    member.force_login(UserFactory())
    signed_in = member.get("/bestaat-niet/")
    assert signed_in.status_code == 404
    text = BeautifulSoup(signed_in.content, "html.parser").get_text(" ").lower()
    assert "log dan in" not in text and "netwerkbureau" in text
