"""A real SMTP server on the loopback address (aiosmtpd) for the tests of mail delivery, and a
count of the SMTP connections this process opens."""

from __future__ import annotations

import smtplib
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    """A port on the loopback address that nothing listens on (connecting is refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Inbox:
    """What the server received: each message as parsed from the bytes on the wire."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        parsed = BytesParser(policy=policy.default).parsebytes(raw)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


@contextmanager
def smtp_server(port: int | None = None) -> Iterator[tuple[Inbox, int]]:
    """An SMTP server on 127.0.0.1 (on ``port``, or a free one) until the block ends."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port or free_port())
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


def deliver_by_smtp(settings: Any, port: int) -> None:
    """Settings as on a server with EMAIL_HOST set, the mail server on ``port``, and tasks
    kept in the database for the worker, as in production."""
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 5
    settings.POST_OFFICE = {
        **settings.POST_OFFICE,
        "BACKENDS": {"default": "django.core.mail.backends.smtp.EmailBackend"},
    }
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def count_smtp_connections(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Every SMTP connection this process opens from now on, by host and port; SMTP over SSL
    is not configured, so any use of it fails."""
    opened: list[tuple[str, int]] = []

    class CountedSMTP(smtplib.SMTP):
        def __init__(self, host: str = "", port: int = 0, *args: Any, **kwargs: Any) -> None:
            opened.append((host, port))
            super().__init__(host, port, *args, **kwargs)

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("SMTP over SSL is not configured")

    monkeypatch.setattr(smtplib, "SMTP", CountedSMTP)
    monkeypatch.setattr(smtplib, "SMTP_SSL", refuse)
    return opened
