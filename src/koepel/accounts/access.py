"""The one check that decides what a user may see and edit.

Every way out of Koepel — pages, search, API, feeds, exports, the annual report — asks this
module. The rules (docs/design.md, "Visibility"):

- ``public`` records: everyone.
- ``network`` records: members of the network — the office, and accounts whose person holds a
  current role in one of the network's own bodies (a seat in an outside body is not enough).
- ``body`` records: the office, and people with a current role in one of the record's bodies or
  in a body above it (a pillar's members oversee its theme groups).
- ``restricted`` records: the office and the people named on the record (named people keep
  seeing it after their roles end: it concerns them).
- A meeting at any level: also the people invited to it (its declared ``guests``), and each
  their own invitation, so that a guest from outside the network can answer it.

Editing: the office edits everything; the secretary of a body edits the records of that body
and of the bodies beneath it, and so sees them at every level. A role that has ended grants
nothing.

How each kind of record reaches its visibility, bodies and people is declared once, in
``koepel.accounts.paths``; the rules derived from them (who sees attendance, contact details,
consultation answers) are functions here, so that pages and API ask the same question.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.apps import apps as django_apps
from django.contrib.auth.models import AnonymousUser
from django.db import connection, models
from django.db.models import Exists, OuterRef, Prefetch, Q, Value
from django.utils import timezone

from koepel.accounts.paths import PATHS, Internal, Known, Open, Own, Through, path_of
from koepel.core import caching
from koepel.core.visibility import Grants, Visibility
from koepel.registry.models import (
    Body,
    BodyQuerySet,
    Meaning,
    Ownership,
    Role,
    Term,
    Vocabulary,
)

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Viewer:
    """What the access rules need to know about who is asking, read once per request."""

    is_authenticated: bool = False
    is_office: bool = False
    person_id: int | None = None
    body_ids: frozenset[int] = field(default_factory=frozenset)
    secretary_body_ids: frozenset[int] = field(default_factory=frozenset)
    network_member: bool = False

    @property
    def is_member(self) -> bool:
        """A member of the network: the office, or a person with a seat in one of its own
        bodies (network_member)."""
        return self.is_office or self.network_member


ANONYMOUS = Viewer()
# What any member of the network may see and nothing of a body's own or of a restricted
# record: the reader of the internal annual report.
NETWORK_READER = Viewer(is_authenticated=True, network_member=True)


class _System:
    """Koepel itself acting — the demo loader, an import — with the office's rights."""

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = _System()
_SYSTEM_VIEWER = Viewer(is_authenticated=True, is_office=True)


def viewer_for(user: Any) -> Viewer:
    """The viewer for a request's user, cached on the user object for the request."""
    if user is SYSTEM:
        return _SYSTEM_VIEWER
    if isinstance(user, Viewer):
        return user
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return ANONYMOUS
    if not user.is_active:
        return ANONYMOUS
    cached: Viewer | None = getattr(user, "_koepel_viewer", None)
    if cached is not None:
        return cached
    viewer = _viewer_of_person(user.person_id, is_office=bool(user.is_office or user.is_superuser))
    user._koepel_viewer = viewer
    return viewer


def viewer_for_person(person_id: int) -> Viewer:
    """What a person may see without signing in: for feeds opened by a secret address."""
    return _viewer_of_person(person_id, is_office=False)


def _viewer_of_person(person_id: int | None, *, is_office: bool) -> Viewer:
    body_ids: frozenset[int] = frozenset()
    secretary_ids: frozenset[int] = frozenset()
    in_network = False
    if person_id:
        # The secretary is whoever holds the function the network's vocabulary marks as such,
        # asked in the same query (whatever the network calls it).
        secretary = Term.objects.filter(
            vocabulary=Vocabulary.FUNCTION, meaning=Meaning.SECRETARY, code=OuterRef("function")
        )
        roles = list(
            Role.objects.current(timezone.localdate())
            .filter(person_id=person_id)
            .annotate(is_secretary=Exists(secretary))
            .values_list("body_id", "is_secretary", "body__ownership")
        )
        if roles:
            roots: dict[int, bool] = {}
            for body_id, is_secretary, _ in roles:
                roots[body_id] = roots.get(body_id, False) or bool(is_secretary)
            body_ids, secretary_ids = Body.objects.beneath(roots)
            # A seat in an outside body (a VNG taskforce, a ministry's steering group) does not
            # make someone a member of the network.
            in_network = any(ownership == Ownership.OWN for _, _, ownership in roles)
    return Viewer(
        is_authenticated=True,
        is_office=is_office,
        person_id=person_id,
        body_ids=body_ids,
        secretary_body_ids=secretary_ids,
        network_member=in_network,
    )


