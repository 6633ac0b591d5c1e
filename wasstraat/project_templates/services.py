"""Templates per process type. An administrator or improvement coordinator saves a project's
starting points as a template (a new version of it, when it exists); a new project starts
from a template's version and takes over its requirements; a template travels between
organisations as a JSON document with a schema version, checked before it is imported."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from .. import audit, duties
from ..errors import InvalidInput, NotAllowed
from ..extensions import db
from ..forms import has_control_characters
from ..improvements.sources import SOURCES, SourceRef
from ..models import (
    Project,
    ProjectRequirement,
    ProjectTemplate,
    TemplateVersion,
    User,
)
from ..projects import copying
from ..workflow import (
    N_,
    QUESTION_MAX_LENGTH,
    QUESTIONS_PER_SUBJECT,
    TEMPLATE_SCHEMA,
    WASTES,
    CopyPart,
    Direction,
    OrgFunction,
    QuestionSet,
    Requirement,
    Step,
)

MAX_DOCUMENT_BYTES = 1_000_000
MAX_ROWS = 200  # per part: a template is a starting point, not a register
TEXT_LIMITS = {"name": 120, "definition": 2000, "unit": 40, "activity": 200, "actor": 120,
               "system": 120, "title": 200, "description": 4000,
               "question": QUESTION_MAX_LENGTH}
PROCESS_KINDS_MAX = 40


def may_keep_templates(user: User) -> bool:
    return user.is_admin or user.has_function(OrgFunction.COORDINATOR)


def require_keeper(user: User) -> None:
    if not may_keep_templates(user):
        raise NotAllowed(_("Alleen een beheerder of verbetercoördinator beheert de "
                           "sjablonen."))


def process_kinds() -> list[str]:
    return list(duties.settings().process_kinds or [])


def templates() -> list[ProjectTemplate]:
    return list(db.session.scalars(select(ProjectTemplate).order_by(
        ProjectTemplate.process_kind, ProjectTemplate.name)))


def latest_versions() -> list[TemplateVersion]:
    """Each template's newest version: what a new project starts from."""
    newest = (select(TemplateVersion.template_id, func.max(TemplateVersion.number).label("n"))
              .group_by(TemplateVersion.template_id).subquery())
    return list(db.session.scalars(
        select(TemplateVersion).join(newest, (newest.c.template_id == TemplateVersion.template_id)
                                     & (newest.c.n == TemplateVersion.number))
        .join(ProjectTemplate).options(contains_eager(TemplateVersion.template))
        .order_by(ProjectTemplate.process_kind, ProjectTemplate.name)))


# --- Saving a project as a template ---


def save_from_project(project: Project, actor: User, *, name: str, process_kind: str,
                      parts: set[CopyPart], requirements: dict[Requirement, Step]
                      ) -> TemplateVersion:
    """The project's ticked starting points as a new version of the template of that name."""
    require_keeper(actor)
    return add_version(actor, name=name, process_kind=process_kind,
                       content=copying.content(project, parts),
                       requirements=[{"requirement": r.value, "step": int(s)}
                                     for r, s in requirements.items()])


def add_version(actor: User, *, name: str, process_kind: str, content: dict,
                requirements: list[dict]) -> TemplateVersion:
    name = name.strip()
    if not name or len(name) > TEXT_LIMITS["name"]:
        raise InvalidInput(_("Geef het sjabloon een naam van hoogstens 120 tekens."), "name")
    if process_kind not in process_kinds():
        raise InvalidInput(_("Kies een soort proces uit de lijst van de organisatie."),
                           "process_kind")
    template = db.session.scalar(select(ProjectTemplate).where(ProjectTemplate.name == name))
    if template is None:
        template = ProjectTemplate(name=name, process_kind=process_kind,
                                   created_by_id=actor.id)
        db.session.add(template)
        db.session.flush()
    template.process_kind = process_kind
    number = (db.session.scalar(select(func.max(TemplateVersion.number)).where(
        TemplateVersion.template_id == template.id)) or 0) + 1
    version = TemplateVersion(template_id=template.id, number=number, content=content,
                              requirements=requirements, created_by_id=actor.id)
    db.session.add(version)
    db.session.flush()
    audit.record("template.version", "project_template", template.id, None, actor=actor,
                 after={"name": name, "process_kind": process_kind, "version": number,
                        "parts": copying.counts(content),
                        "requirements": requirements})
    return version


