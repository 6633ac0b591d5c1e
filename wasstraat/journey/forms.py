from __future__ import annotations

from urllib.parse import urlsplit

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, RadioField, StringField, TextAreaField, widgets
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from ..forms import FlaskForm, VersionedForm, choices, no_control_characters, required, single_line
from ..workflow import EXPERIENCE_SCORES, JOURNEY_SOURCES


def http_link(form, field) -> None:
    """Only a plain web address: no javascript:, data: or other schemes end up as a link."""
    if not field.data:
        return
    parts = urlsplit(field.data.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValidationError(_l("Vul een webadres in dat begint met https:// of http://."))


class SourceForm(FlaskForm):
    version = IntegerField(widget=widgets.HiddenInput(),
                           validators=[Optional(), NumberRange(min=1)])
    source = RadioField(_l("Waar komt de klantreis vandaan?"), choices=choices(
        (v.key, _l(v.label)) for v in JOURNEY_SOURCES),
        validators=[required(_l("Kies de bron van de klantreis."))])
    source_link = StringField(_l("Link naar de klantreis"), validators=[
        Length(max=500), single_line, http_link])
    notes = TextAreaField(_l("Toelichting"), validators=[Length(max=5000), no_control_characters],
                          render_kw={"rows": 3})

    def values(self) -> dict:
        return {"source": self.source.data, "source_link": (self.source_link.data or "").strip(),
                "notes": self.notes.data or ""}


def _text(label, rows: int = 2):
    return TextAreaField(label, validators=[Length(max=2000), no_control_characters],
                         render_kw={"rows": rows})


def _phase_fields(cls):
    cls.name = StringField(_l("Fase"), validators=[required(), Length(max=120), single_line,
                                                   no_control_characters])
    cls.resident_action = _text(_l("Wat doet de inwoner?"))
    cls.touchpoints = _text(_l("Contactmomenten en kanalen"))
    cls.experience = RadioField(
        _l("Beleving (van −2 heel negatief tot +2 heel positief)"), coerce=int, choices=[],
        validators=[InputRequired(_l("Kies hoe de inwoner deze fase beleeft."))])
    cls.pain_points = _text(_l("Pijnpunten"))
    cls.quotes = _text(_l("Citaten van inwoners"))
    cls.ideal = _text(_l("De ideale reis in deze fase"))
    return cls


def experience_choices():
    return choices((score, f"{score:+d} {_(label)}" if score else f"0 {_(label)}")
                   for score, label in EXPERIENCE_SCORES.items())


class _PhaseValues:
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.experience.choices = experience_choices()

    def values(self) -> dict:
        return {"name": self.name.data, "resident_action": self.resident_action.data or "",
                "touchpoints": self.touchpoints.data or "", "experience": self.experience.data,
                "pain_points": self.pain_points.data or "", "quotes": self.quotes.data or "",
                "ideal": self.ideal.data or ""}


@_phase_fields
class NewPhaseForm(_PhaseValues, FlaskForm):
    pass


@_phase_fields
class EditPhaseForm(_PhaseValues, VersionedForm):
    pass


class InterviewForm(FlaskForm):
    held_on = DateField(_l("Datum"), validators=[InputRequired(_l("Vul een datum in."))])
    count = IntegerField(_l("Aantal interviews"), validators=[
        InputRequired(_l("Vul het aantal in.")),
        NumberRange(min=1, max=500, message=_l("Vul een aantal van 1 tot 500 in."))])
    resident_type = StringField(_l("Soort inwoner"), validators=[
        required(), Length(max=120), single_line, no_control_characters],
        description=_l("Bijvoorbeeld: bewoner met auto, ondernemer. Geen namen of "
                       "contactgegevens."))
