"""Outgoing e-mail: every message waits in a queue in the database until the task worker sends
it, so no page or API call ever waits for a mail server.

Any code sends mail the Django way (``send_mail``, ``EmailMessage.send()``); the e-mail backend
here (``EMAIL_BACKEND``) puts each message in django-post-office's queue, in the sender's own
transaction: a change that is rolled back sends nothing, one that commits cannot lose its mail.
Once the transaction commits, ``send_queued_mail`` is handed to the task worker. It delivers
through the backend in ``POST_OFFICE["BACKENDS"]`` (SMTP, or files without a mail server) and
records per message whether it went out; a message that fails waits ``RETRY_INTERVAL`` and is
tried again, up to ``MAX_RETRIES`` times, after which it stays *failed* where the network
office sees it (the back office, under "Uitgaande e-mail"). The task plans its own next run
for the retries, so they need no cron job.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from email.mime.base import MIMEBase
from email.utils import make_msgid, parseaddr
from typing import Any

from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteDatabase
from django.db.models import Min, Q
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from post_office.mail import get_queued, send_queued
from post_office.models import PRIORITY, STATUS, Attachment, Email
from post_office.signals import email_queued

logger = logging.getLogger(__name__)

WAITING = (STATUS.queued, STATUS.requeued)
# When another process is sending, look again after this long: mail queued just as it
# finished would otherwise wait for the next message or the next start.
BUSY_RETRY = dt.timedelta(seconds=30)
# One sender per database at a time (PostgreSQL advisory lock key: "koepel-mail" in ASCII).
SENDING_LOCK_KEY = 0x6B6F6570656C6D61


class QueueBackend(BaseEmailBackend):
    """Puts each message in the queue as it is, for the task worker to send.

    Unlike post_office's own backend it does not read the text as a template (a ``{{`` in a
    meeting's title stays as typed) and it keeps the content type an attachment was given
    (``text/calendar; method=REQUEST``)."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        if not email_messages:
            return 0
        try:
            with transaction.atomic():
                emails = [_queue(message) for message in email_messages]
        except Exception:
            if self.fail_silently:
                logger.exception("Could not queue %d e-mail(s)", len(email_messages))
                return 0
            raise
        email_queued.send(sender=Email, emails=emails)
        return len(emails)


def _queue(message: EmailMessage) -> Email:
    # Put together as the worker will (it raises BadHeaderError for a line break in the subject
    # or an address): a message that cannot be sent fails here, in the sender's transaction,
    # so the change that wrote it is undone with it instead of being saved as mailed.
    message.message()
    body, html = message.body, ""
    for alternative in getattr(message, "alternatives", []):
        content, mimetype = alternative[0], alternative[1]
        if mimetype != "text/html" or html:
            raise ValueError(f"The mail queue keeps one text/html alternative, not {mimetype}.")
        html = str(content)
    if message.content_subtype == "html":
        if html:
            raise ValueError("An HTML message cannot have another HTML alternative.")
        body, html = "", body
    headers = {str(name): str(value) for name, value in message.extra_headers.items()}
    if message.reply_to:
        headers.setdefault("Reply-To", ", ".join(str(address) for address in message.reply_to))
    from_email = str(message.from_email)
    # The same Message-ID for every attempt, so a receiver can tell a retry from a new message.
    given = [name for name in headers if name.lower() == "message-id"]
    message_id = headers.pop(given[0]) if given else make_msgid(domain=_domain(from_email))
    email = Email(
        from_email=from_email,
        to=[str(address) for address in message.to],
        cc=[str(address) for address in message.cc],
        bcc=[str(address) for address in message.bcc],
        subject=str(message.subject),
        message=str(body),
        html_message=html,
        headers=headers or None,
        message_id=message_id,
        status=STATUS.queued,
        priority=PRIORITY.medium,
    )
    email.save()
    attachments = [_stored(attachment) for attachment in message.attachments]
    if attachments:
        email.attachments.add(*attachments)
    return email


def _domain(address: str) -> str:
    return parseaddr(address)[1].rpartition("@")[2] or "localhost"


def _stored(attachment: Any) -> Attachment:
    """An attachment as a file in post_office's storage (``POST_OFFICE["FILE_STORAGE"]``), with
    its content type, or for a ready-made MIME part its headers, to be rebuilt when sent."""
    if isinstance(attachment, MIMEBase):
        if attachment.is_multipart():
            raise ValueError("The mail queue keeps single-part attachments only.")
        name = attachment.get_filename() or "bijlage"
        payload = str(attachment.get_payload())  # as encoded for transfer; the headers say how
        data = payload.encode("utf-8", "surrogateescape")
        mimetype: str | None = attachment.get_content_type()
        headers: dict[str, str] | None = dict(attachment.items())
    else:
        name, content = attachment[0], attachment[1]
        mimetype = attachment[2] if len(attachment) > 2 else None
        data = content.encode() if isinstance(content, str) else bytes(content)
        headers = None
    stored = Attachment(name=name, mimetype=mimetype or "", headers=headers)
    stored.file.save(name, ContentFile(data), save=True)
    return stored


