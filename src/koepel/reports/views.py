"""The annual report in the browser: read it, edit a section, download it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from koepel.accounts.access import viewer_for
from koepel.core.downloads import attachment_response
from koepel.core.errors import EditConflict
from koepel.core.forms import with_version
from koepel.reports import selectors, services
from koepel.reports.assemble import assemble, audience_for
from koepel.reports.forms import SectionForm
from koepel.reports.models import (
    AnnualReport,
    Audience,
    RenderedFile,
    RenderStatus,
    SectionText,
)
from koepel.reports.renderers import RendererUnavailable, renderers
from koepel.reports.tasks import file_made, request_file

# Formats that take too long to make while the reader waits: the task worker makes them.
MADE_BY_THE_WORKER = frozenset({"pdf"})


def _audience(request: HttpRequest) -> str:
    return audience_for(request.user, internal=request.GET.get("versie") == "intern")


def report_latest(request: HttpRequest) -> HttpResponse:
    """The most recent year that has ended and has any records."""
    from koepel.meetings.models import Meeting

    valid = selectors.report_year_range()
    last = max(valid.start, timezone.localdate().year - 1)
    year = (
        Meeting.objects.filter(date__year__gte=valid.start, date__year__lte=last)
        .order_by("-date")
        .values_list("date__year", flat=True)
        .first()
    )
    return redirect("reports:report", year=year or last)


def report_page(request: HttpRequest, year: int) -> HttpResponse:
    valid = selectors.report_year_range()
    if year not in valid:
        raise Http404
    audience = _audience(request)
    report = AnnualReport.objects.filter(year=year).first()
    assembled = assemble(year, audience, report=report)
    editable = set()
    if request.user.is_authenticated:
        editable = {
            section.key
            for section in assembled.sections
            if services.may_edit_section(request.user, services.section_body(section))
        }
    return TemplateResponse(
        request,
        "reports/report.html",
        {
            "report": assembled,
            "year": year,
            "previous_year": year - 1 if year - 1 in valid else None,
            "next_year": year + 1 if year + 1 in valid else None,
            "audience": audience,
            "editable": editable,
            "formats": renderers().values(),
            "is_member": viewer_for(request.user).is_member,
        },
    )


@login_required
def section_edit(request: HttpRequest, year: int, key: str) -> HttpResponse:
    if not selectors.is_report_year(year):
        raise Http404
    # Sections are edited on the public version: an edit of a fact can then never carry a
    # network-only detail into the public report.
    stored = AnnualReport.objects.filter(year=year).first()
    assembled = assemble(year, Audience.PUBLIC, report=stored)
    section = next((s for s in assembled.sections if s.key == key), None)
    if section is None:
        raise Http404
    body = services.section_body(section)
    if not services.may_edit_section(request.user, body):
        raise PermissionDenied
    text = SectionText.objects.filter(report=stored, key=key).first() if stored else None
    initial = {
        "narrative": section.narrative,
        "status": section.status,
        "version": text.version if text else 1,
    }
    form = SectionForm(request.POST or None, section=section, initial=initial)
    if request.method == "POST" and form.is_valid():
        kept, edited, generated = form.choices()
        try:
            services.section_save(
                actor=request.user,
                report=services.report_for_year(year),  # made by the first words saved
                key=key,
                body=body,
                narrative=form.cleaned_data["narrative"],
                status=form.cleaned_data["status"],
                kept=kept,
                edited=edited,
                generated=generated,
                version=form.cleaned_data["version"],
            )
            services.complete_years_save(
                actor=request.user, year=year, marks=form.complete_bodies()
            )
        except EditConflict as conflict:
            form = SectionForm(with_version(request, conflict.current_version), section=section)
            form.is_valid()
            form.add_error(None, conflict.message)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The section has been saved."))
            return redirect(reverse("reports:report", args=[year]) + f"#{slugify(key)}")
    return TemplateResponse(
        request, "reports/section_form.html", {"form": form, "section": section, "year": year}
    )


@require_http_methods(["GET", "HEAD", "POST"])
def download(request: HttpRequest, year: int, format: str) -> HttpResponse | FileResponse:
    """The report as a file. HTML and Word are made while the reader waits. A PDF takes seconds
    and is made by the task worker: a GET hands out the finished file or shows the one being
    made, and otherwise offers a button; only that POST asks the worker for a file, so no link,
    crawler or prefetch makes anything (docs/annual-report.md)."""
    available = renderers()
    if format not in available or not selectors.is_report_year(year):
        raise Http404
    audience = _audience(request)
    renderer = available[format]
    if format in MADE_BY_THE_WORKER:
        if request.method == "POST":
            rendered = request_file(year, format, audience)
            return redirect("reports:file", year=year, pk=rendered.pk)
        found = file_made(year, format, audience)
        if found is None:
            return TemplateResponse(
                request,
                "reports/make_file.html",
                {"year": year, "renderer": renderer, "audience": audience},
            )
        if found.status == RenderStatus.DONE:
            return _file_response(found)
        return redirect("reports:file", year=year, pk=found.pk)
    if request.method == "POST":
        return HttpResponseNotAllowed(["GET", "HEAD"])
    report = AnnualReport.objects.filter(year=year).first()
    try:
        content = renderer.render(assemble(year, audience, report=report))
    except RendererUnavailable as error:
        messages.error(request, str(error))
        return redirect("reports:report", year=year)
    response = HttpResponse(content, content_type=renderer.content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="jaarverslag-{year}-{audience}.{renderer.extension}"'
    )
    return response


def _file_response(rendered: RenderedFile) -> FileResponse:
    return attachment_response(
        rendered.file,
        f"jaarverslag-{rendered.year}-{rendered.audience}.{rendered.format}",
        getattr(renderers().get(rendered.format), "content_type", ""),
    )


def _rendered(request: HttpRequest, year: int, pk: int) -> RenderedFile:
    if not selectors.is_report_year(year):
        raise Http404
    rendered = get_object_or_404(RenderedFile, pk=pk, year=year)
    if rendered.audience == Audience.NETWORK and not viewer_for(request.user).is_member:
        raise Http404
    return rendered


def rendered_file_status(request: HttpRequest, year: int, pk: int) -> JsonResponse:
    """Where the making of a file stands, for the page that waits for it (waiting.js)."""
    rendered = _rendered(request, year, pk)
    done = rendered.status in (RenderStatus.DONE, RenderStatus.FAILED)
    response = JsonResponse({"waiting": not done, "status": rendered.status})
    response["Cache-Control"] = "no-store"
    return response


def rendered_file(request: HttpRequest, year: int, pk: int) -> HttpResponse | FileResponse:
    rendered = _rendered(request, year, pk)
    if rendered.status == RenderStatus.DONE and request.GET.get("download"):
        return _file_response(rendered)
    return TemplateResponse(
        request, "reports/rendered_file.html", {"rendered": rendered, "year": year}
    )
