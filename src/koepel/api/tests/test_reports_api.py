"""The annual reports through the API: the public version for everyone, the internal one for
members, and a section's words saved by its secretary, never shown to the public as a draft."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from koepel.accounts.tests.factories import UserFactory
from koepel.api.tests.conftest import ApiClient
from koepel.meetings.tests.factories import MeetingFactory
from koepel.registry.models import Network
from koepel.registry.tests.factories import (
    BodyFactory,
    MembershipFactory,
    PersonFactory,
    RoleFactory,
)
from koepel.reports.models import AnnualReport, RenderedFile, RenderStatus, SectionText

MakeClient = Callable[..., ApiClient]
Queries = Callable[..., Any]


@pytest.fixture
def network(db: None) -> dict[str, Any]:
    Network.objects.create(name="Testnetwerk", short_name="TN")
    # The first member joined in 2019: the reports start that year.
    MembershipFactory(start=dt.date(2019, 1, 1), start_precision="year")
    pillar = BodyFactory(name="Pijler Werk", kind="pillar")
    group = BodyFactory(name="Themagroep Banen", parent=pillar)
    other = BodyFactory(name="Themagroep Wonen", parent=pillar)
    secretary = PersonFactory()
    RoleFactory(person=secretary, body=group, function="ambtelijk_secretaris")
    other_secretary = PersonFactory()
    RoleFactory(person=other_secretary, body=other, function="ambtelijk_secretaris")
    member = PersonFactory()
    RoleFactory(person=member, body=other)
    MeetingFactory(title="Openbaar overleg", bodies=[group], date=dt.date(2021, 3, 1))
    MeetingFactory(
        title="Intern overleg", bodies=[group], date=dt.date(2021, 4, 1), visibility="network"
    )
    MeetingFactory(
        title="Intern 2020", bodies=[group], date=dt.date(2020, 4, 1), visibility="network"
    )
    return {
        "group": group,
        "key": f"body:{group.pk}",
        "secretary": UserFactory(person=secretary),
        "other_secretary": UserFactory(person=other_secretary),
        "member": UserFactory(person=member),
        "office": UserFactory(office=True),
    }


def _section(report: dict[str, Any], key: str) -> dict[str, Any]:
    return next(s for s in report["secties"] if s["sleutel"] == key)


def test_the_years_are_listed_per_audience_in_constant_queries(
    network: dict[str, Any], api_as: MakeClient, django_assert_max_num_queries: Queries
) -> None:
    AnnualReport.objects.create(year=2019)
    with django_assert_max_num_queries(4):
        public = api_as(None).get("/api/v1/jaarverslagen")
    assert [row["jaar"] for row in public.json()["resultaten"]] == [2021, 2019]
    row = public.json()["resultaten"][0]
    assert row["url"].endswith("/api/v1/jaarverslagen/2021")
    assert row["webpagina"].endswith("/jaarverslag/2021/")
    member = api_as(network["member"])
    internal = member.get("/api/v1/jaarverslagen?versie=intern").json()["resultaten"]
    assert [row["jaar"] for row in internal] == [2021, 2020, 2019]
    assert internal[0]["url"].endswith("/api/v1/jaarverslagen/2021?versie=intern")
    # Asking for the internal version without being a member gives the public one.
    asked = api_as(None).get("/api/v1/jaarverslagen?versie=intern").json()["resultaten"]
    assert [row["jaar"] for row in asked] == [2021, 2019]
    assert api_as(None).get("/api/v1/jaarverslagen/2020").status_code == 404
    assert member.get("/api/v1/jaarverslagen/2020?versie=intern").status_code == 200


def test_the_public_report_never_shows_a_draft_and_members_read_the_internal_one(
    network: dict[str, Any], api_as: MakeClient
) -> None:
    report = AnnualReport.objects.create(year=2021)
    SectionText.objects.create(
        report=report, key=network["key"], narrative="Nog geheim concept.", status="concept"
    )
    public = api_as(None).get("/api/v1/jaarverslagen/2021")
    assert public.status_code == 200
    data = public.json()
    assert data["versie"] == "public"
    section = _section(data, network["key"])
    assert (section["tekst"], section["status"], section["bewerkbaar"]) == ("", "concept", False)
    assert "één keer bijeen" in " ".join(f["tekst"] for f in section["feiten"])
    assert "Nog geheim concept" not in public.content.decode()
    member = api_as(network["member"]).get("/api/v1/jaarverslagen/2021?versie=intern").json()
    assert member["versie"] == "network"
    internal = _section(member, network["key"])
    assert internal["tekst"] == "Nog geheim concept."
    assert "twee keer bijeen" in " ".join(f["tekst"] for f in internal["feiten"])
    # The public section resource tells no more than the report.
    url = f"/api/v1/jaarverslagen/2021/secties/{network['key']}"
    assert api_as(None).get(url).json()["tekst"] == ""
    assert api_as(network["member"]).get(url).json()["tekst"] == ""


def test_the_rendered_files_are_listed_with_a_link_to_their_page(
    network: dict[str, Any], api_as: MakeClient
) -> None:
    done = RenderedFile(year=2021, format="pdf", audience="public", status=RenderStatus.DONE)
    done.file.save("jaarverslag.pdf", ContentFile(b"%PDF-1.4"), save=True)
    RenderedFile.objects.create(year=2021, format="pdf", audience="network")
    public = api_as(None).get("/api/v1/jaarverslagen/2021").json()
    assert [(f["versie"], f["status"]) for f in public["bestanden"]] == [("public", "klaar")]
    link = public["bestanden"][0]["download"]
    assert link.endswith(f"/jaarverslag/2021/bestand/{done.pk}/?download=1")
    assert {f["formaat"] for f in public["formaten"]} >= {"html", "docx"}
    member = api_as(network["member"]).get("/api/v1/jaarverslagen/2021").json()
    waiting = [f for f in member["bestanden"] if f["versie"] == "network"]
    assert waiting and waiting[0]["download"] is None


def test_a_secretary_saves_the_words_of_their_section_with_the_current_etag(
    network: dict[str, Any], api_as: MakeClient, django_assert_max_num_queries: Queries
) -> None:
    api = api_as(network["secretary"])
    url = f"/api/v1/jaarverslagen/2021/secties/{network['key']}"
    read = api.get(url)
    assert read.status_code == 200 and read.json()["bewerkbaar"] is True
    assert api.patch(url, {"tekst": "Zonder ETag"}).status_code == 428
    etag = read["ETag"]
    saved = api.patch(url, {"tekst": "De groep werkte **hard**."}, **{"If-Match": etag})
    assert saved.status_code == 200, saved.json()
    assert saved.json()["tekst"] == "De groep werkte **hard**."
    assert saved.json()["tekstHtml"] == "<p>De groep werkte <strong>hard</strong>.</p>"
    assert api.patch(url, {"status": "definitief"}, **{"If-Match": etag}).status_code == 412
    # Still a draft: the public report does not show it.
    public = api_as(None).get("/api/v1/jaarverslagen/2021").json()
    assert _section(public, network["key"])["tekst"] == ""
    # A writer hands it in; the office makes it final.
    refused = api.change("put", url, {"tekst": "De groep werkte hard.", "status": "definitief"})
    assert refused.status_code == 400
    assert [p["name"] for p in refused.json()["invalidParams"]] == ["status"]
    handed_in = api.change("put", url, {"tekst": "De groep werkte hard.", "status": "ter_review"})
    assert handed_in.status_code == 200, handed_in.json()
    final = api_as(network["office"]).change("patch", url, {"status": "definitief"})
    assert final.status_code == 200, final.json()
    public = api_as(None).get("/api/v1/jaarverslagen/2021").json()
    assert _section(public, network["key"])["tekst"] == "De groep werkte hard."
    with django_assert_max_num_queries(40):
        sections = api_as(None).get("/api/v1/jaarverslagen/2021/secties")
    assert network["key"] in {s["sleutel"] for s in sections.json()["resultaten"]}


def test_only_the_sections_own_secretary_or_the_office_may_save_it(
    network: dict[str, Any], api_as: MakeClient
) -> None:
    url = f"/api/v1/jaarverslagen/2021/secties/{network['key']}"
    assert api_as(None).put(url, {"tekst": "X", "status": "concept"}).status_code == 401
    other = api_as(network["other_secretary"])
    assert other.get(url).json()["bewerkbaar"] is False
    assert other.change("patch", url, {"tekst": "Van mij"}).status_code == 403
    foreword = api_as(network["secretary"]).change(
        "patch", "/api/v1/jaarverslagen/2021/secties/voorwoord", {"tekst": "Welkom"}
    )
    assert foreword.status_code == 403
    office = api_as(network["office"]).change(
        "patch", "/api/v1/jaarverslagen/2021/secties/voorwoord", {"tekst": "Welkom"}
    )
    assert office.status_code == 200, office.json()
    assert not SectionText.objects.filter(key=network["key"]).exists()
    missing = api_as(network["office"]).get("/api/v1/jaarverslagen/2021/secties/body:999999")
    assert missing.status_code == 404


def test_invalid_section_input_lists_every_field(
    network: dict[str, Any], api_as: MakeClient
) -> None:
    url = f"/api/v1/jaarverslagen/2021/secties/{network['key']}"
    response = api_as(network["secretary"]).change("put", url, {"status": "klaar"})
    assert response.status_code == 400
    names = {param["name"] for param in response.json()["invalidParams"]}
    assert names == {"tekst", "status"}


def test_a_stored_report_of_a_year_without_a_report_is_neither_listed_nor_read(
    network: dict[str, Any], api_as: MakeClient
) -> None:
    """Rows of years no report can be about, stored as an old version let any request make
    them: before the first membership, after this year, nonsense."""
    next_year = timezone.localdate().year + 1
    for year in (0, 1300, 2018, next_year, 32767):
        AnnualReport.objects.create(year=year)
    listed = api_as(None).get("/api/v1/jaarverslagen")
    assert listed.status_code == 200
    assert [row["jaar"] for row in listed.json()["resultaten"]] == [2021]
    member = api_as(network["member"]).get("/api/v1/jaarverslagen?versie=intern")
    assert [row["jaar"] for row in member.json()["resultaten"]] == [2021, 2020]
    for path in ("1300", "2018", "0000", str(next_year), "32767", "99999", "2O21"):
        for url in (f"/api/v1/jaarverslagen/{path}", f"/api/v1/jaarverslagen/{path}/secties"):
            answer = api_as(None).get(url)
            assert answer.status_code == 404, url
            assert answer["Content-Type"] == "application/problem+json", url


def test_saving_words_in_a_year_without_a_report_is_refused_and_makes_nothing(
    network: dict[str, Any], api_as: MakeClient
) -> None:
    office = api_as(network["office"])
    answer = office.put(
        "/api/v1/jaarverslagen/2018/secties/voorwoord",
        {"tekst": "Welkom", "status": "concept"},
        **{"If-Match": '"x"'},
    )
    assert answer.status_code == 404
    assert not AnnualReport.objects.exists()


def test_a_writer_keeps_changes_and_drops_generated_sentences_through_the_api(
    network: dict[str, Any], api_as: MakeClient
) -> None:
    api = api_as(network["secretary"])
    url = f"/api/v1/jaarverslagen/2021/secties/{network['key']}"
    facts = api.get(url).json()["feiten"]
    assert len(facts) >= 2
    first, second = facts[0], facts[1]
    assert first["gegenereerd"] == first["tekst"]

    changed = api.change(
        "patch",
        url,
        {
            "feiten": [
                {"sleutel": first["sleutel"], "tekst": "Een zin in eigen woorden."},
                {"sleutel": second["sleutel"], "behouden": False},
            ]
        },
    )
    assert changed.status_code == 200, changed.json()
    section = changed.json()
    texts = [fact["tekst"] for fact in section["feiten"]]
    assert "Een zin in eigen woorden." in texts
    assert second["tekst"] not in texts
    assert [fact["sleutel"] for fact in section["geschrapt"]] == [second["sleutel"]]
    assert next(f for f in section["feiten"] if f["sleutel"] == first["sleutel"])["aangepast"]

    # Back as generated, and kept again.
    restored = api.change(
        "patch",
        url,
        {
            "feiten": [
                {"sleutel": first["sleutel"], "tekst": ""},
                {"sleutel": second["sleutel"], "behouden": True},
            ]
        },
    )
    assert [f["tekst"] for f in restored.json()["feiten"]] == [f["tekst"] for f in facts]

    unknown = api.change("patch", url, {"feiten": [{"sleutel": "bestaat-niet"}]})
    assert unknown.status_code == 400
    assert [p["name"] for p in unknown.json()["invalidParams"]] == ["feiten[0].sleutel"]

    # Readers who do not edit the section see neither what was dropped nor the first text.
    public = api_as(None).get(url).json()
    assert public["geschrapt"] == []
    assert all(fact["gegenereerd"] is None for fact in public["feiten"])
