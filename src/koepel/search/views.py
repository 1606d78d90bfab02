"""The search page. Thin: read the form, ask ``query.search``, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from koepel.core import caching
from koepel.search import access, bodies, kinds
from koepel.search.forms import SearchForm
from koepel.search.query import Results, search

# What a page of results shows: the index (every record's title, text and who may see it,
# written with the record) and the register's tree of bodies that a body filter widens to.
SEARCH_KINDS = ("search", "registry")


def _page_number(value: str | None) -> int:
    return int(value) if value and value.isdigit() and len(value) < 7 else 1


def _kind_name(code: str) -> str:
    kind = kinds.get(code)
    return kind.name if kind is not None else code


def search_page(request: HttpRequest) -> HttpResponse:
    tree = bodies.current()

    def keep_options(build: Callable[[], str]) -> str:
        # The bodies to filter by: a thousand options on a large network, the same for
        # everyone with the reader's access until the register changes.
        return caching.kept(
            "search-bodies", build, access=lambda: access.key(request.user), kinds=("registry",)
        )

    form = SearchForm(
        request.GET or None,
        bodies=access.visible(tree.choices(), request.user),
        body_key=tree.key,
        keep_options=keep_options,
    )
    filters: dict[str, Any] = form.filters() if form.is_bound else {"q": ""}
    results = None
    if filters["q"]:
        page = _page_number(request.GET.get("pagina"))

        def build() -> Results:
            return search(
                request.user,
                filters["q"],
                kinds=filters["kinds"],
                body=filters["body"],
                year=filters["year"],
                page=page,
            )

        # The results are the same for everyone with the reader's access who asks the same:
        # kept under the query as the engine reads it, the filters and the page, until the
        # index or the register changes (koepel.core.caching). The form, which echoes what was
        # typed, is made for each request.
        results = caching.kept(
            "search",
            build,
            access=lambda: access.key(request.user),
            kinds=SEARCH_KINDS,
            parts=(
                " ".join(filters["q"].split()),
                tuple(sorted(set(filters["kinds"]))),
                filters["body"].pk if filters["body"] is not None else None,
                filters["year"],
                page,
            ),
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
