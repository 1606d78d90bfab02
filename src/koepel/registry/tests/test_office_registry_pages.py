"""The office keeps the registry in Koepel's own pages: people, organisations, municipalities
with their periods of membership, and bodies as a tree. A secretary may add a person or an
organisation; a member of the network and a visitor may change nothing. Two people changing
one record: the second is told, and nothing is overwritten unseen."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from auditlog.models import LogEntry
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from koepel.accounts.tests.factories import UserFactory
from koepel.core.tests.forms import form_data
from koepel.registry.models import (
    Body,
    Membership,
    Municipality,
    Organisation,
    Participation,
    Person,
    Role,
)
from koepel.registry.tests.factories import (
    BodyFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganisationFactory,
    PersonFactory,
    RoleFactory,
)

CONFLICT = "Iemand anders heeft dit net gewijzigd"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def office(db: None) -> Client:
    return _client(UserFactory(office=True))


@pytest.fixture
def secretary(db: None) -> Client:
    role = RoleFactory(secretary=True)
    return _client(UserFactory(person=role.person))


@pytest.fixture
def member(db: None) -> Client:
    role = RoleFactory(function="lid")
    return _client(UserFactory(person=role.person))


def _errors(response: Any) -> str:
    soup = BeautifulSoup(response.content, "html.parser")
    return " ".join(
        p.get_text(" ", strip=True) for p in soup.select(".field-error, .form-errors p")
    )


# --- People --------------------------------------------------------------------------------------


def test_the_office_adds_a_person_with_contact_details_and_the_trail_says_who(
    db: None,
) -> None:
    user = UserFactory(office=True)
    office = _client(user)
    city = MunicipalityFactory(name="Zwolle")
    response = office.post(
        reverse("registry:person-add"),
        {
            "name": "Anna de Vries",
            "sort_name": "Vries, Anna de",
            "title": "wethouder",
            "municipality": city.pk,
            "email": "a.devries@zwolle.example",
            "phone": "038 123 4567",
            "language": "nl",
        },
    )
    person = Person.objects.get(name="Anna de Vries")
    assert response.status_code == 302
    assert response["Location"] == person.get_absolute_url()
    assert (person.slug, person.municipality, person.email) == (
        "anna-de-vries",
        city,
        "a.devries@zwolle.example",
    )
    entry = LogEntry.objects.get_for_object(person).get()
    assert entry.action == LogEntry.Action.CREATE and entry.actor == user
    page = office.get(person.get_absolute_url()).content.decode()
    assert "De persoon is toegevoegd." in page


def test_a_second_person_with_the_same_address_is_refused_naming_the_first(
    office: Client,
) -> None:
    PersonFactory(name="Anna de Vries", email="anna@zwolle.example")
    response = office.post(
        reverse("registry:person-add"),
        {"name": "A. de Vries", "email": "Anna@Zwolle.example", "language": "nl"},
    )
    assert response.status_code == 200
    assert "Anna de Vries heeft het e-mailadres Anna@Zwolle.example al" in _errors(response)
    assert Person.objects.count() == 1


def test_a_bad_address_and_a_missing_name_get_dutch_messages_and_nothing_is_stored(
    office: Client,
) -> None:
    response = office.post(
        reverse("registry:person-add"), {"name": "", "email": "geen adres", "language": "nl"}
    )
    errors = _errors(response)
    assert "Dit veld is vereist" in errors
    assert "geldig e-mailadres" in errors
    assert not Person.objects.exists()


def test_two_people_changing_one_person_the_second_is_told_and_keeps_their_text(
    db: None,
) -> None:
    person = PersonFactory(name="Anna de Vries", title="wethouder")
    url = reverse("registry:person-edit", args=[person.slug])
    first, second = _client(UserFactory(office=True)), _client(UserFactory(office=True))
    first_form, second_form = form_data(first.get(url).content), form_data(second.get(url).content)
    assert first_form["version"] == second_form["version"] == "1"

    assert first.post(url, {**first_form, "title": "burgemeester"}).status_code == 302
    response = second.post(url, {**second_form, "title": "wethouder Wonen"})

    assert response.status_code == 200
    assert CONFLICT in response.content.decode()
    again = form_data(response.content)
    assert again["title"] == "wethouder Wonen"  # their own text is back
    person.refresh_from_db()
    assert person.title == "burgemeester"  # the first change stays
    assert again["version"] == str(person.version)
    assert second.post(url, again).status_code == 302
    person.refresh_from_db()
    assert person.title == "wethouder Wonen"


def test_the_office_removes_contact_details_the_name_and_roles_stay(office: Client) -> None:
    role = RoleFactory(person=PersonFactory(email="oud@gemeente.example", phone="012"))
    person = role.person
    url = reverse("registry:person-anonymise", args=[person.slug])
    page = office.get(url)
    assert "oud@gemeente.example" in page.content.decode()  # the page says what goes
    assert office.post(url, form_data(page.content, "registry-form")).status_code == 302
    person.refresh_from_db()
    assert (person.email, person.phone, person.name) == ("", "", role.person.name)
    assert Role.objects.filter(person=person).exists()


def test_removing_contact_details_of_a_person_changed_meanwhile_is_refused(
    office: Client,
) -> None:
    person = PersonFactory(email="oud@gemeente.example")
    url = reverse("registry:person-anonymise", args=[person.slug])
    data = form_data(office.get(url).content, "registry-form")
    person.email = "nieuw@gemeente.example"
    person.save()
    Person.objects.filter(pk=person.pk).update(version=5)
    response = office.post(url, data)
    assert response.status_code == 200
    assert "Iemand anders heeft deze persoon net gewijzigd" in _errors(response)
    person.refresh_from_db()
    assert person.email == "nieuw@gemeente.example"


# --- Organisations -------------------------------------------------------------------------------


def test_an_organisation_is_added_and_a_second_of_the_same_name_is_refused(
    office: Client,
) -> None:
    data = {"name": "Ministerie van Financiën", "abbreviation": "FIN", "kind": "ministry"}
    assert office.post(reverse("registry:organisation-add"), data).status_code == 302
    organisation = Organisation.objects.get()
    assert organisation.slug == "fin"
    again = office.post(
        reverse("registry:organisation-add"), {**data, "name": "ministerie van financiën"}
    )
    assert "Er is al een organisatie met de naam" in _errors(again)
    assert Organisation.objects.count() == 1


def test_two_people_changing_one_organisation_the_second_is_told(db: None) -> None:
    organisation = OrganisationFactory(name="VNG")
    url = reverse("registry:organisation-edit", args=[organisation.slug])
    first, second = _client(UserFactory(office=True)), _client(UserFactory(office=True))
    first_form, second_form = form_data(first.get(url).content), form_data(second.get(url).content)
    assert first.post(url, {**first_form, "website": "https://vng.example"}).status_code == 302
    response = second.post(url, {**second_form, "abbreviation": "V"})
    assert CONFLICT in response.content.decode()
    organisation.refresh_from_db()
    assert (organisation.website, organisation.abbreviation) == ("https://vng.example", "")


# --- Who may -------------------------------------------------------------------------------------


def test_a_secretary_adds_an_outside_guest_and_an_addressee_but_changes_nothing_else(
    secretary: Client,
) -> None:
    assert (
        secretary.post(
            reverse("registry:person-add"), {"name": "Gast van buiten", "language": "nl"}
        ).status_code
        == 302
    )
    assert (
        secretary.post(
            reverse("registry:organisation-add"), {"name": "Adviesbureau", "kind": "company"}
        ).status_code
        == 302
    )
    person, organisation = Person.objects.get(name="Gast van buiten"), Organisation.objects.get()
    city = MunicipalityFactory()
    body = BodyFactory()
    membership = MembershipFactory(municipality=city, start=dt.date(2020, 1, 1))
    refused = [
        reverse("registry:person-edit", args=[person.slug]),
        reverse("registry:person-anonymise", args=[person.slug]),
        reverse("registry:organisation-edit", args=[organisation.slug]),
        reverse("registry:organisation-membership-add", args=[organisation.slug]),
        reverse("registry:municipality-add"),
        reverse("registry:municipality-edit", args=[city.cbs_code]),
        reverse("registry:municipality-membership-add", args=[city.cbs_code]),
        reverse("registry:membership-edit", args=[membership.pk]),
        reverse("registry:membership-end", args=[membership.pk]),
        reverse("registry:body-add"),
        reverse("registry:body-edit", args=[body.slug]),
        reverse("registry:body-end", args=[body.slug]),
    ]
    for url in refused:
        assert secretary.get(url).status_code == 403, url
        assert secretary.post(url, {"name": "x", "end": "2021"}).status_code == 403, url
    body.refresh_from_db()
    assert body.end is None


@pytest.mark.parametrize("who", ["member", "visitor"])
def test_a_member_and_a_visitor_may_add_and_change_nothing(
    db: None, member: Client, client: Client, who: str
) -> None:
    asking = member if who == "member" else client
    person, body, city = PersonFactory(), BodyFactory(), MunicipalityFactory()
    urls = [
        reverse("registry:person-add"),
        reverse("registry:person-edit", args=[person.slug]),
        reverse("registry:organisation-add"),
        reverse("registry:municipality-add"),
        reverse("registry:municipality-membership-add", args=[city.cbs_code]),
        reverse("registry:body-add"),
        reverse("registry:body-edit", args=[body.slug]),
    ]
    people = Person.objects.count()
    for url in urls:
        response = asking.post(url, {"name": "Ingevuld", "language": "nl"})
        if who == "member":
            assert response.status_code == 403, url
        else:
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("accounts:login")), url
    assert Person.objects.count() == people
    assert not Organisation.objects.exists()


def test_the_links_show_only_to_those_the_pages_let_in(
    db: None, office: Client, secretary: Client, member: Client, client: Client
) -> None:
    person = PersonFactory()
    pages = {
        reverse("registry:people"): reverse("registry:person-add"),
        reverse("registry:organisations"): reverse("registry:organisation-add"),
        reverse("registry:municipalities"): reverse("registry:municipality-add"),
        reverse("registry:bodies"): reverse("registry:body-add"),
        person.get_absolute_url(): reverse("registry:person-edit", args=[person.slug]),
    }
    for page, link in pages.items():
        assert link in office.get(page).content.decode(), page
        assert link not in member.get(page).content.decode(), page
        assert link not in client.get(page).content.decode(), page
        adds = link in {reverse("registry:person-add"), reverse("registry:organisation-add")}
        assert (link in secretary.get(page).content.decode()) == adds, page


# --- Municipalities and memberships -------------------------------------------------------------


def test_the_office_picks_a_municipality_from_the_national_list_with_its_membership(
    office: Client,
) -> None:
    url = reverse("registry:municipality-add")
    page = BeautifulSoup(office.get(url).content, "html.parser")
    options = page.find("select", attrs={"name": "municipality"}).find_all("option")
    assert len(options) == 343  # the 342 municipalities and the empty choice
    response = office.post(url, {"municipality": "GM0363", "member_since": "2021-09"})
    city = Municipality.objects.get()
    assert response["Location"] == city.get_absolute_url()
    assert (city.name, city.cbs_code) == ("Amsterdam", "GM0363")
    membership = Membership.objects.get()
    assert (membership.municipality, membership.start, membership.start_precision) == (
        city,
        dt.date(2021, 9, 1),
        "month",
    )
    # Now stored, it is no longer offered; posting it again (or a made-up code) is refused.
    again = office.get(url).content.decode()
    assert 'value="GM0363"' not in again
    for code in ["GM0363", "GM9999", "Amsterdam"]:
        refused = office.post(url, {"municipality": code})
        assert "Selecteer een geldige keuze" in _errors(refused), code
    assert Municipality.objects.count() == 1


def test_a_membership_is_ended_and_a_new_period_may_not_overlap_it(office: Client) -> None:
    city = MunicipalityFactory(name="Zwolle")
    membership = MembershipFactory(municipality=city, start=dt.date(2010, 1, 1))
    end_url = reverse("registry:membership-end", args=[membership.pk])
    data = form_data(office.get(end_url).content)
    assert office.post(end_url, {**data, "end": "2022-12-31"}).status_code == 302
    membership.refresh_from_db()
    assert membership.end == dt.date(2022, 12, 31)

    add_url = reverse("registry:municipality-membership-add", args=[city.cbs_code])
    overlapping = office.post(add_url, {"start": "2022-06"})
    assert "Zwolle is al lid in een periode die met deze overlapt" in _errors(overlapping)
    assert Membership.objects.count() == 1
    assert office.post(add_url, {"start": "2024-01-01"}).status_code == 302
    assert Membership.objects.filter(municipality=city).count() == 2
    backwards = office.post(add_url, {"start": "2030", "end": "2029"})
    assert "De einddatum ligt vóór de begindatum" in _errors(backwards)


def test_two_people_ending_one_membership_the_second_is_told(db: None) -> None:
    membership = MembershipFactory(start=dt.date(2010, 1, 1))
    url = reverse("registry:membership-end", args=[membership.pk])
    first, second = _client(UserFactory(office=True)), _client(UserFactory(office=True))
    first_form, second_form = form_data(first.get(url).content), form_data(second.get(url).content)
    assert first.post(url, {**first_form, "end": "2020"}).status_code == 302
    response = second.post(url, {**second_form, "end": "2019"})
    assert CONFLICT in response.content.decode()
    membership.refresh_from_db()
    assert membership.end == dt.date(2020, 12, 31)


def test_an_organisation_becomes_a_member_through_its_page(office: Client) -> None:
    province = OrganisationFactory(name="Provincie Utrecht", kind="province")
    url = reverse("registry:organisation-membership-add", args=[province.slug])
    assert office.post(url, {"start": "2021"}).status_code == 302
    assert Membership.objects.get().organisation == province
    page = office.get(province.get_absolute_url()).content.decode()
    assert reverse("registry:membership-end", args=[Membership.objects.get().pk]) in page


def test_the_office_changes_a_municipalitys_province(office: Client) -> None:
    city = MunicipalityFactory(province="")
    url = reverse("registry:municipality-edit", args=[city.cbs_code])
    data = form_data(office.get(url).content)
    assert office.post(url, {**data, "province": "pv23"}).status_code == 302
    city.refresh_from_db()
    assert city.province == "pv23"


# --- Bodies --------------------------------------------------------------------------------------


def test_the_office_adds_a_body_beneath_another_and_the_tree_shows_it(office: Client) -> None:
    pillar = BodyFactory(name="Pijler Sociaal", slug="sociaal", kind="pillar")
    form = form_data(office.get(reverse("registry:body-add") + "?onder=sociaal").content)
    assert form["parent"] == str(pillar.pk)
    response = office.post(
        reverse("registry:body-add"),
        {**form, "name": "Themagroep Armoede", "kind": "theme_group", "visibility": "network"},
    )
    body = Body.objects.get(name="Themagroep Armoede")
    assert response["Location"] == body.get_absolute_url()
    assert (body.parent, body.slug) == (pillar, "themagroep-armoede")
    tree = BeautifulSoup(office.get(reverse("registry:bodies")).content, "html.parser")
    nested = tree.find("a", string="Pijler Sociaal").find_parent("li").find("ul")
    assert nested.find("a", string="Themagroep Armoede")


def test_a_body_cannot_be_put_beneath_itself(office: Client) -> None:
    pillar = BodyFactory(name="Pijler", kind="pillar")
    group = BodyFactory(name="Groep", parent=pillar)
    url = reverse("registry:body-edit", args=[pillar.slug])
    data = form_data(office.get(url).content)
    response = office.post(url, {**data, "parent": group.pk})
    assert "Selecteer een geldige keuze" in _errors(response)
    pillar.refresh_from_db()
    assert pillar.parent is None


def test_two_people_changing_one_body_the_second_is_told(db: None) -> None:
    body = BodyFactory(name="Themagroep Wonen")
    url = reverse("registry:body-edit", args=[body.slug])
    first, second = _client(UserFactory(office=True)), _client(UserFactory(office=True))
    first_form, second_form = form_data(first.get(url).content), form_data(second.get(url).content)
    assert first.post(url, {**first_form, "description": "Over wonen."}).status_code == 302
    response = second.post(url, {**second_form, "name": "Themagroep Bouwen"})
    assert CONFLICT in response.content.decode()
    body.refresh_from_db()
    assert (body.name, body.description) == ("Themagroep Wonen", "Over wonen.")


def test_dissolving_a_body_ends_its_seats_and_keeps_its_history(office: Client) -> None:
    body = BodyFactory(name="Taskforce Energie", start=dt.date(2019, 1, 1))
    seated = RoleFactory(body=body, start=dt.date(2020, 1, 1))
    gone = RoleFactory(body=body, start=dt.date(2019, 1, 1), end=dt.date(2020, 6, 30))
    city = MunicipalityFactory()
    taking_part = Participation.objects.create(
        body=body, municipality=city, start=dt.date(2020, 1, 1)
    )
    url = reverse("registry:body-end", args=[body.slug])
    page = office.get(url)
    assert seated.person.name in page.content.decode()  # the page says whose seat ends
    assert gone.person.name not in page.content.decode()
    response = office.post(url, {**form_data(page.content), "end": "2024-06"})
    assert response.status_code == 302
    body.refresh_from_db()
    seated.refresh_from_db()
    gone.refresh_from_db()
    taking_part.refresh_from_db()
    assert (body.end, body.end_precision) == (dt.date(2024, 6, 30), "month")
    assert seated.end == dt.date(2024, 6, 30)
    assert gone.end == dt.date(2020, 6, 30)  # an ended seat keeps its own end
    assert taking_part.end == dt.date(2024, 6, 30)
    assert Body.objects.filter(pk=body.pk).exists()
    assert Role.objects.filter(body=body).count() == 2
    # Each seat that ended with the body is in the trail, by the office's hand.
    ended = LogEntry.objects.get_for_object(seated).filter(action=LogEntry.Action.UPDATE).get()
    assert ended.actor is not None and ended.actor.is_office
    assert not LogEntry.objects.get_for_object(gone).filter(action=LogEntry.Action.UPDATE)


def test_a_body_with_a_part_running_on_is_not_dissolved(office: Client) -> None:
    pillar = BodyFactory(name="Pijler Economie", kind="pillar")
    BodyFactory(name="Themagroep Werk", parent=pillar)
    seat = RoleFactory(body=pillar)
    url = reverse("registry:body-end", args=[pillar.slug])
    response = office.post(url, {**form_data(office.get(url).content), "end": "2024"})
    assert "Themagroep Werk" in _errors(response)
    pillar.refresh_from_db()
    seat.refresh_from_db()
    assert pillar.end is None and seat.end is None


def test_a_body_is_not_dissolved_before_a_seat_in_it_starts(office: Client) -> None:
    body = BodyFactory()
    RoleFactory(body=body, start=dt.date(2025, 1, 1))
    url = reverse("registry:body-end", args=[body.slug])
    response = office.post(url, {**form_data(office.get(url).content), "end": "2024-12-31"})
    assert "begint na die dag" in _errors(response)
    body.refresh_from_db()
    assert body.end is None


# --- Query counts --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["registry:person-add", "registry:body-add"])
def test_the_forms_read_a_bounded_number_of_queries(
    office: Client, django_assert_max_num_queries: Any, name: str
) -> None:
    for _ in range(3):
        BodyFactory()
        OrganisationFactory()
    with django_assert_max_num_queries(30) as few:
        office.get(reverse(name))
    for _ in range(20):
        BodyFactory()
        OrganisationFactory()
        MunicipalityFactory()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert office.get(reverse(name)).status_code == 200


def test_a_secretary_adding_a_person_is_not_told_the_name_of_someone_they_may_not_see(
    secretary: Client,
) -> None:
    # Someone known only through a closed body the secretary has no seat in: unseen to them.
    closed = BodyFactory(name="Gesloten werkgroep", visibility="body")
    hidden = PersonFactory(name="Verborgen Persoon", email="verborgen@zwolle.example")
    RoleFactory(person=hidden, body=closed, function="lid")
    assert secretary.get(hidden.get_absolute_url()).status_code == 404

    response = secretary.post(
        reverse("registry:person-add"),
        {"name": "Nieuwe gast", "email": "verborgen@zwolle.example", "language": "nl"},
    )
    assert response.status_code == 200
    errors = _errors(response)
    assert "Iemand anders heeft het e-mailadres verborgen@zwolle.example al" in errors
    assert "Verborgen Persoon" not in errors
    assert Person.objects.filter(email__iexact="verborgen@zwolle.example").count() == 1
