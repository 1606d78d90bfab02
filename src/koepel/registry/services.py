"""Writes to the registry. Every face — the admin, the pages, the API, the demo loader — saves
through these functions, so validation and what follows a change happen in one place.

Each ``<noun>_save`` takes ``expected_version``: the version the edit started from. When the
stored record has moved on since, the save is refused with EditConflict and nothing changes
(optimistic locking, see ``koepel.core.locking``). None means "no check", for loaders and
imports that do not edit a version they were shown."""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError, Q, RestrictedError
from django.utils.translation import gettext as _

from koepel.core.errors import StillReferenced
from koepel.core.locking import save_versioned
from koepel.registry.models import (
    Body,
    Membership,
    Municipality,
    Network,
    Organisation,
    Participation,
    Person,
    Population,
    Role,
)
from koepel.search import index

M = TypeVar("M", bound=models.Model)


def _validated_save(instance: M, expected_version: int | None = None) -> M:
    instance.full_clean()
    save_versioned(instance, expected_version=expected_version)
    return instance


@transaction.atomic
def network_save(*, network: Network, expected_version: int | None = None) -> Network:
    return _validated_save(network, expected_version)


@transaction.atomic
def municipality_save(
    *, municipality: Municipality, expected_version: int | None = None
) -> Municipality:
    municipality = _validated_save(municipality, expected_version)
    index.update(municipality)
    return municipality


@transaction.atomic
def population_set(
    *, municipality: Municipality, year: int, inhabitants: int, source: str
) -> Population:
    """Record the inhabitants of a municipality on 1 January of a year, replacing an old figure."""
    figure = Population.objects.filter(municipality=municipality, year=year).first()
    if figure is None:
        figure = Population(municipality=municipality, year=year)
    figure.inhabitants = inhabitants
    figure.source = source
    return _validated_save(figure)


@transaction.atomic
def population_save(*, population: Population, expected_version: int | None = None) -> Population:
    return _validated_save(population, expected_version)


@transaction.atomic
def membership_save(*, membership: Membership, expected_version: int | None = None) -> Membership:
    """Save a period of membership. A municipality is a member once at a time: a period that
    overlaps another of the same municipality is refused, naming the other."""
    membership.full_clean()
    # The city locked: two periods of one city saved at the same moment wait for each other,
    # so they cannot both pass the check below.
    list(Municipality.objects.select_for_update().filter(pk=membership.municipality_id))
    others = Membership.objects.filter(municipality_id=membership.municipality_id).exclude(
        pk=membership.pk
    )
    if membership.end is not None:
        others = others.filter(Q(start__isnull=True) | Q(start__lte=membership.end))
    if membership.start is not None:
        others = others.filter(Q(end__isnull=True) | Q(end__gte=membership.start))
    other = others.order_by("start").first()
    if other is not None:
        period = f"{other.start_display or '…'} – {other.end_display or '…'}"
        raise ValidationError(
            {
                "start": _(
                    "%(city)s is already a member in a period that overlaps this one "
                    "(%(period)s). Periods of membership do not overlap: end or change that "
                    "period first."
                )
                % {"city": membership.municipality, "period": period}
            },
            code="overlap",
        )
    save_versioned(membership, expected_version=expected_version)
    return membership


@transaction.atomic
def organisation_save(
    *, organisation: Organisation, expected_version: int | None = None
) -> Organisation:
    organisation = _validated_save(organisation, expected_version)
    index.update(organisation)
    return organisation


@transaction.atomic
def person_save(*, person: Person, expected_version: int | None = None) -> Person:
    person = _validated_save(person, expected_version)
    index.update(person)
    return person


@transaction.atomic
def person_anonymise(*, person: Person) -> Person:
    """Remove a person's contact details once their data has passed its retention. The name
    stays: it belongs to the minutes, attendance lists and other records that name them."""
    person.email = ""
    person.phone = ""
    return person_save(person=person)


@transaction.atomic
def body_save(*, body: Body, expected_version: int | None = None) -> Body:
    before = (
        Body.objects.filter(pk=body.pk).values("name", "visibility").first() if body.pk else None
    )
    body = _validated_save(body, expected_version)
    index.update(body)
    if before and (before["name"], before["visibility"]) != (body.name, body.visibility):
        # Its name sits in the trails of its records and of the bodies beneath it.
        index.refresh_for_bodies(Body.objects.with_descendants(body.pk))
    if before and before["visibility"] != body.visibility:
        # Who may find the people in it follows the bodies they sit in.
        for person in Person.objects.filter(roles__body=body).distinct():
            index.update(person)
    return body


@transaction.atomic
def role_save(*, role: Role, expected_version: int | None = None) -> Role:
    before = Role.objects.filter(pk=role.pk).values_list("person_id", flat=True).first()
    role = _validated_save(role, expected_version)
    index.update(role.body)  # the people named on the body
    # Who may find a person follows the bodies they sit in.
    seated = {pk for pk in (before, role.person_id) if pk is not None}
    for person in Person.objects.filter(pk__in=seated):
        index.update(person)
    return role


@transaction.atomic
def participation_save(
    *, participation: Participation, expected_version: int | None = None
) -> Participation:
    return _validated_save(participation, expected_version)


@transaction.atomic
def record_delete(*, record: models.Model) -> None:
    """Delete a registry record. Records that still refer to it (a person's roles, a body's
    parts) refuse the deletion with StillReferenced, and nothing is deleted."""
    try:
        with transaction.atomic():
            index.remove(record)
            record.delete()
    except (ProtectedError, RestrictedError) as error:
        raise StillReferenced.from_error(record, error) from error
    if isinstance(record, Role):
        index.update(record.body)  # the people named on the body
        if record.person_id:
            index.update(Person.objects.get(pk=record.person_id))
