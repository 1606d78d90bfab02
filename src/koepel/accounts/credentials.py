"""Credentials an account holds besides its password and second factor, such as the API's
personal tokens, and their withdrawal when the account can no longer be trusted with them.

Whoever resets an account's second factor (a lost phone) or blocks the account must also stop
every token that acts as it: a token is as good as a signed-in session. The API sits above this
app and so cannot be called from its services; it hands its revocation over in its ``ready()``
(``register``), as the apps hand search their kinds of record. The account services call
``withdraw_all`` inside their own transaction, so the reset and the revocation stand or fall
together.
"""

from __future__ import annotations

from collections.abc import Callable

from koepel.accounts.models import User

# Withdraws every credential of one kind that the user holds; returns how many it withdrew.
Withdraw = Callable[[User], int]

_withdrawers: list[Withdraw] = []


def register(withdraw: Withdraw) -> None:
    """Add a kind of credential to withdraw with the account's trust (once, however often
    called: ``ready()`` may run more than once in tests)."""
    if withdraw not in _withdrawers:
        _withdrawers.append(withdraw)


def withdraw_all(*, user: User) -> int:
    """Withdraw every credential the user holds besides password and second factor. Call it
    inside the transaction of the change that takes the trust away."""
    return sum(withdraw(user) for withdraw in _withdrawers)
