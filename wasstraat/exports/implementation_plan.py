"""The implementation plan (implementatieplan) as a Word document: the process owner's order,
the planning per month, the method's chores, the evaluation and, once held, the results."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta

from docx.document import Document as DocxDocument
from sqlalchemy import func, select

from .. import clock, duties
from ..benefits import services as benefits
from ..extensions import db
from ..implementation import services as implementation
from ..mining import analysis
from ..mining import services as mining
from ..models import AuditEvent, ImplementationApproval, Project
from ..plans import services as plans
from ..projects import board
from ..reviews import services as reviews
from ..steps import gate
from ..steps import services as steps
from ..sustain import services as sustain
from ..workflow import (
    ActionStatus,
    Adoption,
    BenefitKind,
    EndReason,
    GateVerdict,
    Horizon,
    Role,
    Step,
)
from . import docx_base as d
from . import figures, improvement_plan
from .improvement_plan import Export


def filename(project: Project, number: int | None = None) -> str:
    suffix = f"-v{number}" if number else ""
    return f"implementatieplan-{d.slug(project.name)}{suffix}.docx"


def _approved(project: Project, items: list) -> tuple[ImplementationApproval | None, int | None]:
    """The approval that covers the plan as it is, and its number (the project's first, second,
    ... approval); None while the plan is a concept."""
    approval = implementation.latest_approval(project)
    if approval is None or approval.fingerprint != implementation.fingerprint(items):
        return None, None
    number = db.session.scalar(select(func.count()).select_from(ImplementationApproval).where(
        ImplementationApproval.project_id == project.id,
        ImplementationApproval.id <= approval.id))
    return approval, number


def build(project: Project, *, organisation: str, template: str | None,
          author: str, addressee: str = "") -> DocxDocument:
    items = implementation.items_of(project)
    approval, number = _approved(project, items)
    approved = approval is not None
    carried_out = plans.document_version(plans.versions_of(project))
    numbers = improvement_plan.numbering(project, carried_out)
    page = d.TitlePage(
        kind="Implementatieplan", organisation=organisation, project=project.name,
        product=project.product,
        version=f"{number}, {d.dutch_date(approval.approved_at)}" if approved else "concept",
        status="Goedgekeurd" if approved else "Concept",
        day=clock.local_date(approval.approved_at) if approved else clock.today(),
        details=(("Voert uit", f"verbeterplan versie {carried_out.number}"
                  if carried_out else "nog geen definitief verbeterplan"),
                 *improvement_plan.decision_lines(),
                 *((duties.role_name(role), improvement_plan.names(project, role))
                   for role in (Role.PROCESS_OWNER, Role.PROJECT_LEADER)),
                 ("Kenmerk", project.reference), improvement_plan.woo_line(project)))
    document = d.new_document(template, page, author)
    _carries_out(document, carried_out)
    _order(document, items, numbers)
    _deferred_and_dropped(document, items, numbers)
    _planning(document, items, numbers)
    _milestones(document, project, items, carried_out)
    _costs_and_capacity(document, project, items, numbers, carried_out)
    _risks(document, project, items, numbers, carried_out)
    _people_and_communication(document, project, items)
    _chores(document)
    _ended(document, project)
    _evaluation(document, project)
    _approval(document, project, approval, number)
    _gate_decisions(document, project)
    return document


def export(project: Project, **options: object) -> Export:
    _, number = _approved(project, implementation.items_of(project))
    return Export(filename(project, number), d.to_bytes(build(project, **options)))


def _label(item, numbers: dict[int, str]) -> str:
    """ "V3 Title": the improvement by the number it has in the plan carried out."""
    number = numbers.get(item.improvement_id)
    return f"{number} {item.improvement.title}" if number else item.improvement.title


def _carries_out(document: DocxDocument, version) -> None:
    """Which version of the improvement plan this plan carries out."""
    d.heading(document, "Opdracht", 1, new_page=True)
    if version is None:
        d.text(document, "", empty="Er is nog geen definitieve versie van het verbeterplan.")
        return
    said = f"Dit implementatieplan voert versie {version.number} van het verbeterplan uit"
    if version.approval is not None:
        said += (f", goedgekeurd door {version.approval.approver_name} op "
                 f"{d.dutch_date(version.approval.approved_at)}")
    d.text(document, said + ". De nummers V1, V2, … zijn die van dat verbeterplan.")


def _order(document: DocxDocument, items: list, numbers: dict[int, str]) -> None:
    d.heading(document, "Verbeteringen in volgorde van uitvoering", 1)
    taken = implementation.taken_over(items)
    if not taken:
        d.text(document, "", empty="Er zijn (nog) geen verbeteringen die worden uitgevoerd.")
        return
    by_id = {i.id: i for i in items}
    d.table(document, "De overgenomen verbeteringen in de volgorde van de "
            f"{duties.role_name_in_sentence(Role.PROCESS_OWNER)}",
            ("Nr.", "Verbetering", "Verantwoordelijke", "Start", "Einde", "Wacht op",
             "Status"),
            [(str(n), _label(i, numbers), i.responsible.name if i.responsible else "–",
              d.dutch_date(i.start_on) or "–", d.dutch_date(i.end_on) or "–",
              _label(by_id[i.waits_for_id], numbers) if i.waits_for_id in by_id else "–",
              i.status.label + (f": {i.blocked_reason}" if i.blocked_reason else ""))
             for n, i in enumerate(taken, start=1)],
            # Wide enough that no word breaks in the middle ("Verantwoordelijke").
            (1.3, 3.9, 3.3, 1.9, 1.9, 2.1, 1.6))


def _deferred_and_dropped(document: DocxDocument, items: list,
                          numbers: dict[int, str]) -> None:
    rest = [i for i in items if i.adoption is not Adoption.TAKEN_OVER]
    if not rest:
        return
    d.heading(document, "Uitgesteld en vervallen", 1)
    d.table(document, "Verbeteringen die zijn uitgesteld of vervallen, met de reden",
            ("Verbetering", "Besluit", "Tot wanneer of waarom"),
            [(_label(i, numbers), i.adoption.label,
              d.dutch_date(i.deferred_until) if i.adoption is Adoption.DEFERRED
              else i.drop_reason) for i in rest],
            (6, 3, 7))


MONTHS_PER_TABLE = 12
LONGEST_PLANNING = 120  # months (ten years); a longer one is cut with a note, never silently


def _planning(document: DocxDocument, items: list, numbers: dict[int, str]) -> None:
    """The whole period, however long, on landscape pages: a Gantt chart (a figure per
    page of 25 improvements) and, with the same facts, a table per twelve months."""
    timeline = implementation.timeline(items, limit=None)
    shown = timeline.months[:LONGEST_PLANNING]
    if not shown:
        d.heading(document, "Planning per maand", 1)
        d.text(document, "", empty="Er is nog niets gepland.")
        return
    d.landscape(document)
    d.heading(document, "Planning per maand", 1)
    bars = [figures.Bar(_label(item, numbers), item.start_on, item.end_on,
                        item.status is ActionStatus.DONE) for item, _cells in timeline.rows]
    pages = figures.gantt(bars, shown)
    for number, image in enumerate(pages):
        chunk = bars[number * figures.ROWS_PER_GANTT:(number + 1) * figures.ROWS_PER_GANTT]
        part = f" (deel {number + 1} van {len(pages)})" if len(pages) > 1 else ""
        d.figure(document, image,
                 title=f"Planning van {d.dutch_month(shown[0])} tot en met "
                       f"{d.dutch_month(shown[-1])}{part}; gearceerd is afgerond",
                 alt=figures.gantt_alt(chunk, shown))
    d.heading(document, "Planningstabellen", 2)
    d.text(document, "Een X betekent dat er in die maand aan de verbetering wordt gewerkt.")
    for start in range(0, len(shown), MONTHS_PER_TABLE):
        months = shown[start:start + MONTHS_PER_TABLE]
        period = f"{d.dutch_month(months[0])} tot en met {d.dutch_month(months[-1])}"
        d.table(document, f"Planning per maand, {period}: X is gepland",
                ("Verbetering", *(d.short_month(month) for month in months)),
                [(_label(item, numbers),
                  *("X" if planned else "" for planned in cells[start:start + len(months)]))
                 for item, cells in timeline.rows],
                (6, *([1.55] * len(months))))
    if len(timeline.months) > len(shown):
        d.text(document, f"De planning loopt door tot {d.dutch_month(timeline.months[-1])}; "
                         f"hierboven staan de eerste {LONGEST_PLANNING} maanden.")
    d.portrait(document)


def _milestones(document: DocxDocument, project: Project, items: list, carried_out) -> None:
    """The dates a board and the team steer by: the decisions taken, when each horizon's
    improvements are done, the evaluation and the borging's re-measurements."""
    rows: list[tuple[date, str]] = []
    if carried_out is not None and carried_out.approval is not None:
        rows.append((clock.local_date(carried_out.approval.approved_at),
                     f"Verbeterplan versie {carried_out.number} goedgekeurd door de "
                     f"{duties.role_name_in_sentence(Role.PROCESS_OWNER)}"))
    rows += [(decision.decided_on, f"{decision.board.label}: {decision.plan.label.lower()} "
                                   f"{decision.outcome.label.lower()} ({decision.reference})")
             for decision in board.decisions_of(project)]
    approval = implementation.latest_approval(project)
    if approval is not None:
        rows.append((clock.local_date(approval.approved_at),
                     "Implementatieplan vastgesteld door de "
                     f"{duties.role_name_in_sentence(Role.PROCESS_OWNER)}"))
    taken = implementation.taken_over(items)
    for horizon, label in ((Horizon.QUICK_WIN, "De snelle verbeteringen gereed"),
                           (Horizon.LONG_TERM, "De verbeteringen voor de lange termijn gereed")):
        ends = [i.end_on for i in taken if i.improvement.horizon is horizon and i.end_on]
        if ends:
            rows.append((max(ends), label))
    evaluation = implementation.evaluation_of(project)
    if evaluation is not None and evaluation.planned_on:
        rows.append((evaluation.planned_on, "Evaluatie: zijn de KPI's gehaald?"))
    seen: set[date] = set()
    for moment in sustain.moments_of(project, clock.today()):
        if moment.row.due_on not in seen:
            seen.add(moment.row.due_on)
            rows.append((moment.row.due_on, f"Hermeting van de KPI's ({moment.row.months} "
                                            f"maanden na afronding)"))
    d.heading(document, "Mijlpalen en beslismomenten", 1)
    if not rows:
        d.text(document, "", empty="Er zijn nog geen mijlpalen gepland.")
        return
    d.table(document, "Mijlpalen en beslismomenten, in de tijd",
            ("Datum", "Mijlpaal of beslismoment"),
            [(d.dutch_date(day), what) for day, what in sorted(rows, key=lambda r: r[0])],
            (3.5, 12.5))


