"""The registry in and out: members, organisations, people, bodies, roles and participations as
tables, exported as CSV or Excel and imported from the same files.

One format, both ways: each kind of record has one :class:`~koepel.core.tables.Table` — Dutch
headers, stable keys (CBS code; the ``sleutel`` of an organisation, person or body), dates in
ISO form ("2021-09-14", or "2021-09" and "2021" where only the month or year is known) and the
model's own codes for kinds and functions — and what an export writes an import reads back.

Export (:func:`export_rows`) gives the records the viewer may see, through the one access check
(``koepel.accounts.access``): a body kept from the viewer, and the roles and participations in
it, are not in the file; contact details only for members of the network; a role's internal
note only for the office.

Import (:func:`run_import`) reads every row of every file given before anything is written. A
row is checked as a form checks it: its references (a body's key, a CBS code or the name of a
municipality, a person's key) are looked up for the whole file at once, and the record is built
and checked with the model's ``full_clean``. Each problem is reported with its row, its column
and a Dutch message; if there is any, nothing is written. Otherwise every new or changed record
is written in one transaction (``services.imported_save``); a row equal to what is stored is
left alone, so importing an export again changes nothing. An import adds and changes; it never
deletes a record missing from the file.

Which row is which record: an organisation, person or body by its key; a membership by its
member (a municipality by CBS code or name, an organisation by its key) and start; a role by its
body, person, function, function detail and start; a participation by its body, participant and
start. People and roles (and bodies, organisations and everything that refers to them) may be
imported together: a role may name a person the same import adds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import F, QuerySet
from django.utils.functional import Promise
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from koepel.accounts.access import (
    can_manage_registry,
    can_see_contact_details,
    records,
    visible_bodies,
)
from koepel.core.dates import Precision, parse_partial_date
from koepel.core.tables import Column, Row, Table, TableFileError, read
from koepel.registry import services
from koepel.registry.models import (
    Body,
    Membership,
    Municipality,
    Organisation,
    Participation,
    Person,
    Role,
    remembered_terms,
)
from koepel.registry.municipalities import PROVINCES_BY_NAME, Finder


def partial_date(value: dt.date | None, precision: str) -> str:
    """A date as the file writes it: to the day, the month or the year, as it is known."""
    if value is None:
        return ""
    if precision == Precision.YEAR:
        return f"{value.year:04d}"
    if precision == Precision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def _start(record: Any) -> str:
    return partial_date(record.start, record.start_precision)


def _end(record: Any) -> str:
    return partial_date(record.end, record.end_precision)


def _slug(record: models.Model | None) -> str:
    return "" if record is None else str(getattr(record, "slug", ""))


def _code(record: Municipality | None) -> str:
    return "" if record is None else record.cbs_code


PERIOD = (Column("begin", "begin", _start), Column("einde", "einde", _end))


# --- What a problem is --------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a file: its row (0: the file as a whole), column header and message."""

    kind: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = _("row %(row)d") % {"row": self.row} if self.row else _("the file")
        if self.column:
            where = f"{where}, {self.column}"
        return f"{self.kind}, {where}: {self.message}"


class RowProblems(Exception):
    """Raised inside a kind's reading of one row: its problems so far, and the record as far as
    it could be built, whose own checks then find the row's other problems."""

    def __init__(self, problems: dict[str, list[str]], record: models.Model | None = None) -> None:
        super().__init__(problems)
        self.problems = problems
        self.record = record


@dataclass
class Outcome:
    """What an import did, or would do on a dry run, per kind of record."""

    dry_run: bool
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def written(self) -> bool:
        return not self.dry_run and not self.problems


# --- The state shared by the kinds of one import --------------------------------------------------


