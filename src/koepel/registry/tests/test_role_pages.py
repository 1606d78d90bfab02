"""Roles and participations in Koepel's own pages: the office and a body's secretary add,
change and end them, hand a role over in one step, and the office changes the council term,
leaving seats vacant until successors are named."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from koepel.accounts.tests.factories import UserFactory
from koepel.registry import selectors, services
from koepel.registry.models import Body, Participation, Person, Role
from koepel.registry.tests.factories import (
    BodyFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganisationFactory,
    PersonFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db

STALE = "Iemand anders heeft dit net gewijzigd"


def _text(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


@pytest.fixture
def body() -> Body:
    return BodyFactory(name="Themagroep Wonen", slug="wonen")


@pytest.fixture
def office(client: Client) -> Client:
    client.force_login(UserFactory(office=True))
    return client


def _signed_in(user: Any) -> Client:
    page = Client()
    page.force_login(user)
    return page


def _secretary_of(body: Body) -> Any:
    return UserFactory(person=RoleFactory(body=body, secretary=True).person)


def _picked(name: str, person: Person) -> dict[str, Any]:
    """A person chosen in a picker: the name in the box, and the record the script chose."""
    return {name: person.name, f"{name}-id": person.pk}


def _role_form(person: Person, **extra: Any) -> dict[str, Any]:
    return {
        "person": person.name,
        "person-id": person.pk,
        "function": "voorzitter",
        "level": "bestuurlijk",
        "start": "2024-01-01",
        **extra,
    }


# --- Create, change, end -------------------------------------------------------------------------


def test_the_office_adds_a_role_and_a_stale_change_is_refused(office: Client, body: Body) -> None:
    person = PersonFactory(name="Anna de Vries")
    added = office.post(reverse("registry:role-add", args=[body.slug]), _role_form(person))
    assert added.status_code == 302 and added["Location"] == body.get_absolute_url()
    role = Role.objects.get(body=body, person=person)
    assert (role.function, role.start) == ("voorzitter", dt.date(2024, 1, 1))
    assert "Anna de Vries" in _text(office.get(body.get_absolute_url()))

    form = {**_role_form(person), "function_detail": "Wonen", "version": role.version}
    edit = reverse("registry:role-edit", args=[role.pk])
    assert office.post(edit, form).status_code == 302
    # A second writer started from the same version: told, and the first change stays.
    stale = office.post(edit, {**form, "function_detail": "Bouwen"})
    assert STALE in _text(stale)
    role.refresh_from_db()
    assert role.function_detail == "Wonen"


def test_bad_dates_are_refused_in_dutch_and_nothing_is_stored(office: Client, body: Body) -> None:
    person = PersonFactory()
    add = reverse("registry:role-add", args=[body.slug])
    backwards = office.post(add, _role_form(person, end="2023-06-30"))
    assert "De einddatum ligt vóór de begindatum" in _text(backwards)
    assert not Role.objects.filter(person=person).exists()

    RoleFactory(person=person, body=body, function="voorzitter", start=dt.date(2022, 1, 1))
    twice = office.post(add, _role_form(person))
    text = _text(twice)
    assert "heeft deze functie al" in text and "overlapt" in text
    assert Role.objects.filter(person=person).count() == 1

    province = OrganisationFactory()
    both = office.post(
        add,
        _role_form(
            PersonFactory(),
            on_behalf_of_municipality=MunicipalityFactory().pk,
            **{
                "on_behalf_of_organisation": province.name,
                "on_behalf_of_organisation-id": province.pk,
            },
        ),
    )
    assert "namens een gemeente of namens een organisatie, niet allebei" in _text(both)


def test_ending_a_role_keeps_it_in_the_history_and_a_stale_end_is_refused(
    office: Client, body: Body
) -> None:
    role = RoleFactory(body=body, start=dt.date(2022, 1, 1))
    end = reverse("registry:role-end", args=[role.pk])
    assert office.get(end).status_code == 200
    too_early = office.post(end, {"last_day": "2021-12-31", "version": role.version})
    assert "De einddatum ligt vóór de begindatum" in _text(too_early)

    done = office.post(end, {"last_day": "2023-03-31", "version": role.version})
    assert done.status_code == 302
    role.refresh_from_db()
    assert role.end == dt.date(2023, 3, 31)
    assert not Role.objects.filter(body=body, person=None).exists()  # no vacancy asked for
    assert role.person.name in _text(office.get(body.get_absolute_url()))  # a former role

    stale = office.post(end, {"last_day": "2023-01-31", "version": role.version - 1})
    assert STALE in _text(stale)
    role.refresh_from_db()
    assert role.end == dt.date(2023, 3, 31)


def test_ending_a_role_may_leave_its_seat_vacant(office: Client, body: Body) -> None:
    city = MunicipalityFactory(name="Zwolle")
    role = RoleFactory(body=body, function="voorzitter", on_behalf_of_municipality=city)
    office.post(
        reverse("registry:role-end", args=[role.pk]),
        {"last_day": "2024-03-31", "version": role.version, "leave_vacant": "on"},
    )
    vacancy = Role.objects.get(body=body, person=None)
    assert (vacancy.function, vacancy.on_behalf_of_municipality, vacancy.start, vacancy.end) == (
        "voorzitter",
        city,
        dt.date(2024, 4, 1),
        None,
    )


# --- Hand-over -----------------------------------------------------------------------------------


def test_a_hand_over_ends_the_old_role_the_day_before_and_starts_the_new_one(
    office: Client, body: Body
) -> None:
    city = MunicipalityFactory(name="Deventer")
    old = RoleFactory(
        body=body,
        function="voorzitter",
        level="bestuurlijk",
        on_behalf_of_municipality=city,
        start=dt.date(2020, 5, 1),
    )
    successor = PersonFactory(name="Bram Jansen")
    hand_over = reverse("registry:role-hand-over", args=[old.pk])
    # The successor is typed into a picker: the page does not list everyone there is.
    assert "Bram Jansen" not in _text(office.get(hand_over))
    done = office.post(
        hand_over,
        {**_picked("successor", successor), "first_day": "2024-09-01", "version": old.version},
    )
    assert done.status_code == 302
    old.refresh_from_db()
    assert old.end == dt.date(2024, 8, 31)
    new = Role.objects.get(person=successor)
    assert (new.body, new.function, new.level, new.on_behalf_of_municipality) == (
        body,
        "voorzitter",
        "bestuurlijk",
        city,
    )
    assert (new.start, new.end) == (dt.date(2024, 9, 1), None)
    page = _text(office.get(body.get_absolute_url()))
    assert "Bram Jansen" in page and old.person.name in page  # history stays


def test_a_refused_hand_over_leaves_both_roles_untouched(office: Client, body: Body) -> None:
    old = RoleFactory(body=body, function="voorzitter", start=dt.date(2020, 1, 1))
    successor = PersonFactory()
    # The successor already chairs the body: the new role would overlap.
    RoleFactory(person=successor, body=body, function="voorzitter", start=dt.date(2024, 1, 1))
    version = old.version
    refused = office.post(
        reverse("registry:role-hand-over", args=[old.pk]),
        {**_picked("successor", successor), "first_day": "2024-09-01", "version": version},
    )
    assert "heeft deze functie al" in _text(refused)
    old.refresh_from_db()
    assert (old.end, old.version) == (None, version)
    assert Role.objects.filter(person=successor).count() == 1

    same = office.post(
        reverse("registry:role-hand-over", args=[old.pk]),
        {**_picked("successor", old.person), "first_day": "2024-09-01", "version": version},
    )
    assert "Kies iemand anders" in _text(same)
    stale = office.post(
        reverse("registry:role-hand-over", args=[old.pk]),
        {
            **_picked("successor", PersonFactory()),
            "first_day": "2024-09-01",
            "version": version + 5,
        },
    )
    assert STALE in _text(stale)
    old.refresh_from_db()
    assert (old.end, old.version) == (None, version)


# --- Council-term change -------------------------------------------------------------------------


def test_a_council_term_change_ends_the_ticked_roles_and_leaves_their_seats_vacant(
    office: Client, body: Body
) -> None:
    day = dt.date(2026, 3, 31)
    city = MembershipFactory(
        municipality=MunicipalityFactory(name="Amersfoort"), start=dt.date(2010, 1, 1)
    ).municipality
    other = MembershipFactory(
        municipality=MunicipalityFactory(name="Breda"), start=dt.date(2010, 1, 1)
    ).municipality
    outsider = MunicipalityFactory(name="Nergenshuizen")  # not a member
    leaving = RoleFactory(
        body=body, function="voorzitter", level="bestuurlijk", on_behalf_of_municipality=city
    )
    also_leaving = RoleFactory(
        body=BodyFactory(name="Pijler Fysiek"),
        function="lid",
        level="bestuurlijk",
        on_behalf_of_municipality=other,
    )
    staying = RoleFactory(body=body, function="lid", on_behalf_of_municipality=city)
    RoleFactory(body=body, function="lid", on_behalf_of_municipality=outsider)

    url = reverse("registry:term-change")
    page = office.get(url, {"datum": day.isoformat()})
    text = _text(page)
    assert "Amersfoort" in text and "Breda" in text and "Nergenshuizen" not in text
    assert text.index("Amersfoort") < text.index("Breda")  # grouped per city

    chosen = {
        "datum": day.isoformat(),
        "rol": [leaving.pk, also_leaving.pk],
        f"versie-{leaving.pk}": leaving.version,
        f"versie-{also_leaving.pk}": also_leaving.version,
    }
    confirm = _text(office.get(url, {**chosen, "stap": "bevestigen"}))
    assert "2 rollen eindigen op 31 maart 2026" in confirm
    assert "vanaf 1 april 2026 vacant" in confirm
    office.get(url, {**chosen, "stap": "beeindigen"})  # a link never ends anything
    leaving.refresh_from_db()
    assert leaving.end is None  # nothing happens before the confirmation

    done = office.post(url, {**chosen, "stap": "beeindigen"}, follow=True)
    assert "2 rollen beëindigd op 31 maart 2026" in _text(done)
    for role in (leaving, also_leaving):
        role.refresh_from_db()
        assert role.end == day
    staying.refresh_from_db()
    assert staying.end is None

    vacancies = selectors.vacant_seats(UserFactory(office=True))
    assert {(v.body_id, v.function, v.on_behalf_of_municipality_id) for v in vacancies} == {
        (body.pk, "voorzitter", city.pk),
        (also_leaving.body_id, "lid", other.pk),
    }
    assert all(v.start == dt.date(2026, 4, 1) for v in vacancies)
    listed = BeautifulSoup(office.get(url).content, "html.parser")
    section = listed.find(id="vacancies-heading").find_parent("section")
    for seat in vacancies:  # each with its link to name the successor
        assert section.find("a", href=reverse("registry:role-hand-over", args=[seat.pk]))

    # The body page shows its seat vacant, and the office fills it by naming the successor.
    body_page = office.get(body.get_absolute_url())
    soup = BeautifulSoup(body_page.content, "html.parser")
    vacant = soup.find(id="vacant-heading").find_parent("section")
    assert "Amersfoort" in vacant.get_text()
    seat = next(v for v in vacancies if v.body_id == body.pk)
    fill = reverse("registry:role-hand-over", args=[seat.pk])
    assert vacant.find("a", href=fill) is not None
    successor = PersonFactory(name="Carla Smit")
    office.post(
        fill,
        {**_picked("successor", successor), "first_day": "2026-05-12", "version": seat.version},
    )
    seat.refresh_from_db()
    assert (seat.person, seat.end) == (None, dt.date(2026, 5, 11))  # vacant until the day before
    new = Role.objects.get(person=successor)
    assert (new.body, new.function, new.on_behalf_of_municipality, new.start) == (
        body,
        "voorzitter",
        city,
        dt.date(2026, 5, 12),
    )
    after = BeautifulSoup(office.get(body.get_absolute_url()).content, "html.parser")
    assert after.find(id="vacant-heading") is None
    assert [v.body_id for v in selectors.vacant_seats(UserFactory(office=True))] == [
        also_leaving.body_id
    ]


def test_a_seat_filled_on_the_day_it_fell_vacant_leaves_no_empty_period(
    office: Client, body: Body
) -> None:
    vacancy = RoleFactory(body=body, person=None, function="lid", start=dt.date(2026, 4, 1))
    successor = PersonFactory()
    office.post(
        reverse("registry:role-hand-over", args=[vacancy.pk]),
        {**_picked("successor", successor), "first_day": "2026-04-01", "version": vacancy.version},
    )
    vacancy.refresh_from_db()
    assert (vacancy.person, vacancy.start, vacancy.end) == (successor, dt.date(2026, 4, 1), None)
    assert Role.objects.filter(body=body).count() == 1


def test_the_roles_that_end_scroll_in_a_box_the_keyboard_reaches(
    office: Client, body: Body
) -> None:
    """On a phone the confirmation's table is wider than the screen and scrolls in its box:
    the box takes the focus and is named by the table's caption (WCAG 2.1.1)."""
    city = MembershipFactory(start=dt.date(2010, 1, 1)).municipality
    role = RoleFactory(body=body, on_behalf_of_municipality=city)
    page = office.get(
        reverse("registry:term-change"),
        {"datum": "2026-03-31", "stap": "bevestigen", "rol": role.pk, f"versie-{role.pk}": 1},
    )
    soup = BeautifulSoup(page.content, "html.parser")
    box = soup.select_one(".table-wrapper")
    assert box is not None and box.find("table") is not None
    assert box.get("tabindex") == "0" and box.get("role") == "region"
    caption = soup.find(id=box.get("aria-labelledby"))
    assert caption is not None and caption.name == "caption"
    assert caption.get_text(strip=True) == "De rollen die eindigen"


