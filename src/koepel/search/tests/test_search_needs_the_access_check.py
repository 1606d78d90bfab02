"""Search gets the one access check handed over by the accounts app; without it a search
fails rather than answer unchecked, and a statement cached before never outlives it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from koepel.accounts.access import grants, viewer_for, visible
from koepel.core.visibility import Grants
from koepel.search import access
from koepel.search.query import search
from koepel.search.tests.conftest import search_page, signed_in


def test_the_accounts_app_hands_search_the_one_access_check() -> None:
    check = access.current()

    assert check.visible is visible
    assert check.viewer is viewer_for
    assert check.grants is grants


def test_without_an_access_check_a_search_fails_rather_than_show_everything(
    network: dict[str, Any], client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = signed_in(client, network, "outsider")
    # The statement for this viewer is put together and cached by a first search.
    assert search(network["users"]["outsider"], "woningbouw").total == 2

    monkeypatch.setattr(access, "_check", None)  # as if no app had handed a check over

    with pytest.raises(access.NoAccessCheck):
        search(network["users"]["outsider"], "woningbouw")
    with pytest.raises(access.NoAccessCheck):
        search(None, "grondprijsstrategie")
    with pytest.raises(access.NoAccessCheck):
        search_page(client, "woningbouw")


def test_another_check_gets_statements_of_its_own(
    network: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    outsider = network["users"]["outsider"]
    assert search(outsider, "woningbouw").total == 2  # cached with the accounts app's check

    # A check that lets nothing through, handed over in its place: the cached statement of the
    # first check must not answer for it.
    monkeypatch.setattr(access, "_check", None)
    access.use(
        visible=lambda queryset, who: queryset.filter(pk__isnull=True),
        viewer=viewer_for,
        grants=lambda viewer: Grants(),
        key=lambda user: "sees-nothing",
    )

    assert search(outsider, "woningbouw").total == 0
