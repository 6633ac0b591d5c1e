from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from ..forms import (
    FlaskForm,
    VersionedForm,
    choices,
    no_control_characters,
    optional_int,
    required,
    single_line,
)
from ..workflow import RiskLevel
from .services import FIELDS


def _level(label, message) -> RadioField:
    return RadioField(label, choices=choices((level.value, _l(level.label))
                                             for level in RiskLevel),
                      validators=[required(message)])


def _risk_fields(cls):
    cls.description = StringField(
        _l("Risico"), validators=[required(_l("Beschrijf het risico.")), Length(max=300),
                                  single_line, no_control_characters])
    cls.likelihood = _level(_l("Kans"), _l("Kies hoe groot de kans is."))
    cls.impact = _level(_l("Impact"), _l("Kies hoe groot de gevolgen zijn."))
    cls.measure = TextAreaField(_l("Maatregel"),
                                validators=[Length(max=2000), no_control_characters],
                                render_kw={"rows": 2})
    cls.owner_id = SelectField(_l("Eigenaar"), coerce=optional_int, validators=[Optional()])
    return cls


class _Values:
    def setup_choices(self, project) -> None:
        members = sorted(project.memberships, key=lambda m: m.user.name)
        self.owner_id.choices = choices(
            [("", _("Nog niet gekozen"))] + [(m.user_id, m.user.name) for m in members])

    def values(self) -> dict:
        values = {name: getattr(self, name).data for name in FIELDS}
        return {**values, "measure": values["measure"] or ""}


@_risk_fields
class NewRiskForm(_Values, FlaskForm):
    pass


@_risk_fields
class EditRiskForm(_Values, VersionedForm):
    pass
