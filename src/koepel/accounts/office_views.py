"""The network office's pages of accounts: who has one and in what state, inviting a person,
sending an invitation again, switching an account off (after saying what that does) and on,
and the lockouts of each account with the means to lift them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from koepel.accounts import oidc, services
from koepel.accounts.access import viewer_for
from koepel.accounts.forms import DomainForm, InviteForm, VersionForm
from koepel.accounts.lockouts import Lockout, lockouts_current
from koepel.accounts.models import AccountLink, AllowedDomain, User
from koepel.core.errors import EditConflict
from koepel.core.forms import run_and_tell
from koepel.core.pagination import paginate
from koepel.registry.models import Person

# The states an account can be in, as the list filters them (?staat=).
STATES = {
    "actief": gettext_lazy("active"),
    "uitgenodigd": gettext_lazy("invited"),
    "uitgeschakeld": gettext_lazy("switched off"),
    "geblokkeerd": gettext_lazy("locked out"),
}
# How many people the invitation search shows at most.
SEARCH_LIMIT = 20


def _office_only(request: HttpRequest) -> None:
    if not viewer_for(request.user).is_office:
        raise PermissionDenied


@dataclass(frozen=True)
class AccountRow:
    user: User
    state: str
    invited_until: Any
    lockout: Lockout | None

    @property
    def state_label(self) -> str:
        if self.state == "uitgenodigd" and self.invited_until is None:
            return _("invitation expired")
        return str(STATES[self.state])


def _with_invitation(users: QuerySet[User]) -> QuerySet[User]:
    return users.select_related("person").annotate(
        invited_until=Max(
            "links__expires_at",
            filter=Q(
                links__purpose=AccountLink.Purpose.INVITATION,
                links__used_at__isnull=True,
                links__replaced_at__isnull=True,
            ),
        )
    )


def _row(user: Any, lockouts: dict[str, Lockout]) -> AccountRow:
    until = user.invited_until
    if until is not None and until <= timezone.now():
        until = None
    lockout = lockouts.get(user.username)
    if not user.is_active:
        state = "uitgeschakeld"
    elif not user.has_usable_password():
        state = "uitgenodigd"
    elif lockout is not None:
        state = "geblokkeerd"
    else:
        state = "actief"
    return AccountRow(user=user, state=state, invited_until=until, lockout=lockout)


@login_required
def accounts(request: HttpRequest) -> HttpResponse:
    """Every account, with its state; filtered by state and by a name."""
    _office_only(request)
    lockouts = {lockout.username: lockout for lockout in lockouts_current()}
    users = _with_invitation(User.objects.order_by("username"))
    state = request.GET.get("staat", "")
    query = request.GET.get("q", "").strip()
    if query:
        users = users.filter(
            Q(username__icontains=query)
            | Q(person__name__icontains=query)
            | Q(email__icontains=query)
        )
    if state == "uitgeschakeld":
        users = users.filter(is_active=False)
    elif state == "uitgenodigd":
        users = users.filter(is_active=True, password__startswith=UNUSABLE_PASSWORD_PREFIX)
    elif state == "geblokkeerd":
        users = users.filter(username__in=list(lockouts))
    elif state == "actief":
        users = users.filter(is_active=True).exclude(password__startswith=UNUSABLE_PASSWORD_PREFIX)
        users = users.exclude(username__in=list(lockouts))
    pages = paginate(request, users)
    rows = [_row(user, lockouts) for user in pages.page.object_list]
    return TemplateResponse(
        request,
        "accounts/office/accounts.html",
        {
            "rows": rows,
            "page": pages.page,
            "pages": pages,
            "states": STATES,
            "state": state,
            "query": query,
        },
    )


@login_required
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _office_only(request)
    user = get_object_or_404(_with_invitation(User.objects.all()), pk=pk)
    lockouts = {lockout.username: lockout for lockout in lockouts_current()}
    row = _row(user, lockouts)
    links = list(user.links.select_related("sent_by", "sent_by__person")[:10])
    return TemplateResponse(
        request,
        "accounts/office/account.html",
        {
            "row": row,
            "account": user,
            "links": links,
            "tokens": user.api_tokens.filter(revoked_at__isnull=True).count(),
            "now": timezone.now(),
            "is_self": user.pk == request.user.pk,
        },
    )


@login_required
def account_switch_off(request: HttpRequest, pk: int) -> HttpResponse:
    """Says what switching off does, and does it when confirmed."""
    _office_only(request)
    user = get_object_or_404(User.objects.select_related("person"), pk=pk)
    form = VersionForm(request.POST or None, initial={"version": user.version})
    tokens = user.api_tokens.filter(revoked_at__isnull=True).count()
    if request.method == "POST" and not form.is_valid():
        # Only the hidden version can be wrong: the page was not sent as it was shown.
        form.add_error(
            None, _("Someone else changed this account just now. Look at it again first.")
        )
    elif request.method == "POST":
        try:
            revoked = services.account_switch_off(
                user=user, actor=request.user, expected_version=form.cleaned_data["version"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        except EditConflict:
            form.add_error(
                None,
                _("Someone else changed this account just now. Look at it again first."),
            )
        else:
            text = _("The account of %(name)s is switched off.") % {"name": user}
            if revoked:
                text += " " + ngettext(
                    "%(count)d API token was revoked.",
                    "%(count)d API tokens were revoked.",
                    revoked,
                ) % {"count": revoked}
            messages.success(request, text)
            return redirect("accounts:account-detail", pk=user.pk)
    return TemplateResponse(
        request,
        "accounts/office/switch_off.html",
        {"account": user, "form": form, "tokens": tokens, "is_self": user.pk == request.user.pk},
    )


@require_POST
@login_required
def account_switch_on(request: HttpRequest, pk: int) -> HttpResponse:
    _office_only(request)
    user = get_object_or_404(User.objects.select_related("person"), pk=pk)
    form = VersionForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else None
    if version is None:
        messages.error(request, _("Someone else changed this account just now. Look at it again."))
        return redirect("accounts:account-detail", pk=user.pk)

    def switch_on() -> User:
        try:
            return services.account_switch_on(
                user=user, actor=request.user, expected_version=version
            )
        except EditConflict:
            raise ValidationError(
                _("Someone else changed this account just now. Look at it again.")
            ) from None

    run_and_tell(
        request,
        switch_on,
        _("The account of %(name)s is switched on again.") % {"name": user},
    )
    return redirect("accounts:account-detail", pk=user.pk)


@require_POST
@login_required
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    _office_only(request)
    user = get_object_or_404(User.objects.select_related("person"), pk=pk)
    run_and_tell(
        request,
        lambda: services.invitation_resend(user=user, actor=request.user),
        lambda link: (
            _("A new invitation is on its way to %(address)s; the old link no longer works.")
            % {"address": services.address_of(user)}
        ),
    )
    return redirect("accounts:account-detail", pk=user.pk)


@login_required
def invite_search(request: HttpRequest) -> HttpResponse:
    """Find the person to invite: people with an e-mail address and no account yet."""
    _office_only(request)
    query = request.GET.get("q", "").strip()
    people: list[Person] = []
    if query:
        people = list(
            Person.objects.filter(Q(name__icontains=query) | Q(email__icontains=query))
            .exclude(email="")
            .filter(
                Q(account__isnull=True) | Q(account__password__startswith=UNUSABLE_PASSWORD_PREFIX)
            )
            .select_related("municipality", "organisation")
            .order_by("sort_name", "name")[: SEARCH_LIMIT + 1]
        )
    return TemplateResponse(
        request,
        "accounts/office/invite_search.html",
        {
            "query": query,
            "people": people[:SEARCH_LIMIT],
            "more": len(people) > SEARCH_LIMIT,
        },
    )


@login_required
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    """Says what inviting a person does, and sends the invitation when confirmed."""
    _office_only(request)
    person = get_object_or_404(Person.objects.select_related("account"), slug=slug)
    # The person's own language, which they can change later on their notifications page.
    form = InviteForm(request.POST or None, initial={"language": person.language})
    if request.method == "POST" and form.is_valid():
        try:
            link = services.account_invite(
                person=person, actor=request.user, language=form.cleaned_data["language"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The invitation is on its way to %(address)s. The link works until %(date)s.")
                % {
                    "address": person.email,
                    "date": date_format(timezone.localtime(link.expires_at), "j F Y H:i"),
                },
            )
            return redirect("accounts:account-detail", pk=link.user_id)
    return TemplateResponse(
        request,
        "accounts/office/invite.html",
        {
            "person": person,
            "form": form,
            "days": settings.KOEPEL_INVITATION_DAYS,
            "account": getattr(person, "account", None),
        },
    )


@login_required
def allowed_domains(request: HttpRequest) -> HttpResponse:
    """The domains whose addresses may sign in through the identity provider; adding one."""
    _office_only(request)
    form = DomainForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            allowed = services.allowed_domain_add(
                domain=form.cleaned_data["domain"], actor=request.user
            )
        except ValidationError as error:
            form.add_error("domain", error)
        else:
            messages.success(
                request,
                _("Addresses ending in @%(domain)s may now sign in through the identity provider.")
                % {"domain": allowed.domain},
            )
            return redirect("accounts:allowed-domains")
    return TemplateResponse(
        request,
        "accounts/office/allowed_domains.html",
        {
            "form": form,
            "domains": AllowedDomain.objects.select_related("added_by", "added_by__person"),
            "enabled": oidc.enabled(),
            "provider": oidc.provider_name(),
        },
    )


@require_POST
@login_required
def allowed_domain_remove(request: HttpRequest, pk: int) -> HttpResponse:
    _office_only(request)
    allowed = get_object_or_404(AllowedDomain, pk=pk)
    run_and_tell(
        request,
        lambda: services.allowed_domain_remove(allowed=allowed, actor=request.user),
        _("Addresses ending in @%(domain)s no longer sign in through the identity provider.")
        % {"domain": allowed.domain},
    )
    return redirect("accounts:allowed-domains")
