from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import Length

from ..forms import (
    FlaskForm,
    MultiCheckboxField,
    choices,
    no_control_characters,
    optional_int,
    required,
    single_line,
)
from ..titles import step_title
from ..workflow import CopyPart, Requirement, Step


class SaveTemplateForm(FlaskForm):
    name = StringField(
        _l("Naam van het sjabloon"),
        description=_l("Bestaat een sjabloon met deze naam, dan wordt dit er een nieuwe versie "
                       "van. Lopende trajecten houden de versie waarmee ze begonnen."),
        validators=[required(), Length(max=120), single_line, no_control_characters])
    process_kind = SelectField(_l("Soort proces"), validators=[required()])
    parts = MultiCheckboxField(_l("Wat het sjabloon bevat"),
                               choices=choices((p.value, _l(p.label)) for p in CopyPart))

    def offer(self, kinds: list[str]) -> None:
        self.process_kind.choices = choices([("", _l("Kies een soort")),
                                             *((kind, kind) for kind in kinds)])

    def requirement_fields(self):
        return [self[f"requirement_{r.value}"] for r in Requirement]

    def requirements(self) -> dict[Requirement, Step]:
        return {r: Step(self[f"requirement_{r.value}"].data) for r in Requirement
                if self[f"requirement_{r.value}"].data}


for _requirement in Requirement:
    setattr(SaveTemplateForm, f"requirement_{_requirement.value}", SelectField(
        _l(_requirement.label), coerce=optional_int,
        choices=lambda: choices([("", _l("Niet vereist")), *(
            (int(step), _l("Vóór het afronden van %(step)s", step=step_title(step)))
            for step in Step)])))


class TemplateImportForm(FlaskForm):
    file = FileField(_l("Sjabloon (JSON-bestand)"))
    # The checked document, sent again to import it (and checked again then).
    document = HiddenField()


class TemplateChoiceForm(FlaskForm):
    """The template a new project starts from (empty: none)."""

    template_version = SelectField(_l("Beginnen met een sjabloon"), coerce=optional_int)

    def offer(self, versions) -> TemplateChoiceForm:
        """Each template's newest version (services.latest_versions)."""
        self.template_version.choices = choices(
            [("", _l("Geen sjabloon: een leeg traject")),
             *((v.id, _l("%(kind)s: %(name)s (versie %(number)d)", kind=v.template.process_kind,
                         name=v.template.name, number=v.number)) for v in versions)])
        return self
