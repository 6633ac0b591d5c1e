"""The improvement plan (verbeterplan) as a Word document: the current draft or any frozen
version, as a decision document the process owner signs and sends to the directie or the
college. The order follows what a board reads: cover, version history, a one-page summary
with the decisions asked, then the substance, the specialists' advice, risks, the decision
with its signature block, and an appendix."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from docx.document import Document as DocxDocument

from .. import clock, duties
from ..formulas import services as formulas
from ..implementation import services as implementation
from ..journey import services as journey
from ..kpis import services as kpis
from ..mining import services as mining
from ..models import PlanApproval, PlanVersion, Project, Review
from ..plans import services as plans
from ..process import services as process
from ..reviews import services as reviews
from ..risks import services as risk_services
from ..sessions import services as sessions
from ..workflow import (
    DPIA_CRITERIA,
    EXPERIENCE_SCORES,
    JOURNEY_SOURCES,
    PLAN_SECTIONS,
    SCORE_SCALE,
    SERVICE_PS,
    STEPS,
    SUMMARY_RISKS,
    WASTES,
    Decision,
    Horizon,
    PlanDecider,
    RiskLevel,
    Role,
    Step,
    StepStatus,
)
from . import docx_base as d
from . import figures, glossary

TEXTS = {section.key: section.document_title or section.title for section in PLAN_SECTIONS}


@dataclass(frozen=True)
class Export:
    filename: str
    content: bytes
    # Set for a stored (signed) document, whose bytes never change: a client that keeps a
    # copy may ask "still this one?" and get 304 without the file.
    etag: str | None = None


def filename(project: Project, version: PlanVersion | None) -> str:
    suffix = f"v{version.number}" if version else "concept"
    return f"verbeterplan-{d.slug(project.name)}-{suffix}.docx"


def status(version: PlanVersion | None) -> str:
    """The draft is a concept; a version frozen for the specialists is "Ter toetsing"."""
    if version is None:
        return "Concept"
    if not version.is_final:
        return "Ter toetsing"
    return "Goedgekeurd" if version.approval is not None else "Definitief"


# Who decides, as the documents name them in a sentence (the organisation's choice, duties.py).
BOARDS = {PlanDecider.MANAGEMENT: "het directieteam",
          PlanDecider.COLLEGE: "het college van burgemeester en wethouders"}


def decider_in_sentence(decider: PlanDecider) -> str:
    """"de proceseigenaar" (by the organisation's name for the role), or the board."""
    if decider is PlanDecider.OWNER:
        return f"de {_owner()}"
    return BOARDS[decider]


def _owner() -> str:
    return duties.role_name_in_sentence(Role.PROCESS_OWNER)


def _capital(text: str) -> str:
    """At the start of a sentence (not ``str.capitalize``, which lowers an "ICT" after it)."""
    return text[:1].upper() + text[1:]


def decider() -> PlanDecider:
    return duties.settings().plan_decider


def decision_lines() -> tuple[tuple[str, str], ...]:
    """The cover's lines on who decides: the decider, and the portfolio holder if named."""
    rules = duties.settings()
    lines = [("Ter besluitvorming aan", _capital(decider_in_sentence(rules.plan_decider))
              + (" (onder mandaat)" if rules.plan_decider is PlanDecider.OWNER else ""))]
    if rules.portfolio_holder:
        lines.append(("Portefeuillehouder", rules.portfolio_holder))
    return tuple(lines)


def woo_line(project: Project) -> tuple[str, str]:
    """The cover's line on openbaarheid (Woo)."""
    if project.woo_public:
        return ("Openbaarheid (Woo)", "openbaar")
    return ("Openbaarheid (Woo)", f"niet (volledig) openbaar: {d.clean(project.woo_reason)}")


def names(project: Project, role: Role) -> str:
    return ", ".join(sorted(user.name for user in project.holders(role))) or "–"


@dataclass(frozen=True)
class Plan:
    """What the chapters share: the plan's data, its numbering and the improvements in it."""

    project: Project
    version: PlanVersion | None
    data: dict
    numbers: dict[int, str]  # improvement id -> "V3"
    quick_wins: list[dict]
    long_term: list[dict]

    @property
    def in_plan(self) -> list[dict]:
        return self.quick_wins + self.long_term

    @property
    def approval(self) -> PlanApproval | None:
        return self.version.approval if self.version else None

    @cached_property
    def costs(self) -> tuple[str, str]:
        """Total one-off and yearly recurring costs, saying how many were estimated."""
        rows, said = self.in_plan, []
        for key, suffix in (("cost_estimate", ""), ("recurring_cost", " per jaar")):
            known = [i[key] for i in rows if i.get(key) is not None]
            if not known:
                said.append("nog niet geraamd")
                continue
            text = d.euro(sum(known)) + suffix
            if len(known) < len(rows):
                text += (f" (geraamd voor {len(known)} van de {len(rows)} verbeteringen; nog "
                         f"niet geraamd: {self._named([i for i in rows if i.get(key) is None])})")
            said.append(text)
        return said[0], said[1]

    def _named(self, rows: list[dict], shown: int = 5) -> str:
        """The improvements by number, the first few and how many more (a board reads which
        costs are still unknown, not only how many)."""
        names = [self.numbers[i["id"]] for i in rows]
        more = len(names) - shown
        return ", ".join(names[:shown]) + (f" en {more} meer" if more > 0 else "")

    def dropped(self) -> list[dict]:
        return [i for i in self.data["improvements"]
                if i["decision"] == Decision.NOT_PURSUED]

    def merged(self) -> list[dict]:
        return [i for i in self.data["improvements"] if i["decision"] == Decision.MERGED]


def _plan(project: Project, version: PlanVersion | None) -> Plan:
    data = version.snapshot if version else plans.current_snapshot(project)
    quick, long_term = _by_horizon(data)
    return Plan(project, version, data, _numbered(quick, long_term), quick, long_term)


def _by_horizon(data: dict) -> tuple[list[dict], list[dict]]:
    rows = plans.snapshot_groups(data)[1]
    return rows["quick_wins"], rows["long_term"]


def _numbered(quick: list[dict], long_term: list[dict]) -> dict[int, str]:
    # V1, V2, ...: quick wins first; the same number wherever the plan names an improvement.
    return {i["id"]: f"V{n}" for n, i in enumerate(quick + long_term, start=1)}


def numbers_in(data: dict) -> dict[int, str]:
    """Improvement id -> its number in the plan ``data`` (a snapshot): V1, V2, ..."""
    return _numbered(*_by_horizon(data))


def spans(names: list[str], shown: int = 20) -> str:
    """Improvement numbers with runs written as one span ("V1 tot en met V120, V131"), at
    most ``shown`` parts and then how many more: a plan of hundreds of improvements never
    prints a bullet of hundreds of numbers (its tables name each one)."""
    numbers = sorted(int(name[1:]) for name in names)
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    parts = [(f"V{run[0]} tot en met V{run[-1]}", len(run)) if len(run) > 2 else (f"V{n}", 1)
             for run in runs for n in (run[:1] if len(run) > 2 else run)]
    more = sum(count for _part, count in parts[shown:])
    return ", ".join(part for part, _count in parts[:shown]) + (
        f" en {more} meer" if more else "")


def numbering(project: Project, version: PlanVersion | None) -> dict[int, str]:
    """Improvement id -> its number (V1, V2, ...) in ``version`` (the draft when None)."""
    return _plan(project, version).numbers


def build(project: Project, version: PlanVersion | None, *, organisation: str,
          template: str | None, author: str, addressee: str = "") -> DocxDocument:
    """The plan of ``version``, or of the current draft when ``version`` is None."""
    plan = _plan(project, version)
    page = d.TitlePage(
        kind="Verbeterplan", organisation=organisation, project=project.name,
        product=project.product,
        version=str(version.number) if version else "concept (niet vastgelegd)",
        status=status(version),
        # The date of what this document shows: the version's, or today's for the draft.
        day=clock.local_date(version.created_at) if version else clock.today(),
        details=(("Aan", addressee or "–"), *decision_lines(),
                 (duties.role_name(Role.PROCESS_OWNER), names(project, Role.PROCESS_OWNER)),
                 (duties.role_name(Role.SPONSOR), names(project, Role.SPONSOR)),
                 (duties.role_name(Role.PROJECT_LEADER), names(project, Role.PROJECT_LEADER)),
                 ("Kenmerk", project.reference), woo_line(project)))
    document = d.new_document(template, page, author)
    chosen = _chosen_reviews(plan)
    _version_history(document, plan)
    _summary(document, plan, chosen)
    _goal_and_scope(document, plan)
    _team(document, project)
    _kpis(document, project)
    _findings(document, plan)
    _improvements(document, plan)
    _desired_process(document, project)
    _reviews(document, plan, chosen, reviews.responses_of(project), plan.numbers)
    _risks(document, plan, chosen)
    _decision(document, plan, chosen)
    _appendix(document)
    return document


def export(project: Project, version: PlanVersion | None, **options: object) -> Export:
    return Export(filename(project, version), d.to_bytes(build(project, version, **options)))


def _chosen_reviews(plan: Plan) -> list[Review]:
    """Each domain's latest review of this version or an earlier one: what this plan answered."""
    upto = [r for r in reviews.reviews_of(plan.project)
            if plan.version is None or r.plan_version.number <= plan.version.number]
    return list(reviews.latest_by_domain(upto).values())


# --- Before the substance ---------------------------------------------------------------------

def _version_history(document: DocxDocument, plan: Plan) -> None:
    """Each version, who made it, and what it changed against the one before (a board sees
    that € 29.500 became € 26.500, not only that there is a version 2)."""
    d.heading(document, "Versiegeschiedenis", 1, numbered=False)
    versions = sorted(plans.versions_of(plan.project), key=lambda v: v.number)
    if plan.version is not None:
        versions = [v for v in versions if v.number <= plan.version.number]
    rows, before = [], None
    for v in versions:
        what = "Definitief" if v.is_final else "Ter toetsing aan de specialisten"
        rows.append((str(v.number), d.dutch_date(v.created_at), what,
                     v.created_by.name if v.created_by else "–", _changes_said(before, v.snapshot)))
        if v.approval is not None:
            rows.append((str(v.number), d.dutch_date(v.approval.approved_at),
                         f"Goedgekeurd door de {_owner()}", v.approval.approver_name, "–"))
        before = v.snapshot
    if plan.version is None:
        rows.append(("concept", d.dutch_date(clock.today()), "Werkversie (niet vastgelegd)", "–",
                     _changes_said(before, plan.data)))
    d.table(document, "Versies van dit verbeterplan",
            ("Versie", "Datum", "Wat", "Door", "Veranderd ten opzichte van de vorige versie"),
            rows, (1.8, 2.8, 3.5, 3.1, 4.8))


def _amount(value: int | None) -> str:
    return "niet geraamd" if value is None else d.euro(value)


def _changes_said(before: dict | None, after: dict) -> str:
    if before is None:
        return "eerste versie"
    changes = plans.version_changes(before, after)
    if not changes:
        return "geen wijziging in de verbeteringen, de kosten of de risico's"
    said = [f"{d.counted(n, 'verbetering', 'verbeteringen')} {verb}"
            for n, verb in ((changes.added, "toegevoegd"), (changes.removed, "uit het plan"),
                            (changes.changed, "gewijzigd")) if n]
    for label, (old, new), suffix in (("eenmalige kosten", changes.one_off, ""),
                                       ("structurele kosten", changes.recurring, " per jaar")):
        if old != new:
            said.append(f"{label} {_amount(old)} → {_amount(new)}{suffix}")
    if changes.risks_changed:
        old, new = changes.risks
        said.append("risicoregister gewijzigd" + (f" ({old} → {new} risico's)" if old != new
                                                  else ""))
    return "; ".join(said)


def _summary(document: DocxDocument, plan: Plan, chosen: list[Review]) -> None:
    """One page for the board: why, what is proposed, what it costs, what it should achieve,
    and the decisions asked."""
    d.heading(document, "Samenvatting", 1, new_page=True, numbered=False)
    occasion = _first_paragraph(plan.data["texts"].get("context") or plan.project.assignment)
    goal = _first_paragraph(plan.data["texts"].get("scope") or plan.project.assignment)
    d.heading(document, "Aanleiding", 3, numbered=False)
    d.text(document, occasion, empty="De aanleiding is niet beschreven.")
    if goal != occasion:  # one text for both is said once
        d.heading(document, "Doel", 3, numbered=False)
        d.text(document, goal, empty="Het doel is niet beschreven.")
    d.heading(document, "Voorstel", 3, numbered=False)
    one_off, recurring = plan.costs
    d.label_value(document, (
        ("Verbeteringen", f"{len(plan.in_plan)} in het plan: {len(plan.quick_wins)} snelle "
                          f"verbeteringen, {len(plan.long_term)} voor de lange termijn"),
        ("Niet opgepakt of samengevoegd", len(plan.dropped()) + len(plan.merged())),
        ("Eenmalige kosten", one_off),
        ("Structurele kosten", recurring),
        ("Dekking", _first_paragraph(plan.data["texts"].get("funding"))
         or "nog niet beschreven: uit welk budget de kosten komen"),
    ))
    targets = [k for k in kpis.kpis_of(plan.project) if k.target_value is not None]
    if targets:
        d.heading(document, "Beoogd effect", 3, numbered=False)
        d.bullets(document, (f"{k.name}: van {d.number(k.baseline_value)} naar "
                             f"{d.number(k.target_value)} {k.unit}" for k in targets))
        d.heading(document, "Als we niets doen", 3, numbered=False)
        d.text(document, "Dan blijft " + _and(
            [f"{k.name.lower()} {d.number(k.baseline_value)} {k.unit}" for k in targets])
            + ", en blijven de knelpunten uit de bevindingen bestaan.")
    if chosen:
        d.heading(document, "Oordeel van de specialisten", 3, numbered=False)
        d.bullets(document, (_verdict_line(r) for r in chosen))
    d.heading(document, "Belangrijkste risico's", 3, numbered=False)
    registered = plan.data.get("risks", [])
    if registered:
        risk_table(document, "De grootste risico's", registered[:SUMMARY_RISKS])
        if len(registered) > SUMMARY_RISKS:
            d.text(document, f"De andere {len(registered) - SUMMARY_RISKS} staan in hoofdstuk "
                             "Risico's en voorwaarden.")
    else:
        d.text(document, _first_paragraph(plan.data["texts"].get("risks")),
               empty="De risico's zijn nog niet beschreven.")
    d.heading(document, "Planning", 3, numbered=False)
    d.text(document, _timeline(plan))
    d.heading(document, "Gevraagd besluit", 3, numbered=False)
    d.text(document, _who_decides() + ":")
    d.bullets(document, [*_decisions_asked(plan, chosen), *_approved_as(plan)])


def _and(parts: list[str]) -> str:
    return ", ".join(parts[:-1]) + (" en " if len(parts) > 1 else "") + parts[-1]


def _verdict_line(review: Review) -> str:
    """One specialist's verdict on one line: the domain, the verdict, its conditions."""
    if not review.is_signed:
        return f"{review.domain_info.label}: nog niet ondertekend."
    said = f"{review.domain_info.label}: {review.verdict.label.lower()}"
    conditions = d.clean(review.conditions).strip().split("\n")[0]
    if conditions:
        said += f", onder voorwaarde: {conditions.rstrip('.')}"
    if review.dpia_required:
        said += "; een DPIA is nodig"
    if review.override:
        said += (f"; de {_owner()} besloot toch door te gaan "
                 f"({review.override.decider_name})")
    return said + "."


def _timeline(plan: Plan) -> str:
    """When the improvements are done: the implementation plan's months once it has them,
    else the order the method gives (the quick wins first)."""
    lines = {line.improvement_id: line for line in implementation.plan_lines(plan.project)
             if line.end_on}
    said = []
    for label, rows in (("snelle verbeteringen", plan.quick_wins),
                        ("verbeteringen voor de lange termijn", plan.long_term)):
        dated = [lines[i["id"]] for i in rows if i["id"] in lines]
        if dated:
            first = min(line.start_on or line.end_on for line in dated)
            said.append(f"de {label} van {d.dutch_month(first)} tot en met "
                        f"{d.dutch_month(max(line.end_on for line in dated))}")
    if said:
        return "Volgens het implementatieplan: " + " en ".join(said) + "."
    return (f"Na het besluit eerst de snelle verbeteringen ({len(plan.quick_wins)}), daarna "
            f"die voor de lange termijn ({len(plan.long_term)}); het implementatieplan (stap 9) "
            f"legt per verbetering vast wie wat wanneer doet.")


def _who_decides() -> str:
    chosen = decider()
    said = _capital(decider_in_sentence(chosen)) + " besluit"
    return said + (", onder mandaat" if chosen is PlanDecider.OWNER else "")


def _approved_as(plan: Plan) -> list[str]:
    """The process owner's approval: the decision under mandate, else the board's advice."""
    approval = plan.approval
    if approval is None:
        return []
    when = d.dutch_date(approval.approved_at)
    if decider() is PlanDecider.OWNER:
        return [f"Besloten: goedgekeurd door {approval.approver_name} ({_owner()}) op "
                f"{when}."]
    return [f"Advies: {approval.approver_name} ({_owner()}) keurde het plan op {when} goed "
            f"en legt het voor aan {decider_in_sentence(decider())}."]


def _first_paragraph(value: str | None) -> str:
    """The opening paragraph of a longer text: what fits a one-page summary."""
    first = d.clean(value).strip().split("\n\n")[0]
    return first if len(first) <= 900 else first[:900].rsplit(" ", 1)[0] + " …"


def _decisions_asked(plan: Plan, chosen: list[Review]) -> list[str]:
    one_off, recurring = plan.costs
    numbers = [plan.numbers[i["id"]] for i in plan.in_plan]
    span = f" ({numbers[0]} tot en met {numbers[-1]})" if numbers else ""
    asked = [f"Het verbeterplan vaststellen met {len(plan.in_plan)} verbeteringen{span}."]
    if any(i.get("cost_estimate") is not None or i.get("recurring_cost") is not None
           for i in plan.in_plan):
        funding = d.clean(plan.data["texts"].get("funding")).strip().split("\n")[0]
        asked.append(f"Budget beschikbaar stellen: eenmalig {one_off}, structureel "
                     f"{recurring}" + (f"; dekking: {funding.rstrip('.')}." if funding
                                       else ". De dekking is nog niet beschreven."))
    if any(r.is_signed and r.dpia_required for r in chosen):
        asked.append("Een gegevensbeschermingseffectbeoordeling (DPIA) laten uitvoeren voordat "
                     "de verbeteringen met persoonsgegevens worden ingevoerd.")
    asked.append(f"De {duties.role_name_in_sentence(Role.PROJECT_LEADER)} opdracht geven het "
                 "implementatieplan op te stellen "
                 "(stap 9), met de snelle verbeteringen als eerste.")
    return asked


# --- The substance ----------------------------------------------------------------------------

def _goal_and_scope(document: DocxDocument, plan: Plan) -> None:
    d.heading(document, "Aanleiding, doel en afbakening", 1, new_page=True)
    d.heading(document, "De opdracht", 2)
    d.text(document, plan.project.assignment, empty="De opdracht is niet beschreven.")
    d.heading(document, TEXTS["context"], 2)
    d.text(document, plan.data["texts"].get("context"), empty="Niet ingevuld.")
    d.heading(document, TEXTS["scope"], 2)
    d.text(document, plan.data["texts"].get("scope"), empty="Niet ingevuld.")


def _team(document: DocxDocument, project: Project) -> None:
    d.heading(document, "Het team", 1)
    members = sorted(project.memberships, key=lambda m: m.user.name)
    d.table(document, "Het projectteam met de rol van ieder lid", ("Naam", "Rol in het traject"),
            [(m.user.name, ", ".join(duties.role_name(r) for r in m.sorted_roles))
             for m in members],
            (6, 10))


def _kpis(document: DocxDocument, project: Project) -> None:
    d.heading(document, "KPI's", 1)
    rows = kpis.kpis_of(project)
    if not rows:
        d.text(document, "", empty=_skipped(project, Step.KPIS)
               or "Er zijn geen KPI's vastgelegd.")
        return
    d.table(document, "KPI's met definitie, nulmeting, doel en bron",
            ("KPI en definitie", "Eenheid", "Nulmeting", "Doel", "Bron van de nulmeting"),
            [(d.Lead(k.name, k.definition), f"{k.unit} ({k.direction.label.lower()})",
              f"{d.number(k.baseline_value)}\n{d.dutch_date(k.baseline_date)}"
              if k.baseline_date else d.number(k.baseline_value),
              f"{d.number(k.target_value)}\nuiterlijk {d.dutch_date(k.target_date)}"
              if k.target_date else d.number(k.target_value),
              k.baseline_source or "–")
             for k in rows],
            (4.8, 2.4, 2.6, 2.8, 3.4))


def _skipped(project: Project, step: Step) -> str:
    """The reason a step was skipped, as the document says it; "" when it was not."""
    state = project.step_state(step)
    if state.status is not StepStatus.SKIPPED:
        return ""
    return f"Stap {step.value} ({step.definition.name}) is overgeslagen: {state.skip_reason}"


def _findings(document: DocxDocument, plan: Plan) -> None:
    project = plan.project
    d.heading(document, TEXTS["findings"], 1)
    d.text(document, plan.data["texts"].get("findings"), empty="Niet ingevuld.")
    _current_process(document, project)
    _journey(document, project)
    _formula(document, project)


def _current_process(document: DocxDocument, project: Project) -> None:
    d.heading(document, "Het huidige proces", 2)
    steps = process.steps_of(project)
    if not steps:
        d.text(document, "", empty=_skipped(project, Step.PROCESS)
               or "Het proces is niet in kaart gebracht.")
        return
    summary, handed = process.summary(steps), process.handovers(steps)
    activities = "activiteit" if summary.steps == 1 else "activiteiten"
    handovers = "overdracht" if summary.handovers == 1 else "overdrachten"
    d.text(document, f"Het proces telt {summary.steps} {activities} en {summary.handovers} "
                     f"{handovers}. Samen kosten de activiteiten {d.number(summary.work_minutes)}"
                     f" minuten werk; er wordt {d.number(summary.wait_days)} werkdagen gewacht. "
                     f"De doorlooptijd is daarmee {d.number(round(summary.lead_time_days, 1))} "
                     f"werkdagen.")
    _activities(document, "De activiteiten van het huidige proces (sessie 3a)", steps, handed)
    _wastes(document, steps)
    checks = process.checks_of(project)
    if checks:
        d.heading(document, "Controle door de deelnemers (sessie 3b)", 3)
        confirmed = [c.user.name for c in checks if c.confirmed]
        if confirmed:
            d.text(document, "Bevestigd door: " + ", ".join(sorted(confirmed)) + ".")
        corrections = [c for c in checks if not c.confirmed]
        if corrections:
            d.table(document, "Correcties op het proces uit de controle",
                    ("Deelnemer", "Correctie"),
                    [(c.user.name, c.correction) for c in corrections], (4, 12))
    _measured_process(document, project, steps)
    findings = sessions.findings_of(project, Step.PROCESS)
    if findings:
        d.heading(document, "Bevindingen uit de sessies", 3)
        d.bullets(document, (f"{d.dutch_date(s.held_on)}: {f.text}" for s, f in findings))


def _activities(document: DocxDocument, title: str, steps: list, handed: list[bool]) -> None:
    """A process as a table: each activity with who does it, its work, waiting and hand-over."""
    d.table(document, title,
            ("Nr", "Activiteit", "Wie en systeem", "Werk (min)", "Wachten (dagen)",
             "Overdracht"),
            [(str(n), d.Lead(s.activity, s.remarks), " · ".join(filter(None, (s.actor, s.system)))
              or "–", d.number(s.work_minutes), d.number(s.wait_days),
              "ja" if handover else "nee")
             for n, (s, handover) in enumerate(zip(steps, handed, strict=True), start=1)],
            (1, 5.6, 3.3, 1.8, 2.2, 2.1))


def _wastes(document: DocxDocument, steps: list) -> None:
    """The kinds of waste the team saw, with the activities (by number) where it saw them."""
    seen: dict[str, list[str]] = {}
    for number_, step in enumerate(steps, start=1):
        for waste in step.wastes or []:
            seen.setdefault(waste, []).append(str(number_))
    if seen:
        d.text(document, "Verspilling die het team zag: " + "; ".join(
            f"{WASTES[key].lower()} ({'activiteit' if len(numbers) == 1 else 'activiteiten'} "
            f"{', '.join(numbers)})"
            for key, numbers in seen.items() if key in WASTES) + ".")


def desired_in_words(comparison) -> str:
    """The desired process against the current one, in one sentence (the plan and the A3)."""
    after, before = comparison.desired, comparison.current
    return (f"Na de verbeteringen telt het proces "
            f"{d.counted(after.steps, 'activiteit', 'activiteiten')} (nu {before.steps}) en "
            f"{d.counted(after.handovers, 'overdracht', 'overdrachten')} (nu {before.handovers}). "
            f"De doorlooptijd volgens de schatting van het team wordt "
            f"{d.counted(round(after.lead_time_days, 1), 'werkdag', 'werkdagen')} (nu "
            f"{d.number(round(before.lead_time_days, 1))}).")


def _desired_process(document: DocxDocument, project: Project) -> None:
    """Step 8's desired process beside the current one: what the change does to the work."""
    desired = process.steps_of(project, process.DESIRED)
    if not desired:
        return
    d.heading(document, "Het gewenste proces", 1)
    comparison = process.compare(process.steps_of(project), desired)
    d.text(document, desired_in_words(comparison))
    if comparison.removed:
        d.text(document, "Vervallen activiteiten: " + "; ".join(comparison.removed) + ".")
    if comparison.added:
        d.text(document, "Nieuwe activiteiten: " + "; ".join(comparison.added) + ".")
    _activities(document, "De activiteiten van het gewenste proces (stap 8)", desired,
                process.handovers(desired))


def _measured_process(document: DocxDocument, project: Project, steps: list) -> None:
    """The current process as the case system recorded it (an event log read in step 3)."""
    log = mining.latest_done(project, "current")
    if log is None:
        return
    result, (first, last) = log.result, mining.period(log)
    lead = {key: d.number(round(value, 1)) for key, value in result["lead_time"].items()}
    waiting = d.number(round(result["waiting_days"] / result["cases"], 1))
    d.heading(document, "Het gemeten proces (uit het zaaksysteem)", 3)
    d.text(document, f"Uit de registratie in het zaaksysteem: {result['cases']} zaken van "
                     f"{d.dutch_date(first)} "
                     f"tot en met {d.dutch_date(last)}. De doorlooptijd per zaak is in de "
                     f"mediaan {lead['median']} dagen, bij 90% van de zaken hoogstens "
                     f"{lead['p90']} dagen. Tussen de activiteiten wordt per zaak gemiddeld "
                     f"{waiting} dagen gewacht; {result['rework_cases']} zaken hebben een "
                     f"activiteit die opnieuw gebeurt.")
    d.text(document, _lead_times_compared(project, steps, result))
    d.figure(document, figures.lead_times(result["histogram"]),
             title="Doorlooptijd per zaak, gemeten", alt=figures.lead_times_alt(result))
    d.table(document, "Zaken per doorlooptijd, gemeten (de cijfers van de figuur)",
            ("Doorlooptijd (dagen)", "Zaken"),
            [(f"{d.number(round(b['from'], 1))} tot {d.number(round(b['to'], 1))}",
              str(b["cases"])) for b in result["histogram"] if b["cases"]], (8, 8))
    d.table(document, "De meest voorkomende paden door het proces",
            ("Pad", "Zaken", "Doorlooptijd (mediaan, dagen)"),
            [(" → ".join(v["activities"]), str(v["cases"]),
              d.number(round(v["lead_time"]["median"], 1))) for v in result["variants"][:5]],
            (11, 2, 3))


def _lead_times_compared(project: Project, steps: list, result: dict) -> str:
    """One sentence that puts the plan's lead times side by side, each in its own unit, so a
    reader does not take 21 dagen, 18,2 werkdagen and 14,7 dagen for a contradiction."""
    said = [f"de meting in het zaaksysteem: {d.number(round(result['lead_time']['median'], 1))} "
            f"kalenderdagen in de mediaan, van het begin tot het einde van elke zaak"]
    if steps:
        estimate = round(process.summary(steps).lead_time_days, 1)
        said.append(f"de schatting van het team: {d.counted(estimate, 'werkdag', 'werkdagen')}, "
                    f"de werk- en wachttijd die het team per activiteit kent")
    kpi = next((k for k in kpis.kpis_of(project) if k.baseline_value is not None
                and "doorlooptijd" in k.name.lower()), None)
    if kpi is not None:
        said.append(f"de KPI {kpi.name}: nulmeting {d.number(kpi.baseline_value)} {kpi.unit}"
                    + (f" ({kpi.baseline_source})" if kpi.baseline_source else ""))
    if len(said) == 1:
        return ""
    return ("De doorlooptijd staat in dit plan in meer dan één maat: " + "; ".join(said)
            + ". Ze verschillen omdat ze anders tellen (een week heeft vijf werkdagen en zeven "
              "kalenderdagen) en een andere bron hebben.")


def _journey(document: DocxDocument, project: Project) -> None:
    d.heading(document, "De klantreis", 2)
    phases = journey.phases_of(project)
    if not phases:
        d.text(document, "", empty=_skipped(project, Step.JOURNEY)
               or "Er is geen klantreis vastgelegd.")
        return
    source = journey.journey_of(project)
    if source is not None:
        label = next((s.label for s in JOURNEY_SOURCES if s.key == source.source), source.source)
        d.label_value(document, (("Bron", label + (f" ({source.source_link})"
                                                   if source.source_link else "")),))
        d.text(document, source.notes)
    points = [(p.name, p.experience or 0) for p in phases]
    d.figure(document, figures.journey_curve(points), title="De beleving van de inwoner per fase",
             alt=figures.journey_alt(points))
    d.table(document, "Fasen van de klantreis: beleving, pijnpunten en citaten",
            ("Fase", "Beleving", "Pijnpunten", "Wat inwoners zeggen"),
            [(d.Lead(p.name, p.resident_action),
              f"{p.experience or 0:+d} ({EXPERIENCE_SCORES[p.experience or 0]})",
              p.pain_points or "–", p.quotes or "–") for p in phases],
            (4, 2.6, 4.7, 4.7))
    ideal = [p for p in phases if p.ideal.strip()]
    if ideal:
        d.table(document, "De ideale klantreis per fase", ("Fase", "Zo zou het moeten gaan"),
                [(p.name, p.ideal) for p in ideal], (4, 12))


def _formula(document: DocxDocument, project: Project) -> None:
    d.heading(document, "De serviceformule", 2)
    formula = project.service_formula
    if formula is None:
        d.text(document, "", empty=_skipped(project, Step.SERVICE_FORMULA)
               or "Er is geen serviceformule gekoppeld.")
        return
    d.text(document, f"Het product valt onder de {formula.name}.")
    comparisons = formulas.comparisons_of(project)
    compared = [(p, comparisons[p.key]) for p in SERVICE_PS if p.key in comparisons]
    if not compared:
        d.text(document, "", empty="De P's zijn nog niet vergeleken.")
        return
    d.table(document, "De serviceformule per P: belofte, praktijk en oordeel",
            ("P", "Belofte van de formule", "Huidige praktijk", "Oordeel"),
            [(p.label, c.promise or "–", c.current_practice or "–", c.match.label)
             for p, c in compared],
            (2.3, 5.4, 5.4, 2.9))


def _score(value: int | None) -> str:
    return f"{value} ({SCORE_SCALE[value]})" if value else "–"


def _improvements(document: DocxDocument, plan: Plan) -> None:
    d.heading(document, "Verbeteringen", 1)
    d.text(document, f"Het plan bevat {len(plan.in_plan)} verbeteringen, genummerd V1 tot en met "
                     f"V{len(plan.in_plan)}: eerst de snelle verbeteringen, dan de lange "
                     "termijn. Dezelfde nummers staan in de matrix, bij het advies van de "
                     "specialisten en in het implementatieplan." if plan.in_plan else
           "Er zijn (nog) geen verbeteringen in het plan opgenomen.")
    points = [figures.MatrixPoint(plan.numbers[i["id"]], i["impact"], i["effort"],
                                  i["horizon"] == Horizon.QUICK_WIN)
              for i in plan.in_plan if i["impact"] and i["effort"]]
    if points:
        d.figure(document, figures.matrix(points), width_cm=12,
                 title="Impact tegen inspanning per verbetering (● snelle verbetering, "
                       "■ lange termijn)",
                 alt=figures.matrix_alt(points))
    unscored = [plan.numbers[i["id"]] for i in plan.in_plan if not (i["impact"] and i["effort"])]
    if unscored:
        d.text(document, "Nog zonder impact of inspanning (niet in de matrix): "
                         + spans(unscored) + ".")
    for key, rows in (("quick_wins", plan.quick_wins), ("long_term", plan.long_term)):
        d.heading(document, TEXTS[key], 2)
        d.text(document, plan.data["texts"].get(key, ""))
        if not rows:
            d.text(document, "", empty="Geen verbeteringen in deze groep.")
            continue
        d.table(document, f"Verbeteringen: {TEXTS[key].lower()}",
                ("Nr", "Verbetering", "Bron", "Impact", "Inspanning", "Kosten", "KPI's"),
                [(plan.numbers[i["id"]], d.Lead(i["title"], i["description"]),
                  "; ".join(i["sources"]), _score(i["impact"]), _score(i["effort"]),
                  _cost_cell(i), ", ".join(i["kpis"]) or "–")
                 for i in rows],
                (1.0, 4.6, 2.3, 1.8, 2.1, 1.9, 2.3))
    d.heading(document, TEXTS["funding"], 2)
    d.text(document, plan.data["texts"].get("funding"),
           empty="Niet beschreven: uit welk budget of welke begrotingspost de kosten komen.")
    _not_pursued(document, plan)


def _cost_cell(improvement: dict) -> str:
    lines = []
    if improvement.get("cost_estimate") is not None:
        lines.append(d.euro(improvement["cost_estimate"]))
    if improvement.get("recurring_cost") is not None:
        lines.append(d.euro(improvement["recurring_cost"]) + " /jaar")
    return "\n".join(lines) or "–"


def _not_pursued(document: DocxDocument, plan: Plan) -> None:
    dropped, merged = plan.dropped(), plan.merged()
    if not (dropped or merged):
        return
    d.heading(document, "Niet opgepakt en samengevoegd", 2)
    d.table(document, "Verbeteringen die niet worden opgepakt of zijn samengevoegd",
            ("Verbetering", "Besluit", "Reden"),
            [(i["title"], "Niet opgepakt", i["decision_reason"]) for i in dropped]
            + [(i["title"], "Samengevoegd", f"Samengevoegd met {i['merged_into']}")
               for i in merged],
            (6, 3, 7))


def _response(responses: dict, review: Review, subject: str) -> str:
    response = responses.get((review.id, subject))
    if response is None:
        return "Nog geen reactie."
    return f"{response.kind.label}: {response.explanation}"


def _reviewed_or_not(plan: Plan, chosen: list[Review]) -> str:
    """Whether the specialists saw this plan or an earlier version, and whether what changed
    since was reviewed again ("" when they reviewed this very version)."""
    reviewed = max(r.plan_version.number for r in chosen)
    number = plan.version.number if plan.version else None
    if reviewed == number:
        return ""
    this = f"versie {number}" if number else "dit concept"
    source = next(r.plan_version for r in chosen if r.plan_version.number == reviewed)
    changes = plans.version_changes(source.snapshot, plan.data)
    if not changes:
        return (f"De specialisten toetsten versie {reviewed}; {this} verschilt daarvan niet in "
                f"de verbeteringen, de kosten of de risico's.")
    return (f"De specialisten toetsten versie {reviewed}. Daarna veranderde: "
            f"{_changes_said(source.snapshot, plan.data)}. Die wijzigingen zijn niet opnieuw "
            f"door de specialisten getoetst; hun bevindingen en de reacties daarop staan "
            f"hieronder.")


def _reviews(document: DocxDocument, plan: Plan, chosen: list[Review], responses: dict,
             numbers: dict[int, str]) -> None:
    d.heading(document, "Advies van de specialisten", 1)
    if not chosen:
        d.text(document, "", empty="Deze versie is (nog) niet getoetst.")
        return
    d.text(document, _reviewed_or_not(plan, chosen))
    d.table(document, "Oordeel per domein",
            ("Domein", "Specialist", "Datum", "Oordeel"),
            [(r.domain_info.label, r.signer_name or "–", d.dutch_date(r.signed_at) or "–",
              r.verdict.label if r.is_signed else "nog niet ondertekend")
             for r in chosen], (4, 4.5, 3.5, 4))
    for review in chosen:
        domain = review.domain_info
        d.heading(document, f"{domain.label} (versie {review.plan_version.number})", 2)
        if not review.is_signed:
            d.text(document, "", empty="Deze toetsing is nog niet ondertekend.")
            continue
        d.label_value(document, (
            ("Specialist", f"{review.signer_name} ({duties.role_name(domain.role)})"),
            ("Datum", d.dutch_date(review.signed_at)),
            ("Oordeel", review.verdict.label)))
        d.text(document, review.motivation)
        if review.questions:
            d.table(document, f"Toetsvragen van {domain.label}", ("Vraag", "Antwoord"),
                    [(q["question"], q["answer"]) for q in review.questions_answered], (7, 9))
        if review.conditions:
            d.label_value(document, (("Voorwaarden", review.conditions),
                                     ("Reactie in stap 8",
                                      _response(responses, review, reviews.CONDITIONS))))
        if review.override:
            d.label_value(document, ((f"Besluit van {review.override.decider_name} om toch "
                                      "door te gaan", review.override.motivation),))
        if domain.dpia_screen:
            ticked = [c.label for c in DPIA_CRITERIA if c.key in (review.dpia_criteria or [])]
            d.label_value(document, (
                ("Pre-DPIA", "; ".join(ticked) or "geen van de criteria van toepassing"),
                ("DPIA nodig", "ja" if review.dpia_required else "nee")))
        if review.findings:
            d.table(document, f"Bevindingen van {domain.label} per verbetering",
                    ("Verbetering", "Bevinding", "Voorwaarde", "Reactie in stap 8"),
                    [(" ".join(filter(None, (numbers.get(f.improvement_id),
                                             f.improvement_title))),
                      f.remark + (f" (ICT: {d.euro(f.cost_estimate)}, {f.lead_time_weeks} weken)"
                                  if f.cost_estimate is not None else ""),
                      f.condition, _response(responses, review, f"finding:{f.id}"))
                     for f in review.findings],
                    (3.5, 4.5, 4, 4))


def risk_table(document: DocxDocument, title: str, risks: list[dict]) -> None:
    """Risks of the register as a snapshot keeps them: risk, likelihood, impact, measure and
    owner, the largest first."""
    owners = risk_services.owner_names(risks)
    d.table(document, title, ("Risico", "Kans", "Impact", "Maatregel", "Eigenaar"),
            [(r["description"], RiskLevel(r["likelihood"]).label,
              RiskLevel(r["impact"]).label, r["measure"] or "nog geen maatregel",
              owners.get(r["owner_id"], "nog niet gekozen")) for r in risks],
            (4.5, 1.6, 1.6, 5, 3.3))


def _risks(document: DocxDocument, plan: Plan, chosen: list[Review]) -> None:
    """The team's own view of the risks and its register, then what the plan itself shows:
    conditions the specialists set, a DPIA to carry out, reviews overruled, improvements
    without estimate."""
    d.heading(document, "Risico's en voorwaarden", 1)
    d.text(document, plan.data["texts"].get("risks"))
    if plan.data.get("risks"):
        risk_table(document, "Risicoregister: kans, impact, maatregel en eigenaar",
                   plan.data["risks"])
    conditions = _conditions(plan, chosen)
    found = _found(plan, chosen)
    if conditions or found:
        d.heading(document, "Uit de toetsing en het plan", 2)
    if conditions:
        d.table(document, "Voorwaarden van de specialisten",
                ("Specialist", "Verbetering", "Voorwaarde"), conditions, (3.5, 3, 9.5))
    d.bullets(document, found)
    if not (conditions or found or plan.data["texts"].get("risks") or plan.data.get("risks")):
        d.text(document, "", empty="Er zijn geen risico's of voorwaarden vastgelegd.")


def _conditions(plan: Plan, chosen: list[Review]) -> list[tuple[str, str, str]]:
    """The signed reviews' conditions as table rows, one per condition (a plan of hundreds
    of improvements gets a table to scan, not a column of bullets)."""
    rows = []
    for review in (r for r in chosen if r.is_signed):
        label = review.domain_info.label
        if review.conditions:
            rows.append((label, "het hele plan", review.conditions))
        rows.extend((label, plan.numbers.get(f.improvement_id, f.improvement_title),
                     f.condition) for f in review.findings if f.condition)
    return rows


def _found(plan: Plan, chosen: list[Review]) -> list[str]:
    """What else the reviews and the plan show a board: reviews unfinished, a DPIA to carry
    out, verdicts overruled, improvements without estimate or without a KPI."""
    found = []
    for review in chosen:
        if not review.is_signed:
            found.append(f"{review.domain_info.label}: de toetsing is nog niet afgerond.")
            continue
        if review.domain_info.dpia_screen and review.dpia_required:
            found.append("Er moet een DPIA worden uitgevoerd voordat de verbeteringen die "
                         "persoonsgegevens raken worden ingevoerd.")
        if review.override:
            found.append(f"Het oordeel van {review.domain_info.label} ("
                         f"{review.verdict.label.lower()}) is overruled door "
                         f"{review.override.decider_name}: {review.override.motivation}")
    unestimated = [plan.numbers[i["id"]] for i in plan.in_plan if i.get("cost_estimate") is None]
    if unestimated:
        found.append("Nog niet geraamd: " + spans(unestimated) + ".")
    unlinked = [plan.numbers[i["id"]] for i in plan.in_plan if not i["kpis"]]
    if unlinked:
        found.append("Niet gekoppeld aan een KPI (effect niet meetbaar): "
                     + spans(unlinked) + ".")
    return found


def _decision(document: DocxDocument, plan: Plan, reviewed: list[Review]) -> None:
    """The decision asked and the block the process owner signs (filled in once approved)."""
    d.heading(document, "Besluit", 1)
    chosen = decider()
    by_board = chosen is not PlanDecider.OWNER
    d.text(document, (f"Op advies van de {_owner()} stelt {decider_in_sentence(chosen)}"
                      if by_board else f"De {_owner()}")
           + f" het verbeterplan {plan.project.name} vast, met de verbeteringen, kosten en "
             "voorwaarden zoals in dit document beschreven:")
    d.bullets(document, _decisions_asked(plan, reviewed))
    approval = plan.approval
    owner = approval.approver_name if approval else names(plan.project, Role.PROCESS_OWNER)
    signature = d.table(
        document, f"Advies van de {_owner()}" if by_board
        else f"Ondertekening door de {_owner()}", ("", duties.role_name(Role.PROCESS_OWNER)),
        (("Naam", owner), ("Rol", duties.role_name(Role.PROCESS_OWNER)),
         ("Datum", d.dutch_date(approval.approved_at) if approval else ""),
         ("Plaats", ""), ("Handtekening", "Goedgekeurd in Wasstraat" if approval else "")),
        (4, 12))
    d.signature_rows(signature, 2.0)
    if approval is not None and approval.note:
        d.label_value(document, (("Toelichting bij de goedkeuring", approval.note),))
    if by_board:
        d.table(document, f"Besluit van {decider_in_sentence(chosen)}",
                ("", _capital(decider_in_sentence(chosen))),
                (("Datum van de vergadering", ""), ("Kenmerk van het besluit", ""),
                 ("Besluit", "vastgesteld / gewijzigd vastgesteld / niet vastgesteld")),
                (4, 12))


# --- Appendix ---------------------------------------------------------------------------------

def _appendix(document: DocxDocument) -> None:
    used = glossary.used(" ".join(document.element.body.itertext()),
                         glossary.organisation_terms(duties.settings().glossary))
    d.heading(document, "Bijlage A. Afkortingen en begrippen", 1, new_page=True, numbered=False)
    if used:
        d.table(document, "Afkortingen en begrippen in dit plan", ("Term", "Betekenis"), used,
                (3.5, 12.5))
    else:
        d.text(document, "", empty="Dit plan gebruikt geen afkortingen.")
    d.heading(document, "Bijlage B. De wasstraat-methode", 1, numbered=False)
    d.text(document, "De wasstraat is een methode om een werkproces van een gemeente in tien "
                     "stappen samen met de medewerkers en vanuit de inwoner te verbeteren. Dit "
                     "verbeterplan is het product van stap 6 tot en met 8.")
    d.table(document, "De tien stappen van de wasstraat", ("Stap", "Naam", "Doel"),
            [(str(step.value), STEPS[step].name, STEPS[step].goal) for step in Step],
            (1.2, 4.3, 10.5))