# --- A new project from a template ---


def start_from(project: Project, version: TemplateVersion, actor: User) -> None:
    """The version's starting points and requirements become the project's own: a later
    version of the template changes nothing here."""
    project.template_version_id = version.id
    copying.carry_over(project, version.content, actor,
                       SourceRef(SOURCES["template"], version.id, version.template.name))
    for row in version.requirements:
        db.session.add(ProjectRequirement(project_id=project.id,
                                          requirement=Requirement(row["requirement"]),
                                          step=Step(row["step"])))
    db.session.flush()
    audit.record("project.from_template", "project", project.id, project.id, actor=actor,
                 after={"template": version.template.name, "version": version.number})


# --- The JSON document ---


def document(version: TemplateVersion) -> dict[str, Any]:
    template = version.template
    return {"schema": TEMPLATE_SCHEMA, "name": template.name,
            "process_kind": template.process_kind, "version": version.number,
            "content": version.content, "requirements": version.requirements}


def read_document(data: bytes) -> tuple[dict[str, Any], list[str]]:
    """The document and what is wrong with it, in Dutch (nothing: it may be imported)."""
    if len(data) > MAX_DOCUMENT_BYTES:
        return {}, [_("Het bestand is groter dan 1 MB; een sjabloon is veel kleiner.")]
    try:
        parsed = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {}, [_("Dit is geen JSON-bestand van een sjabloon.")]
    if not isinstance(parsed, dict) or parsed.get("schema") != TEMPLATE_SCHEMA:
        return {}, [_("Dit bestand is geen sjabloon in het formaat %(schema)s.",
                      schema=TEMPLATE_SCHEMA)]
    problems = _text_problems(parsed, "name", _("de naam"))
    if parsed.get("process_kind") not in process_kinds():
        problems.append(_("Het soort proces „%(kind)s” staat niet in de lijst van uw "
                          "organisatie; een beheerder voegt het toe onder Organisatie.",
                          kind=str(parsed.get("process_kind"))[:80]))
    content = parsed.get("content")
    if not isinstance(content, dict) or set(content) - set(PARTS):
        return parsed, [*problems, _("Het sjabloon bevat onderdelen die Wasstraat niet kent.")]
    for key, check in PARTS.items():
        problems += _part_problems(content.get(key, []), key, check)
    for question_set in QuestionSet:
        problems += _question_count_problems(content.get(question_set.part.value, []),
                                             question_set)
    problems += _requirement_problems(parsed.get("requirements"))
    return parsed, problems


def _text_problems(row: Any, field: str, what: str, *, required: bool = True) -> list[str]:
    value = row.get(field) if isinstance(row, dict) else None
    if value is None and not required:
        return []
    if not isinstance(value, str) or (required and not value.strip()):
        return [_("%(what)s ontbreekt of is geen tekst.", what=_first_up(what))]
    if len(value) > TEXT_LIMITS.get(field, 200) or has_control_characters(value):
        return [_("%(what)s is te lang of bevat tekens die niet zijn toegestaan.",
                  what=_first_up(what))]
    return []


def _first_up(what: str) -> str:
    """"de naam" as a sentence's start, "KPI 1" as it is (``capitalize`` would say "Kpi")."""
    return what[:1].upper() + what[1:]


def _kpi_problems(row: dict, where: str) -> list[str]:
    problems = _text_problems(row, "name", where) + _text_problems(row, "unit", where)
    problems += _text_problems(row, "definition", where, required=False)
    if row.get("direction") not in {d.value for d in Direction}:
        problems.append(_("%(what)s: de richting is hoger of lager.", what=where))
    return problems


def _step_problems(row: dict, where: str) -> list[str]:
    problems = _text_problems(row, "activity", where)
    for field in ("actor", "system"):
        problems += _text_problems(row, field, where, required=False)
    wastes = row.get("wastes", [])
    if not isinstance(wastes, list) or set(map(str, wastes)) - set(WASTES):
        problems.append(_("%(what)s: onbekende verspilling.", what=where))
    flags = [row.get(f) for f in ("handover", "optional", "may_repeat", "parallel")]
    if any(not isinstance(flag, bool) for flag in flags if flag is not None):
        problems.append(_("%(what)s: ja of nee verwacht.", what=where))
    return problems


