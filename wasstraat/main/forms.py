"""The portfolio's filters: sent with GET, so a filtered page can be bookmarked and shared."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional

from ..forms import FlaskForm, choices, optional_int
from ..workflow import Step
from .queries import FINISHED, PortfolioQuery

SORT_CHOICES = (("name", _l("Naam")), ("step", _l("Stap")),
                ("waiting", _l("Langst in de huidige stap")))


class PortfolioFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Zoek op naam"), validators=[
        Optional(), Length(max=100, message=_l("Zoek met hoogstens 100 tekens."))])
    step = SelectField(_l("Stap"), coerce=optional_int, validators=[Optional()])
    owner = SelectField(_l("Proceseigenaar"), coerce=optional_int, validators=[Optional()])
    stalled = BooleanField(_l("Alleen trajecten met een signaal (lang in dezelfde stap)"))
    mine = BooleanField(_l("Alleen trajecten waarin ik zit"))
    sort = SelectField(_l("Sorteren op"), choices=choices(SORT_CHOICES), validators=[Optional()])
    page = IntegerField(_l("Pagina"), validators=[Optional(), NumberRange(
        min=1, max=100_000, message=_l("Kies een pagina vanaf 1."))])

    def set_choices(self, owners: list[tuple[int, str]]) -> None:
        # "" for "no filter": it leaves no "None" in a bookmarked address.
        self.step.choices = choices([("", _l("Alle stappen"))]
                                    + [(step.value, f"{step.value}. {_(step.definition.name)}")
                                       for step in Step]
                                    + [(FINISHED, _l("Alle stappen afgerond"))])
        self.owner.choices = choices([("", _l("Iedereen")), *owners])

    def query(self) -> PortfolioQuery:
        return PortfolioQuery(
            search=(self.q.data or "").strip(), step=self.step.data, owner_id=self.owner.data,
            stalled=bool(self.stalled.data), mine=bool(self.mine.data),
            sort=self.sort.data or "name", page=self.page.data or 1)
