"""Lobby pages and forms. Thin: read through selectors, write through services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from koepel.accounts.access import (
    access_key,
    can_edit,
    can_view,
    editable_bodies,
    visible_bodies,
)
from koepel.advocacy import charts, consultation, selectors, services, tables
from koepel.advocacy.forms import (
    ActionForm,
    AdoptForm,
    ConsultationAnswerForm,
    ConsultationOpenForm,
    DossierFilterForm,
    DossierForm,
    OutcomeForm,
    RecordAnswerForm,
    SendForm,
)
from koepel.advocacy.models import Dossier, DossierStatus, LobbyAction, Stage
from koepel.core import caching, exports
from koepel.core.downloads import attachment_response
from koepel.core.errors import EditConflict
from koepel.core.forms import add_errors, run_and_tell, with_version
from koepel.core.pagination import PAGE_PARAMETER, PAGE_SIZE, capped_count, paginate
from koepel.registry.models import Body, Municipality, remembered_terms
from koepel.registry.selectors import member_municipalities

# What the lobby list shows: the dossiers and their lobby actions, and the register's bodies
# and organisations they name and filter by.
LOBBY_LIST_KINDS = ("advocacy", "registry")
# What a dossier's page shows: the dossier, its lobby actions with their steps, milestones and
# outcomes (the lobby's), and the register's bodies, people and roles.
DOSSIER_PAGE_KINDS = ("advocacy", "registry")


def dossier_list(request: HttpRequest) -> HttpResponseBase:
    if exports.requested(request):
        _, dossiers = _dossier_list(request)
        return exports.download(
            request, tables.DOSSIERS, exports.rows(dossiers, within=remembered_terms)
        )

    def build() -> str:
        context, _ = _dossier_list(request)
        return render_to_string("advocacy/_dossier_list.html", context, request)

    # The whole list below the header, for everyone with the reader's access: the filters,
    # the status and the page are in the address, and so in the key (koepel.core.caching).
    content = caching.kept(
        "dossier-list",
        build,
        access=lambda: access_key(request.user),
        kinds=LOBBY_LIST_KINDS,
        parts=(caching.address_query(request),),
    )
    return TemplateResponse(request, "advocacy/dossier_list.html", {"content": content})


def _dossier_list(request: HttpRequest) -> tuple[dict[str, Any], QuerySet[Dossier]]:
    """The lobby list's context, and all its dossiers (for an export)."""
    bodies = visible_bodies(request.user).order_by("name")
    form = DossierFilterForm(request.GET or None, bodies=bodies)
    filters: dict[str, Any] = {}
    status = ""
    if form.is_valid():
        data = form.cleaned_data
        status = data["status"]
        filters = {
            "body": data["gremium"],
            "addressee": data["geadresseerde"],
            "cosigner": data["medeondertekenaar"],
            "year": data["jaar"],
        }
    dossiers = selectors.dossier_list(request.user, status=status, **filters)
    if exports.requested(request):
        return {}, dossiers
    counts = selectors.dossier_status_counts(request.user, **filters)
    pages = paginate(
        request,
        dossiers,
        count=counts.get(status, 0) if status else sum(counts.values()),
    )
    actions, actions_count = None, 0
    if filters.get("addressee") or filters.get("cosigner"):
        found = selectors.action_list(
            request.user,
            addressee=filters.get("addressee"),
            cosigner=filters.get("cosigner"),
            year=filters.get("year"),
        )
        # The newest page of them: a ministry may have thousands, a year narrows them down.
        actions_count = capped_count(found)
        actions = list(found.reverse()[:PAGE_SIZE])
    context = {
        "form": form,
        "pages": pages,
        "statuses": _status_links(request, counts, status),
        "actions": actions,
        "actions_count": actions_count,
        "can_create": editable_bodies(request.user).exists()
        if request.user.is_authenticated
        else False,
    }
    return context, dossiers