class Lookups:
    """The stored records an import refers to, read once, and the ones it adds, by key."""

    def __init__(self) -> None:
        self._finder: Finder | None = None
        self.organisations: dict[str, Organisation] = {}
        self.bodies: dict[str, Body] = {}
        self.people: dict[str, Person] = {}
        self.municipalities: dict[str, Municipality] = {}
        self._organisations_read = False
        self._bodies_read = False
        # The province of each stored municipality as read, to tell which a row changed.
        self.provinces: dict[str, str] = {}

    @property
    def finder(self) -> Finder:
        if self._finder is None:
            self._finder = Finder()
        return self._finder

    def municipality(self, *, code: str = "", name: str = "") -> Municipality:
        try:
            cbs_code = self.finder.code_for(code=code, name=name)
        except ValueError as error:
            raise ValidationError(str(error)) from error
        if cbs_code not in self.municipalities:
            municipality = self.finder.unsaved(cbs_code)
            self.provinces[cbs_code] = municipality.province
            self.municipalities[cbs_code] = municipality
        return self.municipalities[cbs_code]

    def municipalities_to_save(self) -> list[Municipality]:
        """The municipalities of the national list the import uses for the first time, and
        those whose province a row filled in or changed."""
        return [
            municipality
            for code, municipality in self.municipalities.items()
            if municipality.pk is None or municipality.province != self.provinces[code]
        ]

    def read_organisations(self) -> dict[str, Organisation]:
        if not self._organisations_read:
            for stored in Organisation.objects.all():
                self.organisations.setdefault(stored.slug, stored)
            self._organisations_read = True
        return self.organisations

    def read_bodies(self) -> dict[str, Body]:
        if not self._bodies_read:
            for stored in Body.objects.all():
                self.bodies.setdefault(stored.slug, stored)
            self._bodies_read = True
        return self.bodies

    def organisation(self, slug: str) -> Organisation:
        found = self.read_organisations().get(slug)
        if found is None:
            raise ValidationError(_("No organisation has the key “%(key)s”.") % {"key": slug})
        return found

    def body(self, slug: str) -> Body:
        found = self.read_bodies().get(slug)
        if found is None:
            raise ValidationError(_("No body has the key “%(key)s”.") % {"key": slug})
        return found

    def read_people(self, slugs: Iterable[str]) -> None:
        wanted = {slug for slug in slugs if slug and slug not in self.people}
        batch = sorted(wanted)
        for i in range(0, len(batch), services.IMPORT_BATCH):
            for person in Person.objects.filter(slug__in=batch[i : i + services.IMPORT_BATCH]):
                self.people[person.slug] = person

    def person(self, slug: str) -> Person:
        found = self.people.get(slug)
        if found is None:
            raise ValidationError(_("No person has the key “%(key)s”.") % {"key": slug})
        return found


# --- The kinds of record ----------------------------------------------------------------------------


@dataclass
class Kind:
    """One kind of record as a table: its columns, the records an export gives a viewer, and
    how an import reads a row into a record."""

    name: str
    title: Promise
    table: Table
    model: type[models.Model]
    export: Callable[[Any], Iterable[Any]]
    # Reads the file's rows before the first one is built (references, stored records).
    prepare: Callable[[list[Row], Lookups], dict[Any, models.Model]]
    # Builds (or changes) the record of one row: (identity, record, fields to check).
    build: Callable[[Row, Lookups, dict[Any, models.Model]], tuple[Any, models.Model]]
    # Model fields and the column their errors belong to.
    columns_of_fields: dict[str, str] = field(default_factory=dict)
    # Foreign keys the importer has resolved itself (their existence is known).
    resolved: tuple[str, ...] = ()


def _cell(row: Row, key: str, problems: dict[str, list[str]], read: Callable[[str], Any]) -> Any:
    """A cell read by ``read``; its problem noted under the column's key."""
    try:
        return read(row[key])
    except ValidationError as error:
        problems.setdefault(key, []).extend(error.messages)
        return None


def _required(text: str) -> str:
    if not text:
        raise ValidationError(_("This column must be filled in."))
    return text


def _optional(reader: Callable[[str], Any]) -> Callable[[str], Any]:
    return lambda text: reader(text) if text else None


def _period(record: Any, row: Row, problems: dict[str, list[str]]) -> None:
    start = _cell(row, "begin", problems, _optional(parse_partial_date))
    end = _cell(row, "einde", problems, _optional(parse_partial_date))
    record.start, record.start_precision = start or (None, Precision.DAY)
    record.end, record.end_precision = end or (None, Precision.DAY)


def _number(text: str) -> int | None:
    if not text:
        return None
    if not text.isdigit():
        raise ValidationError(_("“%(value)s” is not a whole number.") % {"value": text})
    return int(text)


