from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import Email, EqualTo, InputRequired, Length

from ..forms import FlaskForm, choices, no_control_characters, required, single_line


class LoginForm(FlaskForm):
    # Only an e-mail address: anything else never reaches an account or a throttle key.
    email = StringField(_l("E-mailadres"),
                        validators=[required(), Length(max=254),
                                    Email(message=_l("Vul een geldig e-mailadres in."))],
                        filters=[lambda value: value.strip() if isinstance(value, str) else value],
                        render_kw={"autocomplete": "username", "inputmode": "email"})
    password = PasswordField(_l("Wachtwoord"), validators=[required(), Length(max=1024)],
                             render_kw={"autocomplete": "current-password"})


class SecondFactorForm(FlaskForm):
    code = StringField(_l("Code"), validators=[required(), Length(max=40)],
                       render_kw={"autocomplete": "one-time-code", "spellcheck": "false",
                                  "autocapitalize": "off"})


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Huidig wachtwoord"), validators=[required()],
                                     render_kw={"autocomplete": "current-password"})
    new_password = PasswordField(_l("Nieuw wachtwoord"), validators=[required()],
                                 render_kw={"autocomplete": "new-password"})
    confirm_password = PasswordField(
        _l("Herhaal het nieuwe wachtwoord"),
        validators=[required(), EqualTo("new_password", _l("De wachtwoorden zijn niet gelijk."))],
        render_kw={"autocomplete": "new-password"},
    )


class LanguageForm(FlaskForm):
    locale = SelectField(_l("Taal"), choices=choices([("nl", "Nederlands"), ("en", "English")]))


def email_field(label=None):
    return StringField(label or _l("E-mailadres"),
                       validators=[required(), Length(max=254),
                                   Email(message=_l("Vul een geldig e-mailadres in."))])


class ApiTokenForm(FlaskForm):
    name = StringField(_l("Naam van het token"),
                       validators=[required(), Length(max=80), single_line,
                                   no_control_characters],
                       description=_l("Waarvoor u het gebruikt, bijvoorbeeld "
                                      "\"Dashboard afdeling Vergunningen\"."),
                       render_kw={"autocomplete": "off"})
    days = SelectField(_l("Geldig"), coerce=int,
                       validators=[InputRequired(_l("Kies hoe lang het token geldig is."))])
    # Who makes a token proves it again: a session alone (perhaps stolen) makes none.
    confirmation = PasswordField(_l("Uw wachtwoord, ter bevestiging"),
                                 validators=[required(), Length(max=1024)],
                                 render_kw={"autocomplete": "current-password"})

    def ask_for(self, user) -> None:
        """The second factor instead of the password, where the person enrolled one."""
        if user.has_second_factor:
            self.confirmation.label.text = _l("Code uit uw authenticator-app (of een "
                                              "herstelcode), ter bevestiging")
            self.confirmation.render_kw = {"autocomplete": "one-time-code",
                                           "inputmode": "numeric"}
