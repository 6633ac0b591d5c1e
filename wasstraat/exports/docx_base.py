"""What both Word documents share: the base document (the shipped house style, or the
organisation's own template), its properties, cover, table of contents, footer, tables and
figures.

Documents are written in Dutch, the municipality's official language, whatever language the
person downloading them uses. Everything typed by users goes through :func:`clean`, so `&`,
`<` and emoji arrive as typed and control characters (which XML cannot hold) are dropped.
Spacing comes from the styles (see house_style.py); the exports add no empty paragraphs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from copy import deepcopy
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO
from pathlib import Path

from babel.dates import format_date
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Cm
from docx.table import Table

from .. import clock
from . import house_style

# XML 1.0 allows tab, newline and carriage return; no other control characters. Direction
# overrides and isolates (U+202A-202E, U+2066-2069) can make a text read other than it is.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile("\r\n?")
STATUSES = ("Concept", "Definitief", "Goedgekeurd")
LANGUAGE = "nl-NL"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TOC_LEVELS = 2  # headings 1 and 2 are listed in the table of contents


def options() -> dict[str, object]:
    """What every document takes from the configuration (in an app context)."""
    from flask import current_app

    organisation = current_app.config["WASSTRAAT_ORGANISATION"]
    return {"organisation": organisation, "template": current_app.config["DOCX_TEMPLATE"],
            "author": organisation, "addressee": current_app.config["PLAN_ADDRESSEE"]}


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
        value = clock.local_date(value)
    return format_date(value, "d MMMM y", locale="nl_NL")


def dutch_moment(value: datetime) -> str:
    """A stored moment in the organisation's time: "5 december 2026, 08:12"."""
    local = value.astimezone(clock.organisation_zone())
    return f"{format_date(local.date(), 'd MMMM y', locale='nl_NL')}, {local:%H:%M}"


def dutch_month(value: date) -> str:
    return format_date(value, "MMMM y", locale="nl_NL")


def short_month(value: date) -> str:
    """A month as a column heading or an axis label: "mei 2026" ("mei 26" read as a date)."""
    return format_date(value, "MMM yyyy", locale="nl_NL").replace(".", "")


def number(value: float | None) -> str:
    if value is None:
        return "–"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def counted(value: float, one: str, many: str) -> str:
    """A number with its unit in the singular where there is one ("1 werkdag", "2,5 dagen")."""
    return f"{number(value)} {one if value == 1 else many}"


def euro(value: int | None) -> str:
    """An amount with a no-break space after the sign: it never breaks across lines."""
    return "–" if value is None else "€\u00a0" + number(value)


@dataclass(frozen=True)
class TitlePage:
    kind: str  # "Verbeterplan", "Implementatieplan"
    organisation: str
    project: str
    product: str
    version: str
    status: str  # one of STATUSES
    day: date
    # Further lines of the cover (addressee, process owner, reference, ...), in order.
    details: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Lead:
    """A table cell that opens with a bold line (a title) followed by plain text."""

    title: str
    text: str = ""


def new_document(template: str | None, page: TitlePage, author: str) -> DocxDocument:
    """A document on the organisation's template or the shipped house style, with its
    properties, language, cover, table of contents, and the status and page count in the
    footer of every page (a concept says so in the header as well)."""
    own_template = bool(template and Path(template).is_file())
    document = Document(template if own_template else str(house_style.REFERENCE))
    _empty_body(document)
    if own_template:
        house_style.complete_styles(document)
    document.toc_entries = []  # (level, text, bookmark), filled by heading()
    document.counters = {"Tabel": 0, "Figuur": 0}
    document.heading_numbers = [0, 0, 0]
    _properties(document, page, author)
    _language(document)
    _cover(document, page)
    _table_of_contents(document)
    _footer(document, page)
    return document


