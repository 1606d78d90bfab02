"""Reads of the registry, shaped for the pages and the API. Each runs a fixed number of
queries whatever the number of rows; what depends on who asks goes through ``access``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from koepel.accounts.access import visible, visible_bodies
from koepel.core.pagination import capped_counts
from koepel.registry.models import (
    Body,
    Membership,
    Municipality,
    Network,
    Organisation,
    Ownership,
    Participation,
    Person,
    Population,
    Role,
    RoleQuerySet,
    Term,
    Vocabulary,
)


def current_network() -> Network | None:
    return Network.objects.order_by("pk").first()


def _today() -> dt.date:
    return timezone.localdate()


@dataclass(frozen=True)
class MunicipalityTable:
    """The member cities of a year, with the totals over all of them (not just one page)."""

    year: int
    # The day the table is of: the year's last day, or today for this year.
    on: dt.date
    rows: QuerySet[Municipality]
    count: int
    total_known: int
    unknown_count: int


def member_municipalities(on: dt.date | None = None) -> QuerySet[Municipality]:
    """The municipalities that are members of the network on a day (today by default)."""
    memberships = Membership.objects.current(on or _today()).filter(municipality__isnull=False)
    return Municipality.objects.filter(pk__in=memberships.values("municipality_id"))


def other_members(on: dt.date | None = None) -> QuerySet[Organisation]:
    """The members of the network on a day (today by default) that are not municipalities: a
    province, a water board, an association. They are members, never counted as cities."""
    memberships = Membership.objects.current(on or _today()).filter(organisation__isnull=False)
    return Organisation.objects.filter(pk__in=memberships.values("organisation_id"))


def municipality_table(year: int | None = None) -> MunicipalityTable:
    """The member cities with their population on 1 January of ``year`` (latest if None).

    Each row carries ``inhabitants`` (None when unknown) and the start of its current
    membership (``member_start``, ``member_start_precision``). The totals are counted by the
    database over all members, so a page of rows costs the same however many there are.
    """
    if year is None:
        year = (
            Population.objects.order_by("-year").values_list("year", flat=True).first()
            or _today().year
        )
    on = dt.date(year, 12, 31) if year < _today().year else _today()
    membership = (
        Membership.objects.current(on).filter(municipality=OuterRef("pk")).order_by("start")
    )
    rows = member_municipalities(on).annotate(
        inhabitants=Subquery(
            Population.objects.filter(municipality=OuterRef("pk"), year=year)
            .order_by()
            .values("inhabitants")
        ),
        member_start=Subquery(membership.values("start")[:1]),
        member_start_precision=Subquery(membership.values("start_precision")[:1]),
    )
    totals = rows.aggregate(count=Count("pk"), known=Count("inhabitants"), total=Sum("inhabitants"))
    return MunicipalityTable(
        year=year,
        on=on,
        rows=rows.only("name", "cbs_code", "province"),
        count=totals["count"],
        total_known=totals["total"] or 0,
        unknown_count=totals["count"] - totals["known"],
    )


def _roles_with_people() -> RoleQuerySet:
    return Role.objects.select_related(
        "person", "body", "on_behalf_of_municipality", "on_behalf_of_organisation"
    )


def municipality_detail(user: Any, cbs_code: str) -> dict[str, Any] | None:
    municipality = Municipality.objects.filter(cbs_code=cbs_code.upper()).first()
    if municipality is None:
        return None
    bodies = visible_bodies(user)
    return {
        "municipality": municipality,
        "populations": list(municipality.populations.order_by("-year")),
        "memberships": list(municipality.memberships.order_by("start")),
        "people": list(
            Person.objects.filter(
                Q(municipality=municipality)
                | Q(
                    roles__on_behalf_of_municipality=municipality,
                    roles__body__in=bodies,
                )
            )
            .distinct()
            .order_by("sort_name")
        ),
        "roles": list(
            _roles_with_people()
            .filter(
                Q(person__municipality=municipality) | Q(on_behalf_of_municipality=municipality),
                body__in=bodies,
            )
            .order_by("body__name", "start")
        ),
        "participations": list(
            Participation.objects.filter(municipality=municipality, body__in=bodies)
            .select_related("body")
            .order_by("body__name")
        ),
    }


@dataclass
class BodyNode:
    body: Body
    children: list[BodyNode]


def body_tree(user: Any, *, ownership: str = Ownership.OWN) -> list[BodyNode]:
    """The network's own bodies the user may see, as a tree: the bodies at the top and the bodies beneath them."""
    bodies = list(visible_bodies(user).filter(ownership=ownership).order_by("position", "name"))
    nodes = {body.pk: BodyNode(body, []) for body in bodies}
    roots: list[BodyNode] = []
    for body in bodies:
        node = nodes[body.pk]
        parent = nodes.get(body.parent_id) if body.parent_id else None
        (parent.children if parent else roots).append(node)
    return roots


