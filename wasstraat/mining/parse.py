"""Reading event logs as a stream of events, never the whole file at once.

CSV: the person maps the columns (case, activity, timestamp; optionally an end time and a
resource); the separator is detected, dates may be ISO 8601 (with or without an offset) or
Dutch (31-12-2026 14:05, 31/12/2026); times without an offset are in the organisation's zone.
XES (IEEE 1849): read with defusedxml, which refuses DTDs and entities (no entity expansion, no
external entities). A malformed file stops at its first bad line with the reason; what was
read of it is thrown away by the caller.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

MAX_ROWS = 2_000_000
MAX_FIELD = 10_000  # characters in one field (a CSV field, an XES value)
MAX_NAME = 200  # characters in an activity's name: it stands in tables, graphs and variants
SAMPLE_BYTES = 64 * 1024
DUTCH = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
csv.field_size_limit(MAX_FIELD)  # for every CSV this process reads: no field is this long


class LogError(ValueError):
    """The file cannot be read as an event log; ``line`` says where (1 is the first line)."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason, self.line = reason, line

    def __str__(self) -> str:
        if self.line is None:
            return self.reason
        return _("Regel %(line)d: %(reason)s", line=self.line, reason=self.reason)


@dataclass(frozen=True)
class Event:
    case: str
    activity: str
    start: float  # seconds since 1970, UTC
    end: float | None = None
    resource: str | None = None
    # The values of the attribute columns the team kept (channel, team, zaaktype), in order.
    attributes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mapping:
    case: str
    activity: str
    timestamp: str
    end: str = ""
    resource: str = ""
    attributes: tuple[str, ...] = ()  # columns kept per case, to filter on


def parse_moment(value: str, zone: ZoneInfo) -> float:
    """A timestamp as seconds since 1970 (UTC); ValueError when it is none of the formats."""
    value = value.strip()
    match = DUTCH.match(value)
    if match:
        day, month, year, hour, minute, second = match.groups()
        moment = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0),
                          int(second or 0))
    else:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC).timestamp()


def _text(stream: IO[bytes], encoding: str) -> IO[str]:
    if encoding == "utf-8":
        encoding = "utf-8-sig"  # Excel writes a byte-order mark
    return io.TextIOWrapper(stream, encoding=encoding, errors="strict", newline="")


_CHUNK = 1 << 20


def detect_encoding(data: bytes) -> str:
    """UTF-8 when the whole file is, else Windows-1252 (Excel's "CSV" on Dutch Windows); a
    file that is neither is refused at the line of its first byte that fits neither."""
    if b"\x00" in data[:SAMPLE_BYTES]:
        raise LogError(_("Het bestand bevat NUL-tekens: het is geen tekstbestand in UTF-8 of "
                         "Windows-1252 (misschien UTF-16). Sla het op als CSV in UTF-8."))
    if _decodes(data, "utf-8") is None:
        return "utf-8"
    wrong = _decodes(data, "cp1252")
    if wrong is None:
        return "cp1252"
    raise LogError(_("Het bestand is niet in UTF-8 of Windows-1252 opgeslagen. Sla het op als "
                     "CSV in UTF-8."), data.count(b"\n", 0, wrong) + 1)


def _decodes(data: bytes, encoding: str) -> int | None:
    """None when all of ``data`` decodes, else the offset of the first byte that does not;
    a chunk at a time, so a large file is never a second time in memory as text."""
    decoder = codecs.getincrementaldecoder(encoding)()
    for offset in range(0, max(len(data), 1), _CHUNK):
        chunk = data[offset:offset + _CHUNK]
        try:
            decoder.decode(chunk, final=offset + _CHUNK >= len(data))
        except UnicodeDecodeError as error:  # (only a single-byte code's offset is exact)
            return offset + error.start
    return None


def sniff(head: bytes, encoding: str | None = None) -> tuple[str, str, list[str],
                                                             list[list[str]]]:
    """The encoding (given, from the whole file, or else from this beginning), separator,
    column names and first rows of a CSV file's beginning."""
    encoding = encoding or detect_encoding(head[: head.rfind(b"\n") + 1] or head)
    text = head.decode(encoding, errors="ignore").lstrip("\ufeff")
    sample = text[: text.rfind("\n") + 1] or text
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=";,\t|").delimiter
    except csv.Error:
        delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    reader = csv.reader(io.StringIO(sample), delimiter=delimiter, strict=True)
    try:
        rows = list(reader)
    except csv.Error as error:
        raise LogError(_("Geen geldige CSV: een veld is langer dan %(max)d tekens of een "
                         "aanhalingsteken sluit niet.", max=MAX_FIELD), reader.line_num) from error
    if not rows or len(rows[0]) < 3:
        raise LogError(_("Geen kolommen gevonden: een eventlog heeft ten minste kolommen "
                         "voor zaak, activiteit en tijdstip, met een kopregel."), 1)
    header = [name.strip() for name in rows[0]]
    if len(set(header)) != len(header) or not all(header):
        raise LogError(_("De kopregel heeft lege of dubbele kolomnamen."), 1)
    return encoding, delimiter, header, rows[1:6]


