"""Benchmark: both Word documents for a project with 500 improvements and 6 reviews.

Prints the time to build each document (best of a few runs, database reads included) and its
ratio to writing the same tables with bare python-docx. Targets: at most 1 s and 1.5x.
Run with `make bench`; it uses a throw-away SQLite database.
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


def build_project():  # noqa: ANN201
    from wasstraat.extensions import db
    from wasstraat.improvements import services as improvements
    from wasstraat.improvements.sources import resolve
    from wasstraat.models import (
        ImplementationItem,
        ImplementationOrder,
        Kpi,
        PlanApproval,
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
    db.session.add(Kpi(project_id=project.id, name="Doorlooptijd", unit="dagen",
                       direction="lower", baseline_value=21, target_value=5))
    for n in range(IMPROVEMENTS):
        row = improvements.add_improvement(
            project, leader, resolve(project, "step", 6), title=f"Verbetering {n} & co",
            description=f"Wat verbetering {n} doet, in een paar zinnen uitgelegd.",
            proposer_id=None)
        row.decision, row.horizon = "in_plan", ("quick_win" if n % 2 else "long_term")
        row.impact, row.effort, row.cost_estimate = 1 + n % 5, 1 + n % 4, 1000 * n
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


def best(action) -> float:  # noqa: ANN001
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    workdir = tempfile.mkdtemp(prefix="wasstraat-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite"
    os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 40)
    from flask_migrate import upgrade

    from wasstraat import create_app
    from wasstraat.exports import implementation_plan, improvement_plan
    from wasstraat.extensions import db
    from wasstraat.models import Project
    from wasstraat.plans.services import version_by_number

    app = create_app()
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        project_id, number = build_project()
        options = {"organisation": "Gemeente Benchmark", "template": None, "author": "Bench"}

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
        for name, build in (("verbeterplan", improvement),
                            ("implementatieplan", implementation)):
            content = build()
            tables = tables_of(content)
            app_time = best(build)
            bare_time = best(lambda tables=tables: bare_documents(tables))
            ratio = app_time / bare_time
            rows = sum(len(rows) for _, rows in tables)
            ok = app_time <= 1.0 and ratio <= 1.5
            failed |= not ok
            print(f"  {name:18} {app_time:6.3f} s   bare python-docx {bare_time:6.3f} s   "
                  f"ratio {ratio:4.2f}x   {rows} table rows, {len(content) // 1024} KiB"
                  f"   {'ok' if ok else 'ABOVE TARGET (1 s, 1.5x)'}")
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
