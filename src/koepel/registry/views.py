"""Pages of the registry. Thin: ask a selector, render a template."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from koepel.accounts.access import can_see_contact_details
from koepel.core.pagination import paginate
from koepel.registry import selectors
from koepel.registry.models import Ownership


def home(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(
        request,
        "registry/home.html",
        {
            "top_bodies": selectors.top_bodies(request.user),
            "numbers": selectors.key_numbers(request.user),
        },
    )


def municipality_list(request: HttpRequest) -> HttpResponse:
    year = request.GET.get("jaar", "")
    table = selectors.municipality_table(int(year) if year.isdigit() and len(year) == 4 else None)
    pages = paginate(request, table.rows, count=table.count)
    return TemplateResponse(
        request, "registry/municipality_list.html", {"table": table, "pages": pages}
    )


def municipality_page(request: HttpRequest, cbs_code: str) -> HttpResponse:
    context = selectors.municipality_detail(request.user, cbs_code)
    if context is None:
        raise Http404
    return TemplateResponse(request, "registry/municipality_detail.html", context)


def body_list(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(
        request,
        "registry/body_list.html",
        {
            "tree": selectors.body_tree(request.user),
            "shared": selectors.body_tree(request.user, ownership=Ownership.SHARED),
            "external": selectors.body_tree(request.user, ownership=Ownership.EXTERNAL),
        },
    )


def body_page(request: HttpRequest, slug: str) -> HttpResponse:
    context = selectors.body_detail(request.user, slug)
    if context is None:
        raise Http404
    return TemplateResponse(request, "registry/body_detail.html", context)


def person_list(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(
        request, "registry/person_list.html", {"rows": selectors.person_list(request.user)}
    )


def person_page(request: HttpRequest, slug: str) -> HttpResponse:
    context = selectors.person_detail(request.user, slug)
    if context is None:
        raise Http404
    context["show_contact"] = can_see_contact_details(request.user)
    return TemplateResponse(request, "registry/person_detail.html", context)


def organisation_list(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(
        request,
        "registry/organisation_list.html",
        {"organisations": selectors.organisation_list()},
    )


def organisation_page(request: HttpRequest, slug: str) -> HttpResponse:
    context = selectors.organisation_detail(request.user, slug)
    if context is None:
        raise Http404
    return TemplateResponse(request, "registry/organisation_detail.html", context)


def representation(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(
        request,
        "registry/representation.html",
        {"groups": selectors.representation_map(request.user)},
    )
