from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from ..forms import (
    FlaskForm,
    MultiCheckboxField,
    VersionedForm,
    choices,
    no_control_characters,
    required,
    single_line,
)
from ..kpis.forms import DutchDecimalField
from ..workflow import WASTES

MAX_DAYS = 3650
MAX_MINUTES = 100_000


HANDOVER_CHOICES = (
    ("auto", _l("Volgens de kolom Wie: ja als de volgende activiteit bij een ander ligt")),
    ("yes", _l("Ja, altijd")),
    ("no", _l("Nee, het blijft bij hetzelfde team")),
)
_HANDOVER_VALUES = {"auto": None, "yes": True, "no": False}


def _handover_choice(value) -> str:
    """The stored answer (None, True, False) or a posted choice, as the choice's key."""
    if isinstance(value, str):
        return value
    return {None: "auto", True: "yes", False: "no"}[value]


def _step_fields(cls):
    cls.activity = StringField(_l("Activiteit"), validators=[
        required(), Length(max=200), single_line, no_control_characters])
    cls.actor = StringField(_l("Wie doet het (rol of afdeling)"), validators=[
        Length(max=120), single_line, no_control_characters])
    cls.system = StringField(_l("Systeem"), validators=[
        Length(max=120), single_line, no_control_characters])
    cls.handover = RadioField(_l("Gaat het werk hierna over naar een ander team?"),
                              choices=choices(HANDOVER_CHOICES), coerce=_handover_choice,
                              default="auto")
    cls.wait_days = DutchDecimalField(_l("Wachttijd (werkdagen)"), validators=[
        Optional(), NumberRange(min=0, max=MAX_DAYS,
                                message=_l("Vul een wachttijd van 0 tot 3650 werkdagen in."))])
    cls.work_minutes = DutchDecimalField(_l("Werktijd (minuten)"), validators=[
        Optional(), NumberRange(min=0, max=MAX_MINUTES,
                                message=_l("Vul een werktijd van 0 tot 100.000 minuten in."))])
    cls.remarks = TextAreaField(_l("Opmerkingen"), validators=[
        Length(max=2000), no_control_characters], render_kw={"rows": 2})
    cls.wastes = MultiCheckboxField(_l("Verspilling in deze activiteit"),
                                    choices=choices((k, _l(v)) for k, v in WASTES.items()))
    cls.optional = BooleanField(_l("Mag ontbreken: niet elke zaak komt hier langs"))
    cls.may_repeat = BooleanField(_l("Mag vaker voorkomen in één zaak"))
    cls.parallel = BooleanField(_l("Mag tegelijk met de vorige activiteit, in elke volgorde"))
    return cls


class _Values:
    def values(self) -> dict:
        return {
            "activity": self.activity.data, "actor": self.actor.data or "",
            "system": self.system.data or "", "handover": _HANDOVER_VALUES[self.handover.data],
            "wait_days": float(self.wait_days.data or 0),
            "work_minutes": float(self.work_minutes.data or 0),
            "remarks": self.remarks.data or "",
            "wastes": [w for w in WASTES if w in (self.wastes.data or [])],
            "optional": bool(self.optional.data), "may_repeat": bool(self.may_repeat.data),
            "parallel": bool(self.parallel.data),
        }


@_step_fields
class NewProcessStepForm(_Values, FlaskForm):
    pass


@_step_fields
class EditProcessStepForm(_Values, VersionedForm):
    pass


class AttachmentForm(FlaskForm):
    file = FileField(_l("Bestand met de proceskaart"),
                     validators=[FileRequired(_l("Kies een bestand."))])


class ProcessCheckForm(FlaskForm):
    verdict = RadioField(_l("Uw oordeel over de proceskaart"), choices=choices([
        ("confirmed", _l("Klopt en is volledig")),
        ("correction", _l("Er moet iets worden gecorrigeerd")),
    ]), validators=[required(_l("Kies of de proceskaart klopt."))])
    correction = TextAreaField(_l("Correctie"), validators=[
        Length(max=2000), no_control_characters], render_kw={"rows": 3})
