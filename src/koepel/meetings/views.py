"""Meeting pages and forms. Thin: read through selectors, write through services."""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from koepel.accounts.access import (
    ANONYMOUS,
    access_key,
    can_edit,
    can_edit_body,
    can_see_attendance,
    editable_bodies,
    viewer_for,
    visible,
    visible_bodies,
)
from koepel.core import caching, exports
from koepel.core.caching import keep_private
from koepel.core.downloads import attachment_response
from koepel.core.errors import EditConflict
from koepel.core.forms import add_errors, run_and_tell, with_version
from koepel.core.markup import preview_of
from koepel.core.pagination import capped_count, paginate
from koepel.meetings import answer_links, charts, scopes, selectors, services, tables
from koepel.meetings.forms import (
    ActionEditForm,
    ActionForm,
    ActionStatusForm,
    AddressForm,
    AgendaItemEditForm,
    AgendaItemForm,
    AnswerForm,
    DecisionEditForm,
    DecisionForm,
    FilterForm,
    GuestEditForm,
    GuestForm,
    InviteForm,
    MeetingForm,
    MinutesForm,
    RemoveForm,
)
from koepel.meetings.ical import calendar_for
from koepel.meetings.models import ActionItem, CalendarToken, Invitation, Meeting, Status
from koepel.registry.models import Body, Person, Role, remembered_terms


def _meeting_or_404(request: HttpRequest, pk: int) -> Meeting:
    meeting = selectors.meeting_detail(request.user, pk)
    if meeting is None:
        raise Http404
    return meeting


def _editable_meeting(request: HttpRequest, pk: int) -> Meeting:
    meeting = _meeting_or_404(request, pk)
    if not can_edit(request.user, meeting):
        raise PermissionDenied
    return meeting


# What the meetings list shows: the meetings themselves, not what was recorded at them
# (meetings.scopes), and the bodies that organise them (the register).
MEETING_LIST_KINDS = (caching.scoped(scopes.KIND, caching.WIDE), "registry")
# What a meeting's page shows: the meeting with its agenda, guests, invitations and answers,
# attendance, minutes, decisions and actions, the open actions of its bodies, and the meetings
# it prepares or belongs to (meetings.scopes), with the register's bodies, people,
# organisations and municipalities they name.
MEETING_PAGE_KINDS = ("registry",)
# How many actions still open from earlier meetings a meeting's page shows, due first.
OPEN_ACTIONS_SHOWN = 25

WHEN = {"coming": gettext_lazy("Coming"), "past": gettext_lazy("Past")}


def meeting_list(request: HttpRequest) -> HttpResponseBase:
    if exports.requested(request):
        return exports.download(
            request,
            tables.MEETINGS,
            exports.rows(_meeting_list(request)[1], within=remembered_terms),
        )

    def build() -> str:
        context, _ = _meeting_list(request, paginated=True)
        return render_to_string("meetings/_meeting_list.html", context, request)

    # The whole list below the header, for everyone with the reader's access: the filters,
    # the tab and the page are in the address, and so in the key (koepel.core.caching).
    content = caching.kept(
        "meeting-list",
        build,
        access=lambda: access_key(request.user),
        kinds=MEETING_LIST_KINDS,
        parts=(caching.address_query(request),),
    )
    return TemplateResponse(request, "meetings/meeting_list.html", {"content": content})


def _meeting_list(request: HttpRequest, *, paginated: bool = False) -> tuple[dict[str, Any], Any]:
    """The meetings list's context, and its rows (all of the tab chosen, for an export)."""
    bodies = visible_bodies(request.user).order_by("name")
    form = FilterForm(request.GET or None, bodies=bodies)
    filters: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "body": data["gremium"],
            "kind": data["soort"],
            "level": data["niveau"],
            "format": data["vorm"],
            "year": data["jaar"],
        }
    # Coming meetings first, soonest first; the past ones, the most recent first, on their
    # own tab. Without a choice the page opens on what is coming, unless nothing is.
    today = timezone.localdate()
    counts = {
        when: capped_count(selectors.meeting_list(request.user, when=when, today=today, **filters))
        for when in WHEN
    }
    when = request.GET.get("wanneer", "")
    if when not in WHEN:
        when = "past" if not counts["coming"] and counts["past"] else "coming"
    rows = selectors.meeting_list(request.user, when=when, today=today, **filters)
    if not paginated:
        return {}, rows
    pages = paginate(request, rows, count=counts[when])
    query = request.GET.copy()
    query.pop("pagina", None)
    tabs = []
    for tab in WHEN:
        query["wanneer"] = tab
        tabs.append((tab, WHEN[tab], counts[tab], query.urlencode()))
    context = {
        "form": form,
        "when": when,
        "tabs": tabs,
        "page": pages.page,
        "pages": pages,
        "is_office": viewer_for(request.user).is_office,
        "this_year": today.year,
        "can_plan": editable_bodies(request.user).exists()
        if request.user.is_authenticated
        else False,
    }
    return context, pages


