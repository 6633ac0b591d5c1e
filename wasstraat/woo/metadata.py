"""The DiWoo metadata of a publication (standaarden.overheid.nl/diwoo/metadata, 0.9.8): the
XML a Woo platform reads, checked against the published schema before it leaves the app."""

from __future__ import annotations

import functools
from datetime import date, datetime
from pathlib import Path
from xml.etree import ElementTree as ET  # nosec B405: builds XML, never parses input

import xmlschema

from ..workflow import WOO_CATEGORIES, WOO_FORMAT, WOO_HANDLING, WOO_LANGUAGE

SCHEMAS = Path(__file__).parent / "schemas"
NAMESPACE = "https://standaarden.overheid.nl/diwoo/metadata/"
_MDTO = "https://www.nationaalarchief.nl/mdto"
ET.register_namespace("diwoo", NAMESPACE)


class InvalidMetadata(ValueError):
    """The metadata does not meet the DiWoo schema (a publisher not in the TOOI list ...)."""


@functools.cache
def schema() -> xmlschema.XMLSchema:
    """The published schema, its MDTO import read from the copy beside it (no network)."""
    return xmlschema.XMLSchema(str(SCHEMAS / "diwoo-metadata.xsd"),
                               locations={_MDTO: str(SCHEMAS / "MDTO-XML1.0.1.xsd")})


def _sub(parent: ET.Element, name: str, text: str | None = None, **attributes: str):
    element = ET.SubElement(parent, f"{{{NAMESPACE}}}{name}", attributes)
    if text is not None:
        element.text = text
    return element


def document(*, publisher_uri: str, publisher_name: str, title: str, category: str,
             created: date, decided_at: datetime, identifier: str,
             description: str = "") -> bytes:
    """The metadata of one published document, as UTF-8 XML, valid or refused."""
    root = ET.Element(f"{{{NAMESPACE}}}Document")
    diwoo = _sub(root, "DiWoo")
    _sub(_sub(diwoo, "identifiers"), "identifier", identifier)
    _sub(diwoo, "publisher", publisher_name, resource=publisher_uri)
    _sub(_sub(diwoo, "titelcollectie"), "officieleTitel", title)
    if description:
        _sub(_sub(diwoo, "omschrijvingen"), "omschrijving", description)
    found = WOO_CATEGORIES.get(category)
    categories = _sub(_sub(diwoo, "classificatiecollectie"), "informatiecategorieen")
    _sub(categories, "informatiecategorie", found.label.lower() if found else category,
         resource=category)
    _sub(diwoo, "creatiedatum", created.isoformat())
    _sub(diwoo, "language", "Nederlands", resource=WOO_LANGUAGE)
    _sub(diwoo, "format", "pdf", resource=WOO_FORMAT)
    handling = _sub(_sub(diwoo, "documenthandelingen"), "documenthandeling")
    _sub(handling, "soortHandeling", WOO_HANDLING[1], resource=WOO_HANDLING[0])
    _sub(handling, "atTime", decided_at.replace(microsecond=0).isoformat())
    _sub(handling, "wasAssociatedWith", publisher_name, resource=publisher_uri)
    content = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    validate(content)
    return content


def validate(content: bytes) -> None:
    errors = [str(e.reason or e.message) for e in schema().iter_errors(content.decode("utf-8"))]
    if errors:
        raise InvalidMetadata("; ".join(errors[:3]))


def publisher_known(uri: str) -> bool:
    """Whether the TOOI list of the schema knows this organisation."""
    return uri in _organisations()


@functools.cache
def _organisations() -> frozenset[str]:
    union = schema().types["organisatielijst"]
    return frozenset(value for member in union.member_types
                     for value in (member.enumeration or ()))
