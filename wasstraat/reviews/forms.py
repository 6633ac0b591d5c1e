from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import FieldList, IntegerField, RadioField, SelectField, TextAreaField, widgets
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ..forms import (
    FlaskForm,
    MultiCheckboxField,
    NeededFor,
    VersionedForm,
    choices,
    no_control_characters,
    required,
)
from ..workflow import DPIA_CRITERIA, REVIEW_DOMAINS, ResponseKind, Verdict


def _text(label, rows: int = 3, *validators):
    return TextAreaField(label, validators=[*validators, Length(max=5000), no_control_characters],
                         render_kw={"rows": rows})


class DomainsForm(FlaskForm):
    domains = MultiCheckboxField(
        _l("Toetsdomeinen"), choices=choices((d.key, _l(d.label)) for d in REVIEW_DOMAINS),
        validators=[InputRequired(_l("Kies minstens één toetsdomein."))])


class ReviewForm(VersionedForm):
    """A specialist's draft review; the verdict is checked when signing, not when saving."""

    verdict = RadioField(_l("Oordeel"), validators=[Optional(), NeededFor(_l("het ondertekenen"))],
                         choices=choices((v.value, _l(v.label)) for v in Verdict))
    motivation = _text(_l("Motivering"), 4, NeededFor(_l("het ondertekenen")))
    conditions = _text(_l("Voorwaarden voor het hele plan"), 3)
    dpia_criteria = MultiCheckboxField(
        _l("Criteria voor een DPIA die op dit plan van toepassing zijn"),
        choices=choices((c.key, _l(c.label)) for c in DPIA_CRITERIA))
    # One answer per question of the review (``fit``), checked when signing, not when saving.
    answers = FieldList(_text(_l("Antwoord"), 2, NeededFor(_l("het ondertekenen"))))

    def fit(self, questions: list[str]) -> ReviewForm:
        """An answer box for each of the review's questions, labelled with the question,
        however many answers were sent."""
        while len(self.answers.entries) > len(questions):
            self.answers.pop_entry()
        while len(self.answers.entries) < len(questions):
            self.answers.append_entry("")
        # Numbered, as the refusal to sign names the questions still open by number.
        for number, (entry, question) in enumerate(
                zip(self.answers.entries, questions, strict=True), start=1):
            entry.label.text = f"{number}. {question}"
        return self


class FindingForm(FlaskForm):
    improvement_id = SelectField(_l("Verbetering"), coerce=int,
                                 validators=[InputRequired(_l("Kies een verbetering."))])
    remark = _text(_l("Opmerking"), 2)
    condition = _text(_l("Voorwaarde"), 2)
    cost_estimate = IntegerField(_l("Geschatte ICT-kosten in euro's"), validators=[
        Optional(), NumberRange(min=0, max=100_000_000,
                                message=_l("Vul een bedrag tussen 0 en 100.000.000 in."))])
    lead_time_weeks = IntegerField(_l("Geschatte doorlooptijd in weken"), validators=[
        Optional(), NumberRange(min=0, max=520, message=_l("Vul 0 tot 520 weken in."))])

    def setup_choices(self, improvements: list[dict]) -> None:
        self.improvement_id.choices = choices((i["id"], i["title"]) for i in improvements)


class SignForm(VersionedForm):
    pass


class OverrideForm(FlaskForm):
    motivation = _text(_l("Motivering van uw besluit"), 4, required(),
                       Length(min=20, message=_l("Motiveer het besluit in minstens 20 tekens.")))


def response_prefix(review_id: int, subject: str) -> str:
    """Several response forms share a page; each gets its own field names and ids."""
    return f"r{review_id}-{subject.replace(':', '-')}"


class ResponseForm(FlaskForm):
    # 0 for a first response; otherwise the version of the response being changed.
    version = IntegerField(widget=widgets.HiddenInput(),
                           validators=[InputRequired(), NumberRange(min=0)])
    kind = RadioField(_l("Reactie"), validators=[InputRequired(_l("Kies een reactie."))],
                      choices=choices((k.value, _l(k.label)) for k in ResponseKind))
    explanation = _text(_l("Toelichting: wat is er veranderd, of waarom niet"), 2, required())