def calendar_page(request: HttpRequest, year: int, month: int | None = None) -> HttpResponse:
    if not 1900 <= year <= 2200 or (month is not None and not 1 <= month <= 12):
        raise Http404
    meetings = list(selectors.meeting_list(request.user, year=year, month=month))
    months: dict[int, list[Meeting]] = {m: [] for m in range(1, 13)}
    unknown_month: list[Meeting] = []
    for meeting in meetings:
        if meeting.date_precision == "year":
            unknown_month.append(meeting)
        else:
            months[meeting.date.month].append(meeting)
    context: dict[str, Any] = {
        "year": year,
        "month": month,
        "unknown_month": unknown_month,
        "has_meetings": bool(meetings),
    }
    if month is None:
        context["months"] = [(dt.date(year, m, 1), months[m]) for m in range(1, 13)]
    else:
        days: dict[int, list[Meeting]] = {}
        unknown_day = []
        for meeting in months[month]:
            if meeting.date_precision == "month":
                unknown_day.append(meeting)
            else:
                days.setdefault(meeting.date.day, []).append(meeting)
        first_weekday, length = monthrange(year, month)
        cells: list[tuple[dt.date, int] | None] = [None] * first_weekday
        cells += [(dt.date(year, month, d), len(days.get(d, []))) for d in range(1, length + 1)]
        cells += [None] * (-len(cells) % 7)
        context.update(
            {
                "first": dt.date(year, month, 1),
                "today": timezone.localdate(),
                "weeks": [cells[i : i + 7] for i in range(0, len(cells), 7)],
                "weekdays": [dt.date(2024, 1, d) for d in range(1, 8)],  # Monday to Sunday
                "days": [(dt.date(year, month, d), days.get(d, [])) for d in range(1, length + 1)],
                "unknown_day": unknown_day,
                "previous": dt.date(year, month, 1) - dt.timedelta(days=1),
                "next": dt.date(year, month, 28) + dt.timedelta(days=4),
            }
        )
    return TemplateResponse(request, "meetings/calendar.html", context)


def calendar_now(request: HttpRequest) -> HttpResponse:
    """The calendar opens on the month of the next meeting the viewer may see, not on an
    empty month; on this month when none is coming."""
    today = timezone.localdate()
    month = selectors.next_meeting_month(request.user, today) or today
    return redirect("meetings:calendar-month", year=month.year, month=month.month)


def meeting_page(request: HttpRequest, pk: int) -> HttpResponse:
    # The page in three parts: the meeting above the viewer's own answer, that answer (their
    # invitation, with a form), and the meeting's record below it. The first and the last are
    # kept for everyone with the viewer's access (koepel.core.caching); what differs between
    # roles — the links to change the meeting, the attendance — follows from that access. The
    # forms in the record, for those who may change the meeting, are kept with a stand-in for
    # the CSRF token, which each request replaces with the reader's own.
    read: dict[str, dict[str, Any] | None] = {}

    def context() -> dict[str, Any] | None:
        if "context" not in read:
            read["context"] = _meeting_context(request, pk)
        return read["context"]

    def head() -> dict[str, str] | None:
        found = context()
        if found is None:
            return None
        return {
            "title": found["meeting"].title,
            "status": found["meeting"].status,
            "head": render_to_string("meetings/_meeting_head.html", found, request),
        }

    def record() -> str | None:
        found = context()
        if found is None:
            return None
        return render_to_string("meetings/_meeting_record.html", found, request)

    # Under the scopes of its bodies: a write at another body's meeting leaves it kept. The
    # tokens are read before the bodies, as before any data the part shows.
    caching.versions()
    kinds = (*MEETING_PAGE_KINDS, *scopes.kinds_of_bodies(scopes.bodies_of(pk)))

    def kept(name: str, build: Any) -> Any:
        return caching.kept(
            name, build, access=lambda: access_key(request.user), kinds=kinds, parts=(pk,)
        )

    top = kept("meeting-head", head)
    if top is None:
        raise Http404
    below = kept("meeting-record", record)
    if below is None:  # gone between the two parts
        raise Http404
    invitation = _own_invitation(request, pk, read.get("context"))
    return TemplateResponse(
        request,
        "meetings/meeting_detail.html",
        {
            **top,
            "pk": pk,
            "record": below,
            "invitation": invitation,
            "answer_form": AnswerForm(
                initial={"answer": invitation.answer, "note": invitation.note}
            )
            if invitation
            else None,
        },
    )


