"""A step's title as people read it, "Stap 3: Proces in kaart brengen": one place for Python
and templates alike. A leaf: only the workflow and the translations."""

from __future__ import annotations

from flask_babel import gettext

from .workflow import Step


def step_title(step: Step | int) -> str:
    step = Step(step)
    return gettext("Stap %(number)d: %(name)s", number=int(step),
                   name=gettext(step.definition.name))