def test_a_council_term_change_with_one_stale_role_ends_none(office: Client, body: Body) -> None:
    city = MembershipFactory(start=dt.date(2010, 1, 1)).municipality
    first = RoleFactory(body=body, on_behalf_of_municipality=city)
    second = RoleFactory(body=body, function="voorzitter", on_behalf_of_municipality=city)
    stale_version = second.version
    services.role_save(role=second, expected_version=second.version)  # changed meanwhile
    done = office.post(
        reverse("registry:term-change"),
        {
            "datum": "2026-03-31",
            "stap": "beeindigen",
            "rol": [first.pk, second.pk],
            f"versie-{first.pk}": first.version,
            f"versie-{second.pk}": stale_version,
        },
        follow=True,
    )
    assert "geen enkele rol beëindigd" in _text(done)
    assert not Role.objects.filter(end__isnull=False).exists()
    assert not Role.objects.filter(person=None).exists()


def test_a_council_term_change_without_ticks_asks_for_them(office: Client) -> None:
    answer = office.get(
        reverse("registry:term-change"), {"datum": "2026-03-31", "stap": "bevestigen"}
    )
    assert "Vink de rollen aan" in _text(answer)


# --- Participations ------------------------------------------------------------------------------


def test_a_participation_is_added_changed_and_ended_and_overlap_is_refused(
    office: Client, body: Body
) -> None:
    city = MunicipalityFactory(name="Leeuwarden")
    add = reverse("registry:participation-add", args=[body.slug])
    form = {"municipality": city.pk, "function": "deelnemer", "start": "2023"}
    assert office.post(add, form).status_code == 302
    participation = Participation.objects.get(body=body, municipality=city)
    again = office.post(add, {**form, "start": "2024-02-01"})
    assert "neemt al deel" in _text(again)
    neither = office.post(add, {"function": "deelnemer", "start": "2023"})
    assert "Kies een gemeente of een organisatie" in _text(neither)

    edit = reverse("registry:participation-edit", args=[participation.pk])
    changed = {**form, "note": "trekker", "version": participation.version}
    assert office.post(edit, changed).status_code == 302
    assert STALE in _text(office.post(edit, {**changed, "note": "x"}))

    participation.refresh_from_db()
    end = reverse("registry:participation-end", args=[participation.pk])
    office.post(end, {"last_day": "2024-12-31", "version": participation.version})
    participation.refresh_from_db()
    assert (participation.note, participation.end) == ("trekker", dt.date(2024, 12, 31))
    assert "Leeuwarden" in _text(office.get(body.get_absolute_url()))


