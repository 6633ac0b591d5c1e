from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ..forms import (
    FlaskForm,
    MultiCheckboxField,
    choices,
    no_control_characters,
    sensible_date,
)
from .filters import Criteria


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
    attributes = MultiCheckboxField(
        _l("Kenmerken om op te filteren"),
        description=_l("Bijvoorbeeld het kanaal, het team of het zaaktype: per zaak wordt de "
                       "waarde van de eerste regel bewaard. Nooit zaaknummers of namen; een "
                       "kolom met bijna voor elke zaak een eigen waarde wordt niet bewaard."))

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
                "keep_reason": self.keep_reason.data or "",
                "attributes": list(self.attributes.data or [])}

    def setup_choices(self, header: list[str]) -> None:
        needed = [(name, name) for name in header]
        for field in (self.case, self.activity, self.timestamp):
            field.choices = choices(needed)
        self.end.choices = choices([("", _l("(geen)")), *needed])
        self.resource.choices = choices([("", _l("(geen)")), *needed])
        self.attributes.choices = choices(needed)


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


def filter_form(result: dict, *, submitted: bool = False) -> FlaskForm:
    """A new named filter of a read log: its period, one of its kept paths, values of its
    kept attribute columns, and the slowest share of what is left. ``submitted``: bound to
    the request's form (else empty, as on a page that another form re-renders)."""
    variants, columns = result.get("variants", []), result.get("attributes", [])

    class FilterForm(FlaskForm):
        name = StringField(_l("Naam van het filter"),
                           validators=[InputRequired(_l("Geef het filter een naam.")),
                                       Length(max=80), no_control_characters])
        first_day = DateField(_l("Begonnen vanaf"), validators=[Optional(), sensible_date])
        last_day = DateField(_l("Begonnen tot en met"), validators=[Optional(), sensible_date])
        path = SelectField(_l("Pad door het proces"), default="", choices=choices(
            [("", _l("(alle paden)")),
             *((str(n), _path_label(n, variant, result["cases"]))
               for n, variant in enumerate(variants))]))
        slowest = IntegerField(
            _l("Alleen de traagste zaken (procent)"),
            description=_l("Van de zaken die de andere filters overlaten, bijvoorbeeld 10 "
                           "voor de traagste 10%."),
            validators=[Optional(), NumberRange(1, 99, _l("Kies een getal van 1 tot 99."))])

        def criteria(self) -> Criteria:
            chosen = variants[int(self.path.data)] if self.path.data else None
            return Criteria(
                self.first_day.data, self.last_day.data,
                tuple(chosen["activities"]) if chosen else (),
                int(chosen.get("steps") or len(chosen["activities"])) if chosen else 0,
                tuple((column["name"], tuple(self[f"attribute_{n}"].data))
                      for n, column in enumerate(columns) if self[f"attribute_{n}"].data),
                self.slowest.data)

        def attribute_fields(self):
            return [self[f"attribute_{n}"] for n in range(len(columns))]

    for n, column in enumerate(columns):
        setattr(FilterForm, f"attribute_{n}", MultiCheckboxField(
            column["name"], choices=choices((value, f"{value or _l('(leeg)')} ({cases})")
                                            for value, cases in column["values"])))
    return FilterForm() if submitted else FilterForm(formdata=None)


def _path_label(number: int, variant: dict, cases: int) -> str:
    steps = variant["activities"]
    text = " → ".join(steps[:6]) + (" …" if len(steps) > 6 else "")
    return f"{number + 1}. {text} ({round(100 * variant['cases'] / max(cases, 1))}%)"
