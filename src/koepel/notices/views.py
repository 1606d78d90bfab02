"""The page Notifications (under the person's own account pages) and the personal feeds."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from koepel.accounts.access import visible_bodies
from koepel.core.caching import keep_private
from koepel.core.errors import EditConflict
from koepel.core.forms import add_errors, with_version
from koepel.meetings import selectors as meetings
from koepel.meetings.ical import calendar_for
from koepel.meetings.models import Status
from koepel.notices import services
from koepel.notices.forms import FeedForm, PreferencesForm
from koepel.notices.models import FeedToken, feed_token_hash
from koepel.notices.sending import preferences_of
from koepel.registry.models import Person, Role


def _feed_bodies(request: HttpRequest, person: Person) -> list[tuple[str, str]]:
    """The bodies offered for a feed: the person's own, and the one the body page came from."""
    own = Role.objects.current().filter(person=person).values("body_id")
    bodies = visible_bodies(request.user).filter(pk__in=own)
    if slug := request.GET.get("gremium"):
        bodies = bodies | visible_bodies(request.user).filter(slug=slug)
    return [(body.slug, body.name) for body in bodies.distinct().order_by("name")]


def _page(
    request: HttpRequest,
    person: Person,
    form: PreferencesForm,
    new_feed: tuple[FeedToken, str] | None = None,
) -> HttpResponse:
    feeds = FeedToken.objects.filter(person=person, revoked_at__isnull=True).select_related("body")
    return TemplateResponse(
        request,
        "notices/preferences.html",
        {
            "form": form,
            "feed_form": FeedForm(
                initial={"body": request.GET.get("gremium", "")},
                bodies=_feed_bodies(request, person),
            ),
            "feeds": list(feeds),
            "new_feed": new_feed,
            "has_email": bool(person.email),
        },
    )


def _person_of(request: HttpRequest) -> Person | None:
    person: Person | None = getattr(request.user, "person", None)
    return person


def _without_person(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(request, "notices/preferences.html", {"without_person": True})


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    person = _person_of(request)
    if person is None:
        return _without_person(request)
    current = preferences_of(person)
    form = PreferencesForm(request.POST or None, initial=PreferencesForm.initial_for(current))
    if request.method == "POST" and form.is_valid():
        try:
            services.preferences_save(
                person=person, version=form.cleaned_data["version"], **form.choices()
            )
        except EditConflict as conflict:
            form = PreferencesForm(with_version(request, conflict.current_version))
            form.is_valid()
            form.add_error(None, conflict.message)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Your choices have been saved."))
            return redirect("notices:preferences")
    return _page(request, person, form)


@login_required
@require_POST
def feed_make(request: HttpRequest) -> HttpResponse:
    person = _person_of(request)
    if person is None:
        return _without_person(request)
    form = FeedForm(request.POST, bodies=_feed_bodies(request, person))
    preferences_form = PreferencesForm(initial=PreferencesForm.initial_for(preferences_of(person)))
    if not form.is_valid():
        messages.error(request, _("Choose one of your bodies for the feed."))
        return redirect("notices:preferences")
    body = visible_bodies(request.user).get(slug=form.cleaned_data["body"])
    try:
        made = services.feed_token_make(user=request.user, body=body)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("notices:preferences")
    # The address is shown on this answer only: it is stored as a hash.
    return _page(request, person, preferences_form, new_feed=made)


@login_required
@require_POST
def feed_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_of(request)
    if person is None:
        return _without_person(request)
    if services.feed_token_revoke(person=person, pk=pk):
        messages.success(request, _("The feed address no longer works."))
    return redirect("notices:preferences")


def personal_feed(request: HttpRequest, slug: str, secret: str) -> HttpResponse:
    """One body's meetings as the address's owner may see them, opened without signing in
    (the secret stands in for it). Nothing when the address is revoked, the account switched
    off, or the body no longer one the owner may see."""
    token = (
        FeedToken.objects.filter(
            key_hash=feed_token_hash(secret), revoked_at__isnull=True, body__slug=slug
        )
        .select_related("person", "body")
        .first()
    )
    account = getattr(token.person, "account", None) if token is not None else None
    if token is None or account is None or not account.is_active:
        raise Http404
    if not visible_bodies(account).filter(pk=token.body_id).exists():
        raise Http404
    body, person = token.body, token.person
    found = meetings.meeting_list(account, body=body).exclude(status=Status.CANCELLED)
    content = calendar_for(
        found,
        name=f"{body.name} ({person.name})",
        description=_(
            "The meetings of %(body)s that %(name)s may see, members-only ones included. "
            "A personal address: do not share it."
        )
        % {"body": body.name, "name": person.name},
    )
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{body.slug}.ics"'
    return keep_private(response)
