"""The questions a project keeps beside its work (``QuestionSet``): per P of the service
formula, to prepare step 5's session, and per review domain, for its specialist to answer.

The team writes them one per line; a copy or a template carries them as plain rows
(``rows`` and ``add_rows``), and a review takes its domain's questions when it opens."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, select

from .. import audit
from ..errors import InvalidInput
from ..extensions import db
from ..models import Project, ProjectQuestion, User
from ..windows import require_open
from ..workflow import QUESTION_MAX_LENGTH, QUESTIONS_PER_SUBJECT, QuestionSet


def questions_of(project: Project, question_set: QuestionSet) -> dict[str, list[str]]:
    """Each subject's questions in order (an empty list where there are none)."""
    found: dict[str, list[str]] = {key: [] for key in question_set.subjects}
    for row in db.session.scalars(select(ProjectQuestion).where(
            ProjectQuestion.project_id == project.id,
            ProjectQuestion.question_set == question_set)
            .order_by(ProjectQuestion.subject, ProjectQuestion.position)):
        found.setdefault(row.subject, []).append(row.text)
    return found


def split_lines(text: str | None) -> list[str]:
    """One question per line, blank lines left out."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def problem(questions: list[str]) -> str | None:
    """What is wrong with one subject's questions, in Dutch (None: nothing)."""
    if len(questions) > QUESTIONS_PER_SUBJECT:
        return _("Schrijf hoogstens %(max)d vragen, één per regel.", max=QUESTIONS_PER_SUBJECT)
    if any(len(q) > QUESTION_MAX_LENGTH for q in questions):
        return _("Een vraag is hoogstens %(max)d tekens lang.", max=QUESTION_MAX_LENGTH)
    if any(ord(c) < 32 and c != "\t" for q in questions for c in q):
        return _("Een vraag bevat tekens die niet zijn toegestaan.")
    return None


def replace(project: Project, actor: User, question_set: QuestionSet,
            given: dict[str, list[str]]) -> None:
    """The given subjects' questions become these; subjects not given keep theirs."""
    require_open(project, question_set.edit_action)
    if set(given) - set(question_set.subjects):
        raise InvalidInput(_("Deze vragen horen bij geen P of toetsdomein."))
    problems = [f"{_(question_set.subjects[key])}: {found}" for key, questions in given.items()
                if (found := problem(questions))]
    if problems:
        raise InvalidInput(problems)
    before = questions_of(project, question_set)
    changed = {key: questions for key, questions in given.items() if before[key] != questions}
    if not changed:
        return
    db.session.execute(delete(ProjectQuestion).where(
        ProjectQuestion.project_id == project.id, ProjectQuestion.question_set == question_set,
        ProjectQuestion.subject.in_(list(changed))))
    _add(project, question_set, changed)
    audit.record("questions.update", "project", project.id, project.id, actor=actor,
                 before={"set": question_set.value, **{k: before[k] for k in changed}},
                 after={"set": question_set.value, **changed})


def _add(project: Project, question_set: QuestionSet, questions: dict[str, list[str]]) -> None:
    for subject, texts in questions.items():
        for position, text in enumerate(texts, start=1):
            db.session.add(ProjectQuestion(project_id=project.id, question_set=question_set,
                                           subject=subject, position=position, text=text))
    db.session.flush()


# --- As plain rows, for a copy or a template ---


def rows(project: Project, question_set: QuestionSet) -> list[dict[str, Any]]:
    return [{"subject": subject, "question": text}
            for subject, texts in questions_of(project, question_set).items() for text in texts]


def add_rows(project: Project, question_set: QuestionSet, found: list[dict[str, Any]]) -> None:
    """A new project's questions from rows checked before (a copy, or a template's version)."""
    grouped: dict[str, list[str]] = {}
    for row in found:
        grouped.setdefault(row["subject"], []).append(row["question"])
    _add(project, question_set, grouped)
