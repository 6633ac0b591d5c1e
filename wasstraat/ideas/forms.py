from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length

from ..forms import (
    FlaskForm,
    VersionedForm,
    choices,
    no_control_characters,
    optional_int,
    required,
    single_line,
)
from ..projects.forms import NewProjectForm
from ..workflow import IDEA_TEXT_MAX, IDEA_TITLE_MAX
from .services import REASON_MAX


class IdeaForm(FlaskForm):
    title = StringField(_l("Uw idee in één zin"), validators=[
        required(_l("Geef uw idee een titel.")), Length(max=IDEA_TITLE_MAX), single_line,
        no_control_characters])
    description = TextAreaField(
        _l("Toelichting"), render_kw={"rows": 6},
        description=_l("Wat gaat er nu mis of kan beter, en wat zou helpen? Noem geen "
                       "gegevens van inwoners."),
        validators=[Length(max=IDEA_TEXT_MAX), no_control_characters])
    process_id = SelectField(_l("Over welk proces gaat het?"), coerce=optional_int,
                             validate_choice=True)
    organisation_unit = StringField(
        _l("Afdeling of team"),
        description=_l("Wiens proces het is, als u dat weet. Leeg bij een proces uit de lijst: "
                       "dan telt de afdeling van dat proces."),
        validators=[Length(max=120), single_line, no_control_characters])

    def offer(self, processes) -> None:
        self.process_id.choices = choices(
            [("", _l("Weet ik niet of staat er niet bij")),
             *((project.id, f"{project.product} ({project.name})") for project in processes)])

    def values(self) -> dict:
        return {"title": self.title.data, "description": self.description.data or "",
                "process_id": self.process_id.data,
                "organisation_unit": self.organisation_unit.data or ""}


class IntoProjectForm(VersionedForm):
    project_id = SelectField(_l("Lopend traject"), coerce=optional_int, validate_choice=True,
                             validators=[required(_l("Kies een lopend traject."))])

    def offer(self, projects) -> None:
        self.project_id.choices = choices(
            [("", _l("Kies een traject")),
             *((project.id, f"{project.name} ({project.identity})") for project in projects)])


class MergeForm(VersionedForm):
    into_id = SelectField(_l("Samenvoegen met"), coerce=optional_int, validate_choice=True,
                          validators=[required(_l("Kies het idee waarmee dit samengaat."))])

    def offer(self, ideas) -> None:
        self.into_id.choices = choices(
            [("", _l("Kies een idee")), *((idea.id, f"#{idea.id} {idea.title}") for idea in ideas)])


class DeclineForm(VersionedForm):
    reason = TextAreaField(
        _l("Reden"), render_kw={"rows": 3},
        description=_l("De indiener en de volgers lezen deze reden."),
        validators=[required(_l("Geef de reden waarom het idee niet wordt opgepakt.")),
                    Length(max=REASON_MAX), no_control_characters])


class NewProjectFromIdeaForm(NewProjectForm, VersionedForm):
    """The new project's own form, filled in from the idea."""