def _costs_and_capacity(document: DocxDocument, project: Project, items: list,
                        numbers: dict[int, str], carried_out) -> None:
    """What each improvement costs (from the plan carried out) and brings (its expected
    benefit), the hours of the team's time each takes, and what the team managers said of
    their teams' capacity."""
    d.heading(document, "Kosten, baten en capaciteit", 1)
    entries = {i["id"]: i for i in carried_out.snapshot["improvements"]} if carried_out else {}
    taken = implementation.taken_over(items)
    expected = _expected_benefits(project)
    if taken:
        rows = [(_label(i, numbers), d.euro(entries.get(i.improvement_id, {}).get(
                    "cost_estimate")), d.euro(entries.get(i.improvement_id, {}).get(
                    "recurring_cost")), _hours(i.capacity_hours),
                 expected.get(i.improvement_id, "–")) for i in taken]
        one_off = [entries.get(i.improvement_id, {}).get("cost_estimate") for i in taken]
        recurring = [entries.get(i.improvement_id, {}).get("recurring_cost") for i in taken]
        rows.append((d.Lead("Totaal"), _total(one_off, d.euro, "geraamd"),
                     _total(recurring, d.euro, "geraamd"),
                     _total([i.capacity_hours for i in taken], _hours, "geschat"), ""))
        d.table(document, "Kosten, capaciteit en verwachte baten per verbetering",
                ("Verbetering", "Eenmalig", "Structureel per jaar", "Capaciteit",
                 "Verwachte baat per jaar"), rows, (5, 2.4, 2.6, 2.3, 3.7))
    contributions = implementation.contributions_of(project)
    d.heading(document, "Capaciteit en inbreng van het team", 2)
    if not contributions:
        d.text(document, "", empty="Er is (nog) geen inbreng over capaciteit, planning of "
                                   "afhankelijkheden vastgelegd.")
    for contribution in contributions:
        who = contribution.author.name if contribution.author else "–"
        d.label_value(document, ((f"{who} ({duties.role_name_in_sentence(contribution.role)}), "
                                  f"{d.dutch_date(contribution.created_at)}",
                                  contribution.text),))


