"""The annual report in the browser: read it, edit a section, download it."""

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
from koepel.core.markup import REPORT_TAGS, preview_of
from koepel.reports import publishing, selectors, services
from koepel.reports.assemble import assemble, audience_for
from koepel.reports.forms import AssignForm, ReviewForm, SectionForm, StyleForm
from koepel.reports.models import (
    AnnualReport,
    Audience,
    Publication,
    RenderedFile,
    RenderStatus,
    SectionStatus,
    SectionText,
)
from koepel.reports.renderers import RendererUnavailable, renderers
from koepel.reports.style import house_style
from koepel.reports.tasks import file_made, request_file

# Formats that take too long to make while the reader waits: the task worker makes them.
MADE_BY_THE_WORKER = frozenset({"pdf"})


def _audience(request: HttpRequest) -> str:
    return audience_for(request.user, internal=request.GET.get("versie") == "intern")


def _base(request: HttpRequest) -> str:
    """The address the request came in on: a file's source links lead back to this server."""
    return request.build_absolute_uri("/").rstrip("/")


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
    viewer = viewer_for(request.user)
    publication = publishing.published(year) if audience == Audience.PUBLIC else None
    # The public page shows what the office published; members may read the live report.
    shown_publication = publication
    if publication is not None and viewer.is_member and request.GET.get("versie") == "actueel":
        shown_publication = None
    report = AnnualReport.objects.filter(year=year).first()
    assembled = assemble(year, audience, report=report, base="")
    editable = set()
    if request.user.is_authenticated:
        writers = _writers(report)
        editable = {
            section.key
            for section in assembled.sections
            if services.may_edit_section(
                request.user, services.section_body(section), writers.get(section.key)
            )
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
            "is_member": viewer.is_member,
            "is_office": viewer.is_office,
            "publication": publication,
            "shown_publication": shown_publication,
            "waiting": publishing.publishing(year) if viewer.is_office else None,
            "failed": _last_failure(year) if viewer.is_office else None,
        },
    )


def _writers(report: AnnualReport | None) -> dict[str, int]:
    """The writer the office gave each section to, by section key."""
    if report is None:
        return {}
    return dict(
        SectionText.objects.filter(report=report, writer__isnull=False).values_list(
            "key", "writer_id"
        )
    )


def _last_failure(year: int) -> Publication | None:
    last = Publication.objects.filter(year=year).exclude(status=RenderStatus.WAITING).first()
    return last if last is not None and last.status == RenderStatus.FAILED else None


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def publish(request: HttpRequest, year: int) -> HttpResponse:
    """Ask first and say what publishing does; the POST asks the worker to publish."""
    if not selectors.is_report_year(year):
        raise Http404
    if not viewer_for(request.user).is_office:
        raise PermissionDenied
    if request.method == "POST":
        publishing.report_publish(actor=request.user, year=year, base=_base(request))
        messages.success(
            request,
            _("The report is being published. The public page shows it once its files are made."),
        )
        return redirect("reports:report", year=year)
    report = AnnualReport.objects.filter(year=year).first()
    live = assemble(year, Audience.PUBLIC, report=report, base="")
    texts = dict(SectionText.objects.filter(report=report).values_list("key", "status"))
    not_final = [
        section
        for section in live.sections
        if texts.get(section.key, SectionStatus.DRAFT) != SectionStatus.FINAL
        and section.key in texts
    ]
    return TemplateResponse(
        request,
        "reports/publish.html",
        {"year": year, "not_final": not_final, "publication": publishing.published(year)},
    )


def published_file(request: HttpRequest, year: int, format: str) -> FileResponse:
    """A file of the published report: the one made when the office published it."""
    publication = publishing.published(year)
    renderer = renderers().get(format)
    if publication is None or renderer is None or not selectors.is_report_year(year):
        raise Http404
    stored = publication.file(format)
    if not stored:
        raise Http404
    date = timezone.localtime(publication.published_at).date().isoformat()
    return attachment_response(
        stored,
        f"jaarverslag-{year}-gepubliceerd-{date}.{renderer.extension}",
        renderer.content_type,
    )


