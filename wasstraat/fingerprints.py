"""Fingerprints of long lists without holding their JSON at once.

``json.dumps`` of a list of 10,000 rows builds every row and the whole string before hashing;
these give the same SHA-256 a row at a time, so a page that only compares fingerprints keeps
its memory flat (a worker's memory grows with the largest page it has served).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable


def json_list_sha256(rows: Iterable[object], *, before: bytes = b"",
                     after: bytes = b"") -> str:
    """SHA-256 of ``before + json.dumps(list(rows), sort_keys=True) + after``."""
    digest = hashlib.sha256(before + b"[")
    for n, row in enumerate(rows):
        digest.update((b", " if n else b"") + json.dumps(row, sort_keys=True).encode())
    digest.update(b"]" + after)
    return digest.hexdigest()
