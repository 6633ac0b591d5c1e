from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from ..forms import (
    FlaskForm,
    VersionedForm,
    choices,
    no_control_characters,
    required,
    single_line,
)
from ..workflow import Step


def _task_fields(cls):
    cls.title = StringField(_l("Taak"), validators=[required(), Length(max=200), single_line,
                                                    no_control_characters])
    cls.description = TextAreaField(_l("Toelichting"),
                                    validators=[Length(max=5000), no_control_characters],
                                    render_kw={"rows": 3})
    cls.step = SelectField(_l("Stap"), coerce=int, validators=[required()])
    cls.assignee_id = SelectField(_l("Toegewezen aan"), coerce=int)
    cls.due_date = DateField(_l("Deadline"), validators=[Optional()],
                             render_kw={"autocomplete": "off"})
    return cls


class _TaskFormMixin:
    def setup_choices(self, project, step_label) -> None:
        self.step.choices = choices((int(s), step_label(s)) for s in Step)
        members = sorted(project.memberships, key=lambda m: m.user.name)
        self.assignee_id.choices = choices(
            [(0, _l("Niemand (nog niet toegewezen)"))] + [(m.user_id, m.user.name) for m in members]
        )

    @property
    def assignee_value(self) -> int | None:
        return self.assignee_id.data or None

    def values(self) -> dict:
        """The task's fields as the service takes them, apart from the step."""
        return {"title": self.title.data, "description": self.description.data or "",
                "assignee_id": self.assignee_value, "due_date": self.due_date.data}


@_task_fields
class NewTaskForm(_TaskFormMixin, FlaskForm):
    pass


@_task_fields
class EditTaskForm(_TaskFormMixin, VersionedForm):
    pass