@login_required
def style_edit(request: HttpRequest) -> HttpResponse:
    """The office sets the logo, the Word template and the colophon of the report files."""
    if not viewer_for(request.user).is_office:
        raise PermissionDenied
    style = house_style()
    form = StyleForm(
        request.POST or None,
        request.FILES or None,
        initial={"colophon": style.colophon, "version": style.version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            publishing.style_save(
                actor=request.user,
                colophon=form.cleaned_data["colophon"],
                version=form.cleaned_data["version"] or style.version,
                logo=form.cleaned_data["logo"],
                word_template=form.cleaned_data["word_template"],
                remove_logo=form.cleaned_data["remove_logo"],
                remove_template=form.cleaned_data["remove_template"],
            )
        except EditConflict as conflict:
            form.add_error(None, conflict.message)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The house style has been saved."))
            return redirect("reports:style")
    return TemplateResponse(request, "reports/style_form.html", {"form": form, "style": style})


@login_required
def section_edit(request: HttpRequest, year: int, key: str) -> HttpResponse:
    if not selectors.is_report_year(year):
        raise Http404
    # Sections are edited on the public version: an edit of a fact can then never carry a
    # network-only detail into the public report.
    stored = AnnualReport.objects.filter(year=year).first()
    assembled = assemble(year, Audience.PUBLIC, report=stored, base="")
    section = next((s for s in assembled.sections if s.key == key), None)
    if section is None:
        raise Http404
    body = services.section_body(section)
    text = SectionText.objects.filter(report=stored, key=key).first() if stored else None
    if not services.may_edit_section(request.user, body, text.writer_id if text else None):
        raise PermissionDenied
    office = viewer_for(request.user).is_office
    initial = {
        "narrative": section.narrative,
        "status": section.status,
        "version": text.version if text else 1,
    }
    form = SectionForm(request.POST or None, section=section, office=office, initial=initial)
    preview = preview_of(request, "narrative", tags=REPORT_TAGS)
    if request.method == "POST" and preview is None and form.is_valid():
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
            form = SectionForm(
                with_version(request, conflict.current_version), section=section, office=office
            )
            form.is_valid()
            form.add_error(None, conflict.message)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The section has been saved."))
            return redirect(reverse("reports:report", args=[year]) + f"#{slugify(key)}")
    return TemplateResponse(
        request,
        "reports/section_form.html",
        {
            "form": form,
            "section": section,
            "year": year,
            "text": text,
            "office": office,
            "preview": preview,
            "assign_form": _assign_form(text) if office else None,
            "review_form": ReviewForm(initial={"version": text.version})
            if office and text is not None and text.status == SectionStatus.REVIEW
            else None,
        },
    )


def _add_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error)


def _assign_form(text: SectionText | None, data: Any = None) -> AssignForm:
    initial: dict[str, Any] = {"version": text.version if text else 1}
    if text is not None:
        initial |= {"writer": text.writer_id, "due": text.due}
    return AssignForm(data, initial=initial)


def _office_section(request: HttpRequest, year: int, key: str) -> tuple[Any, SectionText | None]:
    if not selectors.is_report_year(year):
        raise Http404
    if not viewer_for(request.user).is_office:
        raise PermissionDenied
    stored = AnnualReport.objects.filter(year=year).first()
    assembled = assemble(year, Audience.NETWORK, report=stored, base="")
    section = next((s for s in assembled.sections if s.key == key), None)
    if section is None:
        raise Http404
    text = SectionText.objects.filter(report=stored, key=key).first() if stored else None
    return section, text


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def section_assign(request: HttpRequest, year: int, key: str) -> HttpResponse:
    """The office gives a section to a writer with a date."""
    section, text = _office_section(request, year, key)
    form = _assign_form(text, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.section_assign(
                actor=request.user,
                year=year,
                key=key,
                writer=form.cleaned_data["writer"],
                due=form.cleaned_data["due"],
                version=form.cleaned_data["version"],
            )
        except EditConflict as conflict:
            form.add_error(None, conflict.message)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The section has been given to its writer."))
            return redirect("reports:progress", year=year)
    return TemplateResponse(
        request,
        "reports/assign.html",
        {"form": form, "section": section, "year": year, "text": text},
    )


@login_required
@require_http_methods(["POST"])
def section_review(request: HttpRequest, year: int, key: str) -> HttpResponse:
    """The office approves a section as final or sends it back with a note."""
    section, text = _office_section(request, year, key)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.section_review(
                actor=request.user,
                year=year,
                key=key,
                approve=form.cleaned_data["decision"] == "final",
                note=form.cleaned_data["note"],
                version=form.cleaned_data["version"],
            )
        except EditConflict as conflict:
            form.add_error(None, conflict.message)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Your decision has been saved."))
            return redirect("reports:progress", year=year)
    return TemplateResponse(
        request,
        "reports/review.html",
        {"form": form, "section": section, "year": year, "text": text},
        status=400,
    )


@login_required
def progress(request: HttpRequest, year: int) -> HttpResponse:
    """How far the writing is: per section its writer, date and status; for the office all
    sections, for a writer their own."""
    if not selectors.is_report_year(year):
        raise Http404
    viewer = viewer_for(request.user)
    report = AnnualReport.objects.filter(year=year).first()
    assembled = assemble(year, Audience.NETWORK, report=report, base="")
    texts = {}
    if report is not None:
        texts = {
            t.key: t for t in SectionText.objects.filter(report=report).select_related("writer")
        }
    today = timezone.localdate()
    rows = []
    for section in assembled.sections:
        text = texts.get(section.key)
        if not viewer.is_office and not services.may_edit_section(
            request.user, services.section_body(section), text.writer_id if text else None
        ):
            continue
        status = text.status if text else SectionStatus.DRAFT
        overdue = bool(text and text.due and text.due < today and status != SectionStatus.FINAL)
        rows.append({"section": section, "text": text, "status": status, "overdue": overdue})
    counts = {
        "final": sum(row["status"] == SectionStatus.FINAL for row in rows),
        "review": sum(row["status"] == SectionStatus.REVIEW for row in rows),
        "overdue": sum(bool(row["overdue"]) for row in rows),
        "all": len(rows),
    }
    return TemplateResponse(
        request,
        "reports/progress.html",
        {"year": year, "rows": rows, "counts": counts, "office": viewer.is_office},
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
            rendered = request_file(year, format, audience, base=_base(request))
            return redirect("reports:file", year=year, pk=rendered.pk)
        found = file_made(year, format, audience, base=_base(request))
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
        content = renderer.render(assemble(year, audience, report=report, base=_base(request)))
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