def _phase_problems(row: dict, where: str) -> list[str]:
    return _text_problems(row, "name", where)


def _improvement_problems(row: dict, where: str) -> list[str]:
    return (_text_problems(row, "title", where)
            + _text_problems(row, "description", where, required=False))


def _question_problems(question_set: QuestionSet):
    def check(row: dict, where: str) -> list[str]:
        problems = _text_problems(row, "question", where)
        if row.get("subject") not in question_set.subjects:
            problems.append(_("%(what)s hoort bij geen P of toetsdomein.", what=where))
        return problems

    return check


def _question_count_problems(rows: Any, question_set: QuestionSet) -> list[str]:
    """Per P or domain no more questions than a project keeps."""
    counted = Counter(row.get("subject") for row in (rows if isinstance(rows, list) else [])
                      if isinstance(row, dict))
    return [_("%(part)s: meer dan %(max)d vragen bij %(subject)s.",
              part=_(question_set.label), max=QUESTIONS_PER_SUBJECT, subject=_(label))
            for key, label in question_set.subjects.items()
            if counted[key] > QUESTIONS_PER_SUBJECT]


QUESTION_FIELDS = {"subject", "question"}
# Each part of the content, with the check of its rows and the fields a row may have.
PARTS = {"kpis": (_kpi_problems, {"name", "definition", "unit", "direction"}),
         "process": (_step_problems, set(copying.PROCESS_FIELDS)),
         "desired": (_step_problems, set(copying.PROCESS_FIELDS)),
         "journey": (_phase_problems, {"name"}),
         "improvements": (_improvement_problems, {"title", "description"}),
         **{question_set.part.value: (_question_problems(question_set), QUESTION_FIELDS)
            for question_set in QuestionSet}}
PART_TITLES = {"kpis": N_("KPI's"), "process": N_("Huidig proces"),
               "desired": N_("Gewenst proces"), "journey": N_("Fasen van de klantreis"),
               "improvements": N_("Voorgestelde verbeteringen"),
               **{question_set.part.value: question_set.label for question_set in QuestionSet}}
PART_NAMES = {"kpis": N_("KPI"), "process": N_("Processtap"),
              "desired": N_("Gewenste processtap"), "journey": N_("Fase"),
              "improvements": N_("Verbetering"), "formula_questions": N_("Vraag bij een P"),
              "review_questions": N_("Toetsvraag")}


def _part_problems(rows: Any, key: str, check) -> list[str]:
    rule, fields = check
    if not isinstance(rows, list) or len(rows) > MAX_ROWS:
        return [_("Het onderdeel %(part)s is geen lijst van hoogstens %(max)d rijen.",
                  part=_(PART_TITLES[key]), max=MAX_ROWS)]
    problems = []
    for number, row in enumerate(rows, start=1):
        where = f"{_(PART_NAMES[key])} {number}"
        if not isinstance(row, dict) or set(row) - fields:
            problems.append(_("%(what)s heeft velden die Wasstraat niet kent.", what=where))
            continue
        problems += rule(row, where)
    return problems


def _requirement_problems(rows: Any) -> list[str]:
    known = {r.value for r in Requirement}
    if not isinstance(rows, list) or len(
            {row.get("requirement") for row in rows if isinstance(row, dict)}) < len(rows) or any(
            not isinstance(row, dict) or row.get("requirement") not in known
            or row.get("step") not in {int(s) for s in Step} for row in rows):
        return [_("Een eis van het sjabloon is onbekend of noemt geen stap van 1 tot 10.")]
    return []


def import_document(parsed: dict[str, Any], actor: User) -> TemplateVersion:
    """A checked document as a new version of the template of its name (or a new one)."""
    require_keeper(actor)
    content = {key: [dict(row) for row in parsed["content"].get(key, [])] for key in PARTS
               if parsed["content"].get(key)}
    return add_version(actor, name=parsed["name"], process_kind=parsed["process_kind"],
                       content=content, requirements=parsed.get("requirements", []))
