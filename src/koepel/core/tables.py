"""Tables in and out: one definition of a list's columns, written as CSV or Excel and read back.

A :class:`Table` names its columns once — the header in the file (Dutch, and fixed: a file
written today must read back next year whatever the language of the screen), and how to read
each cell from a record. :func:`write` turns records into a CSV or xlsx file; :func:`read`
turns a file back into rows of text by column key, so that whoever imports checks each cell
with the same rules as a form. Any list can export through it: give it the records the viewer
may see (the access check is the caller's, as for every other way out).

CSV is written in UTF-8 with a byte-order mark and ``;`` between cells, which a Dutch Excel
opens as it is; reading takes a file with or without the mark, and with ``;`` or ``,``. In CSV
every value is text (a date in ISO form, "ja"/"nee"). In xlsx a column whose value is a date or
a whole number is written as an Excel date or number, so that it sorts and counts; every other
cell is text, so a CBS code or "0363" stays as written. Reading turns such a date or number
back into the same text the CSV has.

A download is written as the records are read: CSV goes out in pieces as a streaming response,
and xlsx is built with openpyxl's write-only workbook in a temporary file, so a long list is
never held in memory whole.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.http import FileResponse, HttpResponseBase, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from koepel.core.dates import Precision

CSV = "csv"
XLSX = "xlsx"
FORMATS = (CSV, XLSX)
CONTENT_TYPES = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Characters a spreadsheet reads as the start of a formula. In a CSV file a cell starting with
# one is written after an apostrophe, so opening the file never runs a formula someone typed as
# a name; reading takes the apostrophe off again. (In xlsx every cell is written as text.)
FORMULA_START = ("=", "+", "-", "@")
MAX_ROWS = 100_000


@dataclass(frozen=True)
class Column:
    """One column: its key in code, its header in the file, and how to read it from a record."""

    key: str
    header: str
    value: Callable[[Any], Any]
    required: bool = False


@dataclass(frozen=True)
class Table:
    """The columns of a list, in the order of the file, and the file's name without suffix."""

    name: str
    columns: tuple[Column, ...]

    def headers(self) -> list[str]:
        return [column.header for column in self.columns]

    def cells(self, record: Any) -> list[str]:
        return [cell_text(column.value(record)) for column in self.columns]

    def values(self, record: Any) -> list[Any]:
        """The record's values as the columns give them (a date stays a date)."""
        return [column.value(record) for column in self.columns]

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)


class TableFileError(ValueError):
    """The file cannot be read as this table at all (empty, not CSV or xlsx, wrong headers)."""


@dataclass(frozen=True)
class Row:
    """A row of a file: its number as a spreadsheet shows it (the header is row 1), and its
    cells as text by column key (an empty cell is "")."""

    number: int
    cells: dict[str, str]

    def __getitem__(self, key: str) -> str:
        return self.cells.get(key, "")


def cell_text(value: Any) -> str:
    """A value as the file writes it: dates in ISO form, nothing as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, dt.datetime):
        return _local(value).isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _local(moment: dt.datetime) -> dt.datetime:
    """A moment as the clock of the installation shows it, without a zone (as Excel keeps it)."""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.replace(tzinfo=None)


def partial_date(value: dt.date | None, precision: str) -> dt.date | str | None:
    """A date known to the day as a date (an Excel date in xlsx); one known to the month or
    the year as the text "2021-09" or "2021", as the registry's files write it."""
    if value is None or precision == Precision.DAY:
        return value
    if precision == Precision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return f"{value.year:04d}"


def label(record: Any, field_name: str) -> str:
    """The label of a field's choice in the current language, as ``get_<field>_display`` gives
    it, from a table read once per field and language: Django's own reads every choice's
    translation again for each record, which a file of ten thousand rows feels."""
    field = record._meta.get_field(field_name)
    value = getattr(record, field.attname)
    return _labels(field, translation.get_language()).get(value, "" if value is None else value)


@functools.lru_cache(maxsize=128)
def _labels(field: Any, language: str | None) -> dict[Any, str]:
    return {code: str(text) for code, text in field.flatchoices}


def names(records: Iterable[Any], attribute: str = "name") -> str:
    """The names of related records (already read) in one cell: "Bestuur, Pijler Wonen"."""
    return ", ".join(str(getattr(record, attribute)) for record in records)


# --- Writing -----------------------------------------------------------------------------------


def write(table: Table, records: Iterable[Any], file_format: str) -> bytes:
    """The records as a file of ``file_format`` (``csv`` or ``xlsx``)."""
    if file_format == XLSX:
        with _xlsx_file(table, records) as file:
            content: bytes = file.read()
            return content
    if file_format == CSV:
        return b"".join(csv_chunks(table, records))
    raise ValueError(f"unknown format {file_format!r}")


class _Line:
    """A file-like object that hands back what the CSV writer wrote to it."""

    def write(self, text: str) -> str:
        return text


def csv_chunks(table: Table, records: Iterable[Any], rows_per_chunk: int = 200) -> Iterator[bytes]:
    """The CSV file in pieces of some rows each: the mark, the header, then the records."""
    writer = csv.writer(_Line(), delimiter=";", lineterminator="\r\n")
    yield ("\ufeff" + writer.writerow(table.headers())).encode("utf-8")
    lines: list[str] = []
    for record in records:
        lines.append(writer.writerow([_defused(text) for text in table.cells(record)]))
        if len(lines) >= rows_per_chunk:
            yield "".join(lines).encode("utf-8")
            lines = []
    if lines:
        yield "".join(lines).encode("utf-8")


