"""The A3 for the steering group: the whole project on one landscape A3 page, in the Toyota
structure. The left half is the problem: the background, the current condition and the cause
analysis. The right half is the answer: the target condition, the plan, and the follow-up.

Built from the project's data as it stands, at any step from 6 on. Each part is cut to what
fits: the first paragraph of a text, the first few findings, and the improvements up to
:data:`LISTED` (past that the first :data:`SHOWN_WHEN_MORE` and how many more), so a project
with 40 improvements still fits on one page."""

from __future__ import annotations

from collections import Counter

from docx.document import Document as DocxDocument
from sqlalchemy import select

from .. import clock, duties
from ..extensions import db
from ..implementation import services as implementation
from ..implementation.services import PlanLine
from ..kpis import services as kpis
from ..mining import services as mining
from ..models import Project, User
from ..plans import services as plans
from ..process import services as process
from ..sessions import services as sessions
from ..sustain import services as sustain
from ..workflow import WASTES, Horizon, KpiVerdict, Role, Step
from . import docx_base as d
from .improvement_plan import Export, desired_in_words, names, numbers_in

LISTED = 40  # improvements named in full
SHOWN_WHEN_MORE = 30  # named when there are more than LISTED; the rest are counted
FINDINGS_SHOWN = 5
KPIS_SHOWN = 8
TEXT_LIMIT = 420  # characters of a typed text: its first paragraph, cut at a word
LINE_LIMIT = 55  # characters of a title or a finding: about a line of its column
# The answer (target, plan, follow-up) starts at the top of the right half while the plan
# fits there; a longer plan flows on from the left half. (Not balanced by a closing section
# break: LibreOffice then moves a table that would fit onto a second page.)
RIGHT_HALF_ROWS = 16
A3_CM = (42.0, 29.7)
MARGIN_CM = 1.2
HALF_GAP_CM = 1.0
# The verdict in words, with a fill beside it (never colour alone).
VERDICT_FILL = {KpiVerdict.REACHED: "D5EFD8", KpiVerdict.NOT_REACHED: "F8D7D3",
                KpiVerdict.MEASURED: "E6E6E6", KpiVerdict.TO_MEASURE: "FFFFFF"}
HORIZON_WORDS = {Horizon.QUICK_WIN: "snel", Horizon.LONG_TERM: "lange termijn"}


def filename(project: Project) -> str:
    return f"a3-{d.slug(project.name)}.docx"


def export(project: Project, **options: object) -> Export:
    return Export(filename(project), d.to_bytes(build(project, **options)))


def build(project: Project, *, organisation: str, template: str | None, author: str,
          addressee: str = "") -> DocxDocument:
    del addressee  # the A3 goes to the steering group, whoever the plans are addressed to
    today = clock.today()
    latest = plans.latest_version(project)
    basis = (f"verbeterplan versie {latest.number}" if latest else "verbeterplan, concept")
    page = d.TitlePage(kind="A3", organisation=organisation, project=project.name,
                       product=project.product, version=f"stand {d.dutch_date(today)}",
                       status="Ter informatie", day=today)
    document = d.new_sheet(template, page, author, size_cm=A3_CM, margin_cm=MARGIN_CM)
    document.add_paragraph(d.clean(f"A3: {project.name}"), style="Title")
    document.add_paragraph(d.clean(
        f"{organisation} · kenmerk {project.reference} · "
        f"{duties.role_name_in_sentence(Role.PROCESS_OWNER)} "
        f"{names(project, Role.PROCESS_OWNER)} · "
        f"{duties.role_name_in_sentence(Role.PROJECT_LEADER)} "
        f"{names(project, Role.PROJECT_LEADER)} · {_where(project)} · stand van "
        f"{d.dutch_date(today)}, {basis}"), style="Subtitle")
    d.columns(document, 2, HALF_GAP_CM)
    data = plans.current_snapshot(project)
    improvements = _in_order(project, data)
    _background(document, project, data)
    _current_condition(document, project)
    _causes(document, project, data)
    _target(document, project, new_column=len(improvements) <= RIGHT_HALF_ROWS)
    _plan(document, project, improvements)
    _follow_up(document, project, today)
    return document


