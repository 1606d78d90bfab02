"""Read a CBS StatLine CSV export of population on 1 January (table 03759ned).

StatLine exports the table in two shapes, both read here:

- the readable export: ``"Regio's";"Perioden";"Bevolking op 1 januari (aantal)"`` with region
  names ("Hengelo (O.)") and years ("2021");
- the raw data set: ``"RegioS";"Perioden";"BevolkingOp1Januari_1"`` with codes ("GM0164") and
  periods ("2021JJ00").

The table has two topics, "Bevolking op 1 januari" and "Gemiddelde bevolking"; an export may
hold either or both. Koepel reads the population on 1 January (what ``Population`` records)
and says so; a file with only the average population is refused rather than read as the
other. Other dimensions (sex, age, marital status) are kept only at their totals. Rows of
regions that are no municipality — the country, a province ("Groningen (PV)"), a part of the
country or a COROP region — are skipped and named in the report, never stored as the figure
of the city of the same name. The whole file is read and checked before anything is stored: a
malformed file changes nothing. docs/operations.md describes the columns read.
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
    # Rows of the country, a province or another region: no municipality's figure.
    regions: list[str] = field(default_factory=list)
    # The header of the column the figures were read from.
    topic: str = ""


@dataclass
class Parsed:
    rows: list[tuple[str, int, int | None]]
    topic: str


# "Groningen (PV)", "Noord-Nederland (LD)", "Groot-Amsterdam (CR)": a region, not a city (a
# city's own suffix has a full stop or lower case: "Hengelo (O.)", "Bergen (NH.)").
REGION_SUFFIX = re.compile(r"\((PV|LD|CR|LG|NL)\)\s*$")


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


def is_region(name: str) -> bool:
    """Whether a row is of the country, a province or another region rather than a city."""
    name = name.strip()
    if re.fullmatch(r"(NL|PV|LD|CR)\d{2}", name):  # the raw data set's codes
        return True
    return bool(REGION_SUFFIX.search(name)) or name.lower() == "nederland"


def parse(text: str) -> Parsed:
    """Rows of (region, year, inhabitants or None when CBS gives no figure), and the topic."""
    lines = text.lstrip("\ufeff")
    if not lines.strip():
        raise PopulationFileError(_("Empty file: there is nothing in it."))
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
    topics = [i for i, title in enumerate(header) if "bevolking" in title.lower()]
    # "Bevolking op 1 januari (aantal)" or "BevolkingOp1Januari_1"; the other topic is
    # "Gemiddelde bevolking (aantal)" or "GemiddeldeBevolking_2".
    value_at = next((i for i in topics if "op1januari" in header[i].lower().replace(" ", "")), None)
    if value_at is None:
        if any("gemiddelde" in header[i].lower() for i in topics):
            raise PopulationFileError(
                _(
                    "The file holds only the average population. Export the topic “Bevolking op 1 januari” as well."
                )
            )
        value_at = _column(header, "bevolking")
    # The columns of dimensions (sex, age, …): not the region, period or either topic.
    others = [
        i
        for i in range(len(header))
        if i not in {region_at, period_at, *topics} and header[i].strip().lower() != "id"
    ]
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
    return Parsed(rows=rows, topic=header[value_at].strip())


@transaction.atomic
def import_population(text: str, *, source: str = SOURCE) -> ImportReport:
    """Store the figures of the municipalities Koepel knows; report the rest."""
    parsed = parse(text)
    by_code = {m.cbs_code: m for m in Municipality.objects.all()}
    by_name = {_normalise_name(m.name): m for m in by_code.values()}
    report = ImportReport(topic=parsed.topic)
    for region, year, inhabitants in parsed.rows:
        if is_region(region):
            report.regions.append(region)
            continue
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