# --- Who may -------------------------------------------------------------------------------------

WHO = ("office", "secretary", "other_secretary", "member", "visitor")


def _client_for(who: str, body: Body) -> Client:
    if who == "visitor":
        return Client()
    if who == "office":
        return _signed_in(UserFactory(office=True))
    if who == "secretary":
        return _signed_in(_secretary_of(body))
    if who == "other_secretary":
        return _signed_in(_secretary_of(BodyFactory()))
    return _signed_in(UserFactory(person=RoleFactory(body=body).person))


@pytest.mark.parametrize("who", WHO)
def test_who_may_manage_the_seats_of_a_body(who: str, body: Body) -> None:
    page = _client_for(who, body)
    role = RoleFactory(body=body, function="voorzitter")
    participation = Participation.objects.create(
        body=body, municipality=MunicipalityFactory(), start=dt.date(2020, 1, 1)
    )
    pages = [
        reverse("registry:role-add", args=[body.slug]),
        reverse("registry:role-edit", args=[role.pk]),
        reverse("registry:role-end", args=[role.pk]),
        reverse("registry:role-hand-over", args=[role.pk]),
        reverse("registry:participation-add", args=[body.slug]),
        reverse("registry:participation-edit", args=[participation.pk]),
        reverse("registry:participation-end", args=[participation.pk]),
    ]
    may = who in ("office", "secretary")
    for url in pages:
        status = page.get(url).status_code
        if who == "visitor":
            assert status == 302, url  # to sign in
        else:
            assert status == (200 if may else 403), (url, status)
    # A write by someone who may not is refused and changes nothing.
    refused = page.post(
        reverse("registry:role-end", args=[role.pk]),
        {"last_day": "2024-12-31", "version": role.version},
    )
    role.refresh_from_db()
    assert (role.end is not None) is may, refused.status_code
    # The links are there for those who may, and only for them.
    links = _text(page.get(body.get_absolute_url()))
    assert ("Rol toevoegen" in links) is may
    # The council-term change is the office's alone.
    term = page.get(reverse("registry:term-change")).status_code
    assert term == {"office": 200, "visitor": 302}.get(who, 403)