def _related(model: type[models.Model], lookup: str, value: Any) -> Q:
    """Records whose ``lookup`` (a path to bodies or people) reaches ``value`` (an id or ids).

    Through a to-many relation the test is a subquery, not a join: a join would repeat a record
    once per matching body and need a DISTINCT over the whole result, which on a large list
    (search, above all) costs more than the rest of the query. Which subquery depends on the
    database (a search as a member, 100,000 sections, ``bench/search.py``):

    - PostgreSQL reads the ids reached once and looks each record up in them, and may then
      share a large query between two cores; with an EXISTS test per record it may not (a
      word in 75% of the sections: 123 against 154 ms).
    - SQLite runs an EXISTS test for each record it reads, so a page of twenty reads only what
      it needs, where the ids would all be gathered first (a word in 1%: 8 against 11 ms).
    """
    field = "pk__in" if isinstance(value, frozenset | set | list | tuple) else "pk"
    if not lookup:
        return Q(**{field: value})
    if not _spans_many(model, lookup):
        return Q(**{f"{lookup}__{field}": value})
    rows, record = _rows_reaching(model, lookup, field, value)
    if connection.vendor == "postgresql":
        return Q(pk__in=rows.values(record))
    return Q(Exists(rows.filter(**{record: OuterRef("pk")})))


def _naming(model: type[models.Model], lookup: str, person_id: int) -> Q:
    """Records whose ``lookup`` (a path to people) reaches one person, found from the person's
    side: their rows in the link table (an index on the person), then the records by key. The
    test per record that ``_related`` gives SQLite would read every record of the model, all
    1.7 million search entries at scale 100 (0.6 s)."""
    if not lookup or not _spans_many(model, lookup):
        return _related(model, lookup, person_id)
    rows, record = _rows_reaching(model, lookup, "pk", person_id)
    return Q(pk__in=rows.values(record))


def _rows_reaching(
    model: type[models.Model], lookup: str, field: str, value: Any
) -> tuple[models.QuerySet[Any], str]:
    """The rows one step along ``lookup`` that reach ``value``, and their field naming the
    record: for a many-to-many relation its link table, for a reverse foreign key the related
    table, without the record's own table. (Base managers, as a join would read the rows.)"""
    first, _, rest = lookup.partition("__")
    relation = model._meta.get_field(first)
    target = f"{rest}__{field}" if rest else field
    if relation.many_to_many and not relation.auto_created:  # a ManyToManyField on the model
        through: type[models.Model] = relation.remote_field.through  # type: ignore[union-attr]
        own = relation.m2m_field_name()  # type: ignore[union-attr]
        other = relation.m2m_reverse_field_name()  # type: ignore[union-attr]
        return through._base_manager.filter(**{f"{other}__{target}": value}), own
    if relation.one_to_many:  # a foreign key on the other model points here
        foreign_key: str = relation.field.name  # type: ignore[union-attr]
        related: type[models.Model] = relation.related_model  # type: ignore[assignment]
        return related._base_manager.filter(**{target: value}), foreign_key
    return model._base_manager.filter(**{f"{lookup}__{field}": value}), "pk"


# A condition no record meets (an empty ``Q()`` would be every record).
NOTHING = Q(pk__in=[])


# The condition per model and viewer, built once: a page asks for it in every panel and every
# subquery through a parent, and building it builds querysets (``_reaches``). It depends on
# the viewer and the declared paths alone, never on the data, so it holds until the process
# ends; the most recent viewers' conditions are kept.
_FILTERS: dict[tuple[type[models.Model], Viewer, str], Q] = {}
_FILTERS_KEPT = 2000