def read_csv(stream: IO[bytes], mapping: Mapping, *, encoding: str, delimiter: str,
             zone: ZoneInfo) -> Iterator[Event]:
    reader = csv.reader(_text(stream, encoding), delimiter=delimiter, strict=True)
    line = 1
    try:
        header = [name.strip() for name in next(reader)]
        columns = {}
        for role in ("case", "activity", "timestamp", "end", "resource"):
            name = getattr(mapping, role)
            if not name:
                continue
            if name not in header:
                raise LogError(_("De kolom \"%(name)s\" staat niet in de kopregel.", name=name),
                               1)
            columns[role] = header.index(name)
        missing = [name for name in mapping.attributes if name not in header]
        if missing:
            raise LogError(_("De kolom \"%(name)s\" staat niet in de kopregel.",
                             name=missing[0]), 1)
        kept = [header.index(name) for name in mapping.attributes]
        width = len(header)
        for line, row in enumerate(reader, start=2):
            if not row:
                continue
            if len(row) != width:
                raise LogError(_("%(found)d kolommen, de kopregel heeft er %(expected)d.",
                                 found=len(row), expected=width), line)
            if line - 1 > MAX_ROWS:
                raise LogError(_("Meer dan %(max)d regels: splits het bestand of kies een "
                                 "kortere periode.", max=MAX_ROWS), line)
            yield _event(row, columns, zone, line, kept)
    except csv.Error as error:
        raise LogError(_("Geen geldige CSV: een veld is langer dan %(max)d tekens of een "
                         "aanhalingsteken sluit niet.", max=MAX_FIELD), line + 1) from error
    except UnicodeDecodeError as error:
        raise LogError(_("Het bestand is niet in de gekozen tekenset (%(encoding)s) "
                         "opgeslagen.", encoding=encoding), line + 1) from error


def _event(row: list[str], columns: dict[str, int], zone: ZoneInfo, line: int,
           kept: list[int]) -> Event:
    case, activity = row[columns["case"]].strip(), row[columns["activity"]].strip()
    if not case or not activity:
        raise LogError(_("Zaak of activiteit is leeg."), line)
    if len(activity) > MAX_NAME:
        raise LogError(_("De naam van een activiteit is langer dan %(max)d tekens.",
                         max=MAX_NAME), line)
    try:
        start = parse_moment(row[columns["timestamp"]], zone)
        end_text = row[columns["end"]].strip() if "end" in columns else ""
        end = parse_moment(end_text, zone) if end_text else None
    except (ValueError, OverflowError) as error:
        raise LogError(_("Onbekend tijdstip; gebruik 2026-03-31 14:05, 2026-03-31T14:05:00+02:00 "
                         "of 31-03-2026 14:05."), line) from error
    if end is not None and end < start:
        raise LogError(_("De eindtijd ligt vóór de begintijd."), line)
    resource = row[columns["resource"]].strip() or None if "resource" in columns else None
    return Event(case, activity, start, end, resource,
                 tuple(row[i].strip()[:MAX_NAME] for i in kept))


# --- XES -----------------------------------------------------------------------------------

