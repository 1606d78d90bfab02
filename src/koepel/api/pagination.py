"""Pages of a list: ``?pagina=2&paginaGrootte=50``, with links to the neighbouring pages."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response


class Pages(PageNumberPagination):
    page_query_param = "pagina"
    page_size_query_param = "paginaGrootte"
    page_size = 20
    max_page_size = 100
    page_query_description = "Het nummer van de pagina; de eerste is 1."
    page_size_query_description = "Het aantal per pagina (standaard 20, hoogstens 100)."

    def get_page_size(self, request: Request) -> int:
        """The asked page size, refused with a clear message when out of bounds rather than
        quietly changed (a client should know it got fewer rows than it asked for)."""
        asked = request.query_params.get(self.page_size_query_param)
        if asked is None:
            return self.page_size
        if not asked.isdigit() or not 1 <= int(asked) <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        f"Geef een getal van 1 tot en met {self.max_page_size}."
                    ]
                }
            )
        return int(asked)

    def get_paginated_response(self, data: Any) -> Response:
        if self.page is None:  # only called after paginate_queryset found a page
            raise RuntimeError("No page to answer with.")
        return Response(
            {
                "aantal": self.page.paginator.count,
                "volgende": self.get_next_link(),
                "vorige": self.get_previous_link(),
                "resultaten": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["aantal", "resultaten"],
            "properties": {
                "aantal": {"type": "integer", "description": "Het aantal in de hele lijst."},
                "volgende": {"type": "string", "format": "uri", "nullable": True},
                "vorige": {"type": "string", "format": "uri", "nullable": True},
                "resultaten": schema,
            },
        }


class Ordering(OrderingFilter):
    """``?sorteer=naam`` or ``?sorteer=-datum`` (from high to low)."""

    ordering_description = "Sorteer op dit veld; met een - ervoor van hoog naar laag."
