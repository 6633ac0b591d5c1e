from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length, ValidationError

from ..auth.forms import email_field
from ..forms import (
    FlaskForm,
    MultiCheckboxField,
    VersionedForm,
    choices,
    no_control_characters,
    required,
    single_line,
)
from ..workflow import PROCESS_TYPES, Role


def role_choices():  # noqa: ANN201
    return choices((r.value, _l(r.label)) for r in Role)


def _project_fields(cls):  # noqa: ANN001, ANN202
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
    cls.assignment = TextAreaField(
        _l("Opdracht"), validators=[Length(max=10_000), no_control_characters],
        render_kw={"rows": 6},
    )
    return cls


@_project_fields
class NewProjectForm(FlaskForm):
    my_roles = MultiCheckboxField(_l("Mijn andere rollen in dit traject"), choices=[])

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.my_roles.choices = [c for c in role_choices() if c.value != Role.PROJECT_LEADER.value]


@_project_fields
class EditProjectForm(VersionedForm):
    pass


class MemberRolesForm(FlaskForm):
    roles = MultiCheckboxField(_l("Rollen"), choices=[])

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.roles.choices = role_choices()

    def validate_roles(self, field) -> None:  # noqa: ANN001
        if not field.data:
            raise ValidationError(_l("Kies minstens één rol."))


class AddMemberForm(MemberRolesForm):
    email = email_field(_l("E-mailadres van de collega"))
