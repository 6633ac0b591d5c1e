"""The reports' filters: sent with GET, so a filtered report can be bookmarked and shared."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField
from wtforms.validators import NumberRange, Optional

from ..forms import FlaskForm, choices, optional_int
from ..workflow import PROCESS_TYPES
from .queries import Choices, ReportFilter


class ReportFilterForm(FlaskForm):
    class Meta:
        csrf = False

    year = SelectField(_l("Jaar"), coerce=optional_int, validators=[Optional()])
    process_type = SelectField(_l("Soort proces"), validators=[Optional()])
    unit = SelectField(_l("Afdeling of team"), validators=[Optional()])
    owner = SelectField(_l("Proceseigenaar"), coerce=optional_int, validators=[Optional()])
    page = IntegerField(_l("Pagina"), validators=[Optional(), NumberRange(
        min=1, max=100_000, message=_l("Kies een pagina vanaf 1."))])

    def set_choices(self, offered: Choices) -> None:
        # "" for "no filter": it leaves no "None" in a bookmarked address.
        self.year.choices = choices([("", _l("Alle jaren")), *((y, str(y))
                                                               for y in offered.years)])
        self.process_type.choices = choices([("", _l("Alle soorten")),
                                             *((k, _l(v)) for k, v in PROCESS_TYPES.items())])
        self.unit.choices = choices([("", _l("Alle afdelingen")),
                                     *((u, u) for u in offered.units)])
        self.owner.choices = choices([("", _l("Iedereen")), *offered.owners])

    def query(self) -> ReportFilter:
        return ReportFilter(year=self.year.data, process_type=self.process_type.data or None,
                            unit=self.unit.data or None, owner_id=self.owner.data)
