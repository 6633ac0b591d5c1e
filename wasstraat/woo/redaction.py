"""What a document says, and the document with the approved omissions applied in its text.

The omissions replace the words themselves in every part of the .docx (the body, tables,
headers and footers, field codes, link targets, picture descriptions and the document's
properties), so the PDF made from it has no readable text under a black box: the words are
not there. A passage split over several runs (a name in bold, a field) is found across them.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence

from docx import Document
from docx.oxml.ns import qn

EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
_PROPERTIES = ("author", "last_modified_by", "title", "subject", "keywords", "comments",
               "category", "content_status")
_DESCRIPTIONS = (qn("wp:docPr"),)


def marker(ground: str) -> str:
    """What stands where something was left out: the ground, as the Woo asks."""
    return f"[{ground}]"


def paragraphs(docx: bytes) -> list[str]:
    """Every paragraph's text, headers and footers included, in document order."""
    document = Document(io.BytesIO(docx))
    return ["".join(t.text or "" for t in nodes) for part in _parts(document)
            for nodes in _paragraph_texts(part.element)]


def emails(lines: Sequence[str]) -> list[str]:
    """The e-mail addresses in the text, each once, in order of appearance."""
    return list(dict.fromkeys(m.group(0) for line in lines for m in EMAIL.finditer(line)))


def redact(docx: bytes, omissions: Sequence[tuple[str, str]]) -> bytes:
    """The document with each ``(text, replacement)`` applied wherever the text occurs.
    Longer passages first, so a name inside a longer passage does not split it."""
    ordered = sorted({o for o in omissions if o[0]}, key=lambda o: -len(o[0]))
    document = Document(io.BytesIO(docx))
    for part in _parts(document):
        for nodes in _paragraph_texts(part.element):
            _replace_across(nodes, ordered)
        for node in part.element.iter(qn("w:instrText")):
            node.text = _replaced(node.text or "", ordered)
        for node in part.element.iter(*_DESCRIPTIONS):
            for attribute in ("descr", "title", "name"):
                if node.get(attribute):
                    node.set(attribute, _replaced(node.get(attribute), ordered))
        for relationship in part.rels.values():
            if relationship.is_external:
                relationship._target = _replaced(relationship._target, ordered)
    properties = document.core_properties
    for name in _PROPERTIES:
        value = getattr(properties, name) or ""
        if value:
            setattr(properties, name, _replaced(value, ordered))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _parts(document) -> Iterator:
    """The body and every header and footer part, each once."""
    seen: set[str] = set()
    candidates = [document.part]
    for section in document.sections:
        for story in (section.header, section.first_page_header, section.even_page_header,
                      section.footer, section.first_page_footer, section.even_page_footer):
            if not story.is_linked_to_previous:
                candidates.append(story.part)
    for part in candidates:
        if str(part.partname) not in seen:
            seen.add(str(part.partname))
            yield part


def _paragraph_texts(element) -> Iterator[list]:
    """Per paragraph, its own text nodes (a text box's paragraphs count as their own)."""
    for paragraph in element.iter(qn("w:p")):
        yield [t for t in paragraph.iter(qn("w:t"))
               if next(t.iterancestors(qn("w:p"))) is paragraph]


def _replaced(value: str, ordered: Sequence[tuple[str, str]]) -> str:
    for text, replacement in ordered:
        value = value.replace(text, replacement)
    return value


def _replace_across(nodes: list, ordered: Sequence[tuple[str, str]]) -> None:
    """Replace in the paragraph's joined text; the replacement goes into the node where the
    passage starts, and the rest of the passage is cut from the nodes it ran into."""
    for text, replacement in ordered:
        joined = "".join(n.text or "" for n in nodes)
        start = joined.find(text)
        while start >= 0:
            _splice(nodes, start, start + len(text), replacement)
            joined = "".join(n.text or "" for n in nodes)
            start = joined.find(text, start + len(replacement))


def _splice(nodes: list, start: int, end: int, replacement: str) -> None:
    offset, placed = 0, False
    for node in nodes:
        value = node.text or ""
        low, high = offset, offset + len(value)
        offset = high
        if high <= start or low >= end:
            continue
        cut_from, cut_to = max(start, low) - low, min(end, high) - low
        insert = replacement if not placed else ""
        placed = True
        node.text = value[:cut_from] + insert + value[cut_to:]
        node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
