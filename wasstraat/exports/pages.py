"""Page numbers in the Word table of contents, filled in before the .docx leaves the app.

A page number is only known once a document is laid out. Word lays it out when it opens the
file, but fills a page reference only when asked: hence the ``updateFields`` flag, and Word's
question "Dit document bevat velden die naar andere bestanden kunnen verwijzen…", which a board
member should not have to answer. LibreOffice lays the document out for its PDF anyway; the
page of each heading is read from that PDF's named destinations (one per bookmark), written
into the contents as the page references' current text, and the flag is dropped.
"""

from __future__ import annotations

import re
from io import BytesIO

from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

# LibreOffice writes bookmark "_Toc0001" as destination "5FToc0001" (the underscore escaped).
_HEADING_BOOKMARK = re.compile(r"(Toc\d+)$")
_PAGEREF = re.compile(r"^\s*PAGEREF\s+(\S+)")


def of_headings(laid_out: bytes) -> dict[str, int]:
    """The page (as printed: the first page is 1) of each heading bookmark in a PDF."""
    reader = PdfReader(BytesIO(laid_out))
    pages: dict[str, int] = {}
    for name, destination in reader.named_destinations.items():
        found = _HEADING_BOOKMARK.search(str(name))
        if found:
            pages["_" + found.group(1)] = reader.get_destination_page_number(destination) + 1
    return pages


def numbered(docx: bytes, laid_out: bytes) -> bytes:
    """The .docx with each page reference showing the page of its heading in ``laid_out``
    (LibreOffice's PDF of it), and no request to Word to update fields. Unchanged when a
    reference has no page (an older layout): Word then fills them."""
    pages = of_headings(laid_out)
    document = Document(BytesIO(docx))
    references = [(instruction, _PAGEREF.match(instruction.text or ""))
                  for instruction in document.element.body.iter(qn("w:instrText"))]
    references = [(instruction, found.group(1)) for instruction, found in references if found]
    if not references or any(bookmark not in pages for _i, bookmark in references):
        return docx
    for instruction, bookmark in references:
        _result_text(instruction).text = str(pages[bookmark])
    settings = document.settings.element
    for update in settings.findall(qn("w:updateFields")):
        settings.remove(update)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def _result_text(instruction):
    """The text a field shows: the first w:t after its "separate" mark."""
    run = instruction.getparent()
    separated = False
    for sibling in run.itersiblings():
        mark = sibling.find(qn("w:fldChar"))
        if mark is not None and mark.get(qn("w:fldCharType")) == "separate":
            separated = True
        elif separated and (text := sibling.find(qn("w:t"))) is not None:
            return text
    raise ValueError("a page reference without a result")
