"""Writes of the notices app: a person's choices and their personal feed addresses."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from koepel.accounts.access import visible_bodies
from koepel.core.locking import save_versioned
from koepel.notices.models import FeedToken, Preferences, feed_token_hash, new_feed_secret
from koepel.registry.models import Body, Person
from koepel.registry.services import person_language_set


@transaction.atomic
def preferences_save(*, person: Person, version: int | None, **choices: Any) -> Preferences:
    """Save a person's choices per kind and their language; ``version`` is the one the form
    started from (None for a person who never chose). The language is the person's own: every
    mail Koepel sends them is in it."""
    language = choices.pop("language", None)
    if language is not None and language != person.language:
        person_language_set(person=person, language=language)
    preferences = Preferences.objects.filter(person=person).first()
    if preferences is None:
        preferences = Preferences(person=person)
        version = None
    for name, value in choices.items():
        if name not in set(Preferences.FIELDS.values()):
            raise TypeError(f"Not a choice: {name}")
        setattr(preferences, name, value)
    preferences.full_clean()
    save_versioned(preferences, expected_version=version)
    return preferences


@transaction.atomic
def feed_token_make(*, user: Any, body: Body) -> tuple[FeedToken, str]:
    """A new secret address for the person's feed of ``body``; an earlier one for the same body
    stops working. The secret is returned once and stored only as a hash."""
    person = getattr(user, "person", None)
    if person is None:
        raise ValidationError(_("Only an account linked to a person has personal feeds."))
    if not visible_bodies(user).filter(pk=body.pk).exists():
        raise ValidationError(_("Choose a body you may see."))
    feed_token_revoke(person=person, body=body)
    secret = new_feed_secret()
    token = FeedToken.objects.create(person=person, body=body, key_hash=feed_token_hash(secret))
    return token, secret


@transaction.atomic
def feed_token_revoke(*, person: Person, body: Body | None = None, pk: int | None = None) -> int:
    """Switch off the person's feed address of ``body`` (or the one ``pk``); how many."""
    tokens = FeedToken.objects.filter(person=person, revoked_at__isnull=True)
    if body is not None:
        tokens = tokens.filter(body=body)
    if pk is not None:
        tokens = tokens.filter(pk=pk)
    count = 0
    # One save per address, so the audit trail records each.
    for token in tokens:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        count += 1
    return count
