"""Every post form of the site and of the back office takes hostile input without breaking:
very long text, control characters (NUL among them), HTML and scripts, text that looks like
SQL, impossible dates, ids that do not exist, empty values.

The walk opens every address of the site (as the test of optimistic locking does) and every
add and change form of the back office, and fills each post form it finds with values drawn by
hypothesis, keeping the CSRF token and the hidden fields (version, submission id) as the page
gave them. A form it finds that is not fuzzed makes the test fail, unless it is in ``EXCLUDED``
with its reason. Writes through the API are not forms: the API is fuzzed against its own
document in ``koepel/api/tests/test_against_the_document.py``.

Checked for each submission: no server error; a refusal shows the form again with an error in
Dutch (no English default of the framework); and once the fuzz is over, no page that shows the
stored values carries a script the fuzz put in unescaped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from axes.models import AccessAttempt
from bs4 import BeautifulSoup, Tag
from django.contrib import admin
from django.test import Client
from django.urls import resolve, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from koepel.accounts.tests.factories import UserFactory
from koepel.api.services import token_create
from koepel.core.tests.forms import form_data
from koepel.core.tests.test_every_edit_form_is_locked import NOT_OPENED, _pages, _url_names
from koepel.registry.models import Body, Person, Role

MARKER = "<script>koepelfuzz"
SCRIPT = f"{MARKER}(1)</script>"

# Post forms the fuzz leaves alone, by the address they post to, with the reason.
EXCLUDED: dict[str, str] = {
    "accounts:logout": "signs out; no field to fill",
    "accounts:sign-out-everywhere": "ends the walk's other sessions; no field to fill",
    "admin:logout": "signs out of the back office; no field to fill",
    "set_language": "Django's own view; a language not on the list is ignored",
    "admin:auditlog_logentry_change": "the audit trail, shown read-only; saving it is refused",
    "admin:django_tasks_database_dbtaskresult_change": "results of background tasks, read-only",
    # Mail exists once the walk's forms have sent some (an invitation, a reset link).
    "admin:post_office_email_change": "the mail queue, shown read-only; saving it is refused",
}

# Addresses not opened as pages besides the locking test's, with the reason.
NOT_OPENED_HERE: dict[str, str] = {
    "accounts:recovery-codes-renew": "post-only; its button on the recovery codes page is fuzzed",
    "accounts:lockout-lift": "post-only; its form on the lockouts page is fuzzed",
    "api-pages:revoke": "post-only; its button on the API tokens page is fuzzed",
}
# The API's addresses are not pages: schemathesis fuzzes them against the API's document.
API = "api:"

HOSTILE: list[str] = [
    "",
    " ",
    "\x00",
    "Zwolle\x00",
    SCRIPT,
    f'"><img src=x onerror=alert(1)>{SCRIPT}',
    "'; DROP TABLE registry_person; --",
    "1 OR 1=1",
    "0000-00-00",
    "99999-12-31",
    "2021-02-30",
    "31-12-1899",
    "25:61",
    "-1",
    "0",
    "999999999999999999999",
    "1e309",
    "NaN",
    "x" * 5000,
    "\u202e\u200b\ufeff",
    "\x1b[31m\x07\x08\x7f",
    "%s%n{0}",
    "../../../../etc/passwd",
]

# What Django says in English when a message is not translated; none may reach the page.
ENGLISH = re.compile(
    r"This field is required|Enter a valid|Select a valid choice|Ensure this value|"
    r"Null characters are not allowed|Please correct the error|is not a valid|"
    r"Enter a whole number|Enter a number|Enter a list|already exists|"
    r"The submitted file|No file was submitted",
    re.IGNORECASE,
)

ERRORS = ".form-errors, .field-error, .errorlist, .errornote"

# Few examples per form: the walk meets some eighty forms.
SITE_EXAMPLES = 3
ADMIN_EXAMPLES = 1


@dataclass
class Field:
    name: str
    kind: str  # text, textarea, date, number, email, select, multiple, checkbox, hidden, ...
    given: list[str]  # what the page gave
    options: list[str]  # the values of a select or a group of checkboxes


@dataclass
class PostForm:
    page: str
    action: str
    target: str
    fields: list[Field]


def _forms(page: str, html: str) -> list[PostForm]:
    soup = BeautifulSoup(html, "html.parser")
    found = []
    for form in soup.find_all("form"):
        if (form.get("method") or "get").lower() != "post":
            continue
        action = urlsplit(form.get("action") or page).path or urlsplit(page).path
        fields: dict[str, Field] = {}
        pressed = False  # the form is sent with its first button, as Enter sends it
        for tag in form.find_all(["input", "select", "textarea", "button"]):
            if _is_button(tag):
                if pressed:
                    continue  # another choice ("Voorbeeld"), not what the form is sent with
                pressed = True
            name = tag.get("name")
            if not name or tag.has_attr("disabled"):
                continue
            field = fields.get(name)
            kind, given, options = _read(tag)
            if kind == "skip":
                continue
            if field is None:
                fields[name] = Field(name, kind, given, options)
            else:  # a group of checkboxes or radio buttons under one name
                field.given += given
                field.options += options
                if kind == "checkbox":
                    field.kind = "multiple"
        found.append(PostForm(page, action, resolve(action).view_name, list(fields.values())))
    return found


def _is_button(tag: Tag) -> bool:
    if tag.name == "button":
        return (tag.get("type") or "submit").lower() == "submit"
    return tag.name == "input" and (tag.get("type") or "").lower() in {"submit", "image"}


def _read(tag: Tag) -> tuple[str, list[str], list[str]]:
    if tag.name == "textarea":
        return "textarea", [tag.text.removeprefix("\n")], []
    if tag.name == "select":
        options = [o.get("value", o.text) for o in tag.find_all("option")]
        chosen = [o.get("value", o.text) for o in tag.find_all("option") if o.has_attr("selected")]
        if not tag.has_attr("multiple") and not chosen:
            chosen = [next((o for o in options if o), "")] if options else []
        return ("multiple" if tag.has_attr("multiple") else "select"), chosen, options
    kind = (tag.get("type") or ("submit" if tag.name == "button" else "text")).lower()
    value = tag.get("value", "")
    if kind in {"submit", "image", "reset", "button"}:
        # Only a named button counts, and only the first: it says what the form should do.
        return ("button", [value], []) if tag.name in {"button", "input"} else ("skip", [], [])
    if kind == "file":
        return "skip", [], []  # uploads have their own tests of size and type
    if kind in {"checkbox", "radio"}:
        return kind, [value or "on"] if tag.has_attr("checked") else [], [value or "on"]
    return kind, [value], []


def _plausible(field: Field) -> list[str]:
    """The value a careful user would give: the page's own, or one of the right kind."""
    given = [value for value in field.given if value]
    if field.kind == "button":
        return field.given[:1]
    if given or field.kind in {"hidden", "checkbox", "multiple", "password"}:
        return given or field.given
    if field.kind == "radio":
        return field.options[:1]
    if field.kind == "select":
        return [next((o for o in field.options if o), "")]
    return [
        {
            "date": "2021-06-01",
            "datetime-local": "2021-06-01T10:00",
            "time": "10:00",
            "number": "1",
            "email": "fuzz@example.nl",
            "url": "https://example.nl/",
            "tel": "030 123 45 67",
        }.get(field.kind, f"Fuzz {SCRIPT}")
    ]


