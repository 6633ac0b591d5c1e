from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from ..auth.forms import email_field
from ..duties import role_name
from ..forms import (
    FlaskForm,
    MultiCheckboxField,
    NeededFor,
    VersionedForm,
    choices,
    no_control_characters,
    required,
    sensible_date,
    single_line,
)
from ..workflow import PROCESS_TYPES, BoardOutcome, CopyPart, PlanKind, Role, Step
from .planning import field_name


def role_choices():
    return choices((r.value, role_name(r)) for r in Role)


def _project_fields(cls):
    cls.name = StringField(
        _l("Naam van het traject"),
        validators=[required(), Length(max=200), single_line, no_control_characters],
    )
    cls.product = StringField(
        _l("Product of dienst"),
        validators=[required(), Length(max=200), single_line, no_control_characters],
    )
    cls.process_type = SelectField(
        _l("Soort proces"), choices=choices((k, _l(v)) for k, v in PROCESS_TYPES.items()),
        validators=[required()],
    )
    cls.organisation_unit = StringField(
        _l("Afdeling of team"),
        description=_l("Wiens proces het is, bijvoorbeeld Burgerzaken of Vergunningen. De "
                       "rapportages filteren erop."),
        validators=[Length(max=120), single_line, no_control_characters],
    )
    cls.assignment = TextAreaField(
        _l("Opdracht"), validators=[Length(max=10_000), no_control_characters,
                                    NeededFor(_l("stap 1"))],
        render_kw={"rows": 6},
    )
    return cls


@_project_fields
class NewProjectForm(FlaskForm):
    my_roles = MultiCheckboxField(_l("Mijn andere rollen in dit traject"), choices=[])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.my_roles.choices = [c for c in role_choices() if c.value != Role.PROJECT_LEADER.value]

    def values(self) -> dict:
        """The project's fields as services.create_project takes them."""
        return {"name": self.name.data, "product": self.product.data,
                "assignment": self.assignment.data or "",
                "process_type": self.process_type.data,
                "organisation_unit": self.organisation_unit.data or ""}


class CopyProjectForm(NewProjectForm):
    """A new project's own form, filled in from the project it copies, and what to carry."""

    parts = MultiCheckboxField(_l("Wat het nieuwe traject overneemt"),
                               choices=choices((p.value, _l(p.label)) for p in CopyPart))


@_project_fields
class EditProjectForm(VersionedForm):
    woo_public = RadioField(
        _l("Openbaarheid van de plannen (Woo)"),
        choices=choices([("yes", _l("Openbaar")), ("no", _l("Niet (volledig) openbaar"))]),
        # Not sent (an older form): the project keeps what it has.
        coerce=lambda value: value in (True, "yes", "True"))
    woo_reason = TextAreaField(
        _l("Waarom niet openbaar"),
        description=_l("De uitzonderingsgrond uit de Woo, bijvoorbeeld persoonsgegevens of "
                       "bedrijfsgegevens. Staat op de voorkant van de plannen."),
        validators=[Length(max=2000), no_control_characters], render_kw={"rows": 2})

    def validate_woo_reason(self, field) -> None:
        if self.woo_public.data is False and not (field.data or "").strip():
            raise ValidationError(_l("Geef aan waarom de plannen niet (volledig) openbaar zijn, "
                                     "met de uitzonderingsgrond uit de Woo."))

    def values(self) -> dict:
        return {"name": self.name.data, "product": self.product.data,
                "assignment": self.assignment.data or "",
                "process_type": self.process_type.data,
                "organisation_unit": self.organisation_unit.data or "",
                "woo_public": self.woo_public.data, "woo_reason": self.woo_reason.data or ""}


class RevisitForm(FlaskForm):
    revisit_on = DateField(
        _l("Proces herzien vóór"),
        description=_l("Wanneer de proceseigenaar de procesbeschrijving opnieuw bekijkt."),
        validators=[required(_l("Vul een geldige datum in."))], render_kw={"type": "date"})


class FollowUpForm(FlaskForm):
    name = StringField(
        _l("Naam van het vervolgtraject"),
        validators=[required(), Length(max=200), single_line, no_control_characters],
    )


class MemberRolesForm(FlaskForm):
    roles = MultiCheckboxField(_l("Rollen"), choices=[])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.roles.choices = role_choices()

    def validate_roles(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("Kies minstens één rol."))


class PersonRow(Form):
    """One colleague to add: typed by name or e-mail address (suggestions while typing), one
    role; a candidate chosen from a list when the name fits several people."""

    person = StringField(_l("Collega"), validators=[Length(max=300), single_line,
                                                    no_control_characters])
    role = SelectField(_l("Rol"), choices=[], validate_choice=False)
    candidate = SelectField(_l("Bedoelt u"), choices=[], coerce=int, validate_choice=False,
                            default=0)

    def validate_role(self, field) -> None:
        if field.data and field.data not in {r.value for r in Role}:
            raise ValidationError(_l("Kies een rol uit de lijst."))
        if (self.person.data or "").strip() and not field.data:
            raise ValidationError(_l("Kies de rol van deze collega."))


class AddMembersForm(FlaskForm):
    ROWS = 4
    rows = FieldList(FormField(PersonRow), min_entries=ROWS, max_entries=20)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for row in self.rows:
            row.form.role.choices = choices([("", _l("Kies een rol"))]) + role_choices()

    def validate_rows(self, field) -> None:
        if not any((row.form.person.data or "").strip() for row in field):
            raise ValidationError(_l("Vul minstens één collega in."))


class InviteForm(FlaskForm):
    name = StringField(_l("Naam"), validators=[required(), Length(max=120), single_line,
                                               no_control_characters])
    email = email_field(_l("E-mailadres"))
    role = SelectField(_l("Rol"), choices=[], validators=[required(_l("Kies een rol."))])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = choices([("", _l("Kies een rol"))]) + role_choices()

    def validate_role(self, field) -> None:
        if field.data not in {r.value for r in Role}:
            raise ValidationError(_l("Kies een rol uit de lijst."))


class StepPlanningForm(FlaskForm):
    """The planned end of each of the ten steps; the versions guard against a lost update."""

    versions = HiddenField(validators=[InputRequired()])

    def planned(self) -> dict[Step, date | None]:
        return {step: self[field_name(step)].data for step in Step}


for _step in Step:
    setattr(StepPlanningForm, field_name(_step), DateField(
        _l("Stap %(number)d gepland klaar", number=int(_step)),
        validators=[Optional(), sensible_date],
        render_kw={"type": "date"}))
del _step


class BoardDecisionForm(FlaskForm):
    """What the board decided on a plan, as its minutes say."""

    plan = RadioField(_l("Plan"), choices=choices((k.value, _l(k.label)) for k in PlanKind),
                      validators=[InputRequired(_l("Kies het plan."))])
    decided_on = DateField(_l("Datum van het besluit"), render_kw={"type": "date"},
                           validators=[required(_l("Vul een geldige datum in.")), sensible_date])
    outcome = RadioField(_l("Besluit"), choices=choices(
        (o.value, _l(o.label)) for o in BoardOutcome),
        validators=[InputRequired(_l("Kies wat het bestuur besloot."))])
    reference = StringField(
        _l("Kenmerk van het besluit"),
        description=_l("Het nummer in de besluitenlijst of het zaaksysteem, bijvoorbeeld "
                       "DT-2027-014."),
        validators=[required(), Length(max=100), single_line, no_control_characters])
    note = TextAreaField(_l("Toelichting"), render_kw={"rows": 3},
                         validators=[Length(max=2000), no_control_characters])