def _hours(value: int | None) -> str:
    return "–" if value is None else f"{d.number(value)}\u00a0uur"


def _total(values: list[int | None], said: Callable[[int], str], estimated: str) -> str:
    """The sum of what is known, saying how many are not ("niet geraamd", "niet geschat")."""
    known = [v for v in values if v is not None]
    if not known:
        return f"nog niet {estimated}"
    missing = len(values) - len(known)
    return said(sum(known)) + (f" ({missing} niet {estimated})" if missing else "")


def _expected_benefits(project: Project) -> dict[int, str]:
    """Per improvement, what it should bring per year, in words."""
    said: dict[int, list[str]] = {}
    for benefit in benefits.of_project(project):
        if benefit.kind is BenefitKind.EUROS and benefit.expected is not None:
            text = d.euro(round(benefit.expected))
        elif benefit.kind is BenefitKind.HOURS and benefit.expected is not None:
            text = f"{d.number(benefit.expected)} uur"
        else:
            text = d.clean(benefit.description).strip().split("\n")[0] or "kwaliteit"
        said.setdefault(benefit.improvement_id, []).append(text)
    return {key: "; ".join(values) for key, values in said.items()}


def _risks(document: DocxDocument, project: Project, items: list, numbers: dict[int, str],
           carried_out) -> None:
    """What can hold the plan up and what is done about it: the plan's risks, the specialists'
    conditions, and the actions blocked now with their reason."""
    d.heading(document, "Risico's en maatregelen", 1)
    risks = (carried_out.snapshot["texts"].get("risks") if carried_out else "") or ""
    d.text(document, risks)
    registered = carried_out.snapshot.get("risks", []) if carried_out else []
    if registered:
        improvement_plan.risk_table(
            document, "Risico's uit het verbeterplan, met maatregel en eigenaar", registered)
    conditions = [(review.domain_info.label, review.conditions)
                  for review in reviews.latest_by_domain(reviews.reviews_of(project)).values()
                  if review.is_signed and review.conditions.strip()]
    if conditions:
        d.table(document, "Voorwaarden van de specialisten, om aan te voldoen bij de uitvoering",
                ("Specialist", "Voorwaarde"), conditions, (4, 12))
    blocked = [i for i in implementation.taken_over(items) if i.status is ActionStatus.BLOCKED]
    if blocked:
        d.table(document, "Verbeteringen die nu vastlopen, met de reden",
                ("Verbetering", "Wat het tegenhoudt"),
                [(_label(i, numbers), i.blocked_reason or "–") for i in blocked], (6, 10))
    if not (risks.strip() or registered or conditions or blocked):
        d.text(document, "", empty="Er zijn geen risico's of voorwaarden vastgelegd.")


