"""``visible(Model.objects.all(), user)`` starts from a filtered query kept per viewer: what one
caller adds to it (a filter, an order, a slice) never reaches the next caller, and each viewer
gets their own."""

from __future__ import annotations

from koepel.accounts.access import viewer_for, visible
from koepel.accounts.tests.factories import UserFactory
from koepel.meetings.models import Meeting
from koepel.meetings.tests.factories import MeetingFactory
from koepel.registry import services
from koepel.registry.tests.factories import BodyFactory, PersonFactory, RoleFactory


def test_what_one_caller_adds_never_reaches_the_next(db: None) -> None:
    body = BodyFactory(name="Werkgroep Water", slug="water")
    MeetingFactory(title="Openbaar", bodies=[body], visibility="public")
    MeetingFactory(title="Voor leden", bodies=[body], visibility="body")
    person = services.person_save(person=PersonFactory.build(name="Els Lid"))
    services.role_save(role=RoleFactory.build(body=body, person=person))
    member = UserFactory(person=person)

    first = visible(Meeting.objects.all(), member)
    narrowed = first.filter(title="Openbaar").order_by("-pk")[:1]
    assert [m.title for m in narrowed] == ["Openbaar"]
    again = visible(Meeting.objects.all(), member)
    assert sorted(m.title for m in again) == ["Openbaar", "Voor leden"]
    assert again.query is not first.query

    # A viewer with other seats is another query; the anonymous reader sees the public one.
    assert [m.title for m in visible(Meeting.objects.all(), None)] == ["Openbaar"]
    assert sorted(m.title for m in visible(Meeting.objects.all(), member)) == [
        "Openbaar",
        "Voor leden",
    ]
    # A queryset that is not the whole model keeps its own conditions.
    only = visible(Meeting.objects.filter(title="Voor leden"), member)
    assert [m.title for m in only] == ["Voor leden"]
    assert viewer_for(member).body_ids


def test_a_reversed_order_is_not_kept_for_the_next_caller(db: None) -> None:
    MeetingFactory(title="Eerste", visibility="public")
    MeetingFactory(title="Tweede", visibility="public")
    in_order = [m.title for m in Meeting.objects.all()]

    reversed_first = visible(Meeting.objects.all().reverse(), None)
    assert [m.title for m in reversed_first] == in_order[::-1]

    assert [m.title for m in visible(Meeting.objects.all(), None)] == in_order
