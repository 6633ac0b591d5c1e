"""The borging's forms: a moment measured (typed or from an event log), moved or ended."""

from __future__ import annotations

import math

from flask_babel import lazy_gettext as _l
from wtforms import DateField, FloatField, RadioField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, ValidationError

from ..endings import NOTE_LIMIT
from ..forms import (
    FlaskForm,
    VersionedForm,
    choices,
    no_control_characters,
    sensible_date,
)
from ..mining.forms import FIGURE_CHOICES
from ..workflow import EndReason

_DATE = _l("Vul een geldige datum in.")


def _finite(form, field) -> None:
    if field.data is not None and not math.isfinite(field.data):
        raise ValidationError(_l("Vul een getal in."))


class RemeasureForm(FlaskForm):
    value = FloatField(_l("Gemeten waarde"), validators=[
        InputRequired(_l("Vul een getal in.")), _finite,
        NumberRange(min=-1e12, max=1e12, message=_l("Vul een getal in."))])
    measured_on = DateField(_l("Datum van de meting"), validators=[InputRequired(_DATE),
                                                                    sensible_date],
                            render_kw={"type": "date"})


class FromLogForm(FlaskForm):
    log_id = SelectField(_l("Eventlog van na de verandering"), coerce=int,
                         validators=[InputRequired(_l("Kies een eventlog."))])
    figure = SelectField(_l("Gemeten waarde"), choices=FIGURE_CHOICES,
                         validators=[InputRequired(_l("Kies een waarde."))])

    def setup_choices(self, logs) -> None:
        self.log_id.choices = choices((log.id, log.filename) for log in logs)


class RescheduleForm(VersionedForm):
    due_on = DateField(_l("Datum van de nameting"), validators=[InputRequired(_DATE),
                                                                 sensible_date],
                       render_kw={"type": "date"})
    owner_id = SelectField(_l("Wie meet"), coerce=int,
                           validators=[InputRequired(_l("Kies wie meet."))])

    def setup_choices(self, people) -> None:
        self.owner_id.choices = choices((user.id, user.name) for user in people)


class EndMomentForm(FlaskForm):
    reason = RadioField(_l("Waarom vervalt deze nameting?"), choices=choices(
        (r.value, _l(r.label)) for r in EndReason),
        validators=[InputRequired(_l("Kies waarom de nameting vervalt."))])
    note = TextAreaField(_l("Reden in eigen woorden"), render_kw={"rows": 2},
                         validators=[Length(max=NOTE_LIMIT), no_control_characters])
