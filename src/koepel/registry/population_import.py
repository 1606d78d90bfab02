"""Read a CBS StatLine CSV export of population on 1 January (table 03759ned).

StatLine exports the table in two shapes, both read here:

- the readable export: ``"Regio's";"Perioden";"Bevolking op 1 januari (aantal)"`` with region
  names ("Hengelo (O.)") and years ("2021");
- the raw data set: ``"RegioS";"Perioden";"BevolkingOp1Januari_1"`` with codes ("GM0164") and
  periods ("2021JJ00").

Other dimensions (sex, age, marital status) are kept only at their totals. The whole file is
read and checked before anything is stored: a malformed file changes nothing.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from koepel.registry.models import Municipality
from koepel.registry.services import population_set

SOURCE = "CBS StatLine 03759ned, bevolking op 1 januari"


class PopulationFileError(ValueError):
    """The file is not a population export Koepel can read; nothing was stored."""


@dataclass
class ImportReport:
    matched: list[tuple[Municipality, int, int]] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    without_figure: list[str] = field(default_factory=list)


def _normalise_name(name: str) -> str:
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    name = re.sub(r"\s*\([^)]*\)\s*$", "", name)  # "Hengelo (O.)" → "Hengelo"
    return re.sub(r"[^a-z0-9]+", " ", name.lower().replace("’", "'")).strip()


def _column(header: list[str], *needles: str) -> int:
    for index, title in enumerate(header):
        if any(needle in title.lower() for needle in needles):
            return index
    raise PopulationFileError(
        _("The file has no column for %(what)s. Export table 03759ned from CBS StatLine as CSV.")
        % {"what": " / ".join(needles)}
    )


def _is_total(value: str) -> bool:
    # Readable exports say "Totaal …"; the raw data set uses keys: T001038 (all sexes),
    # T001019 (all marital states) and 10000 (all ages).
    value = value.strip().lower()
    return value.startswith(("totaal", "t00")) or value in {"", "10000"}


def _year(period: str) -> int:
    match = re.fullmatch(r"(\d{4})(JJ00)?", period.strip())
    if not match:
        raise PopulationFileError(
            _("“%(period)s” is not a year. Export the table with years as periods.")
            % {"period": period}
        )
    return int(match.group(1))


def parse(text: str) -> list[tuple[str, int, int | None]]:
    """Rows of (region, year, inhabitants or None when CBS gives no figure)."""
    lines = text.lstrip("\ufeff")
    try:
        dialect = csv.Sniffer().sniff(lines[:4096], delimiters=";,\t")
    except csv.Error as error:
        raise PopulationFileError(_("The file is not a CSV file.")) from error
    reader = csv.reader(io.StringIO(lines), dialect)
    try:
        header = next(reader)
    except StopIteration as error:
        raise PopulationFileError(_("The file is empty.")) from error
    region_at = _column(header, "regio")
    period_at = _column(header, "perioden")
    value_at = _column(header, "bevolking")
    others = [i for i in range(len(header)) if i not in {region_at, period_at, value_at}]
    others = [i for i in others if header[i].strip().lower() != "id"]
    rows: list[tuple[str, int, int | None]] = []
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise PopulationFileError(
                _("Line %(number)d has %(found)d columns instead of %(expected)d.")
                % {"number": number, "found": len(row), "expected": len(header)}
            )
        if not all(_is_total(row[i]) for i in others):
            continue
        raw = row[value_at].strip().replace(".", "").replace(" ", "")
        if raw in {"", "-", "x"}:
            value = None
        elif raw.isdigit():
            value = int(raw)
        else:
            raise PopulationFileError(
                _("Line %(number)d: “%(value)s” is not a number of inhabitants.")
                % {"number": number, "value": row[value_at]}
            )
        rows.append((row[region_at].strip(), _year(row[period_at]), value))
    if not rows:
        raise PopulationFileError(_("The file holds no population figures."))
    return rows


@transaction.atomic
def import_population(text: str, *, source: str = SOURCE) -> ImportReport:
    """Store the figures of the municipalities Koepel knows; report the rest."""
    rows = parse(text)
    by_code = {m.cbs_code: m for m in Municipality.objects.all()}
    by_name = {_normalise_name(m.name): m for m in by_code.values()}
    report = ImportReport()
    for region, year, inhabitants in rows:
        code = region.upper()
        municipality = by_code.get(code) if re.fullmatch(r"GM\d{4}", code) else None
        municipality = municipality or by_name.get(_normalise_name(region))
        if municipality is None:
            report.unmatched.append(region)
            continue
        if inhabitants is None:
            report.without_figure.append(f"{municipality.name} {year}")
            continue
        population_set(municipality=municipality, year=year, inhabitants=inhabitants, source=source)
        report.matched.append((municipality, year, inhabitants))
    return report