def top_bodies(user: Any) -> QuerySet[Body]:
    """The network's own bodies at the top of its tree (a board, the groups it has) the user may
    see, each with ``parts``: how many bodies directly beneath it the user may see."""
    parts = (
        visible_bodies(user)
        .filter(parent=OuterRef("pk"))
        .order_by()
        .values("parent")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        visible_bodies(user)
        .own()
        .filter(parent=None)
        .annotate(parts=Coalesce(Subquery(parts), 0))
        .only("name", "slug", "kind")
        .order_by("position", "name")
    )


FORMER_ROLES = 10
# What a body's tables of roles show of a role (registry/_roles_table.html, roles/_vacancies.html).
ROLE_ROW_FIELDS = (
    "body_id",
    "person__name",
    "person__slug",
    "function",
    "function_detail",
    "level",
    "start",
    "start_precision",
    "end",
    "end_precision",
    "version",
    "on_behalf_of_municipality__name",
    "on_behalf_of_municipality__cbs_code",
    "on_behalf_of_organisation__name",
    "on_behalf_of_organisation__abbreviation",
    "on_behalf_of_organisation__slug",
)


def body_detail(user: Any, slug: str) -> dict[str, Any] | None:
    body = visible_bodies(user).select_related("parent", "owner").filter(slug=slug).first()
    if body is None:
        return None
    today = _today()
    # Current and upcoming roles are the body as it is; of the former ones, that pile up over
    # the years, only the latest few (one more is read to know whether there are more).
    ended = Q(end__lt=today)
    # The roles of this one body: the body is not read again for each (it is set below), and
    # of the people and those they speak for only what the tables show.
    seats = Role.objects.select_related(
        "person", "on_behalf_of_municipality", "on_behalf_of_organisation"
    ).only(*ROLE_ROW_FIELDS)
    roles = list(seats.filter(body=body).exclude(ended).order_by("function", "start"))
    former = list(seats.filter(ended, body=body).order_by("-end", "function")[: FORMER_ROLES + 1])
    for role in (*roles, *former):
        role.body = body
    ancestors = _ancestors(body)
    # Only the bodies above this one are asked about, not every body of the network.
    allowed = (
        set(
            visible_bodies(user)
            .filter(pk__in=[a.pk for a in ancestors])
            .values_list("pk", flat=True)
        )
        if ancestors
        else set()
    )
    return {
        "body": body,
        # A public group inside a restricted one shows no trace of its parent.
        "ancestors": [a for a in ancestors if a.pk in allowed],
        "parent": body.parent if body.parent_id in allowed else None,
        "children": list(visible(body.children.all(), user)),
        "current_roles": [role for role in roles if role.is_current(today)],
        "former_roles": former[:FORMER_ROLES],
        "more_former_roles": len(former) > FORMER_ROLES,
        "future_roles": [role for role in roles if role.start and role.start > today],
        # Seats left open until someone is named (a council-term change leaves them).
        "vacant_seats": [role for role in roles if role.person_id is None and role.end is None],
        "participations": list(
            Participation.objects.filter(body=body).select_related("municipality", "organisation")
        ),
    }