def _people_and_communication(document: DocxDocument, project: Project, items: list) -> None:
    """Who the change touches and who tells them: the teams and people carrying actions out,
    and the communication of the change."""
    d.heading(document, "Betrokkenen en communicatie", 1)
    carrying = Counter(item.responsible.name for item in implementation.taken_over(items)
                       if item.responsible is not None)
    d.label_value(document, (
        ("Teammanagers van de betrokken teams",
         improvement_plan.names(project, Role.TEAM_MANAGER)),
        ("Uitvoerenden", "; ".join(f"{name} ({d.counted(n, 'verbetering', 'verbeteringen')})"
                                   for name, n in sorted(carrying.items())) or "–"),
        ("Communicatieadviseur", improvement_plan.names(project, Role.COMMUNICATION)),
    ))
    confirmed = steps.confirmations_by_key(project).get("communicated")
    if confirmed is None:
        d.text(document, "", empty="Hoe de verandering aan medewerkers en inwoners wordt "
                                   "gecommuniceerd, is nog niet bevestigd (stap 10).")
        return
    variant = next((v.label for v in Step.EXECUTION.definition.product("communicated").variants
                    if v.key == confirmed.variant), "")
    d.label_value(document, (("Gecommuniceerd", "; ".join(filter(None, (
        variant, d.clean(confirmed.note).strip().rstrip("."),
        f"bevestigd door {confirmed.confirmed_by.name} op "
        f"{d.dutch_date(confirmed.confirmed_at)}")))),))


