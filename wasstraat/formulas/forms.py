from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import Length, NumberRange, Optional

from ..forms import FlaskForm, VersionedForm, choices, no_control_characters, required, single_line
from ..workflow import FormulaMatch


class ChooseFormulaForm(FlaskForm):
    formula_id = SelectField(_l("Serviceformule"), coerce=int, validators=[required()])


class ComparisonForm(FlaskForm):
    # Empty on the first save of a P; afterwards the version the page was loaded with.
    version = IntegerField(widget=widgets.HiddenInput(),
                           validators=[Optional(), NumberRange(min=1)])
    promise = TextAreaField(_l("Belofte aan de inwoner (zekerheid)"), validators=[
        Length(max=2000), no_control_characters], render_kw={"rows": 2})
    internal_agreement = TextAreaField(_l("Interne afspraak die het waarmaakt"), validators=[
        Length(max=2000), no_control_characters], render_kw={"rows": 2})
    current_practice = TextAreaField(_l("Huidige praktijk"), validators=[
        required(), Length(max=2000), no_control_characters], render_kw={"rows": 2})
    match = RadioField(_l("Komt de praktijk overeen met de formule?"), choices=choices(
        (m.value, _l(m.label)) for m in FormulaMatch), validators=[
            required(_l("Kies of de praktijk overeenkomt, deels overeenkomt of afwijkt."))])

    def values(self) -> dict:
        return {"promise": self.promise.data or "",
                "internal_agreement": self.internal_agreement.data or "",
                "current_practice": self.current_practice.data or "", "match": self.match.data}

    def is_filled(self) -> bool:
        """Whether anything of this P was given: an untouched P on the page is left alone."""
        texts = (self.promise.data, self.internal_agreement.data, self.current_practice.data)
        return bool(self.match.data) or any((text or "").strip() for text in texts)


class ComparisonsForm(FlaskForm):
    """The six P's on one page: this form carries the page's CSRF token; each P's fields are a
    ComparisonForm under its own prefix."""


def _formula_fields(cls):
    cls.name = StringField(_l("Naam"), validators=[required(), Length(max=120), single_line,
                                                   no_control_characters])
    cls.description = TextAreaField(_l("Voor welke producten"), validators=[
        Length(max=2000), no_control_characters], render_kw={"rows": 3})
    cls.certainties = TextAreaField(_l("Zekerheden voor de inwoner"), validators=[
        Length(max=2000), no_control_characters], render_kw={"rows": 3})
    cls.active = BooleanField(_l("In gebruik"), default=True)
    return cls


@_formula_fields
class NewFormulaForm(FlaskForm):
    def values(self) -> dict:
        return {"name": self.name.data, "description": self.description.data or "",
                "certainties": self.certainties.data or "", "active": bool(self.active.data)}


@_formula_fields
class EditFormulaForm(VersionedForm):
    values = NewFormulaForm.values
