"""Changing one's own password, signing out everywhere, and the network office's pages of
accounts: their states, switching an account off (after saying what that does) and on again,
and lifting a lockout."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.utils import timezone

from koepel.accounts.models import AccountLink, User
from koepel.accounts.tests.factories import UserFactory
from koepel.api.models import ApiToken
from koepel.api.services import token_create
from koepel.core.tests.forms import form_data
from koepel.registry.tests.factories import PersonFactory

PASSWORD = "geheim-wachtwoord-123"
NEW_PASSWORD = "herfst-in-het-stadhuis-9"


def text_of(response: Any) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text().split())


def signed_in(user: User, password: str = PASSWORD, address: str = "127.0.0.1") -> Client:
    """A client signed in through the sign-in page, as a browser would be."""
    client = Client(REMOTE_ADDR=address)
    response = client.post("/inloggen/", {"username": user.username, "password": password})
    assert response.status_code == 302, text_of(response)
    return client


def is_signed_in(client: Client) -> bool:
    return client.get("/account/").status_code == 200


@pytest.fixture
def member(db: None) -> User:
    return UserFactory(username="jansen", person=PersonFactory(name="Piet Jansen"))


@pytest.fixture
def office(db: None) -> User:
    return UserFactory(office=True, username="bureau")


def test_changing_the_password_keeps_this_session_and_ends_the_others(member: User) -> None:
    here, laptop = signed_in(member), signed_in(member)
    page = here.get("/account/wachtwoord/")
    assert page.status_code == 200
    changed = here.post(
        "/account/wachtwoord/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert "Uw wachtwoord is gewijzigd" in text_of(changed)
    assert is_signed_in(here)
    assert not is_signed_in(laptop)
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)


def test_a_wrong_old_password_changes_nothing(member: User) -> None:
    here = signed_in(member)
    refused = here.post(
        "/account/wachtwoord/",
        {"old_password": "fout", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert refused.status_code == 200
    assert "oude wachtwoord" in text_of(refused)
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


def test_signing_out_everywhere_ends_the_other_sessions_and_revokes_the_tokens(
    member: User,
) -> None:
    token, _secret = token_create(user=member, name="website")
    here, laptop = signed_in(member), signed_in(member)
    asked = here.get("/account/overal-uitloggen/")
    assert "1 API-sleutel" in text_of(asked)
    assert is_signed_in(laptop)  # asking does nothing yet

    done = here.post("/account/overal-uitloggen/", follow=True)
    assert "overal elders uitgelogd" in text_of(done)
    assert is_signed_in(here)
    assert not is_signed_in(laptop)
    token.refresh_from_db()
    assert token.revoked_at is not None
    # The password still works: signing in again is possible.
    assert is_signed_in(signed_in(member))


# --- The office's pages -----------------------------------------------------------------------


def _office_client(office: User) -> Client:
    client = Client()
    client.force_login(office)
    return client


def _without_password(user: User) -> User:
    user.set_unusable_password()
    user.save()
    return user


def _lock_out(user: User, address: str = "203.0.113.5", times: int = 5) -> None:
    attacker = Client(REMOTE_ADDR=address)
    for _ in range(times):
        attacker.post("/inloggen/", {"username": user.username, "password": "verkeerd"})


def test_the_account_list_shows_each_state_and_stays_cheap(
    office: User, member: User, settings: Any, django_assert_max_num_queries: Any
) -> None:
    settings.AXES_FAILURE_LIMIT = 5
    switched_off = UserFactory(username="weg", is_active=False)
    invited = _without_password(UserFactory(username="nieuw"))
    AccountLink.objects.create(
        user=invited,
        purpose="invitation",
        key_hash="a" * 64,
        expires_at=timezone.now() + dt.timedelta(days=3),
    )
    late = _without_password(UserFactory(username="laat"))
    AccountLink.objects.create(
        user=late,
        purpose="invitation",
        key_hash="b" * 64,
        expires_at=timezone.now() - dt.timedelta(days=1),
    )
    _lock_out(member)
    client = _office_client(office)
    with django_assert_max_num_queries(30) as few:
        page = client.get("/accounts/")
    rows = {
        tr.th.get_text(strip=True): tr.find_all("td")[2].get_text(" ", strip=True)
        for tr in BeautifulSoup(page.content, "html.parser").tbody.find_all("tr")
    }
    assert rows["weg"] == "uitgeschakeld"
    assert rows["nieuw"].startswith("uitgenodigd (tot ")
    assert rows["laat"] == "uitnodiging verlopen"
    assert rows["jansen"] == "geblokkeerd"
    assert rows["bureau"] == "actief"
    assert switched_off.username in rows

    for n in range(15):
        UserFactory(username=f"extra{n}", person=PersonFactory())
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/accounts/")
    filtered = client.get("/accounts/", {"staat": "uitgenodigd"})
    names = [
        th.get_text(strip=True)
        for th in BeautifulSoup(filtered.content, "html.parser").select("tbody th")
    ]
    assert names == ["laat", "nieuw"]


def test_only_the_office_sees_the_account_pages(member: User) -> None:
    client = signed_in(member)
    for address in [
        "/accounts/",
        f"/accounts/{member.pk}/",
        f"/accounts/{member.pk}/uitschakelen/",
    ]:
        assert client.get(address).status_code == 403, address
    assert client.post(f"/accounts/{member.pk}/uitschakelen/", {"version": 1}).status_code == 403


def test_switching_off_asks_first_then_ends_sign_in_sessions_and_tokens(
    office: User, member: User
) -> None:
    token, _secret = token_create(user=member, name="website")
    session = signed_in(member)
    client = _office_client(office)
    detail = client.get(f"/accounts/{member.pk}/")
    assert f"/accounts/{member.pk}/uitschakelen/" in detail.content.decode()

    asked = client.get(f"/accounts/{member.pk}/uitschakelen/")
    assert "1 API-sleutel" in text_of(asked)
    assert "kan niemand meer inloggen" in text_of(asked).lower() or "Niemand kan" in text_of(asked)
    member.refresh_from_db()
    assert member.is_active  # asking changes nothing

    done = client.post(
        f"/accounts/{member.pk}/uitschakelen/", form_data(asked.content, "switch-off"), follow=True
    )
    assert "is uitgeschakeld" in text_of(done)
    member.refresh_from_db()
    assert not member.is_active
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert not is_signed_in(session)
    refused = Client().post("/inloggen/", {"username": "jansen", "password": PASSWORD})
    assert refused.status_code == 200  # the sign-in form again, with its message

    # Switched on again: the password works, the token stays revoked.
    detail = client.get(f"/accounts/{member.pk}/")
    again = client.post(
        f"/accounts/{member.pk}/inschakelen/",
        form_data(detail.content, form_id=None) if False else {"version": member.version},
        follow=True,
    )
    assert "weer ingeschakeld" in text_of(again)
    assert is_signed_in(signed_in(member))
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_switching_off_an_account_someone_just_changed_is_refused(
    office: User, member: User
) -> None:
    client = _office_client(office)
    asked = client.get(f"/accounts/{member.pk}/uitschakelen/")
    member.first_name = "Piet"
    member.version += 1
    member.save()
    refused = client.post(
        f"/accounts/{member.pk}/uitschakelen/", form_data(asked.content, "switch-off")
    )
    assert refused.status_code == 200
    assert "net gewijzigd" in text_of(refused)
    member.refresh_from_db()
    assert member.is_active


def test_the_office_cannot_switch_off_its_own_account(office: User) -> None:
    client = _office_client(office)
    refused = client.post(f"/accounts/{office.pk}/uitschakelen/", {"version": office.version})
    assert "eigen account" in text_of(refused)
    office.refresh_from_db()
    assert office.is_active


def test_the_office_lifts_a_lockout_on_the_account_page(
    office: User, member: User, settings: Any
) -> None:
    settings.AXES_FAILURE_LIMIT = 5
    _lock_out(member, "203.0.113.5")
    locked = Client(REMOTE_ADDR="203.0.113.5")
    assert (
        locked.post("/inloggen/", {"username": "jansen", "password": PASSWORD}).status_code == 429
    )

    client = _office_client(office)
    page = client.get(f"/accounts/{member.pk}/")
    assert "203.0.113.5" in text_of(page)
    lifted = client.post(
        "/inloggen/blokkades/opheffen/",
        {"username": "jansen", "next": f"/accounts/{member.pk}/"},
    )
    assert lifted["Location"] == f"/accounts/{member.pk}/"
    assert (
        locked.post("/inloggen/", {"username": "jansen", "password": PASSWORD}).status_code == 302
    )
    # An address outside the site is not followed.
    away = client.post(
        "/inloggen/blokkades/opheffen/", {"username": "jansen", "next": "https://elders.example/"}
    )
    assert away["Location"] == "/inloggen/blokkades/"