def _key(row: Row, name_column: str, stored: Callable[[str], bool]) -> str:
    """The key of a row: as given, or made from its name when the cell is empty (and then
    refused when a stored record already has it: name the record with a key)."""
    given = row["sleutel"]
    if given:
        return given
    made = slugify(row[name_column])[:80]
    if made and stored(made):
        raise ValidationError(
            _(
                "A record with the key “%(key)s” already exists. Give the key to change it, or another key for a new one."
            )
            % {"key": made}
        )
    return made


# Members ---------------------------------------------------------------------------------------


def _members_export(user: Any) -> QuerySet[Membership]:
    # The municipalities first (by CBS code), then the members that are organisations (by key).
    return (
        records(Membership, user)
        .select_related("municipality", "organisation")
        .order_by(
            F("municipality__cbs_code").asc(nulls_last=True), "organisation__slug", "start", "pk"
        )
    )


def _member_identity(membership: Membership) -> tuple[str, str, dt.date | None]:
    """Which member a membership is of, and from when: a municipality by its CBS code, an
    organisation by its key (the two kinds of key cannot be mistaken for each other)."""
    if membership.municipality is not None:
        return ("gemeente", membership.municipality.cbs_code, membership.start)
    return ("organisatie", _slug(membership.organisation), membership.start)


def _members_prepare(rows: list[Row], lookups: Lookups) -> dict[Any, models.Model]:
    return {
        _member_identity(m): m
        for m in Membership.objects.select_related("municipality", "organisation")
    }


def _members_build(
    row: Row, lookups: Lookups, stored: dict[Any, models.Model]
) -> tuple[Any, models.Model]:
    problems: dict[str, list[str]] = {}
    municipality = organisation = None
    names_municipality = bool(row["cbs_code"] or row["gemeente"])
    if row["organisatie"]:
        if names_municipality:
            problems["organisatie"] = [
                _(
                    "A member is a municipality or an organisation: fill in cbs-code or "
                    "gemeente, or organisatie, not both."
                )
            ]
        else:
            organisation = _cell(row, "organisatie", problems, lookups.organisation)
            if row["provincie"]:
                problems["provincie"] = [
                    _("A province is only filled in for a municipality that is a member.")
                ]
    elif not names_municipality:
        problems["cbs_code"] = [
            _(
                "A member is a municipality or an organisation: fill in cbs-code or gemeente, "
                "or organisatie."
            )
        ]
    else:
        try:
            municipality = lookups.municipality(code=row["cbs_code"], name=row["gemeente"])
        except ValidationError as error:
            problems["cbs_code" if row["cbs_code"] else "gemeente"] = error.messages
    province = row["provincie"]
    if municipality is not None and province:
        code = PROVINCES_BY_NAME.get(province.lower())
        if code is None:
            problems["provincie"] = [
                _("“%(value)s” is not a Dutch province.") % {"value": province}
            ]
        elif municipality.province != code:
            municipality.province = code
            lookups.municipalities[municipality.cbs_code] = municipality
    membership = Membership()
    _period(membership, row, problems)
    if problems or (municipality is None and organisation is None):
        raise RowProblems(problems)
    membership.municipality, membership.organisation = municipality, organisation
    identity = _member_identity(membership)
    found = stored.get(identity)
    if isinstance(found, Membership):
        found.start, found.start_precision = membership.start, membership.start_precision
        found.end, found.end_precision = membership.end, membership.end_precision
        found.municipality, found.organisation = municipality, organisation
        membership = found
    return identity, membership


MEMBERS = Kind(
    name="leden",
    title=gettext_lazy("members"),
    table=Table(
        "leden",
        (
            Column("cbs_code", "cbs-code", lambda m: _code(m.municipality)),
            Column("gemeente", "gemeente", lambda m: m.municipality.name if m.municipality else ""),
            Column(
                "provincie",
                "provincie",
                lambda m: m.municipality.get_province_display() if m.municipality else "",
            ),
            # A member that is not a municipality (a province, a water board): its key.
            Column("organisatie", "organisatie", lambda m: _slug(m.organisation)),
            *PERIOD,
        ),
    ),
    model=Membership,
    export=_members_export,
    prepare=_members_prepare,
    build=_members_build,
    columns_of_fields={
        "start": "begin",
        "end": "einde",
        "municipality": "gemeente",
        "organisation": "organisatie",
    },
    resolved=("municipality", "organisation"),
)


# Organisations ---------------------------------------------------------------------------------


