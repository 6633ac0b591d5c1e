from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, RadioField, SelectField, TextAreaField, widgets
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ..forms import (
    FlaskForm,
    JudgedByService,
    MultiCheckboxField,
    NeededFor,
    VersionedForm,
    choices,
    no_control_characters,
    optional_int,
)
from ..workflow import PLAN_SECTIONS, SCORE_SCALE, WASTES, Decision, Horizon
from .services import plan_field_problems


def _scores(label: str) -> SelectField:
    return SelectField(label, coerce=optional_int, validators=[Optional()])


def score_choices() -> list:
    return choices([("", _("Nog niet ingeschat"))]
                   + [(n, f"{n} – {_(word)}") for n, word in SCORE_SCALE.items()])


class PlanFieldsForm(JudgedByService, VersionedForm):
    horizon = RadioField(_l("Horizon"), validators=[Optional()],
                         choices=choices([("", _l("Nog niet gekozen"))]
                                         + [(h.value, _l(h.label)) for h in Horizon]))
    impact = _scores(_l("Verwachte impact"))
    effort = _scores(_l("Verwachte inspanning"))
    kpi_ids = MultiCheckboxField(_l("KPI's die deze verbetering moet verbeteren"), coerce=int)
    cost_estimate = IntegerField(_l("Globale kosten in euro's"),
                                 validators=[Optional(), NumberRange(min=0, max=100_000_000,
                                             message=_l("Vul een bedrag tussen 0 en "
                                                        "100.000.000 in."))])
    recurring_cost = IntegerField(_l("Structurele kosten in euro's per jaar"),
                                  validators=[Optional(), NumberRange(
                                      min=0, max=100_000_000,
                                      message=_l("Vul een bedrag tussen 0 en 100.000.000 in."))])
    # "Onbekend" is an answer: the cost was asked, and nobody can say yet.
    cost_unknown = BooleanField(_l("Eenmalige kosten nog onbekend"))
    recurring_cost_unknown = BooleanField(_l("Structurele kosten nog onbekend"))
    removes_waste = SelectField(_l("Welke verspilling deze verbetering wegneemt"),
                                validators=[Optional()],
                                choices=choices([("", _l("Geen of niet bekend"))]
                                                + [(k, _l(v)) for k, v in WASTES.items()]))
    decision = RadioField(_l("Besluit"), validators=[InputRequired(_l("Kies een besluit."))],
                          choices=choices((d.value, _l(d.label)) for d in Decision
                                          if d is not Decision.MERGED))
    decision_reason = TextAreaField(_l("Waarom niet opgepakt"),
                                    validators=[Length(max=2000), no_control_characters],
                                    render_kw={"rows": 2})

    def setup_choices(self, kpis) -> None:
        self.kpi_ids.choices = choices((k.id, k.name) for k in kpis)
        self.impact.choices = self.effort.choices = score_choices()

    def values(self) -> dict:
        """The board entry's fields as the service takes them."""
        return {
            "horizon": self.horizon.data or None, "impact": self.impact.data,
            "effort": self.effort.data, "cost_estimate": self.cost_estimate.data,
            "recurring_cost": self.recurring_cost.data,
            "cost_unknown": self.cost_unknown.data,
            "recurring_cost_unknown": self.recurring_cost_unknown.data,
            "removes_waste": self.removes_waste.data or None,
            "decision": self.decision.data, "decision_reason": self.decision_reason.data or "",
        }

    def problems(self) -> dict[str, str]:
        return plan_field_problems(self.values())


class MergeForm(VersionedForm):
    into_id = SelectField(_l("Samenvoegen met"), coerce=int,
                          validators=[InputRequired(_l("Kies een verbetering."))])

    def setup_choices(self, improvement, improvements) -> None:
        self.into_id.choices = choices(
            (i.id, i.title) for i in improvements
            if i.id != improvement.id and i.decision is not Decision.MERGED)


class UnmergeForm(VersionedForm):
    pass


def _text_fields(cls):
    """One text area per section; the texts a board reads first say that sending needs them
    (plans.send_blockers refuses without them), not "(optioneel)"."""
    for section in PLAN_SECTIONS:
        needed = [NeededFor(_l("het versturen"))] if section.for_board else []
        setattr(cls, section.key, TextAreaField(
            _l(section.title), description=_l(section.hint),
            validators=[Length(max=10_000), no_control_characters, *needed],
            render_kw={"rows": 4}))
    return cls


@_text_fields
class PlanTextsForm(FlaskForm):
    # 0 while the plan has no saved texts yet.
    version = IntegerField(widget=widgets.HiddenInput(),
                           validators=[InputRequired(), NumberRange(min=0)])


class ApproveForm(FlaskForm):
    note = TextAreaField(_l("Toelichting bij de goedkeuring"),
                         validators=[Length(max=2000), no_control_characters],
                         render_kw={"rows": 2})