def _ancestors(body: Body) -> list[Body]:
    chain: list[Body] = []
    parent = body.parent
    while parent is not None:
        chain.insert(0, parent)
        parent = parent.parent
    return chain


def person_list(user: Any) -> list[tuple[Person, list[Role]]]:
    """People with a current role in a body the user may see, with those roles."""
    roles = (
        _roles_with_people()
        .current()
        .filter(person__isnull=False, body__in=visible_bodies(user))
        .order_by("person__sort_name", "body__name")
    )
    grouped: dict[int, tuple[Person, list[Role]]] = {}
    for role in roles:
        if role.person is not None:
            grouped.setdefault(role.person.pk, (role.person, []))[1].append(role)
    return list(grouped.values())


def visible_people(user: Any) -> QuerySet[Person]:
    """People the user may know of: those with a role in a body the user may see, and those
    with no role at all (guests, addressees). Someone known only from a body the user may not
    see stays unseen, as that body does (accounts.paths: registry.person)."""
    return visible(Person.objects.all(), user)


def person_picker_detail(title: str, city: str | None, organisation: str | None) -> str:
    """What tells a person apart from another of the same name in a picker: their function
    title and their city, else their organisation."""
    return ", ".join(part for part in (title, city or organisation) if part)


def visible_organisations(user: Any) -> QuerySet[Organisation]:
    """Organisations are open to everyone (accounts.paths), asked through the check all the
    same, as every way out is."""
    return visible(Organisation.objects.all(), user)


def visible_outside_bodies(user: Any) -> QuerySet[Body]:
    """Bodies of others (a VNG taskforce, a ministry's steering group) the user may see."""
    return visible_bodies(user).exclude(ownership=Ownership.OWN)


def visible_roles(user: Any) -> QuerySet[Role]:
    """Roles in the bodies the user may see."""
    return visible(Role.objects.all(), user)


def visible_participations(user: Any) -> QuerySet[Participation]:
    """Participations in the bodies the user may see."""
    return visible(Participation.objects.all(), user)


def person_detail(user: Any, slug: str) -> dict[str, Any] | None:
    person = (
        visible_people(user)
        .select_related("municipality", "organisation")
        .filter(slug=slug)
        .first()
    )
    if person is None:
        return None
    roles = list(
        _roles_with_people()
        .filter(person=person, body__in=visible_bodies(user))
        .order_by("-start", "body__name")
    )
    return {"person": person, "roles": roles}


def organisation_list() -> QuerySet[Organisation]:
    return Organisation.objects.order_by("kind", "name")


def organisation_detail(user: Any, slug: str) -> dict[str, Any] | None:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        return None
    bodies = visible_bodies(user)
    return {
        "organisation": organisation,
        "memberships": list(organisation.memberships.order_by("start")),
        "people": list(organisation.people.order_by("sort_name")),
        "bodies": list(bodies.filter(owner=organisation)),
        "participations": list(
            Participation.objects.filter(organisation=organisation, body__in=bodies).select_related(
                "body"
            )
        ),
    }


def representation_map(user: Any, on: dt.date | None = None) -> list[tuple[Body, list[Role]]]:
    """Who speaks for the network in which outside body (external or shared), and since when."""
    roles = (
        _roles_with_people()
        .current(on or _today())
        .filter(
            body__ownership__in=[Ownership.EXTERNAL, Ownership.SHARED],
            body__in=visible_bodies(user),
            person__isnull=False,
        )
        .select_related("body__owner")
        .order_by("body__name", "function", "person__sort_name")
    )
    grouped: dict[int, tuple[Body, list[Role]]] = {}
    for role in roles:
        grouped.setdefault(role.body_id, (role.body, []))[1].append(role)
    return list(grouped.values())