def _where(project: Project) -> str:
    step = project.current_step
    if step is None:
        return "afgerond"
    return f"stap {int(step)} van 10 ({step.definition.name.lower()})"


def _short(value: str | None, limit: int = TEXT_LIMIT) -> str:
    """The first paragraph of a typed text, cut at a word when it is long (the A3 is a
    summary; the plans have the whole text)."""
    first = d.clean(value).strip().split("\n\n")[0].strip()
    if len(first) <= limit:
        return first
    cut = first[:limit]
    return (cut.rsplit(" ", 1)[0] if " " in cut[limit // 2:] else cut).rstrip(",;:. ") + " …"


def _part(document: DocxDocument, number: int, title: str, *, new_column: bool = False) -> None:
    paragraph = d.heading(document, f"{number}. {title}", 2, numbered=False)
    if new_column:  # the answer starts at the top of the right half
        d.column_break(paragraph)


# --- The problem -------------------------------------------------------------------------------

def _background(document: DocxDocument, project: Project, data: dict) -> None:
    _part(document, 1, "Achtergrond")
    d.text(document, _short(data["texts"].get("context") or project.assignment),
           empty="De aanleiding is niet beschreven.")
    goal = _short(data["texts"].get("scope"))
    if goal:
        d.label_value(document, (("Doel", goal),))


def _current_condition(document: DocxDocument, project: Project) -> None:
    _part(document, 2, "Huidige situatie")
    steps = process.steps_of(project)
    said = []
    if steps:
        summary = process.summary(steps)
        said.append(f"Het proces telt {d.counted(summary.steps, 'activiteit', 'activiteiten')} en "
                    f"{d.counted(summary.handovers, 'overdracht', 'overdrachten')}; volgens de "
                    f"schatting van het team duurt het "
                    f"{d.counted(round(summary.lead_time_days, 1), 'werkdag', 'werkdagen')}.")
    log = mining.latest_done(project, "current")
    if log is not None:
        result = log.result
        said.append(f"Gemeten in het zaaksysteem ({result['cases']} zaken): de doorlooptijd is "
                    f"in de mediaan {_days(result['lead_time']['median'])}, bij 90% van de "
                    f"zaken hoogstens {_days(result['lead_time']['p90'])}.")
    d.text(document, " ".join(said), empty="Het proces is nog niet in kaart gebracht.")
    measured = [k for k in kpis.kpis_of(project) if k.baseline_value is not None]
    if measured:
        d.label_value(document, (("Nulmeting", "; ".join(
            f"{k.name} {d.number(k.baseline_value)} {k.unit}" for k in measured)),))
    wastes = Counter(w for step in steps for w in step.wastes or [] if w in WASTES)
    if wastes:
        d.label_value(document, (("Verspilling", "; ".join(
            f"{WASTES[key].lower()} ({d.counted(n, 'activiteit', 'activiteiten')})"
            for key, n in wastes.most_common())),))


def _causes(document: DocxDocument, project: Project, data: dict) -> None:
    _part(document, 3, "Oorzaken")
    d.text(document, _short(data["texts"].get("findings")))
    found = [f.text for step in Step for _session, f in sessions.findings_of(project, step)]
    d.bullets(document, (_short(text, LINE_LIMIT) for text in found[:FINDINGS_SHOWN]))
    if len(found) > FINDINGS_SHOWN:
        d.text(document, f"En nog {len(found) - FINDINGS_SHOWN} bevindingen; het verbeterplan "
                         f"noemt ze alle.")
    if not found and not data["texts"].get("findings"):
        d.text(document, "", empty="Er zijn nog geen bevindingen vastgelegd.")


# --- The answer --------------------------------------------------------------------------------

def _target(document: DocxDocument, project: Project, *, new_column: bool) -> None:
    _part(document, 4, "Doelsituatie", new_column=new_column)
    targets = [k for k in kpis.kpis_of(project) if k.target_value is not None][:KPIS_SHOWN]
    if targets:
        d.table(document, "De KPI's: nu en het doel",
                ("KPI", "Nulmeting", "Doel", "Uiterlijk"),
                [(f"{k.name} ({k.unit})", d.number(k.baseline_value), d.number(k.target_value),
                  d.dutch_date(k.target_date) if k.target_date else "–") for k in targets],
                (8.5, 3, 3, 4))
    else:
        d.text(document, "", empty="Er zijn nog geen streefwaarden vastgelegd.")
    desired = process.steps_of(project, process.DESIRED)
    if desired:
        d.text(document, desired_in_words(process.compare(process.steps_of(project), desired)))


def _in_order(project: Project, data: dict) -> list[tuple[str, dict, PlanLine | None]]:
    """The improvements in the plan with their number, in the process owner's order once
    there is one (step 9), else by number."""
    numbers = numbers_in(data)
    lines = {line.improvement_id: line for line in implementation.plan_lines(project)}
    rows = [(numbers[i["id"]], i, lines.get(i["id"])) for i in data["improvements"]
            if i["id"] in numbers]
    return sorted(rows, key=lambda row: (row[2].position if row[2] else 10**9,
                                         int(row[0][1:])))


def _plan(document: DocxDocument, project: Project,
          improvements: list[tuple[str, dict, PlanLine | None]]) -> None:
    _part(document, 5, "Plan")
    if not improvements:
        d.text(document, "", empty="Er staan nog geen verbeteringen in het plan.")
        return
    shown = improvements if len(improvements) <= LISTED else improvements[:SHOWN_WHEN_MORE]
    people = _names({line.responsible_id for _n, _i, line in shown if line})
    d.table(document, "De verbeteringen, in volgorde van uitvoering",
            ("Nr.", "Verbetering", "Termijn", "Wie", "Gereed"),
            [(number, _short(item["title"], LINE_LIMIT),
              HORIZON_WORDS.get(item["horizon"], "–"),
              people.get(line.responsible_id, "–") if line else "–",
              d.short_month(line.end_on) if line and line.end_on else "–")
             for number, item, line in shown],
            (1.1, 9.0, 2.6, 4.6, 1.9))
    if len(improvements) > len(shown):
        d.text(document, f"En nog {len(improvements) - len(shown)} verbeteringen; het "
                         f"verbeterplan noemt ze alle.")


def _names(ids: set[int | None]) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())


def _follow_up(document: DocxDocument, project: Project, today) -> None:
    _part(document, 6, "Opvolging")
    results = implementation.kpi_results([project.id]).get(project.id, [])[:KPIS_SHOWN]
    if results:
        table = d.table(document, "De KPI's na de verandering",
                        ("KPI", "Doel", "Nameting", "Stand"),
                        [(f"{r.kpi.name} ({r.kpi.unit})", d.number(r.kpi.target_value),
                          f"{d.number(r.after.value)} ({d.dutch_date(r.after.measured_on)})"
                          if r.after else "–", r.verdict.label) for r in results],
                        (6.5, 2.5, 4.5, 5))
        for row, result in zip(table.rows[1:], results, strict=True):
            d.shade(row.cells[-1], VERDICT_FILL[result.verdict])
    evaluation = implementation.evaluation_of(project)
    said = []
    if evaluation is not None and evaluation.planned_on:
        said.append(f"Evaluatie: {d.dutch_date(evaluation.planned_on)}.")
    moments = sustain.moments_of(project, today)
    open_ = [m for m in moments if m.state.is_open]
    if open_:
        said.append(f"Borging: {len(moments) - len(open_)} van {len(moments)} hermetingen "
                    f"gedaan; de volgende op {d.dutch_date(open_[0].row.due_on)}.")
    elif moments:
        said.append(f"Borging afgerond: alle {len(moments)} hermetingen gedaan of met reden "
                    f"beëindigd.")
    d.text(document, " ".join(said), empty="" if results else "Nog niets te volgen.")


def _days(value: float) -> str:
    return d.counted(round(value, 1), "dag", "dagen")

