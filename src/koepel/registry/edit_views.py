"""The office's own pages to keep the registry: add and change people, organisations,
municipalities with their periods of membership, and bodies; end a membership, dissolve a body,
wipe a person's contact details. Thin: a form reads the input, a service checks and saves it.

Who may: the office changes everything (``access.can_manage_registry``); the secretary of a
body may add a person or an organisation (an outside guest, an addressee), and nothing more
(``access.can_add_people_and_organisations``). Every check is made here, on the server."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from koepel.accounts.access import can_add_people_and_organisations, can_manage_registry
from koepel.core.errors import EditConflict
from koepel.core.forms import add_errors, with_version
from koepel.registry import municipalities, services
from koepel.registry.edit_forms import (
    BodyEndForm,
    BodyForm,
    MembershipEndForm,
    MembershipForm,
    MunicipalityAddForm,
    MunicipalityForm,
    OrganisationForm,
    PersonForm,
)
from koepel.registry.models import Body, Membership, Municipality, Organisation, Person

TEMPLATE = "registry/edit/form.html"


def _office_only(request: HttpRequest) -> None:
    if not can_manage_registry(request.user):
        raise PermissionDenied


def _may_add(request: HttpRequest) -> None:
    if not can_add_people_and_organisations(request.user):
        raise PermissionDenied


def _page(request: HttpRequest, form: forms.BaseForm, **context: Any) -> TemplateResponse:
    return TemplateResponse(request, TEMPLATE, {"form": form, **context})


def _edit(
    request: HttpRequest,
    form_class: type[forms.ModelForm],  # type: ignore[type-arg]
    record: models.Model,
    save: Callable[[Any, int], Any],
    success: str,
    **context: Any,
) -> HttpResponse:
    """Change a record under optimistic locking: a second writer is told and keeps their
    input, now based on the version saved in the meantime; nothing is overwritten unseen."""
    form = form_class(request.POST or None, instance=record)
    if request.method == "POST" and form.is_valid():
        try:
            _apply(form)
            save(form.instance, form.expected_version)  # type: ignore[attr-defined]
        except EditConflict as conflict:
            fresh = type(record)._default_manager.get(pk=record.pk)
            form = form_class(with_version(request, conflict.current_version), instance=fresh)
            form.is_valid()
            form.add_error(None, conflict.message)
        except ValidationError as error:
            add_errors(cast(forms.Form, form), error)
        else:
            messages.success(request, success)
            return redirect(context.pop("done", None) or cast(Any, record))
    context.pop("done", None)
    return _page(request, form, record=record, **context)


def _apply(form: forms.BaseForm) -> None:
    apply_period = getattr(form, "apply_period", None)
    if apply_period is not None:
        apply_period()


def _add(
    request: HttpRequest,
    form: forms.ModelForm,  # type: ignore[type-arg]
    save: Callable[[Any], Any],
    success: str,
    **context: Any,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            _apply(form)
            saved = save(form.instance)
        except ValidationError as error:
            add_errors(cast(forms.Form, form), error)
        else:
            messages.success(request, success)
            return redirect(context.pop("done", None) or saved)
    context.pop("done", None)
    return _page(request, form, **context)


# --- People --------------------------------------------------------------------------------------


@login_required
def person_add(request: HttpRequest) -> HttpResponse:
    _may_add(request)
    return _add(
        request,
        PersonForm(request.POST or None),
        lambda person: services.person_save(person=person, actor=request.user),
        _("The person has been added."),
        title=_("Add a person"),
        cancel=reverse("registry:people"),
    )


@login_required
def person_edit(request: HttpRequest, slug: str) -> HttpResponse:
    _office_only(request)
    person = get_object_or_404(Person, slug=slug)
    return _edit(
        request,
        PersonForm,
        person,
        lambda record, version: services.person_save(
            person=record, expected_version=version, actor=request.user
        ),
        _("The person has been changed."),
        title=_("Change %(name)s") % {"name": person.name},
        cancel=person.get_absolute_url(),
    )


@login_required
def person_anonymise(request: HttpRequest, slug: str) -> HttpResponse:
    """Wipe a person's e-mail address and telephone number, after a page that says so."""
    _office_only(request)
    person = get_object_or_404(Person, slug=slug)
    form = _VersionOnly(request.POST or None, initial={"version": person.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.person_anonymise(
                person=person, expected_version=form.cleaned_data["version"] or 0
            )
        except EditConflict as conflict:
            form = _VersionOnly({"version": conflict.current_version})
            form.is_valid()
            form.add_error(None, _("Someone else has just changed this person. Look again."))
            person.refresh_from_db()
        else:
            messages.success(
                request,
                _("The contact details of %(name)s have been removed.") % {"name": person.name},
            )
            return redirect(person)
    return _page(
        request,
        form,
        record=person,
        title=_("Remove the contact details of %(name)s") % {"name": person.name},
        lead=_(
            "The e-mail address and telephone number are removed for good. The name stays, "
            "with the roles, meetings and minutes that name this person. Nothing is sent to "
            "them."
        ),
        facts=[
            (_("E-mail"), person.email or "—"),
            (_("Telephone"), person.phone or "—"),
        ],
        button=_("Remove the contact details"),
        cancel=person.get_absolute_url(),
    )


class _VersionOnly(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


# --- Organisations -------------------------------------------------------------------------------


@login_required
def organisation_add(request: HttpRequest) -> HttpResponse:
    _may_add(request)
    return _add(
        request,
        OrganisationForm(request.POST or None),
        lambda organisation: services.organisation_save(organisation=organisation),
        _("The organisation has been added."),
        title=_("Add an organisation"),
        cancel=reverse("registry:organisations"),
    )


@login_required
def organisation_edit(request: HttpRequest, slug: str) -> HttpResponse:
    _office_only(request)
    organisation = get_object_or_404(Organisation, slug=slug)
    return _edit(
        request,
        OrganisationForm,
        organisation,
        lambda record, version: services.organisation_save(
            organisation=record, expected_version=version
        ),
        _("The organisation has been changed."),
        title=_("Change %(name)s") % {"name": organisation.name},
        cancel=organisation.get_absolute_url(),
    )


# --- Municipalities and their memberships -------------------------------------------------------


@login_required
def municipality_add(request: HttpRequest) -> HttpResponse:
    _office_only(request)
    form = MunicipalityAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            municipality = municipalities.add_from_list(
                cbs_code=form.cleaned_data["municipality"],
                province=form.cleaned_data["province"],
                member_since=form.cleaned_data["member_since"],
            )
        except ValidationError as error:
            add_errors(cast(forms.Form, form), error)
        else:
            messages.success(request, _("%(name)s has been added.") % {"name": municipality.name})
            return redirect(municipality)
    return _page(
        request,
        form,
        title=_("Add a municipality"),
        lead=_(
            "Choose the municipality from the list of all Dutch municipalities; its name and "
            "CBS code come from that list."
        ),
        cancel=reverse("registry:municipalities"),
    )


@login_required
def municipality_edit(request: HttpRequest, cbs_code: str) -> HttpResponse:
    _office_only(request)
    municipality = get_object_or_404(Municipality, cbs_code=cbs_code)
    return _edit(
        request,
        MunicipalityForm,
        municipality,
        lambda record, version: services.municipality_save(
            municipality=record, expected_version=version
        ),
        _("The municipality has been changed."),
        title=_("Change %(name)s") % {"name": municipality.name},
        cancel=municipality.get_absolute_url(),
    )


def _membership_add(request: HttpRequest, membership: Membership) -> HttpResponse:
    member = _member(membership)
    return _add(
        request,
        MembershipForm(request.POST or None, instance=membership),
        lambda record: services.membership_save(membership=record),
        _("The period of membership has been added."),
        title=_("New period of membership of %(name)s") % {"name": member.name},
        lead=_("Periods of membership of one member do not overlap."),
        cancel=member.get_absolute_url(),
        done=member.get_absolute_url(),
    )


@login_required
def municipality_membership_add(request: HttpRequest, cbs_code: str) -> HttpResponse:
    _office_only(request)
    municipality = get_object_or_404(Municipality, cbs_code=cbs_code)
    return _membership_add(request, Membership(municipality=municipality))


@login_required
def organisation_membership_add(request: HttpRequest, slug: str) -> HttpResponse:
    _office_only(request)
    organisation = get_object_or_404(Organisation, slug=slug)
    return _membership_add(request, Membership(organisation=organisation))


def _member(membership: Membership) -> Municipality | Organisation:
    member = membership.member
    if member is None:  # the database's constraint keeps this from happening
        raise Http404
    return member


def _membership(pk: int) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("municipality", "organisation"), pk=pk
    )


@login_required
def membership_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _office_only(request)
    membership = _membership(pk)
    member = _member(membership)
    return _edit(
        request,
        MembershipForm,
        membership,
        lambda record, version: services.membership_save(
            membership=record, expected_version=version
        ),
        _("The period of membership has been changed."),
        title=_("Change a period of membership of %(name)s") % {"name": member.name},
        cancel=member.get_absolute_url(),
        done=member.get_absolute_url(),
    )


@login_required
def membership_end(request: HttpRequest, pk: int) -> HttpResponse:
    _office_only(request)
    membership = _membership(pk)
    member = _member(membership)
    return _edit(
        request,
        MembershipEndForm,
        membership,
        lambda record, version: services.membership_save(
            membership=record, expected_version=version
        ),
        _("The membership has been ended."),
        title=_("End the membership of %(name)s") % {"name": member.name},
        lead=_("The period stays in the history of the network; a new period can start later."),
        button=_("End the membership"),
        cancel=member.get_absolute_url(),
        done=member.get_absolute_url(),
    )


# --- Bodies --------------------------------------------------------------------------------------


@login_required
def body_add(request: HttpRequest) -> HttpResponse:
    _office_only(request)
    initial = {}
    if parent := Body.objects.filter(slug=request.GET.get("onder") or "").first():
        initial = {"parent": parent.pk, "ownership": parent.ownership}
    return _add(
        request,
        BodyForm(request.POST or None, initial=initial),
        lambda body: services.body_save(body=body),
        _("The body has been added."),
        title=_("Add a body"),
        cancel=reverse("registry:bodies"),
    )


@login_required
def body_edit(request: HttpRequest, slug: str) -> HttpResponse:
    _office_only(request)
    body = get_object_or_404(Body, slug=slug)
    return _edit(
        request,
        BodyForm,
        body,
        lambda record, version: services.body_save(body=record, expected_version=version),
        _("The body has been changed."),
        title=_("Change %(name)s") % {"name": body.name},
        cancel=body.get_absolute_url(),
    )


@login_required
def body_end(request: HttpRequest, slug: str) -> HttpResponse:
    """Dissolve a body on a day; the page first says which roles and participations end with
    it."""
    _office_only(request)
    body = get_object_or_404(Body, slug=slug)
    roles, participations = services.ending_with(body, body.end or timezone.localdate())
    return _edit(
        request,
        BodyEndForm,
        body,
        lambda record, version: services.body_end(
            body=record,
            end=record.end,
            end_precision=record.end_precision,
            expected_version=version,
        ),
        _("The body has been dissolved. Its history stays."),
        title=_("Dissolve %(name)s") % {"name": body.name},
        lead=_(
            "The body gets an end date and stays in the registry with its meetings and "
            "history. Roles and participations in it that run on after that day end with it."
        ),
        ending_roles=roles,
        ending_participations=participations,
        button=_("Dissolve the body"),
        cancel=body.get_absolute_url(),
    )