def new_sheet(template: str | None, page: TitlePage, author: str, *,
              size_cm: tuple[float, float], margin_cm: float) -> DocxDocument:
    """A one-sheet document (the A3): the house style, properties, language and footer of
    :func:`new_document`, on a page of its own size, without a cover or contents."""
    own_template = bool(template and Path(template).is_file())
    document = Document(template if own_template else str(house_style.REFERENCE))
    _empty_body(document)
    if own_template:
        house_style.complete_styles(document)
    document.toc_entries, document.toc_anchor = [], None
    document.counters = {"Tabel": 0, "Figuur": 0}
    document.heading_numbers = [0, 0, 0]
    section = document.sections[0]
    width, height = sorted(size_cm, reverse=True)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(width), Cm(height)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(margin_cm))
    section.header_distance = section.footer_distance = Cm(margin_cm / 2)
    _properties(document, page, author)
    _language(document)
    _footer(document, page)
    return document


def columns(document: DocxDocument, count: int, gap_cm: float) -> None:
    """What follows runs in ``count`` columns (what came before keeps the full width)."""
    section = document.add_section(WD_SECTION.CONTINUOUS)
    cols = section._sectPr.find(qn("w:cols"))
    if cols is None:
        cols = OxmlElement("w:cols")
        section._sectPr.append(cols)
    cols.set(qn("w:num"), str(count))
    cols.set(qn("w:space"), str(int(Cm(gap_cm).twips)))


def column_break(paragraph) -> None:
    """``paragraph`` starts at the top of the next column."""
    run = OxmlElement("w:r")
    brk = OxmlElement("w:br")
    brk.set(qn("w:type"), "column")
    run.append(brk)
    properties = paragraph._p.find(qn("w:pPr"))
    if properties is not None:
        properties.addnext(run)
    else:
        paragraph._p.insert(0, run)


def shade(cell, colour: str) -> None:
    """A cell's fill (a hex colour); the cell's words say the same (never colour alone)."""
    fill = OxmlElement("w:shd")
    for attribute, value in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", colour)):
        fill.set(qn(attribute), value)
    cell._tc.get_or_add_tcPr().append(fill)


def _empty_body(document: DocxDocument) -> None:
    """A template's example text goes; its section (page size, margins, header) stays."""
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def _orient(section, *, landscape: bool, like) -> None:
    """The page of ``like`` (the first section), turned when ``landscape``."""
    short, long = sorted((like.page_width, like.page_height))
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long, short) if landscape else (short, long)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin",
                 "header_distance", "footer_distance"):
        setattr(section, side, getattr(like, side))


def text_width(document: DocxDocument) -> float:
    """The width of the text area of the current (last) section, in cm."""
    section = document.sections[-1]
    return (section.page_width - section.left_margin - section.right_margin) / Cm(1)


def landscape(document: DocxDocument) -> None:
    """Continue on landscape pages (a wide table or figure); :func:`portrait` goes back."""
    _orient(document.add_section(WD_SECTION.NEW_PAGE), landscape=True,
            like=document.sections[0])


def portrait(document: DocxDocument) -> None:
    _orient(document.add_section(WD_SECTION.NEW_PAGE), landscape=False,
            like=document.sections[0])


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
    props.category = clean(page.kind)


