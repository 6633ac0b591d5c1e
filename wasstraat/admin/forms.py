from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import Length, Optional

from ..auth.forms import email_field
from ..forms import FlaskForm, VersionedForm, no_control_characters, required, single_line


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
