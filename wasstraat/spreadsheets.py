"""Reading a table a team typed in Excel (or saved as CSV), defensively.

An .xlsx is a zip of XML: its members' sizes are checked before anything is unpacked (a zip
bomb is refused by what it claims, never by unpacking it), then openpyxl reads it in
read-only mode without evaluating anything; its XML goes through defusedxml. A formula is
never computed: its cell comes back as :class:`Formula`, which the importer refuses at its
row and column. Too many rows or columns, or a file that is not a table, is refused whole.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field

from flask_babel import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from .errors import InvalidInput

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
MAX_COLUMNS = 30
# What an .xlsx may unpack to, in all and per member, and how far one member may be packed.
MAX_UNPACKED_BYTES = 40 * 1024 * 1024
MAX_MEMBER_RATIO = 200
MAX_MEMBERS = 200


class Formula(str):
    """A cell that holds a formula (its text, never its result)."""


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (the row's number in the sheet, its cells)


def read(data: bytes, filename: str) -> Table:
    """The first sheet (or the CSV) as text cells, the first row its header; empty rows are
    left out, each row keeps its number as the spreadsheet shows it."""
    if not data:
        raise InvalidInput(_("Kies een bestand."), field="file")
    if len(data) > MAX_FILE_BYTES:
        raise InvalidInput(_("Het bestand is groter dan 2 MB."), field="file")
    name = filename.lower()
    if name.endswith(".xlsx"):
        rows = _xlsx_rows(data)
    elif name.endswith(".csv"):
        rows = _csv_rows(data)
    else:
        raise InvalidInput(_("Kies een Excel-bestand (.xlsx) of een CSV-bestand (.csv)."),
                           field="file")
    return _table(rows)


def _table(rows) -> Table:
    header: list[str] | None = None
    body: list[tuple[int, list[str]]] = []
    for number, row in enumerate(rows, start=1):
        cells = ["" if value is None else value for value in row]
        if header is None:
            header = [str(c).strip() for c in cells]
            while header and not header[-1]:
                header.pop()  # the empty cells a sheet pads a row with
            if len(header) > MAX_COLUMNS:
                raise InvalidInput(_("Het bestand heeft meer dan %(n)d kolommen.",
                                     n=MAX_COLUMNS), field="file")
            continue
        if not any(str(c).strip() for c in cells):
            if number > MAX_ROWS * 5:  # a sheet that claims a million empty rows
                break
            continue
        if len(body) >= MAX_ROWS:
            raise InvalidInput(_("Het bestand heeft meer dan %(n)d rijen. Splits het in "
                                 "delen.", n=MAX_ROWS), field="file")
        body.append((number, (cells + [""] * len(header))[:len(header)]))
    if not header or not any(header):
        raise InvalidInput(_("Het bestand heeft geen kopregel met de kolomnamen."),
                           field="file")
    return Table(header, body)


def _checked_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise InvalidInput(_("Dit is geen geldig Excel-bestand (.xlsx)."), field="file") from None
    members = archive.infolist()
    unpacked = sum(m.file_size for m in members)
    packed_too_far = any(m.file_size > 1024 * 1024
                         and m.file_size > MAX_MEMBER_RATIO * max(m.compress_size, 1)
                         for m in members)
    if len(members) > MAX_MEMBERS or unpacked > MAX_UNPACKED_BYTES or packed_too_far:
        raise InvalidInput(_("Dit Excel-bestand pakt uit tot veel meer dan een tabel van "
                             "%(n)d rijen kan zijn; het is geweigerd.", n=MAX_ROWS),
                           field="file")


def _xlsx_rows(data: bytes):
    _checked_zip(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(max_col=MAX_COLUMNS + 1):
            yield [_cell(c) for c in row]
    except (InvalidFileException, KeyError, ValueError, IndexError, zipfile.BadZipFile):
        raise InvalidInput(_("Dit Excel-bestand kan niet worden gelezen. Sla het opnieuw op "
                             "als .xlsx."), field="file") from None


def _cell(cell) -> str | None:
    value = cell.value
    if value is None:
        return None
    if getattr(cell, "data_type", None) == "f" or (isinstance(value, str)
                                                   and value.startswith("=")):
        return Formula(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10] if hasattr(value, "hour") else value.isoformat()
    return str(value)


def _csv_rows(data: bytes):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    sample = text[:4096]
    delimiter = max(";,\t", key=sample.count)
    try:
        for row in csv.reader(io.StringIO(text), delimiter=delimiter):
            yield [Formula(v) if v.startswith("=") else v for v in row[:MAX_COLUMNS + 1]]
    except csv.Error:
        raise InvalidInput(_("Dit CSV-bestand kan niet worden gelezen."), field="file") from None


# --- Judging the rows (shared by every kind of import) ---------------------------------------

@dataclass
class Row:
    """One row of the sheet: its number, its cells by field key, and what is wrong with it
    (column key, reason). A kind of import adds what it will store."""

    number: int
    values: dict[str, str]
    problems: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Preview:
    rows: list

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not any(r.problems for r in self.rows)

    @property
    def problem_count(self) -> int:
        return sum(len(r.problems) for r in self.rows)


def columns_in(header: list[str], columns: dict[str, str], required: str) -> dict[str, int]:
    """Where each known column is (by its key); an unknown column, or the required one
    missing, refuses the file."""
    known = {name.lower(): key for name, key in columns.items()}
    positions = {}
    for i, name in enumerate(header):
        key = known.get(name.strip().lower())
        if key is None:
            if name.strip():
                raise InvalidInput(_("De kolom \u201c%(name)s\u201d kent Wasstraat niet. "
                                     "Gebruik de kolommen van het sjabloon.", name=name[:60]),
                                   field="file")
            continue
        positions[key] = i
    if required not in positions:
        name = next(name for name, key in columns.items() if key == required)
        raise InvalidInput(_("De kolom \u201c%(name)s\u201d ontbreekt.", name=name),
                           field="file")
    return positions


def refuse_formulas(row: Row) -> None:
    """A formula is refused at its column and judged as empty after that, so the row's other
    columns are still judged and the column is not refused twice."""
    for key, value in row.values.items():
        if isinstance(value, Formula):
            row.problems.append((key, _("Een formule wordt niet overgenomen; typ de waarde "
                                        "zelf.")))
            row.values[key] = ""


def team_by_name(project) -> dict[str, list]:
    """The team's accounts by their name as a sheet may write it (two may share one)."""
    found: dict[str, list] = {}
    for membership in project.memberships:
        found.setdefault(membership.user.name.strip().lower(), []).append(membership.user)
    return found


