"""The labelled enum: a state's stored value and its Dutch label, written once, side by side.

A leaf module (pure Python): the workflow, the notifications and the column type in
``models`` build on it; nothing here imports the app.
"""

from __future__ import annotations

from enum import StrEnum


class LabelledEnum(StrEnum):
    """A ``StrEnum`` whose members carry their label, marked for translation where defined::

        class ActionStatus(LabelledEnum):
            DONE = "done", N_("Klaar")

    The value is what the database stores; ``member.label`` is the Dutch text, translated
    where it is shown (``_(member.label)``, or ``|t`` in templates).
    """

    label: str

    def __new__(cls, value: str, label: str) -> LabelledEnum:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member
