"""A person's choice per kind of notification."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.validators import InputRequired

from ..forms import choices
from ..notification_kinds import Channel, Kind


class SettingsForm(FlaskForm):
    pass


for _kind in Kind:
    setattr(SettingsForm, _kind.value, RadioField(
        _l(_kind.label), choices=choices((c.value, _l(c.label)) for c in Channel),
        validators=[InputRequired(_l("Kies hoe u deze meldingen wilt krijgen."))]))