def _sent(fields: list[Field], values: dict[str, list[str]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for field in fields:
        value = values[field.name]
        if field.kind == "button" and not value:
            continue
        data[field.name] = value
    return data


def _hostile(field: Field) -> st.SearchStrategy[list[str]]:
    text = st.one_of(
        st.sampled_from(HOSTILE),
        st.text(st.characters(min_codepoint=0, max_codepoint=0x2FFF), max_size=200),
    )
    if field.kind in {"select", "multiple", "radio", "checkbox"}:
        unknown = st.sampled_from(["999999999", "-1", "0", "abc", "\x00", SCRIPT, ""])
        options = st.sampled_from(field.options or [""])
        return st.lists(st.one_of(unknown, options, text), max_size=3)
    return text.map(lambda value: [value])


class Walk:
    """Fuzzes the post forms on pages, as one signed-in user, and checks every answer."""

    def __init__(self, client: Client, who: str) -> None:
        self.client = client
        self.who = who
        self.fuzzed: set[str] = set()
        self.submissions = 0
        self.seen_stored_scripts = 0

    def page_forms(self, address: str) -> list[PostForm]:
        response = self.client.get(address, follow=True)
        assert response.status_code == 200, (self.who, address, response.status_code)
        self.check_escaped(address, response.content.decode())
        return _forms(address, response.content.decode())

    def fresh(self, form: PostForm) -> PostForm | None:
        """The same form as the page gives it now (a new version after a save, a new token)."""
        matching = [f for f in self.page_forms(form.page) if f.action == form.action]
        return matching[0] if matching else None

    def gone(self, form: PostForm) -> bool:
        """Whether the form's page no longer exists: a removal page whose record was removed."""
        return self.client.get(form.page).status_code == 404

    def fuzz(self, form: PostForm, examples: int) -> None:
        self.fuzzed.add(form.target)
        state: dict[str, Any] = {"form": form, "saved": False}
        # First a careful submission with a script in every free text: it should be stored,
        # so that the pages showing it are checked for escaping.
        state["saved"] = self.submit(form, {f.name: _plausible(f) for f in form.fields})

        @settings(
            max_examples=examples,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(data=st.data())
        def hostile(data: st.DataObject) -> None:
            if state["saved"] and self.gone(state["form"]):  # removed: nothing left to send
                return
            if state["saved"]:  # a save gave the record a new version: take the page's
                state["form"] = self.fresh(state["form"]) or state["form"]
            current = state["form"]
            values = {}
            for field in current.fields:
                if field.kind in {"hidden", "button"} or field.name == "csrfmiddlewaretoken":
                    values[field.name] = field.given
                else:
                    values[field.name] = data.draw(
                        st.one_of(st.just(_plausible(field)), _hostile(field)), label=field.name
                    )
            state["saved"] = self.submit(current, values)

        hostile()

    def submit(self, form: PostForm, values: dict[str, list[str]]) -> bool:
        """Send the values; True when the form was taken (answered with a redirect)."""
        self.submissions += 1
        where = f"{self.who}: {form.target} on {form.page}"
        try:
            response = self.client.post(form.action, _sent(form.fields, values))
        except Exception as error:  # the test client raises what would have been a 500
            raise AssertionError(f"{where}: server error {error!r} for {values!r}") from error
        assert response.status_code in {200, 302, 400}, (where, response.status_code)
        saved_elsewhere = response.status_code == 302
        if saved_elsewhere:
            response = self.client.get(response["Location"], follow=True)
            assert response.status_code == 200, (where, response.status_code)
            html = response.content.decode()
        else:
            html = response.content.decode()
            soup = BeautifulSoup(html, "html.parser")
            errors = [" ".join(e.get_text().split()) for e in soup.select(ERRORS)]
            errors = [e for e in errors if e]
            # A page may answer a success in place (a new token is shown only once), saying so.
            saved = response.status_code == 200 and soup.select(".message--success")
            assert errors or saved, f"{where}: refused without an error in the form: {values!r}"
        self.check_escaped(where, html)
        english = ENGLISH.search(" ".join(BeautifulSoup(html, "html.parser").get_text().split()))
        assert english is None, f"{where}: English message {english.group(0)!r} for {values!r}"
        return saved_elsewhere

    def check_escaped(self, where: str, html: str) -> None:
        assert MARKER not in html, f"{where}: a script from the fuzz is on the page unescaped"
        self.seen_stored_scripts += html.count("&lt;script&gt;koepelfuzz")


def _site_pages(office: Any) -> dict[str, Callable[[], str]]:
    """The locking test's pages, and the account pages that have no edit form to lock."""
    # Something to revoke and a lockout to lift, so that those forms are on their pages.
    token_create(user=office, name="Dashboard")
    AccessAttempt.objects.create(
        username="geblokkeerd",
        ip_address="192.0.2.1",
        user_agent="browser",
        http_accept="*/*",
        path_info="/inloggen/",
        get_data="",
        post_data="",
        failures_since_start=99,
    )

    def url(name: str) -> Callable[[], str]:
        return lambda: reverse(name)

    return {
        **_pages(office),
        **{
            name: url(name)
            for name in (
                "accounts:account",
                "accounts:second-factor-verify",
                "accounts:second-factor-enrol",
                "accounts:second-factor-turn-off",
                "accounts:recovery-codes",
                "accounts:lockouts",
                "api-pages:tokens",
            )
        },
    }


def _admin_pages() -> Iterator[str]:
    for model in admin.site._registry:
        meta = model._meta
        yield reverse(f"admin:{meta.app_label}_{meta.model_name}_add")
        record = model._default_manager.order_by("pk").last()
        if record is not None:
            yield reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[record.pk])


def _walk_site(walk: Walk, pages: dict[str, Callable[[], str]], examples: int) -> list[str]:
    """Fuzz every form on every page the user can open; returns the addresses shown."""
    shown = []
    for make in pages.values():
        address = make()
        response = walk.client.get(address, follow=True)
        if response.status_code != 200:
            continue  # not this user's page (a secretary is refused the office's)
        shown.append(address)
        for form in _forms(address, response.content.decode()):
            if form.target in EXCLUDED or form.target.startswith("admin:"):
                continue
            walk.fuzz(form, examples)
    return shown


def test_every_post_form_withstands_hostile_input(shared_demo: None, settings: Any) -> None:
    # The walk asks for many reset links from one client; the limit has its own tests.
    settings.KOEPEL_RESET_LIMIT_PER_ADDRESS = settings.KOEPEL_RESET_LIMIT_PER_CLIENT = 10_000
    office_user = UserFactory(
        office=True, is_staff=True, is_superuser=True, person=Person.objects.last()
    )
    office = Client()
    office.force_login(office_user)
    pages = _site_pages(office_user)
    unknown = [
        name
        for name in _url_names()
        if name not in pages
        and name not in NOT_OPENED
        and name not in NOT_OPENED_HERE
        and not name.startswith(API)
    ]
    assert unknown == [], f"addresses neither opened here nor excused: {unknown}"

    walk = Walk(office, "office")
    shown = _walk_site(walk, pages, SITE_EXAMPLES)
    site_forms = set(walk.fuzzed)

    admin_pages = list(_admin_pages())
    for address in admin_pages:
        response = office.get(address)
        if response.status_code == 403:
            continue  # the back office allows no adding here (the audit trail, task results)
        assert response.status_code == 200, address
        for form in _forms(address, response.content.decode()):
            if form.target in EXCLUDED:
                continue
            walk.fuzz(form, ADMIN_EXAMPLES)

    # A secretary edits the bodies they are secretary of; their forms check other rights.
    body = Body.objects.filter(meetings__isnull=False).first()
    assert body is not None
    person = Person.objects.filter(account__isnull=True).first()
    Role.objects.create(
        person=person, body=body, function="ambtelijk_secretaris", start="2020-01-01"
    )
    secretary = Client()
    secretary.force_login(UserFactory(person=person))
    secretary_walk = Walk(secretary, "secretary")
    _walk_site(secretary_walk, pages, 2)

    # Once it is over, the stored values are shown on the pages, escaped.
    shown_after = Walk(office, "office, after the fuzz")
    for address in [*shown, *admin_pages]:
        html = office.get(address, follow=True).content.decode()
        shown_after.check_escaped(address, html)

    # The walk really met the forms, and scripts were really stored and shown.
    assert len(site_forms) >= 25, sorted(site_forms)
    assert len(walk.fuzzed) >= 50
    assert secretary_walk.fuzzed
    assert shown_after.seen_stored_scripts > 0


def _office() -> Client:
    client = Client()
    client.force_login(UserFactory(office=True, is_staff=True, is_superuser=True))
    return client


def test_a_nul_character_is_refused_with_a_dutch_message(shared_demo: None) -> None:
    office = _office()
    url = reverse("advocacy:dossier-create")
    data = {**form_data(office.get(url).content), "title": "Opvang\x00tot 21"}
    response = office.post(url, data)
    assert response.status_code in {200, 400}
    assert "Null-tekens zijn niet toegestaan." in response.content.decode()


def test_the_admin_shows_its_message_for_a_key_no_record_can_have(shared_demo: None) -> None:
    # The autocomplete field used to break the page when it was shown again with " ".
    office = _office()
    url = reverse("admin:registry_body_add")
    data = {**form_data(office.get(url).content), "name": "Werkgroep", "owner": " "}
    response = office.post(url, data)
    assert response.status_code == 200
    assert BeautifulSoup(response.content, "html.parser").select(".errornote")