def _chores(document: DocxDocument) -> None:
    d.heading(document, "Borgen: training, documentatie en communicatie", 1)
    d.text(document, "Naast de verbeteringen horen bij de uitvoering deze taken uit de "
                     "wasstraat-methode:")
    d.bullets(document, (f"{template.title} ({duties.role_name(template.role)})"
                         for template in Step.EXECUTION.definition.tasks))


def _ended(document: DocxDocument, project: Project) -> None:
    """What was not finished when its step closed, and why the closer ended it."""
    tasks, actions = implementation.ended_at_close(project)
    if not (tasks or actions):
        return
    d.heading(document, "Niet afgemaakt, met reden beëindigd", 1)
    d.text(document, "Wat bij het afronden van een stap nog niet af was, en waarom het niet "
                     "meer gebeurt. Wat naar de vervolgcyclus gaat, is het begin van de "
                     "volgende ronde.")
    rows = [(f"Actie: {item.title}", Step.EXECUTION.definition.name,
             _reason(item.end_reason, item.end_note)) for item in actions]
    rows += [(f"Taak: {task.title}", task.step.definition.name,
              _reason(task.end_reason, task.end_note)) for task in tasks]
    d.table(document, "Beëindigd werk en de reden", ("Werk", "Stap", "Reden"), rows,
            (7, 4.5, 5.5))


def _reason(reason: EndReason, note: str) -> str:
    return note if reason is EndReason.OTHER else reason.label


def _evaluation(document: DocxDocument, project: Project) -> None:
    d.heading(document, "Evaluatie en KPI's", 1)
    evaluation = implementation.evaluation_of(project)
    if evaluation is None:
        d.text(document, "", empty="Er is nog geen evaluatiemoment gepland.")
    else:
        d.label_value(document, (("Evaluatiemoment", d.dutch_date(evaluation.planned_on)),
                                 ("Door", evaluation.owner.name if evaluation.owner else "–")))
    results = implementation.kpi_results([project.id]).get(project.id, [])
    if results:
        _kpi_results(document, results)
    else:
        d.text(document, "", empty="Er zijn geen KPI's om te meten.")
    _measured_change(document, project)
    if evaluation is not None and evaluation.lessons:
        d.heading(document, "Geleerde lessen", 2)
        d.text(document, evaluation.lessons)


def _kpi_results(document: DocxDocument, results) -> None:
    """The KPIs to measure: a figure of those measured, and the table of all."""
    measured = [r for r in results if r.after is not None]
    if measured:
        bars = [figures.KpiBars(r.kpi.name, r.kpi.unit, r.kpi.baseline_value,
                                r.kpi.target_value, r.after.value) for r in measured]
        for start in range(0, len(bars), 9):  # at most three rows of panels per figure
            chunk = bars[start:start + 9]
            d.figure(document, figures.kpi_chart(chunk),
                     title="KPI's: nulmeting, doel en nameting", alt=figures.kpi_alt(chunk))
    d.table(document, "De KPI's om te meten: definitie, nulmeting, doel en nameting",
            ("KPI en definitie", "Nulmeting", "Doel", "Nameting", "Doel gehaald"),
            [(d.Lead(f"{r.kpi.name} ({r.kpi.unit})", r.kpi.definition),
              d.number(r.kpi.baseline_value), d.number(r.kpi.target_value),
              f"{d.number(r.after.value)}\n{d.dutch_date(r.after.measured_on)}"
              if r.after else "nog niet gemeten",
              {True: "ja", False: "nee", None: "–"}[r.reached]) for r in results],
            (6, 2.3, 2.3, 3, 2.4))