def key_numbers(user: Any) -> dict[str, int | None]:
    """The home page's figures, in three queries whatever the size of the network.

    The counts stop at the cap (``koepel.core.pagination``): past it a figure means "more than
    the cap". The inhabitants are a sum over the member cities, which are at most the
    country's municipalities."""
    members = member_municipalities()
    latest_year = Population.objects.order_by("-year").values_list("year", flat=True).first()
    inhabitants = None
    if latest_year:
        inhabitants = Population.objects.filter(
            year=latest_year, municipality__in=members
        ).aggregate(total=Sum("inhabitants"))["total"]
    seen = visible_bodies(user)
    # Correlated to each person, so the count can stop at the cap (an ``IN`` list of every
    # seat is gathered in full first on SQLite).
    in_a_role = Role.objects.current().filter(body__in=seen, person=OuterRef("pk"))
    counts = capped_counts(
        {
            "municipalities": members,
            "other_members": other_members(),
            # The network's own tree as it is, whatever it calls its parts: no count of a kind
            # of body one network has and another has not.
            "bodies": seen.own(),
            # Each person once, however many seats they hold.
            "people": Person.objects.filter(Exists(in_a_role)),
        }
    )
    return {**counts, "inhabitants": inhabitants, "population_year": latest_year}


def people_past_retention(cutoff: dt.date) -> QuerySet[Person]:
    """People whose last role ended before ``cutoff``, each with ``last_role_end``.

    Someone without any role is not among them: nothing says when their part ended (a guest
    speaker, an addressee of a letter). Nor is anyone with a role that has no end or ends on or
    after the cut-off.
    """
    recent = Role.objects.filter(person=OuterRef("pk")).filter(
        Q(end__isnull=True) | Q(end__gte=cutoff)
    )
    return (
        Person.objects.filter(Exists(Role.objects.filter(person=OuterRef("pk"))))
        .exclude(Exists(recent))
        .annotate(last_role_end=Max("roles__end"))
        .order_by("sort_name", "pk")
    )


def vocabularies() -> list[tuple[Vocabulary, list[Term]]]:
    """Each of the network's vocabularies with its terms, in their order: one query."""
    by_vocabulary: dict[str, list[Term]] = {value: [] for value in Vocabulary.values}
    for term in Term.objects.order_by("position", "label_nl", "pk"):
        by_vocabulary.setdefault(term.vocabulary, []).append(term)
    return [(Vocabulary(value), by_vocabulary[value]) for value in Vocabulary.values]


def vacant_seats(user: Any) -> list[Role]:
    """The seats left vacant until a successor is named — a role without a person and without
    an end, now or from a coming day — in the bodies the user may see, by body and function.
    One query, whatever the number of seats."""
    return list(vacant_seat_rows(user).order_by("body__name", "function", "start", "pk"))


def vacant_seat_rows(user: Any) -> QuerySet[Role]:
    """The vacant seats of ``vacant_seats`` (not read yet, in no order), with their bodies."""
    return visible(
        _roles_with_people().filter(person__isnull=True, end__isnull=True), user
    ).select_related("body__parent")


@dataclass(frozen=True)
class TermChangeGroup:
    """The roles held on behalf of one member city on a day, for a council-term change."""

    municipality: Municipality
    roles: list[Role]


def roles_for_term_change(on: dt.date) -> list[TermChangeGroup]:
    """Every role held on ``on`` on behalf of a city that is a member that day, by city, that
    has no end yet or ends after that day: the seats a council-term change may end. For the
    office, which sees every body. One query."""
    roles = (
        _roles_with_people()
        .current(on)
        .filter(
            person__isnull=False,
            on_behalf_of_municipality__in=member_municipalities(on),
        )
        .filter(Q(end__isnull=True) | Q(end__gt=on))
        .order_by(
            "on_behalf_of_municipality__sort_name",
            "on_behalf_of_municipality__pk",
            "body__name",
            "function",
            "person__sort_name",
        )
    )
    groups: dict[int, TermChangeGroup] = {}
    for role in roles:
        city = role.on_behalf_of_municipality
        if city is not None:  # always: the query asks for it
            groups.setdefault(city.pk, TermChangeGroup(city, [])).roles.append(role)
    return list(groups.values())
