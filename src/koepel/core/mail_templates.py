"""Mail written from templates: a text part and an HTML part, both built on the shared base
templates (``mail/base.txt``, ``mail/base.html``), in the recipient's language, from the
network's address with the reply-to address of the settings.

A mail template ``<name>`` is a pair: ``<name>.txt`` extends ``mail/base.txt`` and
``<name>.html`` extends ``mail/base.html``; both fill the blocks ``greeting``, ``content`` and
``closing``; ``network_name`` in the context signs the mail. The subject is given already translated (compose it inside ``in_language``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from koepel.core.validators import one_line

LANGUAGES = {code for code, _ in settings.LANGUAGES}


@contextmanager
def in_language(language: str) -> Iterator[str]:
    """Write in ``language`` when Koepel speaks it, else in Dutch."""
    chosen = language if language in LANGUAGES else settings.LANGUAGE_CODE
    with translation.override(chosen):
        yield chosen


def reply_to() -> list[str]:
    return list(settings.KOEPEL_REPLY_TO)


def templated_mail(
    template: str,
    context: dict[str, Any],
    *,
    subject: str,
    to: str,
    language: str,
    headers: dict[str, str] | None = None,
) -> EmailMultiAlternatives:
    """A message ready to send (or to attach to): text and HTML from ``template``."""
    with in_language(language) as chosen:
        context = {**context, "language": chosen}
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(
        # A subject is one line, whatever the text it was made from was stored with.
        subject=one_line(subject),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        reply_to=reply_to(),
        headers={"Content-Language": chosen, **(headers or {})},
    )
    message.attach_alternative(html, "text/html")
    return message
