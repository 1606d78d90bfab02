"""Pages of the registry. Thin: ask a selector, render a template."""

from __future__ import annotations

import base64
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from koepel.accounts.access import (
    access_key,
    can_manage_registry,
    can_manage_seats,
    can_see_contact_details,
    viewer_for,
)
from koepel.core import caching, tables
from koepel.core.errors import EditConflict
from koepel.core.forms import add_errors, with_version
from koepel.core.pagination import count_cap, paginate
from koepel.registry import exchange, role_views, selectors, services
from koepel.registry.forms import TermForm, vocabulary_of
from koepel.registry.models import Body, Ownership, Term, Vocabulary, body_scope

# What a body's page shows: the register, and the panels of its meetings (of this body alone:
# meetings.scopes) and its lobby.
BODY_PAGE_KINDS = ("registry", "advocacy")
# What a person's page shows: the person, their organisation and municipality, their roles and
# the bodies of those roles, all of them the register.
PERSON_PAGE_KINDS = ("registry",)


def _exchange(request: HttpRequest) -> dict[str, Any]:
    """What a list page needs for its export links (and, for the office, its import links)."""
    return {"exchange_kinds": exchange.KINDS, "can_import": can_manage_registry(request.user)}


def home(request: HttpRequest) -> HttpResponse:
    # The key numbers are the same for everyone who sees the same bodies, and change only with
    # the register: counted once per access and version of its data (koepel.core.caching),
    # each count stopping at the cap, which is part of the key.
    numbers = caching.kept(
        "key-numbers",
        lambda: selectors.key_numbers(request.user),
        access=lambda: access_key(request.user),
        kinds=("registry",),
        parts=(count_cap(),),
    )
    return TemplateResponse(
        request,
        "registry/home.html",
        {"top_bodies": selectors.top_bodies(request.user), "numbers": numbers},
    )


def municipality_list(request: HttpRequest) -> HttpResponse:
    year = request.GET.get("jaar", "")
    table = selectors.municipality_table(int(year) if year.isdigit() and len(year) == 4 else None)
    pages = paginate(request, table.rows, count=table.count)
    return TemplateResponse(
        request,
        "registry/municipality_list.html",
        {
            "table": table,
            "pages": pages,
            "other_members": selectors.other_members(on=table.on).order_by("name"),
            **_exchange(request),
        },
    )


def municipality_page(request: HttpRequest, cbs_code: str) -> HttpResponse:
    context = selectors.municipality_detail(request.user, cbs_code)
    if context is None:
        raise Http404
    return TemplateResponse(request, "registry/municipality_detail.html", context)


def body_list(request: HttpRequest) -> HttpResponse:
    def build() -> str:
        user = request.user
        trees = {
            "tree": selectors.body_tree(user),
            "shared": selectors.body_tree(user, ownership=Ownership.SHARED),
            "external": selectors.body_tree(user, ownership=Ownership.EXTERNAL),
        }
        return render_to_string("registry/_body_trees.html", trees, request)

    trees = caching.kept(
        "body-trees", build, access=lambda: access_key(request.user), kinds=("registry",)
    )
    return TemplateResponse(
        request, "registry/body_list.html", {"trees": trees, **_exchange(request)}
    )


def body_page(request: HttpRequest, slug: str) -> HttpResponse:
    def build() -> dict[str, str] | None:
        context = selectors.body_detail(request.user, slug)
        if context is None:
            return None
        # The links to add, change, end and hand over its roles and participations.
        context["manage_seats"] = can_manage_seats(request.user, context["body"])
        seats = [*context["current_roles"], *context["former_roles"], *context["future_roles"]]
        role_views.mark_manageable(request.user, seats)
        return {
            "title": context["body"].name,
            "content": render_to_string("registry/_body_detail.html", context, request),
        }

    # Everything below the header, with the meetings and lobby panels, for all who share the
    # reader's access (koepel.core.caching).
    caching.versions()  # the tokens before the data, the body's number among it
    found = Body.objects.filter(slug=slug).values_list("pk", flat=True).first()
    meetings = caching.scoped("meetings", body_scope(found) if found else caching.WIDE)
    page = caching.kept(
        "body-page",
        build,
        access=lambda: access_key(request.user),
        kinds=(*BODY_PAGE_KINDS, meetings),
        parts=(slug,),
    )
    if page is None:
        raise Http404
    return TemplateResponse(request, "registry/body_detail.html", page)


