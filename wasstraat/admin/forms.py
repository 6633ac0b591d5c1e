from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from ..auth.forms import email_field
from ..forms import (
    FlaskForm,
    VersionedForm,
    no_control_characters,
    required,
    sensible_date,
    single_line,
)
from ..plans.forms import optional_int


def _user_fields(cls):  # noqa: ANN001, ANN202
    cls.name = StringField(_l("Naam"), validators=[required(), Length(max=120), single_line,
                                                   no_control_characters])
    cls.email = email_field()
    cls.is_admin = BooleanField(_l("Beheerder (mag accounts beheren)"))
    return cls


@_user_fields
class NewUserForm(FlaskForm):
    password = PasswordField(_l("Tijdelijk wachtwoord"), validators=[required()],
                             render_kw={"autocomplete": "new-password"})


@_user_fields
class EditUserForm(VersionedForm):
    active = BooleanField(_l("Account actief"))
    password = PasswordField(_l("Nieuw wachtwoord"), validators=[Optional()],
                             render_kw={"autocomplete": "new-password"})


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

    def validate_until(self, field) -> None:  # noqa: ANN001
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("Deze datum ligt vóór de datum bij ‘Vanaf’."))


class EraseUserForm(FlaskForm):
    confirm = BooleanField(
        _l("Ik begrijp dat naam en e-mailadres voorgoed worden vervangen en het account sluit"),
        validators=[required(_l("Vink aan dat u dit begrijpt."))])
