"""Bounds on a JSON body before it is parsed: nested deeper than any request of the API
needs, or a number longer than any it takes, is refused with a 400 that says where, instead
of reaching the parser (Python's recursion limit, its limit on converting long integers:
both a 500 otherwise). Linear in the body: strings are skipped by one regular expression,
then only the brackets are counted."""

from __future__ import annotations

import re

from flask_babel import gettext as _

MAX_DEPTH = 32
MAX_DIGITS = 40  # a number in the API is an id, a count or an amount

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")
_LONG_NUMBER = re.compile(rb"\d{%d,}" % (MAX_DIGITS + 1))
_NAMED_NUMBER = re.compile(rb'"([^"\\]{1,100})"\s*:\s*-?\d{%d,}' % (MAX_DIGITS + 1))


def refusal(body: bytes) -> tuple[str, str] | None:
    """(field, reason) when the body is nested too deep or holds too long a number; None
    when the parser may have it."""
    bare = _STRING.sub(b'""', body)
    depth = 0
    for bracket in _BRACKET.finditer(bare):
        depth += 1 if bracket.group() in (b"[", b"{") else -1
        if depth > MAX_DEPTH:
            return "body", _("De JSON is dieper genest dan %(max)d niveaus.", max=MAX_DEPTH)
    if _LONG_NUMBER.search(bare):
        named = _NAMED_NUMBER.search(body)
        field = named.group(1).decode("utf-8", "replace") if named else "body"
        return field, _("Een getal heeft meer dan %(max)d cijfers.", max=MAX_DIGITS)
    return None
