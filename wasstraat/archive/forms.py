"""The archivist's forms: a project's class, a new class, and why a project stays."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Regexp

from ..forms import FlaskForm, choices, no_control_characters, required, single_line
from ..workflow import ArchiveNomination


class ClassChoiceForm(FlaskForm):
    archive_class = SelectField(_l("Categorie van de Selectielijst"), coerce=int,
                                validators=[InputRequired(_l("Kies een categorie."))])

    def offer(self, classes, describe) -> ClassChoiceForm:
        self.archive_class.choices = [(c.id, describe(c)) for c in classes]
        return self


class NewClassForm(FlaskForm):
    process_type = IntegerField(
        _l("Procestype (nummer)"), validators=[InputRequired(_l("Vul het nummer in.")),
                                               NumberRange(min=1, max=99)])
    process_type_name = StringField(_l("Procestype (naam)"), validators=[
        required(), Length(max=200), single_line, no_control_characters])
    result = StringField(_l("Resultaat (nummer)"), description=_l("Bijvoorbeeld 1.1"),
                         validators=[required(), Length(max=12), Regexp(
                             r"^\d{1,3}(\.\d{1,3}){0,3}$",
                             message=_l("Een nummer als 1.1 of 11.2.3."))])
    result_name = StringField(_l("Resultaat (naam)"), validators=[
        required(), Length(max=200), single_line, no_control_characters])
    term_years = IntegerField(_l("Bewaartermijn in jaren"), validators=[
        InputRequired(_l("Vul de termijn in.")), NumberRange(min=1, max=200)])
    nomination = RadioField(_l("Na de termijn"), choices=choices(
        (n.value, _l(n.label)) for n in ArchiveNomination), validators=[InputRequired(
            _l("Kies wat er na de termijn gebeurt."))])

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in (
            "process_type", "process_type_name", "result", "result_name", "term_years")} | {
            "nomination": ArchiveNomination(self.nomination.data)}


class ExcludeForm(FlaskForm):
    reason = TextAreaField(_l("Waarom blijft dit traject bewaard?"), validators=[
        required(), Length(max=2000), no_control_characters])
