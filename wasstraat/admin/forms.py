from __future__ import annotations

from datetime import date, time

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
    widgets,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from .. import duties, working_time
from ..auth.forms import email_field
from ..exports import glossary
from ..forms import (
    FlaskForm,
    MultiCheckboxField,
    VersionedForm,
    choices,
    no_control_characters,
    optional_int,
    required,
    sensible_date,
    single_line,
)
from ..titles import step_title
from ..workflow import (
    SPECIALIST_ROLES,
    GateApprover,
    OrgFunction,
    OwnerAppointer,
    PlanDecider,
    ProjectCreators,
    Role,
    Step,
)


def _user_fields(cls):
    cls.name = StringField(_l("Naam"), validators=[required(), Length(max=120), single_line,
                                                   no_control_characters])
    cls.email = email_field()
    cls.is_admin = BooleanField(_l("Beheerder (mag accounts beheren)"))
    cls.specialisms = MultiCheckboxField(
        _l("Geregistreerd als specialist"),
        choices=lambda: choices((r.value, duties.role_name(r)) for r in SPECIALIST_ROLES))
    cls.functions = MultiCheckboxField(
        _l("Functies in de organisatie"),
        choices=choices((f.value, _l(f.label)) for f in OrgFunction))
    return cls


class OrganisationForm(FlaskForm):
    """The organisation's segregation of duties (duties.py). Version 0: never saved yet."""

    version = IntegerField(widget=widgets.HiddenInput(),
                           validators=[InputRequired(), NumberRange(min=0)])

    project_creators = RadioField(_l("Wie mag een verbetertraject starten"), choices=choices(
        (m.value, _l(m.label)) for m in ProjectCreators), validators=[InputRequired()])
    owner_appointed_by = RadioField(_l("Wie wijst de proceseigenaar van een traject aan"),
                                    choices=choices(
                                        (m.value, _l(m.label)) for m in OwnerAppointer),
                                    validators=[InputRequired()])
    registered_specialists_only = BooleanField(
        _l("Specialistenrollen alleen voor geregistreerde specialisten"))
    four_eyes = BooleanField(_l("Vier ogen: niemand keurt of toetst wat hij zelf voorstelt of "
                                "trekt"))
    gated_steps = MultiCheckboxField(
        _l("Stappen die pas worden afgerond na een go"), coerce=int, choices=[])
    gate_approver = RadioField(_l("Wie geeft de go"), choices=choices(
        (m.value, _l(m.label)) for m in GateApprover), validators=[InputRequired()])
    plan_decider = RadioField(_l("Wie besluit over het verbeterplan en het implementatieplan"),
                              choices=choices((m.value, _l(m.label)) for m in PlanDecider),
                              validators=[InputRequired()])
    portfolio_holder = StringField(
        _l("Portefeuillehouder (bestuurlijk opdrachtgever)"),
        description=_l("Bijvoorbeeld: wethouder J. de Vries (Dienstverlening). Staat op de "
                       "voorkant van de plannen."),
        validators=[Length(max=200), single_line, no_control_characters])

    glossary = TextAreaField(
        _l("Eigen afkortingen en begrippen"),
        description=_l("Eén per regel: de term, een dubbele punt en de betekenis, "
                       "bijvoorbeeld: BOA: Buitengewoon opsporingsambtenaar. De bijlage van "
                       "het verbeterplan noemt ze alleen als het plan ze gebruikt."),
        validators=[Length(max=40000), no_control_characters], render_kw={"rows": 6})

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.gated_steps.choices = [(int(step), step_title(step)) for step in Step]

    office_opens = TimeField(_l("Kantoor open vanaf"), validators=[InputRequired()])
    office_closes = TimeField(_l("Kantoor dicht om"), validators=[InputRequired()])
    closing_days = TextAreaField(
        _l("Eigen sluitingsdagen"),
        description=_l("Eén datum per regel, bijvoorbeeld 24-12-2026. De landelijke "
                       "feestdagen telt de app zelf al als vrije dag."),
        validators=[Length(max=8000), no_control_characters], render_kw={"rows": 4})

    process_kinds = TextAreaField(
        _l("Soorten processen"),
        description=_l("Eén per regel, bijvoorbeeld Vergunning, Melding, Subsidie, "
                       "Informatieverzoek. De sjablonen van trajecten horen elk bij een soort."),
        validators=[Length(max=4000), no_control_characters], render_kw={"rows": 4})

    def validate_process_kinds(self, field) -> None:
        kinds = process_kind_lines(field.data)
        if len(kinds) > PROCESS_KINDS_MAX or any(len(kind) > 80 for kind in kinds):
            raise ValidationError(_l("Noem hoogstens 40 soorten, elk korter dan 80 tekens."))

    def validate_office_closes(self, field) -> None:
        if self.office_opens.data and field.data and field.data <= self.office_opens.data:
            raise ValidationError(_l("Het kantoor moet later dichtgaan dan het opengaat."))

    def validate_closing_days(self, field) -> None:
        _days, problems = working_time.closing_days(field.data or "")
        if problems:
            raise ValidationError(" ".join(problems[:3]))

    def validate_glossary(self, field) -> None:
        found = glossary.problems(field.data or "")
        if found:
            raise ValidationError(" ".join(found[:3]))

    def process(self, formdata=None, obj=None, data=None, **kwargs) -> None:
        super().process(formdata, obj, data, **kwargs)
        # The stored shapes (a map of names, "08:30", ISO dates) as the fields hold them.
        for hours in (self.office_opens, self.office_closes):
            if isinstance(hours.data, str):
                hours.data = time.fromisoformat(hours.data)
        if isinstance(self.closing_days.data, list):
            self.closing_days.data = "\n".join(
                date.fromisoformat(day).strftime("%d-%m-%Y") for day in self.closing_days.data)
        if isinstance(self.process_kinds.data, list):
            self.process_kinds.data = "\n".join(self.process_kinds.data)
        if obj is not None and self.meta.wrap_formdata(self, formdata) is None:
            for role in Role:
                self[f"role_name_{role.value}"].data = obj.role_names.get(role.value, "")

    def role_name_fields(self):
        return [self[f"role_name_{role.value}"] for role in Role]

    def setting_values(self) -> dict:
        """What duties.save_settings takes: each setting, and the roles' names as a map."""
        own = ("role_names", "office_opens", "office_closes", "closing_days", "process_kinds")
        values = {f: self[f].data for f in duties.SETTING_FIELDS if f not in own}
        return {**values, "role_names": {role.value: self[f"role_name_{role.value}"].data or ""
                                         for role in Role},
                "office_opens": self.office_opens.data.strftime("%H:%M"),
                "office_closes": self.office_closes.data.strftime("%H:%M"),
                "closing_days": working_time.closing_days(self.closing_days.data or "")[0],
                "process_kinds": process_kind_lines(self.process_kinds.data)}