def visibility_filter(model: type[models.Model], viewer: Viewer) -> Q:
    """A Q object selecting the records of ``model`` the viewer may see, by the model's
    declared path (``koepel.accounts.paths``); an empty Q means every record."""
    key = (model, viewer, connection.vendor)
    condition = _FILTERS.get(key)
    if condition is None:
        if len(_FILTERS) >= _FILTERS_KEPT:
            _FILTERS.clear()
        condition = _FILTERS[key] = _visibility_filter(model, viewer)
    # A copy of the node: whoever adds to it must not change the one kept. (Combining Q objects
    # and filtering by them makes new ones; the querysets inside are cloned when a query uses
    # them.)
    return copy.copy(condition) if condition else Q()


def _visibility_filter(model: type[models.Model], viewer: Viewer) -> Q:
    if viewer.is_office:
        return Q()
    path = path_of(model)
    if isinstance(path, Open):
        return Q()
    if isinstance(path, Internal):
        return NOTHING
    if isinstance(path, Own):
        return _own_filter(model, path, viewer)
    if isinstance(path, Through):
        return _through_filter(model, path, viewer)
    return _known_filter(model, path, viewer)


def grants(viewer: Viewer) -> Grants:
    """What the viewer may see of records with their own visibility, bodies and named people
    (``Own``): the rules of this module's docstring, read once for the database filter below
    and for the access terms of the search index."""
    if viewer.is_office:
        return Grants(everything=True)
    levels = {Visibility.PUBLIC.value}
    if viewer.is_member:
        levels.add(Visibility.NETWORK.value)
    return Grants(
        levels=frozenset(levels),
        body_level_bodies=viewer.body_ids,
        # Whoever may edit a body's records may see them, drafts included.
        any_level_bodies=viewer.secretary_body_ids,
        # Named on a restricted record: seen by that person, whether or not a member today.
        named_person=viewer.person_id,
    )


def _own_filter(model: type[models.Model], path: Own, viewer: Viewer) -> Q:
    granted = grants(viewer)
    allowed = Q(visibility__in=sorted(granted.levels))
    # Where the people named on a restricted record are those invited to it (a meeting), the
    # invitation below already opens it at any level: the same subquery twice only costs.
    if path.people is not None and path.people != path.guests and granted.named_person is not None:
        allowed |= Q(visibility=Visibility.RESTRICTED) & _related(
            model, path.people, granted.named_person
        )
    if path.guests is not None and granted.named_person is not None:
        # Invited: seen whatever its level.
        allowed |= _related(model, path.guests, granted.named_person)
    if granted.body_level_bodies:
        allowed |= Q(visibility=Visibility.BODY) & _related(
            model, path.bodies, granted.body_level_bodies
        )
    if granted.any_level_bodies:
        allowed |= _related(model, path.bodies, granted.any_level_bodies)
    return allowed


def _through_filter(model: type[models.Model], path: Through, viewer: Viewer) -> Q:
    parent = _target(model, path.parent)
    allowed = _reaches(path.parent, parent, visibility_filter(parent, viewer))
    for name in path.also:
        target = _target(model, name)
        condition = _reaches(name, target, visibility_filter(target, viewer))
        if condition and model._meta.get_field(name).null:
            condition |= Q(**{f"{name}__isnull": True})
        allowed &= condition
    if path.members and not viewer.is_member:
        # For the network, and for whoever may change the parent; and a row of one's own.
        closed = _reaches(path.parent, parent, _editable_filter(parent, viewer))
        if path.own is not None and viewer.person_id is not None:
            closed |= Q(**{path.own: viewer.person_id})
        allowed &= closed
    return allowed


def _known_filter(model: type[models.Model], path: Known, viewer: Viewer) -> Q:
    relation = model._meta.get_field(path.link)
    linked: type[models.Model] = relation.related_model  # type: ignore[assignment]
    own_key: str = relation.field.name  # type: ignore[union-attr]
    links = linked._base_manager.filter(**{own_key: OuterRef("pk")})
    target = _target(linked, path.target)
    seen = visibility_filter(target, viewer)
    if not seen:
        return Q()
    return ~Exists(links) | Exists(links.filter(_reaches(path.target, target, seen)))


