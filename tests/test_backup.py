"""Backups (checklist R-10): a backup taken while people are writing restores to a database
that passes its integrity check and holds every row committed before the backup began."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from conftest import BACKEND

from wasstraat.extensions import db
from wasstraat.models import AuditEvent, Project, Task, User
from wasstraat.tasks import services as tasks
from wasstraat.workflow import Role, Step


class Writers:
    """Two colleagues adding tasks as fast as they can, each in their own session."""

    def __init__(self, app, project_id: int, leader_id: int) -> None:
        self.app, self.project_id, self.leader_id = app, project_id, leader_id
        self.committed: list[tuple[int, float]] = []  # (task id, when its commit returned)
        self.errors: list[BaseException] = []
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._write, args=(n,)) for n in range(2)]

    def _write(self, n: int) -> None:
        with self.app.app_context():
            try:
                project = db.session.get(Project, self.project_id)
                leader = db.session.get(User, self.leader_id)
                while not self.stop.is_set():
                    task = tasks.add_task(project, leader, title=f"Taak van schrijver {n}",
                                          description="", step=Step.TEAM,
                                          assignee_id=leader.id, due_date=None)
                    db.session.commit()
                    self.committed.append((task.id, time.monotonic()))
            except BaseException as error:
                self.errors.append(error)
            finally:
                db.session.remove()

    def __enter__(self) -> Writers:
        for thread in self.threads:
            thread.start()
        deadline = time.monotonic() + 30
        while len(self.committed) < 10 and time.monotonic() < deadline:
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        time.sleep(0.2)  # some writes after the backup, too
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)


def task_ids(project_id: int) -> set[int]:
    db.session.expire_all()
    return set(db.session.scalars(db.select(Task.id).where(Task.project_id == project_id)))


def test_a_backup_taken_while_people_write_restores_every_committed_row(
        app, create_project, runner, tmp_path: Path):
    team = create_project(roles=[Role.PROJECT_LEADER])
    project_id, leader_id = team.project.id, team[Role.PROJECT_LEADER].id
    already = task_ids(project_id)
    db.session.commit()
    target = tmp_path / "wasstraat.backup"

    with Writers(app, project_id, leader_id) as writers:
        started = time.monotonic()
        result = runner.invoke(args=["backup", str(target)])
        # Copied now, so later writes need not block on the test's own session.
        committed_before = {i for i, at in writers.committed if at < started}
    assert writers.errors == []
    assert result.exit_code == 0, result.output
    assert "integrity check: ok" in result.output and target.stat().st_size > 0
    everything = already | {i for i, _ in writers.committed}
    assert task_ids(project_id) == everything  # nothing lost by taking the backup
    db.session.commit()

    result = runner.invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    assert "audit trail intact" in result.output
    restored = task_ids(project_id)
    assert already | committed_before <= restored <= everything
    assert restored < everything  # the writes after the backup are not in it
    if BACKEND == "sqlite":
        # One writer at a time, ids in commit order: the copy is one moment of the database.
        assert restored == {i for i in everything if i <= max(restored)}
        from wasstraat.backup import integrity

        assert integrity(Path(db.engine.url.database)) == "ok"
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)) > 0
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0


def test_a_damaged_backup_is_refused_and_the_database_left_alone(create_project, runner,
                                                                 tmp_path: Path):
    project_id = create_project(roles=[Role.PROJECT_LEADER]).project.id
    before = task_ids(project_id)
    db.session.commit()
    damaged = tmp_path / "damaged.backup"
    damaged.write_bytes(b"PGDMP this is not a backup" + bytes(range(256)) * 20)
    result = runner.invoke(args=["restore", str(damaged), "--yes"])
    assert result.exit_code != 0
    assert task_ids(project_id) == before


def test_restore_asks_before_it_replaces_the_database(create_project, runner, tmp_path: Path):
    create_project(roles=[Role.PROJECT_LEADER])
    db.session.commit()
    target = tmp_path / "copy.backup"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    answer_no = runner.invoke(args=["restore", str(target)], input="n\n")
    assert answer_no.exit_code == 1 and "Aborted" in answer_no.output


@pytest.mark.skipif(BACKEND != "sqlite", reason="SQLite file check")
def test_a_backup_never_leaves_a_half_written_file_under_its_name(runner, tmp_path: Path,
                                                                  monkeypatch):
    from wasstraat import backup

    monkeypatch.setattr(backup, "integrity", lambda path: "*** in database main ***")
    target = tmp_path / "copy.backup"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code != 0 and "integrity check" in result.output
    assert not target.exists() and not list(tmp_path.glob("*.part"))
