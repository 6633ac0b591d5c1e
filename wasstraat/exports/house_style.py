"""The house style of the plan documents, defined once: :func:`build_reference` writes the
reference document the project ships (``reference.docx`` beside this module). A municipality
opens that file in Word, makes it its own (logo, fonts, colours) and points
``WASSTRAAT_DOCX_TEMPLATE`` at the result; the documents then take its styles and margins.

Every style the exports use is listed in :data:`STYLES_USED` and defined here: fonts that Word
has on any municipal desktop (Arial), text colours of at least 4.5:1 against white (WCAG AA),
spacing in the styles rather than empty paragraphs, and headings 1 to 3 numbered 1, 1.1, 1.1.1.

`flask docx-reference` writes the file again after a change here; a test keeps the shipped file
and this module in step.
"""

from __future__ import annotations

from copy import deepcopy
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor

REFERENCE = Path(__file__).with_name("reference.docx")
FONT = "Arial"
# Contrast against white: dark blue 12.6:1, dark grey 10.4:1, mid grey 7:1 (all above 4.5:1).
DARK_BLUE = RGBColor(0x1F, 0x38, 0x64)
DARK_GREY = RGBColor(0x40, 0x40, 0x40)
MID_GREY = RGBColor(0x59, 0x59, 0x59)
HEADER_FILL = "DCE3EE"  # table header rows: black on this light blue-grey is 15:1
MARGIN = Cm(2.5)
A4 = (Cm(21.0), Cm(29.7))
# Heading numbering: one list whose three levels are tied to Heading 1-3.
HEADING_NUMBERING_ID = 77

STYLES_USED = ("Normal", "Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3",
               "TOC Heading", "TOC 1", "TOC 2", "Caption", "Header", "Footer", "Table Grid",
               "List Bullet", "Table Text")


