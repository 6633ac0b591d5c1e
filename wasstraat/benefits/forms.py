"""The benefit forms: an expected benefit, a forecast, an actual. (The costs are the plan's:
answered on the improvement's entry, with "onbekend" as an answer.)"""

from __future__ import annotations

import math

from flask_babel import lazy_gettext as _l
from wtforms import DateField, FloatField, RadioField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from ..forms import FlaskForm, VersionedForm, choices, no_control_characters, sensible_date
from ..workflow import BenefitKind
from .services import TEXT_LIMIT

_NUMBER = _l("Vul een getal in.")


def _finite(form, field) -> None:
    if field.data is not None and not math.isfinite(field.data):
        raise ValidationError(_NUMBER)


def _coerce_kind(value):
    return BenefitKind(value) if value else None


class ExpectedForm(FlaskForm):
    kind = RadioField(_l("Wat levert het op?"), coerce=_coerce_kind, choices=choices(
        (k.value, _l(k.label)) for k in BenefitKind),
        validators=[InputRequired(_l("Kies wat de verbetering oplevert."))])
    expected = FloatField(_l("Verwacht per jaar"), validators=[Optional(), _finite],
                          description=_l("In euro's of uren per jaar; bij kwaliteit mag het "
                                         "leeg blijven."))
    kpi_id = SelectField(_l("KPI die beter wordt"), coerce=int, validators=[Optional()])
    description = TextAreaField(_l("Toelichting"), render_kw={"rows": 2},
                                validators=[Length(max=TEXT_LIMIT), no_control_characters])

    def setup_choices(self, kpis) -> None:
        self.kpi_id.choices = choices([(0, _l("Geen KPI"))] +
                                      [(k.id, f"{k.name} ({k.unit})") for k in kpis])

    def values(self) -> dict:
        return {"kind": self.kind.data, "expected": self.expected.data,
                "kpi_id": self.kpi_id.data or None, "description": self.description.data}


class MeasuredForm(VersionedForm):
    """A forecast or an actual: a number per year, on a day."""

    value = FloatField(_l("Per jaar"), validators=[
        InputRequired(_NUMBER), _finite, NumberRange(min=-1e12, max=1e12, message=_NUMBER)])
    on = DateField(_l("Datum"), validators=[InputRequired(_l("Vul een geldige datum in.")),
                                             sensible_date], render_kw={"type": "date"})
