"""Knowledge-base pages. Downloads go through the visibility check: there are no public URLs
to stored files."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
)
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from koepel.accounts.access import can_edit, editable_bodies, viewer_for, visible_bodies
from koepel.core import exports
from koepel.core.downloads import attachment_response
from koepel.core.errors import EditConflict
from koepel.core.forms import add_errors, with_version
from koepel.core.pagination import paginate
from koepel.library import selectors, services, tables
from koepel.library.forms import DocumentForm, FilterForm, VersionForm
from koepel.library.models import Document, Extraction
from koepel.registry.models import Body, remembered_terms


def document_list(request: HttpRequest) -> HttpResponseBase:
    bodies = visible_bodies(request.user).order_by("name")
    viewer = viewer_for(request.user)
    form = FilterForm(request.GET or None, bodies=bodies, office=viewer.is_office)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {
            "kind": form.cleaned_data["soort"],
            "body": form.cleaned_data["gremium"],
            "year": form.cleaned_data["jaar"],
            "reading": form.cleaned_data.get("leesstatus", ""),
        }
    documents = selectors.document_list(request.user, **filters)
    if exports.requested(request):
        return exports.download(
            request, tables.DOCUMENTS, exports.rows(documents, within=remembered_terms)
        )
    pages = paginate(request, documents)
    return TemplateResponse(
        request,
        "library/document_list.html",
        {
            "form": form,
            "page": pages.page,
            "pages": pages,
            "can_upload": viewer.is_office or bool(viewer.secretary_body_ids),
            # The office is told of files that could not be read, wherever it looks.
            "not_read": selectors.count_not_read(request.user) if viewer.is_office else 0,
        },
    )


def document_page(request: HttpRequest, slug: str) -> HttpResponse:
    document = selectors.document_detail(request.user, slug)
    if document is None:
        raise Http404
    files = list(document.files.all())
    return TemplateResponse(
        request,
        "library/document_detail.html",
        {
            "document": document,
            "latest": files[0] if files else None,
            "files": files,
            "can_edit": can_edit(request.user, document),
        },
    )


def reading_status(request: HttpRequest, slug: str) -> JsonResponse:
    """Whether the text of the document's latest file is still being read, for the page that
    waits for it (waiting.js). Seen by whoever may see the document, like the page."""
    document = selectors.document_detail(request.user, slug)
    if document is None:
        raise Http404
    latest = document.files.first()
    status = latest.extraction if latest is not None else ""
    response = JsonResponse(
        {"waiting": status in (Extraction.PENDING, Extraction.READING), "status": status}
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def document_create(request: HttpRequest) -> HttpResponse:
    bodies = editable_bodies(request.user)
    if not viewer_for(request.user).is_office and not bodies.exists():
        raise PermissionDenied
    form = DocumentForm(
        request.POST or None, request.FILES or None, bodies=bodies, require_file=True
    )
    if request.method == "POST" and form.is_valid():
        try:
            document = services.document_create(actor=request.user, **form.document_fields())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The document has been added to the knowledge base."))
            return redirect(document)
    return TemplateResponse(
        request,
        "library/form.html",
        {"form": form, "title": _("Add a document"), "multipart": True},
    )


def _editable(request: HttpRequest, slug: str) -> Document:
    document = selectors.visible_documents(request.user).filter(slug=slug).first()
    if document is None:
        raise Http404
    if not can_edit(request.user, document):
        raise PermissionDenied
    return document


@login_required
def document_edit(request: HttpRequest, slug: str) -> HttpResponse:
    document = _editable(request, slug)
    bodies = editable_bodies(request.user) | Body.objects.filter(pk__in=document.bodies.all())
    form = DocumentForm(
        request.POST or None, bodies=bodies.distinct(), initial=DocumentForm.initial_for(document)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.document_update(
                actor=request.user,
                document=document,
                version=form.cleaned_data["version"] or 0,
                **form.document_fields(),
            )
        except EditConflict as conflict:
            form = DocumentForm(
                with_version(request, conflict.current_version), bodies=bodies.distinct()
            )
            form.is_valid()
            form.add_error(None, conflict.message)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The document has been changed."))
            return redirect(document)
    return TemplateResponse(
        request, "library/form.html", {"form": form, "title": document.title, "back": document}
    )


@login_required
def version_add(request: HttpRequest, slug: str) -> HttpResponse:
    document = _editable(request, slug)
    form = VersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_add_file(
                actor=request.user, document=document, file=form.cleaned_data["file"]
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The new version has been stored; the old ones are kept."))
            return redirect(document)
    return TemplateResponse(
        request,
        "library/form.html",
        {
            "form": form,
            "title": _("New version of %(title)s") % {"title": document.title},
            "back": document,
            "multipart": True,
        },
    )


@login_required
@require_POST
def version_read_again(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    document = _editable(request, slug)
    version = document.files.filter(number=number).first()
    if version is None:
        raise Http404
    try:
        services.document_file_read_again(actor=request.user, version=version)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The file is being read again."))
    return redirect(document)


def download(request: HttpRequest, slug: str, number: int) -> FileResponse:
    version = selectors.file_for_download(request.user, slug, number)
    if version is None:
        raise Http404
    return attachment_response(version.file, version.original_name, version.content_type)
