"""The people of ``bench/mixed.py``: members, secretaries and the public, reading and writing.

Run through ``bench/mixed.py``, which prepares the sign-ins and the plan (``KOEPEL_MIX_PLAN``:
a JSON file of session cookies, an API key and the records to visit).
"""

from __future__ import annotations

import json
import os
import random
import re
from pathlib import Path
from typing import Any

from locust import HttpUser, between, events, task

PLAN: dict[str, Any] = json.loads(Path(os.environ["KOEPEL_MIX_PLAN"]).read_text())
CONFLICTS = {"conflicts": 0}
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')


@events.test_stop.add_listener
def _write_conflicts(**_kwargs: Any) -> None:
    Path(os.environ["KOEPEL_MIX_PLAN"]).with_name("conflicts.json").write_text(
        json.dumps(CONFLICTS)
    )


def _pick(key: str) -> Any:
    return random.choice(PLAN[key])  # noqa: S311 - a load mix, not a secret


def _saved(client: Any, url: str, data: dict[str, str], name: str) -> None:
    """POST a form as a browser does; only the redirect back to the record means it was saved
    (a refused form comes back with its messages, and would otherwise pass as a success)."""
    with client.post(
        url, data=data, name=name, allow_redirects=False, catch_response=True
    ) as response:
        if response.status_code == 302:
            response.success()
        else:
            response.failure(f"not saved: {response.status_code}")


def _signed_in(user: HttpUser, cookie: str) -> None:
    name, _, value = cookie.partition("=")
    user.client.cookies.set(name, value)


class Reader:
    """Reads every kind of page a signed-in member or the public opens."""

    client: Any

    def home(self) -> None:
        self.client.get("/", name="/")

    def search(self) -> None:
        self.client.get(f"/zoeken/?q={_pick('queries')}", name="/zoeken/?q=…")


class Member(Reader, HttpUser):
    weight = 6
    wait_time = between(1, 5)

    def on_start(self) -> None:
        _signed_in(self, PLAN["member"])

    @task(3)
    def home_page(self) -> None:
        self.home()

    @task(3)
    def search_page(self) -> None:
        self.search()

    @task(2)
    def cities(self) -> None:
        self.client.get("/gemeenten/", name="/gemeenten/")

    @task(3)
    def body(self) -> None:
        self.client.get(f"/gremia/{_pick('bodies')}/", name="/gremia/[slug]/")

    @task(2)
    def meetings(self) -> None:
        self.client.get(f"/bijeenkomsten/?jaar={PLAN['year']}", name="/bijeenkomsten/?jaar=…")

    @task(3)
    def meeting(self) -> None:
        if PLAN["meetings"]:
            self.client.get(f"/bijeenkomsten/{_pick('meetings')}/", name="/bijeenkomsten/[id]/")

    @task(2)
    def lobby(self) -> None:
        self.client.get("/lobby/", name="/lobby/")

    @task(2)
    def dossier(self) -> None:
        if PLAN["dossiers"]:
            self.client.get(f"/lobby/dossiers/{_pick('dossiers')}/", name="/lobby/dossiers/[slug]/")

    @task(2)
    def document(self) -> None:
        if PLAN["documents"]:
            self.client.get(f"/kennisbank/{_pick('documents')}/", name="/kennisbank/[slug]/")

    @task(2)
    def api_lists(self) -> None:
        kind = random.choice(["gemeenten", "gremia", "bijeenkomsten", "lobbydossiers"])  # noqa: S311
        self.client.get(
            f"/api/v1/{kind}",
            headers={"Authorization": f"Token {PLAN['api_key']}"},
            name=f"/api/v1/{kind}",
        )

    @task(1)
    def answer_invitation(self) -> None:
        if not PLAN["invited_meetings"]:
            return
        meeting = _pick("invited_meetings")
        page = self.client.get(f"/bijeenkomsten/{meeting}/", name="/bijeenkomsten/[id]/")
        token = CSRF.search(page.text)
        if token:
            _saved(
                self.client,
                f"/bijeenkomsten/{meeting}/antwoord/",
                {"csrfmiddlewaretoken": token.group(1), "answer": PLAN["answer"]},
                "POST antwoord",
            )


class Secretary(HttpUser):
    weight = 3
    wait_time = between(1, 5)

    def on_start(self) -> None:
        _signed_in(self, PLAN["secretary"])

    def _meeting_page(self) -> tuple[int, str]:
        meeting = _pick("own_meetings")
        page = self.client.get(f"/bijeenkomsten/{meeting}/", name="/bijeenkomsten/[id]/ (eigen)")
        token = CSRF.search(page.text)
        return meeting, token.group(1) if token else ""

    @task(3)
    def read_own_meeting(self) -> None:
        if PLAN["own_meetings"]:
            self._meeting_page()

    @task(2)
    def add_action(self) -> None:
        if not PLAN["own_meetings"]:
            return
        meeting, token = self._meeting_page()
        if not token:  # the page itself failed, and is counted so; a form needs its token
            return
        _saved(
            self.client,
            f"/bijeenkomsten/{meeting}/acties/",
            {"csrfmiddlewaretoken": token, "description": "Notitie opstellen voor de wethouders"},
            "POST acties",
        )

    @task(1)
    def add_decision(self) -> None:
        if not PLAN["own_meetings"]:
            return
        meeting, token = self._meeting_page()
        if not token:
            return
        _saved(
            self.client,
            f"/bijeenkomsten/{meeting}/besluiten/",
            {"csrfmiddlewaretoken": token, "text": "De themagroep stemt in met de aanpak."},
            "POST besluiten",
        )

    @task(2)
    def write_minutes(self) -> None:
        if not PLAN["own_meetings"]:
            return
        meeting = _pick("own_meetings")
        url = f"/bijeenkomsten/{meeting}/verslag/"
        form = self.client.get(url, name="/bijeenkomsten/[id]/verslag/")
        token, version = CSRF.search(form.text), VERSION.search(form.text)
        if not (token and version):
            return
        text = f"Verslag, bijgewerkt door secretaris {random.randint(1, 10**6)}."  # noqa: S311
        with self.client.post(
            url,
            data={
                "csrfmiddlewaretoken": token.group(1),
                "minutes": text,
                "version": version.group(1),
            },
            name="POST verslag",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            # Saved: a redirect to the meeting. Not saved because someone else saved first:
            # the form again (200) with a message; that is the locking at work, not a failure.
            if response.status_code == 302:
                response.success()
            elif response.status_code == 200 and 'name="version"' in response.text:
                CONFLICTS["conflicts"] += 1
                response.success()
            else:
                response.failure(f"not saved: {response.status_code}")


class Public(Reader, HttpUser):
    weight = 1
    wait_time = between(1, 5)

    @task(3)
    def home_page(self) -> None:
        self.home()

    @task(2)
    def public_body(self) -> None:
        if PLAN["public_bodies"]:
            self.client.get(f"/gremia/{_pick('public_bodies')}/", name="/gremia/[slug]/ (publiek)")

    @task(2)
    def search_page(self) -> None:
        self.search()