def process_kind_lines(text: str | None) -> list[str]:
    """The kinds as typed, one a line, each once, in their order."""
    return list(dict.fromkeys(line.strip() for line in (text or "").splitlines()
                              if line.strip()))


PROCESS_KINDS_MAX = 40


for _role in Role:
    setattr(OrganisationForm, f"role_name_{_role.value}", StringField(
        _l(_role.label), validators=[Length(max=duties.ROLE_NAME_LENGTH), single_line,
                                     no_control_characters]))


@_user_fields
class NewUserForm(FlaskForm):
    password = PasswordField(_l("Tijdelijk wachtwoord"), validators=[required()],
                             render_kw={"autocomplete": "new-password"})


@_user_fields
class EditUserForm(VersionedForm):
    active = BooleanField(_l("Account actief"))
    password = PasswordField(_l("Nieuw wachtwoord"), validators=[Optional()],
                             render_kw={"autocomplete": "new-password"})

    def account_values(self) -> dict:
        return {"name": self.name.data, "email": self.email.data, "is_admin": self.is_admin.data,
                "active": self.active.data, "specialisms": self.specialisms.data,
                "functions": self.functions.data, "password": self.password.data}


class AuditFilterForm(FlaskForm):
    """Filters for the audit trail; sent with GET, so the address can be bookmarked."""

    class Meta:
        csrf = False

    action = SelectField(_l("Actie"), validators=[Optional()], validate_choice=True)
    actor = SelectField(_l("Wie"), coerce=optional_int, validators=[Optional()])
    project = IntegerField(_l("Trajectnummer"), validators=[
        Optional(), NumberRange(min=1, max=2**31 - 1, message=_l("Vul een trajectnummer in."))])
    result = SelectField(_l("Resultaat"), validators=[Optional()])
    since = DateField(_l("Vanaf"), validators=[Optional(), sensible_date],
                      render_kw={"type": "date"})
    until = DateField(_l("Tot en met"), validators=[Optional(), sensible_date],
                      render_kw={"type": "date"})

    def validate_until(self, field) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("Deze datum ligt vóór de datum bij ‘Vanaf’."))


class EraseUserForm(FlaskForm):
    confirm = BooleanField(
        _l("Ik begrijp dat naam en e-mailadres voorgoed worden vervangen en het account sluit"),
        validators=[required(_l("Vink aan dat u dit begrijpt."))])
