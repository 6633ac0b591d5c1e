"""Ending unfinished work with a reason, the same wherever it is ended: a loose end at a
step's close (closing.py), a re-measurement moment of the borging (sustain)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from .workflow import EndReason

NOTE_LIMIT = 500


@dataclass(frozen=True)
class Ending:
    reason: EndReason
    note: str = ""

    def problem(self) -> str | None:
        """Why this ending cannot be recorded as given: "other" needs the person's words."""
        if self.reason is EndReason.OTHER and not self.note.strip():
            return _("Schrijf op waarom dit niet meer gedaan wordt.")
        if len(self.note) > NOTE_LIMIT:
            return _("Houd de reden korter dan %(limit)d tekens.", limit=NOTE_LIMIT)
        return None