def test_a_secretary_manages_the_bodies_beneath_theirs_and_never_sees_the_note(
    body: Body,
) -> None:
    beneath = BodyFactory(parent=body)
    secretary = _signed_in(_secretary_of(body))
    role = RoleFactory(body=beneath, note="alleen voor het bureau")
    form = secretary.get(reverse("registry:role-edit", args=[role.pk]))
    assert form.status_code == 200
    assert "alleen voor het bureau" not in form.content.decode()
    assert 'name="note"' not in form.content.decode()
    changed = secretary.post(
        reverse("registry:role-edit", args=[role.pk]),
        {**_role_form(role.person, function="lid", start="2020-01-01"), "version": role.version},
    )
    assert changed.status_code == 302
    role.refresh_from_db()
    assert role.note == "alleen voor het bureau"  # kept, not emptied by a form without it


def test_a_hidden_body_is_not_found_by_whoever_may_not_see_it() -> None:
    hidden = BodyFactory(visibility="restricted")
    role = RoleFactory(body=hidden)
    page = _signed_in(_secretary_of(BodyFactory()))
    assert page.get(reverse("registry:role-edit", args=[role.pk])).status_code == 404
    assert page.get(reverse("registry:role-add", args=[hidden.slug])).status_code == 404


def test_the_person_page_links_to_the_roles_the_viewer_may_manage(body: Body) -> None:
    role = RoleFactory(body=body)
    elsewhere = RoleFactory(person=role.person, body=BodyFactory(name="Elders"))
    secretary = _signed_in(_secretary_of(body))
    html = secretary.get(role.person.get_absolute_url()).content.decode()
    assert reverse("registry:role-edit", args=[role.pk]) in html
    assert reverse("registry:role-edit", args=[elsewhere.pk]) not in html
    member = _signed_in(UserFactory(person=RoleFactory(body=body).person))
    assert "wijzigen" not in member.get(role.person.get_absolute_url()).content.decode()


