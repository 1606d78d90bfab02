"""Pages that give people their seats: add, change and end a role or a participation, hand a
role over to a successor, and change the council term. Thin: read through selectors and the
access check, write through the services.

The office manages every body's seats; the secretary of a body those of that body (and the
bodies beneath it). The council-term change is the office's alone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from koepel.accounts.access import can_manage_seats, viewer_for, visible_bodies
from koepel.core.dates import format_partial_date
from koepel.core.errors import EditConflict
from koepel.core.forms import add_errors, with_version
from koepel.registry import selectors, services
from koepel.registry.models import Body, Participation, Role
from koepel.registry.role_forms import (
    EndForm,
    HandOverForm,
    ParticipationForm,
    RoleForm,
    TermDateForm,
)


def mark_manageable(user: Any, roles: Iterable[Role | Participation]) -> bool:
    """Set ``can_manage`` on each role or participation the user may change (no queries: the
    rights were read with the viewer), and ``still_held`` on those not yet ended. True when
    any may be changed."""
    viewer = viewer_for(user)
    today = timezone.localdate()
    some = False
    for record in roles:
        manage = viewer.is_office or record.body_id in viewer.secretary_body_ids
        record.can_manage = manage  # type: ignore[union-attr]
        # Only a role not yet ended can be ended or handed over.
        record.still_held = record.end is None or record.end >= today  # type: ignore[union-attr]
        some = some or manage
    return some


def _managed_body(request: HttpRequest, slug: str) -> Body:
    body = visible_bodies(request.user).filter(slug=slug).first()
    if body is None:
        raise Http404
    if not can_manage_seats(request.user, body):
        raise PermissionDenied
    return body


def _managed_role(request: HttpRequest, pk: int) -> Role:
    role = (
        selectors.visible_roles(request.user)
        .select_related("body", "person", "on_behalf_of_municipality", "on_behalf_of_organisation")
        .filter(pk=pk)
        .first()
    )
    if role is None:
        raise Http404
    if not can_manage_seats(request.user, role.body):
        raise PermissionDenied
    return role


def _managed_participation(request: HttpRequest, pk: int) -> Participation:
    participation = (
        selectors.visible_participations(request.user)
        .select_related("body", "municipality", "organisation")
        .filter(pk=pk)
        .first()
    )
    if participation is None:
        raise Http404
    if not can_manage_seats(request.user, participation.body):
        raise PermissionDenied
    return participation


def _version(form: Any) -> int:
    # A form without a version (a hand-made request) is treated as stale, never as "no check".
    return int(form.cleaned_data.get("version") or 0)


# --- Roles ---------------------------------------------------------------------------------------


@login_required
def role_add(request: HttpRequest, slug: str) -> HttpResponse:
    body = _managed_body(request, slug)
    office = viewer_for(request.user).is_office
    form = RoleForm(request.POST or None, office=office)
    if request.method == "POST" and form.is_valid():
        try:
            services.role_save(role=form.apply(Role(body=body)))
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The role has been added."))
            return redirect(body)
    return TemplateResponse(
        request,
        "registry/roles/role_form.html",
        {"form": form, "body": body, "role": None},
    )


@login_required
def role_edit(request: HttpRequest, pk: int) -> HttpResponse:
    role = _managed_role(request, pk)
    office = viewer_for(request.user).is_office
    vacant = role.person_id is None

    def make(data: Any) -> RoleForm:
        return RoleForm(
            data,
            office=office,
            vacant=vacant,
            initial=RoleForm.initial_for(role),
        )

    form = make(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.role_save(role=form.apply(role), expected_version=_version(form))
        except EditConflict as conflict:
            form = make(with_version(request, conflict.current_version))
            form.is_valid()
            form.add_error(None, conflict.message)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The role has been changed."))
            return redirect(role.body)
    return TemplateResponse(
        request,
        "registry/roles/role_form.html",
        {"form": form, "body": role.body, "role": role},
    )


@login_required
def role_end(request: HttpRequest, pk: int) -> HttpResponse:
    role = _managed_role(request, pk)
    if role.person_id is None:
        # A vacant seat is not ended: it is filled.
        return redirect("registry:role-hand-over", role.pk)
    initial = {"last_day": timezone.localdate(), "version": role.version}
    form = EndForm(request.POST or None, vacancy_choice=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        last_day = form.cleaned_data["last_day"]
        try:
            vacancy = services.role_end(
                role=role,
                last_day=last_day,
                expected_version=_version(form),
                leave_vacant=form.cleaned_data.get("leave_vacant", False),
            )
        except EditConflict as conflict:
            form = EndForm(with_version(request, conflict.current_version), vacancy_choice=True)
            form.is_valid()
            form.add_error(None, conflict.message)
        except ValidationError as error:
            _errors_on_date(form, error, "last_day")
        else:
            day = format_partial_date(last_day)
            if vacancy is not None:
                messages.success(
                    request,
                    _("The role ends on %(day)s; the seat is vacant until a successor is named.")
                    % {"day": day},
                )
            else:
                messages.success(request, _("The role ends on %(day)s.") % {"day": day})
            return redirect(role.body)
    return TemplateResponse(
        request, "registry/roles/end_form.html", {"form": form, "record": role, "body": role.body}
    )


def _errors_on_date(form: Any, error: ValidationError, field: str) -> None:
    """A service's refusal of a period (the end before the start, an overlap) is about the
    date the user typed here."""
    if hasattr(error, "error_dict"):
        for errors in error.error_dict.values():
            form.add_error(field, errors)
    else:
        form.add_error(field, error)


@login_required
def role_hand_over(request: HttpRequest, pk: int) -> HttpResponse:
    """“X succeeds Y as chair from 1 September”, or a vacant seat filled: one form, one step."""
    role = _managed_role(request, pk)
    initial = {"version": role.version}
    form = HandOverForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        successor = form.cleaned_data["successor"]
        first_day = form.cleaned_data["first_day"]
        was_vacant = role.person_id is None
        try:
            services.role_hand_over(
                role=role,
                successor=successor,
                first_day=first_day,
                expected_version=_version(form),
            )
        except EditConflict as conflict:
            form = HandOverForm(with_version(request, conflict.current_version))
            form.is_valid()
            form.add_error(None, conflict.message)
        except ValidationError as error:
            if hasattr(error, "error_dict") and set(error.error_dict) <= {"successor", "first_day"}:
                add_errors(form, error)
            else:
                _errors_on_date(form, error, "first_day")
        else:
            values = {
                "successor": successor.name,
                "function": role.get_function_display(),  # type: ignore[attr-defined]
                "day": format_partial_date(first_day),
            }
            messages.success(
                request,
                (
                    _("%(successor)s fills the vacant seat of %(function)s from %(day)s.")
                    if was_vacant
                    else _("%(successor)s succeeds as %(function)s from %(day)s.")
                )
                % values,
            )
            return redirect(role.body)
    return TemplateResponse(
        request, "registry/roles/hand_over.html", {"form": form, "role": role, "body": role.body}
    )


# --- Participations ------------------------------------------------------------------------------


@login_required
def participation_add(request: HttpRequest, slug: str) -> HttpResponse:
    body = _managed_body(request, slug)
    form = ParticipationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.participation_save(participation=form.apply(Participation(body=body)))
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The participation has been added."))
            return redirect(body)
    return TemplateResponse(
        request,
        "registry/roles/participation_form.html",
        {"form": form, "body": body, "participation": None},
    )


@login_required
def participation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    participation = _managed_participation(request, pk)
    initial = ParticipationForm.initial_for(participation)
    form = ParticipationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.participation_save(
                participation=form.apply(participation), expected_version=_version(form)
            )
        except EditConflict as conflict:
            form = ParticipationForm(with_version(request, conflict.current_version))
            form.is_valid()
            form.add_error(None, conflict.message)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The participation has been changed."))
            return redirect(participation.body)
    return TemplateResponse(
        request,
        "registry/roles/participation_form.html",
        {"form": form, "body": participation.body, "participation": participation},
    )


@login_required
def participation_end(request: HttpRequest, pk: int) -> HttpResponse:
    participation = _managed_participation(request, pk)
    initial = {"last_day": timezone.localdate(), "version": participation.version}
    form = EndForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        last_day = form.cleaned_data["last_day"]
        try:
            services.participation_end(
                participation=participation, last_day=last_day, expected_version=_version(form)
            )
        except EditConflict as conflict:
            form = EndForm(with_version(request, conflict.current_version))
            form.is_valid()
            form.add_error(None, conflict.message)
        except ValidationError as error:
            _errors_on_date(form, error, "last_day")
        else:
            messages.success(
                request,
                _("The participation ends on %(day)s.") % {"day": format_partial_date(last_day)},
            )
            return redirect(participation.body)
    return TemplateResponse(
        request,
        "registry/roles/end_form.html",
        {"form": form, "record": participation, "body": participation.body},
    )


# --- Council-term change -------------------------------------------------------------------------


def _chosen(source: Any, on: dt.date) -> list[tuple[Role, int]]:
    """The roles ticked on the page, each with the version the page showed; only roles the
    page could have offered for that day count."""
    wanted = {int(pk) for pk in source.getlist("rol") if pk.isdigit()}
    offered = [role for group in selectors.roles_for_term_change(on) for role in group.roles]
    chosen = []
    for role in offered:
        if role.pk in wanted:
            version = source.get(f"versie-{role.pk}", "")
            chosen.append((role, int(version) if version.isdigit() else 0))
    return chosen


@login_required
def term_change(request: HttpRequest) -> HttpResponse:
    """After municipal elections: the office picks the last day in office, ticks the roles
    whose holders leave, confirms what will happen, and the roles end with their seats left
    vacant until successors are named.

    Choosing the day and the roles changes nothing, so it is asked by GET (``stap=bevestigen``
    shows what will happen); only the confirmation itself is a POST (``stap=beeindigen``)."""
    if not viewer_for(request.user).is_office:
        raise PermissionDenied
    source = request.POST if request.method == "POST" else request.GET
    date_form = TermDateForm(
        source if "datum" in source else {"datum": timezone.localdate().isoformat()}
    )
    on = date_form.cleaned_data["datum"] if date_form.is_valid() else None
    context: dict[str, Any] = {"date_form": date_form, "on": on}
    step = source.get("stap", "")
    if request.method != "POST" and step == "beeindigen":
        step = ""  # ending takes the confirmation's POST, never a link
    if on is not None and step in {"bevestigen", "beeindigen"}:
        chosen = _chosen(source, on)
        if not chosen:
            context["problem"] = _("Tick the roles whose holders leave, then continue.")
        elif step == "bevestigen":
            return TemplateResponse(
                request,
                "registry/roles/term_change_confirm.html",
                {"on": on, "chosen": chosen, "next_day": on + dt.timedelta(days=1)},
            )
        else:
            try:
                vacancies = services.roles_end_for_term(roles=chosen, last_day=on)
            except EditConflict:
                context["problem"] = _(
                    "Someone else has just changed one of these roles, so none has been "
                    "ended. Look at the list again and tick the roles once more."
                )
            except ValidationError as error:
                context["problem"] = _("No role has been ended. %(reason)s") % {
                    "reason": " ".join(error.messages)
                }
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d role ended on %(day)s; its seat is vacant until a successor "
                        "is named.",
                        "%(count)d roles ended on %(day)s; their seats are vacant until "
                        "successors are named.",
                        len(vacancies),
                    )
                    % {"count": len(vacancies), "day": format_partial_date(on)},
                )
                return redirect(f"{request.path}?datum={on.isoformat()}")
    if on is not None:
        context["groups"] = selectors.roles_for_term_change(on)
    context["vacancies"] = selectors.vacant_seats(request.user)
    mark_manageable(request.user, context["vacancies"])
    return TemplateResponse(request, "registry/roles/term_change.html", context)
