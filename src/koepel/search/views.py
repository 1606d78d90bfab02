"""The search page. Thin: read the form, ask ``query.search``, render."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from koepel.search import access, bodies, kinds
from koepel.search.forms import SearchForm
from koepel.search.query import search


def _page_number(value: str | None) -> int:
    return int(value) if value and value.isdigit() and len(value) < 7 else 1


def _kind_name(code: str) -> str:
    kind = kinds.get(code)
    return kind.name if kind is not None else code


def search_page(request: HttpRequest) -> HttpResponse:
    tree = bodies.current()
    form = SearchForm(
        request.GET or None,
        bodies=access.visible(tree.choices(), request.user),
        body_key=tree.key,
    )
    filters: dict[str, Any] = form.filters() if form.is_bound else {"q": ""}
    results = None
    if filters["q"]:
        results = search(
            request.user,
            filters["q"],
            kinds=filters["kinds"],
            body=filters["body"],
            year=filters["year"],
            page=_page_number(request.GET.get("pagina")),
        )
    context: dict[str, Any] = {"form": form, "results": results}
    if results is not None:
        counts = results.counts_by_kind
        context["kinds"] = [
            (choice, counts.get(choice.data["value"], 0)) for choice in form["soort"]
        ]
        context["hits"] = [(hit, _kind_name(hit.kind)) for hit in results.hits]
        context["first"] = (results.page - 1) * results.per_page + 1
        query = request.GET.copy()
        query.pop("pagina", None)
        context["query"] = query.urlencode()
    return TemplateResponse(request, "search/search.html", context)