def _organisations_build(
    row: Row, lookups: Lookups, stored: dict[Any, models.Model]
) -> tuple[Any, models.Model]:
    problems: dict[str, list[str]] = {}
    slug = _cell(row, "sleutel", problems, lambda _text: _key(row, "naam", stored.__contains__))
    if problems:
        raise RowProblems(problems)
    found = stored.get(slug)
    organisation = found if isinstance(found, Organisation) else Organisation(slug=slug)
    organisation.name = row["naam"]
    organisation.abbreviation = row["afkorting"]
    organisation.kind = row["soort"]
    organisation.tooi_uri = row["tooi_uri"]
    organisation.website = row["website"]
    lookups.organisations[slug] = organisation
    return slug, organisation


ORGANISATIONS = Kind(
    name="organisaties",
    title=gettext_lazy("organisations"),
    table=Table(
        "organisaties",
        (
            Column("sleutel", "sleutel", lambda o: o.slug),
            Column("naam", "naam", lambda o: o.name, required=True),
            Column("afkorting", "afkorting", lambda o: o.abbreviation),
            Column("soort", "soort", lambda o: o.kind, required=True),
            Column("tooi_uri", "tooi-uri", lambda o: o.tooi_uri),
            Column("website", "website", lambda o: o.website),
        ),
    ),
    model=Organisation,
    export=lambda user: records(Organisation, user).order_by("slug"),
    prepare=lambda rows, lookups: dict(lookups.read_organisations()),
    build=_organisations_build,
    columns_of_fields={
        "slug": "sleutel",
        "name": "naam",
        "abbreviation": "afkorting",
        "kind": "soort",
        "tooi_uri": "tooi_uri",
        "website": "website",
    },
)


# People ----------------------------------------------------------------------------------------


def _people_export(user: Any) -> Iterable[Person]:
    people = records(Person, user).select_related("municipality", "organisation").order_by("slug")
    if can_see_contact_details(user):
        return people
    return (_without_contact(person) for person in people.iterator(chunk_size=2000))


def _without_contact(person: Person) -> Person:
    person.email = ""
    person.phone = ""
    return person


def _people_prepare(rows: list[Row], lookups: Lookups) -> dict[Any, models.Model]:
    lookups.read_people(row["sleutel"] for row in rows)
    return dict(lookups.people)


def _people_build(
    row: Row, lookups: Lookups, stored: dict[Any, models.Model]
) -> tuple[Any, models.Model]:
    problems: dict[str, list[str]] = {}

    def taken(slug: str) -> bool:
        return slug in stored or Person.objects.filter(slug=slug).exists()

    slug = _cell(row, "sleutel", problems, lambda _text: _key(row, "naam", taken))
    municipality = _cell(
        row, "gemeente", problems, lambda code: lookups.municipality(code=code) if code else None
    )
    organisation = _cell(
        row, "organisatie", problems, lambda slug: lookups.organisation(slug) if slug else None
    )
    found = stored.get(slug)
    person = found if isinstance(found, Person) else Person(slug=slug or "")
    person.name = row["naam"]
    person.sort_name = row["sorteernaam"]
    person.title = row["functietitel"]
    person.municipality = municipality
    person.organisation = organisation
    person.email = row["e_mail"]
    person.phone = row["telefoon"]
    if problems:
        raise RowProblems(problems, person)
    lookups.people[slug] = person
    return slug, person


PEOPLE = Kind(
    name="personen",
    title=gettext_lazy("people"),
    table=Table(
        "personen",
        (
            Column("sleutel", "sleutel", lambda p: p.slug),
            Column("naam", "naam", lambda p: p.name, required=True),
            Column("sorteernaam", "sorteernaam", lambda p: p.sort_name),
            Column("functietitel", "functietitel", lambda p: p.title),
            Column("gemeente", "gemeente", lambda p: _code(p.municipality)),
            Column("organisatie", "organisatie", lambda p: _slug(p.organisation)),
            Column("e_mail", "e-mail", lambda p: p.email),
            Column("telefoon", "telefoon", lambda p: p.phone),
        ),
    ),
    model=Person,
    export=_people_export,
    prepare=_people_prepare,
    build=_people_build,
    columns_of_fields={
        "slug": "sleutel",
        "name": "naam",
        "sort_name": "sorteernaam",
        "title": "functietitel",
        "municipality": "gemeente",
        "organisation": "organisatie",
        "email": "e_mail",
        "phone": "telefoon",
    },
    resolved=("municipality", "organisation"),
)