def _own_invitation(
    request: HttpRequest, pk: int, context: dict[str, Any] | None
) -> Invitation | None:
    """The viewer's own invitation to the meeting, to answer: never in a kept part. Taken from
    the invitations the page read when it was rendered in this request."""
    person_id = viewer_for(request.user).person_id
    if not person_id:
        return None
    if context is not None:
        invitations = context["meeting"].invitations.all()
        return next((i for i in invitations if i.person_id == person_id), None)
    return visible(
        Invitation.objects.filter(meeting_id=pk, person_id=person_id), request.user
    ).first()


def _meeting_context(request: HttpRequest, pk: int) -> dict[str, Any] | None:
    """What a meeting's page shows to everyone with the viewer's access; None when they may
    not see the meeting."""
    meeting = selectors.meeting_detail(request.user, pk)
    if meeting is None:
        return None
    bodies = list(meeting.bodies.all())
    editable = can_edit(request.user, meeting)
    # The open actions due first: a body's list grows with every meeting, and one more is
    # read only to know whether there are more.
    still_open = list(
        selectors.open_actions(request.user, bodies).exclude(meeting=meeting)[
            : OPEN_ACTIONS_SHOWN + 1
        ]
    )
    return {
        "meeting": meeting,
        "can_edit": editable,
        "show_attendance": can_see_attendance(request.user),
        "not_mailed": _not_mailed(meeting) if editable else [],
        "represented": selectors.represented_municipalities(meeting),
        "open_actions": still_open[:OPEN_ACTIONS_SHOWN],
        "more_open_actions": len(still_open) > OPEN_ACTIONS_SHOWN,
        "decision_form": DecisionForm() if editable else None,
        "action_form": ActionForm(people=selectors.meeting_people(request.user, meeting))
        if editable
        else None,
    }


