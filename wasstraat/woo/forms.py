"""The forms of a Woo publication and of the organisation as publisher."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, RadioField, SelectField, StringField, TextAreaField, widgets
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ..forms import (
    FlaskForm,
    VersionedForm,
    choices,
    no_control_characters,
    required,
    single_line,
    trimmed,
)
from ..models.woo import URL_LENGTH
from ..workflow import WOO_CATEGORIES, Role, WooGround

_LINE = [single_line, no_control_characters]



def _ground(value: object) -> WooGround | None:
    return WooGround(value) if value not in (None, "", "None") else None


def ground_choices(keep: str | None) -> list:
    grounds = [(g.value, _l(g.label)) for g in WooGround]
    return choices(([("", keep)] if keep else []) + grounds)


class WooSettingsForm(FlaskForm):
    version = IntegerField(widget=widgets.HiddenInput(),
                           validators=[InputRequired(), NumberRange(min=0)])
    publisher_name = StringField(
        _l("Naam van de organisatie"), description=_l("Zoals in de metadata: „gemeente "
                                                       "Utrecht”."),
        validators=[Length(max=200), *_LINE], filters=[trimmed])
    publisher_uri = StringField(
        _l("TOOI-identificatie van de organisatie"),
        description=_l("Bijvoorbeeld https://identifier.overheid.nl/tooi/id/gemeente/gm0344 "
                       "(de CBS-code van de gemeente)."),
        validators=[Length(max=200), *_LINE], filters=[trimmed])
    preparer = SelectField(_l("Wie bereidt een publicatie voor"),
                           choices=choices((r.value, _l(r.label)) for r in Role),
                           default="process_owner",
                           validators=[InputRequired()])
    gpp_root = StringField(
        _l("GPP-publicatiebank (API)"),
        description=_l("Bijvoorbeeld https://publicatiebank.gemeente.nl/api/v2. Leeg: "
                       "publiceren gaat met een ZIP-pakket. Het API-token staat op de server "
                       "(WASSTRAAT_GPP_TOKEN of WASSTRAAT_GPP_TOKEN_FILE)."),
        validators=[Length(max=URL_LENGTH), *_LINE], filters=[trimmed])

    def values(self) -> dict:
        return {"publisher_name": self.publisher_name.data,
                "publisher_uri": self.publisher_uri.data, "preparer": Role(self.preparer.data),
                "gpp_root": self.gpp_root.data}


class PrepareForm(FlaskForm):
    category = RadioField(_l("Informatiecategorie"),
                          choices=choices((c.uri, _l(c.label))
                                          for c in WOO_CATEGORIES.values()),
                          validators=[InputRequired(_l("Kies een informatiecategorie."))])
    title = StringField(_l("Officiële titel"), validators=[
        required(_l("Geef de publicatie een titel.")), Length(max=300), *_LINE],
        filters=[trimmed])


def redaction_form(findings, **kwargs) -> FlaskForm:
    """One choice per finding: it stays, or is left out on a ground."""

    class RedactionForm(VersionedForm):
        pass

    for finding in findings:
        setattr(RedactionForm, f"ground_{finding.id}", SelectField(
            finding.text[:80], choices=ground_choices(str(_l("Laten staan"))), coerce=str,
            default=finding.ground.value if finding.ground else "",
            validators=[Optional()]))
    form = RedactionForm(**kwargs)
    form.finding_ids = [f.id for f in findings]
    return form


def grounds_of(form) -> dict[int, WooGround | None]:
    return {finding_id: _ground(form[f"ground_{finding_id}"].data)
            for finding_id in form.finding_ids}


class PassageForm(VersionedForm):
    text = TextAreaField(_l("Tekst die weg moet"), description=_l(
        "Letterlijk zoals in het document, binnen één alinea (een naam in een omschrijving, "
        "een zin)."), validators=[required(_l("Vul de tekst in.")), Length(min=3, max=2000),
                                  no_control_characters])
    ground = SelectField(_l("Grond"), choices=ground_choices(None),
                         validators=[InputRequired(_l("Kies de grond."))])


class ReasonForm(VersionedForm):
    reason = TextAreaField(_l("Reden"), validators=[required(_l("Geef de reden.")),
                                                    Length(max=2000), no_control_characters])


class PublishedForm(VersionedForm):
    url = StringField(_l("Adres van de publicatie"), description=_l(
        "Waar de publicatie te vinden is, bijvoorbeeld op open.overheid.nl."),
        validators=[required(_l("Vul het adres in.")), Length(max=URL_LENGTH), *_LINE],
        filters=[trimmed])
