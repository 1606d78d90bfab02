"""Two people editing the same registry record in the admin: the first save stays, the second
is told in Dutch and gets their own text back."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from koepel.accounts.tests.factories import UserFactory
from koepel.core.tests.forms import form_data
from koepel.registry.models import Person, Role
from koepel.registry.tests.factories import BodyFactory, PersonFactory, RoleFactory

CONFLICT = "Iemand anders heeft dit net gewijzigd"


def _office() -> Client:
    client = Client()
    client.force_login(UserFactory(office=True, is_staff=True, is_superuser=True))
    return client


@pytest.mark.django_db
def test_second_writer_of_a_person_in_the_admin_gets_a_conflict_and_keeps_their_text() -> None:
    person = PersonFactory(name="Anna de Vries", title="wethouder")
    url = reverse("admin:registry_person_change", args=[person.pk])
    first, second = _office(), _office()
    first_form = form_data(first.get(url).content)
    second_form = form_data(second.get(url).content)
    assert first_form["version"] == second_form["version"] == "1"

    assert first.post(url, {**first_form, "title": "burgemeester"}).status_code == 302
    response = second.post(url, {**second_form, "title": "wethouder Wonen"})

    assert response.status_code == 200
    page = response.content.decode()
    assert CONFLICT in page
    assert 'value="wethouder Wonen"' in page  # their own text is back in the form
    person.refresh_from_db()
    assert person.title == "burgemeester"  # the first writer's change stays
    again = form_data(response.content)
    assert again["version"] == str(person.version)

    # Saving once more, now knowingly over the new version, goes through.
    assert second.post(url, again).status_code == 302
    assert Person.objects.get(pk=person.pk).title == "wethouder Wonen"


@pytest.mark.django_db
def test_a_stale_role_row_in_the_body_admin_is_refused() -> None:
    body = BodyFactory()
    role = RoleFactory(body=body, function="lid")
    url = reverse("admin:registry_body_change", args=[body.pk])
    first, second = _office(), _office()
    first_form, second_form = form_data(first.get(url).content), form_data(second.get(url).content)
    assert first.post(url, {**first_form, "roles-0-function": "voorzitter"}).status_code == 302

    response = second.post(url, {**second_form, "roles-0-function": "vicevoorzitter"})

    assert response.status_code == 200
    assert CONFLICT in response.content.decode()
    assert Role.objects.get(pk=role.pk).function == "voorzitter"


@pytest.mark.django_db
def test_a_change_form_without_a_version_is_refused() -> None:
    person = PersonFactory(title="wethouder")
    url = reverse("admin:registry_person_change", args=[person.pk])
    client = _office()
    data = form_data(client.get(url).content)
    del data["version"]
    response = client.post(url, {**data, "title": "burgemeester"})
    assert response.status_code == 200
    assert Person.objects.get(pk=person.pk).title == "wethouder"


@pytest.mark.django_db
def test_the_service_checks_the_version_every_face_passes_it() -> None:
    from koepel.core.errors import EditConflict
    from koepel.registry.services import person_save

    person = PersonFactory(title="wethouder")
    mine, theirs = Person.objects.get(pk=person.pk), Person.objects.get(pk=person.pk)
    mine.title = "burgemeester"
    person_save(person=mine, expected_version=1)
    assert mine.version == 2

    theirs.title = "raadslid"
    with pytest.raises(EditConflict) as refused:
        person_save(person=theirs, expected_version=1)
    assert refused.value.current_version == 2
    assert Person.objects.get(pk=person.pk).title == "burgemeester"

    # None means "no check" (loaders, imports); the version still moves on.
    theirs.title = "raadslid"
    person_save(person=theirs, expected_version=None)
    stored = Person.objects.get(pk=person.pk)
    assert (stored.title, stored.version) == ("raadslid", 3)