XES_NAME, XES_TIME, XES_RESOURCE, XES_TRANSITION = (
    "concept:name", "time:timestamp", "org:resource", "lifecycle:transition")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def read_xes(stream: IO[bytes], zone: ZoneInfo) -> Iterator[Event]:
    """Events of an XES log; a ``start`` and ``complete`` pair of one activity become one event
    with an end time, other transitions count as complete."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, iterparse

    case, count, opened, in_event = "", 0, {}, False
    try:
        for action, element in iterparse(stream, events=("start", "end"),
                                         forbid_dtd=True, forbid_entities=True,
                                         forbid_external=True):
            tag = _local(element.tag)
            if action == "start":
                in_event = in_event or tag == "event"
                if tag == "trace":
                    case = ""
                continue
            if tag == "event":
                in_event = False
                count += 1
                if count > MAX_ROWS:
                    raise LogError(_("Meer dan %(max)d gebeurtenissen.", max=MAX_ROWS))
                event = _xes_event(element, case, zone, count, opened)
                if event is not None:
                    yield event
                element.clear()
            elif tag == "trace":
                for name, when in opened.values():
                    yield Event(case, name, when)  # started, never completed
                opened.clear()
                case = ""
                element.clear()
            elif (tag == "string" and not in_event and element.get("key") == XES_NAME):
                case = element.get("value", "")  # the trace's name: its case id
                if len(case) > MAX_FIELD:
                    raise LogError(_("Een waarde is langer dan %(max)d tekens.", max=MAX_FIELD))
    except DefusedXmlException as error:
        raise _forbidden(stream, error) from error
    except ParseError as error:
        raise LogError(_("Geen geldige XES (XML): %(reason)s", reason=_xml_reason(error)),
                       getattr(error, "position", (None, None))[0]) from error


def _forbidden(stream: IO[bytes], error: Exception) -> LogError:
    """A DTD or entity, refused before it is read, in words and at its line."""
    marker, reason = ((b"<!ENTITY", _("het bestand definieert entiteiten (<!ENTITY>)"))
                      if "Entit" in type(error).__name__ else
                      (b"<!DOCTYPE", _("het bestand heeft een DTD (<!DOCTYPE>)")))
    stream.seek(0)
    head = stream.read(SAMPLE_BYTES)
    found = head.find(marker)
    return LogError(_("Geen geldige XES (XML): %(reason)s. Die worden om veiligheidsredenen "
                      "niet gelezen; een XES-export heeft ze niet nodig. Verwijder ze en "
                      "importeer het bestand opnieuw.", reason=reason),
                    head.count(b"\n", 0, found) + 1 if found >= 0 else None)


def _xml_reason(error: Exception) -> str:
    """Expat's reason in Dutch, for the errors a hand-edited or cut-off file has."""
    reasons = {
        "no element found": _("het bestand houdt op voordat alle elementen zijn gesloten"),
        "not well-formed (invalid token)": _("een teken dat in XML niet mag"),
        "mismatched tag": _("een element wordt gesloten met een andere naam dan het opende"),
        "unclosed token": _("een element of waarde wordt niet gesloten"),
        "junk after document element": _("er staat nog iets na het laatste element"),
        "syntax error": _("het begin is geen XML"),
        "undefined entity": _("een onbekende entiteit (&…;)"),
        "unbound prefix": _("een onbekende namespace-prefix"),
        "duplicate attribute": _("een attribuut staat twee keer in één element"),
    }
    text = str(error).split(":")[0]
    return reasons.get(text, _("onleesbaar (%(detail)s)", detail=text))


def _attributes(element) -> dict[str, str]:
    values = {child.get("key", ""): child.get("value", "") for child in element
              if _local(child.tag) in ("string", "date", "int", "float", "boolean", "id")}
    if any(len(value) > MAX_FIELD for value in values.values()):
        raise LogError(_("Een waarde is langer dan %(max)d tekens.", max=MAX_FIELD))
    return values


def _xes_event(element, case: str, zone: ZoneInfo, count: int,
               opened: dict) -> Event | None:
    values = _attributes(element)
    if not case:
        raise LogError(_("Gebeurtenis %(n)d hoort bij geen zaak (trace zonder naam).", n=count))
    name, moment = values.get(XES_NAME, "").strip(), values.get(XES_TIME, "")
    if not name or not moment:
        raise LogError(_("Gebeurtenis %(n)d heeft geen naam of tijdstip.", n=count))
    if len(name) > MAX_NAME:
        raise LogError(_("Gebeurtenis %(n)d: de naam van de activiteit is langer dan %(max)d "
                         "tekens.", n=count, max=MAX_NAME))
    try:
        when = parse_moment(moment, zone)
    except (ValueError, OverflowError) as error:
        raise LogError(_("Gebeurtenis %(n)d: onbekend tijdstip.", n=count)) from error
    resource = values.get(XES_RESOURCE) or None
    transition = values.get(XES_TRANSITION, "complete").lower()
    if transition == "start":
        opened[name] = (name, when)
        return None
    started = opened.pop(name, None)
    if started is not None:
        if when < started[1]:
            raise LogError(_("Gebeurtenis %(n)d eindigt vóór zijn begin.", n=count))
        return Event(case, name, started[1], when, resource)
    return Event(case, name, when, None, resource)