@dataclass(frozen=True)
class Outcome:
    sent: int = 0
    failed: int = 0
    requeued: int = 0


def send_due_mail() -> Outcome | None:
    """Send every queued message that is due, batch after batch; None when another process
    is sending at this moment."""
    with _only_sender() as alone:
        if not alone:
            return None
        sent = failed = requeued = 0
        while True:
            batch = send_queued(processes=1)
            sent, failed, requeued = sent + batch[0], failed + batch[1], requeued + batch[2]
            # Each message leaves the due ones in its batch: sent, failed, or requeued for later.
            if not get_queued().exists():
                return Outcome(sent, failed, requeued)


@contextmanager
def _only_sender() -> Iterator[bool]:
    """Whether this process may send now: not while another one (the worker of a second
    server, `koepel send-queued-mail`) is sending the same queue, or a message goes out twice."""
    db = transaction.get_connection()
    if db.vendor == "postgresql":
        with db.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [SENDING_LOCK_KEY])
            alone = bool(cursor.fetchone()[0])
        try:
            yield alone
        finally:
            if alone:
                with db.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [SENDING_LOCK_KEY])
        return
    if not isinstance(db, SQLiteDatabase) or db.is_in_memory_db():
        yield True  # no other process can share this database
        return
    # SQLite: one server, so a lock on a file beside the database will do.
    with open(f"{db.settings_dict['NAME']}.mail-lock", "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@task()
def send_queued_mail() -> dict[str, int]:
    """The task worker's part: send what is due, then plan the next run for the retries."""
    outcome = send_due_mail()
    if outcome is None:
        _run_at(timezone.now() + BUSY_RETRY)
        return {}
    plan_retries()
    return asdict(outcome)


def plan_retries() -> dt.datetime | None:
    """Make sure the task runs again when the first message waiting for a retry is due;
    returns that moment (None when nothing waits)."""
    now = timezone.now()
    due: dt.datetime | None = (
        Email.objects.filter(status__in=WAITING, scheduled_time__gt=now)
        .exclude(expires_at__lte=now)
        .aggregate(first=Min("scheduled_time"))["first"]
    )
    if due is not None:
        _run_at(due)
    return due


def _run_at(when: dt.datetime) -> None:
    backend = send_queued_mail.get_backend()
    if not backend.supports_defer:
        # A backend that runs tasks at once cannot wait (the tests' one); `koepel
        # send-queued-mail` or the next message sends what is left.
        logger.warning("The task backend cannot plan the next sending of mail for %s", when)
        return
    if _planned_by(when):
        return
    send_queued_mail.using(run_after=when).enqueue()


def _planned_by(when: dt.datetime) -> bool:
    """Whether a run of the task already waits to start at ``when`` or earlier."""
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.models import DBTaskResult, get_date_max

    if not isinstance(send_queued_mail.get_backend(), DatabaseBackend):
        return False
    return (
        DBTaskResult.objects.filter(
            task_path=send_queued_mail.module_path,
            status=TaskResultStatus.READY,
            backend_name=send_queued_mail.backend,
        )
        .filter(Q(run_after__lte=when) | Q(run_after=get_date_max()))
        .exists()
    )


class _StartSending:
    """The callback that hands the sending to the worker; it knows whether it has run."""

    done = False

    def __call__(self) -> None:
        self.done = True
        send_queued_mail.enqueue()


def send_after_commit(sender: Any, emails: Sequence[Email], **kwargs: Any) -> None:
    """Receiver of post_office's ``email_queued``: hand the sending to the task worker once the
    messages are committed (and only then can the worker read them). Once per transaction,
    however many messages it queues: not again while a start waits in this transaction (one
    registered in savepoints that are all still open)."""
    db = transaction.get_connection()
    open_savepoints = set(db.savepoint_ids)
    for savepoints, callback, *_ in db.run_on_commit:
        if (
            isinstance(callback, _StartSending)
            and not callback.done
            and savepoints <= open_savepoints
        ):
            return
    transaction.on_commit(_StartSending())


def send_waiting_mail_later() -> bool:
    """Hand the task worker a run if any mail waits, for mail left over from before a restart;
    `koepel serve` calls this as it starts. Returns whether mail was waiting."""
    if not Email.objects.filter(status__in=WAITING).exists():
        return False
    send_queued_mail.enqueue()
    return True


def requeue(emails: Iterable[Email]) -> int:
    """Put messages in the queue again as new, for the task worker to send after the
    current transaction commits (a failed one after the mail server is fixed, or a sent one
    the recipient lost). Returns how many."""
    chosen = [email.pk for email in emails]
    count: int = Email.objects.filter(pk__in=chosen).update(
        status=STATUS.queued, scheduled_time=None, number_of_retries=0, last_updated=timezone.now()
    )
    if count:
        email_queued.send(sender=Email, emails=list(Email.objects.filter(pk__in=chosen)))
    return count