def _language(document: DocxDocument) -> None:
    """Dutch as the language of the text (spelling check, screen reader pronunciation)."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is None:
        return
    run_defaults = defaults.find(qn("w:rPrDefault"))
    target = run_defaults.find(qn("w:rPr")) if run_defaults is not None else None
    if target is None:
        return
    lang = target.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        target.append(lang)
    lang.set(qn("w:val"), LANGUAGE)
    lang.set(qn("w:eastAsia"), LANGUAGE)


def _cover(document: DocxDocument, page: TitlePage) -> None:
    document.add_paragraph(clean(page.organisation), style="Subtitle")
    document.add_paragraph(clean(f"{page.kind}: {page.project}"), style="Title")
    details = (("Product of dienst", page.product), *page.details,
               ("Versie", page.version), ("Status", page.status),
               ("Datum", dutch_date(page.day)))
    label_value(document, details)


def _field(paragraph, instruction: str, placeholder: str) -> None:
    """A Word field (page number, page reference) that Word and LibreOffice fill in."""
    for kind, text in (("begin", None), (None, instruction), ("separate", None),
                       (None, None), ("end", None)):
        run = paragraph.add_run()._r
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        else:
            element = OxmlElement("w:t")
            element.text = placeholder
        run.append(element)


def _table_of_contents(document: DocxDocument) -> None:
    """The heading and its place; :func:`to_bytes` fills it once all headings are known."""
    contents = document.add_paragraph("Inhoud", style="TOC Heading")
    contents.paragraph_format.page_break_before = True
    document.toc_anchor = contents._p
    # Ask Word to refresh fields (the page references) when the document opens.
    settings = document.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    later = next((child for child in settings if child.tag in _AFTER_UPDATE_FIELDS), None)
    if later is not None:
        later.addprevious(update)  # the schema's order, which Word checks
    else:
        settings.append(update)


_AFTER_UPDATE_FIELDS = {qn(f"w:{tag}") for tag in (
    "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "mathPr",
    "attachedSchema", "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures", "forceUpgrade", "captions", "readModeInkLockDown",
    "smartTagType", "schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags",
    "decimalSymbol", "listSeparator")}


def _fill_table_of_contents(document: DocxDocument) -> None:
    """One line per heading: its text, a link to it and a page reference. A page reference
    (PAGEREF) is computed by Word and by LibreOffice alike, so the contents are filled in the
    PDF as well as in Word (a TOC field would stay empty in a converted PDF)."""
    anchor = document.toc_anchor
    if anchor is None:  # a sheet without contents
        return
    for level, title, bookmark in reversed(document.toc_entries):
        paragraph = document.add_paragraph(style=f"TOC {level}")
        link = OxmlElement("w:hyperlink")
        link.set(qn("w:anchor"), bookmark)
        link.set(qn("w:history"), "1")
        number_, _tab, words = title.rpartition("\t")
        for element in ((_run(number_), _tab_run()) if number_ else ()) + (
                _run(words), _tab_run()):
            link.append(element)
        paragraph._p.append(link)
        _field(paragraph, f" PAGEREF {bookmark} \\h ", "")
        anchor.addnext(paragraph._p)
    document.toc_entries = []


def _tab_run():
    run = OxmlElement("w:r")
    run.append(OxmlElement("w:tab"))
    return run


def _footer(document: DocxDocument, page: TitlePage) -> None:
    """On every page: what the document is, its version and status, and "pagina X van Y";
    a concept is marked CONCEPT at the top of every page too. An organisation's own footer
    (address, logo) keeps its content; the line is added below it."""
    section = document.sections[0]
    footer = section.footer
    paragraph = footer.paragraphs[0]
    if "".join(p.text for p in footer.paragraphs).strip():
        paragraph = footer.add_paragraph(style="Footer")
    paragraph.add_run(clean(f"{page.kind} {page.project} · versie {page.version} · "
                            f"{page.status.lower()} · pagina "))
    _field(paragraph, "PAGE", "1")
    paragraph.add_run(" van ")
    _field(paragraph, "NUMPAGES", "1")
    if page.status == "Concept":
        header = section.header
        mark = header.paragraphs[0]
        if "".join(p.text for p in header.paragraphs).strip():
            mark = header.add_paragraph(style="Header")
        run = mark.add_run("CONCEPT — niet vastgesteld")
        run.bold = True
        mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
        mark._p.append(parse_xml(WATERMARK))


# "CONCEPT" diagonally across every page of a draft, as Word's own watermark writes it (a VML
# text path in the header, behind the text); the header line says the same in words.
WATERMARK = (
    '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">'
    '<w:pict><v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" '
    'path="m@7,l@8,m@5,21600l@6,21600e"><v:formulas><v:f eqn="sum #0 0 10800"/>'
    '<v:f eqn="prod #0 2 1"/><v:f eqn="sum 21600 0 @1"/><v:f eqn="sum 0 0 @2"/>'
    '<v:f eqn="sum 21600 0 @3"/><v:f eqn="if @0 @3 0"/><v:f eqn="if @0 21600 @1"/>'
    '<v:f eqn="if @0 0 @2"/><v:f eqn="if @0 @4 21600"/><v:f eqn="mid @5 @6"/>'
    '<v:f eqn="mid @8 @5"/><v:f eqn="mid @7 @8"/><v:f eqn="mid @6 @7"/>'
    '<v:f eqn="sum @6 0 @5"/></v:formulas><v:path textpathok="t" o:connecttype="custom" '
    'o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800" o:connectangles="270,180,90,0"/>'
    '<v:textpath on="t" fitshape="t"/><o:lock v:ext="edit" text="t" shapetype="t"/>'
    '</v:shapetype><v:shape id="WasstraatConceptWatermark" o:spid="_x0000_s2049" '
    'type="#_x0000_t136" style="position:absolute;margin-left:0;margin-top:0;width:440pt;'
    'height:110pt;rotation:315;z-index:-251657216;mso-position-horizontal:center;'
    'mso-position-horizontal-relative:margin;mso-position-vertical:center;'
    'mso-position-vertical-relative:margin" o:allowincell="f" fillcolor="#d9d9d9" '
    'stroked="f"><v:fill opacity=".5"/><v:textpath style="font-family:&quot;Arial&quot;;'
    'font-size:1pt" string="CONCEPT"/></v:shape></w:pict></w:r>')


def heading(document: DocxDocument, text: str, level: int, *, new_page: bool = False,
            numbered: bool = True):
    """A numbered heading (1, 1.1, 1.1.1 by the style); levels 1 and 2 are in the contents.
    Returns its paragraph."""
    paragraph = document.add_heading(level=level)
    paragraph.paragraph_format.page_break_before = new_page or None
    if not numbered:
        paragraph._p.get_or_add_pPr().insert(0, house_style.no_numbering())
    title = clean(text)
    label = _number_heading(document, level) if numbered else ""
    if level <= TOC_LEVELS:
        mark = len(document.toc_entries) + 1
        bookmark = f"_Toc{mark:04d}"
        start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
        start.set(qn("w:id"), str(mark))
        start.set(qn("w:name"), bookmark)
        end.set(qn("w:id"), str(mark))
        paragraph._p.append(start)
        paragraph.add_run(title)
        paragraph._p.append(end)
        document.toc_entries.append((level, f"{label}\t{title}" if label else title,
                                     bookmark))
    else:
        paragraph.add_run(title)
    return paragraph


def _number_heading(document: DocxDocument, level: int) -> str:
    """The number the heading style gives this heading (1, 1.2, 1.2.3), for the contents."""
    numbers = document.heading_numbers
    numbers[level - 1] += 1
    for deeper in range(level, len(numbers)):
        numbers[deeper] = 0
    return ".".join(str(n) for n in numbers[:level])


def text(document: DocxDocument, value: object, *, empty: str = "") -> None:
    """User text: a blank line starts a new paragraph, a single line break stays a break.
    Nothing when there is no text and no ``empty`` wording (never an empty paragraph)."""
    value = clean(value).strip()
    if not (value or empty):
        return
    for block in re.split(r"\n\s*\n", value) if value else [empty]:
        _lines(document.add_paragraph(), block.strip(), italic=not value)


def _lines(paragraph, value: str, *, italic: bool = False) -> None:
    """The lines of ``value`` in one paragraph, a break between each (a run's text set after
    its break would replace the break)."""
    for number_, line in enumerate(value.split("\n")):
        if number_:
            paragraph.add_run().add_break()
        run = paragraph.add_run(line)
        run.italic = italic or None


def bullets(document: DocxDocument, items: Iterable[object]) -> None:
    for item in items:
        _lines(document.add_paragraph(style="List Bullet"), clean(item).strip())


def label_value(document: DocxDocument, pairs: Iterable[tuple[str, object]]) -> None:
    for label, value in pairs:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        _lines(paragraph, clean(value))


def caption(document: DocxDocument, kind: str, title: str) -> str:
    """A numbered caption ("Tabel 3. ...") above a table or below a figure."""
    document.counters[kind] += 1
    said = f"{kind} {document.counters[kind]}. {clean(title)}"
    document.add_paragraph(said, style="Caption")
    return said


def table(document: DocxDocument, title: str, headers: Sequence[str],
          rows: Iterable[Sequence[object]], widths_cm: Sequence[float]) -> Table:
    """A table with a numbered caption, a header row that repeats on every page and is marked
    as the header, rows that do not split across pages, and fixed column widths that never run
    past the margin."""
    said = caption(document, "Tabel", title)
    result = document.add_table(rows=1, cols=len(headers))
    result.style = "Table Grid"
    result.autofit = False
    available = text_width(document)
    if sum(widths_cm) > available:  # never past the margin: the columns keep their proportion
        widths_cm = [w * available / sum(widths_cm) for w in widths_cm]
    rows = list(rows)
    widths_cm = fitted_widths(widths_cm, [headers, *rows], available)
    _describe(result, said)
    header = result.rows[0]
    trpr = header._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    trpr.append(repeat)
    for cell, heading_text in zip(header.cells, headers, strict=True):
        paragraph = cell.paragraphs[0]
        paragraph.style = "Table Text"
        paragraph.add_run(heading_text).bold = True
        shade(cell, house_style.HEADER_FILL)
    for column, width in zip(result.columns, widths_cm, strict=True):
        column.width = Cm(width)
    for cell, width in zip(header.cells, widths_cm, strict=True):
        cell.width = Cm(width)
    _add_rows(result, rows)
    return result


# In a table, an improvement's number and an amount (its space a no-break space, see euro)
# never break across lines; other words (a heading, a source's name) break only when the
# identifiers leave no room. A runaway word (a pasted URL) may take a third of the width.
_IDENTIFIER = re.compile(r"V\d+|€\u00a0[\d.,]+|\d[\d.,]*%?")
_WORD = re.compile(r"[^ \t\n]+")
_CM_PER_CHARACTER = 0.22  # 9 pt table text in the fonts LibreOffice and Word use, bold too
_CELL_PADDING_CM = 0.45  # the cell's margins, left and right


def _longest(column: Sequence[object], pattern: re.Pattern) -> float:
    longest = max((len(w) for cell in column for w in pattern.findall(str(cell))), default=0)
    return _CELL_PADDING_CM + _CM_PER_CHARACTER * longest if longest else 0.0


def _give(widths: list[float], floors: Sequence[float], excess: float) -> list[float]:
    """Take ``excess`` from what the columns hold above their floors, in proportion."""
    spare = [max(0.0, w - f) for w, f in zip(widths, floors, strict=True)]
    if excess <= 0 or sum(spare) <= 0:
        return widths
    share = min(1.0, excess / sum(spare))
    return [w - s * share for w, s in zip(widths, spare, strict=True)]


def fitted_widths(widths_cm: Sequence[float], rows: Sequence[Sequence[object]],
                  available: float) -> list[float]:
    """The columns as given, each widened to hold its longest word whole. When that runs past
    ``available``, the room comes first from the other columns' width beyond three quarters
    of it and their longest word, then from the words, never from the identifiers."""
    columns = list(zip(*rows, strict=True))
    must = [min(available / 3, _longest(c, _IDENTIFIER)) for c in columns]
    # A runaway word (a pasted URL, a row of x-es) breaks anyway: it asks for no room.
    words = [w if w <= available / 3 else 0.0 for w in (_longest(c, _WORD) for c in columns)]
    wish = [max(m, w) for m, w in zip(must, words, strict=True)]
    widths = [max(w, x) for w, x in zip(widths_cm, wish, strict=True)]
    # Prose needs more than its longest word: a column keeps three quarters of its width
    # before it gives room for whole words elsewhere; only identifiers take more than that.
    kept = [w * 3 / 4 for w in widths_cm]
    for floors in ([max(x, k) for x, k in zip(wish, kept, strict=True)],
                   [max(m, k) for m, k in zip(must, kept, strict=True)], must):
        widths = _give(widths, floors, sum(widths) - available)
    if sum(widths) > available:  # the identifiers alone need more: all in proportion
        widths = [w * available / sum(widths) for w in widths]
    return widths


def signature_rows(result: Table, height_cm: float) -> None:
    """Give the last row room for a handwritten signature."""
    row = result.rows[-1]
    row.height = Cm(height_cm)
    row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST


def _add_rows(result: Table, rows: Iterable[Sequence[object]]) -> None:
    """Append the rows as copies of one empty row, filled through lxml: the same XML
    python-docx writes, without its per-cell bookkeeping (which makes long tables slow)."""
    template = result.add_row()._tr
    result._tbl.remove(template)
    template.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # a row stays on one page
    style_id = result.part.document.styles["Table Text"].style_id
    for cell in template.iterchildren(qn("w:tc")):
        paragraph = cell.find(qn("w:p"))
        style = OxmlElement("w:pStyle")
        style.set(qn("w:val"), style_id)
        paragraph.get_or_add_pPr().append(style)
    for values in rows:
        row = deepcopy(template)
        for cell, value in zip(row.iterchildren(qn("w:tc")), values, strict=True):
            paragraph = cell.find(qn("w:p"))
            if isinstance(value, Lead):
                paragraph.append(_run(value.title, bold=True))
                if clean(value.text).strip():
                    paragraph.append(_run("\n" + value.text.strip()))
            else:
                paragraph.append(_run(value))
        result._tbl.append(row)


def _run(value: object, *, bold: bool = False):
    """A run of text written through lxml (table cells, contents lines): line breaks kept."""
    run = OxmlElement("w:r")
    if bold:
        properties = OxmlElement("w:rPr")
        properties.append(OxmlElement("w:b"))
        run.append(properties)
    for number_, line in enumerate(clean(value).split("\n")):
        if number_:
            run.append(OxmlElement("w:br"))
        element = OxmlElement("w:t")
        element.set(qn("xml:space"), "preserve")
        element.text = line
        run.append(element)
    return run


def _describe(result: Table, said: str) -> None:
    """The caption again as the table's title for assistive technology."""
    tblpr = result._tbl.tblPr
    for tag in ("w:tblCaption", "w:tblDescription"):
        element = OxmlElement(tag)
        element.set(qn("w:val"), clean(said))
        tblpr.append(element)


def figure(document: DocxDocument, image: bytes, *, title: str, alt: str,
           width_cm: float | None = None) -> None:
    """An image at the text width with its alternative text (what a screen reader reads)
    and a numbered caption below it. The facts are also in a table or text beside it."""
    width = Cm(min(width_cm or text_width(document), text_width(document)))
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.keep_with_next = True
    paragraph.add_run().add_picture(BytesIO(image), width=width)
    said = caption(document, "Figuur", title)
    for properties in paragraph._p.iter(qn("wp:docPr")):
        properties.set("title", said)
        properties.set("descr", clean(alt))


def to_bytes(document: DocxDocument) -> bytes:
    _fill_table_of_contents(document)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def slug(value: str) -> str:
    """A file-name part: lower case letters, digits and dashes only."""
    value = re.sub(r"[^a-z0-9]+", "-", clean(value).lower()).strip("-")
    return value[:60] or "traject"