@login_required
def meeting_plan(request: HttpRequest) -> HttpResponse:
    bodies = editable_bodies(request.user)
    if not bodies.exists():
        raise PermissionDenied
    initial = {}
    if slug := request.GET.get("gremium"):
        initial["bodies"] = list(bodies.filter(slug=slug))
    form = MeetingForm(request.POST or None, bodies=bodies, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_plan(
                actor=request.user,
                bodies=form.cleaned_data["bodies"],
                submission=form.cleaned_data["submission"],
                **form.meeting_fields(),
            )
        except services.DuplicateSubmission as duplicate:
            messages.info(request, str(duplicate))
            return redirect(duplicate.meeting)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The meeting has been planned. Now invite its members."))
            return redirect("meetings:invite", pk=meeting.pk)
    return TemplateResponse(request, "meetings/meeting_form.html", {"form": form, "meeting": None})


@login_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _editable_meeting(request, pk)
    bodies = editable_bodies(request.user) | Body.objects.filter(pk__in=meeting.bodies.all())
    form = MeetingForm(
        request.POST or None, bodies=bodies.distinct(), initial=MeetingForm.initial_for(meeting)
    )
    mail_plan = None
    if request.method == "POST" and form.is_valid():
        # A change of when or where mails everyone invited: the page says so and asks first.
        mail_plan = services.change_mail_plan(meeting, form.meeting_fields())
    if (
        request.method == "POST"
        and form.is_valid()
        and (mail_plan is None or request.POST.get("mail_confirmed") == "1")
    ):
        try:
            services.meeting_update(
                actor=request.user,
                meeting=meeting,
                version=form.cleaned_data["version"] or 0,
                bodies=form.cleaned_data["bodies"],
                **form.meeting_fields(),
            )
        except EditConflict as conflict:
            form = MeetingForm(
                with_version(request, conflict.current_version), bodies=bodies.distinct()
            )
            form.is_valid()
            form.add_error(None, conflict.message)
            mail_plan = None  # first the other's change; saving again asks again
        except ValidationError as error:
            add_errors(form, error)
            mail_plan = None
        else:
            messages.success(request, _("The meeting has been changed."))
            _warn_not_mailed(request, meeting)
            return redirect(meeting)
    return TemplateResponse(
        request,
        "meetings/meeting_form.html",
        {"form": form, "meeting": meeting, "mail_plan": mail_plan},
    )


@login_required
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancelling asks first: the page says who gets a cancellation mail and who cannot be
    reached; only the POST from it cancels."""
    meeting = _editable_meeting(request, pk)
    return _status_step(
        request,
        meeting,
        step="cancel",
        allowed=meeting.status == Status.PLANNED,
        run=services.meeting_cancel,
        done=_("The meeting has been cancelled; the invitees are told."),
    )


@login_required
def meeting_reinstate(request: HttpRequest, pk: int) -> HttpResponse:
    """Undo a cancellation, after a page that says who is mailed that it goes ahead."""
    meeting = _editable_meeting(request, pk)
    mails = services.reinstating_mails(meeting)
    return _status_step(
        request,
        meeting,
        step="reinstate",
        allowed=meeting.status == Status.CANCELLED,
        run=services.meeting_reinstate,
        done=_("The meeting goes ahead after all; the invitees are told.")
        if mails
        else _("The meeting goes ahead after all."),
        mails=mails,
    )


def _status_step(
    request: HttpRequest,
    meeting: Meeting,
    *,
    step: str,
    allowed: bool,
    run: Any,
    done: str,
    mails: bool = True,
) -> HttpResponse:
    form = RemoveForm(request.POST or None, initial={"version": meeting.version})
    if not allowed:
        messages.error(
            request,
            _("Only a planned meeting can be cancelled.")
            if step == "cancel"
            else _("Only a cancelled meeting can be reinstated."),
        )
        return redirect(meeting)
    if request.method == "POST" and form.is_valid():
        try:
            run(actor=request.user, meeting=meeting, version=form.cleaned_data["version"])
        except EditConflict as conflict:
            messages.error(request, str(conflict.message))
            return redirect(request.path)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, done)
            _warn_not_mailed(request, meeting)
        return redirect(meeting)
    return TemplateResponse(
        request,
        "meetings/status_confirm.html",
        {
            "meeting": meeting,
            "step": step,
            "form": form,
            "plan": services.mail_plan(meeting) if mails else None,
        },
    )


def _not_mailed(meeting: Meeting) -> list[Invitation]:
    """The invitations no mail could reach: nobody's address known."""
    return [
        invitation
        for invitation in meeting.invitations.all()
        if invitation.mailed_at is None and not invitation.address
    ]


def _warn_not_mailed(request: HttpRequest, meeting: Meeting) -> None:
    missing = [invitation.invitee_name for invitation in _not_mailed(meeting)]
    if missing:
        messages.warning(
            request,
            ngettext(
                "%(names)s has no e-mail address and has not been mailed.",
                "%(names)s have no e-mail address and have not been mailed.",
                len(missing),
            )
            % {"names": ", ".join(missing)},
        )


@login_required
def meeting_invite(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _editable_meeting(request, pk)
    roles = (
        Role.objects.held_during(*meeting.days)
        .filter(body__in=meeting.bodies.all(), person__isnull=False)
        .select_related("person", "body")
        .order_by("person__sort_name")
    )
    members: dict[int, Person] = {role.person.pk: role.person for role in roles if role.person}
    invited = {i.person_id for i in meeting.invitations.all()}
    action = request.POST.get("action", "invite")
    form = InviteForm(
        request.POST if request.method == "POST" and action == "invite" else None,
        members=members,
    )
    address_form = AddressForm(
        request.POST if request.method == "POST" and action == "address" else None
    )
    preview: dict[str, Any] | None = None
    sending = request.method == "POST" and action == "invite" and form.is_valid()
    # Invitations to a planned meeting are mailed at once: the page first says to whom.
    if sending and meeting.status == Status.PLANNED and request.POST.get("confirmed") != "1":
        preview = _invite_preview(meeting, form, members, invited)
    if sending and preview is None:
        try:
            made = services.meeting_invite(
                actor=request.user,
                meeting=meeting,
                people=form.cleaned_data["people"],
                guests=form.guests(),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            count = len(made.invitations)
            mailed = count - len(made.not_mailed)
            messages.success(
                request,
                ngettext("%(count)d invited", "%(count)d invited", count) % {"count": count}
                + ", "
                + ngettext("%(mailed)d mailed.", "%(mailed)d mailed.", mailed) % {"mailed": mailed},
            )
            if made.not_mailed:
                # Back to this page, which lists who could not be mailed and takes an address.
                return redirect("meetings:invite", pk=meeting.pk)
            return redirect(meeting)
    if request.method == "POST" and action == "address" and address_form.is_valid():
        invitation = next(
            (
                i
                for i in meeting.invitations.all()
                if i.pk == address_form.cleaned_data["invitation"]
            ),
            None,
        )
        if invitation is None:
            raise Http404
        try:
            services.invitation_mail_again(
                actor=request.user, invitation=invitation, email=address_form.cleaned_data["email"]
            )
        except ValidationError as error:
            add_errors(address_form, error)
        else:
            messages.success(
                request,
                _("The invitation to %(name)s has been mailed.")
                % {"name": invitation.invitee_name},
            )
            return redirect("meetings:invite", pk=meeting.pk)
    not_mailed = _not_mailed(meeting)
    return TemplateResponse(
        request,
        "meetings/invite.html",
        {
            "meeting": meeting,
            "form": form,
            "address_form": address_form,
            "address_for": address_form["invitation"].value() if address_form.is_bound else None,
            "members": list(members.values()),
            "invited": invited,
            "guests": [i for i in meeting.invitations.all() if i.is_guest],
            "not_mailed": not_mailed,
            "preview": preview,
            "chosen": {p.pk for p in form.cleaned_data.get("people", [])}
            if form.is_bound and form.is_valid()
            else set(),
        },
    )


def _invite_preview(
    meeting: Meeting, form: InviteForm, members: dict[int, Person], invited: set[int | None]
) -> dict[str, Any] | None:
    """Who inviting as the form asks would mail now and who it could not reach; None when
    there is nothing to ask (nobody new, or someone the service will refuse in words)."""
    people = [p for p in form.cleaned_data["people"] if p.pk not in invited]
    if any(p.pk not in members for p in people):
        return None
    known = {i.email.lower() for i in meeting.invitations.all() if i.is_guest}
    guests = [g for g in form.guests() if g.email.strip().lower() not in known]
    mailed = [p.name for p in people if p.email] + [g.name for g in guests]
    if not mailed and not people:
        return None
    return {
        "count": len(people) + len(guests),
        "mailed": mailed,
        "not_mailed": [p.name for p in people if not p.email],
    }


@login_required
@require_POST
def invitation_answer(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_or_404(request, pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether you are coming."))
        return redirect(meeting)
    run_and_tell(
        request,
        lambda: services.invitation_answer(
            actor=request.user,
            meeting=meeting,
            answer=form.cleaned_data["answer"],
            note=form.cleaned_data["note"],
        ),
        _("Thank you, your answer has been saved."),
    )
    return redirect(meeting)


REFUSED_STATUS = {
    answer_links.Refused.FORGED: 400,
    answer_links.Refused.EXPIRED: 410,
    answer_links.Refused.WITHDRAWN: 404,
}


def answer_by_link(request: HttpRequest, token: str) -> HttpResponse:
    """The page the link in an invitation mail opens: the meeting as the mail described it,
    and a form to answer, without signing in. Opening it changes nothing (mail filters open
    links); only sending the form answers."""
    try:
        invitation = answer_links.invitation_for(token)
    except answer_links.LinkRefused as refused:
        response: HttpResponse = TemplateResponse(
            request,
            "meetings/answer_link_refused.html",
            {"reason": refused.reason.value},
            status=REFUSED_STATUS[refused.reason],
        )
        return keep_private(response)
    meeting = invitation.meeting
    form = AnswerForm(
        request.POST if request.method == "POST" else None,
        initial={
            "answer": invitation.answer if invitation.answered_at else None,
            "note": invitation.note,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_answer_by_link(
                invitation=invitation,
                answer=form.cleaned_data["answer"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Thank you, your answer has been saved."))
            return keep_private(redirect("meetings:answer-link", token=token))
    response = TemplateResponse(
        request,
        "meetings/answer_link.html",
        {"invitation": invitation, "meeting": meeting, "form": form},
        status=400 if form.errors else 200,
    )
    return keep_private(response)


@login_required
def minutes_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _editable_meeting(request, pk)
    form = MinutesForm(
        request.POST or None,
        initial={"minutes": meeting.minutes, "version": meeting.minutes_version},
    )
    conflict = None
    preview = preview_of(request, "minutes")
    if request.method == "POST" and preview is None and form.is_valid():
        try:
            services.minutes_save(
                actor=request.user,
                meeting=meeting,
                minutes=form.cleaned_data["minutes"],
                version=form.cleaned_data["version"],
            )
        except EditConflict as error:
            conflict = Meeting.objects.get(pk=meeting.pk)
            form = MinutesForm(with_version(request, error.current_version))
            form.is_valid()
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The minutes have been saved."))
            return redirect(meeting)
    return TemplateResponse(
        request,
        "meetings/minutes_form.html",
        {"meeting": meeting, "form": form, "conflict": conflict, "preview": preview},
    )


@login_required
def agenda_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _editable_meeting(request, pk)
    form = AgendaItemForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_add(actor=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The agenda item has been added."))
            return redirect(meeting)
    return TemplateResponse(
        request,
        "meetings/simple_form.html",
        {
            "meeting": meeting,
            "form": form,
            "title": _("Add an agenda item"),
            "multipart": True,
        },
    )


@dataclass(frozen=True)
class _Part:
    """One kind of a meeting's parts, as its change and remove pages need it."""

    related: str  # the meeting's relation that holds them
    form: type[forms.Form]
    change_title: StrOrPromise
    remove_title: StrOrPromise
    changed: StrOrPromise
    removed: StrOrPromise


StrOrPromise = str | Promise

_PARTS = {
    "agenda": _Part(
        "agenda_items",
        AgendaItemEditForm,
        gettext_lazy("Change agenda item"),
        gettext_lazy("Remove agenda item"),
        gettext_lazy("The agenda item has been changed."),
        gettext_lazy("The agenda item has been removed."),
    ),
    "guest": _Part(
        "guests",
        GuestEditForm,
        gettext_lazy("Change guest"),
        gettext_lazy("Remove guest"),
        gettext_lazy("The guest has been changed."),
        gettext_lazy("The guest has been removed."),
    ),
    "decision": _Part(
        "decisions",
        DecisionEditForm,
        gettext_lazy("Change decision"),
        gettext_lazy("Remove decision"),
        gettext_lazy("The decision has been changed."),
        gettext_lazy("The decision has been removed."),
    ),
    "action": _Part(
        "action_items",
        ActionEditForm,
        gettext_lazy("Change action"),
        gettext_lazy("Remove action"),
        gettext_lazy("The action has been changed."),
        gettext_lazy("The action has been removed."),
    ),
}


def _part_or_404(request: HttpRequest, pk: int, kind: str, part: int) -> tuple[Meeting, Any]:
    """The meeting the user may change, and its part as the user may see it."""
    meeting = _editable_meeting(request, pk)
    found = next((p for p in getattr(meeting, _PARTS[kind].related).all() if p.pk == part), None)
    if found is None:
        raise Http404
    return meeting, found


def _part_form(
    request: HttpRequest, kind: str, meeting: Meeting, record: Any, data: Any = None
) -> forms.Form:
    form_class = _PARTS[kind].form
    kwargs: dict[str, Any] = {}
    if kind == "action":
        kwargs["people"] = selectors.meeting_people(request.user, meeting)
    if kind == "agenda":
        kwargs["has_attachment"] = bool(record.attachment)
    initial = {name: getattr(record, name) for name in services.PART_FIELDS[type(record)]}
    initial["version"] = record.version
    files = request.FILES or None if data is not None else None
    return form_class(data, files, initial=initial, **kwargs)


@login_required
def part_edit(request: HttpRequest, pk: int, kind: str, part: int) -> HttpResponse:
    """Change an agenda item, guest, decision or action of a meeting."""
    meeting, record = _part_or_404(request, pk, kind, part)
    form = _part_form(
        request, kind, meeting, record, request.POST if request.method == "POST" else None
    )
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        version = fields.pop("version")
        try:
            services.meeting_part_update(
                actor=request.user, record=record, expected_version=version, **fields
            )
        except EditConflict as conflict:
            form = _part_form(
                request, kind, meeting, record, with_version(request, conflict.current_version)
            )
            form.is_valid()
            form.add_error(None, conflict.message)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, str(_PARTS[kind].changed))
            return redirect(meeting)
    return TemplateResponse(
        request,
        "meetings/simple_form.html",
        {
            "meeting": meeting,
            "form": form,
            "title": _PARTS[kind].change_title,
            "multipart": kind == "agenda",
        },
    )


@login_required
def part_remove(request: HttpRequest, pk: int, kind: str, part: int) -> HttpResponse:
    """Remove an agenda item, guest, decision or action, after a page that says what goes."""
    meeting, record = _part_or_404(request, pk, kind, part)
    form = RemoveForm(request.POST or None, initial={"version": record.version})
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_part_delete(
                actor=request.user, record=record, expected_version=form.cleaned_data["version"]
            )
        except EditConflict as conflict:
            # Someone changed it since the page was opened: show it as it is now.
            record.refresh_from_db()
            form = RemoveForm(initial={"version": conflict.current_version})
            error = _("Someone else has just changed this. Look at it again before you remove it.")
        else:
            messages.success(request, str(_PARTS[kind].removed))
            return redirect(meeting)
    return TemplateResponse(
        request,
        "meetings/part_remove.html",
        {
            "meeting": meeting,
            "record": record,
            "kind": kind,
            "form": form,
            "error": error,
            "title": _PARTS[kind].remove_title,
            "attachment_name": (record.attachment.name or "").rsplit("/", 1)[-1]
            if kind == "agenda" and record.attachment
            else "",
        },
    )


@login_required
def guest_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _editable_meeting(request, pk)
    form = GuestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.guest_add(actor=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The guest has been added."))
            return redirect(meeting)
    return TemplateResponse(
        request,
        "meetings/simple_form.html",
        {"meeting": meeting, "form": form, "title": _("Add a guest")},
    )


@login_required
@require_POST
def decision_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _editable_meeting(request, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        services.decision_add(actor=request.user, meeting=meeting, text=form.cleaned_data["text"])
        messages.success(request, _("The decision has been recorded."))
    else:
        messages.error(request, _("Write the decision before saving it."))
    return redirect(meeting)


@login_required
@require_POST
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _editable_meeting(request, pk)
    form = ActionForm(request.POST, people=selectors.meeting_people(request.user, meeting))
    if form.is_valid():
        services.action_add(actor=request.user, meeting=meeting, **form.cleaned_data)
        messages.success(request, _("The action has been added to the action list."))
    elif "description" in form.errors:
        messages.error(request, _("Describe the action before saving it."))
    else:
        messages.error(
            request,
            _(
                "The action has not been saved: choose its owner from the list and give its "
                "due date as a date."
            ),
        )
    return redirect(meeting)


@login_required
@require_POST
def action_status(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(visible(ActionItem.objects.all(), request.user), pk=pk)
    if not can_edit_body(request.user, action.body):
        raise PermissionDenied
    form = ActionStatusForm(request.POST)
    done_in = None
    if meeting_pk := request.POST.get("meeting"):
        done_in = selectors.meeting_detail(request.user, int(meeting_pk))
    if form.is_valid():
        try:
            services.action_set_status(
                actor=request.user,
                action=action,
                status=form.cleaned_data["status"],
                meeting=done_in,
                expected_version=form.cleaned_data["version"],
            )
        except EditConflict as conflict:
            messages.error(request, str(conflict.message))
        else:
            messages.success(request, _("The action has been updated."))
    return redirect(done_in or action.meeting)


@login_required
def meeting_close(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _editable_meeting(request, pk)
    if request.method == "POST":
        present = [int(v) for v in request.POST.getlist("present") if v.isdigit()]
        guests = [int(v) for v in request.POST.getlist("present_guest") if v.isdigit()]
        version = request.POST.get("version", "")
        try:
            run_and_tell(
                request,
                lambda: services.meeting_close(
                    actor=request.user,
                    meeting=meeting,
                    present=present,
                    present_guests=guests,
                    expected_version=int(version) if version.isdigit() else None,
                ),
                _("The meeting has been closed."),
            )
        except EditConflict as conflict:
            messages.error(request, str(conflict.message))
        return redirect(meeting)
    return TemplateResponse(request, "meetings/close.html", {"meeting": meeting})


def attachment(request: HttpRequest, pk: int, item: int) -> FileResponse:
    meeting = _meeting_or_404(request, pk)
    found = next((i for i in meeting.agenda_items.all() if i.pk == item and i.attachment), None)
    if found is None:
        raise Http404
    return attachment_response(found.attachment, (found.attachment.name or "").rsplit("/", 1)[-1])


def body_feed(request: HttpRequest, slug: str) -> HttpResponse:
    """A body's public feed: its public meetings only, whoever asks, because a calendar program
    fetches it without signing in. The feed says so; members-only meetings are in a personal
    feed (the notices app), which its page offers."""
    body = get_object_or_404(visible_bodies(request.user), slug=slug)
    meetings = selectors.meeting_list(ANONYMOUS, body=body).exclude(status=Status.CANCELLED)
    content = calendar_for(
        meetings,
        name=_("%(body)s (public meetings)") % {"body": body.name},
        description=_(
            "The public meetings of %(body)s only. Meetings for members are in a personal "
            "feed address, which members make on their page Notifications."
        )
        % {"body": body.name},
    )
    return _calendar_response(content, f"{body.slug}.ics")


def person_feed(request: HttpRequest, token: str) -> HttpResponse:
    found = (
        CalendarToken.objects.filter(token=token, revoked_at__isnull=True)
        .select_related("person")
        .first()
    )
    if found is None:
        raise Http404
    meetings = selectors.person_meetings(found.person)
    response = _calendar_response(calendar_for(meetings, name=found.person.name), "agenda.ics")
    # The secret address stands in for signing in: this feed is one person's alone.
    return keep_private(response)


def _calendar_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
def my_calendar(request: HttpRequest) -> HttpResponse:
    person = getattr(request.user, "person", None)
    if person is None:
        # The network office's account (or one not yet linked to a person) has no meetings of
        # its own: the page says so and where the meetings are, rather than refusing.
        return TemplateResponse(
            request,
            "meetings/my_calendar.html",
            {"without_person": True, "is_office": viewer_for(request.user).is_office},
        )
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.calendar_token_revoke(person=person)
            messages.success(request, _("Your calendar address no longer works."))
        else:
            services.calendar_token_renew(person=person)
            messages.success(
                request, _("You have a new calendar address; the old one no longer works.")
            )
        return redirect("meetings:my-calendar")
    token = CalendarToken.objects.filter(person=person, revoked_at__isnull=True).first()
    today = timezone.localdate()
    return TemplateResponse(
        request,
        "meetings/my_calendar.html",
        {
            "token": token,
            "coming": selectors.my_coming(person, today),
            "open_invitations": selectors.open_invitations(person, today),
        },
    )


@login_required
def participation(request: HttpRequest, year: int) -> HttpResponseBase:
    if not viewer_for(request.user).is_office:
        raise PermissionDenied
    if not 1900 <= year <= 2200:
        raise Http404
    rows = selectors.participation_by_city(request.user, year)
    if exports.requested(request):
        return exports.download(request, tables.PARTICIPATION, rows)
    return TemplateResponse(
        request,
        "meetings/participation.html",
        {"year": year, "rows": rows, "chart": charts.participation(rows, year)},
    )


def figures(request: HttpRequest, year: int) -> HttpResponseBase:
    """The year in numbers: how many meetings each body the viewer may see held."""
    if not 1900 <= year <= 2200:
        raise Http404
    rows = selectors.meetings_per_body(request.user, year)
    if exports.requested(request):
        return exports.download(request, tables.MEETINGS_PER_BODY, rows)
    return TemplateResponse(
        request,
        "meetings/figures.html",
        {"year": year, "rows": rows, "chart": charts.meetings_per_body(rows, year)},
    )
