"""How the registry goes into the search index: municipalities, organisations, people and
bodies (registered in ``apps.py``). People are found by name, function and affiliation, never
by their contact details."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from koepel.accounts.access import copied_access_of_known
from koepel.registry.models import Body, Municipality, Organisation, Person, Role
from koepel.registry.trails import SEPARATOR, body_path
from koepel.search import index


def municipality_entry(municipality: Municipality) -> index.Entry:
    return index.Entry(
        title=municipality.name,
        text=" · ".join(
            [
                str(Municipality._meta.verbose_name),
                index.display(municipality, "province"),
                municipality.cbs_code,
            ]
        ),
        url=municipality.get_absolute_url(),
        trail=index.display(municipality, "province"),
    )


def organisation_entry(organisation: Organisation) -> index.Entry:
    kind = index.display(organisation, "kind")
    return index.Entry(
        title=organisation.name,
        text=" · ".join(filter(None, [organisation.abbreviation, kind])),
        url=organisation.get_absolute_url(),
        trail=kind[:1].upper() + kind[1:],
    )


def person_entry(person: Person) -> index.Entry:
    affiliation = str(person.affiliation or "")
    # Found by those who may know of the person: as their page, through the bodies they sit in.
    visibility, bodies, named = copied_access_of_known(
        (role.body for role in index.prefetched(person, "roles")),
        lambda body: (role.person_id for role in index.prefetched(body, "roles") if role.person_id),
    )
    return index.Entry(
        title=person.name,
        text=" · ".join(filter(None, [person.title, affiliation])),
        url=person.get_absolute_url(),
        trail=affiliation,
        visibility=visibility,
        bodies=bodies,
        people=named,
    )


def body_entry(body: Body) -> index.Entry:
    owner = str(body.owner) if body.owner_id else ""
    return index.Entry(
        title=body.name,
        text=" · ".join(filter(None, [index.display(body, "kind"), owner, body.description])),
        url=body.get_absolute_url(),
        visibility=body.visibility,
        bodies=(body.pk,),
        # As the access check names them: everyone who holds or held a role in the body.
        people=tuple(
            {role.person_id for role in index.prefetched(body, "roles") if role.person_id}
        ),
        trail=SEPARATOR.join(body_path(body.parent) if body.parent else []),
    )


def people() -> QuerySet[Person]:
    seats = Role.objects.select_related("body").only(
        "person", "body__visibility", "body__name", "body__slug"
    )
    return Person.objects.select_related("municipality", "organisation").prefetch_related(
        index.prefetch("roles", seats),
        # Who sits in each of those bodies (read as ``prefetched(body, "roles")``).
        Prefetch(
            "_indexed_roles__body__roles",
            Role.objects.only("body", "person"),
            to_attr="_indexed_roles",
        ),
    )


def bodies() -> QuerySet[Body]:
    return Body.objects.select_related("parent__parent__parent", "owner").prefetch_related(
        index.prefetch("roles", Role.objects.only("body", "person"))
    )
