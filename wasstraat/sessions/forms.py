from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from ..forms import (
    FlaskForm,
    MultiCheckboxField,
    VersionedForm,
    choices,
    no_control_characters,
    required,
    single_line,
)
from ..workflow import Step
from .services import SESSION_KINDS


class NewSessionForm(FlaskForm):
    held_on = DateField(_l("Datum"), validators=[InputRequired(_l("Vul een datum in."))])
    step = SelectField(_l("Voor welke stap"), validators=[required()])
    kind = RadioField(_l("Vorm"), choices=choices((k, _l(v)) for k, v in SESSION_KINDS.items()),
                      validators=[required(_l("Kies de vorm van de sessie."))])
    attendees = MultiCheckboxField(_l("Deelnemers uit het team"), coerce=int, choices=[])
    external_participants = TextAreaField(
        _l("Andere deelnemers (alleen een omschrijving)"),
        validators=[Length(max=1000), no_control_characters], render_kw={"rows": 2})
    agenda = TextAreaField(_l("Agenda"), validators=[Length(max=5000), no_control_characters],
                           render_kw={"rows": 3})

    def values(self) -> dict:
        """The session as the service takes it (a step value "3:b" is step 3, part b)."""
        number, _sep, part = self.step.data.partition(":")
        return {"step": Step(int(number)), "part": part or None, "held_on": self.held_on.data,
                "kind": self.kind.data, "attendee_ids": self.attendees.data or [],
                "external_participants": self.external_participants.data or "",
                "agenda": self.agenda.data or ""}

    def setup_choices(self, project, step_options) -> None:
        self.step.choices = choices(step_options)
        members = sorted(project.memberships, key=lambda m: m.user.name)
        self.attendees.choices = choices((m.user_id, m.user.name) for m in members)


class SessionNotesForm(VersionedForm):
    notes = TextAreaField(_l("Verslag"), validators=[Length(max=20_000), no_control_characters],
                          render_kw={"rows": 6})


class CaptureImprovementForm(FlaskForm):
    source = SelectField(_l("Waar gaat het over?"), validators=[required()])
    title = StringField(_l("Verbetering"), validators=[required(), Length(max=200), single_line,
                                                       no_control_characters],
                        render_kw={"autocomplete": "off"})


class FindingForm(FlaskForm):
    text = StringField(_l("Bevinding"), validators=[required(), Length(max=1000), single_line,
                                                    no_control_characters],
                       render_kw={"autocomplete": "off"})
