"""Reading a report never writes: a GET hands out a file or offers to make it, only the button
(a POST) asks the task worker for one, and nothing makes a report row. Only the years from the
network's first membership to this one have a report, on the pages as in the back office."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from koepel.accounts.tests.factories import UserFactory
from koepel.meetings.tests.factories import MeetingFactory
from koepel.registry.models import Membership, Network
from koepel.registry.tests.factories import (
    BodyFactory,
    MembershipFactory,
    PersonFactory,
    RoleFactory,
)
from koepel.reports.models import AnnualReport, RenderedFile, RenderStatus, SectionText
from koepel.reports.selectors import report_year_range
from koepel.reports.tests.test_renderers import needs_weasyprint

CaptureCallbacks = Callable[..., Any]
THIS_YEAR = timezone.localdate().year


@pytest.fixture
def network(db: None) -> dict[str, Any]:
    Network.objects.create(name="Testnetwerk", short_name="TN")
    MembershipFactory(start=dt.date(2019, 1, 1), start_precision="year")
    MembershipFactory()  # a member since a time nobody wrote down
    group = BodyFactory(name="Themagroep Banen")
    secretary = PersonFactory()
    RoleFactory(person=secretary, body=group, function="ambtelijk_secretaris")
    MeetingFactory(title="Openbaar overleg", bodies=[group], date=dt.date(2021, 3, 1), held=True)
    return {"group": group, "secretary": UserFactory(person=secretary)}


def _download(year: int, format: str = "pdf") -> str:
    return reverse("reports:download", args=[year, format])


def _nothing_stored() -> bool:
    return not AnnualReport.objects.exists() and not RenderedFile.objects.exists()


# --- which years ----------------------------------------------------------------------------


def test_the_years_run_from_the_first_membership_to_this_year(network: dict[str, Any]) -> None:
    assert report_year_range() == range(2019, THIS_YEAR + 1)
    Membership.objects.all().delete()  # no membership: from the first meeting
    MeetingFactory(bodies=[network["group"]], date=dt.date(2016, 5, 1))
    assert report_year_range() == range(2016, THIS_YEAR + 1)


def test_without_memberships_or_meetings_only_this_year_has_a_report(db: None) -> None:
    assert report_year_range() == range(THIS_YEAR, THIS_YEAR + 1)
    MembershipFactory(start=dt.date(THIS_YEAR + 2, 1, 1))  # joins later: this year still counts
    assert report_year_range() == range(THIS_YEAR, THIS_YEAR + 1)


@pytest.mark.parametrize("year", [0, 1300, 2018, THIS_YEAR + 1, 32767, 99999])
def test_a_year_without_a_report_is_not_found_and_nothing_is_stored(
    network: dict[str, Any], client: Client, year: int
) -> None:
    client.force_login(network["secretary"])
    for url in (
        reverse("reports:report", args=[year]),
        _download(year),
        _download(year, "html"),
        _download(year, "docx"),
        reverse("reports:section", args=[year, f"body:{network['group'].pk}"]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(_download(year)).status_code == 404
    assert _nothing_stored()


def test_the_report_page_links_only_to_years_that_have_a_report(
    network: dict[str, Any], client: Client
) -> None:
    def years_linked(year: int) -> list[str]:
        page = BeautifulSoup(
            client.get(reverse("reports:report", args=[year])).content, "html.parser"
        )
        return [link.get_text() for link in page.select("nav.pagination a")]

    assert years_linked(2019) == ["2020"]
    assert years_linked(2021) == ["2020", "2022"]
    assert years_linked(THIS_YEAR) == [str(THIS_YEAR - 1)]


def test_the_latest_report_is_the_last_year_with_meetings(
    network: dict[str, Any], client: Client
) -> None:
    response = client.get(reverse("reports:latest"))
    assert response["Location"] == reverse("reports:report", args=[2021])


# --- nothing from a read --------------------------------------------------------------------


def test_asking_for_a_missing_pdf_offers_to_make_it_and_makes_nothing(
    network: dict[str, Any], client: Client, django_capture_on_commit_callbacks: CaptureCallbacks
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        for _ in range(3):
            response = client.get(_download(2021))
            assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    assert page.h1.get_text() == "Jaarverslag 2021 als PDF"
    form = page.select_one("main form[method=post]")
    assert form is not None and form.button.get_text() == "Maak het bestand"
    assert callbacks == []
    assert _nothing_stored()


def test_reading_and_downloading_as_html_or_word_store_nothing(
    network: dict[str, Any], client: Client
) -> None:
    assert client.get(reverse("reports:report", args=[2020])).status_code == 200
    for format in ("html", "docx"):
        response = client.get(_download(2021, format))
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
    assert client.post(_download(2021, "html")).status_code == 405
    assert _nothing_stored()


def test_opening_a_section_to_edit_it_makes_no_report_saving_words_does(
    network: dict[str, Any], client: Client
) -> None:
    client.force_login(network["secretary"])
    key = f"body:{network['group'].pk}"
    url = reverse("reports:section", args=[2021, key])
    assert client.get(url).status_code == 200
    assert _nothing_stored()
    response = client.post(url, {"narrative": "Een goed jaar.", "status": "concept", "version": 1})
    assert response.status_code == 302
    assert SectionText.objects.get(report__year=2021, key=key).narrative == "Een goed jaar."


@needs_weasyprint
def test_the_button_has_the_file_made_and_a_read_then_hands_it_out(
    network: dict[str, Any], client: Client, django_capture_on_commit_callbacks: CaptureCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_download(2021))
    rendered = RenderedFile.objects.get()
    assert response["Location"] == reverse("reports:file", args=[2021, rendered.pk])
    assert (rendered.year, rendered.status) == (2021, RenderStatus.DONE)
    assert not AnnualReport.objects.exists()  # a file belongs to its year, not to a report row

    response = client.get(_download(2021))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="jaarverslag-2021-public.pdf"'
    pdf = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    assert "Jaarverslag 2021" in pdf.pages[0].extract_text()
    # Asking again while the report is unchanged gives the same file.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(_download(2021))
    assert again["Location"] == reverse("reports:file", args=[2021, rendered.pk])
    assert RenderedFile.objects.count() == 1


def test_a_file_being_made_is_shown_as_such_to_the_next_reader(
    network: dict[str, Any], client: Client, django_capture_on_commit_callbacks: CaptureCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False):  # the worker has not started yet
        client.post(_download(2021))
    rendered = RenderedFile.objects.get()
    assert rendered.status == RenderStatus.WAITING
    response = Client().get(_download(2021))
    assert response["Location"] == reverse("reports:file", args=[2021, rendered.pk])
    assert RenderedFile.objects.count() == 1


# --- the back office ------------------------------------------------------------------------


def test_the_back_office_refuses_a_report_of_a_year_without_one(
    network: dict[str, Any], client: Client
) -> None:
    client.force_login(UserFactory(office=True, is_staff=True, is_superuser=True))
    add = reverse("admin:reports_annualreport_add")
    inline = {"texts-TOTAL_FORMS": "0", "texts-INITIAL_FORMS": "0"}
    response = client.post(add, {"year": "1300", **inline})
    assert response.status_code == 200
    assert "Er is geen jaarverslag van 1300. Kies een jaar van 2019 tot en met" in " ".join(
        BeautifulSoup(response.content, "html.parser").get_text().split()
    )
    assert not AnnualReport.objects.exists()
    response = client.post(add, {"year": "2021", **inline})
    assert response.status_code == 302
    assert AnnualReport.objects.get().year == 2021