def _editable_filter(model: type[models.Model], viewer: Viewer) -> Q:
    """The records of ``model`` the viewer may change (the office: all)."""
    if viewer.is_office:
        return Q()
    path = path_of(model)
    if not viewer.secretary_body_ids:
        return NOTHING
    if isinstance(path, Own):
        return _related(model, path.bodies, viewer.secretary_body_ids)
    if isinstance(path, Through):
        parent = _target(model, path.parent)
        return _reaches(path.parent, parent, _editable_filter(parent, viewer))
    return NOTHING


def _target(model: type[models.Model], name: str) -> type[models.Model]:
    related: type[models.Model] = model._meta.get_field(name).related_model  # type: ignore[assignment]
    return related


def _reaches(name: str, target: type[models.Model], condition: Q) -> Q:
    """Records whose foreign key ``name`` points at a ``target`` meeting ``condition``.

    Asked per record (``EXISTS`` on the target's key) rather than as ``IN`` over every
    target that meets it: SQLite builds such a list in full, every visible meeting for the
    agenda of one (90 ms at 70,000 meetings), where a page or a capped count stops early."""
    if not condition:
        return Q()
    return Q(Exists(target._base_manager.filter(condition, pk=OuterRef(name))))


# All records of a model, filtered by the condition above, per viewer: a page starts from
# them in every panel ("the meetings this viewer may see", then by body, by date), and adding
# the condition to a query resolves every subquery in it again, which costs more than the
# query's own SQL takes to run. A copy of the filtered query is cheap. Like the conditions, they
# depend on the viewer and the declared paths alone and are kept for the most recent viewers.
_ALL_SEEN: dict[tuple[type[models.QuerySet[Any]], type[models.Model], Viewer, str], Any] = {}


def visible(queryset: models.QuerySet[M], user: Any) -> models.QuerySet[M]:
    """The records of ``queryset`` the user may see (each once: no join repeats a row)."""
    viewer = viewer_for(user)
    if _untouched(queryset):
        key = (type(queryset), queryset.model, viewer, connection.vendor)
        seen: Any = _ALL_SEEN.get(key)
        if seen is None:
            if len(_ALL_SEEN) >= _FILTERS_KEPT:
                _ALL_SEEN.clear()
            condition = visibility_filter(queryset.model, viewer)
            seen = _ALL_SEEN[key] = queryset.filter(condition) if condition else queryset
        copied: models.QuerySet[M] = seen._chain()
        return copied
    condition = visibility_filter(queryset.model, viewer)
    if not condition:
        return queryset
    return queryset.filter(condition)


def _untouched(queryset: models.QuerySet[Any]) -> bool:
    """Whether ``queryset`` is a model's default manager's ``all()`` as it comes: no filter,
    order, join, slice or anything else that a kept filtered copy would not have."""
    query = queryset.query
    state: Any = queryset  # the queryset's own attributes, which Django's types leave out
    return (
        state._result_cache is None
        and state._db is None
        and not state._prefetch_related_lookups
        and not state._known_related_objects
        and not state._sticky_filter
        and not state._hints
        and state._fields is None
        and state._iterable_class is models.query.ModelIterable
        and not query.where
        and not query.alias_map
        and not query.order_by
        and query.select_related is False
        and not query.annotations
        and not query.extra
        and not query.distinct
        and query.low_mark == 0
        and query.high_mark is None
        and not query.values_select
        and query.combinator is None
        and query.deferred_loading == (frozenset(), True)
        and query.default_ordering
        and query.standard_ordering  # not reverse()d
        and not query.extra_order_by
        and not query.extra_tables
        and not query.select_for_update
        and type(queryset) is type(queryset.model._default_manager.all())
    )


def records(model: type[M], user: Any) -> models.QuerySet[M]:
    """All records of ``model`` the user may see."""
    return visible(model._default_manager.all(), user)


def visible_bodies(user: Any) -> BodyQuerySet:
    """The bodies the user may see: the one answer to "which bodies may this user see"."""
    bodies: BodyQuerySet = Body.objects.all()
    return visible(bodies, user)  # type: ignore[return-value]


def bodies_seen(user: Any, lookup: str = "bodies") -> Prefetch[Any]:
    """A record's bodies (at ``lookup``) as far as the user may see them: a public meeting of
    a restricted working group must not name that group."""
    return Prefetch(lookup, queryset=visible_bodies(user).only("pk", "name", "slug", "kind"))


