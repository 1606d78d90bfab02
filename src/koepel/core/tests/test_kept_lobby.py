"""The lobby list and a dossier's page are kept for everyone with the same access
(koepel.core.caching), as the meetings list and a body's page are: a second reader is served
the kept part, a write is on the next request, each filter and page is kept apart, and no one
is handed a part kept for someone who may see more. Each test runs on the cache in this
process's memory and on a real Redis server (``kept_in``, conftest.py)."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from koepel.advocacy.models import Dossier, DossierStatus
from koepel.core.tests.test_kept_pages import _get
from koepel.core.tests.test_kept_parts import _header_name, _member, _signed_in
from koepel.registry.models import Body
from koepel.registry.tests.factories import BodyFactory

# What building each part reads, and the rest of a request does not.
DOSSIERS_READ = '"advocacy_dossier"."title"'


def _dossier(title: str, body: Body, **fields: object) -> Dossier:
    dossier = Dossier.objects.create(
        title=title,
        slug=title.lower().replace(" ", "-"),
        goal="Meer woningen.",
        status=fields.pop("status", DossierStatus.ONGOING),
        status_date=dt.date(2021, 3, 1),
        **fields,
    )
    dossier.bodies.set([body])
    return dossier


def test_the_lobby_list_is_kept_and_a_write_shows_on_the_next_request(
    db: None, kept_in: str
) -> None:
    body = BodyFactory(name="Werkgroep Wonen", slug="wonen")
    _dossier("Sociale huur", body)
    anna = _member("Anna Appelboom", body)
    bert = _member("Bert Bessemer", body)

    first, built, cold = _get(anna, "/lobby/", DOSSIERS_READ)
    assert built and "Sociale huur" in first
    second, built, warm = _get(bert, "/lobby/", DOSSIERS_READ)
    assert not built, "the list Anna's request kept serves Bert, who may see the same"
    assert warm < cold
    assert _header_name(second) == str(bert.account)  # type: ignore[attr-defined]

    # A new dossier, a status changed, a body renamed.
    _dossier("Middenhuur", body)
    assert "Middenhuur" in bert.get("/lobby/").content.decode()
    stored = Dossier.objects.get(slug="sociale-huur")
    stored.status = DossierStatus.ACHIEVED
    stored.save()
    achieved = bert.get("/lobby/?status=behaald").content.decode()
    assert "Sociale huur" in achieved and "Middenhuur" not in achieved
    renamed = Body.objects.get(pk=body.pk)
    renamed.name = "Werkgroep Wonen en Bouwen"
    renamed.save()
    assert "Werkgroep Wonen en Bouwen" in anna.get("/lobby/").content.decode()


def test_an_outsider_never_gets_the_lobby_kept_for_a_member(db: None, kept_in: str) -> None:
    closed = BodyFactory(name="Kring Grondbeleid", slug="grond", visibility="body")
    _dossier("Grondprijzen", closed, visibility="body")
    _dossier("Open dossier", BodyFactory(name="Werkgroep Open", slug="open"))
    member = _member("Carla Lid", closed)
    for path in ("/lobby/", "/lobby/dossiers/grondprijzen/"):
        assert "Grondprijzen" in member.get(path).content.decode()
    for outsider in (Client(), _signed_in(None), _member("Dirk Buiten", BodyFactory())):
        page = outsider.get("/lobby/").content.decode()
        assert "Open dossier" in page and "Grondprijzen" not in page
        assert outsider.get("/lobby/dossiers/grondprijzen/").status_code == 404


def test_a_dossier_page_is_kept_and_a_write_shows_on_the_next_request(
    db: None, kept_in: str
) -> None:
    body = BodyFactory(name="Werkgroep Wonen", slug="wonen")
    _dossier("Sociale huur", body)
    anna = _member("Anna Appelboom", body)
    bert = _member("Bert Bessemer", body)
    path = "/lobby/dossiers/sociale-huur/"

    _, built, _ = _get(anna, path, DOSSIERS_READ)
    assert built
    page, built, _ = _get(bert, path, DOSSIERS_READ)
    assert not built and "<title>Sociale huur" in page
    assert _header_name(page) == str(bert.account)  # type: ignore[attr-defined]

    stored = Dossier.objects.get(slug="sociale-huur")
    stored.goal = "Meer sociale huurwoningen in elke gemeente."
    stored.save()
    for client in (anna, bert):
        assert "in elke gemeente" in client.get(path).content.decode()
    stored.delete()
    assert anna.get(path).status_code == 404
