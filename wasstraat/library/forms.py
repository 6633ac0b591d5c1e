from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import Length

from ..forms import FlaskForm, no_control_characters, required
from .services import SUGGESTION_LIMIT


class SuggestionForm(FlaskForm):
    text = TextAreaField(_l("Uw suggestie"), render_kw={"rows": 4}, validators=[
        required(_l("Schrijf uw suggestie op.")), Length(max=SUGGESTION_LIMIT),
        no_control_characters])
