from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from wtforms import DateField, DecimalField, RadioField, StringField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from ..forms import (
    FlaskForm,
    NeededFor,
    VersionedForm,
    choices,
    no_control_characters,
    required,
    single_line,
)
from ..workflow import Direction

LARGEST_VALUE = Decimal("1e12")


class DutchDecimalField(DecimalField):
    """Accepts a decimal comma ("12,5") as well as a point; refuses NaN, infinity and huge."""

    def process_formdata(self, valuelist):
        if valuelist and valuelist[0].strip():
            text = valuelist[0].strip().replace(" ", "").replace(",", ".")
            try:
                value = Decimal(text)
            except InvalidOperation:
                self.data = None
                raise ValueError(_l("Vul een getal in, bijvoorbeeld 12 of 12,5.")) from None
            if not value.is_finite() or abs(value) >= LARGEST_VALUE:
                self.data = None
                raise ValueError(_l("Vul een getal in, bijvoorbeeld 12 of 12,5."))
            self.data = value
        else:
            self.data = None

    def _value(self) -> str:
        if self.data is None:
            return self.raw_data[0] if self.raw_data else ""
        number = float(self.data)
        text = str(int(number)) if math.isclose(number, round(number)) else f"{number:g}"
        return text.replace(".", ",")


# A KPI may be saved without its measurements, but the process owner agrees only complete ones.
_FOR_AGREEMENT = NeededFor(_l("de vaststelling"))


def _kpi_fields(cls):
    cls.name = StringField(_l("Naam"), validators=[required(), Length(max=120), single_line,
                                                   no_control_characters])
    cls.definition = TextAreaField(_l("Definitie: wat wordt geteld, en hoe"),
                                   validators=[Length(max=2000), no_control_characters],
                                   render_kw={"rows": 3})
    cls.unit = StringField(_l("Eenheid"), validators=[required(), Length(max=40), single_line,
                                                      no_control_characters])
    cls.direction = RadioField(_l("Richting"), choices=choices(
        (d.value, _l(d.label)) for d in Direction), validators=[required(
            _l("Kies of een hogere of een lagere waarde beter is."))])
    cls.baseline_value = DutchDecimalField(_l("Nulmeting: waarde"),
                                           validators=[Optional(), _FOR_AGREEMENT])
    cls.baseline_date = DateField(_l("Nulmeting: datum"), validators=[Optional(), _FOR_AGREEMENT])
    cls.baseline_source = StringField(_l("Nulmeting: bron"),
                                      validators=[Length(max=200), single_line,
                                                  no_control_characters])
    cls.target_value = DutchDecimalField(_l("Streefwaarde"),
                                         validators=[Optional(), _FOR_AGREEMENT])
    cls.target_date = DateField(_l("Streefdatum"), validators=[Optional(), _FOR_AGREEMENT])
    cls.validate_target_date = _validate_target_date
    return cls


def _validate_target_date(form, field) -> None:
    if field.data and form.baseline_date.data and field.data <= form.baseline_date.data:
        raise ValidationError(_l("De streefdatum moet na de datum van de nulmeting liggen."))


class _Values:
    def values(self) -> dict:
        return {
            "name": self.name.data, "definition": self.definition.data or "",
            "unit": self.unit.data, "direction": self.direction.data,
            "baseline_value": _float(self.baseline_value.data),
            "baseline_date": self.baseline_date.data,
            "baseline_source": self.baseline_source.data or "",
            "target_value": _float(self.target_value.data),
            "target_date": self.target_date.data,
        }


def _float(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


@_kpi_fields
class NewKpiForm(_Values, FlaskForm):
    pass


@_kpi_fields
class EditKpiForm(_Values, VersionedForm):
    pass