# Bodies ----------------------------------------------------------------------------------------


def _bodies_export(user: Any) -> Iterable[Body]:
    bodies = list(visible_bodies(user).select_related("parent", "owner").order_by("slug"))
    seen = {body.pk for body in bodies}
    for body in bodies:
        if body.parent_id not in seen:
            # A body above that the viewer may not see is not named.
            body.parent = None
    return bodies


def _bodies_prepare(rows: list[Row], lookups: Lookups) -> dict[Any, models.Model]:
    stored: dict[Any, models.Model] = dict(lookups.read_bodies())
    # A body may be part of one further down the file: every key of the file is known before
    # the first row is read.
    for row in rows:
        if row["sleutel"] and row["sleutel"] not in lookups.bodies:
            lookups.bodies[row["sleutel"]] = Body(slug=row["sleutel"])
    return stored


def _bodies_build(
    row: Row, lookups: Lookups, stored: dict[Any, models.Model]
) -> tuple[Any, models.Model]:
    problems: dict[str, list[str]] = {}

    slug = _cell(row, "sleutel", problems, lambda _text: _key(row, "naam", stored.__contains__))
    parent = _cell(row, "onderdeel_van", problems, lambda s: lookups.body(s) if s else None)
    ancestor, passed = parent, set()
    while ancestor is not None and not problems:
        if ancestor.slug == slug or id(ancestor) in passed:
            problems["onderdeel_van"] = [_("A body cannot be part of itself.")]
        passed.add(id(ancestor))
        ancestor = ancestor.parent
    owner = _cell(row, "eigenaar", problems, lambda s: lookups.organisation(s) if s else None)
    position = _cell(row, "positie", problems, _number)
    headcount = _cell(row, "aantal_leden", problems, _number)
    from_network = _cell(row, "aantal_uit_lidgemeenten", problems, _number)
    body = lookups.bodies.get(slug) or Body(slug=slug or "")
    _period(body, row, problems)
    body.name = row["naam"]
    body.kind = row["soort"]
    body.parent = parent
    body.ownership = row["eigendom"] or "own"
    body.owner = owner
    body.description = row["beschrijving"]
    body.position = position or 0
    body.headcount = headcount
    body.headcount_from_network = from_network
    body.visibility = row["zichtbaarheid"]
    if problems:
        raise RowProblems(problems, body)
    lookups.bodies[slug] = body
    return slug, body


BODIES = Kind(
    name="gremia",
    title=gettext_lazy("bodies"),
    table=Table(
        "gremia",
        (
            Column("sleutel", "sleutel", lambda b: b.slug),
            Column("naam", "naam", lambda b: b.name, required=True),
            Column("soort", "soort", lambda b: b.kind, required=True),
            Column("onderdeel_van", "onderdeel van", lambda b: _slug(b.parent)),
            Column("eigendom", "eigendom", lambda b: b.ownership),
            Column("eigenaar", "eigenaar", lambda b: _slug(b.owner)),
            Column("beschrijving", "beschrijving", lambda b: b.description),
            Column("positie", "positie", lambda b: b.position),
            Column("aantal_leden", "aantal leden", lambda b: b.headcount),
            Column(
                "aantal_uit_lidgemeenten",
                "aantal uit lidgemeenten",
                lambda b: b.headcount_from_network,
            ),
            Column("zichtbaarheid", "zichtbaarheid", lambda b: b.visibility, required=True),
            *PERIOD,
        ),
    ),
    model=Body,
    export=_bodies_export,
    prepare=_bodies_prepare,
    build=_bodies_build,
    columns_of_fields={
        "slug": "sleutel",
        "name": "naam",
        "kind": "soort",
        "parent": "onderdeel_van",
        "ownership": "eigendom",
        "owner": "eigenaar",
        "description": "beschrijving",
        "position": "positie",
        "headcount": "aantal_leden",
        "headcount_from_network": "aantal_uit_lidgemeenten",
        "visibility": "zichtbaarheid",
        "start": "begin",
        "end": "einde",
    },
    resolved=("parent", "owner"),
)


# Roles -----------------------------------------------------------------------------------------


