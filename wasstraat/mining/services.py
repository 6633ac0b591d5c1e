"""Event logs in a project: imported in the purpose's step, read and analysed in the
background, the result kept; measured figures taken as a KPI's baseline (step 3) or its
after-measurement (step 10)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from .. import audit, clock
from ..access import ProjectAccess
from ..clock import organisation_zone
from ..database import forget_deleted, prepare_to_write
from ..errors import InvalidInput, WorkflowError
from ..extensions import db
from ..implementation import services as implementation
from ..models import (
    AcceptedDeviation,
    EventLog,
    EventLogCases,
    EventLogFile,
    EventLogFilter,
    Kpi,
    Project,
    User,
    utcnow,
)
from ..process import services as process
from ..windows import require_open
from ..workflow import (
    EVENT_LOG_PURPOSES,
    IMPORT_AFTER_CLOSE,
    Action,
    DurationUnit,
    EventLogStatus,
    Step,
)
from ..working_time import organisation_calendar
from . import analysis, conformance, filters, parse, statistics

MAX_BYTES = 200 * 1024 * 1024
# An upload whose columns are not chosen within this time is removed, file and sample rows.
ABANDONED_AFTER = timedelta(days=1)
PROGRESS_EVERY = 50_000
# The figures of a log that may become a KPI's value, in days.
FIGURES = {"lead_median": ("lead_time", "median"), "lead_p90": ("lead_time", "p90"),
           "lead_mean": ("lead_time", "mean")}


class ImportRefused(InvalidInput):
    """A file that cannot be read as an event log: shown at the upload field."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "log")


def logs_of(project: Project, purpose: str | None = None) -> list[EventLog]:
    query = select(EventLog).where(EventLog.project_id == project.id)
    if purpose:
        query = query.where(EventLog.purpose == purpose)
    return list(db.session.scalars(query.order_by(EventLog.id.desc())))


def latest_done(project: Project, purpose: str) -> EventLog | None:
    return db.session.scalar(select(EventLog).where(
        EventLog.project_id == project.id, EventLog.purpose == purpose,
        EventLog.status == EventLogStatus.DONE).order_by(EventLog.id.desc()).limit(1))


def _format_of(filename: str, head: bytes) -> str:
    if filename.lower().endswith(".xes") or head.lstrip().startswith((b"<?xml", b"<log")):
        return "xes"
    return "csv"


def import_action(project: Project, purpose: str) -> Action:
    """The action under which a log of this purpose is imported now: in its step, and a log
    after the change also in the borging (``workflow.IMPORT_AFTER_CLOSE``)."""
    if project.is_finished:
        return IMPORT_AFTER_CLOSE.get(purpose, Action.IMPORT_EVENT_LOG)
    return Action.IMPORT_EVENT_LOG


