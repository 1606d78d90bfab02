"""The knowledge base through the API: documents, uploads of new versions, downloads and
sections, each only as far as the document is visible."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from koepel.accounts.access import SYSTEM
from koepel.accounts.tests.factories import UserFactory
from koepel.api.tests.conftest import ApiClient
from koepel.library import services
from koepel.library.models import Document, DocumentFile
from koepel.library.tests import files
from koepel.registry.tests.factories import BodyFactory, PersonFactory, RoleFactory

MakeClient = Callable[..., ApiClient]
Queries = Callable[..., Any]

NOTE = b"# Woningmarkt\n\nDe themagroep over woningbouw.\n\n## Huur\n\nMiddenhuur in Zwolle.\n"


@pytest.fixture
def group(db: None) -> dict[str, Any]:
    body = BodyFactory(name="Themagroep Woningmarkt", slug="woningmarkt")
    other = BodyFactory(name="Themagroep Werk", slug="werk")
    hidden = BodyFactory(name="Geheime werkgroep", slug="geheim", visibility="restricted")
    secretary = PersonFactory()
    RoleFactory(person=secretary, body=body, function="ambtelijk_secretaris")
    other_secretary = PersonFactory()
    RoleFactory(person=other_secretary, body=other, function="ambtelijk_secretaris")
    return {
        "body": body,
        "other": other,
        "hidden": hidden,
        "secretary": UserFactory(person=secretary),
        "other_secretary": UserFactory(person=other_secretary),
        "outsider": UserFactory(person=RoleFactory(body=other).person),
        "office": UserFactory(office=True),
    }


def _document(group: dict[str, Any], slug: str, visibility: str = "public", **extra: Any) -> Any:
    bodies = extra.pop("bodies", [group["body"]])
    fields = {"kind": "rapport", "date": dt.date(2021, 5, 1), "date_precision": "month", **extra}
    return services.document_create(
        actor=SYSTEM,
        slug=slug,
        title=f"Notitie {slug}",
        visibility=visibility,
        bodies=bodies,
        **fields,
    )


def _upload(api: ApiClient, url: str, name: str, content: bytes) -> Any:
    return api.client.post(url, {"bestand": SimpleUploadedFile(name, content)}, headers=api.headers)


def _download(response: Any) -> bytes:
    # Reading the stream to its end closes the file the way the test client expects.
    return b"".join(response.streaming_content)


def _slugs(response: Any) -> set[str]:
    assert response.status_code == 200, response.json()
    return {row["slug"] for row in response.json()["resultaten"]}


def test_the_document_list_shows_each_visitor_what_they_may_see_in_constant_queries(
    group: dict[str, Any], api_as: MakeClient, django_assert_max_num_queries: Queries
) -> None:
    hidden_author = PersonFactory(slug="geheim-lid")
    RoleFactory(person=hidden_author, body=group["hidden"])
    for n in range(6):
        _document(
            group,
            f"open-{n}",
            bodies=[group["body"], group["hidden"]],
            author_people=[hidden_author, PersonFactory()],
        )
    _document(group, "intern", visibility="network")
    _document(group, "dicht", visibility="restricted")
    with django_assert_max_num_queries(8):
        page = api_as(None).get("/api/v1/documenten?paginaGrootte=50")
    assert _slugs(page) == {f"open-{n}" for n in range(6)}
    row = page.json()["resultaten"][0]
    assert row["gremia"] == ["woningmarkt"]
    assert "geheim-lid" not in row["auteurs"] and len(row["auteurs"]) == 1
    assert row["bestanden"].endswith(f"/api/v1/documenten/{row['slug']}/bestanden")
    outsider = _slugs(api_as(group["outsider"]).get("/api/v1/documenten?paginaGrootte=50"))
    assert "intern" in outsider and "dicht" not in outsider


def test_documents_are_filtered_by_kind_body_year_language_and_woo_category(
    group: dict[str, Any], api_as: MakeClient
) -> None:
    _document(group, "jaarverslag", kind="jaarverslag", woo_category="c_c6cd1213")
    _document(group, "engels", language="en", bodies=[group["other"]], date=dt.date(2020, 1, 1))
    _document(group, "geheim-doc", bodies=[group["hidden"]])
    api = api_as(None)
    assert _slugs(api.get("/api/v1/documenten?soort=jaarverslag")) == {"jaarverslag"}
    assert _slugs(api.get("/api/v1/documenten?wooCategorie=c_c6cd1213")) == {"jaarverslag"}
    assert _slugs(api.get("/api/v1/documenten?taal=en")) == {"engels"}
    assert _slugs(api.get("/api/v1/documenten?jaar=2020")) == {"engels"}
    assert _slugs(api.get("/api/v1/documenten?gremium=werk")) == {"engels"}
    assert _slugs(api.get("/api/v1/documenten?gremium=geheim")) == set()


def test_a_restricted_document_its_files_and_sections_stay_hidden(
    group: dict[str, Any], api_as: MakeClient
) -> None:
    document = _document(group, "dicht", visibility="restricted")
    services.document_add_file(
        actor=SYSTEM, document=document, file=SimpleUploadedFile("n.md", NOTE)
    )
    base = "/api/v1/documenten/dicht"
    urls = (base, f"{base}/bestanden", f"{base}/bestanden/1/inhoud", f"{base}/secties")
    for user in (None, group["outsider"], group["other_secretary"]):
        for url in urls:
            assert api_as(user).get(url).status_code == 404, url
    secretary = api_as(group["secretary"])
    assert secretary.get(base).status_code == 200
    assert _download(secretary.get(f"{base}/bestanden/1/inhoud")) == NOTE


def test_a_secretary_adds_a_document_uploads_versions_and_reads_its_sections(
    group: dict[str, Any], api_as: MakeClient, django_assert_max_num_queries: Queries
) -> None:
    api = api_as(group["secretary"])
    created = api.post(
        "/api/v1/documenten",
        {
            "titel": "Notitie woningmarkt",
            "soort": "rapport",
            "datum": "2021-05",
            "gremia": ["woningmarkt"],
            "wooCategorie": "c_fdaee95e",
        },
    )
    assert created.status_code == 201, created.json()
    slug = created.json()["slug"]
    assert slug == "notitie-woningmarkt"
    files_url = f"/api/v1/documenten/{slug}/bestanden"
    as_json = api.post(files_url, {"bestand": "geen bestand"})
    assert as_json.status_code == 415
    refused = _upload(api, files_url, "virus.exe", b"MZ\x90\x00\x03\x00\x00\x00" * 8)
    assert refused.status_code == 400
    assert refused.json()["invalidParams"][0]["name"] == "bestand"
    first = _upload(api, files_url, "notitie.md", NOTE)
    assert first.status_code == 201, first.json()
    assert (first.json()["nummer"], first.json()["tekstUitlezing"]) == (1, "klaar")
    second = _upload(api, files_url, "notitie.pdf", files.pdf("Tweede versie"))
    assert second.status_code == 201, second.json()
    assert second["Location"].endswith(f"{files_url}/2")
    with django_assert_max_num_queries(5):
        listed = api_as(None).get(files_url)
    assert [row["nummer"] for row in listed.json()["resultaten"]] == [2, 1]
    download = api_as(None).get(listed.json()["resultaten"][1]["inhoud"])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert _download(download) == NOTE
    assert api_as(None).get(f"{files_url}/3/inhoud").status_code == 404
    sections = api_as(None).get(f"/api/v1/documenten/{slug}/secties")
    assert sections.status_code == 200
    rows = sections.json()["resultaten"]
    assert rows and "Tweede versie" in rows[0]["titel"] + rows[0]["tekst"]
    assert rows[0]["pad"].startswith("Notitie woningmarkt")
    other = api_as(group["other_secretary"])
    assert _upload(other, files_url, "notitie.md", NOTE).status_code == 403
    assert DocumentFile.objects.filter(document__slug=slug).count() == 2


def test_sections_follow_the_headings_of_the_latest_version(
    group: dict[str, Any], api_as: MakeClient, django_assert_max_num_queries: Queries
) -> None:
    document = _document(group, "notitie")
    services.document_add_file(
        actor=SYSTEM, document=document, file=SimpleUploadedFile("n.md", NOTE)
    )
    with django_assert_max_num_queries(4):
        response = api_as(None).get("/api/v1/documenten/notitie/secties")
    rows = response.json()["resultaten"]
    huur = next(row for row in rows if row["titel"] == "Huur")
    assert huur["pad"] == "Notitie notitie › Woningmarkt › Huur"
    assert "Middenhuur in Zwolle." in huur["tekst"]
    one = api_as(None).get(f"/api/v1/documenten/notitie/secties/{huur['positie']}")
    assert one.status_code == 200 and one.json() == huur


def test_a_secretary_changes_a_document_only_with_the_current_etag(
    group: dict[str, Any], api_as: MakeClient
) -> None:
    _document(group, "notitie", bodies=[group["body"], group["hidden"]])
    api = api_as(group["secretary"])
    url = "/api/v1/documenten/notitie"
    assert api.patch(url, {"titel": "Zonder ETag"}).status_code == 428
    etag = api.get(url)["ETag"]
    changed = api.patch(
        url, {"titel": "Nieuwe titel", "gremia": ["woningmarkt"]}, **{"If-Match": etag}
    )
    assert changed.status_code == 200, changed.json()
    assert api.patch(url, {"titel": "Oud"}, **{"If-Match": etag}).status_code == 412
    document = Document.objects.get(slug="notitie")
    assert document.title == "Nieuwe titel"
    # The body the secretary cannot see stays on the document.
    assert set(document.bodies.values_list("slug", flat=True)) == {"woningmarkt", "geheim"}
    other = api_as(group["other_secretary"])
    assert other.change("patch", url, {"titel": "Van mij"}).status_code == 403
    assert other.change("delete", url).status_code == 403
    refused = other.post(
        "/api/v1/documenten", {"titel": "X", "soort": "rapport", "gremia": ["woningmarkt"]}
    )
    assert refused.status_code == 403
    assert api.change("delete", url).status_code == 204
    assert not Document.objects.filter(slug="notitie").exists()


def test_invalid_document_input_lists_every_field(
    group: dict[str, Any], api_as: MakeClient
) -> None:
    response = api_as(group["secretary"]).post(
        "/api/v1/documenten",
        {"soort": "tweet", "datum": "mei", "taal": "fr", "wooCategorie": "c_onbekend"},
    )
    assert response.status_code == 400
    names = {param["name"] for param in response.json()["invalidParams"]}
    assert names == {"titel", "soort", "datum", "taal", "wooCategorie"}
    no_body = api_as(group["secretary"]).post(
        "/api/v1/documenten", {"titel": "Zonder gremium", "soort": "rapport"}
    )
    assert no_body.status_code == 400
    assert no_body.json()["invalidParams"][0]["name"] == "gremia"


def test_the_document_says_how_far_the_reading_of_its_latest_file_is_and_why_it_failed(
    group: dict[str, Any], api_as: MakeClient, django_assert_max_num_queries: Queries
) -> None:
    api = api_as(group["office"])
    _document(group, "leeg")
    url = "/api/v1/documenten/leeg"
    empty = api.get(url).json()
    assert (empty["tekstUitlezing"], empty["tekstUitlezingReden"]) == (None, None)

    scan = _upload(api, f"{url}/bestanden", "scan.pdf", files.pdf(""))
    assert scan.status_code == 201, scan.json()
    assert scan.json()["tekstUitlezing"] == "mislukt"
    assert "geen tekst" in scan.json()["tekstUitlezingReden"]
    failed = api.get(url).json()
    assert failed["tekstUitlezing"] == "mislukt"
    assert failed["tekstUitlezingReden"] == scan.json()["tekstUitlezingReden"]

    assert _upload(api, f"{url}/bestanden", "notitie.md", NOTE).status_code == 201
    read = api.get(url).json()
    assert (read["tekstUitlezing"], read["tekstUitlezingReden"]) == ("klaar", "")
    versions = api.get(f"{url}/bestanden").json()["resultaten"]
    assert [(v["tekstUitlezing"], bool(v["tekstUitlezingReden"])) for v in versions] == [
        ("klaar", False),
        ("mislukt", True),
    ]

    _document(group, "nog-een")
    with django_assert_max_num_queries(8):
        listed = api_as(None).get("/api/v1/documenten").json()["resultaten"]
    assert {row["slug"]: row["tekstUitlezing"] for row in listed} == {
        "leeg": "klaar",
        "nog-een": None,
    }
