from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, RadioField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length

from ..forms import FlaskForm, choices, no_control_characters


class UploadForm(FlaskForm):
    log = FileField(_l("Eventlog (CSV of XES)"),
                    validators=[FileRequired(_l("Kies een bestand."))],
                    description=_l("Een export uit het zaaksysteem: per regel een zaak, een "
                                   "activiteit en een tijdstip. Hoogstens 200 MB."),
                    render_kw={"accept": ".csv,.txt,.xes,text/csv,application/xml"})
    group_rare = BooleanField(_l("Zeldzame activiteiten samenvoegen"))


class ColumnsForm(FlaskForm):
    case = SelectField(_l("Zaak (zaaknummer)"), validators=[InputRequired()])
    activity = SelectField(_l("Activiteit (status of stap)"), validators=[InputRequired()])
    timestamp = SelectField(_l("Tijdstip (of begintijd)"), validators=[InputRequired()])
    end = SelectField(_l("Eindtijd"))
    resource = SelectField(_l("Medewerker of team"))
    resource_kind = RadioField(_l("Wat staat er in die kolom"), default="person", choices=choices([
        ("person", _l("Namen van medewerkers (persoonsgegevens)")),
        ("team", _l("Teams, afdelingen of rollen (geen persoonsgegevens): worden bewaard, "
                    "voor de overdrachten tussen teams"))]))
    keep_resources = BooleanField(_l("Namen van medewerkers bewaren"))
    keep_reason = TextAreaField(_l("Waarom het team de namen nodig heeft"),
                                validators=[Length(max=1000), no_control_characters],
                                render_kw={"rows": 2})

    @staticmethod
    def chosen_in(mapping: dict) -> dict[str, str]:
        """The columns chosen before (the form's data on a GET)."""
        return {k: mapping.get(k, "") for k in ("case", "activity", "timestamp", "end",
                                                "resource")}

    def values(self) -> dict:
        return {"case": self.case.data, "activity": self.activity.data,
                "timestamp": self.timestamp.data, "end": self.end.data or "",
                "resource": self.resource.data or "", "keep_resources": self.keep_resources.data,
                "resource_kind": self.resource_kind.data or "person",
                "keep_reason": self.keep_reason.data or ""}

    def setup_choices(self, header: list[str]) -> None:
        needed = [(name, name) for name in header]
        for field in (self.case, self.activity, self.timestamp):
            field.choices = choices(needed)
        self.end.choices = choices([("", _l("(geen)")), *needed])
        self.resource.choices = choices([("", _l("(geen)")), *needed])


class AcceptDeviationForm(FlaskForm):
    """The process owner allows one deviation from the desired process, with the reason."""

    key = HiddenField(validators=[InputRequired(), Length(max=450)])
    reason = TextAreaField(_l("Waarom deze afwijking mag"),
                           validators=[InputRequired(_l("Zeg waarom deze afwijking mag.")),
                                       Length(max=1000), no_control_characters],
                           render_kw={"rows": 2})


def names_form(log_names: list[str], desired: list[str],
               current: dict[str, str | None]) -> FlaskForm:
    """One choice per activity name of the log: the desired activity it is, or none."""

    class NamesForm(FlaskForm):
        def chosen(self) -> dict[str, str]:
            return {name: self[f"name_{n}"].data or "" for n, name in enumerate(log_names)}

    options = choices([("", _l("(niet in het gewenste proces)")),
                       *((name, name) for name in desired)])
    for n, name in enumerate(log_names):
        setattr(NamesForm, f"name_{n}", SelectField(name, choices=options,
                                                     default=current.get(name) or ""))
    return NamesForm()


FIGURE_CHOICES = choices([("lead_median", _l("Mediane doorlooptijd")),
                  ("lead_p90", _l("90e percentiel doorlooptijd")),
                  ("lead_mean", _l("Gemiddelde doorlooptijd"))])


class FigureForm(FlaskForm):
    """A measured figure for a KPI: its baseline (step 3) or after-measurement (step 10)."""

    kpi_id = SelectField(_l("KPI"), coerce=int, validators=[InputRequired()])
    figure = SelectField(_l("Gemeten waarde"), choices=FIGURE_CHOICES,
                         description=_l("In de eenheid van de KPI: werkdagen als de eenheid "
                                        "van de KPI werkdagen is, anders kalenderdagen."),
                         validators=[InputRequired()])