def person_list(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(
        request,
        "registry/person_list.html",
        {"rows": selectors.person_list(request.user), **_exchange(request)},
    )


def person_page(request: HttpRequest, slug: str) -> HttpResponse:
    def build() -> dict[str, str] | None:
        context = selectors.person_detail(request.user, slug)
        if context is None:
            return None
        # Contact details are for every member of the network alike (part of the access), not
        # only for the person themselves: the page holds nothing of the reader's own.
        context["show_contact"] = can_see_contact_details(request.user)
        # The links to change, end and hand over the roles the viewer may manage.
        context["manage_roles"] = role_views.mark_manageable(request.user, context["roles"])
        return {
            "title": context["person"].name,
            "content": render_to_string("registry/_person_detail.html", context, request),
        }

    page = caching.kept(
        "person-page",
        build,
        access=lambda: access_key(request.user),
        kinds=PERSON_PAGE_KINDS,
        parts=(slug,),
    )
    if page is None:
        raise Http404
    return TemplateResponse(request, "registry/person_detail.html", page)


def organisation_list(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(
        request,
        "registry/organisation_list.html",
        {"organisations": selectors.organisation_list(), **_exchange(request)},
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


# --- Export and import ---------------------------------------------------------------------------

# The most an import page takes at once (a file of some 20,000 rows); larger files go through
# ``koepel import``.
IMPORT_MAX_BYTES = 5 * 1024 * 1024
_PENDING = "registry-import"


def export(request: HttpRequest, kind: str, file_format: str) -> HttpResponseBase:
    """A list as CSV or Excel: the records of that kind the viewer may see."""
    if kind not in exchange.KINDS or file_format not in tables.FORMATS:
        raise Http404
    table, rows = exchange.export_rows(kind, request.user)
    return tables.download(table, rows, file_format)


@login_required
def import_page(request: HttpRequest, kind: str) -> HttpResponse:
    """Upload a file, see every row's problem (a dry run), then import it as a whole."""
    if kind not in exchange.KINDS:
        raise Http404
    if not can_manage_registry(request.user):
        raise PermissionDenied
    chosen = exchange.KINDS[kind]
    context: dict[str, Any] = {"kind": chosen, "table": chosen.table, "form": ImportForm()}
    if request.method == "POST" and request.POST.get("step") == "import":
        pending = request.session.get(_PENDING)
        if not pending or pending.get("kind") != kind:
            messages.error(request, _("Choose the file again: the checked file was not kept."))
            return redirect("registry:import", kind)
        data = base64.b64decode(pending["data"])
        outcome = exchange.run_import([(kind, data)])
        if outcome.written:
            del request.session[_PENDING]
            messages.success(request, _("The file has been imported."))
            return redirect("registry:import", kind)
        context.update(outcome=outcome, file_name=pending["name"])
    elif request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            outcome = exchange.run_import([(kind, data)], dry_run=True)
            context.update(outcome=outcome, file_name=upload.name)
            if outcome.problems:
                request.session.pop(_PENDING, None)
            else:
                request.session[_PENDING] = {
                    "kind": kind,
                    "name": upload.name,
                    "data": base64.b64encode(data).decode("ascii"),
                }
    return TemplateResponse(request, "registry/import.html", context)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File (CSV or Excel)"),
        help_text=gettext_lazy("The first row holds the column headers, as an export writes them."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)d MB. Import it with the command koepel import.")
                % {"size": IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        return upload


def _office_only(request: HttpRequest) -> None:
    if not viewer_for(request.user).is_office:
        raise PermissionDenied


@login_required
def term_list(request: HttpRequest) -> HttpResponse:
    """The network's vocabularies, for the office to keep: each list with its terms."""
    _office_only(request)
    return TemplateResponse(
        request, "registry/term_list.html", {"vocabularies": selectors.vocabularies()}
    )


@login_required
def term_add(request: HttpRequest, vocabulary: str) -> HttpResponse:
    _office_only(request)
    if vocabulary_of(vocabulary) is None:
        raise Http404
    form = TermForm(request.POST or None, vocabulary=vocabulary)
    if request.method == "POST" and form.is_valid():
        try:
            services.term_save(term=form.apply(Term(vocabulary=vocabulary)))
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The term has been added."))
            return redirect("registry:terms")
    return TemplateResponse(
        request,
        "registry/term_form.html",
        {"form": form, "term": None, "vocabulary": Vocabulary(vocabulary)},
    )


@login_required
def term_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _office_only(request)
    term = get_object_or_404(Term, pk=pk)
    form = TermForm(
        request.POST or None, vocabulary=term.vocabulary, initial=TermForm.initial_for(term)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.term_save(
                term=form.apply(term), expected_version=form.cleaned_data["version"] or 0
            )
        except EditConflict as conflict:
            form = TermForm(
                with_version(request, conflict.current_version), vocabulary=term.vocabulary
            )
            form.is_valid()
            form.add_error(None, conflict.message)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The term has been changed."))
            return redirect("registry:terms")
    return TemplateResponse(
        request,
        "registry/term_form.html",
        {"form": form, "term": term, "vocabulary": Vocabulary(term.vocabulary)},
    )


@login_required
@require_POST
def term_delete(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    _office_only(request)
    term = Term.objects.filter(pk=pk).first()
    version = request.POST.get("version", "")
    if term is None:
        messages.info(request, _("The term no longer exists."))
        return redirect("registry:terms")
    try:
        services.term_delete(term=term, expected_version=int(version) if version.isdigit() else 0)
    except EditConflict as conflict:
        messages.error(request, str(conflict.message))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The term has been deleted."))
    return redirect("registry:terms")