def _defused(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_START) else text


def _undefused(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text


def _xlsx_file(table: Table, records: Iterable[Any]) -> Any:
    """The workbook in a temporary file, at its start (the caller closes it)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=table.name[:31])
    sheet.append(table.headers())
    for record in records:
        sheet.append([_xlsx_cell(sheet, value) for value in table.values(record)])
    file = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the response, which closes it
    workbook.save(file)
    file.seek(0)
    return file


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    """A date as an Excel date and a whole number as a number; everything else as text: a CBS
    code, a partial date or "0363" stays as written, and a value that starts with "=" is never
    taken for a formula."""
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, dt.datetime):
        cell = WriteOnlyCell(sheet, value=_local(value))
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(sheet, value=dt.datetime.combine(value, dt.time()))
        cell.number_format = "yyyy-mm-dd"
        return cell
    if isinstance(value, int) and not isinstance(value, bool):
        return WriteOnlyCell(sheet, value=value)
    cell = WriteOnlyCell(sheet, value=cell_text(value))
    cell.data_type = "s"
    return cell


def download(table: Table, records: Iterable[Any], file_format: str) -> HttpResponseBase:
    """A response offering the records as a file to save, written as they are read."""
    filename = f"{table.name}.{file_format}"
    if file_format == CSV:
        response: HttpResponseBase = StreamingHttpResponse(
            csv_chunks(table, records), content_type=CONTENT_TYPES[CSV]
        )
    elif file_format == XLSX:
        response = FileResponse(_xlsx_file(table, records), content_type=CONTENT_TYPES[XLSX])
    else:
        raise ValueError(f"unknown format {file_format!r}")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Reading -----------------------------------------------------------------------------------


def read(data: bytes, table: Table) -> list[Row]:
    """The rows of a CSV or xlsx file, by the table's column keys. Raises TableFileError when
    the file is empty, is neither CSV nor xlsx, or its headers are not the table's."""
    if not data.strip(b"\xef\xbb\xbf \r\n\t"):
        raise TableFileError(_("Empty file: there is nothing in it."))
    lines = _xlsx_lines(data) if data[:4] == b"PK\x03\x04" else _csv_lines(data)
    lines = [line for line in lines if any(cell.strip() for cell in line[1])]
    if not lines:
        raise TableFileError(_("Empty file: there is nothing in it."))
    (_first, header), *body = lines
    keys = _keys(header, table)
    if len(body) > MAX_ROWS:
        raise TableFileError(
            _("The file has more than %(count)d rows; split it into smaller files.")
            % {"count": MAX_ROWS}
        )
    rows = []
    for number, cells in body:
        values = {key: (cells[i].strip() if i < len(cells) else "") for i, key in keys.items()}
        if any(cell.strip() for i, cell in enumerate(cells) if i not in keys):
            values[""] = "extra"  # a cell under no header: reported by the importer
        rows.append(Row(number=number, cells=values))
    return rows


def _keys(header: list[str], table: Table) -> dict[int, str]:
    by_header = {_fold(column.header): column.key for column in table.columns}
    keys: dict[int, str] = {}
    unknown = []
    for index, title in enumerate(header):
        if not title.strip():
            continue
        key = by_header.get(_fold(title))
        if key is None:
            unknown.append(title.strip())
        elif key in keys.values():
            raise TableFileError(_("The column “%(column)s” appears twice.") % {"column": title})
        else:
            keys[index] = key
    missing = [c.header for c in table.columns if c.required and c.key not in keys.values()]
    if unknown or missing:
        parts = []
        if unknown:
            parts.append(_("unknown columns: %(columns)s") % {"columns": ", ".join(unknown)})
        if missing:
            parts.append(_("missing columns: %(columns)s") % {"columns": ", ".join(missing)})
        raise TableFileError(
            _("The first row is not the header of this list (%(problems)s). Expected: %(headers)s.")
            % {"problems": "; ".join(parts), "headers": "; ".join(table.headers())}
        )
    return keys


def _fold(title: str) -> str:
    return " ".join(title.strip().lower().replace("_", " ").split())


def _csv_lines(data: bytes) -> list[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise TableFileError(
            _("The file is not UTF-8 text. Save it as “CSV UTF-8” or as an Excel workbook.")
        ) from error
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return [
            (number, [_undefused(cell) for cell in row])
            for number, row in enumerate(reader, start=1)
        ]
    except csv.Error as error:
        raise TableFileError(
            _("Line %(number)d cannot be read as CSV: %(error)s")
            % {"number": reader.line_num, "error": error}
        ) from error


def _xlsx_lines(data: bytes) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise TableFileError(
            _("The file is not an Excel workbook (xlsx) Koepel can read.")
        ) from error
    try:
        sheet = workbook.worksheets[0]
        return [
            (number, [cell_text(_excel_value(value)) for value in values])
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        workbook.close()


def _excel_value(value: Any) -> Any:
    """A cell someone typed in Excel: a whole number stays whole, a date without its time."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()
    return value