def _role_identity(role: Role) -> tuple[Any, ...]:
    person = role.person.slug if role.person is not None else ""
    return (role.body.slug, person, role.function, role.function_detail, role.start)


def _roles_export(user: Any) -> Iterable[Role]:
    roles = (
        records(Role, user)
        .select_related("person", "body", "on_behalf_of_municipality", "on_behalf_of_organisation")
        .order_by("body__slug", "person__slug", "function", "start", "pk")
    )
    if can_manage_registry(user):
        return roles
    return (_without_note(role) for role in roles.iterator(chunk_size=2000))


def _without_note(role: Role) -> Role:
    role.note = ""
    return role


def _roles_prepare(rows: list[Row], lookups: Lookups) -> dict[Any, models.Model]:
    lookups.read_people(row["persoon"] for row in rows)
    slugs = sorted({row["gremium"] for row in rows if row["gremium"]})
    stored: dict[Any, models.Model] = {}
    roles = Role.objects.filter(body__slug__in=slugs).select_related("person", "body")
    for role in roles.iterator(chunk_size=2000):
        stored[_role_identity(role)] = role
    return stored


def _roles_build(
    row: Row, lookups: Lookups, stored: dict[Any, models.Model]
) -> tuple[Any, models.Model]:
    problems: dict[str, list[str]] = {}
    person = _cell(row, "persoon", problems, lambda s: lookups.person(s) if s else None)
    body = _cell(row, "gremium", problems, lambda s: lookups.body(_required(s)))
    municipality = _cell(
        row, "namens_gemeente", problems, lambda c: lookups.municipality(code=c) if c else None
    )
    organisation = _cell(
        row, "namens_organisatie", problems, lambda s: lookups.organisation(s) if s else None
    )
    if municipality is not None and organisation is not None:
        problems.setdefault("namens_organisatie", []).append(
            _("A role is on behalf of a municipality or an organisation, not both.")
        )
    role = Role(function=row["functie"], function_detail=row["functiedetail"])
    _period(role, row, problems)
    if problems:
        role.level, role.note = row["niveau"], row["notitie"]
        raise RowProblems(problems, role)
    role.person, role.body = person, body
    identity = _role_identity(role)
    found = stored.get(identity)
    if isinstance(found, Role):
        for name in ("start_precision", "end", "end_precision"):
            setattr(found, name, getattr(role, name))
        role = found
    role.level = row["niveau"]
    role.on_behalf_of_municipality = municipality
    role.on_behalf_of_organisation = organisation
    role.note = row["notitie"]
    return identity, role


ROLES = Kind(
    name="rollen",
    title=gettext_lazy("roles"),
    table=Table(
        "rollen",
        (
            Column("persoon", "persoon", lambda r: _slug(r.person)),
            Column("gremium", "gremium", lambda r: r.body.slug, required=True),
            Column("functie", "functie", lambda r: r.function, required=True),
            Column("functiedetail", "functiedetail", lambda r: r.function_detail),
            Column("niveau", "niveau", lambda r: r.level),
            Column(
                "namens_gemeente", "namens gemeente", lambda r: _code(r.on_behalf_of_municipality)
            ),
            Column(
                "namens_organisatie",
                "namens organisatie",
                lambda r: _slug(r.on_behalf_of_organisation),
            ),
            *PERIOD,
            Column("notitie", "notitie", lambda r: r.note),
        ),
    ),
    model=Role,
    export=_roles_export,
    prepare=_roles_prepare,
    build=_roles_build,
    columns_of_fields={
        "person": "persoon",
        "body": "gremium",
        "function": "functie",
        "function_detail": "functiedetail",
        "level": "niveau",
        "on_behalf_of_municipality": "namens_gemeente",
        "on_behalf_of_organisation": "namens_organisatie",
        "start": "begin",
        "end": "einde",
        "note": "notitie",
    },
    resolved=("person", "body", "on_behalf_of_municipality", "on_behalf_of_organisation"),
)


# Participations ------------------------------------------------------------------------------


def _participation_identity(participation: Participation) -> tuple[Any, ...]:
    return (
        participation.body.slug,
        _code(participation.municipality),
        _slug(participation.organisation),
        participation.start,
    )


def _participations_prepare(rows: list[Row], lookups: Lookups) -> dict[Any, models.Model]:
    slugs = sorted({row["gremium"] for row in rows if row["gremium"]})
    participations = Participation.objects.filter(body__slug__in=slugs).select_related(
        "body", "municipality", "organisation"
    )
    return {_participation_identity(p): p for p in participations}


