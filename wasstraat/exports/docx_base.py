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
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm
from docx.table import Table

# XML 1.0 allows tab, newline and carriage return; no other control characters.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
LANGUAGE = "nl-NL"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def options() -> dict[str, object]:
    """What every document takes from the configuration (in an app context)."""
    from flask import current_app

    organisation = current_app.config["WASSTRAAT_ORGANISATION"]
    return {"organisation": organisation, "template": current_app.config["DOCX_TEMPLATE"],
            "author": organisation}


def clean(value: object) -> str:
    """Text as it may go into the document: never None, no characters XML refuses."""
    if value is None:
        return ""
    return _NOT_XML.sub("", str(value))


def dutch_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(UTC).date()
    return format_date(value, "d MMMM y", locale="nl_NL")


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
    """A document on the organisation's template (or python-docx's default), with its
    properties, language, title page, table of contents and footer."""
    document = Document(template) if template and Path(template).is_file() else Document()
    _properties(document, page, author)
    _language(document)
    _title_page(document, page)
    _table_of_contents(document)
    _footer(document, f"{page.kind} {page.project}")
    return document


def _properties(document: DocxDocument, page: TitlePage, author: str) -> None:
    props = document.core_properties
    props.title = clean(f"{page.kind} {page.project}")
    props.subject = clean(page.product)
    props.author = clean(author)
    props.last_modified_by = clean(author)
    props.created = datetime.now(UTC).replace(tzinfo=None)
    props.language = LANGUAGE
    props.keywords = "wasstraat"


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


def _footer(document: DocxDocument, title: str) -> None:
    for section in document.sections:
        paragraph = section.footer.paragraphs[0]
        paragraph.text = ""
        paragraph.add_run(clean(title) + " · pagina ")
        _field(paragraph, "PAGE", "1")


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
    _caption(result, caption)
    header = result.rows[0]
    trpr = header._tr.get_or_add_trPr()
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