def _status_links(request: HttpRequest, counts: dict[str, int], current: str) -> list[StatusLink]:
    """One link per status that has dossiers, keeping the other filters (and starting again
    at the first page)."""
    query = request.GET.copy()
    for name in ("status", PAGE_PARAMETER):
        query.pop(name, None)
    links = [
        StatusLink("", _("all statuses"), sum(counts.values()), query.urlencode(), not current)
    ]
    for value, label in DossierStatus.choices:
        if counts.get(value) or value == current:
            query["status"] = value
            links.append(
                StatusLink(value, label, counts.get(value, 0), query.urlencode(), value == current)
            )
    return links


@dataclass(frozen=True)
class StatusLink:
    status: str
    label: str | Promise
    count: int
    query: str
    current: bool


def dossier_page(request: HttpRequest, slug: str) -> HttpResponse:
    def build() -> dict[str, str] | None:
        context = selectors.dossier_detail(request.user, slug)
        if context is None:
            return None
        context["can_edit"] = can_edit(request.user, context["dossier"])
        return {
            "title": context["dossier"].title,
            "content": render_to_string("advocacy/_dossier_detail.html", context, request),
        }

    # Everything below the header, for all who share the reader's access.
    page = caching.kept(
        "dossier-page",
        build,
        access=lambda: access_key(request.user),
        kinds=DOSSIER_PAGE_KINDS,
        parts=(slug,),
    )
    if page is None:
        raise Http404
    return TemplateResponse(request, "advocacy/dossier_detail.html", page)


