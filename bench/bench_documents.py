"""Benchmark: both Word documents for a project with 500 improvements and 6 reviews.

Prints the time to build each document (best of a few runs, database reads included) against
a bare baseline: the same tables written with python-docx alone, plus the figures' own
rendering by matplotlib (timed inside the build). Targets: at most 1.5x that baseline for
both, and under 2 s in total for the improvement plan (the implementation plan of 500
improvements draws a Gantt page per 25 of them, about 0.2 s each, so its total follows the
number of pages). Where LibreOffice is installed it also reports the PDF/A conversion (no
target: that is LibreOffice's own time). Run with `make bench`; it uses a throw-away SQLite
database.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

IMPROVEMENTS, REVIEWS, FINDINGS_PER_REVIEW, RUNS = 500, 6, 20, 3


def build_project():
    from wasstraat.extensions import db
    from wasstraat.improvements import services as improvements
    from wasstraat.improvements.sources import resolve
    from wasstraat.models import (
        ImplementationItem,
        ImplementationOrder,
        ImprovementPlan,
        Kpi,
        KpiMeasurement,
        PlanApproval,
        PlanRisk,
        Review,
        ReviewFinding,
        User,
    )
    from wasstraat.plans import services as plans
    from wasstraat.projects import services as projects
    from wasstraat.workflow import REVIEW_DOMAINS, Role, Step, StepStatus

    people = {role: User(email=f"{role.value}@bench.example", name=f"{role.label} Bench",
                         password_hash="!")  # noqa: S106 - no login possible
              for role in Role}
    for role, user in people.items():  # registered by the administrator (duties.py)
        user.specialisms = [role.value] if role.is_specialist else []
    db.session.add_all(people.values())
    db.session.flush()
    leader = people[Role.PROJECT_LEADER]
    project = projects.create_project(leader, name="Benchmark traject", product="Product",
                                      assignment="Sneller en beter.", process_type="primary",
                                      creator_roles=set())
    for role, user in people.items():
        if role is not Role.PROJECT_LEADER:
            projects.add_member(project, leader, user, {role})
    for state in project.steps:
        state.status = (StepStatus.IN_PROGRESS if state.step == Step.ADJUST
                        else StepStatus.DONE if state.step < Step.ADJUST
                        else StepStatus.NOT_STARTED).value
    kpi = Kpi(project_id=project.id, name="Doorlooptijd", unit="dagen", direction="lower",
              baseline_value=21, target_value=5)
    db.session.add(kpi)
    db.session.flush()
    db.session.add(KpiMeasurement(kpi_id=kpi.id, value=6, measured_on=date(2027, 12, 1)))
    for n in range(IMPROVEMENTS):
        row = improvements.add_improvement(
            project, leader, resolve(project, "step", 6), title=f"Verbetering {n} & co",
            description=f"Wat verbetering {n} doet, in een paar zinnen uitgelegd.",
            proposer_id=None)
        row.decision, row.horizon = "in_plan", ("quick_win" if n % 2 else "long_term")
        row.impact, row.effort, row.cost_estimate = 1 + n % 5, 1 + n % 4, 1000 * n
    # The texts a board needs before the plan is final, and a register of ten risks.
    db.session.add(ImprovementPlan(
        project_id=project.id, context="Inwoners wachten drie weken op een besluit.",
        scope="De aanvraag, van melding tot besluit.", risks="De leverancier levert laat."))
    db.session.add_all(PlanRisk(project_id=project.id, description=f"Risico {n}",
                                likelihood=("low", "medium", "high")[n % 3],
                                impact=("high", "medium", "low")[n % 3],
                                measure=f"Maatregel {n}", owner_id=leader.id)
                       for n in range(10))
    db.session.flush()
    final = plans.make_final(project, leader, [])
    for domain in REVIEW_DOMAINS[:REVIEWS]:
        review = Review(project_id=project.id, plan_version_id=final.id, domain=domain.key,
                        verdict="conditional", motivation="Motivering", conditions="Voorwaarde",
                        dpia_criteria=[])
        db.session.add(review)
        db.session.flush()
        for n in range(FINDINGS_PER_REVIEW):
            db.session.add(ReviewFinding(review_id=review.id, improvement_title=f"Verbetering {n}",
                                         remark="Opmerking", condition="Voorwaarde"))
        db.session.flush()
        review.signed_at, review.signer_name = datetime.now(UTC), "Specialist"
    db.session.add(PlanApproval(plan_version_id=final.id, approver_name="Proceseigenaar"))
    db.session.add(ImplementationOrder(project_id=project.id))
    for n, row in enumerate(plans.board(project), start=1):
        db.session.add(ImplementationItem(
            project_id=project.id, improvement_id=row.id, position=n,
            responsible_id=people[Role.TEAM_MANAGER].id, start_on=date(2027, 1 + n % 12, 1),
            end_on=date(2027, 1 + n % 12, 28)))
    db.session.commit()
    return project.id, final.number


def bare_documents(tables: list[tuple[list[str], list[list[str]]]]) -> bytes:
    """The same tables written with python-docx and nothing else."""
    from docx import Document

    document = Document()
    for headers, rows in tables:
        table = document.add_table(rows=1, cols=len(headers))
        for cell, title in zip(table.rows[0].cells, headers, strict=True):
            cell.text = title
        for values in rows:
            for cell, value in zip(table.add_row().cells, values, strict=True):
                cell.text = value
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def tables_of(content: bytes) -> list[tuple[list[str], list[list[str]]]]:
    from docx import Document

    document = Document(BytesIO(content))
    return [([c.text for c in t.rows[0].cells],
             [[c.text for c in row.cells] for row in t.rows[1:]]) for t in document.tables]


def best(action) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


FIGURE_SECONDS: list[float] = []


def time_figures() -> None:
    """Count the time matplotlib spends drawing, so the baseline includes it."""
    from wasstraat.exports import figures

    for name in ("matrix", "journey_curve", "kpi_chart", "gantt"):
        draw = getattr(figures, name)

        def timed(*args, draw=draw):
            start = time.perf_counter()
            try:
                return draw(*args)
            finally:
                FIGURE_SECONDS.append(time.perf_counter() - start)
        setattr(figures, name, timed)


def figure_time(build) -> float:
    """The least time the figures of one build took (the same runs as :func:`best`)."""
    times = []
    for _ in range(RUNS):
        FIGURE_SECONDS.clear()
        build()
        times.append(sum(FIGURE_SECONDS))
    return min(times)


def main() -> None:
    workdir = tempfile.mkdtemp(prefix="wasstraat-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite"
    os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 40)
    from flask_migrate import upgrade

    from wasstraat import create_app
    from wasstraat.exports import implementation_plan, improvement_plan, pdf
    from wasstraat.extensions import db
    from wasstraat.models import Project
    from wasstraat.plans.services import version_by_number

    app = create_app()
    time_figures()
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        project_id, number = build_project()
        options = {"organisation": "Gemeente Benchmark", "template": None, "author": "Bench",
                   "addressee": "Directieteam"}

        def improvement() -> bytes:
            db.session.expire_all()
            project = db.session.get(Project, project_id)
            return improvement_plan.export(project, version_by_number(project, number),
                                           **options).content

        def implementation() -> bytes:
            db.session.expire_all()
            return implementation_plan.export(db.session.get(Project, project_id),
                                              **options).content

        print(f"Word documents: {IMPROVEMENTS} improvements, {REVIEWS} reviews "
              f"({FINDINGS_PER_REVIEW} findings each); best of {RUNS}")
        failed = False
        for name, build, most in (("verbeterplan", improvement, 2.0),
                                  ("implementatieplan", implementation, None)):
            content = build()
            tables = tables_of(content)
            app_time = best(build)
            drawing = figure_time(build)
            bare_time = best(lambda tables=tables: bare_documents(tables)) + drawing
            ratio = app_time / bare_time
            rows = sum(len(rows) for _, rows in tables)
            ok = ratio <= 1.5 and (most is None or app_time <= most)
            failed |= not ok
            print(f"  {name:18} {app_time:6.3f} s   bare python-docx + figures {bare_time:6.3f} s"
                  f" (figures {drawing:5.3f} s)   ratio {ratio:4.2f}x   {rows} table rows, "
                  f"{len(content) // 1024} KiB   {'ok' if ok else 'ABOVE TARGET'}")
            if pdf.available():
                start = time.perf_counter()
                pdf.to_pdf(content)
                print(f"  {'':18} PDF/A by LibreOffice {time.perf_counter() - start:6.3f} s")
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
