"""The improvement plan (verbeterplan) as a Word document: the current draft or any frozen
version, as a municipality hands it to management, the board and the council."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from docx.document import Document as DocxDocument

from ..formulas import services as formulas
from ..journey import services as journey
from ..kpis import services as kpis
from ..models import PlanVersion, Project, Review
from ..plans import services as plans
from ..process import services as process
from ..reviews import services as reviews
from ..workflow import (
    DPIA_CRITERIA,
    EXPERIENCE_SCORES,
    PLAN_SECTIONS,
    SCORE_SCALE,
    SERVICE_PS,
    Decision,
    FormulaMatch,
    Horizon,
    ResponseKind,
    Verdict,
)
from . import docx_base as d

TEXTS = {section.key: section.title for section in PLAN_SECTIONS}


@dataclass(frozen=True)
class Export:
    filename: str
    content: bytes


def filename(project: Project, version: PlanVersion | None) -> str:
    suffix = f"v{version.number}" if version else "concept"
    return f"verbeterplan-{d.slug(project.name)}-{suffix}.docx"


def _status(version: PlanVersion | None) -> str:
    if version is None or not version.is_final:
        return "Concept"
    return "Goedgekeurd" if version.approval is not None else "Definitief"


def build(project: Project, version: PlanVersion | None, *, organisation: str,
          template: str | None, author: str) -> DocxDocument:
    """The plan of ``version``, or of the current draft when ``version`` is None."""
    data = version.snapshot if version else plans.current_snapshot(project)
    page = d.TitlePage(
        kind="Verbeterplan", organisation=organisation, project=project.name,
        product=project.product,
        version=str(version.number) if version else "concept (niet vastgelegd)",
        status=_status(version),
        # The date of what this document shows: the version's, or today's for the draft.
        day=version.created_at.date() if version else date.today())
    document = d.new_document(template, page, author)
    _summary(document, project, data, version)
    _team(document, project)
    _assignment(document, project, data["texts"])
    _findings(document, project, data["texts"])
    in_plan = [i for i in data["improvements"] if i["decision"] == Decision.IN_PLAN.value]
    groups = [(key, [i for i in in_plan if i["horizon"] == horizon.value])
              for key, horizon in (("quick_wins", Horizon.QUICK_WIN),
                                   ("long_term", Horizon.LONG_TERM))]
    # V1, V2, ...: quick wins first; the same number wherever the plan names an improvement.
    numbers = {i["id"]: f"V{n}" for n, i in
               enumerate((i for _key, rows in groups for i in rows), start=1)}
    for key, rows in groups:
        _improvements(document, TEXTS[key], data["texts"].get(key, ""), rows, numbers)
    _not_pursued(document, data["improvements"])
    # Each domain's latest review of this version or an earlier one: what this plan answered.
    upto = [r for r in reviews.reviews_of(project)
            if version is None or r.plan_version.number <= version.number]
    chosen = list(reviews.latest_by_domain(upto).values())
    _reviews(document, chosen, reviews.responses_of(project), numbers)
    _approval(document, version)
    return document


def export(project: Project, version: PlanVersion | None, **options: object) -> Export:
    return Export(filename(project, version), d.to_bytes(build(project, version, **options)))


def _summary(document: DocxDocument, project: Project, data: dict,
             version: PlanVersion | None) -> None:
    """One page for the board: why, what is proposed, what it costs, what it should achieve,
    and the decision asked."""
    d.heading(document, "Samenvatting", 1)
    d.text(document, project.assignment, empty="De opdracht is niet beschreven.")
    in_plan = [i for i in data["improvements"] if i["decision"] == Decision.IN_PLAN.value]
    quick = [i for i in in_plan if i["horizon"] == Horizon.QUICK_WIN.value]
    costs = [i["cost_estimate"] for i in in_plan if i.get("cost_estimate") is not None]
    not_pursued = [i for i in data["improvements"]
                   if i["decision"] == Decision.NOT_PURSUED.value]
    d.label_value(document, (
        ("Verbeteringen in het plan", f"{len(in_plan)}: {len(quick)} quick win(s), "
                                      f"{len(in_plan) - len(quick)} voor de lange termijn"),
        ("Niet opgepakt (met reden)", len(not_pursued)),
        ("Geraamde kosten", d.euro(sum(costs)) + (
            "" if len(costs) == len(in_plan) else
            f" (voor {len(costs)} van de {len(in_plan)} verbeteringen geraamd)")
         if costs else "nog niet geraamd"),
    ))
    targets = [k for k in kpis.kpis_of(project) if k.target_value is not None]
    if targets:
        d.text(document, "Beoogd effect op de KPI's: " + "; ".join(
            f"{k.name}: van {d.number(k.baseline_value)} naar {d.number(k.target_value)} "
            f"{k.unit}" for k in targets) + ".")
    approval = version.approval if version else None
    if approval is not None:
        d.text(document, f"Goedgekeurd door {approval.approver_name} (proceseigenaar) op "
                         f"{d.dutch_date(approval.approved_at)}.")
    else:
        d.text(document, "Gevraagd besluit: de proceseigenaar keurt dit verbeterplan goed, "
                         "waarna het implementatieplan wordt opgesteld (stap 9).")


def _team(document: DocxDocument, project: Project) -> None:
    d.heading(document, "Het team", 1)
    members = sorted(project.memberships, key=lambda m: m.user.name)
    d.table(document, "Het projectteam met de rol van ieder lid", ("Naam", "Rol in het traject"),
            [(m.user.name, ", ".join(r.label for r in m.sorted_roles)) for m in members],
            (6, 10))


def _assignment(document: DocxDocument, project: Project, texts: dict) -> None:
    d.heading(document, "Opdracht en KPI's", 1)
    d.text(document, project.assignment)
    d.heading(document, TEXTS["context"], 2)
    d.text(document, texts.get("context"), empty="Niet ingevuld.")
    rows = kpis.kpis_of(project)
    d.heading(document, "KPI's", 2)
    if not rows:
        d.text(document, "", empty="Er zijn geen KPI's vastgelegd.")
        return
    d.table(document, "KPI's met nulmeting en doel",
            ("KPI", "Eenheid", "Richting", "Nulmeting", "Doel"),
            [(k.name, k.unit, k.direction_enum.label,
              f"{d.number(k.baseline_value)} ({d.dutch_date(k.baseline_date)})"
              if k.baseline_date else d.number(k.baseline_value),
              f"{d.number(k.target_value)} (uiterlijk {d.dutch_date(k.target_date)})"
              if k.target_date else d.number(k.target_value))
             for k in rows],
            (4.5, 2, 2.5, 3.5, 3.5))


def _findings(document: DocxDocument, project: Project, texts: dict) -> None:
    d.heading(document, TEXTS["findings"], 1)
    d.text(document, texts.get("findings"), empty="Niet ingevuld.")

    d.heading(document, "Het huidige proces", 2)
    steps = process.steps_of(project)
    if steps:
        summary = process.summary(steps)
        d.label_value(document, (
            ("Processtappen", summary.steps), ("Overdrachten", summary.handovers),
            ("Doorlooptijd", f"{d.number(summary.lead_time_days)} werkdagen")))
    else:
        d.text(document, "", empty="Het proces is niet in kaart gebracht.")

    d.heading(document, "De klantreis", 2)
    phases = journey.phases_of(project)
    if phases:
        d.table(document, "Fasen van de klantreis met de beleving van de inwoner",
                ("Fase", "Beleving", "Pijnpunten"),
                [(p.name, f"{p.experience:+d} ({EXPERIENCE_SCORES[p.experience]})"
                  if p.experience else f"0 ({EXPERIENCE_SCORES[0]})", p.pain_points)
                 for p in phases],
                (4, 3.5, 8.5))
    else:
        d.text(document, "", empty="Er is geen klantreis vastgelegd.")

    d.heading(document, "De serviceformule", 2)
    comparisons = formulas.comparisons_of(project)
    formula = project.service_formula
    if formula is None:
        d.text(document, "", empty="Er is geen serviceformule gekoppeld.")
        return
    d.text(document, f"Het product valt onder de {formula.name}.")
    differing = [(p, comparisons[p.key]) for p in SERVICE_PS if p.key in comparisons
                 and FormulaMatch(comparisons[p.key].match).invites_improvement]
    if differing:
        d.table(document, "De P's waarop de praktijk afwijkt van de serviceformule",
                ("P", "Belofte", "Huidige praktijk", "Oordeel"),
                [(p.label, c.promise, c.current_practice, FormulaMatch(c.match).label)
                 for p, c in differing],
                (2.5, 5, 5.5, 3))
    else:
        d.text(document, "De praktijk komt op alle P's overeen met de formule.")


def _score(value: int | None) -> str:
    return f"{value} ({SCORE_SCALE[value]})" if value else "–"


def _improvements(document: DocxDocument, title: str, intro: str, rows: list[dict],
                  numbers: dict[int, str]) -> None:
    d.heading(document, title, 1)
    d.text(document, intro)
    if not rows:
        d.text(document, "", empty="Geen verbeteringen in deze groep.")
        return
    d.table(document, f"Verbeteringen: {title}",
            ("Nr", "Verbetering", "Beschrijving", "Bron", "Impact / inspanning", "KPI's"),
            [(numbers[i["id"]], i["title"], i["description"], "; ".join(i["sources"]),
              f"{_score(i['impact'])} / {_score(i['effort'])}"
              + (f"; {d.euro(i['cost_estimate'])}" if i["cost_estimate"] is not None else ""),
              ", ".join(i["kpis"]) or "–")
             for i in rows],
            (1.1, 3.3, 4.6, 2.8, 2.4, 1.8))


def _not_pursued(document: DocxDocument, improvements: list[dict]) -> None:
    dropped = [i for i in improvements if i["decision"] == Decision.NOT_PURSUED.value]
    merged = [i for i in improvements if i["decision"] == Decision.MERGED.value]
    if not (dropped or merged):
        return
    d.heading(document, "Niet opgepakt en samengevoegd", 1)
    d.table(document, "Verbeteringen die niet worden opgepakt of zijn samengevoegd",
            ("Verbetering", "Besluit", "Reden"),
            [(i["title"], "Niet opgepakt", i["decision_reason"]) for i in dropped]
            + [(i["title"], "Samengevoegd", f"Samengevoegd met {i['merged_into']}")
               for i in merged],
            (5, 3, 8))


def _response(responses: dict, review: Review, subject: str) -> str:
    response = responses.get((review.id, subject))
    if response is None:
        return "Nog geen reactie."
    return f"{ResponseKind(response.kind).label}: {response.explanation}"


def _reviews(document: DocxDocument, chosen: list[Review], responses: dict,
             numbers: dict[int, str]) -> None:
    d.heading(document, "Toetsing door de specialisten", 1)
    if not chosen:
        d.text(document, "", empty="Deze versie is (nog) niet getoetst.")
        return
    for review in chosen:
        domain = review.domain_info
        d.heading(document, f"{domain.label} (versie {review.plan_version.number})", 2)
        if not review.is_signed:
            d.text(document, "", empty="Deze toetsing is nog niet ondertekend.")
            continue
        d.label_value(document, (
            ("Specialist", f"{review.signer_name} ({domain.role.label})"),
            ("Datum", d.dutch_date(review.signed_at)),
            ("Oordeel", Verdict(review.verdict).label)))
        d.text(document, review.motivation)
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


def _approval(document: DocxDocument, version: PlanVersion | None) -> None:
    d.heading(document, "Goedkeuring", 1)
    approval = version.approval if version else None
    if approval is None:
        d.text(document, "", empty="De proceseigenaar heeft deze versie niet goedgekeurd.")
        return
    d.label_value(document, (("Goedgekeurd door", f"{approval.approver_name} (proceseigenaar)"),
                             ("Datum", d.dutch_date(approval.approved_at))))
    d.text(document, approval.note)
