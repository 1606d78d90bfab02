from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse

from koepel.core import pickers
from koepel.core.accessibility import STATEMENT


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid security token (an old tab, cookies switched off), in the
    house style and in Dutch rather than Django's technical page."""
    return TemplateResponse(request, "403_csrf.html", status=403)


def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement (toegankelijkheidsverklaring) Dutch public sites publish."""
    return TemplateResponse(request, "core/accessibility.html", {"statement": STATEMENT})


def picker(request: HttpRequest, path: str) -> JsonResponse:
    """A picker's answer as the user types: at most twenty records of the kind whose name
    holds the words of ``q``, among those the user may see (the kind's selector passes the one
    visibility check). JSON for ``picker.js``: ``{"results": [{"id", "name", "detail"}]}``."""
    kind = pickers.kind_at(path)
    if kind is None:
        raise Http404
    text = request.GET.get("q", "")
    response = JsonResponse({"results": pickers.answer(kind, request.user, text)})
    response["Cache-Control"] = "no-store"
    return response
