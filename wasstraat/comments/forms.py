from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import Length

from ..forms import (
    FlaskForm,
    MultiCheckboxField,
    VersionedForm,
    choices,
    no_control_characters,
    required,
)
from ..workflow import COMMENT_MAX_LENGTH


def _person(value: object) -> int:
    """A ticked person's account number; anything else is nobody (0), which the service
    refuses with the list to choose from."""
    text = str(value)
    return int(text) if text.isdigit() and len(text) < 10 else 0


def _comment_fields(cls):
    cls.body = TextAreaField(
        _l("Uw reactie"), validators=[
            required(_l("Schrijf uw reactie.")),
            Length(max=COMMENT_MAX_LENGTH,
                   message=_l("Een reactie is ten hoogste %(max)d tekens lang.")),
            no_control_characters],
        render_kw={"rows": 3})
    # Without JavaScript the people to notify are ticked here; with it, typing @ suggests
    # them and ticks them too (static/js/mentions.js).
    cls.mention = MultiCheckboxField(_l("Noem teamleden (zij krijgen een melding)"),
                                     coerce=_person, validate_choice=False)
    return cls


class _Members:
    def setup_choices(self, project, writer_id: int) -> None:
        members = sorted((m.user for m in project.memberships if m.user_id != writer_id),
                         key=lambda u: u.name)
        self.mention.choices = choices((u.id, u.name) for u in members)

    @property
    def chosen(self) -> list[int]:
        return list(self.mention.data or [])


@_comment_fields
class CommentForm(_Members, FlaskForm):
    pass


@_comment_fields
class EditCommentForm(_Members, VersionedForm):
    pass
