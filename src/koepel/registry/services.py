"""Writes to the registry. Every face — the admin, the pages, the API, the demo loader — saves
through these functions, so validation and what follows a change happen in one place.

Each ``<noun>_save`` takes ``expected_version``: the version the edit started from. When the
stored record has moved on since, the save is refused with EditConflict and nothing changes
(optimistic locking, see ``koepel.core.locking``). None means "no check", for loaders and
imports that do not edit a version they were shown."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError, Q, RestrictedError
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from koepel.core import caching
from koepel.core.dates import Precision, format_partial_date
from koepel.core.errors import StillReferenced
from koepel.core.locking import claim_version, save_versioned
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
    Term,
    forget_terms,
)
from koepel.search import index

M = TypeVar("M", bound=models.Model)


def free_slug(model: type[models.Model], text: str, fallback: str) -> str:
    """A slug for a new record of ``model`` made from its name, with -2, -3, … when taken."""
    base = slugify(text)[:72].strip("-") or fallback
    slug, n = base, 1
    # "nieuw" is the address of the page that adds one.
    while slug == "nieuw" or model._default_manager.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


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
    # The member locked (the city or the organisation): two periods of one member saved at the
    # same moment wait for each other, so they cannot both pass the check below.
    if membership.municipality_id is not None:
        list(Municipality.objects.select_for_update().filter(pk=membership.municipality_id))
        others = Membership.objects.filter(municipality_id=membership.municipality_id)
    else:
        # full_clean above made sure one of the two is set.
        organisation_id = int(membership.organisation_id or 0)
        list(Organisation.objects.select_for_update().filter(pk=organisation_id))
        others = Membership.objects.filter(organisation_id=organisation_id)
    others = others.exclude(pk=membership.pk)
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
                % {"city": membership.municipality or membership.organisation, "period": period}
            },
            code="overlap",
        )
    save_versioned(membership, expected_version=expected_version)
    return membership


@transaction.atomic
def organisation_save(
    *, organisation: Organisation, expected_version: int | None = None
) -> Organisation:
    """Save an organisation. A new one gets a slug from its abbreviation or name; a second
    organisation of the same name is refused, naming the one there is."""
    if not organisation.slug:
        organisation.slug = free_slug(
            Organisation, organisation.abbreviation or organisation.name, "organisatie"
        )
    name = organisation.name.strip()
    same = Organisation.objects.filter(name__iexact=name).exclude(pk=organisation.pk).first()
    if name and same is not None:
        raise ValidationError(
            {
                "name": _(
                    "There already is an organisation called “%(name)s”. Choose that one "
                    "instead of adding it again, or give this one a name that tells them apart."
                )
                % {"name": same.name}
            },
            code="duplicate_name",
        )
    organisation = _validated_save(organisation, expected_version)
    index.update(organisation)
    return organisation


@transaction.atomic
def person_save(
    *, person: Person, expected_version: int | None = None, actor: Any = None
) -> Person:
    """Save a person. A new one gets a slug from their name. An e-mail address belongs to one
    person: a second person with the address of another is refused, naming the other (mail,
    invitations and accounts find a person by it) when ``actor`` may see that person (None:
    Koepel itself or the office's back office, which sees everyone); a person the actor may
    not see is not named."""
    if not person.slug:
        person.slug = free_slug(Person, person.name, "persoon")
    person.email = person.email.strip()
    if person.email:
        other = Person.objects.filter(email__iexact=person.email).exclude(pk=person.pk).first()
        if other is not None:
            from koepel.accounts.access import can_view

            if actor is None or can_view(actor, other):
                message = _(
                    "%(name)s already has the e-mail address %(email)s. An address belongs "
                    "to one person: change that person, or give another address."
                ) % {"name": other.name, "email": person.email}
            else:
                message = _(
                    "Someone else already has the e-mail address %(email)s. An address "
                    "belongs to one person: give another address, or ask the network office."
                ) % {"email": person.email}
            raise ValidationError({"email": message}, code="duplicate_email")
    person = _validated_save(person, expected_version)
    index.update(person)
    return person


@transaction.atomic
def person_language_set(*, person: Person, language: str) -> Person:
    """The language a person chose for the mail Koepel sends them (their own choice, on their
    notifications page)."""
    person.language = language
    person.full_clean()
    save_versioned(person, expected_version=None, update_fields=["language"])
    return person


@transaction.atomic
def person_anonymise(*, person: Person, expected_version: int | None = None) -> Person:
    """Remove a person's contact details once their data has passed its retention, or when the
    office is asked to. The name stays: it belongs to the minutes, attendance lists and other
    records that name them."""
    person.email = ""
    person.phone = ""
    return person_save(person=person, expected_version=expected_version)


@transaction.atomic
def body_save(*, body: Body, expected_version: int | None = None) -> Body:
    if not body.slug:
        body.slug = free_slug(Body, body.name, "gremium")
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


def _period_text(record: Role | Participation) -> str:
    return f"{record.start_display or '…'} – {record.end_display or '…'}"


def _overlapping(records: models.QuerySet[M], record: Role | Participation) -> models.QuerySet[M]:
    """Of ``records``, those whose period shares a day with ``record``'s (itself left out)."""
    others = records.exclude(pk=record.pk)
    if record.end is not None:
        others = others.filter(Q(start__isnull=True) | Q(start__lte=record.end))
    if record.start is not None:
        others = others.filter(Q(end__isnull=True) | Q(end__gte=record.start))
    return others


def _refuse_overlapping_role(role: Role) -> None:
    """A person holds one function in one body once at a time: a second chair of the same
    person beside the first is a mistake of dates (a hand-over typed twice, a wrong end)."""
    if role.person_id is None:
        return  # a vacancy: a body may have several seats of one function open at once
    # The person locked: two roles of one person saved at the same moment wait for each other,
    # so they cannot both pass the check below.
    list(Person.objects.select_for_update().filter(pk=role.person_id))
    same = Role.objects.filter(
        person_id=role.person_id, body_id=role.body_id, function=role.function
    )
    other = _overlapping(same, role).order_by("start").first()
    if other is not None:
        raise ValidationError(
            {
                "start": _(
                    "%(person)s already holds this function in %(body)s in a period that "
                    "overlaps this one (%(period)s). End that role first, or choose other dates."
                )
                % {"person": role.person, "body": role.body, "period": _period_text(other)}
            },
            code="role_overlap",
        )


def ending_with(body: Body, last: dt.date) -> tuple[list[Role], list[Participation]]:
    """The roles and participations of a body that still run after ``last``: what ends with the
    body when it is dissolved on that day."""
    running = Q(end__isnull=True) | Q(end__gt=last)
    roles = list(
        body.roles.filter(running).select_related("person", "body").order_by("start", "pk")
    )
    participations = list(
        body.participations.filter(running)
        .select_related("municipality", "organisation", "body")
        .order_by("start", "pk")
    )
    return roles, participations


@transaction.atomic
def body_end(
    *,
    body: Body,
    end: dt.date,
    end_precision: str = Precision.DAY,
    expected_version: int | None = None,
) -> Body:
    """Dissolve a body on a day (or in a month or year): it gets that end, and the roles and
    participations in it that still run after it end with it, so that nobody keeps a seat (and
    the rights a seat gives) in a body that is gone. Nothing is deleted: the body, its roles
    and its meetings stay as history.

    Refused, with nothing changed, while a body that is part of it runs on after that day, or
    while a role or participation in it only starts after it."""
    body.end, body.end_precision = end, end_precision
    body.full_clean()
    last: dt.date = body.end or end  # the last day, once full_clean read its precision
    parts = list(
        body.children.filter(Q(end__isnull=True) | Q(end__gt=last)).values_list("name", flat=True)
    )
    if parts:
        raise ValidationError(
            {
                "end": _(
                    "These bodies are part of it and run on after that day: %(names)s. "
                    "End them first, or move them to another body."
                )
                % {"names": ", ".join(parts)}
            },
            code="parts_running",
        )
    later = (
        body.roles.filter(start__gt=last).count()
        + body.participations.filter(start__gt=last).count()
    )
    if later:
        raise ValidationError(
            {
                "end": ngettext(
                    "%(count)d role or participation in it starts after that day. Change it "
                    "first, or choose a later day.",
                    "%(count)d roles or participations in it start after that day. Change them "
                    "first, or choose a later day.",
                    later,
                )
                % {"count": later}
            },
            code="starts_later",
        )
    roles, participations = ending_with(body, last)
    body = body_save(body=body, expected_version=expected_version)
    for role in roles:
        role.end, role.end_precision = last, end_precision
        role_save(role=role)
    for participation in participations:
        participation.end, participation.end_precision = last, end_precision
        participation_save(participation=participation)
    return body


@transaction.atomic
def role_save(*, role: Role, expected_version: int | None = None) -> Role:
    """Save a role. The same person in the same function of the same body in two periods that
    overlap is refused, naming the other period."""
    before = Role.objects.filter(pk=role.pk).values_list("person_id", flat=True).first()
    role.full_clean()
    _refuse_overlapping_role(role)
    save_versioned(role, expected_version=expected_version)
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
    """Save a participation. A city or organisation takes part in a body once at a time: a
    period that overlaps another of the same participant in the same body is refused."""
    participation.full_clean()
    # The body locked: two participations saved at once wait for each other.
    list(Body.objects.select_for_update().filter(pk=participation.body_id))
    same = Participation.objects.filter(body_id=participation.body_id)
    if participation.municipality_id is not None:
        same = same.filter(municipality_id=participation.municipality_id)
    else:
        same = same.filter(organisation_id=participation.organisation_id or 0)
    other = _overlapping(same, participation).order_by("start").first()
    if other is not None:
        raise ValidationError(
            {
                "start": _(
                    "%(participant)s already takes part in %(body)s in a period that overlaps "
                    "this one (%(period)s). End that participation first, or choose other dates."
                )
                % {
                    "participant": participation.participant,
                    "body": participation.body,
                    "period": _period_text(other),
                }
            },
            code="participation_overlap",
        )
    save_versioned(participation, expected_version=expected_version)
    return participation


def _end_on(record: Role | Participation, last_day: dt.date) -> None:
    record.end = last_day
    record.end_precision = Precision.DAY


@transaction.atomic
def role_end(
    *, role: Role, last_day: dt.date, expected_version: int | None, leave_vacant: bool = False
) -> Role | None:
    """End a role on its last day. With ``leave_vacant`` the seat stays, empty, from the next
    day until a successor is named (see ``role_hand_over``): the vacancy is returned."""
    if role.person_id is None:
        raise ValidationError(
            _("This seat is vacant: name a successor to fill it instead of ending it."),
            code="vacancy_end",
        )
    _end_on(role, last_day)
    role_save(role=role, expected_version=expected_version)
    if not leave_vacant:
        return None
    return role_save(role=_seat_after(role, person=None))


def _seat_after(role: Role, *, person: Person | None) -> Role:
    """A role in the same seat as ``role`` (body, function, level, on whose behalf), held by
    ``person`` (None: vacant) from the day after ``role`` ends (which it does)."""
    start = role.end + dt.timedelta(days=1) if role.end is not None else None
    return Role(
        person=person,
        body=role.body,
        function=role.function,
        function_detail=role.function_detail,
        level=role.level,
        on_behalf_of_municipality=role.on_behalf_of_municipality,
        on_behalf_of_organisation=role.on_behalf_of_organisation,
        start=start,
        start_precision=Precision.DAY,
    )


@transaction.atomic
def role_hand_over(
    *, role: Role, successor: Person, first_day: dt.date, expected_version: int | None
) -> Role:
    """ "X succeeds Y as chair from 1 September": ``role`` (Y's) ends the day before
    ``first_day`` and ``successor`` holds the same seat — body, function, level, on whose
    behalf — from ``first_day`` on, with no end. Both or neither: a refusal of the new role
    leaves the old one as it was. A vacant seat is filled the same way; filled on the day it
    fell vacant, the vacancy simply becomes the successor's role."""
    if successor.pk == role.person_id:
        raise ValidationError(
            {
                "successor": _(
                    "The successor is the person who holds the role now. Choose someone else."
                )
            },
            code="same_person",
        )
    if role.end is not None and role.end < first_day:
        raise ValidationError(
            {
                "first_day": _(
                    "This role already ended on %(end)s: there is nothing to hand over on "
                    "%(day)s. Add a new role instead."
                )
                % {"end": role.end_display, "day": format_partial_date(first_day)}
            },
            code="already_ended",
        )
    if role.person_id is None and role.start is not None and first_day == role.start:
        role.person = successor
        return role_save(role=role, expected_version=expected_version)
    if role.start is not None and first_day <= role.start:
        raise ValidationError(
            {
                "first_day": _("The role started on %(start)s; a successor starts after that day.")
                % {"start": role.start_display}
            },
            code="hand_over_before_start",
        )
    planned_end = role.end
    _end_on(role, first_day - dt.timedelta(days=1))
    role_save(role=role, expected_version=expected_version)
    new = _seat_after(role, person=successor)
    if planned_end is not None:
        # The seat was to end (a term of office): the successor's role ends when it would have.
        new.end, new.end_precision = planned_end, Precision.DAY
    return role_save(role=new)


@transaction.atomic
def roles_end_for_term(
    *, roles: Sequence[tuple[Role, int | None]], last_day: dt.date
) -> list[Role]:
    """After municipal elections: end each of these roles on ``last_day`` (each with the
    version its page showed) and leave each seat vacant from the next day until a successor is
    named. All or nothing: one role changed since, or refused, and none is ended. The
    vacancies are returned."""
    vacancies: list[Role] = []
    for role, version in roles:
        vacancy = role_end(
            role=role, last_day=last_day, expected_version=version, leave_vacant=True
        )
        if vacancy is not None:  # always: leave_vacant
            vacancies.append(vacancy)
    return vacancies


@transaction.atomic
def participation_end(
    *, participation: Participation, last_day: dt.date, expected_version: int | None
) -> Participation:
    """End a participation on its last day."""
    _end_on(participation, last_day)
    return participation_save(participation=participation, expected_version=expected_version)


# Ids read or indexed at a time by an import (well below the databases' limits on parameters).
IMPORT_BATCH = 2000


def _in_batches(ids: set[int]) -> list[list[int]]:
    ordered = sorted(ids)
    return [ordered[i : i + IMPORT_BATCH] for i in range(0, len(ordered), IMPORT_BATCH)]


def _waves(records: list[models.Model]) -> list[tuple[type[models.Model], list[models.Model]]]:
    """The records in groups of one model, in their order, where no record refers to another
    of its group (a body and the body it is part of go in two groups, parent first)."""
    waves: list[tuple[type[models.Model], list[models.Model]]] = []
    members: set[int] = set()
    for record in records:
        refers = {
            id(related)
            for field in record._meta.concrete_fields
            if field.is_relation and field.is_cached(record)  # type: ignore[attr-defined]
            for related in [field.get_cached_value(record)]  # type: ignore[attr-defined]
            if related is not None
        }
        if not waves or waves[-1][0] is not type(record) or refers & members:
            waves.append((type(record), []))
            members = set()
        waves[-1][1].append(record)
        members.add(id(record))
    return waves


def _create_in_bulk(records: list[models.Model]) -> None:
    """Insert new records many at a time, each with the audit-trail entry its ``save()`` would
    have made (the same changes, actor and command). The trail's library logs one save at a
    time; here its entries are made as it makes them and written together."""
    from auditlog.cid import get_cid
    from auditlog.diff import model_instance_diff
    from auditlog.models import LogEntry
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from django.db.models.signals import pre_save
    from django.utils.encoding import smart_str

    entries: list[LogEntry] = []
    for model, new in _waves(records):
        for record in new:
            # What save() does before an insert: the related ids of records saved just now.
            record._prepare_related_fields_for_save(operation_name="bulk_create")  # type: ignore[attr-defined]
        model._default_manager.bulk_create(new, batch_size=IMPORT_BATCH)
        # A bulk insert passes by the model signals: the kept parts that show these records
        # are made again all the same (koepel.core.caching).
        caching.bump_model(model)
        content_type = ContentType.objects.get_for_model(model)
        for record in new:
            record._state.adding = False
            changes = model_instance_diff(
                None,
                record,
                use_json_for_changes=getattr(settings, "AUDITLOG_STORE_JSON_CHANGES", False),
            )
            entry = LogEntry(
                content_type=content_type,
                object_pk=str(record.pk),
                object_id=record.pk,
                object_repr=smart_str(record),
                serialized_data=LogEntry.objects._get_serialized_data_or_none(record),
                action=LogEntry.Action.CREATE,
                changes=changes,
                cid=get_cid(),
            )
            # The actor, address and command of the request or command under way, as the
            # trail's library sets them on every entry it saves.
            pre_save.send(sender=LogEntry, instance=entry, raw=False, using="default")
            entries.append(entry)
    LogEntry.objects.bulk_create(entries, batch_size=IMPORT_BATCH)


@transaction.atomic
def imported_save(*, records: Sequence[models.Model]) -> None:
    """Save the records of an import, in the order given (what others refer to first).

    The importer has validated each with ``full_clean`` and checked the references and unique
    keys of the whole file at once (``koepel.registry.exchange``); a record it found unchanged
    it leaves out. Each record is saved as the ``<noun>_save`` above saves it (a new version,
    the audit trail), and what those do to the search index is done once for all records
    together instead of once per record: the same entries, a few queries instead of thousands.
    """
    existing_bodies = [r.pk for r in records if isinstance(r, Body) and r.pk]
    bodies_before = {
        pk: (name, visibility)
        for batch in _in_batches(set(existing_bodies))
        for pk, name, visibility in Body.objects.filter(pk__in=batch).values_list(
            "pk", "name", "visibility"
        )
    }
    existing_roles = {r.pk for r in records if isinstance(r, Role) and r.pk}
    people: set[int] = {
        person
        for batch in _in_batches(existing_roles)
        for person in Role.objects.filter(pk__in=batch, person__isnull=False).values_list(
            "person_id", flat=True
        )
    }
    indexed: dict[type[models.Model], set[int]] = {
        Municipality: set(),
        Organisation: set(),
        Body: set(),
    }
    new = [record for record in records if record.pk is None]
    _create_in_bulk(new)
    created = {id(record) for record in new}
    for record in records:
        if id(record) not in created:
            save_versioned(record, expected_version=None)
        if isinstance(record, Role):
            indexed[Body].add(record.body_id)
            if record.person_id:
                people.add(record.person_id)
        elif isinstance(record, Person):
            people.add(record.pk)
        elif type(record) in indexed:
            indexed[type(record)].add(record.pk)
    changed_bodies = {
        body.pk
        for body in records
        if isinstance(body, Body)
        and body.pk in bodies_before
        and bodies_before[body.pk] != (body.name, body.visibility)
    }
    if changed_bodies:
        # Their names and visibility sit in the trails of their records and of the bodies
        # beneath them, and who may find the people in them follows them.
        index.refresh_for_bodies(Body.objects.with_descendants(*changed_bodies))
        people |= set(
            Role.objects.filter(body__in=changed_bodies, person__isnull=False).values_list(
                "person_id", flat=True
            )
        )
    indexed[Person] = people
    for model, ids in indexed.items():
        for batch in _in_batches(ids):
            index.update_many(model._default_manager.filter(pk__in=batch))


@transaction.atomic
def term_save(*, term: Term, expected_version: int | None = None) -> Term:
    """Add a term to one of the network's vocabularies, or change its labels, order or meaning.
    Its code and vocabulary stay as they are once records use it: they are what those records
    store."""
    if term.pk is not None:
        stored = Term.objects.filter(pk=term.pk).values("code", "vocabulary").first()
        if stored and (stored["code"], stored["vocabulary"]) != (term.code, term.vocabulary):
            in_use = Term(vocabulary=stored["vocabulary"], code=stored["code"]).users()
            if in_use:
                raise ValidationError(
                    {
                        "code": ngettext(
                            "The code cannot change: %(count)d record uses it.",
                            "The code cannot change: %(count)d records use it.",
                            in_use,
                        )
                        % {"count": in_use}
                    },
                    code="term_in_use",
                )
    term = _validated_save(term, expected_version)
    forget_terms()
    return term


@transaction.atomic
def term_delete(*, term: Term, expected_version: int | None = None) -> None:
    """Delete a term no record uses; a term in use is refused with a message saying how many
    records use it, and nothing is deleted. A term changed since the page was shown is not
    deleted either (EditConflict)."""
    claim_version(term, expected_version)
    in_use = term.users()
    if in_use:
        raise ValidationError(
            ngettext(
                "“%(term)s” cannot be deleted: %(count)d record uses it. Change that record first.",
                "“%(term)s” cannot be deleted: %(count)d records use it. Change those records "
                "first.",
                in_use,
            )
            % {"term": term.label, "count": in_use},
            code="term_in_use",
        )
    term.delete()
    forget_terms()


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
