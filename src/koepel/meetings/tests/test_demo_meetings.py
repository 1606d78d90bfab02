"""The demo meetings of 2021 hold against the G40 annual report 2021.

Each fact below is one the report states: how often a body met, at which level, online or not,
in which month, with which guests, and which sessions were held jointly. Counts are taken the
way the annual report will take them, through ``body_year`` and ``meeting_list``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest

from koepel.accounts.access import SYSTEM
from koepel.meetings.models import Meeting
from koepel.meetings.selectors import BodyYear, body_year, meeting_list
from koepel.registry.models import Body

# Per body: every meeting's date as the report gives it ("2021", "2021-03" or "2021-06-14").
DATES_AS_GIVEN: dict[str, list[str]] = {
    "pijler-sociaal": ["2021-03", "2021-05", "2021-09"],
    "wonen-welzijn-zorg": ["2021-05", "2021-05", "2021-07", "2021", "2021"],
    "armoede-schulden": ["2021-05"],
    "sterke-keten": ["2021-01", "2021-03", "2021-04", "2021-05", "2021-09", "2021-12"]
    + ["2021"] * 10,
    "ser-netwerk-llo": ["2021-04"],
    "pijler-economie-werk": ["2021"] * 9,
    "kernteam-impact-ondernemen": ["2021"] * 4,
    "impact-ondernemen": ["2021-10-13"],
    "pijler-fysiek": ["2021"] * 4,
    "woningmarkt": ["2021"],
    "asiel-vergunningen": ["2021"],
    "stedelijke-vernieuwing-transformatie": ["2021"],
    "omgevingswet": ["2021"],
    "duurzaamheid": ["2021"] * 3,
    "democratische-vernieuwing": ["2021-06-14"],
    "veiligheid": ["2021"] * 3,
    "dagelijks-bestuur": ["2021"],
}

# Per body: (meetings, by level, by format).
COUNTS: dict[str, tuple[int, dict[str, int], dict[str, int]]] = {
    "pijler-economie-werk": (9, {"ambtelijk": 6, "bestuurlijk": 3}, {"online": 9}),
    "kernteam-impact-ondernemen": (4, {"ambtelijk": 4}, {"online": 4}),
    "veiligheid": (3, {"bestuurlijk": 3}, {"online": 3}),
    "impact-ondernemen": (1, {"beide": 1}, {"hybride": 1}),
}

# Joint sessions: one meeting, all its organising bodies.
JOINT: dict[str, set[str]] = {
    "Bijeenkomst over 'Een thuis voor iedereen'": {
        "woningmarkt",
        "asiel-vergunningen",
        "stedelijke-vernieuwing-transformatie",
        "wonen-welzijn-zorg",
    },
    "Sessie over de Participatiewet en schuldhulp": {
        "sterke-keten",
        "armoede-schulden",
    },
    "Bijeenkomst over de regionale mobiliteitsteams": {
        "sterke-keten",
        "ser-netwerk-llo",
    },
    "Bijeenkomst over de regionale energiestrategieën en de Omgevingswet": {
        "omgevingswet",
        "duurzaamheid",
    },
}


def year_of(slug: str) -> BodyYear:
    return body_year(SYSTEM, Body.objects.get(slug=slug), 2021)


def meetings_of(slug: str, **filters: Any) -> list[Meeting]:
    return list(meeting_list(SYSTEM, body=Body.objects.get(slug=slug), year=2021, **filters))


def as_given(meeting: Meeting) -> str:
    """The date as the source writes it, checking that no unknown part was filled in."""
    if meeting.date_precision == "year":
        assert (meeting.date.month, meeting.date.day) == (1, 1)
        return f"{meeting.date:%Y}"
    if meeting.date_precision == "month":
        assert meeting.date.day == 1
        return f"{meeting.date:%Y-%m}"
    return meeting.date.isoformat()


def guest_names(meeting: Meeting) -> set[str]:
    """Who spoke: the person's name, or else the organisation's full name."""
    return {
        guest.person.name if guest.person else guest.organisation.name  # type: ignore[union-attr]
        for guest in meeting.guests.all()
    }


def only(meetings: list[Meeting]) -> Meeting:
    assert len(meetings) == 1
    return meetings[0]


@pytest.mark.parametrize("slug", sorted(DATES_AS_GIVEN))
def test_every_meeting_carries_only_the_date_precision_the_report_gives(
    shared_demo: None, slug: str
) -> None:
    dates = [as_given(meeting) for meeting in year_of(slug).meetings]

    assert sorted(dates) == sorted(DATES_AS_GIVEN[slug])


def test_only_the_bodies_the_report_gives_meetings_for_have_meetings(shared_demo: None) -> None:
    bodies = set(Meeting.objects.values_list("bodies__slug", flat=True))

    assert bodies == set(DATES_AS_GIVEN)
    assert Meeting.objects.count() == 50
    assert all(meeting.date.year == 2021 for meeting in Meeting.objects.all())


@pytest.mark.parametrize("slug", sorted(COUNTS))
def test_each_body_met_as_often_at_each_level_and_in_each_format_as_the_report_says(
    shared_demo: None, slug: str
) -> None:
    count, by_level, by_format = COUNTS[slug]
    year = year_of(slug)

    assert year.count == count
    assert dict(year.by_level) == by_level
    assert dict(year.by_format) == by_format


def test_sterke_keten_administrators_met_eight_times_all_online(shared_demo: None) -> None:
    administrative = meetings_of("sterke-keten", level="bestuurlijk")

    assert len(administrative) == 8
    assert {meeting.format for meeting in administrative} == {"online"}


def test_sterke_keten_administrators_met_in_the_months_the_report_names_and_twice_in_2021(
    shared_demo: None,
) -> None:
    administrative = meetings_of("sterke-keten", level="bestuurlijk")

    assert sorted(as_given(meeting) for meeting in administrative) == [
        "2021",
        "2021",
        "2021-01",
        "2021-03",
        "2021-04",
        "2021-05",
        "2021-09",
        "2021-12",
    ]


def test_sterke_keten_spoke_with_uwv_in_march_and_december_and_with_koolmees_at_breakfast(
    shared_demo: None,
) -> None:
    by_month = {
        meeting.date.month: meeting
        for meeting in meetings_of("sterke-keten", level="bestuurlijk")
        if meeting.date_precision == "month"
    }

    assert guest_names(by_month[3]) == {"Tof Thissen"}
    assert guest_names(by_month[12]) == {"Tof Thissen"}
    assert guest_names(by_month[9]) == {"Koolmees"}
    assert by_month[9].kind == "ontbijtsessie"


def test_sterke_keten_officials_met_eight_times_each_preparing_one_administrators_meeting(
    shared_demo: None,
) -> None:
    official = meetings_of("sterke-keten", level="ambtelijk")
    administrative = meetings_of("sterke-keten", level="bestuurlijk")

    assert len(official) == 8
    assert {meeting.date_precision for meeting in official} == {"year"}
    assert {meeting.prepares_id for meeting in official} == {m.pk for m in administrative}


def test_pijler_sociaal_held_three_netwerkdagen_with_the_guests_the_report_names(
    shared_demo: None,
) -> None:
    days = {m.date.month: m for m in meetings_of("pijler-sociaal", kind="netwerkdag")}

    assert sorted(days) == [3, 5, 9]
    assert {m.date_precision for m in days.values()} == {"month"}
    assert {m.level for m in days.values()} == {"bestuurlijk"}
    assert guest_names(days[3]) == {"André Krouwel"}
    assert set(days[3].guests.values_list("organisation__name", flat=True)) == {"Kieskompas"}
    assert guest_names(days[5]) == {"Han Polman", "Rien Franje"}
    assert set(days[5].guests.values_list("person__organisation__name", flat=True)) == {
        "Raad voor het Openbaar Bestuur"
    }
    assert guest_names(days[9]) == {"Marije van den Berg"}


def test_the_may_netwerkdag_holds_the_sessions_of_wonen_welzijn_zorg_and_of_the_joint_groups(
    shared_demo: None,
) -> None:
    may = only(meetings_of("pijler-sociaal", kind="netwerkdag", month=5))
    sessions = {frozenset(s.bodies.values_list("slug", flat=True)) for s in may.sessions.all()}

    assert sessions == {
        frozenset({"wonen-welzijn-zorg"}),
        frozenset({"sterke-keten", "armoede-schulden"}),
    }


def test_wonen_welzijn_zorg_held_two_officials_meetings_and_two_netwerkdag_sessions(
    shared_demo: None,
) -> None:
    official = meetings_of("wonen-welzijn-zorg", level="ambtelijk")
    sessions = [
        m for m in meetings_of("wonen-welzijn-zorg", kind="themasessie") if m.bodies.count() == 1
    ]

    assert sorted(as_given(m) for m in official) == ["2021-05", "2021-07"]
    assert sorted(as_given(m) for m in sessions) == ["2021", "2021-05"]
    assert {m.level for m in sessions} == {"bestuurlijk"}


def test_pijler_economie_en_werk_met_six_times_officially_and_three_times_administratively_online(
    shared_demo: None,
) -> None:
    assert len(meetings_of("pijler-economie-werk", level="ambtelijk", format="online")) == 6
    assert len(meetings_of("pijler-economie-werk", level="bestuurlijk", format="online")) == 3


def test_kernteam_impact_ondernemen_met_four_times_online(shared_demo: None) -> None:
    assert len(meetings_of("kernteam-impact-ondernemen", format="online")) == 4


def test_the_veiligheid_mayors_met_three_times_online(shared_demo: None) -> None:
    assert len(meetings_of("veiligheid", level="bestuurlijk", format="online")) == 3


def test_building_back_better_was_held_on_13_october_2021_hybrid_with_regional_hubs(
    shared_demo: None,
) -> None:
    congress = only(meetings_of("impact-ondernemen", kind="congres"))

    assert congress.date == dt.date(2021, 10, 13)
    assert congress.date_precision == "day"
    assert congress.format == "hybride"
    assert congress.hubs
    assert guest_names(congress) == {"Social Enterprise NL"}


@pytest.mark.parametrize("title", sorted(JOINT))
def test_a_joint_session_is_one_meeting_with_all_its_organising_bodies(
    shared_demo: None, title: str
) -> None:
    meeting = only([m for m in meeting_list(SYSTEM, year=2021) if m.title == title])

    assert set(meeting.bodies.values_list("slug", flat=True)) == JOINT[title]
    for slug in JOINT[title]:
        assert meeting in year_of(slug).joint


def test_een_thuis_voor_iedereen_was_held_in_the_autumn_with_ter_haar_mutluer_and_wever(
    shared_demo: None,
) -> None:
    meeting = only([m for m in meetings_of("woningmarkt") if "Een thuis voor iedereen" in m.title])

    assert meeting.date_precision == "year"  # "in het najaar" names no month
    assert "najaar" in meeting.description
    assert guest_names(meeting) == {"Bernard ter Haar", "Mutluer", "Wever"}


def test_the_design_session_is_dated_14_june_2021_to_the_day_and_was_online(
    shared_demo: None,
) -> None:
    session = only(meetings_of("democratische-vernieuwing", kind="ontwerpsessie"))

    assert session.date == dt.date(2021, 6, 14)
    assert session.date_precision == "day"
    assert session.format == "online"
    assert "Bestuur met maatschappelijke maat" in session.title


def test_pijler_fysiek_met_online_with_veldhuis_and_the_pbl_and_travelled_to_groningen(
    shared_demo: None,
) -> None:
    meetings = meetings_of("pijler-fysiek")
    guests = {name for meeting in meetings for name in guest_names(meeting)}
    trip = only([m for m in meetings if m.kind == "studiereis"])

    assert Counter(m.format for m in meetings) == {"online": 3, "fysiek": 1}
    assert trip.location == "Groningen"
    assert {"Wouter Veldhuis", "Planbureau voor de Leefomgeving", "Neprom"} <= guests
    assert any(m.kind == "congres" and m.is_online for m in meetings)


def test_duurzaamheid_held_knowledge_meetings_with_the_deltacommissaris_and_ringelberg(
    shared_demo: None,
) -> None:
    guests = {name for meeting in meetings_of("duurzaamheid") for name in guest_names(meeting)}

    assert guests == {"Deltacommissaris", "Sven Ringelberg"}


def test_the_round_table_in_parliament_is_not_recorded_as_a_meeting(shared_demo: None) -> None:
    assert not meeting_list(SYSTEM, kind="rondetafelgesprek", year=2021).exists()


def test_every_demo_meeting_was_held_and_is_public(shared_demo: None) -> None:
    assert set(Meeting.objects.values_list("status", flat=True)) == {"gehouden"}
    assert set(Meeting.objects.values_list("visibility", flat=True)) == {"public"}
