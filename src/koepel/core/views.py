from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from koepel.core.accessibility import STATEMENT


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid security token (an old tab, cookies switched off), in the
    house style and in Dutch rather than Django's technical page."""
    return TemplateResponse(request, "403_csrf.html", status=403)


def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement (toegankelijkheidsverklaring) Dutch public sites publish."""
    return TemplateResponse(request, "core/accessibility.html", {"statement": STATEMENT})
