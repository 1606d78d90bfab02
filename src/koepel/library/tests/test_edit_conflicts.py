"""Two people change the same document's details: the first save stays, the second is told
and keeps their text, on the document page and in the admin."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from koepel.accounts.tests.factories import UserFactory
from koepel.core.tests.forms import second_writer_conflicts
from koepel.library.models import Document
from koepel.registry.tests.factories import BodyFactory


def _office() -> Client:
    client = Client()
    client.force_login(UserFactory(office=True, is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def document(db: None) -> Document:
    record = Document.objects.create(
        title="Position paper wonen", slug="wonen", kind="position_paper", summary="Kort."
    )
    record.bodies.set([BodyFactory()])
    return record


def test_second_editor_of_a_document_page_gets_a_conflict(document: Document) -> None:
    url = reverse("library:edit", args=[document.slug])
    second_writer_conflicts(
        _office(), _office(), url, {"summary": "Samenvatting A"}, {"summary": "Samenvatting B"}
    )
    assert Document.objects.get(pk=document.pk).summary == "Samenvatting A"


def test_second_editor_of_a_document_in_the_admin_gets_a_conflict(document: Document) -> None:
    url = reverse("admin:library_document_change", args=[document.pk])
    second_writer_conflicts(_office(), _office(), url, {"summary": "Eerste"}, {"summary": "Tweede"})
    assert Document.objects.get(pk=document.pk).summary == "Eerste"