def _measured_change(document: DocxDocument, project: Project) -> None:
    """The process measured before (step 3) and after the change (step 10) from event logs."""
    before, after = mining.latest_done(project, "current"), mining.latest_done(project, "after")
    if after is None or before is None:
        return
    compared = analysis.compare(before.result, after.result)
    d.heading(document, "Gemeten vóór en na de verandering", 2)
    d.figure(document, figures.lead_times(before.result["histogram"], after.result["histogram"]),
             title="Doorlooptijd per zaak vóór en na de verandering",
             alt=figures.lead_times_alt(before.result, after.result))
    lead = compared["lead_time"]
    d.table(document, "Doorlooptijd en wachten uit de eventlogs, in dagen",
            ("", "Vóór", "Na"),
            [("Doorlooptijd, mediaan", d.number(round(lead["before"]["median"], 1)),
              d.number(round(lead["after"]["median"], 1))),
             ("Doorlooptijd, 90e percentiel", d.number(round(lead["before"]["p90"], 1)),
              d.number(round(lead["after"]["p90"], 1))),
             ("Wachten per zaak", d.number(compared["waiting_per_case"]["before"]),
              d.number(compared["waiting_per_case"]["after"]))], (8, 4, 4))
    if compared["variants_gone"]:
        d.text(document, f"{len(compared['variants_gone'])} paden van vóór de verandering komen "
                         f"niet meer voor ({compared['cases_on_gone_paths']} zaken namen ze).")
    _conformance(document, project)


def _conformance(document: DocxDocument, project: Project) -> None:
    """How many cases after the change follow the desired process, and the commonest ways
    they do not (with the lead time of the cases with and without)."""
    checked = mining.latest_conformance(project)
    if checked is None:
        return
    d.text(document, f"{d.number(round(checked.rate * 100, 1))}% van de zaken na de "
                     f"verandering volgt het gewenste proces ({checked.conforming} van "
                     f"{checked.cases}).")
    rows = [(mining.deviation_words(s.deviation) + (" (aanvaard)" if s.accepted else ""),
             f"{s.cases} ({d.number(round(s.share * 100, 1))}%)",
             d.number(round(s.lead_with, 1)) if s.lead_with is not None else "–",
             d.number(round(s.lead_without, 1)) if s.lead_without is not None else "–")
            for s in checked.deviations[:5]]
    if rows:
        d.table(document, "Afwijkingen van het gewenste proces, met de mediane doorlooptijd "
                          "in dagen van de zaken met en zonder",
                ("Afwijking", "Zaken", "Met", "Zonder"), rows, (8, 3, 2.5, 2.5))


def _approval(document: DocxDocument, project: Project,
              approval: ImplementationApproval | None, number: int | None) -> None:
    """The signature block: who approved which version, when in the organisation's time, and
    the approval's line in the audit trail (``flask documents verify`` checks the kept file)."""
    d.heading(document, "Vaststelling", 1)
    if approval is None:
        d.text(document, "", empty=f"De {duties.role_name_in_sentence(Role.PROCESS_OWNER)} "
                                   "heeft dit plan (in deze vorm) nog niet vastgesteld.")
        return
    event = db.session.scalar(select(AuditEvent.id).where(
        AuditEvent.project_id == project.id, AuditEvent.action == "implementation.approve",
        AuditEvent.at <= approval.approved_at + timedelta(minutes=1))
        .order_by(AuditEvent.id.desc()).limit(1))
    d.label_value(document, (
        ("Vastgesteld door", f"{approval.approver_name} "
                             f"({duties.role_name_in_sentence(Role.PROCESS_OWNER)})"),
        ("Versie", str(number)),
        ("Datum en tijd", d.dutch_moment(approval.approved_at)),
        ("Kenmerk in de audittrail", f"#{event}" if event else "–"),
        ("Vastgelegd", f"in Wasstraat; versie {number} is bewaard zoals die is "
                       "vastgesteld en blijft bij elke download gelijk")))


def _gate_decisions(document: DocxDocument, project: Project) -> None:
    """Every go and no-go given at the project's gates, with its reason: who let the plans
    through, and what was sent back first."""
    decisions = gate.decisions_of(project)
    if not decisions:
        return
    d.heading(document, "Besluitvorming: go en no-go", 1)
    d.text(document, "De stappen waar de organisatie een go vraagt, worden pas afgerond na "
                     "een go van de beslisser. Een no-go stuurt het werk terug naar het team, "
                     "met de reden.")
    rows = [(d.dutch_date(decision.decided_at), decision.step.definition.name,
             f"{decision.decider_name} ({duties.role_name_in_sentence(decision.role)})",
             "go" if decision.verdict is GateVerdict.GO else "no-go",
             decision.reason or "–") for decision in decisions]
    d.table(document, "Go en no-go per stap", ("Datum", "Stap", "Wie", "Besluit", "Toelichting"),
            rows, (2.8, 3.6, 3.6, 1.6, 5.4))
