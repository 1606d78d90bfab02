from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse


def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement (toegankelijkheidsverklaring) Dutch public sites publish."""
    return TemplateResponse(request, "core/accessibility.html")