def choice_value(choices, written: str) -> str:
    """A choice of a labelled enum as its form takes it: its key, from its key or its label
    (Dutch or translated) in any case; anything else as written, for the form to refuse."""
    for choice in choices:
        if written.lower() in (choice.value, choice.label.lower(), _(choice.label).lower()):
            return choice.value
    return written


def collect(row: Row, form, renamed: dict[str, str]) -> None:
    """A form's errors at their columns; a column already refused, once."""
    refused = {column for column, _reason in row.problems}
    for name, errors in form.errors.items():
        column = renamed.get(name, name)
        if name in ("version", "decision", "csrf_token") or column in refused:
            continue
        for error in errors:
            row.problems.append((column, str(error)))


def rows_of(rows: list[Row]) -> None:
    """Refuse a file without rows under its header."""
    if not rows:
        raise InvalidInput(_("Het bestand heeft geen rijen onder de kopregel."), field="file")


# --- Writing a template (xlsxwriter) ---------------------------------------------------------

# Excel keeps a list to choose from in 255 characters at most.
LIST_LIMIT = 255


def team_names(project) -> list[str] | None:
    """The team's names as a list to choose from, or None when Excel could not hold it."""
    names = sorted(m.user.name for m in project.memberships)
    return names if names and sum(len(n) + 1 for n in names) < LIST_LIMIT else None


def explain_columns(book, columns_help: dict, bold) -> None:
    """The template's second sheet: what each column takes."""
    notes = book.add_worksheet(_("Toelichting"))
    notes.set_column(0, 0, 22)
    notes.set_column(1, 1, 90)
    for row, (name, text) in enumerate(columns_help.items()):
        notes.write(row, 0, name, bold)
        notes.write(row, 1, str(text))
