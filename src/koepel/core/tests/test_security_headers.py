"""Every response carries the security headers, and no page needs inline script or style, so
the Content Security Policy can forbid both."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from http.cookies import SimpleCookie
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from koepel.accounts.tests.factories import UserFactory
from koepel.library.models import Document
from koepel.meetings.tests.factories import MeetingFactory
from koepel.registry.tests.factories import BodyFactory, MembershipFactory, RoleFactory

pytestmark = pytest.mark.django_db

HTTPS_SETTINGS = {
    "SECURE_HSTS_SECONDS": 31_536_000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "LANGUAGE_COOKIE_SECURE": True,
}


def _policy(response: Any) -> dict[str, list[str]]:
    directives = [part.strip().split() for part in response["Content-Security-Policy"].split(";")]
    return {words[0]: words[1:] for words in directives if words}


def assert_security_headers(response: Any, *, https: bool = True) -> None:
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"] or policy["default-src"] == ["'none'"]
    for directive in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in policy.get(directive, [])
        assert "'unsafe-eval'" not in policy.get(directive, [])
    assert policy["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    if https:
        assert response["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains; preload"
        )


@pytest.fixture
def https(settings: Any) -> None:
    for name, value in HTTPS_SETTINGS.items():
        setattr(settings, name, value)


@pytest.mark.usefixtures("https")
def test_a_normal_page_carries_every_security_header(client: Client) -> None:
    response = client.get(reverse("registry:home"), secure=True)
    assert response.status_code == 200
    assert_security_headers(response)
    policy = _policy(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]


@pytest.mark.usefixtures("https")
def test_an_error_page_carries_every_security_header(client: Client) -> None:
    response = client.get("/bestaat-niet/", secure=True)
    assert response.status_code == 404
    assert_security_headers(response)
    forbidden = client.get(reverse("accounts:lockouts"), secure=True)
    assert forbidden.status_code == 302  # to the sign-in page
    assert_security_headers(forbidden)


@pytest.mark.usefixtures("https")
def test_a_file_download_carries_every_security_header_and_is_never_a_page(
    client: Client,
) -> None:
    client.force_login(UserFactory(office=True))
    body = BodyFactory()
    client.post(
        reverse("library:create"),
        {
            "title": "Notitie met opmaak",
            "kind": "rapport",
            "date": "2021-05",
            "language": "nl",
            "visibility": "public",
            "bodies": [body.pk],
            "file": SimpleUploadedFile("notitie.txt", b"<html><script>alert(1)</script></html>"),
        },
        secure=True,
    )
    document = Document.objects.get(title="Notitie met opmaak")
    response = client.get(reverse("library:download", args=[document.slug, 1]), secure=True)
    b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert response.status_code == 200
    assert_security_headers(response)
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "text/plain"
    assert _policy(response) == {
        "default-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "sandbox": [],
    }


@pytest.mark.usefixtures("https")
def test_cookies_are_secure_and_out_of_reach_of_scripts(client: Client) -> None:
    UserFactory(username="netwerkbureau", office=True)
    login = reverse("accounts:login")
    client.get(login, secure=True)
    response = client.post(
        login,
        {"username": "netwerkbureau", "password": "geheim-wachtwoord-123"},
        secure=True,
    )
    assert response.status_code == 302
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, secure=True)
    cookies = SimpleCookie()
    for value in (client.cookies[name].OutputString() for name in client.cookies):
        cookies.load(value)
    assert set(cookies) >= {"sessionid", "csrftoken", "django_language"}
    for name in ("sessionid", "csrftoken", "django_language"):
        assert cookies[name]["secure"] is True, name
        assert cookies[name]["httponly"] is True, name
        assert cookies[name]["samesite"] == "Lax", name


def test_https_setting_turns_on_hsts_and_secure_cookies_and_preload_is_opt_in() -> None:
    names = sorted(HTTPS_SETTINGS)
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {names!r}}}))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "koepel.settings"}
    env.pop("DATABASE_URL", None)
    env.pop("KOEPEL_HSTS_PRELOAD", None)
    values = {}
    for name, extra in (
        ("plain", {"KOEPEL_HTTPS": "false"}),
        ("https", {"KOEPEL_HTTPS": "true"}),
        ("preload", {"KOEPEL_HTTPS": "true", "KOEPEL_HSTS_PRELOAD": "true"}),
    ):
        result = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
            [sys.executable, "-c", script],
            env={**env, **extra},
            capture_output=True,
            text=True,
            check=True,
        )
        values[name] = json.loads(result.stdout)
    assert values["preload"] == HTTPS_SETTINGS
    assert values["https"] == {**HTTPS_SETTINGS, "SECURE_HSTS_PRELOAD": False}
    assert not any(values["plain"].values())


def _inline_code(html: bytes) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    found = [str(tag)[:80] for tag in soup.find_all("style")]
    found += [str(tag)[:80] for tag in soup.find_all("script") if tag.string and tag.string.strip()]
    found += [str(tag)[:80] for tag in soup.find_all("script") if not tag.get("src")]
    for tag in soup.find_all(True):
        if tag.get("style") is not None or any(name.startswith("on") for name in tag.attrs):
            found.append(str(tag)[:80])
        if str(tag.get("href", "")).lower().startswith("javascript:"):
            found.append(str(tag)[:80])
    return found


def test_no_page_of_the_site_or_the_admin_needs_inline_script_or_style(client: Client) -> None:
    client.force_login(UserFactory(office=True, is_staff=True, is_superuser=True))
    # A record or two of each kind, so the admin's change pages are checked as well.
    RoleFactory()
    MembershipFactory()
    MeetingFactory()
    urls = [
        reverse("registry:home"),
        reverse("registry:bodies"),
        reverse("meetings:meetings"),
        reverse("library:documents"),
        reverse("advocacy:dossiers"),
        reverse("search:search") + "?q=wonen",
        reverse("accounts:lockouts"),
        reverse("admin:index"),
    ]
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        urls.append(reverse("admin:{}_{}_add".format(*info)))
        first = model._default_manager.first()
        if first is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
    checked = 0
    for url in urls:
        response = client.get(url)
        if response.status_code != 200:
            assert response.status_code in {302, 403}, url
            continue
        assert "Content-Security-Policy" in response, url
        assert _inline_code(response.content) == [], url
        checked += 1
    assert checked > 20
    client.logout()
    assert _inline_code(client.get(reverse("accounts:login")).content) == []
