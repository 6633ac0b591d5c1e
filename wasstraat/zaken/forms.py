"""The administrator's form for the connection to Open Zaak."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, StringField, widgets
from wtforms.validators import InputRequired, Length, NumberRange

from ..forms import FlaskForm, no_control_characters, single_line, trimmed
from ..models import ArchiveClass
from ..models.zaken import URL_LENGTH
from ..workflow import ZAAK_ROLES, Step, ZaakDocument

_TEXT = [Length(max=URL_LENGTH), single_line, no_control_characters]



def _url(label, description=None):
    return StringField(label, description=description, validators=_TEXT, filters=[trimmed])


class ZaakSettingsForm(FlaskForm):
    version = IntegerField(widget=widgets.HiddenInput(),
                           validators=[InputRequired(), NumberRange(min=0)])
    active = BooleanField(_l("Verbetertrajecten vastleggen als zaak in Open Zaak"))
    zaken_root = _url(_l("Zaken API"), _l("Bijvoorbeeld "
                                          "https://open-zaak.gemeente.nl/zaken/api/v1"))
    documenten_root = _url(_l("Documenten API"))
    catalogi_root = _url(_l("Catalogi API"))
    besluiten_root = _url(_l("Besluiten API"))
    client_id = StringField(_l("Client-id"), description=_l(
        "Zoals de applicatie in Open Zaak heet. Het geheim staat niet hier maar op de server "
        "(WASSTRAAT_ZGW_SECRET of WASSTRAAT_ZGW_SECRET_FILE)."),
        validators=[Length(max=120), single_line, no_control_characters],
        filters=[trimmed])
    rsin = StringField(_l("RSIN van de gemeente"), description=_l("Negen cijfers."),
                       validators=[Length(max=9), single_line],
                       filters=[trimmed])
    zaaktype = _url(_l("Zaaktype"), _l("Het adres van het zaaktype in de Catalogi API."))
    besluittype = _url(_l("Besluittype (goedkeuring verbeterplan)"))

    def values(self) -> dict:
        return {"active": self.active.data, "zaken_root": self.zaken_root.data,
                "documenten_root": self.documenten_root.data,
                "catalogi_root": self.catalogi_root.data,
                "besluiten_root": self.besluiten_root.data, "client_id": self.client_id.data,
                "rsin": self.rsin.data, "zaaktype": self.zaaktype.data,
                "besluittype": self.besluittype.data,
                "roltypen": self._typed("roltype", [r.value for r in ZAAK_ROLES]),
                "statustypen": self._typed("statustype", [str(int(s)) for s in Step]),
                "informatieobjecttypen": self._typed("informatieobjecttype",
                                                     [d.value for d in ZaakDocument])}

    def _typed(self, prefix: str, keys: list[str]) -> dict[str, str]:
        return {key: self[f"{prefix}_{key}"].data for key in keys if self[f"{prefix}_{key}"].data}

    def fill(self, row) -> None:
        """The stored types into their fields (a GET)."""
        for prefix, stored in (("roltype", row.roltypen), ("statustype", row.statustypen),
                               ("informatieobjecttype", row.informatieobjecttypen)):
            for key, url in (stored or {}).items():
                if f"{prefix}_{key}" in self:
                    self[f"{prefix}_{key}"].data = url

    def role_fields(self):
        return [self[f"roltype_{r.value}"] for r in ZAAK_ROLES]

    def status_fields(self):
        return [self[f"statustype_{int(s)}"] for s in Step]

    def document_fields(self):
        return [self[f"informatieobjecttype_{d.value}"] for d in ZaakDocument]

    def result_fields(self):
        return [self[name] for name in self._fields if name.startswith("resultaattype_")]

    def resultaattypen(self) -> dict[int, str]:
        return {int(f.name.removeprefix("resultaattype_")): f.data for f in self.result_fields()}


for _role in ZAAK_ROLES:
    setattr(ZaakSettingsForm, f"roltype_{_role.value}", _url(_l(_role.label)))
for _step in Step:
    setattr(ZaakSettingsForm, f"statustype_{int(_step)}",
            _url(_l("Stap %(number)s afgerond", number=int(_step))))
for _document in ZaakDocument:
    setattr(ZaakSettingsForm, f"informatieobjecttype_{_document.value}",
            _url(_l(_document.label)))


def settings_form(classes: list[ArchiveClass], describe, **kwargs) -> ZaakSettingsForm:
    """The form with a resultaattype for each Selectielijst class the archivist keeps."""
    form_class = type("ZaakSettingsWithResults", (ZaakSettingsForm,), {
        f"resultaattype_{c.id}": _url(describe(c)) for c in classes})
    form = form_class(**kwargs)
    if not form.is_submitted():
        for archive_class in classes:
            form[f"resultaattype_{archive_class.id}"].data = archive_class.zaak_resultaattype
    return form
