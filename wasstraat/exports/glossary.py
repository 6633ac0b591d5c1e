"""The glossary of a plan: the abbreviations and terms it uses, from the shipped list and the
organisation's own (an administrator adds them, one "TERM: meaning" per line)."""

from __future__ import annotations

import re

from flask_babel import gettext as _

# The terms a plan may use, with how to find them in its text: the appendix lists those the
# document actually uses, so it neither misses its own abbreviations nor explains others.
GLOSSARY: tuple[tuple[str, str, str], ...] = (
    ("AVG", "Algemene verordening gegevensbescherming", r"\bAVG\b"),
    ("BAG", "Basisregistratie Adressen en Gebouwen", r"\bBAG\b"),
    ("BRP", "Basisregistratie Personen", r"\bBRP\b"),
    ("BSN", "Burgerservicenummer", r"\bBSN\b"),
    ("CISO", "Chief Information Security Officer: adviseur informatiebeveiliging", r"\bCISO\b"),
    ("DigiD", "Digitale identiteit waarmee inwoners inloggen bij de overheid", r"\bDigiD\b"),
    ("DPIA", "Data protection impact assessment (gegevensbeschermingseffectbeoordeling): toets "
             "op de gevolgen voor de privacy", r"\bDPIA\b"),
    ("eHerkenning", "Inlogmiddel van bedrijven bij de overheid", r"\beHerkenning\b"),
    ("FTE", "Fulltime-equivalent: een volledige werkweek aan capaciteit", r"\bFTE\b"),
    ("ICT / IV", "Informatie- en communicatietechnologie / informatievoorziening",
     r"\b(ICT|IV)\b"),
    ("JZ", "Juridische zaken", r"\bJZ\b"),
    ("KCC", "Klantcontactcentrum", r"\bKCC\b"),
    ("KPI", "Kritieke prestatie-indicator: wat gemeten wordt om het effect te zien",
     r"\bKPI"),
    ("LEAN", "Werkwijze die verspilling in processen zichtbaar maakt en wegneemt",
     r"\bLEAN\b"),
    ("PDCA", "Plan, do, check, act: de cyclus van blijvend verbeteren", r"\bPDCA\b"),
    ("Quick win", "Snelle verbetering: geeft snel en met weinig inspanning resultaat",
     r"(?i)\bquick wins?\b"),
    ("RDW", "Rijksdienst voor het Wegverkeer", r"\bRDW\b"),
    ("V1, V2, …", "Nummer van een verbetering in dit plan", r"\bV\d+\b"),
    ("Wmo", "Wet maatschappelijke ondersteuning", r"\bWmo\b"),
    ("Woo", "Wet open overheid", r"\bWoo\b"),
)


# The organisation's own list: how long it and its parts may be.
MAX_TERMS = 200
MAX_TERM = 40
MAX_MEANING = 300


def _term(line: str) -> tuple[str, str] | None:
    """A line of the list as (term, meaning), or None when it is not "TERM: meaning"."""
    term, colon, meaning = line.partition(":")
    return (term.strip(), meaning.strip()) if colon and term.strip() and meaning.strip() \
        else None


def organisation_terms(text: str) -> list[tuple[str, str]]:
    """The organisation's terms from its list; lines that are not "TERM: meaning" are left
    out (the settings form refuses them, see ``problems``)."""
    return [term for line in (text or "").splitlines() if (term := _term(line))]


def problems(text: str) -> list[str]:
    """What is wrong with the organisation's list, line by line, in Dutch."""
    lines = [(n, line) for n, line in enumerate((text or "").splitlines(), start=1)
             if line.strip()]
    found = []
    if len(lines) > MAX_TERMS:
        found.append(_("Hoogstens %(max)d begrippen.", max=MAX_TERMS))
    for number, line in lines:
        parsed = _term(line)
        if parsed is None:
            found.append(_("Regel %(line)d: schrijf de term, een dubbele punt en de betekenis, "
                           "bijvoorbeeld: KCC: Klantcontactcentrum.", line=number))
        elif len(parsed[0]) > MAX_TERM or len(parsed[1]) > MAX_MEANING:
            found.append(_("Regel %(line)d: een term is hoogstens %(term)d tekens, een "
                           "betekenis hoogstens %(meaning)d.", line=number, term=MAX_TERM,
                           meaning=MAX_MEANING))
    return found


def used(text: str, own: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The terms ``text`` uses, in alphabetical order: the organisation's own first (its
    meaning counts where it explains a shipped term too), then the shipped ones."""
    mine = {term.casefold() for term, _meaning in own}
    terms = [(term, meaning, rf"(?<!\w){re.escape(term)}(?!\w)") for term, meaning in own]
    terms += [t for t in GLOSSARY if t[0].casefold() not in mine]
    return sorted(((term, meaning) for term, meaning, pattern in terms
                   if re.search(pattern, text)), key=lambda t: t[0].casefold())