def build_reference() -> DocxDocument:
    """The reference document: python-docx's own template with the house style applied."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = A4
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)
    section.header_distance = section.footer_distance = Cm(1.25)
    _styles(document)
    _heading_numbering(document)
    document.core_properties.title = "Huisstijl Wasstraat-documenten"
    document.core_properties.author = "Wasstraat"
    document.add_paragraph("Dit document legt de stijlen vast van het verbeterplan en het "
                           "implementatieplan. Pas de stijlen aan en stel het bestand in met "
                           "WASSTRAAT_DOCX_TEMPLATE; de inhoud van dit document wordt niet "
                           "overgenomen.")
    return document


def write_reference(path: Path = REFERENCE) -> Path:
    build_reference().save(path)
    return path


def _font(style, size: float, *, bold: bool = False, italic: bool = False,
          colour: RGBColor | None = None) -> None:
    style.font.name = FONT
    rfonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(attribute), FONT)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        rfonts.attrib.pop(qn(theme), None)
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = italic
    style.font.color.rgb = colour or RGBColor(0, 0, 0)


def _spacing(style, before: float, after: float, *, keep: bool = False) -> None:
    fmt = style.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.keep_with_next = keep
    fmt.widow_control = True


def _paragraph_style(document: DocxDocument, name: str):
    try:
        return document.styles[name]
    except KeyError:
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = document.styles["Normal"]
        return style


def _styles(document: DocxDocument) -> None:
    styles = document.styles
    normal = styles["Normal"]
    _font(normal, 10)
    _spacing(normal, 0, 6)
    normal.paragraph_format.line_spacing = 1.15

    title = styles["Title"]
    _font(title, 24, bold=True, colour=DARK_BLUE)
    _spacing(title, 0, 12)
    title.element.get_or_add_pPr().remove_all("w:pBdr")  # no rule under the title
    _font(styles["Subtitle"], 13, colour=DARK_GREY)
    _spacing(styles["Subtitle"], 0, 24)

    for level, size, before in ((1, 15, 18), (2, 12.5, 14), (3, 11, 10)):
        style = styles[f"Heading {level}"]
        _font(style, size, bold=True, colour=DARK_BLUE)
        _spacing(style, before, 6, keep=True)
    toc_heading = _paragraph_style(document, "TOC Heading")
    _font(toc_heading, 15, bold=True, colour=DARK_BLUE)
    _spacing(toc_heading, 0, 12)
    for level, indent in ((1, 0), (2, 0.9)):
        style = _paragraph_style(document, f"TOC {level}")
        _font(style, 10, bold=level == 1)
        _spacing(style, 4 if level == 1 else 0, 2)
        style.paragraph_format.left_indent = Cm(indent)
        stops = style.paragraph_format.tab_stops
        stops.add_tab_stop(Cm(indent + 1.1))  # after the heading's number
        stops.add_tab_stop(Cm(16), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)

    caption = styles["Caption"]
    _font(caption, 9, bold=True, colour=DARK_GREY)
    _spacing(caption, 6, 4, keep=True)
    table_text = _paragraph_style(document, "Table Text")
    _font(table_text, 9)
    _spacing(table_text, 1, 1)
    table_text.paragraph_format.line_spacing = 1.0
    for name in ("Header", "Footer"):
        _font(styles[name], 8, colour=MID_GREY)
    _font(styles["List Bullet"], 10)
    _spacing(styles["List Bullet"], 0, 3)
    _table_grid(styles["Table Grid"])


def _table_grid(style) -> None:
    """Thin grey lines and room in the cells; the text in the cells is Table Text."""
    tblpr = style.element.find(qn("w:tblPr"))
    for old in tblpr.findall(qn("w:tblBorders")) + tblpr.findall(qn("w:tblCellMar")):
        tblpr.remove(old)
    borders = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="8C8C8C"/>'
                      for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    tblpr.append(parse_xml(f"<w:tblBorders {nsdecls('w')}>{borders}</w:tblBorders>"))
    tblpr.append(parse_xml(
        f'<w:tblCellMar {nsdecls("w")}><w:top w:w="40" w:type="dxa"/>'
        '<w:left w:w="85" w:type="dxa"/><w:bottom w:w="40" w:type="dxa"/>'
        '<w:right w:w="85" w:type="dxa"/></w:tblCellMar>'))


def _heading_numbering(document: DocxDocument) -> None:
    """1, 1.1, 1.1.1 before Heading 1-3, as one multi-level list tied to the styles."""
    numbering = document.part.numbering_part.element
    levels = "".join(
        f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
        f'<w:pStyle w:val="Heading{level + 1}"/>'
        f'<w:lvlText w:val="{".".join(f"%{n + 1}" for n in range(level + 1))}"/>'
        '<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="0" w:firstLine="0"/></w:pPr></w:lvl>'
        for level in range(3))
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{HEADING_NUMBERING_ID}">'
        f'<w:multiLevelType w:val="multilevel"/>{levels}</w:abstractNum>')
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)  # abstract definitions come before the nums
    else:
        numbering.append(abstract)
    numbering.append(parse_xml(
        f'<w:num {nsdecls("w")} w:numId="{HEADING_NUMBERING_ID}">'
        f'<w:abstractNumId w:val="{HEADING_NUMBERING_ID}"/></w:num>'))
    # "Inhoud" is built on Heading 1 but carries no number.
    document.styles["TOC Heading"].element.get_or_add_pPr().insert(0, no_numbering())
    for level in range(3):
        ppr = document.styles[f"Heading {level + 1}"].element.get_or_add_pPr()
        ppr.insert(0, parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/>'
            f'<w:numId w:val="{HEADING_NUMBERING_ID}"/></w:numPr>'))
        # A tab after the number, then the text.
        ppr.append(parse_xml(f'<w:tabs {nsdecls("w")}><w:tab w:val="left" w:pos="851"/></w:tabs>'))


def no_numbering():
    """Paragraph properties that switch the heading numbering off (numId 0)."""
    return parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="0"/>'
                     '</w:numPr>')


def complete_styles(document: DocxDocument) -> None:
    """An organisation's own template keeps its styles; any style the exports use that it
    lacks is copied from the reference (without numbering, which would point nowhere)."""
    reference = Document(str(REFERENCE)).styles
    present = {style.name for style in document.styles}
    for name in STYLES_USED:
        if name in present:
            continue
        element = deepcopy(reference[name].element)
        for numbering in element.iter(qn("w:numPr")):
            numbering.getparent().remove(numbering)
        document.styles.element.append(element)
