"""Who may keep a copy of an answer.

The rule: an answer whose content depends on who asks is kept by nobody — not by a shared
cache, not in the browser's cache or history on disk. That is every answer to a signed-in user
(what they see follows their seats: restricted records, contact details, their calendar
address, a newly made API token), and an answer addressed by a secret instead of a session (a
personal calendar feed), which its view marks with ``keep_private``. Answers to visitors who
are not signed in show only what is public and keep whatever caching their view gives them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

PRIVATE = "private, no-store"


def keep_private(response: HttpResponse) -> HttpResponse:
    """Mark the answer as for this reader alone and not to be stored anywhere."""
    current = response.get("Cache-Control", "")
    if "no-store" in current:
        patch_cache_control(response, private=True)
    else:
        # A lifetime the view gave (max-age=300) no longer applies once nothing may store it.
        response["Cache-Control"] = PRIVATE
    return response


class PrivateWhenSignedInMiddleware:
    """Applies ``keep_private`` to every answer to a signed-in user."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            keep_private(response)
        return response


def personal(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a view whose answer is made for the one person asking ("Mijn werk"): it is kept
    private and never stored, whoever asks, and ``view.personal`` tells a cache put in front of
    the views later that this answer is never shared between users, whatever its address."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return keep_private(view(request, *args, **kwargs))

    wrapped.personal = True  # type: ignore[attr-defined]
    return wrapped
