"""Every form that changes an existing record carries the version it started from, so a second
writer is told instead of silently undoing the first (optimistic locking).

Two walks: every address of the site, opened as the network office on the demo network, with
each post form on each page checked; and every model in the admin, whose change form and
editable inline rows must carry the version. A new form without one fails here unless it is
added, with its reason, to the short lists below.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from bs4 import BeautifulSoup
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from koepel.accounts.tests.factories import UserFactory
from koepel.advocacy.models import Dossier, LobbyAction, Stage
from koepel.core.admin import VersionedAdmin
from koepel.library.models import Document
from koepel.meetings.models import ActionItem, AgendaItem, Decision, Guest, Invitation, Meeting
from koepel.registry import selectors
from koepel.registry.models import (
    Body,
    Membership,
    Municipality,
    Organisation,
    Participation,
    Person,
    Role,
    Term,
)
from koepel.reports.models import AnnualReport

# Forms that need no version, by the address they post to.
NO_VERSION: dict[str, str] = {
    "meetings:plan": "creates a new meeting; nothing to overwrite",
    "meetings:invite": "adds invitations; people already invited are left as they are",
    "meetings:answer": "an invitee answers their own invitation; nobody else writes it",
    "meetings:answer-link": "an invitee answers their own invitation by the mail's link",
    "meetings:agenda-item": "adds a new agenda item",
    "meetings:guest": "adds a new guest",
    "meetings:decision": "adds a new decision",
    "meetings:action": "adds a new action",
    "advocacy:dossier-create": "creates a new dossier",
    "advocacy:action-create": "creates a new lobby action",
    "advocacy:consult": "one-button step; the service refuses it unless the text is a draft",
    "advocacy:remind": "sends a reminder e-mail; changes no record",
    "advocacy:adopt": "one-button step; the service refuses it unless the stage allows it",
    "advocacy:send": "one-button step; the service refuses it unless the text is adopted",
    "advocacy:answer": "a city's whole say, by its people or recorded for it; kept in the trail",
    "library:create": "creates a new document",
    "reports:publish": "one-button step: adds a publication; earlier ones are kept",
    "library:version-add": "adds a new file version; every earlier version is kept",
    "library:read-again": "one-button step: reads the file again; refused while it is read",
    "accounts:logout": "signs out",
    "accounts:login": "signs in",
    "accounts:second-factor-verify": "the code of signing in; changes no record",
    "accounts:second-factor-enrol": "sets up a new authenticator app; nothing to merge",
    "accounts:second-factor-turn-off": "one-button step on the account page",
    "accounts:recovery-codes-renew": "one-button step: new codes replace the old ones",
    "accounts:lockout-lift": "one-button step: lifts a lockout; nothing to merge",
    "accounts:outbox-resend": "one-button step: puts a mail in the queue again",
    "accounts:password-reset": "asks for a mail with a link; changes no record",
    "accounts:password-change": "sets one's own password, after typing the old one",
    "accounts:sign-out-everywhere": "one-button step: ends one's other sessions",
    "accounts:invite": "makes a new account; refused when the person has one",
    "accounts:invitation-resend": "one-button step: a new link replaces the old one",
    "accounts:allowed-domains": "adds a domain to a list; refused when it is on it already",
    "accounts:allowed-domain-remove": "one-button step: takes a domain off the list",
    "api-pages:tokens": "makes a new API token",
    "api-pages:revoke": "one-button step: revokes a token",
    "meetings:my-calendar": "makes a new secret feed address or revokes it; nothing to merge",
    "notices:feed-make": "makes a new secret feed address for a body; nothing to merge",
    "notices:feed-revoke": "one-button step: switches a feed address off",
    "set_language": "chooses the language of the interface",
    "registry:person-add": "adds a new person; nothing to overwrite",
    "registry:organisation-add": "adds a new organisation; nothing to overwrite",
    "registry:municipality-add": "adds a municipality from the national list; refused when stored",
    "registry:municipality-membership-add": "adds a new period; one overlapping another is refused",
    "registry:organisation-membership-add": "adds a new period; one overlapping another is refused",
    "registry:body-add": "adds a new body; nothing to overwrite",
    "registry:import": "checks a file, then adds and changes records as its rows say; a row "
    "carries no version, and a row equal to the stored record changes nothing",
    "registry:role-add": "adds a new role; the service refuses one that overlaps another",
    "registry:participation-add": "adds a new participation; an overlapping one is refused",
    "registry:term-change": "carries the version of each role ticked (versie-<pk>): one role "
    "changed since and none is ended",
}

# Addresses that are not opened as pages, with the reason.
NOT_OPENED: dict[str, str] = {
    "accounts:setup": "the first-run page, there only while no network exists; its wrong codes "
    "and bad forms are sent by accounts/tests/test_new_network.py",
    "meetings:answer": "post-only; its form on the meeting page is checked there",
    "meetings:decision": "post-only; its form on the meeting page is checked there",
    "meetings:action": "post-only; its form on the meeting page is checked there",
    "meetings:action-status": "post-only; its form on the meeting page is checked there",
    "meetings:attachment": "a file",
    "meetings:body-feed": "a calendar feed",
    "meetings:person-feed": "a calendar feed",
    "meetings:answer-link": "opened by a signed link from a mail; its form in test_invitations_by_the_standard",
    "advocacy:document": "a file",
    "advocacy:consult": "post-only step",
    "advocacy:remind": "post-only step",
    "advocacy:answer": "post-only; its form on the action page is checked there",
    "advocacy:adopt": "post-only step",
    "advocacy:send": "post-only step",
    "library:download": "a file",
    "library:read-again": "post-only; its button, on a file not read, in library/tests/test_reading",
    "reports:download": "a file",
    "reports:file": "a file",
    "reports:file-status": "JSON for the waiting page's script",
    "reports:published_file": "a file",
    "reports:section_review": "post-only; the office's verdict, in reports/tests/test_writing_workflow",
    "library:reading-status": "JSON for the waiting page's script",
    "core:picker": "JSON for the pickers' script, asked as the user types; core/tests/test_pickers.py",
    "notices:feed": "a calendar feed",
    "notices:feed-make": "post-only; its form on the notifications page is checked there",
    "notices:feed-revoke": "post-only; its button on the notifications page is checked there",
    "accounts:logout": "post-only; signs out",
    "accounts:second-factor-turn-off": "post-only; its button on the account page is checked there",
    "accounts:recovery-codes-renew": "post-only; its button on the account page is checked there",
    "accounts:recovery-codes": "shown once, right after setting up two-step sign-in",
    "accounts:second-factor-verify": "a step of signing in; reached only while signing in",
    "accounts:lockout-lift": "post-only; its buttons on the lockouts page are checked there",
    "accounts:outbox-resend": "post-only; its buttons on the outbox page are checked there",
    "accounts:invitation": "a link from a mail; its form in accounts/tests/test_accounts_by_mail",
    "accounts:reset-confirm": "a link from a mail; its form in accounts/tests/test_accounts_by_mail",
    "accounts:switch-on": "post-only; its button in accounts/tests/test_account_pages",
    "accounts:invitation-resend": "post-only; its button in accounts/tests/test_accounts_by_mail",
    "accounts:allowed-domain-remove": "post-only; its button in test_sign_in_through_provider",
    "accounts:oidc-sign-in": "leads to the identity provider; 404 where there is none (the demo)",
    "accounts:oidc-callback": "the identity provider's answer; test_sign_in_through_provider",
    "api-pages:revoke": "post-only; its buttons on the tokens page are checked there",
    "registry:export": "a file",
    "registry:term-delete": "post-only; its buttons on the vocabulary page are checked there",
}


def _url_names() -> list[str]:
    names: list[str] = []

    def walk(patterns: list[Any], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                # The API's writes need If-Match with the record's ETag (its own tests).
                if pattern.namespace in {"admin", "api"} or "i18n" in str(pattern.pattern):
                    continue
                inner = pattern.namespace or ""
                walk(
                    pattern.url_patterns, f"{namespace}:{inner}".strip(":") if inner else namespace
                )
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.append(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, "")
    return names


def _pages(office: Any) -> dict[str, Callable[[], str]]:
    meeting = Meeting.objects.filter(status="gepland").first() or Meeting.objects.first()
    assert meeting is not None
    dossier = Dossier.objects.first()
    action = LobbyAction.objects.filter(stage=Stage.DRAFT).first() or LobbyAction.objects.first()
    document = Document.objects.first()
    body = Body.objects.filter(meetings__isnull=False).first()
    person = Person.objects.first()
    role = Role.objects.filter(person__isnull=False, end__isnull=True).first()
    participation = Participation.objects.first()
    # A role held on behalf of a member city at the end of 2021: the council-term change's.
    leaving = selectors.roles_for_term_change(dt.date(2021, 12, 31))[0].roles[0]
    assert role and participation
    membership = Membership.objects.filter(municipality__isnull=False).first()
    assert dossier and action and document and body and person and membership
    assert membership.municipality is not None
    action_item, _ = ActionItem.objects.get_or_create(
        meeting=meeting, body=meeting.bodies.first(), description="x"
    )
    # One of each part of a meeting, for their change and remove pages.
    agenda_item = AgendaItem.objects.create(meeting=meeting, title="Opening", position=1)
    guest = Guest.objects.create(meeting=meeting, organisation=Organisation.objects.first())
    decision = Decision.objects.create(meeting=meeting, text="Besloten", position=1)
    # A cancelled meeting, for the page that lets it go ahead after all.
    cancelled = Meeting.objects.create(
        title="Afgelast",
        kind=meeting.kind,
        level=meeting.level,
        format=meeting.format,
        date=meeting.date,
        status="geannuleerd",
    )
    cancelled.bodies.set(meeting.bodies.all())
    # An account for the office's account pages, and a person with an address to invite.
    account = UserFactory(username="lid-voor-de-accountpagina")
    invitee = Person.objects.filter(account__isnull=True).exclude(pk=person.pk).last()
    assert invitee is not None
    if not invitee.email:
        invitee.email = "uitgenodigd@gemeente.example"
        invitee.save()

    def section() -> str:
        page = Client()
        page.force_login(office)
        html = page.get(reverse("reports:report", args=[2021])).content.decode()
        found = re.search(r'href="(/jaarverslag/2021/sectie/[^"]+)"', html)
        assert found, "no editable section on the report page"
        return found.group(1)

    def url(name: str, *args: Any) -> Callable[[], str]:
        return lambda: reverse(name, args=args)

    return {
        "core:accessibility": url("core:accessibility"),
        "meetings:meetings": url("meetings:meetings"),
        "meetings:plan": url("meetings:plan"),
        "meetings:calendar-now": url("meetings:calendar-now"),
        "meetings:calendar-year": url("meetings:calendar-year", 2021),
        "meetings:calendar-month": url("meetings:calendar-month", 2021, 9),
        "meetings:participation": url("meetings:participation", 2021),
        "meetings:figures": url("meetings:figures", 2021),
        "meetings:meeting": url("meetings:meeting", meeting.pk),
        "meetings:edit": url("meetings:edit", meeting.pk),
        "meetings:invite": url("meetings:invite", meeting.pk),
        "meetings:minutes": url("meetings:minutes", meeting.pk),
        "meetings:agenda-item": url("meetings:agenda-item", meeting.pk),
        "meetings:guest": url("meetings:guest", meeting.pk),
        "meetings:close": url("meetings:close", meeting.pk),
        "meetings:cancel": url("meetings:cancel", meeting.pk),
        "meetings:reinstate": url("meetings:reinstate", cancelled.pk),
        "meetings:agenda-item-edit": url("meetings:agenda-item-edit", meeting.pk, agenda_item.pk),
        "meetings:agenda-item-remove": url(
            "meetings:agenda-item-remove", meeting.pk, agenda_item.pk
        ),
        "meetings:guest-edit": url("meetings:guest-edit", meeting.pk, guest.pk),
        "meetings:guest-remove": url("meetings:guest-remove", meeting.pk, guest.pk),
        "meetings:decision-edit": url("meetings:decision-edit", meeting.pk, decision.pk),
        "meetings:decision-remove": url("meetings:decision-remove", meeting.pk, decision.pk),
        "meetings:action-edit": url("meetings:action-edit", meeting.pk, action_item.pk),
        "meetings:action-remove": url("meetings:action-remove", meeting.pk, action_item.pk),
        "meetings:my-calendar": url("meetings:my-calendar"),
        "accounts:outbox": url("accounts:outbox"),
        "notices:preferences": url("notices:preferences"),
        "advocacy:dossiers": url("advocacy:dossiers"),
        "advocacy:dossier-create": url("advocacy:dossier-create"),
        "advocacy:dossier": url("advocacy:dossier", dossier.slug),
        "advocacy:dossier-edit": url("advocacy:dossier-edit", dossier.slug),
        "advocacy:dossier-outcome": url("advocacy:dossier-outcome", dossier.slug),
        "advocacy:action-create": url("advocacy:action-create"),
        "advocacy:action": url("advocacy:action", action.pk),
        "advocacy:action-edit": url("advocacy:action-edit", action.pk),
        "advocacy:results": url("advocacy:results", 2021),
        "advocacy:timeline": url("advocacy:timeline", 2021),
        "library:documents": url("library:documents"),
        "library:create": url("library:create"),
        "library:document": url("library:document", document.slug),
        "library:edit": url("library:edit", document.slug),
        "library:version-add": url("library:version-add", document.slug),
        "reports:latest": url("reports:latest"),
        "reports:report": url("reports:report", 2021),
        "reports:section": section,
        "reports:section_assign": lambda: section() + "toewijzen/",
        "reports:progress": url("reports:progress", 2021),
        "reports:publish": url("reports:publish", 2021),
        "reports:style": url("reports:style"),
        "registry:home": url("registry:home"),
        "mywork:my-work": url("mywork:my-work"),
        "mywork:panel": url("mywork:panel", "gemeenten-zonder-contact"),
        "registry:municipalities": url("registry:municipalities"),
        "registry:municipality": url(
            "registry:municipality",
            Municipality.objects.first().cbs_code,  # type: ignore[union-attr]
        ),
        "registry:bodies": url("registry:bodies"),
        "registry:body": url("registry:body", body.slug),
        "registry:people": url("registry:people"),
        "registry:person": url("registry:person", person.slug),
        "registry:organisations": url("registry:organisations"),
        "registry:organisation": url(
            "registry:organisation",
            Organisation.objects.first().slug,  # type: ignore[union-attr]
        ),
        "registry:representation": url("registry:representation"),
        "registry:person-add": url("registry:person-add"),
        "registry:person-edit": url("registry:person-edit", person.slug),
        "registry:person-anonymise": url("registry:person-anonymise", person.slug),
        "registry:organisation-add": url("registry:organisation-add"),
        "registry:organisation-edit": url(
            "registry:organisation-edit",
            Organisation.objects.first().slug,  # type: ignore[union-attr]
        ),
        "registry:organisation-membership-add": url(
            "registry:organisation-membership-add",
            Organisation.objects.first().slug,  # type: ignore[union-attr]
        ),
        "registry:municipality-add": url("registry:municipality-add"),
        "registry:municipality-edit": url(
            "registry:municipality-edit", membership.municipality.cbs_code
        ),
        "registry:municipality-membership-add": url(
            "registry:municipality-membership-add", membership.municipality.cbs_code
        ),
        "registry:membership-edit": url("registry:membership-edit", membership.pk),
        "registry:membership-end": url("registry:membership-end", membership.pk),
        "registry:body-add": url("registry:body-add"),
        "registry:body-edit": url("registry:body-edit", body.slug),
        "registry:body-end": url("registry:body-end", body.slug),
        "registry:import": url("registry:import", "personen"),
        "registry:terms": url("registry:terms"),
        "registry:term-add": url("registry:term-add", "body_kind"),
        "registry:term": url("registry:term", Term.objects.order_by("pk").first().pk),  # type: ignore[union-attr]
        "registry:role-add": url("registry:role-add", body.slug),
        "registry:role-edit": url("registry:role-edit", role.pk),
        "registry:role-end": url("registry:role-end", role.pk),
        "registry:role-hand-over": url("registry:role-hand-over", role.pk),
        "registry:participation-add": url("registry:participation-add", body.slug),
        "registry:participation-edit": url("registry:participation-edit", participation.pk),
        "registry:participation-end": url("registry:participation-end", participation.pk),
        # The confirmation step, with a role ticked: its form ends the roles.
        "registry:term-change": lambda: (
            reverse("registry:term-change")
            + f"?datum=2021-12-31&stap=bevestigen&rol={leaving.pk}&versie-{leaving.pk}={leaving.version}"
        ),
        "accounts:login": url("accounts:login"),
        "accounts:account": url("accounts:account"),
        "accounts:second-factor-enrol": url("accounts:second-factor-enrol"),
        "accounts:lockouts": url("accounts:lockouts"),
        "accounts:password-reset": url("accounts:password-reset"),
        "accounts:reset-sent": url("accounts:reset-sent"),
        "accounts:password-change": url("accounts:password-change"),
        "accounts:sign-out-everywhere": url("accounts:sign-out-everywhere"),
        "accounts:accounts": url("accounts:accounts"),
        "accounts:allowed-domains": url("accounts:allowed-domains"),
        "accounts:invite-search": lambda: reverse("accounts:invite-search") + "?q=e",
        "accounts:invite": url("accounts:invite", invitee.slug),
        "accounts:account-detail": url("accounts:account-detail", account.pk),
        "accounts:switch-off": url("accounts:switch-off", account.pk),
        "api-pages:tokens": url("api-pages:tokens"),
        "search:search": lambda: reverse("search:search") + "?q=wonen",
        "audit:actor": url("audit:actor", office.pk),
        "audit:record": url("audit:record", "registry.person", person.pk),
    }


def _post_forms(html: str) -> list[tuple[str, set[str]]]:
    soup = BeautifulSoup(html, "html.parser")
    found = []
    for form in soup.find_all("form"):
        if (form.get("method") or "get").lower() != "post":
            continue
        names = {field.get("name") for field in form.find_all(["input", "select", "textarea"])}
        found.append((form.get("action") or "", {name for name in names if name}))
    return found


def test_every_post_form_on_every_page_carries_a_version_or_has_a_reason(
    shared_demo: None,
) -> None:
    office_user = UserFactory(
        office=True, is_staff=True, is_superuser=True, person=Person.objects.last()
    )
    office = Client()
    office.force_login(office_user)
    pages = _pages(office_user)

    unknown = [n for n in _url_names() if n not in pages and n not in NOT_OPENED]
    assert unknown == [], f"addresses neither opened here nor excused: {unknown}"

    missing: list[str] = []
    checked = 0
    for name, make in pages.items():
        address = make()
        response = office.get(address, follow=True)
        assert response.status_code == 200, (name, address, response.status_code)
        for action, fields in _post_forms(response.content.decode()):
            target = resolve(urlsplit(action).path or address)
            target_name = target.view_name
            if target_name.startswith("admin:") or target_name in NO_VERSION:
                continue
            checked += 1
            if "version" not in fields:
                missing.append(f"{target_name} (on {address})")
    assert missing == [], f"edit forms without a version: {missing}"
    # The walk really met the edit forms (not an empty loop that passes by itself).
    assert checked >= 8


def test_the_walk_notices_a_form_without_a_version() -> None:
    html = '<form method="post" action="/x/"><input name="title"></form>'
    assert _post_forms(html) == [("/x/", {"title"})]


def _inline_rows_without_version(soup: BeautifulSoup) -> list[str]:
    missing = []
    for total in soup.find_all("input", attrs={"name": re.compile(r"-INITIAL_FORMS$")}):
        prefix = total["name"].removesuffix("-INITIAL_FORMS")
        for row in range(int(total.get("value") or 0)):
            fields = [
                field
                for field in soup.find_all(["input", "select", "textarea"])
                if field.get("name", "").startswith(f"{prefix}-{row}-")
            ]
            # A row is editable when it shows a field one can change (not the hidden id and
            # parent, not the delete box).
            editable = [
                field
                for field in fields
                if field.get("type") not in {"hidden"} and not field["name"].endswith("-DELETE")
            ]
            if editable and f"{prefix}-{row}-version" not in {field["name"] for field in fields}:
                missing.append(f"{prefix}-{row}")
    return missing


# Models in the admin that are not Koepel's and are not edited through it, with the reason.
ADMIN_NOT_VERSIONED: dict[str, str] = {
    "auth.group": "Django's permission groups; Koepel's access follows roles, not groups",
    "auditlog.logentry": "the audit trail itself, shown read-only",
    "django_tasks_database.dbtaskresult": "results of background tasks, written by the worker",
    "axes.accessattempt": "django-axes's count of failed sign-ins, written by signing in",
    "axes.accesslog": "django-axes's log of sign-ins, written by signing in",
    "axes.accessfailurelog": "django-axes's log of failed sign-ins, written by signing in",
    "post_office.email": "the mail queue, shown read-only; written by sending mail",
}


def test_every_admin_change_form_and_inline_row_carries_a_version(shared_demo: None) -> None:
    office_user = UserFactory(office=True, is_staff=True, is_superuser=True)
    office = Client()
    office.force_login(office_user)
    AnnualReport.objects.get_or_create(year=2021)
    # One of each inline row, on the record the walk opens.
    meeting = Meeting.objects.order_by("pk").last()
    assert meeting is not None
    person, body = Person.objects.first(), meeting.bodies.first()
    AgendaItem.objects.create(meeting=meeting, title="Opening", position=1)
    Guest.objects.create(meeting=meeting, person=person)
    Invitation.objects.create(meeting=meeting, person=person)
    Decision.objects.create(meeting=meeting, text="Besloten", position=1)
    ActionItem.objects.create(meeting=meeting, body=body, description="Nabellen")
    last_body = Body.objects.order_by("pk").last()
    Role.objects.create(person=person, body=last_body, function="lid", start=dt.date(2021, 1, 1))
    Participation.objects.create(
        body=last_body, municipality=Municipality.objects.first(), start=dt.date(2021, 1, 1)
    )

    missing: list[str] = []
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        if label in ADMIN_NOT_VERSIONED:
            continue
        assert isinstance(model_admin, VersionedAdmin), f"{label}: not a VersionedAdmin"
        record = model._default_manager.order_by("pk").last()
        assert record is not None, f"{label}: no record to open"
        url = reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[record.pk]
        )
        response = office.get(url)
        assert response.status_code == 200, url
        soup = BeautifulSoup(response.content, "html.parser")
        version = soup.find("input", attrs={"name": "version", "type": "hidden"})
        if version is None or version.get("value") != str(record.version):
            missing.append(label)
        missing += [f"{label}: {row}" for row in _inline_rows_without_version(soup)]
    assert missing == [], f"admin forms without a version: {missing}"
