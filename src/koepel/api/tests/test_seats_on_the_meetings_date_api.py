"""Through the API too, a meeting of the past takes the people who held a seat on its date."""

from __future__ import annotations

from typing import Any

from koepel.meetings.tests.test_history import board

__all__ = ["board"]


def test_the_api_invites_the_people_of_the_meetings_date(
    board: dict[str, Any], api_as: Any
) -> None:
    api = api_as(board["secretary"])
    url = f"/api/v1/bijeenkomsten/{board['march'].pk}/uitnodigingen"
    invited = api.post(url, {"persoon": board["former"].slug})
    assert invited.status_code == 201, invited.json()
    refused = api.post(url, {"persoon": board["successor"].slug})
    assert refused.status_code == 400
    assert "Nico Nieuw" in refused.content.decode()
