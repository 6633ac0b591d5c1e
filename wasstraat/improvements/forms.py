from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length

from ..forms import (
    FlaskForm,
    VersionedForm,
    choices,
    no_control_characters,
    required,
    single_line,
)


def _improvement_fields(cls):
    cls.title = StringField(_l("Korte titel"), validators=[required(), Length(max=200),
                                                           single_line, no_control_characters],
                            render_kw={"autocomplete": "off"})
    cls.description = TextAreaField(_l("Beschrijving"),
                                    validators=[Length(max=5000), no_control_characters],
                                    render_kw={"rows": 4})
    cls.proposer_id = SelectField(_l("Ingediend door"), coerce=int)
    return cls


class _ProposerChoices:
    def setup_choices(self, project) -> None:
        members = sorted(project.memberships, key=lambda m: m.user.name)
        self.proposer_id.choices = choices((m.user_id, m.user.name) for m in members)

    def values(self) -> dict:
        return {"title": self.title.data, "description": self.description.data or "",
                "proposer_id": self.proposer_id.data}


@_improvement_fields
class NewImprovementForm(_ProposerChoices, FlaskForm):
    """The source comes from the URL (?source=kpi&source_id=3), for GET and POST alike."""


@_improvement_fields
class EditImprovementForm(_ProposerChoices, VersionedForm):
    pass
