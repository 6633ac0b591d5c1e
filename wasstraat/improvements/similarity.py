"""Titles that look alike, so a team sees what it (or another team) already found.

A plain word-overlap measure on word stems: cheap, explainable and good enough for short
titles in Dutch; no extra service or index needed."""

from __future__ import annotations

import re

from sqlalchemy import or_

STOPWORDS = frozenset({
    "de", "het", "een", "en", "of", "van", "voor", "op", "in", "met", "te", "bij", "aan", "naar",
    "om", "is", "zijn", "dat", "die", "er", "niet", "geen", "als", "ook", "nog", "wel", "dan",
    "door", "over", "uit", "tot", "per", "meer",
})
STEM_LENGTH = 6
MIN_SCORE = 0.25
CANDIDATES = 200  # rows read to rank, at most
SHOWN = 5  # look-alikes shown


def stems(text: str) -> set[str]:
    words = re.findall(r"\w+", text.lower())
    return {w[:STEM_LENGTH] for w in words if len(w) >= 3 and w not in STOPWORDS}


def score(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def search_terms(text: str, limit: int = 3) -> list[str]:
    """The most telling stems (longest first) to pre-select candidates in SQL."""
    return sorted(stems(text), key=len, reverse=True)[:limit]


def title_like(column, text: str):
    """The SQL condition that pre-selects candidates: a telling stem in the title. None when
    the text has no telling word (nothing looks like it)."""
    terms = search_terms(text)
    return or_(*[column.ilike(f"%{term}%") for term in terms]) if terms else None


def ranked(text: str, candidates, title_of) -> list[tuple[object, float]]:
    """The candidates whose title looks like ``text`` enough, the most alike first."""
    wanted = stems(text)
    scored = [(row, score(wanted, stems(title_of(row)))) for row in candidates]
    return sorted([pair for pair in scored if pair[1] >= MIN_SCORE], key=lambda p: -p[1])