def _spans_many(model: type[models.Model], lookup: str) -> bool:
    for part in filter(None, lookup.split("__")):
        if part == "pk":
            break
        relation = model._meta.get_field(part)
        if relation.many_to_many or relation.one_to_many:
            return True
        model = relation.related_model  # type: ignore[assignment]
    return False


def can_view(user: Any, record: models.Model) -> bool:
    """Whether the user may see this one record."""
    model = type(record)
    return visible(model._default_manager.filter(pk=record.pk), user).exists()


def open_to_all(record: models.Model) -> bool:
    """Whether anyone at all, signed in or not, may see this record, read from the record as
    it is in memory (for text copied to where everyone reads it, such as a search trail)."""
    path = path_of(type(record))
    if isinstance(path, Open):
        return True
    if isinstance(path, Own):
        return bool(getattr(record, "visibility", None) == Visibility.PUBLIC)
    if isinstance(path, Through) and not path.members:
        parent = getattr(record, path.parent)
        related = [getattr(record, name) for name in path.also]
        return open_to_all(parent) and all(r is None or open_to_all(r) for r in related)
    return False


def _record_body_ids(record: models.Model) -> set[int]:
    """The bodies whose secretaries may change ``record``."""
    path = path_of(type(record))
    if isinstance(path, Through):
        parent = getattr(record, path.parent)
        return _record_body_ids(parent) if parent is not None else set()
    if not isinstance(path, Own):
        return set()
    if not path.bodies:
        return {record.pk}
    return set(
        type(record)
        ._default_manager.filter(pk=record.pk)
        .exclude(**{f"{path.bodies}__isnull": True})
        .values_list(f"{path.bodies}__pk", flat=True)
    )


def can_edit(user: Any, record: models.Model) -> bool:
    """Whether the user may change this record: the office, or a secretary of its bodies."""
    viewer = viewer_for(user)
    if viewer.is_office:
        return True
    if not viewer.secretary_body_ids:
        return False
    return bool(_record_body_ids(record) & viewer.secretary_body_ids)


def can_edit_body(user: Any, body: Body) -> bool:
    """Whether the user may change the records of this body (plan its meetings, say)."""
    viewer = viewer_for(user)
    return viewer.is_office or body.pk in viewer.secretary_body_ids


def editable_bodies(user: Any) -> models.QuerySet[Body]:
    """The bodies whose records the user may create and change: all for the office, else
    those they are secretary of (and the bodies beneath)."""
    viewer = viewer_for(user)
    bodies = Body.objects.order_by("name")
    return bodies if viewer.is_office else bodies.filter(pk__in=viewer.secretary_body_ids)


def can_see_contact_details(user: Any) -> bool:
    """Contact details of people are for members of the network, never for the public."""
    return viewer_for(user).is_member


def can_see_attendance(user: Any) -> bool:
    """Who was invited, who answered what and who came: for members of the network."""
    return viewer_for(user).is_member


def can_manage_registry(user: Any) -> bool:
    """Whether the user may change the register itself — municipalities, organisations,
    people, bodies, roles and participations: the network office alone. (Within one body its
    secretary may manage the seats: ``can_manage_seats``.)"""
    return viewer_for(user).is_office


def can_manage_seats(user: Any, body: Body) -> bool:
    """Whether the user may add, change and end the roles and participations of this body:
    the office, and the secretary of the body or of a body above it."""
    return can_edit_body(user, body)


def can_add_people_and_organisations(user: Any) -> bool:
    """Whether the user may add a person or an organisation to the register: the office, and
    the secretaries of bodies, who invite outside guests and write to addressees the register
    does not know yet. Changing existing records, and cities and bodies, stays the office's."""
    viewer = viewer_for(user)
    return viewer.is_office or bool(viewer.secretary_body_ids)


def needs_second_factor(user: Any) -> bool:
    """Whether signing in takes a second factor for this user whatever they choose: the office,
    and the secretaries of bodies — everyone who may change records beyond their own."""
    viewer = viewer_for(user)
    return viewer.is_office or bool(viewer.secretary_body_ids)


def can_read_trail(user: Any) -> bool:
    """The audit trail (who changed what, from where) is the network office's alone: it names
    people, addresses and restricted records of every body."""
    return viewer_for(user).is_office


