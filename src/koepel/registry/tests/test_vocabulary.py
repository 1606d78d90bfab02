"""The kinds of body and meeting and the functions are the network's own words: data the office
keeps, shown in the reader's language, checked when a record is saved, and asked for by meaning
(the board, the secretary) where Koepel must know one."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from koepel.accounts.access import can_edit
from koepel.accounts.models import User
from koepel.accounts.tests.factories import UserFactory
from koepel.registry import services
from koepel.registry.models import Body, Meaning, Term, Vocabulary
from koepel.registry.tests.factories import BodyFactory, PersonFactory, RoleFactory
from koepel.registry.vocabulary import DEFAULT_VOCABULARY, install_default_vocabulary


@pytest.fixture
def new_network(db: None) -> None:
    """A network that speaks its own words, none of the G40's."""
    Term.objects.all().delete()
    install_default_vocabulary()


@pytest.fixture
def office(db: None) -> Any:
    return UserFactory(office=True)


def test_a_new_network_gets_a_neutral_vocabulary_with_a_board_chair_and_secretary(
    new_network: None,
) -> None:
    codes = set(Term.objects.values_list("vocabulary", "code"))
    assert ("meeting_kind", "ledenvergadering") in codes
    assert ("meeting_kind", "bestuursvergadering") in codes
    assert not {code for _, code in codes} & {
        "pillar",
        "theme_group",
        "ontbijtsessie",
        "netwerkdag",
    }
    meanings = set(Term.objects.exclude(meaning="").values_list("vocabulary", "meaning"))
    assert {("body_kind", "board"), ("function", "chair"), ("function", "secretary")} <= meanings
    # Installing again adds nothing and keeps what the office changed.
    Term.objects.filter(code="werkgroep").update(label_nl="projectgroep")
    assert install_default_vocabulary() == 0
    assert Term.objects.get(code="werkgroep").label_nl == "projectgroep"
    assert Term.objects.count() == sum(len(terms) for terms in DEFAULT_VOCABULARY.values())


def test_an_unknown_kind_is_refused_in_dutch_naming_the_code(new_network: None) -> None:
    with pytest.raises(ValidationError) as refused:
        services.body_save(body=Body(name="Pijler Sociaal", slug="sociaal", kind="pillar"))
    message = " ".join(refused.value.message_dict["kind"])
    assert "“pillar” is geen van de soorten gremia van dit netwerk" in message
    assert "werkgroep" in message  # the codes it does have
    assert not Body.objects.exists()


def test_labels_follow_the_readers_language_on_pages_and_in_the_api(
    new_network: None, client: Client
) -> None:
    body = services.body_save(body=Body(name="Werkgroep Wonen", slug="wonen", kind="werkgroep"))
    Term.objects.filter(code="werkgroep").update(label_nl="werkgroep", label_en="task group")
    page = client.get(reverse("registry:body", args=["wonen"])).content.decode()
    assert '<span class="tag">werkgroep</span>' in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(reverse("registry:body", args=["wonen"])).content.decode()
    assert '<span class="tag">task group</span>' in english
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    api = client.get(f"/api/v1/gremia/{body.slug}").json()
    assert (api["soort"], api["soortNaam"]) == ("werkgroep", "werkgroep")


def test_the_secretary_is_whoever_holds_the_function_meaning_secretary(new_network: None) -> None:
    body = BodyFactory(kind="werkgroep")
    keeper = PersonFactory()
    RoleFactory(person=keeper, body=body, function="penningmeester", start=dt.date(2020, 1, 1))
    user = UserFactory(person=keeper)
    assert not can_edit(user, body)
    # The office decides that the treasurer keeps the group's records.
    Term.objects.filter(code="secretaris").update(meaning="")
    Term.objects.filter(code="penningmeester").update(meaning=Meaning.SECRETARY)
    # A fresh copy of the account: the check is kept on the object for one request.
    assert can_edit(User.objects.get(pk=user.pk), body)


def test_the_office_adds_and_changes_a_term_and_a_stale_form_is_refused(
    new_network: None, office: Any, client: Client
) -> None:
    client.force_login(office)
    page = client.get(reverse("registry:terms"))
    assert page.status_code == 200
    assert "ledenvergadering" in page.content.decode()

    added = client.post(
        reverse("registry:term-add", args=["meeting_kind"]),
        {"code": "algemene_vergadering", "label_nl": "algemene vergadering", "label_en": "AGM"},
    )
    assert added.status_code == 302
    term = Term.objects.get(vocabulary=Vocabulary.MEETING_KIND, code="algemene_vergadering")

    form = {
        "code": term.code,
        "label_nl": "jaarvergadering",
        "label_en": "annual meeting",
        "position": "1",
        "version": term.version,
    }
    assert client.post(reverse("registry:term", args=[term.pk]), form).status_code == 302
    stale = client.post(reverse("registry:term", args=[term.pk]), {**form, "label_nl": "x"})
    assert stale.status_code == 200
    assert "Iemand anders heeft dit net gewijzigd" in stale.content.decode()
    term.refresh_from_db()
    assert (term.label_nl, term.position) == ("jaarvergadering", 1)


def test_a_term_in_use_cannot_be_deleted_and_an_unused_one_can(
    new_network: None, office: Any, client: Client
) -> None:
    services.body_save(body=Body(name="Commissie Wonen", slug="wonen", kind="commissie"))
    client.force_login(office)
    used = Term.objects.get(vocabulary=Vocabulary.BODY_KIND, code="commissie")
    response = client.post(
        reverse("registry:term-delete", args=[used.pk]), {"version": used.version}, follow=True
    )
    assert "“commissie” kan niet worden verwijderd: 1 gegeven gebruikt het" in (
        response.content.decode()
    )
    assert Term.objects.filter(pk=used.pk).exists()

    unused = Term.objects.get(vocabulary=Vocabulary.BODY_KIND, code="algemeen_bestuur")
    stale = client.post(
        reverse("registry:term-delete", args=[unused.pk]),
        {"version": unused.version + 1},
        follow=True,
    )
    assert "Iemand anders heeft dit net gewijzigd" in stale.content.decode()
    assert Term.objects.filter(pk=unused.pk).exists()
    client.post(reverse("registry:term-delete", args=[unused.pk]), {"version": unused.version})
    assert not Term.objects.filter(pk=unused.pk).exists()


def test_the_code_of_a_term_in_use_cannot_change(new_network: None) -> None:
    services.body_save(body=Body(name="Commissie Wonen", slug="wonen", kind="commissie"))
    term = Term.objects.get(vocabulary=Vocabulary.BODY_KIND, code="commissie")
    term.code = "raad"
    with pytest.raises(ValidationError, match="1 gegeven gebruikt hem"):
        services.term_save(term=term)


def test_only_the_office_keeps_the_vocabulary(db: None, client: Client) -> None:
    client.force_login(UserFactory())
    assert client.get(reverse("registry:terms")).status_code == 403
    term = Term.objects.first()
    assert term is not None
    assert client.post(reverse("registry:term-delete", args=[term.pk])).status_code == 403


def test_the_home_page_counts_bodies_not_pillars(new_network: None, client: Client) -> None:
    services.body_save(body=Body(name="Bestuur", slug="bestuur", kind="bestuur"))
    page = client.get(reverse("registry:home")).content.decode()
    assert "Pijlers" not in page
    assert "Themagroepen" not in page
    assert "Gremia" in page
