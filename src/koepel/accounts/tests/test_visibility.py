"""The one access check: every kind of user × every visibility level × where they sit.

The record under test is a theme group R inside a pillar P, with a working group C inside R and
an unrelated body O elsewhere. For a body, the people "named on it" are those who hold or held
a role in it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from koepel.accounts.access import can_edit, can_see_contact_details, can_view, visible
from koepel.accounts.tests.factories import UserFactory
from koepel.core.visibility import Visibility
from koepel.registry.models import Body, Role
from koepel.registry.tests.factories import BodyFactory, PersonFactory, RoleFactory

PUBLIC, NETWORK, BODY, RESTRICTED = (
    Visibility.PUBLIC,
    Visibility.NETWORK,
    Visibility.BODY,
    Visibility.RESTRICTED,
)
ALL = {PUBLIC, NETWORK, BODY, RESTRICTED}

# Who may see the record R at each visibility level.
EXPECTED_VIEW: dict[str, set[str]] = {
    "anonymous": {PUBLIC},
    "account_without_person": {PUBLIC},
    "member_elsewhere": {PUBLIC, NETWORK},
    "member_of_record": {PUBLIC, NETWORK, BODY, RESTRICTED},
    "role_ended": {PUBLIC, RESTRICTED},
    "role_ended_member_elsewhere": {PUBLIC, NETWORK, RESTRICTED},
    "role_not_yet_started": {PUBLIC, RESTRICTED},
    "member_of_parent": {PUBLIC, NETWORK, BODY},
    "member_of_child": {PUBLIC, NETWORK},
    "member_of_several": {PUBLIC, NETWORK, BODY, RESTRICTED},
    "secretary_of_record": ALL,
    "secretary_of_parent": ALL,  # edits the records of the bodies beneath, so sees them
    "secretary_of_child": {PUBLIC, NETWORK},
    "office": ALL,
    "inactive_office": {PUBLIC},
}

EXPECTED_EDIT = {
    "secretary_of_record",
    "secretary_of_parent",
    "office",
}


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    pillar = BodyFactory(name="Pijler P", slug="p", kind="pillar")
    record = BodyFactory(name="Themagroep R", slug="r", parent=pillar)
    child = BodyFactory(name="Werkgroep C", slug="c", parent=record, kind="working_group")
    other = BodyFactory(name="Themagroep O", slug="o")
    today = timezone.localdate()
    later = today + dt.timedelta(days=400)

    def account(*roles: dict[str, Any], **fields: Any) -> Any:
        person = PersonFactory()
        for role in roles:
            RoleFactory(person=person, **role)
        return UserFactory(person=person, **fields)

    users = {
        "anonymous": None,
        "account_without_person": UserFactory(),
        "member_elsewhere": account({"body": other}),
        "member_of_record": account({"body": record}),
        "role_ended": account({"body": record, "ended": True}),
        "role_ended_member_elsewhere": account({"body": record, "ended": True}, {"body": other}),
        "role_not_yet_started": account({"body": record, "start": later}),
        "member_of_parent": account({"body": pillar}),
        "member_of_child": account({"body": child}),
        "member_of_several": account({"body": other}, {"body": record}),
        "secretary_of_record": account({"body": record, "function": "ambtelijk_secretaris"}),
        "secretary_of_parent": account({"body": pillar, "function": "ambtelijk_secretaris"}),
        "secretary_of_child": account({"body": child, "function": "ambtelijk_secretaris"}),
        "office": UserFactory(office=True),
        "inactive_office": UserFactory(office=True, is_active=False),
    }
    return {"record": record, "users": users}


def _set_visibility(record: Body, level: str) -> Body:
    Body.objects.filter(pk=record.pk).update(visibility=level)
    record.refresh_from_db()
    return record


@pytest.mark.parametrize("level", sorted(ALL))
@pytest.mark.parametrize("who", sorted(EXPECTED_VIEW))
def test_each_user_sees_exactly_what_the_rules_allow(
    world: dict[str, Any], who: str, level: str
) -> None:
    record = _set_visibility(world["record"], level)
    user = world["users"][who]
    expected = level in EXPECTED_VIEW[who]

    assert can_view(user, record) is expected
    assert (record in visible(Body.objects.all(), user)) is expected


@pytest.mark.parametrize("who", sorted(EXPECTED_VIEW))
def test_only_the_office_and_secretaries_of_the_body_or_above_may_edit(
    world: dict[str, Any], who: str
) -> None:
    assert can_edit(world["users"][who], world["record"]) is (who in EXPECTED_EDIT)


def test_visible_lists_each_record_once_whatever_the_number_of_roles(
    world: dict[str, Any],
) -> None:
    record = _set_visibility(world["record"], RESTRICTED)
    user = world["users"]["member_of_record"]
    RoleFactory(person=user.person, body=record, function="voorzitter")

    assert list(visible(Body.objects.filter(pk=record.pk), user)) == [record]


def test_contact_details_are_for_members_only(world: dict[str, Any]) -> None:
    users = world["users"]
    assert not can_see_contact_details(users["anonymous"])
    assert not can_see_contact_details(users["account_without_person"])
    assert not can_see_contact_details(users["role_ended"])
    assert can_see_contact_details(users["member_elsewhere"])
    assert can_see_contact_details(users["office"])


def test_someone_with_hundreds_of_seats_sees_every_body_beneath_them(db: None) -> None:
    # More seats than SQLite allows terms in one compound SELECT (500).
    person = PersonFactory()
    tops = Body.objects.bulk_create(
        Body(name=f"Gremium {n}", slug=f"gremium-{n}", kind="theme_group") for n in range(520)
    )
    below = BodyFactory(name="Werkgroep onder de laatste", slug="onder", parent=tops[-1])
    secret = BodyFactory(name="Werkgroep onder de eerste", slug="geheim", parent=tops[0])
    for body in (below, secret):
        _set_visibility(body, BODY)
    Role.objects.bulk_create(Role(person=person, body=body, function="lid") for body in tops[1:])
    RoleFactory(person=person, body=tops[0], function="ambtelijk_secretaris")
    user = UserFactory(person=person)

    assert set(visible(Body.objects.filter(slug__in=["onder", "geheim"]), user)) == {below, secret}
    assert can_edit(user, secret)
    assert not can_edit(user, below)
