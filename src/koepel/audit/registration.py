"""Which records the audit trail follows, and which fields it never stores.

Every model of a Koepel app is either in ``AUDITED`` (with the fields left out of its trail)
or in ``NOT_AUDITED`` with the reason; a test fails on a model that is in neither, so a new
model cannot slip past the trail unnoticed. Many-to-many fields are followed as well.

Secrets never reach the trail: passwords, the secret of a calendar feed address, session keys
(sessions are not followed at all). ``SECRET_FIELDS`` is left out of every model, and the
test of the trail checks that no stored entry holds one.
"""

from __future__ import annotations

from typing import Any

from auditlog.registry import auditlog
from django.apps import apps
from django.db import models

# Left out of every model's trail: secrets, and bookkeeping that changes on each save.
SECRET_FIELDS = ("password", "token", "secret", "otp_secret", "session_key")
NOISE_FIELDS = (
    "id",
    "version",
    "minutes_version",
    "created_at",
    "updated_at",
    "last_login",
    "uid",
    "submission",
)

# label -> fields left out of this model's trail besides the ones above.
AUDITED: dict[str, tuple[str, ...]] = {
    "accounts.user": (),
    # Who allowed which domain to sign in through the identity provider, and who took it away.
    "accounts.alloweddomain": (),
    "registry.network": (),
    "registry.municipality": (),
    "registry.population": (),
    "registry.membership": (),
    "registry.organisation": (),
    "registry.person": (),
    "registry.body": (),
    "registry.role": (),
    "registry.participation": (),
    "registry.term": (),
    "meetings.meeting": (),
    "meetings.guest": (),
    "meetings.agendaitem": (),
    "meetings.invitation": (),
    "meetings.decision": (),
    "meetings.actionitem": (),
    "meetings.calendartoken": (),  # that an address was made or revoked; never the secret
    "advocacy.dossier": (),
    "advocacy.outcomechange": (),
    "advocacy.lobbyaction": (),
    "advocacy.consultation": (),
    "advocacy.consultationresponse": (),
    "advocacy.consultationreminder": (),
    "advocacy.milestone": (),
    "library.document": (),
    # The text read from the file is derived from it (and long), and so is where the reading
    # stands; the upload itself is kept.
    "library.documentfile": (
        "text",
        "extraction",
        "extraction_error",
        "reading_until",
        "reader",
        "reading_interruptions",
    ),
    "reports.annualreport": (),
    "reports.sectiontext": (),
    # A secretary's mark that a body's year is completely recorded: who said so, and when.
    "reports.completeyear": (),
    # The office's house style for the report files: that the logo or template changed.
    "reports.reportstyle": (),
    # Who published the report of a year, and when; the page and files are its output.
    "reports.publication": ("page", "html", "docx", "pdf", "error"),
    # That a token was made, used or revoked; never its hash or its first characters.
    "api.apitoken": ("key_hash", "hint"),
    # A person's choices of notifications, and that a personal feed address was made or
    # switched off (never its hash); the digests' bookkeeping is left out.
    "notices.preferences": ("daily_sent_at", "weekly_sent_at"),
    "notices.feedtoken": ("key_hash",),
}

# label -> why changes to it are not followed.
NOT_AUDITED: dict[str, str] = {
    # Sending one is seen on the account's page (sent when, by whom, what became of it) and in
    # the mail queue; using one changes the password, which the trail never holds.
    "accounts.accountlink": "a mailed link to choose a password; its account page lists them",
    "accounts.resetrequest": "a count of reset requests for the limit, deleted after an hour",
    "accounts.providerdevice": "a mark that the identity provider gave the second step; no data",
    "search.searchentry": "a copy of other records for search, rebuilt from them by reindex",
    "library.section": "the document's text split into parts, rebuilt from each new file",
    "search.textindexrow": "a row of the search engine's own text index, kept by the engine",
    "search.wordcount": "how many search entries hold a common word, kept by the index's writes",
    "reports.renderedfile": "an output file of the report, made again on request",
    "notices.event": "derived from the records by each pass of the task worker",
    "notices.delivery": "which notice went to whom; the mail itself is in the outbox",
    "notices.scan": "how far the records were looked at, moved on by each pass",
    "core.dataversion": "a token per kind of data for the cache, new with every write of it",
    "core.scopedversion": "a token per kind and scope of data for the cache, new with every write in it",
}


def project_models() -> list[type[models.Model]]:
    """Every concrete model of Koepel's own apps."""
    return [
        model
        for config in apps.get_app_configs()
        if config.name.startswith("koepel.")
        for model in config.get_models()
        if not model._meta.auto_created
    ]


def label_of(model: type[models.Model]) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def register_all() -> None:
    for label, excluded in AUDITED.items():
        model = apps.get_model(label)
        if auditlog.contains(model):
            continue
        left_out = {*SECRET_FIELDS, *NOISE_FIELDS, *excluded}
        # The record's own fields: not the relations other records hold to it.
        own = [field.name for field in model._meta.concrete_fields if field.name not in left_out]
        options: dict[str, Any] = {
            "include_fields": own,
            "m2m_fields": {field.name for field in model._meta.many_to_many},
        }
        auditlog.register(model, **options)
