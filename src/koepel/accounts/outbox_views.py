"""The network office's outbox: every mail Koepel queued, newest first — sent, waiting for the
worker or a retry, or failed with the error of its last attempt — and a button that puts a
message in the queue again. Beside the back office's list, in Koepel's own pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from post_office.models import STATUS, Email, Log

from koepel.accounts.access import viewer_for
from koepel.core import exports
from koepel.core.mail import WAITING, requeue
from koepel.core.pagination import paginate
from koepel.core.tables import Column, Table

STATES: dict[str, tuple[Any, tuple[int, ...]]] = {
    "wachtend": (gettext_lazy("waiting"), WAITING),
    "verstuurd": (gettext_lazy("sent"), (STATUS.sent,)),
    "mislukt": (gettext_lazy("failed"), (STATUS.failed,)),
}


def _state_of(email: Email) -> str:
    for key, (_label, statuses) in STATES.items():
        if email.status in statuses:
            return key
    return "wachtend"


def _office_only(request: HttpRequest) -> None:
    if not viewer_for(request.user).is_office:
        raise PermissionDenied


def _row(email: Email) -> dict[str, Any]:
    last = email.attempts[0] if email.attempts else None
    return {
        "email": email,
        "state": _state_of(email),
        "state_label": STATES[_state_of(email)][0],
        "error": last.message if last is not None and last.status == STATUS.failed else "",
        "attempts": len(email.attempts),
    }


OUTBOX = Table(
    "uitgaande-e-mail",
    (
        Column("onderwerp", "onderwerp", lambda r: r["email"].subject),
        Column("aan", "aan", lambda r: ", ".join(r["email"].to)),
        Column("in_wachtrij", "in de wachtrij", lambda r: r["email"].created),
        Column("status", "status", lambda r: r["state_label"]),
        Column("pogingen", "pogingen", lambda r: r["attempts"]),
        Column("fout", "fout", lambda r: r["error"]),
    ),
)


@login_required
def outbox(request: HttpRequest) -> HttpResponseBase:
    _office_only(request)
    chosen = request.GET.get("status", "")
    emails = Email.objects.order_by("-created", "-pk").prefetch_related(
        Prefetch("logs", queryset=Log.objects.order_by("-date", "-pk"), to_attr="attempts")
    )
    if chosen in STATES:
        emails = emails.filter(status__in=STATES[chosen][1])
    if exports.requested(request):
        return exports.download(request, OUTBOX, (_row(email) for email in exports.rows(emails)))
    pages = paginate(request, emails)
    rows = [_row(email) for email in pages.page]
    return TemplateResponse(
        request,
        "accounts/outbox.html",
        {
            "rows": rows,
            "page": pages.page,
            "pages": pages,
            "states": [(key, label) for key, (label, _statuses) in STATES.items()],
            "chosen": chosen if chosen in STATES else "",
        },
    )


@login_required
@require_POST
def outbox_resend(request: HttpRequest) -> HttpResponse:
    _office_only(request)
    chosen = [int(value) for value in request.POST.getlist("email") if value.isdigit()]
    count = requeue(Email.objects.filter(pk__in=chosen))
    if count:
        messages.success(
            request, _("The mail is in the queue again; the worker sends it within seconds.")
        )
    else:
        messages.error(request, _("Choose the mail to send again."))
    return redirect("accounts:outbox")
