from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from .. import closing
from ..endings import NOTE_LIMIT, Ending
from ..forms import (
    FlaskForm,
    VersionedForm,
    choices,
    no_control_characters,
    required,
    sensible_date,
)
from ..guidance import LooseEnd
from ..workflow import EndReason, GateVerdict


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


class CloseStepForm(FlaskForm):
    """Closing a step: a reason for each piece of work that would end unfinished (closing.py),
    or one reason for all of them. Made per request for the loose ends of the moment."""

    all_ends = RadioField(_l("Eén reden voor alles wat nog openstaat"), choices=choices(
        (r.value, _l(r.label)) for r in EndReason if r is not EndReason.OTHER),
        validators=[Optional()])
    ends: list[LooseEnd] = []

    @classmethod
    def for_ends(cls, ends: list[LooseEnd], *, closes_project: bool = False,
                 asks_unmeasured: bool = False, **kwargs) -> CloseStepForm:
        form_class = type("CloseStepFormOfTheseEnds", (cls,), {})
        if closes_project:  # the described process stays owned: its review date
            form_class.revisit_on = DateField(
                _l("Procesbeschrijving herzien vóór"), default=closing.default_revisit,
                description=_l("De proceseigenaar krijgt een maand ervoor en na de datum een "
                               "herinnering. Standaard over een jaar."),
                validators=[required(_l("Vul een geldige datum in.")), sensible_date],
                render_kw={"type": "date"})
        if closes_project and asks_unmeasured:  # closing with no after-measurement at all
            form_class.unmeasured_reason = TextAreaField(
                _l("Waarom wordt het traject afgerond zonder nameting?"),
                description=_l("Er is nog geen enkele KPI nagemeten. De borging meet ze "
                               "later; de reden komt in de evaluatie en de geschiedenis."),
                render_kw={"rows": 3},
                validators=[Length(max=closing.REASON_LIMIT), no_control_characters])
        for end in ends:
            setattr(form_class, end.key, RadioField(end.title, choices=choices(
                (r.value, _l(r.label)) for r in EndReason), validators=[Optional()]))
            setattr(form_class, f"{end.key}_note", TextAreaField(
                _l("Reden in eigen woorden"), render_kw={"rows": 2},
                validators=[Length(max=NOTE_LIMIT), no_control_characters]))
        form = form_class(**kwargs)
        form.ends = ends
        return form

    @property
    def unmeasured(self) -> str:
        """Why the project closes with no after-measurement, when that is asked."""
        if "unmeasured_reason" not in self._fields:
            return ""
        return self.unmeasured_reason.data or ""

    @property
    def finishes(self) -> bool:
        """Whether this close finishes the project (and asks the review date)."""
        return "revisit_on" in self._fields

    def endings(self) -> dict[str, Ending]:
        """The reason chosen for each loose end: its own, else the one for all."""
        chosen = {}
        for end in self.ends:
            value = self[end.key].data or self.all_ends.data
            if value:
                chosen[end.key] = Ending(EndReason(value), self[f"{end.key}_note"].data or "")
        return chosen


class GateForm(FlaskForm):
    """An approver's decision at a step's gate; a no-go says what must change."""

    verdict = RadioField(_l("Uw besluit"), choices=choices(
        (v.value, _l(v.label)) for v in GateVerdict),
        validators=[InputRequired(_l("Kies go of no-go."))])
    reason = TextAreaField(
        _l("Toelichting"), render_kw={"rows": 3},
        description=_l("Bij een no-go verplicht: wat moet er anders voordat u go geeft?"),
        validators=[Length(max=2000), no_control_characters])

    def validate_reason(self, field) -> None:
        if self.verdict.data == GateVerdict.NO_GO.value and not (field.data or "").strip():
            raise ValidationError(_l("Geef de reden van de no-go: wat moet er anders?"))