# --- Query counts --------------------------------------------------------------------------------


def test_the_pages_read_the_same_number_of_times_however_many_seats(
    office: Client, body: Body, django_assert_max_num_queries: Any
) -> None:
    def seats(n: int) -> None:
        city = MembershipFactory(start=dt.date(2010, 1, 1)).municipality
        for _ in range(n):
            RoleFactory(body=body, on_behalf_of_municipality=city, function="voorzitter")
            RoleFactory(body=BodyFactory(), person=None, function="lid", start=dt.date(2024, 1, 1))

    seats(1)
    addresses = [
        body.get_absolute_url(),
        reverse("registry:term-change") + "?datum=2026-03-31",
        reverse("registry:role-add", args=[body.slug]),
    ]
    counts = []
    for address in addresses:
        with django_assert_max_num_queries(60) as few:
            assert office.get(address).status_code == 200
        counts.append(len(few.captured_queries))
    seats(12)
    for address, count in zip(addresses, counts, strict=True):
        with django_assert_max_num_queries(count):
            assert office.get(address).status_code == 200


def test_vacant_seats_pass_the_visibility_check(db: None) -> None:
    hidden = BodyFactory(visibility="restricted")
    seen = BodyFactory(visibility="public")
    RoleFactory(body=hidden, person=None, start=dt.date(2024, 1, 1))
    RoleFactory(body=seen, person=None, start=dt.date(2024, 1, 1))
    RoleFactory(body=seen, person=None, start=dt.date(2023, 1, 1), end=dt.date(2023, 6, 30))
    visitor = selectors.vacant_seats(None)
    assert [v.body for v in visitor] == [seen]
    assert {v.body for v in selectors.vacant_seats(UserFactory(office=True))} == {hidden, seen}
