"""The network office's pages of the audit trail: per record, and per account."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from koepel.accounts.access import can_read_trail
from koepel.audit import trail
from koepel.audit.registration import AUDITED
from koepel.core.pagination import paginate


def _office_only(request: HttpRequest) -> None:
    if not can_read_trail(request.user):
        raise PermissionDenied(_("Only the network office can read the history of changes."))


@login_required
def record(request: HttpRequest, model: str, pk: str) -> HttpResponse:
    """Every change to one record: who, what, before and after, when, from where."""
    _office_only(request)
    if model not in AUDITED:
        raise Http404
    model_class = apps.get_model(model)
    instance = model_class._default_manager.filter(pk=pk).first()
    entries = trail.for_record(model_class, pk)
    pages = paginate(request, entries)
    page = pages.page
    name = str(instance) if instance else (page[0].object_repr if len(page) else pk)
    account = getattr(instance, "account", None) if model == "registry.person" else None
    return render(
        request,
        "audit/record.html",
        {
            "title": _("History of %(name)s") % {"name": name},
            "kind": model_class._meta.verbose_name,
            "instance": instance,
            "account": account,
            "page": page,
            "pages": pages,
            "rows": _rows(page),
        },
    )


@login_required
def actor(request: HttpRequest, user_id: int) -> HttpResponse:
    """Everything one account changed."""
    _office_only(request)
    account = get_object_or_404(get_user_model().objects.select_related("person"), pk=user_id)
    pages = paginate(request, trail.by_actor(account.pk))
    page = pages.page
    return render(
        request,
        "audit/actor.html",
        {
            "title": _("Changes by %(name)s") % {"name": account},
            "account": account,
            "page": page,
            "pages": pages,
            "rows": _rows(page),
        },
    )


def _rows(page: object) -> list[dict[str, object]]:
    return [
        {
            "entry": entry,
            "code": trail.action_code(entry),
            "model_label": f"{entry.content_type.app_label}.{entry.content_type.model}",
            "changes": trail.changes(entry),
            "where": trail.where(entry),
            "token": trail.token(entry),
        }
        for entry in page  # type: ignore[attr-defined]
    ]
