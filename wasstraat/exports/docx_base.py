"""What both Word documents share: the base document (the organisation's template when one is
configured), its properties, title page, table of contents, footer and tables.

Documents are written in Dutch, the municipality's official language, whatever language the
person downloading them uses. Everything typed by users goes through :func:`clean`, so `&`,
`<` and emoji arrive as typed and control characters (which XML cannot hold) are dropped.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Sequence
from copy import deepcopy
from dataclasses import dataclass
from datetime import UTC, date, datetime
from io import BytesIO
from pathlib import Path

from babel.dates import format_date
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, RGBColor
from docx.table import Table

# XML 1.0 allows tab, newline and carriage return; no other control characters. Direction
# overrides and isolates (U+202A-202E, U+2066-2069) can make a text read other than it is.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile("\r\n?")
# A4 with the margins of a municipal letter: 16 cm of text across (portrait).
A4_SHORT, A4_LONG, MARGIN = Cm(21.0), Cm(29.7), Cm(2.5)
# Headings in a dark blue that keeps at least 4.5:1 against white (WCAG AA) when printed or
# read on screen; the default template's light blue did not (4.03:1).
HEADING_COLOUR = RGBColor(0x1F, 0x38, 0x64)
STATUSES = ("Concept", "Definitief", "Goedgekeurd")
LANGUAGE = "nl-NL"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def options() -> dict[str, object]:
    """What every document takes from the configuration (in an app context)."""
    from flask import current_app

    organisation = current_app.config["WASSTRAAT_ORGANISATION"]
    return {"organisation": organisation, "template": current_app.config["DOCX_TEMPLATE"],
            "author": organisation}


def clean(value: object) -> str:
    """Text as it may go into the document: never None, line breaks as "\n" (a browser sends
    "\r\n"), no characters XML refuses and no direction overrides; Arabic, emoji and the rest
    stay as typed."""
    if value is None:
        return ""
    return _NOT_XML.sub("", _LINE_BREAKS.sub("\n", str(value)))


def dutch_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(UTC).date()
    return format_date(value, "d MMMM y", locale="nl_NL")


def dutch_month(value: date) -> str:
    return format_date(value, "MMMM y", locale="nl_NL")


def short_month(value: date) -> str:
    """A month as a column heading: "mei 27" (one line in a narrow column)."""
    return format_date(value, "MMM yy", locale="nl_NL").replace(".", "")


def number(value: float | None) -> str:
    if value is None:
        return "–"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def euro(value: int | None) -> str:
    return "–" if value is None else "€ " + number(value)


@dataclass(frozen=True)
class TitlePage:
    kind: str  # "Verbeterplan", "Implementatieplan"
    organisation: str
    project: str
    product: str
    version: str
    status: str  # "Concept" or "Definitief"
    day: date


def new_document(template: str | None, page: TitlePage, author: str) -> DocxDocument:
    """A document on the organisation's template (or python-docx's default), on A4, with its
    properties, language, title page, table of contents, and the status and page count in the
    footer of every page (a concept says so in the header as well)."""
    own_template = bool(template and Path(template).is_file())
    document = Document(template) if own_template else Document()
    if not own_template:
        _house_style(document)
    for section in document.sections:
        _a4(section, landscape=False)
    _properties(document, page, author)
    _language(document)
    _title_page(document, page)
    _table_of_contents(document)
    _footer(document, page)
    return document


def _a4(section, *, landscape: bool) -> None:  # noqa: ANN001
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = ((A4_LONG, A4_SHORT) if landscape
                                               else (A4_SHORT, A4_LONG))
    section.left_margin = section.right_margin = MARGIN
    section.top_margin = section.bottom_margin = MARGIN


def text_width(document: DocxDocument) -> float:
    """The width of the text area of the current (last) section, in cm."""
    section = document.sections[-1]
    return (section.page_width - section.left_margin - section.right_margin) / Cm(1)


def landscape(document: DocxDocument) -> None:
    """Continue on landscape pages (a wide table); :func:`portrait` goes back."""
    _a4(document.add_section(WD_SECTION.NEW_PAGE), landscape=True)


def portrait(document: DocxDocument) -> None:
    _a4(document.add_section(WD_SECTION.NEW_PAGE), landscape=False)


def _house_style(document: DocxDocument) -> None:
    """python-docx's default template, made fit for print: readable heading colours."""
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        with contextlib.suppress(KeyError):
            document.styles[name].font.color.rgb = HEADING_COLOUR


def _properties(document: DocxDocument, page: TitlePage, author: str) -> None:
    """Title, subject, the organisation as author, and the dates of the version (not of the
    download, and not python-docx's own)."""
    props = document.core_properties
    props.title = clean(f"{page.kind} {page.project}")
    props.subject = clean(page.product)
    props.author = clean(author)
    props.last_modified_by = clean(author)
    moment = datetime(page.day.year, page.day.month, page.day.day, 12, 0)
    props.created = props.modified = moment
    props.revision = 1
    props.language = LANGUAGE
    props.keywords = "wasstraat"
    props.comments = clean(f"Versie {page.version}, status {page.status}")


def _language(document: DocxDocument) -> None:
    """Dutch as the language of the text (spelling check, screen reader pronunciation)."""
    rpr = document.styles.element.find(qn("w:docDefaults"))
    if rpr is None:
        return
    run_defaults = rpr.find(qn("w:rPrDefault"))
    target = run_defaults.find(qn("w:rPr")) if run_defaults is not None else None
    if target is None:
        return
    lang = target.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        target.append(lang)
    lang.set(qn("w:val"), LANGUAGE)
    lang.set(qn("w:eastAsia"), LANGUAGE)


