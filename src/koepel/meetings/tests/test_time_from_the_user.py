"""Time starts from the user: the meeting list opens on what is coming (soonest first), the
past is a tab away (the most recent first); the calendar opens on the month of the next
meeting the viewer may see and shows it as a grid of weeks; "Mijn agenda" holds one's own
coming meetings and the invitations still to answer. A new meeting is for the members of its
bodies unless its secretary opens it up, and its dates are date inputs."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from koepel.accounts.tests.factories import UserFactory
from koepel.core.visibility import Visibility
from koepel.meetings.models import Answer, Invitation, Meeting, Status
from koepel.meetings.tests.factories import MeetingFactory
from koepel.registry.tests.factories import BodyFactory, PersonFactory, RoleFactory


def _days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    body = BodyFactory(name="Themagroep Woningmarkt", slug="woningmarkt")
    member = PersonFactory(name="Mila Lid")
    RoleFactory(person=member, body=body, function="lid")
    secretary = PersonFactory(name="Sanne Secretaris")
    RoleFactory(person=secretary, body=body, function="ambtelijk_secretaris")
    made = {
        title: MeetingFactory(title=title, bodies=[body], date=_days(offset))
        for title, offset in [
            ("Over een maand", 30),
            ("Volgende week", 7),
            ("Over een jaar", 365),
            ("Vorige week", -7),
            ("Vorig jaar", -365),
            ("Gisteren", -1),
        ]
    }
    return {
        "body": body,
        "member": UserFactory(person=member),
        "member_person": member,
        "secretary": UserFactory(person=secretary),
        "meetings": made,
    }


def _titles(response: Any) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [row.find("th").get_text(" ", strip=True) for row in soup.select("tbody tr")]


def test_the_list_opens_on_coming_meetings_soonest_first(world: dict[str, Any]) -> None:
    response = Client().get(reverse("meetings:meetings"))
    assert _titles(response) == ["Volgende week", "Over een maand", "Over een jaar"]
    soup = BeautifulSoup(response.content, "html.parser")
    current = soup.select_one('nav.tabs a[aria-current="page"]')
    assert current is not None and current.get_text(strip=True) == "Komend (3)"
    past = soup.find("a", string="Voorbij (3)")
    assert past is not None

    response = Client().get(reverse("meetings:meetings") + past["href"])
    assert _titles(response) == ["Gisteren", "Vorige week", "Vorig jaar"]
    assert "3 voorbije bijeenkomsten, de laatste bovenaan" in response.content.decode()


def test_a_meeting_of_today_and_one_of_several_days_still_running_are_coming(
    world: dict[str, Any],
) -> None:
    MeetingFactory(title="Vandaag", bodies=[world["body"]], date=_days(0), start_time=None)
    MeetingFactory(
        title="Congres van drie dagen",
        bodies=[world["body"]],
        date=_days(-1),
        end_date=_days(1),
        start_time=None,
        end_time=None,
    )
    titles = _titles(Client().get(reverse("meetings:meetings")))
    assert titles[:2] == ["Congres van drie dagen", "Vandaag"]


def test_a_filter_that_leaves_nothing_coming_opens_on_the_past(world: dict[str, Any]) -> None:
    last_year = _days(-365).year
    response = Client().get(reverse("meetings:meetings") + f"?jaar={last_year}")
    assert "Vorig jaar" in _titles(response)
    assert "Volgende week" not in _titles(response)
    # The tabs keep the filter.
    soup = BeautifulSoup(response.content, "html.parser")
    assert all(f"jaar={last_year}" in a["href"] for a in soup.select("nav.tabs a"))


def test_the_list_is_paged_in_its_order(world: dict[str, Any]) -> None:
    for n in range(25):
        MeetingFactory(title=f"Later {n:02d}", bodies=[world["body"]], date=_days(400 + n))
    first = _titles(Client().get(reverse("meetings:meetings")))
    second = _titles(Client().get(reverse("meetings:meetings") + "?wanneer=coming&pagina=2"))
    assert first[:3] == ["Volgende week", "Over een maand", "Over een jaar"]
    assert len(first) == 20
    assert second == [f"Later {n:02d}" for n in range(17, 25)]


def test_the_calendar_opens_on_the_month_of_the_next_meeting_one_may_see(
    world: dict[str, Any],
) -> None:
    Meeting.objects.all().delete()
    hidden = MeetingFactory(
        title="Geheim", bodies=[world["body"]], date=_days(40), visibility=Visibility.RESTRICTED
    )
    cancelled = MeetingFactory(
        title="Afgelast", bodies=[world["body"]], date=_days(50), status=Status.CANCELLED
    )
    seen = MeetingFactory(title="Zichtbaar", bodies=[world["body"]], date=_days(70))
    url = reverse("meetings:calendar-now")

    def opens_on(client: Client) -> str:
        return client.get(url)["Location"]

    month = reverse("meetings:calendar-month", args=[seen.date.year, seen.date.month])
    assert opens_on(Client()) == month  # the restricted and the cancelled one are skipped
    insider = Client()
    insider.force_login(world["secretary"])
    assert opens_on(insider) == reverse(
        "meetings:calendar-month", args=[hidden.date.year, hidden.date.month]
    )
    assert cancelled.date != hidden.date

    Meeting.objects.all().delete()
    today = timezone.localdate()
    assert opens_on(Client()) == reverse("meetings:calendar-month", args=[today.year, today.month])


def test_the_month_is_a_grid_of_weeks_that_leads_to_the_days(world: dict[str, Any]) -> None:
    response = Client().get(reverse("meetings:calendar-month", args=[2021, 9]))
    soup = BeautifulSoup(response.content, "html.parser")
    grid = soup.select_one("table.calendar-grid")
    assert grid is not None
    assert grid.caption.get_text(strip=True).startswith("september 2021")
    headers = [th.abbr["title"] for th in grid.select("thead th")]
    assert headers == [
        "maandag",
        "dinsdag",
        "woensdag",
        "donderdag",
        "vrijdag",
        "zaterdag",
        "zondag",
    ]
    weeks = grid.select("tbody tr")
    assert all(len(week.find_all("td")) == 7 for week in weeks)
    # 1 September 2021 was a Wednesday: two empty cells before it.
    assert [td.get_text(strip=True) for td in weeks[0].find_all("td")][:3] == ["", "", "1"]

    MeetingFactory(title="Themasessie", bodies=[world["body"]], date=dt.date(2021, 9, 14))
    response = Client().get(reverse("meetings:calendar-month", args=[2021, 9]))
    soup = BeautifulSoup(response.content, "html.parser")
    link = soup.select_one("table.calendar-grid a")
    assert link["href"] == "#dag-14"
    assert " ".join(link.get_text(" ").split()) == "14 september: 1 bijeenkomst"
    day = soup.find(id="dag-14")
    assert day is not None and "Themasessie" in day.get_text()


def test_my_calendar_shows_my_coming_meetings_and_invitations_to_answer(
    world: dict[str, Any],
) -> None:
    person = world["member_person"]
    elsewhere = BodyFactory(name="Taskforce Energie")
    invited = MeetingFactory(title="Werkbezoek", bodies=[elsewhere], date=_days(3))
    Invitation.objects.create(meeting=invited, person=person)
    answered = world["meetings"]["Over een maand"]
    Invitation.objects.create(meeting=answered, person=person, answer=Answer.COMING)
    past = world["meetings"]["Gisteren"]
    Invitation.objects.create(meeting=past, person=person)
    # A restricted meeting of the member's own body that does not name them stays hidden.
    MeetingFactory(
        title="Besloten", bodies=[world["body"]], date=_days(5), visibility=Visibility.RESTRICTED
    )
    client = Client()
    client.force_login(world["member"])
    soup = BeautifulSoup(client.get(reverse("meetings:my-calendar")).content, "html.parser")
    to_answer = soup.find(id="invitations-heading").find_parent("section")
    assert [a.get_text() for a in to_answer.select("li a")] == ["Werkbezoek"]
    coming = soup.find(id="coming-heading").find_parent("section")
    assert [a.get_text() for a in coming.select("li a")] == [
        "Werkbezoek",
        "Volgende week",
        "Over een maand",
        "Over een jaar",
    ]
    assert "komt" in coming.get_text()
    assert "Besloten" not in soup.get_text() and "Gisteren" not in soup.get_text()


@pytest.mark.parametrize(
    "url",
    [
        lambda: reverse("meetings:meetings"),
        lambda: reverse("meetings:meetings") + "?wanneer=past",
        lambda: reverse("meetings:calendar-now"),
        lambda: reverse("meetings:my-calendar"),
    ],
)
def test_the_pages_that_start_from_the_user_run_a_bounded_number_of_queries(
    world: dict[str, Any], django_assert_max_num_queries: Any, url: Any
) -> None:
    client = Client()
    client.force_login(world["member"])
    with django_assert_max_num_queries(40) as few:
        client.get(url())
    for n in range(30):
        other = BodyFactory()
        for offset in (10 + n, -10 - n):
            meeting = MeetingFactory(
                title=f"Extra {n}", bodies=[world["body"], other], date=_days(offset)
            )
            Invitation.objects.create(meeting=meeting, person=world["member_person"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url()).status_code in (200, 302)


def test_a_new_meeting_is_for_the_members_of_its_bodies_and_asks_real_dates(
    world: dict[str, Any],
) -> None:
    client = Client()
    client.force_login(world["secretary"])
    soup = BeautifulSoup(client.get(reverse("meetings:plan")).content, "html.parser")
    chosen = soup.select_one('select[name="visibility"] option[selected]')
    assert chosen is not None and chosen["value"] == Visibility.BODY
    assert soup.find("input", attrs={"name": "date"})["type"] == "date"
    assert soup.find("input", attrs={"name": "end_date"})["type"] == "date"
    assert soup.find("input", attrs={"name": "start_time"})["type"] == "time"
    assert soup.find("input", attrs={"name": "end_time"})["type"] == "time"
    # And without a visibility at all (the API, the admin), the model starts there too.
    assert Meeting._meta.get_field("visibility").default == Visibility.BODY


def test_a_date_known_only_to_the_month_is_given_with_the_date_input(
    world: dict[str, Any],
) -> None:
    client = Client()
    client.force_login(world["secretary"])
    soup = BeautifulSoup(client.get(reverse("meetings:plan")).content, "html.parser")
    response = client.post(
        reverse("meetings:plan"),
        {
            "bodies": [world["body"].pk],
            "title": "Ergens in november",
            "kind": "themasessie",
            "level": "bestuurlijk",
            "format": "online",
            "date": "2031-11-17",
            "date_known": "month",
            "visibility": "body",
            "submission": soup.find("input", attrs={"name": "submission"})["value"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    meeting = Meeting.objects.get(title="Ergens in november")
    assert (meeting.date, meeting.date_precision) == (dt.date(2031, 11, 1), "month")
    assert meeting.visibility == Visibility.BODY
    # Its change form shows the date in the date input and what is known beside it.
    edit = BeautifulSoup(
        client.get(reverse("meetings:edit", args=[meeting.pk])).content, "html.parser"
    )
    assert edit.find("input", attrs={"name": "date"})["value"] == "2031-11-01"
    known = edit.select_one('select[name="date_known"] option[selected]')
    assert known is not None and known["value"] == "month"


def test_the_overview_and_the_people_are_linked(world: dict[str, Any]) -> None:
    office = Client()
    office.force_login(UserFactory(office=True))
    soup = BeautifulSoup(office.get(reverse("meetings:meetings")).content, "html.parser")
    year = timezone.localdate().year
    assert soup.find("a", href=reverse("meetings:participation", args=[year]))
    # Only the office may open the overview, so only the office is shown the link.
    member = Client()
    member.force_login(world["member"])
    soup = BeautifulSoup(member.get(reverse("meetings:meetings")).content, "html.parser")
    assert not soup.find("a", href=reverse("meetings:participation", args=[year]))
    assert soup.find("a", href=reverse("meetings:my-calendar"))
    home = BeautifulSoup(Client().get(reverse("registry:home")).content, "html.parser")
    assert home.find("a", href=reverse("registry:people"))
