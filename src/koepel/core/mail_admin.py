"""The mail queue in the back office (/beheer/post_office/email/): what went out, what waits and
what failed, with the outcome of every attempt. Nothing is edited here; the one action puts
chosen messages in the queue again, for the task worker to send."""

from __future__ import annotations

import datetime as dt
from typing import Any

import post_office.admin  # noqa: F401 - its registrations first, so they can be replaced here
from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.template.defaultfilters import linebreaksbr
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from post_office.models import Attachment, Email, EmailTemplate, Log

from koepel.core.mail import WAITING, requeue

# Koepel writes its mail in code, not from templates kept in the database; the attachments are
# shown on their message; and the log belongs with its message too.
for model in (Email, Log, Attachment, EmailTemplate):
    if admin.site.is_registered(model):
        admin.site.unregister(model)

# django-post-office comes without Dutch. The names it gives its app, its model and the states
# of a message, as the back office shows them, are repeated here so that Koepel's own catalogue
# keeps their Dutch.
POST_OFFICE_WORDS = (
    _("Post Office"),
    pgettext_lazy("Email address", "Email"),
    pgettext_lazy("Email addresses", "Emails"),
    _("sent"),
    _("failed"),
    _("queued"),
    _("requeued"),
)


def _moment(value: dt.datetime | None) -> str:
    return formats.localize(timezone.localtime(value)) if value else ""


@admin.register(Email)
class MailAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("about", "recipients", "status", "attempts", "updated", "next_attempt")
    list_filter = ("status",)
    search_fields = ("to", "subject")
    ordering = ("-created",)
    fields = readonly_fields = (
        "about",
        "recipients",
        "sender",
        "status",
        "queued_at",
        "updated",
        "next_attempt",
        "message_id",
        "text",
        "attachment_list",
        "attempt_list",
    )
    actions = ("send_again",)
    # Not post_office's form, whose "Resend" button sends from the page itself.
    change_form_template = "admin/change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Email]:
        emails: QuerySet[Email] = (
            super().get_queryset(request).annotate(attempt_count=Count("logs"))
        )
        return emails

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_send_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    @admin.display(description=_("subject"), ordering="subject")
    def about(self, email: Email) -> str:
        return str(email.subject)

    @admin.display(description=_("recipients"))
    def recipients(self, email: Email) -> str:
        return ", ".join([*email.to, *email.cc, *email.bcc])

    @admin.display(description=_("sender"))
    def sender(self, email: Email) -> str:
        return str(email.from_email)

    @admin.display(description=_("attempts"), ordering="attempt_count")
    def attempts(self, email: Email) -> int:
        return int(email.attempt_count)

    @admin.display(description=_("queued at"), ordering="created")
    def queued_at(self, email: Email) -> str:
        return _moment(email.created)

    @admin.display(description=_("last change"), ordering="last_updated")
    def updated(self, email: Email) -> str:
        return _moment(email.last_updated)

    @admin.display(description=_("next attempt"), ordering="scheduled_time")
    def next_attempt(self, email: Email) -> str:
        if email.status not in WAITING:
            return ""
        return _moment(email.scheduled_time) or str(_("as soon as possible"))

    @admin.display(description=_("text"))
    def text(self, email: Email) -> SafeString:
        return linebreaksbr(email.message, autoescape=True)

    @admin.display(description=_("attachments"))
    def attachment_list(self, email: Email) -> str:
        return ", ".join(
            f"{attachment.name} ({attachment.mimetype or '?'})"
            for attachment in email.attachments.all()
        )

    @admin.display(description=_("attempts"))
    def attempt_list(self, email: Email) -> SafeString:
        """Each attempt: when, how it went and, when it failed, the error."""
        rows = []
        for log in email.logs.order_by("date"):
            error = f"{log.exception_type}: {log.message}" if log.exception_type else log.message
            outcome = f"{log.get_status_display()}, {error}" if error else log.get_status_display()
            rows.append((_moment(log.date), outcome))
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}: {}</li>", rows))

    @admin.action(description=_("Send again"), permissions=["send"])
    def send_again(self, request: HttpRequest, queryset: QuerySet[Email]) -> None:
        count = requeue(queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d e-mail is back in the queue and goes out shortly.",
                "%(count)d e-mails are back in the queue and go out shortly.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