def _title_page(document: DocxDocument, page: TitlePage) -> None:
    try:
        document.add_paragraph(clean(page.organisation), style="Subtitle")
    except KeyError:  # an organisation's template without that style
        document.add_paragraph(clean(page.organisation))
    document.add_heading(clean(f"{page.kind}: {page.project}"), level=0)
    for label, value in (("Product of dienst", page.product), ("Versie", page.version),
                         ("Status", page.status), ("Datum", dutch_date(page.day))):
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(clean(value))
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _field(paragraph, instruction: str, placeholder: str) -> None:  # noqa: ANN001
    """A Word field (table of contents, page number) that Word fills in."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, instruction), ("separate", None),
                       (None, None), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
            run._r.append(element)
        elif text:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
            run._r.append(element)
        else:
            placeholder_text = OxmlElement("w:t")
            placeholder_text.text = placeholder
            run._r.append(placeholder_text)


def _table_of_contents(document: DocxDocument) -> None:
    document.add_heading("Inhoud", level=1)
    _field(document.add_paragraph(), 'TOC \\o "1-2" \\h \\z \\u',
           "De inhoudsopgave wordt bijgewerkt bij het openen (of: rechtsklik, Veld bijwerken).")
    # Ask Word to refresh fields (the table of contents) when the document opens.
    settings = document.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    later = next((child for child in settings if child.tag in _AFTER_UPDATE_FIELDS), None)
    if later is not None:
        later.addprevious(update)  # the schema's order, which Word checks
    else:
        settings.append(update)
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


_AFTER_UPDATE_FIELDS = {qn(f"w:{tag}") for tag in (
    "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "mathPr",
    "attachedSchema", "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures", "forceUpgrade", "captions", "readModeInkLockDown",
    "smartTagType", "schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags",
    "decimalSymbol", "listSeparator")}


def _footer(document: DocxDocument, page: TitlePage) -> None:
    """On every page: what the document is, its version and status, and "pagina X van Y";
    a concept is marked CONCEPT at the top of every page too."""
    for section in document.sections:
        paragraph = section.footer.paragraphs[0]
        paragraph.text = ""
        paragraph.add_run(clean(f"{page.kind} {page.project} · versie {page.version} · "
                                f"{page.status.lower()} · pagina "))
        _field(paragraph, "PAGE", "1")
        paragraph.add_run(" van ")
        _field(paragraph, "NUMPAGES", "1")
        if page.status == "Concept":
            mark = section.header.paragraphs[0]
            mark.text = ""
            run = mark.add_run("CONCEPT — niet vastgesteld")
            run.bold = True
            mark.alignment = WD_ALIGN_PARAGRAPH.CENTER


def heading(document: DocxDocument, text: str, level: int) -> None:
    document.add_heading(clean(text), level=level)


def text(document: DocxDocument, value: object, *, empty: str = "") -> None:
    """A paragraph of user text; line breaks are kept."""
    value = clean(value).strip()
    if value or empty:
        paragraph = document.add_paragraph()
        run = paragraph.add_run(value or empty)
        run.italic = not value


def label_value(document: DocxDocument, pairs: Iterable[tuple[str, object]]) -> None:
    for label, value in pairs:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(clean(value))


def table(document: DocxDocument, caption: str, headers: Sequence[str],
          rows: Iterable[Sequence[object]], widths_cm: Sequence[float]) -> Table:
    """A table with a header row that repeats on every page and is marked as the header,
    fixed column widths, and a caption for assistive technology."""
    result = document.add_table(rows=1, cols=len(headers))
    with contextlib.suppress(KeyError):  # a template without the built-in table style
        result.style = "Table Grid"
    result.autofit = False
    available = text_width(document)
    if sum(widths_cm) > available:  # never past the margin: the columns keep their proportion
        widths_cm = [w * available / sum(widths_cm) for w in widths_cm]
    _caption(result, caption)
    header = result.rows[0]
    trpr = header._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    trpr.append(repeat)
    for cell, title in zip(header.cells, headers, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(title).bold = True
    for column, width in zip(result.columns, widths_cm, strict=True):
        column.width = Cm(width)
    for cell, width in zip(header.cells, widths_cm, strict=True):
        cell.width = Cm(width)
    _add_rows(result, rows)
    document.add_paragraph()
    return result


def _add_rows(result: Table, rows: Iterable[Sequence[object]]) -> None:
    """Append the rows as copies of one empty row, filled through lxml: the same XML
    python-docx writes, without its per-cell bookkeeping (which makes long tables slow)."""
    template = result.add_row()._tr
    result._tbl.remove(template)
    template.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # a row stays on one page
    for values in rows:
        row = deepcopy(template)
        cells = list(row.iterchildren(qn("w:tc")))
        for cell, value in zip(cells, values, strict=True):
            paragraph = cell.find(qn("w:p"))
            run = OxmlElement("w:r")
            for number_, line in enumerate(clean(value).split("\n")):
                if number_:
                    run.append(OxmlElement("w:br"))
                element = OxmlElement("w:t")
                element.set(qn("xml:space"), "preserve")
                element.text = line
                run.append(element)
            paragraph.append(run)
        result._tbl.append(row)


def _caption(result: Table, caption: str) -> None:
    tblpr = result._tbl.tblPr
    for tag in ("w:tblCaption", "w:tblDescription"):
        element = OxmlElement(tag)
        element.set(qn("w:val"), clean(caption))
        tblpr.append(element)


def to_bytes(document: DocxDocument) -> bytes:
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def slug(value: str) -> str:
    """A file-name part: lower case letters, digits and dashes only."""
    value = re.sub(r"[^a-z0-9]+", "-", clean(value).lower()).strip("-")
    return value[:60] or "traject"
