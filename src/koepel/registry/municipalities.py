"""Every Dutch municipality, so that a network picks its members by name instead of typing codes.

``data/nl-gemeenten.csv`` holds the 342 municipalities of the municipal division in force from
1 January 2023 (after the mergers into Voorne aan Zee, Maashorst, Dijk en Waard and Land van
Cuijk), by CBS code and name as CBS spells them ("'s-Gravenhage", "Bergen (NH.)"), taken from
CBS's region codes. The province is given for the forty G40 cities, whose provinces four public
sources agree on; for the others it is left empty rather than guessed, and the office fills it
in (an import of members may give it).

The list is a help, not a limit: a municipality is stored as a record only once the network
uses it (a member, a participant, a person's city). :func:`resolve` finds a municipality by
CBS code or by name among the stored ones and this list; :func:`load_all` stores the whole
list, for a network that wants every municipality at hand.

Members that are not municipalities (a province, a water board, an association) are not in
this list: their membership names an organisation (``Membership.organisation``).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from koepel.registry.models import Membership, Municipality, Province

DATA_FILE = Path(__file__).resolve().parent / "data" / "nl-gemeenten.csv"
PROVINCES_BY_NAME = {label.lower(): value for value, label in Province.choices}


@dataclass(frozen=True)
class Known:
    """A municipality of the national list."""

    cbs_code: str
    name: str
    province: str  # a Province value, or "" where the list does not give it


@functools.cache
def national_list() -> tuple[Known, ...]:
    with DATA_FILE.open(encoding="utf-8", newline="") as handle:
        return tuple(
            Known(
                cbs_code=row["cbs_code"],
                name=row["name"],
                province=PROVINCES_BY_NAME.get(row["province"].lower(), ""),
            )
            for row in csv.DictReader(handle)
        )


def folded(name: str) -> str:
    """A name as it is compared: without accents, case, punctuation and a leading ’s-."""
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", name.lower()).strip()


def _short(name: str) -> str:
    """ "Bergen (NH.)" → "bergen": the name without what CBS adds to tell two apart."""
    return folded(re.sub(r"\s*\([^)]*\)\s*$", "", name))


class Finder:
    """Finds municipalities by CBS code or name among the stored ones and the national list,
    read once (for an import of many rows)."""

    def __init__(self) -> None:
        self.stored = {m.cbs_code: m for m in Municipality.objects.all()}
        self.known = {k.cbs_code: k for k in national_list()}
        self._by_name: dict[str, set[str]] = {}
        for code, municipality in self.stored.items():
            self._add_name(municipality.name, code)
        for code, known in self.known.items():
            self._add_name(known.name, code)

    def _add_name(self, name: str, code: str) -> None:
        self._by_name.setdefault(folded(name), set()).add(code)
        self._by_name.setdefault(_short(name), set()).add(code)

    def code_for(self, *, code: str = "", name: str = "") -> str:
        """The CBS code of the municipality meant; ValueError with a Dutch message if none is
        or more than one could be."""
        code = code.strip().upper()
        if code:
            if not re.fullmatch(r"GM\d{4}", code):
                raise ValueError(
                    _("“%(code)s” is not a CBS code: GM followed by four digits, such as GM0363.")
                    % {"code": code}
                )
            if code not in self.stored and code not in self.known:
                raise ValueError(_("No municipality has CBS code %(code)s.") % {"code": code})
            if name and folded(name) not in {
                folded(self.name_of(code)),
                _short(self.name_of(code)),
            }:
                raise ValueError(
                    _("CBS code %(code)s is %(name)s, not %(given)s.")
                    % {"code": code, "name": self.name_of(code), "given": name}
                )
            return code
        if not name.strip():
            raise ValueError(_("Give a CBS code or the name of a municipality."))
        codes = self._by_name.get(folded(name)) or set()
        if len(codes) == 1:
            return next(iter(codes))
        if not codes:
            raise ValueError(
                _(
                    "“%(name)s” is not the name of a Dutch municipality. Check the spelling or give the CBS code."
                )
                % {"name": name}
            )
        choices = ", ".join(f"{self.name_of(c)} ({c})" for c in sorted(codes))
        raise ValueError(
            _("“%(name)s” may be several municipalities: %(choices)s. Give the CBS code.")
            % {"name": name, "choices": choices}
        )

    def name_of(self, code: str) -> str:
        if code in self.stored:
            return self.stored[code].name
        return self.known[code].name

    def unsaved(self, code: str) -> Municipality:
        """The stored municipality, or a new one from the national list (not yet saved)."""
        if code in self.stored:
            return self.stored[code]
        known = self.known[code]
        municipality = Municipality(cbs_code=code, name=known.name, province=known.province)
        municipality.full_clean(exclude=["version"], validate_unique=False)
        return municipality


@transaction.atomic
def add_from_list(
    *,
    cbs_code: str,
    province: str = "",
    member_since: tuple[dt.date, str] | None = None,
) -> Municipality:
    """Add a municipality of the national list to the registry, by its CBS code: its name is the one CBS gives, never typed. With
    ``member_since`` (a date and its precision) it is a member of the network from then on.
    A code not on the list, or a municipality already in the registry, is refused."""
    from koepel.registry.services import membership_save, municipality_save

    known = next((k for k in national_list() if k.cbs_code == cbs_code), None)
    if known is None:
        raise ValidationError(
            {"municipality": _("Choose a municipality from the list.")}, code="unknown_code"
        )
    stored = Municipality.objects.filter(cbs_code=cbs_code).first()
    if stored is not None:
        raise ValidationError(
            {
                "municipality": _(
                    "%(name)s is already in the registry. Open its page to change it or to "
                    "start a period of membership."
                )
                % {"name": stored.name}
            },
            code="duplicate_municipality",
        )
    municipality = municipality_save(
        municipality=Municipality(
            cbs_code=known.cbs_code, name=known.name, province=province or known.province
        )
    )
    if member_since is not None:
        start, precision = member_since
        membership_save(
            membership=Membership(municipality=municipality, start=start, start_precision=precision)
        )
    return municipality


def load_all() -> int:
    """Store every municipality of the national list that is not stored yet; returns how many
    were added. For a new network that wants the whole list at hand."""
    from koepel.registry.services import municipality_save

    stored = set(Municipality.objects.values_list("cbs_code", flat=True))
    added = 0
    for known in national_list():
        if known.cbs_code in stored:
            continue
        municipality_save(
            municipality=Municipality(
                cbs_code=known.cbs_code, name=known.name, province=known.province
            )
        )
        added += 1
    return added