def upload(project: Project, actor: User, purpose: str, filename: str, data: bytes, *,
           group_rare: bool = False) -> EventLog:
    """Keep the file for reading; a CSV waits for its columns, an XES is queued at once.
    (Who may is the access policy's ``import_action``; in which step, its edit window.)
    ``group_rare``: more than ``analysis.MAX_ACTIVITIES`` activities are taken together
    rather than refused."""
    if purpose not in EVENT_LOG_PURPOSES:
        raise ImportRefused(_("Onbekend doel."))
    require_open(project, import_action(project, purpose), EVENT_LOG_PURPOSES[purpose].step)
    if not data:
        raise ImportRefused(_("Het bestand is leeg."))
    if len(data) > MAX_BYTES:
        raise ImportRefused(_("Het bestand is groter dan %(mb)d MB.", mb=MAX_BYTES // 2**20))
    kind = _format_of(filename, data[:512])
    mapping: dict = {"group_rare": bool(group_rare)}
    if kind == "csv":
        try:
            encoding, delimiter, header, sample = parse.sniff(
                data[:parse.SAMPLE_BYTES], parse.detect_encoding(data))
        except parse.LogError as error:
            raise ImportRefused(str(error)) from error
        mapping |= {"encoding": encoding, "delimiter": delimiter, "header": header,
                    "sample": sample, **guess_columns(header)}
    log = EventLog(project_id=project.id, purpose=purpose, filename=filename[:200] or "log",
                   format=kind, size=len(data), mapping=mapping, created_by_id=actor.id,
                   status=EventLogStatus.QUEUED if kind == "xes" else EventLogStatus.UPLOADED)
    db.session.add(log)
    db.session.flush()
    db.session.add(EventLogFile(event_log_id=log.id, data=data))
    audit.record("event_log.upload", "event_log", log.id, project.id, actor=actor,
                 after={"filename": log.filename, "purpose": purpose, "bytes": len(data)})
    return log


_GUESSES = {
    "case": ("case", "zaak", "zaaknummer", "case id", "case:concept:name", "dossier"),
    "activity": ("activity", "activiteit", "concept:name", "status", "stap", "event"),
    "timestamp": ("timestamp", "tijdstip", "time:timestamp", "start", "begin", "datum",
                  "starttijd"),
    "end": ("end", "eind", "einde", "eindtijd", "complete"),
    "resource": ("resource", "org:resource", "medewerker", "behandelaar", "user"),
}


def guess_columns(header: list[str]) -> dict[str, str]:
    lowered = {name.lower(): name for name in header}
    return {role: next((lowered[g] for g in guesses if g in lowered), "")
            for role, guesses in _GUESSES.items()}


def choose_columns(log: EventLog, project: Project, actor: User, *, case: str, activity: str,
                   timestamp: str, end: str, resource: str, keep_resources: bool,
                   keep_reason: str, resource_kind: str = "person",
                   attributes: list[str] | None = None) -> None:
    """The columns of a CSV log. A resource column of teams or roles is kept (no personal
    data); one of staff names only with the reason the team gives. ``attributes``: columns
    kept per case to filter on (channel, team, zaaktype), never the case number or names."""
    if log.status is not EventLogStatus.UPLOADED:
        raise WorkflowError(_("De kolommen van dit eventlog zijn al gekozen."))
    header = log.mapping.get("header", [])
    chosen = {"case": case, "activity": activity, "timestamp": timestamp, "end": end,
              "resource": resource}
    problems = {role: _("Kies een kolom uit het bestand.") for role, name in chosen.items()
                if name and name not in header}
    used = [name for name in chosen.values() if name]
    if len(set(used)) != len(used):
        problems["activity"] = _("Kies voor elk gegeven een andere kolom.")
    if resource_kind not in ("person", "team"):
        problems["resource_kind"] = _("Kies namen van medewerkers of teams.")
    teams = resource_kind == "team"
    if keep_resources and not teams and not keep_reason.strip():
        problems["keep_reason"] = _("Zeg waarom het team de namen van medewerkers nodig "
                                    "heeft; anders worden ze niet bewaard.")
    attributes = list(attributes or [])
    if attribute_problem := _attribute_problem(attributes, header, chosen, teams):
        problems["attributes"] = attribute_problem
    if problems:
        raise ColumnProblems(problems)
    log.mapping = {**log.mapping, **chosen, "sample": [],  # the sample rows are not kept
                   "resource_kind": resource_kind, "attributes": attributes}
    log.keep_resources = bool((keep_resources or teams) and resource)
    log.keep_reason = keep_reason.strip() if log.keep_resources and not teams else ""
    log.status = EventLogStatus.QUEUED
    audit.record("event_log.columns", "event_log", log.id, project.id, actor=actor,
                 after={k: v for k, v in chosen.items()} | {
                     "keep_resources": log.keep_resources, "resource_kind": resource_kind,
                     "attributes": attributes})


MAX_ATTRIBUTES = 5


def _attribute_problem(attributes: list[str], header: list[str], chosen: dict[str, str],
                       teams: bool) -> str | None:
    """Why these attribute columns cannot be kept, or None."""
    if any(name not in header for name in attributes):
        return _("Kies kolommen uit het bestand.")
    if len(attributes) > MAX_ATTRIBUTES:
        return _("Kies hoogstens %(max)d kolommen om op te filteren.", max=MAX_ATTRIBUTES)
    taken = {name for role, name in chosen.items()
             if name and (role != "resource" or not teams)}
    if taken & set(attributes):
        return _("De zaak, de activiteit, de tijden en de namen van medewerkers zijn geen "
                 "kenmerk om op te filteren; kies bijvoorbeeld het kanaal, het team of het "
                 "zaaktype.")
    return None


class ColumnProblems(InvalidInput):
    """Columns that do not fit the file, each at its field of the columns form."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(problems)


def _events(log: EventLog, data: bytes):
    stream = io.BytesIO(data)
    if log.format == "xes":
        return parse.read_xes(stream, organisation_zone())
    m = log.mapping
    mapping = parse.Mapping(m["case"], m["activity"], m["timestamp"], m.get("end", ""),
                            m.get("resource", ""), tuple(m.get("attributes", ())))
    return parse.read_csv(stream, mapping, encoding=m["encoding"], delimiter=m["delimiter"],
                          zone=organisation_zone())


def run(log_id: int) -> None:
    """Read and analyse the log: its result kept, its file removed, whatever the outcome."""
    log = db.session.get(EventLog, log_id)
    if log is None or not log.status.is_busy:
        return
    data = db.session.scalar(select(EventLogFile.data).where(
        EventLogFile.event_log_id == log_id))
    log.status = EventLogStatus.RUNNING
    db.session.commit()

    def progress(read: int) -> None:
        db.session.execute(update(EventLog).where(EventLog.id == log_id)
                           .values(events_read=read))
        db.session.commit()

    try:
        if data is None:
            raise parse.LogError(_("Het bestand is er niet meer; importeer het opnieuw."))
        result, cases = analysis.analyse_with_cases(
            _events(log, data), log.keep_resources, progress, PROGRESS_EVERY,
            group_rare=log.mapping.get("group_rare", False), calendar=organisation_calendar(),
            attributes=tuple(log.mapping.get("attributes", ())))
    except parse.LogError as error:
        db.session.rollback()
        log = db.session.get(EventLog, log_id)
        log.status, log.error, log.result = EventLogStatus.FAILED, str(error), None
    else:
        log = db.session.get(EventLog, log_id)
        log.status, log.result, log.events_read = EventLogStatus.DONE, result, result["events"]
        db.session.add(EventLogCases(event_log_id=log_id, data=cases.packed()))
    log.finished_at = utcnow()
    db.session.execute(delete(EventLogFile).where(EventLogFile.event_log_id == log_id))
    db.session.commit()
    forget_deleted(db.session)


def forget_abandoned(now: datetime | None = None) -> int:
    """The periodic job: uploads left at the columns screen for a day lose their file and
    their first rows (case numbers, names); the log says why. How many."""
    abandoned = list(db.session.scalars(select(EventLog).where(
        EventLog.status == EventLogStatus.UPLOADED,
        EventLog.created_at < (now or utcnow()) - ABANDONED_AFTER)))
    for log in abandoned:
        log.status, log.finished_at = EventLogStatus.FAILED, utcnow()
        log.error = _("De kolommen zijn niet binnen een dag gekozen; het bestand en de "
                      "voorbeeldregels zijn daarom verwijderd. Importeer het opnieuw.")
        log.mapping = {**log.mapping, "sample": []}
        audit.record("event_log.abandoned", "event_log", log.id, log.project_id, actor=None,
                     after={"filename": log.filename})
    db.session.execute(delete(EventLogFile).where(
        EventLogFile.event_log_id.in_([log.id for log in abandoned])))
    db.session.commit()
    if abandoned:
        forget_deleted(db.session)
    return len(abandoned)


def case_tables(*logs: EventLog) -> dict[int, analysis.CaseTable]:
    """The kept tables of cases of these logs, by log id, in one query (a log read before
    they were kept has none)."""
    rows = db.session.execute(select(EventLogCases.event_log_id, EventLogCases.data).where(
        EventLogCases.event_log_id.in_([log.id for log in logs])))
    return {log_id: analysis.CaseTable.unpacked(data) for log_id, data in rows}


def comparison(before: EventLog, after: EventLog, unit: DurationUnit,
               criteria: filters.Criteria | None = None,
               tables: dict[int, analysis.CaseTable] | None = None) -> dict | None:
    """The lead times after the change against before (mining/statistics.py), in this unit,
    of the cases the filter selects in each log: made once per log it is measured against
    (and filter) and kept with the log after; None where a log has no table of cases (read
    before they were kept). A filter or calendar that does not fit both logs is refused
    (``filters.FilterMismatch``)."""
    working = unit is DurationUnit.WORKING
    filters.comparable(criteria, (before.result, after.result), working)
    key = f"{before.id}:{unit.value}" + (f":{criteria.digest()}" if criteria else "")
    kept = (after.comparison or {}).get(key)
    if kept is not None:
        return kept
    tables = tables if tables is not None else case_tables(before, after)
    if before.id not in tables or after.id not in tables:
        return None
    earlier, later = tables[before.id], tables[after.id]
    if criteria is not None:
        earlier = _selected(earlier, criteria, unit, _("van voor de verandering"))
        later = _selected(later, criteria, unit, _("van na de verandering"))
    change = statistics.lead_time_change(earlier.lead_in(unit), later.lead_in(unit))
    made = {"change": statistics.as_stored(change),
            **statistics.case_mix(earlier, later, before.result, after.result,
                                  organisation_zone())}
    prepare_to_write(db.session)  # made on a page view; kept for the next one
    after.comparison = {**(after.comparison or {}), key: made}
    return made


def _selected(table: analysis.CaseTable, criteria: filters.Criteria, unit: DurationUnit,
              side: str) -> analysis.CaseTable:
    keep = _selection(table, criteria, unit, side)
    filters.enough(keep, side)
    return table.subset(keep)


def _selection(table: analysis.CaseTable, criteria: filters.Criteria, unit: DurationUnit,
               side: str = ""):
    """The mask of the cases the filter selects, in the organisation's days and with the
    slowest share taken in ``unit``."""
    return filters.selected(table, criteria, organisation_zone(), table.lead_in(unit), side)


def conformance_of(project: Project, log: EventLog, unit: DurationUnit,
                   accepted: dict[str, AcceptedDeviation] | None = None,
                   criteria: filters.Criteria | None = None,
                   table: analysis.CaseTable | None = None) -> conformance.Conformance | None:
    """The log's cases (those the filter selects) checked against the desired process of
    step 8 (None: no desired process yet, or a log read before its paths were kept).
    ``accepted``, ``table``: the project's accepted deviations and the log's table of cases,
    where the caller has them already."""
    model = [conformance.ModelActivity(step.activity, step.optional, step.may_repeat,
                                       step.parallel)
             for step in process.steps_of(project, process.DESIRED)]
    if not model:
        return None
    table = table if table is not None else case_tables(log).get(log.id)
    if table is None or len(table.path) == 0:
        return None
    if criteria is not None:
        table = table.subset(_selection(table, criteria, unit))
    chosen = {name: to or None for name, to in log.mapping.get("model_names", {}).items()}
    accepted = accepted_deviations(project) if accepted is None else accepted
    return conformance.check(table, model, set(accepted), table.lead_in(unit), chosen)


def filtered(log: EventLog, row: EventLogFilter, unit: DurationUnit,
             table: analysis.CaseTable | None) -> dict:
    """The figures of the cases a saved filter selects (``filters.summary``)."""
    if table is None:
        raise filters.FilterMismatch(_("Dit eventlog is gelezen voordat de zaken werden "
                                       "bewaard; importeer het opnieuw om te filteren."))
    criteria = filters.Criteria.from_stored(row.criteria)
    return filters.summary(table, _selection(table, criteria, unit), table.lead_in(unit))


def filters_of(log: EventLog) -> list[EventLogFilter]:
    return list(db.session.scalars(select(EventLogFilter).where(
        EventLogFilter.event_log_id == log.id).order_by(EventLogFilter.name)))


def save_filter(log: EventLog, project: Project, actor: User, name: str,
                criteria: filters.Criteria) -> EventLogFilter:
    """A named filter kept with the log (who may and when: the view, as for importing)."""
    if log.status is not EventLogStatus.DONE:
        raise WorkflowError(_("Alleen een gelezen eventlog kan worden gefilterd."))
    name = name.strip()
    if not name:
        raise InvalidInput(_("Geef het filter een naam."), "name")
    if criteria == filters.Criteria():
        raise InvalidInput(_("Kies minstens één filter: een periode, een pad, een kenmerk "
                             "of de traagste zaken."))
    if criteria.first_day and criteria.last_day and criteria.first_day > criteria.last_day:
        raise InvalidInput(_("De einddatum ligt vóór de begindatum."), "last_day")
    existing = filters_of(log)
    if any(row.name.lower() == name.lower() for row in existing):
        raise InvalidInput(_("Er is al een filter met deze naam."), "name")
    if len(existing) >= filters.MAX_FILTERS:
        raise WorkflowError(_("Dit eventlog heeft al %(max)d filters; verwijder er eerst een.",
                              max=filters.MAX_FILTERS))
    row = EventLogFilter(event_log_id=log.id, name=name, criteria=criteria.as_stored(),
                         created_by_id=actor.id)
    try:
        with db.session.begin_nested():  # two at once with one name: one is kept
            db.session.add(row)
    except IntegrityError as error:
        raise InvalidInput(_("Er is al een filter met deze naam."), "name") from error
    audit.record("event_log.filter", "event_log", log.id, project.id, actor=actor,
                 after={"name": name, "filter": "; ".join(filters.describe(criteria))})
    return row


def delete_filter(log: EventLog, project: Project, actor: User, row: EventLogFilter) -> None:
    db.session.delete(row)
    audit.record("event_log.filter_delete", "event_log", log.id, project.id, actor=actor,
                 before={"name": row.name})


def accepted_deviations(project: Project) -> dict[str, AcceptedDeviation]:
    """The deviations the process owner accepted, by their key."""
    return {row.key: row for row in db.session.scalars(
        select(AcceptedDeviation).where(AcceptedDeviation.project_id == project.id)
        .order_by(AcceptedDeviation.accepted_at))}


def accept_deviation(project: Project, actor: User, key: str, reason: str) -> None:
    """The process owner allows a deviation, with the reason: its cases count as conforming
    from then on, in every log of the project, and the history keeps who and why."""
    require_open(project, Action.ACCEPT_DEVIATION, Step.EXECUTION)
    try:
        deviation = conformance.Deviation.from_key(key)
    except ValueError as error:
        raise InvalidInput(_("Dat is geen afwijking van dit eventlog.")) from error
    if not reason.strip():
        raise InvalidInput(_("Zeg waarom deze afwijking mag."), "reason")
    if key in accepted_deviations(project):
        raise WorkflowError(_("Deze afwijking is al aanvaard."))
    row = AcceptedDeviation(project_id=project.id, key=key[:450], reason=reason.strip(),
                            accepted_by_id=actor.id)
    try:
        with db.session.begin_nested():  # two at once: one is kept, the other hears so
            db.session.add(row)
    except IntegrityError as error:
        raise WorkflowError(_("Deze afwijking is al aanvaard.")) from error
    audit.record("conformance.accept", "accepted_deviation", row.id, project.id, actor=actor,
                 after={"deviation": deviation_words(deviation), "reason": row.reason})


def may_import(access: ProjectAccess, purpose: str) -> bool:
    """Whether this person may import a log of this purpose now, and so carry on with one:
    choose its columns, match its names, keep its filters (``import_action``, in its
    window)."""
    return access.can(import_action(access.project, purpose),
                      step=EVENT_LOG_PURPOSES[purpose].step)


def section(access: ProjectAccess, purpose: str) -> dict:
    """What a page shows of the logs of this purpose (mining/_section.html): the logs, whether
    this person may import one now, and for the logs after the change how many cases follow
    the desired process. The process page (step 3), the evaluation and the borging show it."""
    logs = logs_of(access.project, purpose)
    context = {"event_logs": logs, "log_purpose": EVENT_LOG_PURPOSES[purpose],
               "may_import": may_import(access, purpose)}
    if purpose == "after":
        context |= {"conformance": latest_conformance(access.project, logs),
                    "deviation_words": deviation_words}
    return context


def latest_conformance(project: Project, logs: list[EventLog] | None = None
                       ) -> conformance.Conformance | None:
    """The latest read log after the change against the desired process, in calendar days
    (the evaluation and the implementation plan show it). ``logs``: the project's logs after
    the change, newest first, where the caller has them already."""
    after = (next((log for log in logs if log.status is EventLogStatus.DONE), None)
             if logs is not None else latest_done(project, "after"))
    return conformance_of(project, after, DurationUnit.CALENDAR) if after else None


def match_names(log: EventLog, project: Project, actor: User, chosen: dict[str, str]) -> None:
    """The team's matching of the log's activity names to the desired process ("": an
    activity outside it), kept with the log and in its history."""
    if log.purpose != "after" or log.status is not EventLogStatus.DONE:
        raise WorkflowError(_("Alleen een gelezen eventlog van na de verandering wordt aan het "
                              "gewenste proces getoetst."))
    desired = {step.activity for step in process.steps_of(project, process.DESIRED)}
    if any(to and to not in desired for to in chosen.values()):
        raise InvalidInput(_("Kies voor elke activiteit een activiteit uit het gewenste "
                             "proces, of „niet in het gewenste proces”."))
    log.mapping = {**log.mapping, "model_names": dict(chosen)}
    audit.record("event_log.names", "event_log", log.id, project.id, actor=actor,
                 after={"names": dict(chosen)})


def deviation_words(deviation: conformance.Deviation) -> str:
    """A deviation from the desired process in Dutch."""
    return {
        "missing": _("„%(a)s” ontbreekt"),
        "repeated": _("„%(a)s” meer dan eens (herhaald werk)"),
        "order": _("„%(a)s” na „%(b)s”, andersom dan het gewenste proces"),
        "extra": _("„%(a)s” staat niet in het gewenste proces"),
    }[deviation.kind] % {"a": deviation.activity, "b": deviation.other}


def period(log: EventLog) -> tuple[date, date]:
    result = log.result or {}
    return (clock.local_date(datetime.fromtimestamp(result["first"], UTC)),
            clock.local_date(datetime.fromtimestamp(result["last"], UTC)))


def figure(log: EventLog, key: str, unit: DurationUnit = DurationUnit.CALENDAR) -> float:
    group, name = FIGURES[key]
    result = log.result or {}
    if unit is DurationUnit.WORKING and "working" not in result:
        raise WorkflowError(_("Dit eventlog heeft geen cijfers in werkdagen (het is gelezen "
                              "voordat de app werkdagen telde, of beslaat te veel jaren). "
                              "Importeer het opnieuw."))
    value = analysis.in_unit(result, unit).get(group, {}).get(name)
    if value is None:
        raise WorkflowError(_("Dit eventlog heeft die waarde niet."))
    return round(float(value), 1)


def kpi_unit(kpi: Kpi) -> DurationUnit:
    """What a KPI counts its days in, as its unit says ("werkdagen", or "dagen"); a KPI in
    another unit takes no duration from an event log."""
    unit = kpi.unit.lower()
    if "werkdag" in unit or "working day" in unit:
        return DurationUnit.WORKING
    if "dag" in unit or "day" in unit:
        return DurationUnit.CALENDAR
    raise WorkflowError(_("De KPI „%(kpi)s” telt in „%(unit)s”, een doorlooptijd uit het "
                          "eventlog in dagen. Kies een KPI in dagen of werkdagen.",
                          kpi=kpi.name, unit=kpi.unit))


def _source(log: EventLog, key: str, unit: DurationUnit) -> str:
    first, last = period(log)
    return _("Eventlog %(file)s (%(cases)d zaken, %(first)s t/m %(last)s), %(figure)s in "
             "%(unit)s", file=log.filename, cases=log.result["cases"], first=first.isoformat(),
             last=last.isoformat(), figure=FIGURE_LABELS()[key], unit=_(unit.label))[:200]


def FIGURE_LABELS() -> dict[str, str]:
    return {"lead_median": _("mediane doorlooptijd"),
            "lead_p90": _("90e percentiel doorlooptijd"),
            "lead_mean": _("gemiddelde doorlooptijd")}


def take_as_baseline(project: Project, actor: User, log: EventLog, kpi: Kpi, key: str) -> None:
    """Step 3: a measured figure becomes the KPI's baseline, with where it comes from."""
    if log.purpose != "current" or log.status is not EventLogStatus.DONE:
        raise WorkflowError(_("Alleen een gelezen eventlog van het huidige proces geeft een "
                              "nulmeting."))
    require_open(project, Action.TAKE_MEASURED_BASELINE)
    unit = kpi_unit(kpi)
    audit.apply_changes(kpi, {"baseline_value": figure(log, key, unit),
                              "baseline_date": period(log)[1],
                              "baseline_source": _source(log, key, unit)},
                        action="kpi.baseline_measured", object_type="kpi",
                        project_id=project.id, actor=actor)


def record_as_result(project: Project, actor: User, log: EventLog, kpi: Kpi, key: str):
    """Step 10: a measured figure of the log after the change becomes the KPI's
    after-measurement (on the day of the log's last event)."""
    if log.purpose != "after" or log.status is not EventLogStatus.DONE:
        raise WorkflowError(_("Alleen een gelezen eventlog van na de verandering geeft een "
                              "nameting."))
    measured_on = min(period(log)[1], clock.today())
    return implementation.record_measurement(project, actor, kpi,
                                             value=figure(log, key, kpi_unit(kpi)),
                                             measured_on=measured_on)


@dataclass(frozen=True)
class Estimate:
    """The team's own picture of the current process (step 3), to set beside the measurement."""

    activities: int
    handovers: int
    lead_time_days: float
    wait_days: float
    work_days: float


def team_estimate(project: Project) -> Estimate | None:
    steps = process.steps_of(project)
    if not steps:
        return None
    summary = process.summary(steps)
    return Estimate(summary.steps, summary.handovers, summary.lead_time_days,
                    summary.wait_days, summary.work_days)
