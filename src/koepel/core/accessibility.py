"""The facts of the accessibility statement (``/toegankelijkheid/``), kept apart from its
wording so that a new check or a fixed problem changes one line here, not a page of prose.

The page follows the structure of the Dutch government's model statement: the compliance
status (A to E), the date of the statement and of the last check, how it was checked, what
is not accessible yet with the reason and the date it is meant to be fixed, what is outside
its scope, and whom to tell. An installation names its own contact with the setting
``KOEPEL_ACCESSIBILITY_CONTACT``; without it the page points to the network's website.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# The statuses of the model statement, as the Dutch government defines them.
STATUSES: dict[str, Promise] = {
    "A": _("Fully compliant: research shows the site meets every requirement."),
    "B": _(
        "Partially compliant: research shows the site meets the requirements in part, and "
        "measures for the rest are planned."
    ),
    "C": _(
        "First measures taken: part of the site has been checked, and measures to meet the "
        "requirements are planned."
    ),
    "D": _("Not compliant: the site does not meet the requirements."),
    "E": _("No insight: it is not known whether the site meets the requirements."),
}


@dataclass(frozen=True)
class Problem:
    """Something that is not accessible yet: what, why, and when it is meant to be fixed."""

    what: Promise
    why: Promise
    planned: dt.date | None


@dataclass(frozen=True)
class Statement:
    status: str
    drawn_up: dt.date
    last_checked: dt.date
    checks: tuple[Promise, ...]
    problems: tuple[Problem, ...]
    out_of_scope: tuple[Promise, ...] = field(default=())
    answer_days: int = 5

    @property
    def status_meaning(self) -> Promise:
        return STATUSES[self.status]

    @property
    def statuses(self) -> list[tuple[str, Promise, bool]]:
        return [(code, meaning, code == self.status) for code, meaning in STATUSES.items()]

    @property
    def contact(self) -> str:
        return str(getattr(settings, "KOEPEL_ACCESSIBILITY_CONTACT", "") or "")


STATEMENT = Statement(
    # C, not B: the checks are the makers' own, run on every change; no independent
    # research by the WCAG-EM method has been done yet, and the back office is known to fail.
    status="C",
    drawn_up=dt.date(2026, 12, 7),
    last_checked=dt.date(2026, 12, 7),
    checks=(
        _(
            "An automated walk with axe-core, in a real browser, over every kind of page of "
            "Koepel: signed out and signed in as the network office, forms with errors "
            "included, against the WCAG 2.0 and 2.1 rules of levels A and AA. A change that "
            "adds a violation is not released."
        ),
        _(
            "Manual checks by the makers: signing in, opening a meeting and searching with the "
            "keyboard alone, with a visible focus at every step; every page at a width of 320 "
            "pixels; the menu on a phone without JavaScript."
        ),
    ),
    problems=(
        Problem(
            what=_(
                "The back office at /beheer/, the administration screens of the framework Koepel "
                "is built on, has English labels and fails automated checks (among others "
                "missing names of controls and too little contrast)."
            ),
            why=_(
                "It is a generic tool of the framework. The network office still needs it for a "
                "few tasks; they move to Koepel's own accessible pages one by one."
            ),
            planned=dt.date(2027, 6, 30),
        ),
        Problem(
            what=_(
                "The annual report as PDF and Word file has not been checked for accessibility "
                "(such as tags, reading order and alternative texts)."
            ),
            why=_("Only the web pages are part of the automated checks so far."),
            planned=dt.date(2027, 6, 30),
        ),
        Problem(
            what=_(
                "Documents that people upload (reports, letters, presentations) are not checked."
            ),
            why=_(
                "They are made outside Koepel. Whoever uploads a document is asked to make it "
                "accessible; the text of each document can also be read on its page."
            ),
            planned=None,
        ),
    ),
    out_of_scope=(
        _(
            "Files published before 23 September 2018 that are not needed for current work, "
            "such as older annual reports, as the decree allows."
        ),
        _("Content of other organisations that Koepel links to."),
    ),
)