@login_required
def dossier_create(request: HttpRequest) -> HttpResponse:
    bodies = editable_bodies(request.user)
    if not bodies.exists():
        raise PermissionDenied
    form = DossierForm(request.POST or None, bodies=bodies)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version", None)
        slug = _free_slug(data["title"])
        try:
            dossier = services.dossier_create(actor=request.user, slug=slug, **data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The dossier has been made."))
            return redirect(dossier)
    return TemplateResponse(
        request, "advocacy/form.html", {"form": form, "title": _("New lobby dossier")}
    )


def _free_slug(title: str) -> str:
    base = slugify(title)[:70] or "dossier"
    slug, n = base, 1
    while Dossier.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _dossier_or_404(request: HttpRequest, slug: str) -> Dossier:
    dossier = selectors.visible_dossiers(request.user).filter(slug=slug).first()
    if dossier is None:
        raise Http404
    if not can_edit(request.user, dossier):
        raise PermissionDenied
    return dossier


@login_required
def dossier_edit(request: HttpRequest, slug: str) -> HttpResponse:
    dossier = _dossier_or_404(request, slug)
    bodies = editable_bodies(request.user) | Body.objects.filter(pk__in=dossier.bodies.all())
    form = DossierForm(
        request.POST or None, bodies=bodies.distinct(), initial=DossierForm.initial_for(dossier)
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version") or 0
        try:
            services.dossier_update(actor=request.user, dossier=dossier, version=version, **data)
        except EditConflict as conflict:
            form = DossierForm(
                with_version(request, conflict.current_version), bodies=bodies.distinct()
            )
            form.is_valid()
            form.add_error(None, conflict.message)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The dossier has been changed."))
            return redirect(dossier)
    return TemplateResponse(
        request, "advocacy/form.html", {"form": form, "title": dossier.title, "back": dossier}
    )


@login_required
def dossier_outcome(request: HttpRequest, slug: str) -> HttpResponse:
    dossier = _dossier_or_404(request, slug)
    form = OutcomeForm(
        request.POST or None,
        initial={
            "status": dossier.status,
            "amount": dossier.amount,
            "funding_kind": dossier.funding_kind,
            "funding_years": dossier.funding_years,
            "follow_up": dossier.follow_up,
            "version": dossier.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.dossier_set_outcome(actor=request.user, dossier=dossier, **form.outcome())
        except EditConflict as conflict:
            form = OutcomeForm(with_version(request, conflict.current_version))
            form.is_valid()
            form.add_error(None, str(conflict.message))
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The outcome has been recorded."))
            return redirect(dossier)
    return TemplateResponse(
        request,
        "advocacy/form.html",
        {
            "form": form,
            "title": _("Outcome of %(title)s") % {"title": dossier.title},
            "back": dossier,
        },
    )


def action_page(request: HttpRequest, pk: int) -> HttpResponse:
    action = selectors.action_detail(request.user, pk)
    if action is None:
        raise Http404
    editable = can_edit(request.user, action)
    context: dict[str, Any] = {
        "action": action,
        "can_edit": editable,
        # The body that adopted the text is named only to whoever may see that body.
        "adopted_by": action.adopted_by
        if action.adopted_by is not None and can_view(request.user, action.adopted_by)
        else None,
    }
    if consultation.was_consulted(action) and consultation.may_see_answers(request.user, action):
        context["consultation"] = consultation.state(action)
        if editable and consultation.is_open(action):
            context["unreachable"] = consultation.without_contact(action)
    city = consultation.answering_for(request.user) if consultation.is_open(action) else None
    if city is not None and consultation.consulted(action).filter(pk=city.pk).exists():
        existing = action.responses.filter(municipality=city).first()
        context["answer_for"] = city
        context["answer_form"] = ConsultationAnswerForm(
            initial={"answer": existing.answer, "remark": existing.remark} if existing else None
        )
    if consultation.is_open(action) and consultation.may_record_for(request.user, action):
        context["record_form"] = RecordAnswerForm(
            municipalities=consultation.consulted(action).order_by("sort_name"),
            initial={"given_on": timezone.localdate()},
        )
    if editable:
        if action.stage == Stage.DRAFT:
            members = member_municipalities().order_by("sort_name")
            context["consult_form"] = ConsultationOpenForm(
                municipalities=members,
                initial={
                    "text": action.text,
                    "municipalities": list(members),
                    "deadline": timezone.localdate() + consultation.DEFAULT_PERIOD,
                    "silence_rule": consultation.network_rule(),
                },
            )
        context["adopt_form"] = AdoptForm(
            bodies=editable_bodies(request.user), initial={"date": timezone.localdate()}
        )
        context["send_form"] = SendForm(initial={"date": timezone.localdate()})
    return TemplateResponse(request, "advocacy/action_detail.html", context)


def _action_bodies(request: HttpRequest, action: LobbyAction | None) -> QuerySet[Body]:
    bodies = editable_bodies(request.user)
    if action is not None:
        bodies = bodies | Body.objects.filter(pk__in=action.bodies.all())
    return bodies.distinct()


@login_required
def action_create(request: HttpRequest) -> HttpResponse:
    bodies = _action_bodies(request, None)
    if not bodies.exists():
        raise PermissionDenied
    initial = {}
    if slug := request.GET.get("dossier"):
        initial["dossiers"] = list(selectors.visible_dossiers(request.user).filter(slug=slug))
    form = ActionForm(request.POST or None, request.FILES or None, bodies=bodies, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            action = services.action_create(actor=request.user, **form.action_fields())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The lobby action has been saved as a draft."))
            return redirect(action)
    return TemplateResponse(
        request,
        "advocacy/form.html",
        {"form": form, "title": _("New lobby action"), "multipart": True},
    )


@login_required
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    action = selectors.action_detail(request.user, pk)
    if action is None:
        raise Http404
    if not can_edit(request.user, action):
        raise PermissionDenied
    bodies = _action_bodies(request, action)
    form = ActionForm(
        request.POST or None,
        request.FILES or None,
        bodies=bodies,
        initial=ActionForm.initial_for(action),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.action_update(
                actor=request.user,
                action=action,
                version=form.cleaned_data["version"] or 0,
                **form.action_fields(),
            )
        except EditConflict as conflict:
            form = ActionForm(
                with_version(request, conflict.current_version),
                bodies=bodies,
                initial=ActionForm.initial_for(action),
            )
            form.is_valid()
            form.add_error(None, conflict.message)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The lobby action has been changed."))
            return redirect(action)
    return TemplateResponse(
        request,
        "advocacy/form.html",
        {"form": form, "title": action.title, "back": action, "multipart": True},
    )


def _step(request: HttpRequest, pk: int) -> LobbyAction:
    action = selectors.action_detail(request.user, pk)
    if action is None:
        raise Http404
    return action


@login_required
@require_POST
def consultation_open(request: HttpRequest, pk: int) -> HttpResponse:
    action = _step(request, pk)
    form = ConsultationOpenForm(
        request.POST, municipalities=member_municipalities().order_by("sort_name")
    )
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(action)
    run_and_tell(
        request,
        lambda: services.consultation_open(actor=request.user, action=action, **form.cleaned_data),
        _("The member cities have been asked for their say."),
    )
    return redirect(action)


def _form_errors(form: Any) -> str:
    """A form's refusals as one message, each with its field's label."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        text = " ".join(str(error) for error in errors)
        parts.append(f"{label}: {text}" if label else text)
    return " ".join(parts)


@login_required
@require_POST
def consultation_remind(request: HttpRequest, pk: int) -> HttpResponse:
    action = _step(request, pk)
    run_and_tell(
        request,
        lambda: services.consultation_remind(actor=request.user, action=action),
        lambda count: (
            ngettext(
                "A reminder has gone to %(count)d municipality.",
                "A reminder has gone to %(count)d municipalities.",
                count,
            )
            % {"count": count}
        ),
    )
    return redirect(action)


@login_required
@require_POST
def consultation_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """A city's own answer, or (with the fields of ``RecordAnswerForm``) one the secretary or
    the office records on a city's behalf."""
    action = _step(request, pk)
    municipality: Municipality | None
    extra: dict[str, Any] = {}
    if "namens-municipality" in request.POST:
        form: ConsultationAnswerForm = RecordAnswerForm(
            request.POST, municipalities=consultation.consulted(action)
        )
        if not form.is_valid():
            messages.error(request, _form_errors(form))
            return redirect(action)
        data = dict(form.cleaned_data)
        municipality = data.pop("municipality")
        extra = data
    else:
        form = ConsultationAnswerForm(request.POST)
        raw = request.POST.get("municipality", "")
        municipality = Municipality.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
        if not form.is_valid() or municipality is None:
            messages.error(request, _("Choose an answer."))
            return redirect(action)
        extra = dict(form.cleaned_data)
    city = municipality
    run_and_tell(
        request,
        lambda: services.consultation_answer(
            actor=request.user, action=action, municipality=city, **extra
        ),
        _("Thank you, the answer of %(city)s has been saved.") % {"city": city.name},
    )
    return redirect(action)


@login_required
@require_POST
def action_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    action = _step(request, pk)
    form = AdoptForm(request.POST, bodies=editable_bodies(request.user))
    if form.is_valid():
        run_and_tell(
            request,
            lambda: services.action_adopt(actor=request.user, action=action, **form.cleaned_data),
            _("The text has been adopted."),
        )
    else:
        messages.error(request, _("Choose the body that adopted the text, and the date."))
    return redirect(action)


@login_required
@require_POST
def action_send(request: HttpRequest, pk: int) -> HttpResponse:
    action = _step(request, pk)
    form = SendForm(request.POST)
    if form.is_valid():
        run_and_tell(
            request,
            lambda: services.action_send(actor=request.user, action=action, **form.cleaned_data),
            _("The lobby action is recorded as sent."),
        )
    else:
        messages.error(request, _("Give the date it was sent."))
    return redirect(action)


def document(request: HttpRequest, pk: int) -> FileResponse:
    action = _step(request, pk)
    if not action.document:
        raise Http404
    return attachment_response(action.document, (action.document.name or "").rsplit("/", 1)[-1])


def year_results(request: HttpRequest, year: int) -> HttpResponseBase:
    if not 1900 <= year <= 2200:
        raise Http404
    results = selectors.results(request.user, year)
    counts = charts.status_counts(results)
    if exports.requested(request):
        return exports.download(request, tables.RESULTS, counts)
    return TemplateResponse(
        request,
        "advocacy/results.html",
        {
            "results": results,
            "year": year,
            "statuses": DossierStatus.choices,
            "counts": counts,
            "chart": charts.results(counts, year),
        },
    )


def year_timeline(request: HttpRequest, year: int) -> HttpResponseBase:
    if not 1900 <= year <= 2200:
        raise Http404
    timeline = selectors.year_timeline(request.user, year)
    if exports.requested(request):
        return exports.download(request, tables.TIMELINE, timeline)
    return TemplateResponse(request, "advocacy/timeline.html", {"timeline": timeline, "year": year})
