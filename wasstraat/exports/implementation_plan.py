"""The implementation plan (implementatieplan) as a Word document: the process owner's order,
the planning per month, the method's chores, the evaluation and, once held, the results."""

from __future__ import annotations

from datetime import date

from docx.document import Document as DocxDocument

from ..implementation import services as implementation
from ..models import Project
from ..plans import services as plans
from ..workflow import Adoption, Step
from . import docx_base as d
from .improvement_plan import Export


def filename(project: Project) -> str:
    return f"implementatieplan-{d.slug(project.name)}.docx"


def build(project: Project, *, organisation: str, template: str | None,
          author: str) -> DocxDocument:
    items = implementation.items_of(project)
    approval = implementation.latest_approval(project)
    approved = approval is not None and approval.fingerprint == implementation.fingerprint(items)
    page = d.TitlePage(
        kind="Implementatieplan", organisation=organisation, project=project.name,
        product=project.product,
        version=d.dutch_date(approval.approved_at) if approved else "concept",
        status="Goedgekeurd" if approved else "Concept",
        day=approval.approved_at.date() if approved else date.today())
    document = d.new_document(template, page, author)
    _carries_out(document, project)
    _order(document, items)
    _deferred_and_dropped(document, items)
    _planning(document, items)
    _chores(document)
    _evaluation(document, project)
    _approval(document, approval if approved else None)
    return document


def export(project: Project, **options: object) -> Export:
    return Export(filename(project), d.to_bytes(build(project, **options)))


def _carries_out(document: DocxDocument, project: Project) -> None:
    """Which version of the improvement plan this plan carries out."""
    version = plans.document_version(plans.versions_of(project))
    if version is None:
        d.text(document, "", empty="Er is nog geen definitieve versie van het verbeterplan.")
        return
    said = f"Dit implementatieplan voert versie {version.number} van het verbeterplan uit"
    if version.approval is not None:
        said += (f", goedgekeurd door {version.approval.approver_name} op "
                 f"{d.dutch_date(version.approval.approved_at)}")
    d.text(document, said + ".")


def _order(document: DocxDocument, items: list) -> None:
    d.heading(document, "Verbeteringen in volgorde van uitvoering", 1)
    taken = implementation.taken_over(items)
    if not taken:
        d.text(document, "", empty="Er zijn (nog) geen verbeteringen die worden uitgevoerd.")
        return
    titles = {i.id: i.improvement.title for i in items}
    d.table(document, "De overgenomen verbeteringen in de volgorde van de proceseigenaar",
            ("Nr", "Verbetering", "Verantwoordelijke", "Start", "Einde", "Wacht op",
             "Status"),
            [(n, i.improvement.title, i.responsible.name if i.responsible else "–",
              d.dutch_date(i.start_on), d.dutch_date(i.end_on),
              titles.get(i.waits_for_id, "–"),
              i.status_enum.label + (f": {i.blocked_reason}" if i.blocked_reason else ""))
             for n, i in enumerate(taken, start=1)],
            # Wide enough that no word breaks in the middle ("Verantwoordelijke").
            (1.0, 3.7, 3.5, 1.9, 2.1, 2.2, 1.6))


def _deferred_and_dropped(document: DocxDocument, items: list) -> None:
    rest = [i for i in items if i.adoption_enum is not Adoption.TAKEN_OVER]
    if not rest:
        return
    d.heading(document, "Uitgesteld en vervallen", 1)
    d.table(document, "Verbeteringen die zijn uitgesteld of vervallen, met de reden",
            ("Verbetering", "Besluit", "Tot wanneer of waarom"),
            [(i.improvement.title, i.adoption_enum.label,
              d.dutch_date(i.deferred_until) if i.adoption_enum is Adoption.DEFERRED
              else i.drop_reason) for i in rest],
            (6, 3, 7))


MONTHS_PER_TABLE = 12
LONGEST_PLANNING = 120  # months (ten years); a longer one is cut with a note, never silently


def _planning(document: DocxDocument, items: list) -> None:
    """The whole period, however long: on landscape pages, a table per twelve months."""
    timeline = implementation.timeline(items, limit=None)
    shown = timeline.months[:LONGEST_PLANNING]
    if not shown:
        d.heading(document, "Planning per maand", 1)
        d.text(document, "", empty="Er is nog niets gepland.")
        return
    d.landscape(document)
    d.heading(document, "Planning per maand", 1)
    d.text(document, "Een X betekent dat er in die maand aan de verbetering wordt gewerkt.")
    for start in range(0, len(shown), MONTHS_PER_TABLE):
        months = shown[start:start + MONTHS_PER_TABLE]
        period = f"{d.dutch_month(months[0])} tot en met {d.dutch_month(months[-1])}"
        d.table(document, f"Planning per maand, {period}: X is gepland",
                ("Verbetering", *(d.short_month(month) for month in months)),
                [(item.improvement.title,
                  *("X" if planned else "" for planned in cells[start:start + len(months)]))
                 for item, cells in timeline.rows],
                (6, *([1.55] * len(months))))
    if len(timeline.months) > len(shown):
        d.text(document, f"De planning loopt door tot {d.dutch_month(timeline.months[-1])}; "
                         f"hierboven staan de eerste {LONGEST_PLANNING} maanden.")
    d.portrait(document)


def _chores(document: DocxDocument) -> None:
    d.heading(document, "Borgen: training, documentatie en communicatie", 1)
    d.text(document, "Naast de verbeteringen horen bij de uitvoering deze taken uit de "
                     "wasstraat-methode:")
    for template in Step.EXECUTION.definition.tasks:
        document.add_paragraph(d.clean(f"{template.title} ({template.role.label})"),
                               style="List Bullet")


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
        d.table(document, "KPI's: nulmeting, doel en nameting",
                ("KPI", "Nulmeting", "Doel", "Nameting", "Doel gehaald"),
                [(r.kpi.name + f" ({r.kpi.unit})", d.number(r.kpi.baseline_value),
                  d.number(r.kpi.target_value),
                  f"{d.number(r.after.value)} ({d.dutch_date(r.after.measured_on)})"
                  if r.after else "nog niet gemeten",
                  {True: "ja", False: "nee", None: "–"}[r.reached]) for r in results],
                (4.5, 2.7, 2, 4, 2.8))
    if evaluation is not None and evaluation.lessons:
        d.heading(document, "Geleerde lessen", 2)
        d.text(document, evaluation.lessons)


def _approval(document: DocxDocument, approval) -> None:  # noqa: ANN001
    d.heading(document, "Vaststelling", 1)
    if approval is None:
        d.text(document, "", empty="De proceseigenaar heeft dit plan (in deze vorm) nog niet "
                                   "vastgesteld.")
        return
    d.label_value(document, (("Vastgesteld door", f"{approval.approver_name} "
                                                  "(proceseigenaar)"),
                             ("Datum", d.dutch_date(approval.approved_at))))
