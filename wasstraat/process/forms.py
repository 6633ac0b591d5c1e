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


def _step_fields(cls):
    cls.activity = StringField(_l("Activiteit"), validators=[
        required(), Length(max=200), single_line, no_control_characters])
    cls.actor = StringField(_l("Wie doet het (rol of afdeling)"), validators=[
        Length(max=120), single_line, no_control_characters])
    cls.system = StringField(_l("Systeem"), validators=[
        Length(max=120), single_line, no_control_characters])
    cls.handover = BooleanField(_l("Hierna gaat het werk over naar een ander team"))
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
    return cls


class _Values:
    def values(self) -> dict:
        return {
            "activity": self.activity.data, "actor": self.actor.data or "",
            "system": self.system.data or "", "handover": bool(self.handover.data),
            "wait_days": float(self.wait_days.data or 0),
            "work_minutes": float(self.work_minutes.data or 0),
            "remarks": self.remarks.data or "",
            "wastes": [w for w in WASTES if w in (self.wastes.data or [])],
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
