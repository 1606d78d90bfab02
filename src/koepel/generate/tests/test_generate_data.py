"""``koepel generate-data`` at a tiny scale: what it makes, that it makes it again from the same
seed, that every record would pass its own validation, and that visibility holds."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import transaction

from koepel.accounts.access import editable_bodies, viewer_for
from koepel.accounts.models import User
from koepel.core.visibility import Visibility
from koepel.generate.generator import generate
from koepel.generate.sizes import sizes_for
from koepel.library.models import Document, Section
from koepel.meetings.models import Meeting
from koepel.registry.models import Body, Municipality, Person
from koepel.search.models import SearchEntry

SCALE = 0.02


def _snapshot() -> dict[str, list[Any]]:
    return {
        "people": list(Person.objects.values_list("name", "slug", "municipality__cbs_code")),
        "bodies": list(Body.objects.values_list("name", "kind", "parent__slug", "visibility")),
        "meetings": list(Meeting.objects.values_list("title", "date", "visibility", "uid")),
        "documents": list(Document.objects.order_by("slug").values_list("slug", "visibility")),
        "sections": list(
            Section.objects.order_by("document__slug", "position").values_list("title", "text")
        ),
    }


@pytest.mark.django_db
def test_command_prints_what_it_made_and_how_long_it_took() -> None:
    out = io.StringIO()
    call_command("generate_data", "--scale", str(SCALE), stdout=out)
    output = out.getvalue()
    sizes = sizes_for(SCALE)
    assert Municipality.objects.count() == sizes.municipalities
    assert Person.objects.count() == sizes.people
    assert Body.objects.count() == sizes.bodies
    assert Meeting.objects.count() > 0
    assert Section.objects.count() >= Document.objects.count() > Meeting.objects.count()
    # Every document, section, meeting, body, … is in the search index.
    assert SearchEntry.objects.filter(kind="sectie").count() == Section.objects.count()
    assert SearchEntry.objects.filter(kind="document").count() == Document.objects.count()
    assert f"{Section.objects.count():>10,}  hoofdstukken" in output
    assert "Klaar in" in output
    assert set(User.objects.values_list("username", flat=True)) == {"bureau", "lid", "secretaris"}


@pytest.mark.django_db
@pytest.mark.parametrize("scale", [SCALE, 1])
def test_the_accounts_are_what_their_names_say(scale: float) -> None:
    generate(scale=scale, seed=2021)
    secretary = User.objects.get(username="secretaris")
    member = User.objects.get(username="lid")
    assert editable_bodies(secretary).filter(kind="theme_group").exists()
    assert not editable_bodies(member).exists()
    assert viewer_for(member).body_ids
    assert editable_bodies(User.objects.get(username="bureau")).count() == Body.objects.count()


@pytest.mark.django_db
def test_command_refuses_a_database_that_holds_data() -> None:
    call_command("generate_data", "--scale", str(SCALE), stdout=io.StringIO())
    people = Person.objects.count()
    with pytest.raises(CommandError, match="bevat al gegevens"):
        call_command("generate_data", "--scale", str(SCALE), stdout=io.StringIO())
    assert Person.objects.count() == people


@pytest.mark.django_db
def test_command_refuses_a_scale_out_of_range() -> None:
    with pytest.raises(CommandError, match="schaal"):
        call_command("generate_data", "--scale", "0", stdout=io.StringIO())
    assert not Person.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_same_seed_makes_the_same_network_and_another_seed_another() -> None:
    def made_with(seed: int) -> dict[str, list[Any]]:
        with transaction.atomic():
            generate(scale=SCALE, seed=seed)
            snapshot = _snapshot()
            transaction.set_rollback(True)
        return snapshot

    first = made_with(7)
    assert first["sections"]
    assert made_with(7) == first
    assert made_with(8)["people"] != first["people"]


@pytest.mark.django_db
def test_every_generated_record_passes_its_own_validation() -> None:
    generate(scale=SCALE, seed=3)
    checked = 0
    for model in apps.get_models():
        if not model.__module__.startswith("koepel.") or not model._meta.managed:
            continue
        for record in model._default_manager.all():
            record.full_clean()
            checked += 1
    assert checked > 1000


@pytest.mark.django_db
def test_outsiders_cannot_see_or_find_generated_restricted_records(client: Any) -> None:
    generate(scale=SCALE, seed=5)
    document = Document.objects.filter(visibility=Visibility.RESTRICTED).first()
    meeting = Meeting.objects.exclude(visibility=Visibility.PUBLIC).first()
    assert document is not None and meeting is not None
    public = Document.objects.filter(visibility=Visibility.PUBLIC).first()
    assert public is not None

    assert client.get(public.get_absolute_url()).status_code == 200
    assert client.get(document.get_absolute_url()).status_code == 404
    assert client.get(meeting.get_absolute_url()).status_code == 404
    hidden = client.get("/zoeken/", {"q": f'"{document.title}"'}).content.decode()
    assert document.get_absolute_url() not in hidden

    client.force_login(User.objects.get(username="bureau"))
    assert client.get(document.get_absolute_url()).status_code == 200
    assert client.get(meeting.get_absolute_url()).status_code == 200
    found = client.get("/zoeken/", {"q": f'"{document.title}"'}).content.decode()
    assert document.get_absolute_url() in found


@pytest.mark.django_db
def test_every_generated_meeting_is_organised_by_one_of_its_bodies() -> None:
    generate(scale=0.1, seed=3)  # large enough to hold joint meetings
    meetings = list(Meeting.objects.prefetch_related("bodies"))
    assert meetings
    for meeting in meetings:
        assert meeting.organiser_id in {body.pk for body in meeting.bodies.all()}, meeting
    # The joint sessions among them have one organiser each, and other bodies beside it.
    assert any(len(meeting.bodies.all()) > 1 for meeting in meetings)
