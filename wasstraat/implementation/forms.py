from __future__ import annotations

import math
import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    FloatField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from ..forms import (
    FlaskForm,
    JudgedByService,
    VersionedForm,
    choices,
    no_control_characters,
    optional_int,
    required,
)
from ..workflow import REMEASURE_MONTHS, ActionStatus, Adoption
from .services import ITEM_FIELDS, WaitsForChoices, item_problems, months_problem

_DATE_MESSAGE = _l("Vul een geldige datum in.")


def _date(label) -> DateField:
    return DateField(label, validators=[Optional()], render_kw={"type": "date"})


class ItemForm(JudgedByService, VersionedForm):
    adoption = RadioField(_l("Besluit van de proceseigenaar"),
                          validators=[InputRequired(_l("Kies een besluit."))],
                          choices=choices((a.value, _l(a.label)) for a in Adoption))
    responsible_id = SelectField(_l("Verantwoordelijke"), coerce=optional_int,
                                 validators=[Optional()])
    start_on = _date(_l("Geplande start"))
    end_on = _date(_l("Gepland einde"))
    # Offers only a page's worth of a long plan (services.waits_for_choices); which item may be
    # waited for is the service's rule, checked on saving.
    waits_for_id = SelectField(_l("Wacht op"), coerce=optional_int, validators=[Optional()],
                               validate_choice=False)
    # Its range is the service's rule (item_problems), shown at the field.
    capacity_hours = IntegerField(_l("Capaciteit (uren)"), validators=[Optional()])
    deferred_until = _date(_l("Uitgesteld tot"))
    drop_reason = TextAreaField(_l("Waarom vervalt deze verbetering"),
                                validators=[Length(max=2000), no_control_characters],
                                render_kw={"rows": 2})

    def setup_choices(self, project, waits_for: WaitsForChoices) -> None:
        members = sorted(project.memberships, key=lambda m: m.user.name)
        self.responsible_id.choices = choices(
            [("", _("Nog niet gekozen"))] + [(m.user_id, m.user.name) for m in members])
        self.waits_for_id.choices = choices([("", _("Op niets")), *waits_for.options])
        self.waits_for_offer = waits_for

    def values(self) -> dict:
        values = {f: getattr(self, f).data for f in ITEM_FIELDS}
        return {**values, "drop_reason": values["drop_reason"] or ""}

    def problems(self) -> dict[str, str]:
        return item_problems(self.values())


class OrderLockForm(FlaskForm):
    """The version of the order the page was loaded with; every reorder carries it."""

    version = IntegerField(widget=widgets.HiddenInput(),
                           validators=[InputRequired(), NumberRange(min=1)])


class MoveForm(OrderLockForm):
    position = IntegerField(_l("Nieuwe plaats"), validators=[
        InputRequired(_l("Vul een plaats in.")),
        NumberRange(min=1, max=10_000, message=_l("Vul een plaats van 1 of hoger in."))])


class ActionForm(VersionedForm):
    status = RadioField(_l("Status"), validators=[InputRequired(_l("Kies een status."))],
                        choices=choices((s.value, _l(s.label)) for s in ActionStatus))
    blocked_reason = TextAreaField(_l("Waardoor geblokkeerd"),
                                   validators=[Length(max=2000), no_control_characters],
                                   render_kw={"rows": 2})


class NoteForm(FlaskForm):
    text = TextAreaField(_l("Voortgang"), validators=[required(), Length(max=5000),
                                                      no_control_characters],
                         render_kw={"rows": 3})


class ContributionForm(FlaskForm):
    role = SelectField(_l("Namens"), validators=[InputRequired(_l("Kies uw rol."))])
    text = TextAreaField(_l("Uw inbreng voor de proceseigenaar"),
                         validators=[required(), Length(max=5000), no_control_characters],
                         render_kw={"rows": 4})


class MonthsField(StringField):
    """Months as the person types them ("3, 6, 12"): whole numbers, each once, in order."""

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return ", ".join(str(m) for m in self.data or [])

    def process_formdata(self, valuelist) -> None:
        if not valuelist:
            return
        parts = [p for p in re.split(r"[\s,;]+", valuelist[0].strip()) if p]
        if not all(p.isdigit() and len(p) <= 3 for p in parts):
            self.data = None
            raise ValueError(_l("Vul hele maanden in, gescheiden door komma's, zoals 3, 6, 12."))
        self.data = sorted({int(p) for p in parts})

    def pre_validate(self, form) -> None:
        problem = months_problem(self.data or [])
        if problem and not self.process_errors:
            raise ValidationError(problem)


class EvaluationForm(FlaskForm):
    version = IntegerField(widget=widgets.HiddenInput(),
                           validators=[InputRequired(), NumberRange(min=0)])
    planned_on = DateField(_l("Datum van de evaluatie"),
                           validators=[InputRequired(_DATE_MESSAGE)], render_kw={"type": "date"})
    owner_id = SelectField(_l("Wie houdt de evaluatie"), coerce=int,
                           validators=[InputRequired(_l("Kies een teamlid."))])
    lessons = TextAreaField(_l("Geleerde lessen"),
                            validators=[Length(max=10_000), no_control_characters],
                            render_kw={"rows": 4})
    remeasure_months = MonthsField(
        _l("Nametingen na afsluiten (maanden)"), default=list(REMEASURE_MONTHS),
        description=_l("Na het afsluiten begint de borging: elke KPI wordt op deze momenten "
                       "opnieuw gemeten, standaard na 3, 6 en 12 maanden. Het evaluatiemoment "
                       "ligt niet na de laatste nameting."))

    def setup_choices(self, project) -> None:
        members = sorted(project.memberships, key=lambda m: m.user.name)
        self.owner_id.choices = choices((m.user_id, m.user.name) for m in members)

    def values(self) -> dict:
        """The evaluation as the service takes it."""
        return {"planned_on": self.planned_on.data, "owner_id": self.owner_id.data,
                "lessons": self.lessons.data or "",
                "remeasure_months": self.remeasure_months.data}


def finite(form, field) -> None:
    if field.data is not None and not math.isfinite(field.data):
        raise ValidationError(_l("Vul een getal in."))


class MeasurementForm(FlaskForm):
    kpi_id = SelectField(_l("KPI"), coerce=int, validators=[InputRequired(_l("Kies een KPI."))])
    value = FloatField(_l("Gemeten waarde"), validators=[
        InputRequired(_l("Vul een getal in.")),
        finite, NumberRange(min=-1e12, max=1e12, message=_l("Vul een getal in."))])
    measured_on = DateField(_l("Datum van de nameting"),
                            validators=[InputRequired(_DATE_MESSAGE)], render_kw={"type": "date"})

    def setup_choices(self, kpis) -> None:
        self.kpi_id.choices = choices((k.id, f"{k.name} ({k.unit})") for k in kpis)
