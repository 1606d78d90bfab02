"""The e-mails of the report's writing workflow: a section given to a writer, sent back with a
note, ready for review, and the reminders before and after its date. Each is queued after the
change that causes it is committed (koepel.core.mail sends it)."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from koepel.core.validators import one_line

logger = logging.getLogger(__name__)

SUBJECTS = {
    "assigned": "Jaarverslag {year}: u schrijft ‘{title}’",
    "sent_back": "Jaarverslag {year}: ‘{title}’ terug met een opmerking",
    "review": "Jaarverslag {year}: ‘{title}’ is klaar voor review",
    "reminder": "Herinnering: ‘{title}’ voor het jaarverslag {year}",
    "overdue": "Over de datum: ‘{title}’ voor het jaarverslag {year}",
}


def _text(pk: int) -> Any:
    from koepel.reports.models import SectionText

    return SectionText.objects.select_related("report", "writer").filter(pk=pk).first()


def section_title(year: int, key: str) -> str:
    from koepel.reports.assemble import assemble
    from koepel.reports.models import AnnualReport, Audience

    report = AnnualReport.objects.filter(year=year).first()
    for section in assemble(year, Audience.NETWORK, report=report).sections:
        if section.key == key:
            return section.title
    return key


def _send(kind: str, text: Any, addresses: list[str], **context: Any) -> int:
    addresses = [address for address in addresses if address]
    if not addresses:
        return 0
    year = text.report.year
    title = section_title(year, text.key)
    url = settings.KOEPEL_BASE_URL + reverse("reports:section", args=[year, text.key])
    with translation.override("nl"):
        body = render_to_string(
            f"reports/mail/{kind}.txt",
            {"text": text, "title": title, "year": year, "url": url, **context},
        )
    message = EmailMessage(
        subject=one_line(SUBJECTS[kind].format(year=year, title=title)),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=addresses,
    )
    return message.send()


def _writers(text: Any) -> list[str]:
    """Who writes the section: its writer, or else whoever may edit its body (secretaries)."""
    if text.writer is not None:
        return [text.writer.email]
    if not text.key.startswith(("body:", "algemeen:")):
        return _office()
    from koepel.registry.models import Meaning, Role, Term, Vocabulary

    body_id = text.key.split(":", 1)[1]
    if not body_id.isdigit():
        return []
    secretaries = Role.objects.current().filter(
        body_id=int(body_id),
        function__in=Term.objects.filter(
            vocabulary=Vocabulary.FUNCTION, meaning=Meaning.SECRETARY
        ).values("code"),
        person__isnull=False,
    )
    return sorted(
        {role.person.email for role in secretaries.select_related("person") if role.person}
    )


def _office() -> list[str]:
    from koepel.accounts.models import User

    return sorted(
        set(
            User.objects.filter(is_office=True, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )


def assigned(pk: int) -> None:
    text = _text(pk)
    if text is not None and text.writer is not None:
        _send("assigned", text, [text.writer.email])


def sent_back(pk: int) -> None:
    text = _text(pk)
    if text is not None:
        _send("sent_back", text, _writers(text))


def ready_for_review(pk: int) -> None:
    text = _text(pk)
    if text is not None:
        _send("review", text, _office())


def remind(text: Any, *, overdue: bool) -> int:
    return _send("overdue" if overdue else "reminder", text, _writers(text))