def _participations_build(
    row: Row, lookups: Lookups, stored: dict[Any, models.Model]
) -> tuple[Any, models.Model]:
    problems: dict[str, list[str]] = {}
    body = _cell(row, "gremium", problems, lambda s: lookups.body(_required(s)))
    municipality = _cell(
        row, "gemeente", problems, lambda c: lookups.municipality(code=c) if c else None
    )
    organisation = _cell(
        row, "organisatie", problems, lambda s: lookups.organisation(s) if s else None
    )
    if not problems and (municipality is None) == (organisation is None):
        problems.setdefault("gemeente", []).append(
            _("Choose a municipality or an organisation: one of the two.")
        )
    participation = Participation(function=row["functie"] or "deelnemer", note=row["notitie"])
    _period(participation, row, problems)
    if problems:
        raise RowProblems(problems)
    participation.body = body
    participation.municipality = municipality
    participation.organisation = organisation
    identity = _participation_identity(participation)
    found = stored.get(identity)
    if isinstance(found, Participation):
        for name in ("start_precision", "end", "end_precision", "function", "note"):
            setattr(found, name, getattr(participation, name))
        participation = found
    return identity, participation


PARTICIPATIONS = Kind(
    name="deelnames",
    title=gettext_lazy("participations"),
    table=Table(
        "deelnames",
        (
            Column("gremium", "gremium", lambda p: p.body.slug, required=True),
            Column("gemeente", "gemeente", lambda p: _code(p.municipality)),
            Column("organisatie", "organisatie", lambda p: _slug(p.organisation)),
            Column("functie", "functie", lambda p: p.function),
            Column("notitie", "notitie", lambda p: p.note),
            *PERIOD,
        ),
    ),
    model=Participation,
    export=lambda user: (
        records(Participation, user)
        .select_related("body", "municipality", "organisation")
        .order_by("body__slug", "start", "pk")
    ),
    prepare=_participations_prepare,
    build=_participations_build,
    columns_of_fields={
        "body": "gremium",
        "municipality": "gemeente",
        "organisation": "organisatie",
        "function": "functie",
        "note": "notitie",
        "start": "begin",
        "end": "einde",
    },
    resolved=("body", "municipality", "organisation"),
)

# In the order an import writes them: what is referred to before what refers to it.
KINDS: dict[str, Kind] = {
    kind.name: kind for kind in (ORGANISATIONS, BODIES, PEOPLE, MEMBERS, ROLES, PARTICIPATIONS)
}


# --- Export ------------------------------------------------------------------------------------


def export_rows(kind: str, user: Any) -> tuple[Table, Iterable[Any]]:
    """The table of a kind and the records of it the user may see."""
    chosen = KINDS[kind]
    return chosen.table, chosen.export(user)


# --- Import ------------------------------------------------------------------------------------


def _snapshot(record: models.Model) -> dict[str, Any]:
    return {f.attname: getattr(record, f.attname) for f in record._meta.concrete_fields}