def can_see_consultation_answers(user: Any, action: models.Model) -> bool:
    """What each city answered on a draft: for the network and for whoever may change the
    lobby action (as ``paths`` declares for the answers themselves)."""
    return viewer_for(user).is_member or can_edit(user, action)


# The levels from the most open to the most closed.
_OPENNESS = (Visibility.PUBLIC, Visibility.NETWORK, Visibility.BODY, Visibility.RESTRICTED)


def copied_access_of_known(
    bodies: Iterable[Body], named: Callable[[Body], Iterable[int]]
) -> tuple[str, tuple[int, ...], tuple[int, ...]]:
    """The visibility, bodies and named people to copy onto a search entry of a record declared
    ``Known`` through these bodies (a person, through the bodies of their seats), where
    ``named(body)`` gives the people named on a body.

    No bodies: everyone may know of it. Otherwise the most open level among the bodies, with
    the bodies at that level: the entry is then found by no one who may not see the record
    (with seats at several levels, by no more than the most open of them allows)."""
    bodies = list(bodies)
    if not bodies:
        return Visibility.PUBLIC, (), ()
    level = min((body.visibility for body in bodies), key=_OPENNESS.index)
    chosen = [body for body in bodies if body.visibility == level]
    people = sorted({person for body in chosen for person in named(body)})
    return level, tuple(sorted({body.pk for body in chosen})), tuple(people)


def access_key(user: Any) -> str:
    """A key for what the user may see, shared by everyone who may see the same: the parts of
    a page kept for one of them serve all of them (koepel.core.caching).

    It holds every input of the rules above except the person: signed in or not, the office,
    a member of the network, the bodies of their seats and those they are secretary of, and —
    the rules that name a person — the restricted records they are named on (a former member
    of a restricted group, someone named on a restricted dossier or document) and the meetings
    they are invited to, at any level. Two people with the same seats who are named on the
    same records see the same records on every page; anything else of the person (their
    name, their own contact details, their calendar) is not in a shared part."""
    viewer = viewer_for(user)
    cached: str | None = getattr(user, "_koepel_access_key", None)
    if cached is not None:
        return cached
    named: tuple[tuple[str, tuple[int, ...]], ...] = ()
    if viewer.person_id is not None and not viewer.is_office:
        named = _records_by_name(viewer.person_id)
    inputs = (
        viewer.is_authenticated,
        viewer.is_office,
        # A person's account (a feed address of their own to make) or one without a person.
        viewer.person_id is not None,
        viewer.network_member,
        sorted(viewer.body_ids),
        sorted(viewer.secretary_body_ids),
        named,
    )
    key = hashlib.sha256(repr(inputs).encode()).hexdigest()[:24]
    if user is not None and not isinstance(user, Viewer | _System | AnonymousUser):
        user._koepel_access_key = key
    return key


def _records_by_name(person_id: int) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """The records that open to this person by name: the restricted records, of every model
    that names people, that name them, and the records of every level they are invited to
    (``Own.guests``). Read once per person and version of those models' data."""
    naming: list[tuple[str, type[models.Model], str, bool]] = []
    for label, path in PATHS.items():
        if not isinstance(path, Own):
            continue
        model = django_apps.get_model(label)
        if path.people is not None:
            naming.append((f"{model._meta.label_lower}:named", model, path.people, True))
        if path.guests is not None:
            naming.append((f"{model._meta.label_lower}:invited", model, path.guests, False))

    def build() -> tuple[tuple[str, tuple[int, ...]], ...]:
        # One query for all of them.
        parts = []
        for number, (_, model, people, restricted_only) in enumerate(naming):
            rows = model._base_manager.all()
            if restricted_only:
                rows = rows.filter(visibility=Visibility.RESTRICTED)
            parts.append(
                rows.filter(_naming(model, people, person_id))
                .annotate(model_number=Value(number))
                .values_list("model_number", "pk")
                .order_by()
            )
        found: dict[int, list[int]] = {}
        for number, pk in parts[0].union(*parts[1:], all=True):
            found.setdefault(number, []).append(pk)
        return tuple(
            (name, tuple(sorted(found.get(number, ())))) for number, (name, *_) in enumerate(naming)
        )

    kinds = {model._meta.app_label for _, model, _, _ in naming}
    return caching.kept("named", build, access=f"person-{person_id}", kinds=kinds)
