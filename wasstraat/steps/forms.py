from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, TextAreaField
from wtforms.validators import Length

from ..forms import FlaskForm, VersionedForm, no_control_characters, required


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reden"), validators=[required(_l("Geef een reden op.")),
                                                    Length(max=2000), no_control_characters],
                           render_kw={"rows": 3})


class ConfirmProductForm(FlaskForm):
    variant = RadioField(_l("Hoe is dit product tot stand gekomen?"), choices=[],
                         validate_choice=False)
    note = TextAreaField(_l("Toelichting"), validators=[Length(max=2000), no_control_characters],
                         render_kw={"rows": 2})


class NotesForm(VersionedForm):
    notes = TextAreaField(_l("Aantekeningen bij deze stap"),
                          validators=[Length(max=20_000), no_control_characters],
                          render_kw={"rows": 6})