def _clean(kind: Kind, record: models.Model) -> dict[str, list[str]]:
    """The model's own checks (``full_clean``), with the references the importer resolved
    itself left out (they exist, or are added by this import) and the unique keys checked for
    the whole file at once. A record this import is yet to add has no id; the model's checks
    of "one of the two" read ids, so such a reference stands in with a placeholder meanwhile."""
    waiting: dict[str, models.Model] = {}
    for name in kind.resolved:
        relation = record._meta.get_field(name)
        related = relation.get_cached_value(record, default=None)  # type: ignore[union-attr]
        if related is not None and related.pk is None and kind.model is not Body:
            waiting[name] = related
            setattr(record, f"{name}_id", -1)
    try:
        record.full_clean(
            exclude=[*kind.resolved, "version"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        return error.message_dict
    finally:
        for name, related in waiting.items():
            setattr(record, name, related)
    return {}


def _order_bodies(changes: list[tuple[Row, models.Model]]) -> list[tuple[Row, models.Model]]:
    """Bodies above before the bodies beneath them, so each is saved after its parent."""
    ordered: list[tuple[Row, models.Model]] = []
    placed: set[int] = set()
    pending = list(changes)
    while pending:
        ids_pending = {id(record) for _, record in pending}
        ready = [
            (row, record)
            for row, record in pending
            if getattr(record, "parent", None) is None or id(record.parent) not in ids_pending  # type: ignore[attr-defined]
        ]
        if not ready:  # a cycle: Body.clean has already reported it
            return ordered + pending
        ordered.extend(ready)
        placed |= {id(record) for _, record in ready}
        pending = [(row, record) for row, record in pending if id(record) not in placed]
    return ordered


def run_import(files: Sequence[tuple[str, bytes]], *, dry_run: bool = False) -> Outcome:
    """Import files of kinds of record (``[("personen", data), ("rollen", data)]``): check
    every row of every file, and write all of them in one transaction only if none has a
    problem (and this is not a dry run). The vocabulary is read once for all rows."""
    with remembered_terms():
        return _run_import(files, dry_run=dry_run)


def _run_import(files: Sequence[tuple[str, bytes]], *, dry_run: bool) -> Outcome:
    outcome = Outcome(dry_run=dry_run)
    lookups = Lookups()
    order = list(KINDS)
    writes: list[models.Model] = []
    for name, data in sorted(files, key=lambda item: order.index(item[0])):
        kind = KINDS[name]
        counts = outcome.counts.setdefault(
            name, {"rows": 0, "new": 0, "changed": 0, "unchanged": 0}
        )
        try:
            rows = read(data, kind.table)
        except TableFileError as error:
            outcome.problems.append(Problem(name, 0, "", str(error)))
            continue
        counts["rows"] += len(rows)
        changes = _check_rows(kind, rows, lookups, outcome, counts)
        if kind is BODIES:
            changes = _order_bodies(changes)
        writes.extend(record for _, record in changes)
    municipalities = lookups.municipalities_to_save()
    if municipalities:
        outcome.counts["gemeenten"] = {
            "rows": 0,
            "new": sum(1 for m in municipalities if m.pk is None),
            "changed": sum(1 for m in municipalities if m.pk is not None),
            "unchanged": 0,
        }
    if outcome.problems or dry_run:
        return outcome
    # The municipalities first: members, people and roles refer to them.
    services.imported_save(records=[*municipalities, *writes])
    return outcome


def _column_of(kind: Kind, field_name: str) -> str:
    if field_name == NON_FIELD_ERRORS:
        return ""
    return kind.columns_of_fields.get(field_name, "")


def _check_rows(
    kind: Kind,
    rows: list[Row],
    lookups: Lookups,
    outcome: Outcome,
    counts: dict[str, int],
) -> list[tuple[Row, models.Model]]:
    headers = {column.key: column.header for column in kind.table.columns}
    stored = kind.prepare(rows, lookups)
    # Each stored record as read, before a row changes it, to tell a change from a repeat.
    originals = {id(record): _snapshot(record) for record in stored.values()}
    seen: dict[Any, int] = {}
    changes: list[tuple[Row, models.Model]] = []

    def problem(row: Row, key: str, message: str) -> None:
        outcome.problems.append(Problem(kind.name, row.number, headers.get(key, ""), message))

    for row in rows:
        if "" in row.cells:
            problem(row, "", _("This row has cells under no header."))
        try:
            identity, record = kind.build(row, lookups, stored)
        except RowProblems as error:
            for key, messages in error.problems.items():
                for message in messages:
                    problem(row, key, message)
            if error.record is not None:
                # The row's other problems, in the columns not already named.
                for field_name, messages in _clean(kind, error.record).items():
                    key = _column_of(kind, field_name)
                    if key not in error.problems:
                        for message in messages:
                            problem(row, key, message)
            continue
        if identity in seen:
            problem(
                row,
                "",
                _("This row is the same record as row %(row)d.") % {"row": seen[identity]},
            )
            continue
        seen[identity] = row.number
        before = originals.get(id(record)) if record.pk is not None else None
        errors = _clean(kind, record)
        if errors:
            for field_name, messages in errors.items():
                key = _column_of(kind, field_name)
                for message in messages:
                    problem(row, key, message)
            continue
        if record.pk is None:
            counts["new"] += 1
            changes.append((row, record))
        elif _snapshot(record) != before:
            counts["changed"] += 1
            changes.append((row, record))
        else:
            counts["unchanged"] += 1
    return changes
