"""Accounts without a phone call: the office invites a person by e-mail, a forgotten password
is reset by e-mail, and every link from such a mail works once, for a limited time, with a
clear message when it does not. Through the pages and the mails in the outbox."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from koepel.accounts.models import AccountLink, ResetRequest, User
from koepel.accounts.tests.factories import UserFactory
from koepel.accounts.tests.test_two_step_sign_in import code_for
from koepel.registry.models import Person
from koepel.registry.tests.factories import PersonFactory, RoleFactory

NEW_PASSWORD = "zomer-aan-de-maas-2021"
FORGOT = "/inloggen/wachtwoord-vergeten/"


def text_of(response: Any) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text().split())


def link_in(message: Any, kind: str) -> str:
    """The path of the link of this kind (``uitnodiging`` or ``nieuw-wachtwoord``) in a mail."""
    found = re.findall(r"https?://\S+", message.body)
    paths = [urlsplit(url).path for url in found if f"/{kind}/" in url]
    assert len(paths) == 1, message.body
    return paths[0]


@pytest.fixture
def office(db: None) -> User:
    return UserFactory(office=True, username="bureau", email="bureau@netwerk.example")


@pytest.fixture
def office_client(office: User) -> Client:
    client = Client()
    client.force_login(office)
    return client


def _secretary() -> Person:
    return RoleFactory(
        secretary=True, person__name="Sanne Visser", person__email="s.visser@tilburg.example"
    ).person


@pytest.fixture
def sending(django_capture_on_commit_callbacks: Any) -> Any:
    """Run a request and the sending that waits for its commit (mail goes out after it)."""

    def run(call: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return call()

    return run


@pytest.fixture
def invite(office_client: Client, sending: Any) -> Any:
    def run(person: Person, language: str = "nl") -> Any:
        return sending(
            lambda: office_client.post(
                f"/accounts/uitnodigen/{person.slug}/", {"language": language}
            )
        )

    return run


@pytest.fixture
def forgot(sending: Any) -> Any:
    def run(client: Client, address: str, **kwargs: Any) -> Any:
        return sending(lambda: client.post(FORGOT, {"email": address}, **kwargs))

    return run


def test_an_invited_secretary_chooses_a_password_sets_up_two_steps_and_is_signed_in(
    office_client: Client, client: Client, invite: Any
) -> None:
    person = _secretary()
    found = office_client.get("/accounts/uitnodigen/", {"q": "visser"})
    assert f"/accounts/uitnodigen/{person.slug}/" in found.content.decode()
    confirm = office_client.get(f"/accounts/uitnodigen/{person.slug}/")
    assert "s.visser@tilburg.example" in text_of(confirm)

    sent = invite(person)
    account = User.objects.get(person=person)
    assert sent.status_code == 302
    assert sent["Location"] == f"/accounts/{account.pk}/"
    assert not account.has_usable_password()
    [message] = mail.outbox
    assert message.to == ["s.visser@tilburg.example"]
    assert "account" in message.subject and "Sanne Visser" in message.body
    assert account.username in message.body
    assert "tweestapsverificatie" in message.body.lower() or "twee stappen" in message.body

    link = link_in(message, "uitnodiging")
    page = client.get(link)
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    assert "Kies uw wachtwoord" in text_of(page)
    chosen = client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert chosen.status_code == 302
    assert chosen["Location"] == "/account/tweestapsverificatie/"

    # The second step right after: until it is set up, nothing else opens.
    assert client.get("/bijeenkomsten/")["Location"].startswith("/account/tweestapsverificatie/")
    client.get("/account/tweestapsverificatie/")
    device = TOTPDevice.objects.get(user=account, confirmed=False)
    client.post("/account/tweestapsverificatie/", {"code": code_for(device)})
    home = client.get("/")
    assert home.status_code == 200
    assert "Sanne Visser" in text_of(home)

    account.refresh_from_db()
    assert account.check_password(NEW_PASSWORD)
    assert AccountLink.objects.get(user=account).used_at is not None
    # Signing in later takes the new password (and the code).
    other = Client()
    signed_in = other.post("/inloggen/", {"username": account.username, "password": NEW_PASSWORD})
    assert signed_in.status_code == 302


def test_an_invited_member_is_signed_in_at_once(
    office_client: Client, client: Client, invite: Any
) -> None:
    person = RoleFactory(person__email="lid@breda.example").person
    invite(person)
    chosen = client.post(
        link_in(mail.outbox[0], "uitnodiging"),
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert chosen["Location"] == "/mijn-werk/"  # signed in, on their own start page
    assert client.get("/account/").status_code == 200


def test_the_invitation_speaks_the_language_chosen_for_it(
    office_client: Client, client: Client, invite: Any
) -> None:
    person = PersonFactory(name="Ann Smith", email="ann@partner.example")
    invite(person, language="en")
    [message] = mail.outbox
    assert message.subject.startswith("Your account")
    assert "Choose your password" in message.body
    page = client.get(link_in(message, "uitnodiging"))
    assert "Choose your password" in text_of(page)


def test_a_weak_password_is_refused_with_a_dutch_message_and_the_link_keeps_working(
    office_client: Client, client: Client, invite: Any
) -> None:
    person = _secretary()
    invite(person)
    link = link_in(mail.outbox[0], "uitnodiging")
    refused = client.post(link, {"new_password1": "12345678", "new_password2": "12345678"})
    assert refused.status_code == 200
    assert "te kort" in text_of(refused) or "te algemeen" in text_of(refused)
    assert client.get(link).status_code == 200


def test_a_used_invitation_link_says_it_was_accepted(
    office_client: Client, client: Client, invite: Any
) -> None:
    invite(_secretary())
    link = link_in(mail.outbox[0], "uitnodiging")
    client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    again = Client().get(link)
    assert again.status_code == 410
    assert "al geaccepteerd" in text_of(again)
    posted = Client().post(link, {"new_password1": "x" * 20, "new_password2": "x" * 20})
    assert posted.status_code == 410


def test_an_expired_invitation_link_says_so(
    office_client: Client, client: Client, invite: Any
) -> None:
    invite(_secretary())
    AccountLink.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    page = client.get(link_in(mail.outbox[0], "uitnodiging"))
    assert page.status_code == 410
    assert "verlopen" in text_of(page)
    assert "netwerkbureau" in text_of(page)


def test_a_forged_invitation_link_says_it_is_not_right(client: Client, db: None) -> None:
    page = client.get("/account/uitnodiging/dit-is-geen-echte-sleutel/")
    assert page.status_code == 404
    assert "klopt niet" in text_of(page)
    assert "Uitnodiging" in text_of(page) or "uitnodiging" in text_of(page)


def test_sending_the_invitation_again_replaces_the_old_link(
    office_client: Client, client: Client, invite: Any, sending: Any
) -> None:
    person = _secretary()
    invite(person)
    old = link_in(mail.outbox[0], "uitnodiging")
    account = User.objects.get(person=person)
    again = sending(
        lambda: office_client.post(f"/accounts/{account.pk}/opnieuw-uitnodigen/", follow=True)
    )
    assert "nieuwe uitnodiging" in text_of(again).lower()
    new = link_in(mail.outbox[1], "uitnodiging")
    assert new != old
    refused = client.get(old)
    assert refused.status_code == 410
    assert "nieuwere uitnodiging" in text_of(refused)
    assert client.get(new).status_code == 200


def test_inviting_needs_an_address_and_no_account_yet(office_client: Client, invite: Any) -> None:
    without = PersonFactory(name="Zonder Adres", email="")
    refused = invite(without)
    assert refused.status_code == 200
    assert "geen e-mailadres" in text_of(refused)
    member = UserFactory(person=PersonFactory(email="heeft@account.example"))
    refused = invite(member.person)
    assert "heeft al een account" in text_of(refused)
    assert mail.outbox == []


def test_only_the_office_invites(client: Client, db: None) -> None:
    member = UserFactory(person=RoleFactory().person)
    client.force_login(member)
    person = PersonFactory(email="iemand@gemeente.example")
    assert client.get("/accounts/uitnodigen/").status_code == 403
    assert (
        client.post(f"/accounts/uitnodigen/{person.slug}/", {"language": "nl"}).status_code == 403
    )
    assert not User.objects.filter(person=person).exists()


# --- A forgotten password -------------------------------------------------------------------


@pytest.fixture
def member(db: None) -> User:
    return UserFactory(
        username="jansen",
        email="",
        person=PersonFactory(name="Piet Jansen", email="p.jansen@zwolle.example"),
    )


def test_a_known_and_an_unknown_address_get_the_same_answer(member: User, forgot: Any) -> None:
    known = forgot(Client(), "P.Jansen@zwolle.example", follow=True)
    unknown = forgot(Client(), "niemand@zwolle.example", follow=True)
    assert (
        known.redirect_chain
        == unknown.redirect_chain
        == [("/inloggen/wachtwoord-vergeten/verstuurd/", 302)]
    )
    assert text_of(known) == text_of(unknown)
    assert "Als er een account" in text_of(known)
    # Only the account's own address gets a mail, in the queue like every other.
    [message] = mail.outbox
    assert message.to == ["p.jansen@zwolle.example"]


def test_a_reset_link_sets_a_new_password_once(member: User, client: Client, forgot: Any) -> None:
    forgot(client, "p.jansen@zwolle.example")
    link = link_in(mail.outbox[0], "nieuw-wachtwoord")
    page = client.get(link)
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    done = client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done["Location"] == "/inloggen/"
    signed_in = client.post("/inloggen/", {"username": "jansen", "password": NEW_PASSWORD})
    assert signed_in.status_code == 302
    again = Client().get(link)
    assert again.status_code == 410
    assert "al gebruikt" in text_of(again)


def test_an_expired_reset_link_says_so(member: User, client: Client, forgot: Any) -> None:
    forgot(client, "p.jansen@zwolle.example")
    AccountLink.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    page = client.get(link_in(mail.outbox[0], "nieuw-wachtwoord"))
    assert page.status_code == 410
    assert "verlopen" in text_of(page)
    member.refresh_from_db()
    assert member.check_password("geheim-wachtwoord-123")


def test_a_forged_reset_link_says_it_is_not_right(
    member: User, client: Client, forgot: Any
) -> None:
    forgot(client, "p.jansen@zwolle.example")
    real = link_in(mail.outbox[0], "nieuw-wachtwoord")
    forged = real[:-5] + ("AAAA/" if not real.endswith("AAAA/") else "BBBB/")
    page = client.get(forged)
    assert page.status_code == 404
    assert "klopt niet" in text_of(page)
    # An invitation's key does not open the reset page, nor the other way round.
    assert (
        client.get(real.replace("/inloggen/nieuw-wachtwoord/", "/account/uitnodiging/")).status_code
        == 404
    )


def test_a_second_reset_link_replaces_the_first(member: User, client: Client, forgot: Any) -> None:
    forgot(client, "p.jansen@zwolle.example")
    forgot(client, "p.jansen@zwolle.example")
    first, second = (link_in(m, "nieuw-wachtwoord") for m in mail.outbox)
    assert "nieuwere link" in text_of(client.get(first))
    assert client.get(second).status_code == 200


def test_a_switched_off_account_gets_no_reset_mail(
    member: User, client: Client, forgot: Any
) -> None:
    member.is_active = False
    member.save()
    answer = forgot(client, "p.jansen@zwolle.example")
    assert answer["Location"] == "/inloggen/wachtwoord-vergeten/verstuurd/"
    assert mail.outbox == []


def test_reset_requests_are_limited_per_address_and_per_client(
    member: User, settings: Any, forgot: Any
) -> None:
    settings.KOEPEL_RESET_LIMIT_PER_ADDRESS = 2
    settings.KOEPEL_RESET_LIMIT_PER_CLIENT = 4
    here = Client(REMOTE_ADDR="192.0.2.10")
    elsewhere = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(2):
        assert forgot(here, "p.jansen@zwolle.example").status_code == 302
    # The address has had its links: from anywhere, the third waits.
    refused = forgot(elsewhere, "p.jansen@zwolle.example")
    assert refused.status_code == 429
    assert "Te veel verzoeken" in text_of(refused)
    assert int(refused["Retry-After"]) > 0
    assert len(mail.outbox) == 2
    # An address without an account is limited the same way, so the limit tells nothing.
    for _ in range(2):
        assert forgot(here, "niemand@zwolle.example").status_code == 302
    assert forgot(here, "niemand@zwolle.example").status_code == 429
    # One client asking for many addresses is limited too.
    assert forgot(here, "derde@zwolle.example").status_code == 429
    assert forgot(elsewhere, "derde@zwolle.example").status_code == 302


def test_counted_reset_requests_are_forgotten_after_the_hour(db: None) -> None:
    old = ResetRequest.objects.create(
        address_hash="a" * 64,
        client="192.0.2.10",
        requested_at=timezone.now() - dt.timedelta(hours=2),
    )
    recent = ResetRequest.objects.create(address_hash="b" * 64, client="192.0.2.11")
    out = io.StringIO()
    call_command("anonymise_expired", stdout=out)
    assert "aanvragen van een nieuw wachtwoord (voor de limiet): 1 verwijderd" in out.getvalue()
    assert list(ResetRequest.objects.all()) == [recent]
    assert not ResetRequest.objects.filter(pk=old.pk).exists()
