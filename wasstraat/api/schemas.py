"""The API's representations as marshmallow schemas: one definition each serialises the
response, validates the request and describes both in the OpenAPI document. Python names
are snake_case; every property on the wire is lowerCamelCase."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from marshmallow import RAISE, Schema, fields, validate

from ..workflow import (
    ActionStatus,
    BenefitKind,
    CommentSubject,
    Decision,
    EndReason,
    Horizon,
    MomentState,
    RevisitStatus,
    Role,
    StepStatus,
    Verdict,
)

PAGE_SIZE = 20
LARGEST_PAGE_SIZE = 100
LARGEST_NUMBER = 2_147_483_647  # what the database's integer columns hold

# marshmallow's messages, in Dutch like the rest of the product.
_MESSAGES = {
    "required": _l("Dit veld is verplicht."),
    "null": _l("Dit veld mag niet leeg (null) zijn."),
    "invalid": _l("Ongeldige waarde."),
    "validator_failed": _l("Ongeldige waarde."),
    "too_large": _l("Dit getal is te groot."),
}


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def camel_keys(value: Any) -> Any:
    """Every key of a stored dict (an audit event's before and after) in camelCase, as the
    rest of the API; the values as they are."""
    if isinstance(value, dict):
        return {camel(str(key)): camel_keys(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [camel_keys(inner) for inner in value]
    return value


class CamelSchema(Schema):
    class Meta:
        unknown = RAISE
        ordered = True

    error_messages = {"unknown": _l("Onbekend veld."),
                      "type": _l("Verwacht een JSON-object.")}

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        field_obj.data_key = camel(field_obj.data_key or field_name)
        for key, message in _MESSAGES.items():
            if key in field_obj.error_messages:
                field_obj.error_messages[key] = str(message)


def between(low: int, high: int) -> validate.Range:
    return validate.Range(low, high, error=str(_l("Kies een getal van {min} tot en met {max}.")))


def _id(**kwargs) -> fields.Integer:
    return fields.Integer(strict=True, validate=between(1, LARGEST_NUMBER), **kwargs)


def _one_of(choices, **kwargs) -> fields.String:
    values = [str(c) for c in choices]
    return fields.String(validate=validate.OneOf(values, error=str(_l(
        "Kies een van: {choices}."))), metadata={"enum": values}, **kwargs)


# --- Errors, paging ----------------------------------------------------------------------------

class InvalidParamSchema(CamelSchema):
    name = fields.String(required=True, metadata={"description": "Het veld (camelCase)."})
    reason = fields.String(required=True)


class ProblemSchema(Schema):
    """RFC 9457 problem details (its member names are not ours to change)."""

    type = fields.String(metadata={"example": "about:blank"})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    instance = fields.String()
    invalid_params = fields.List(fields.Nested(InvalidParamSchema), data_key="invalid-params")
    request_id = fields.String(data_key="requestId", metadata={
        "description": "Het nummer van dit verzoek in de logboeken van de server; noem het "
                       "bij een vraag aan functioneel beheer."})
    incident = fields.String(metadata={
        "description": "Bij een fout van de server (500): het kenmerk van het incident."})


class LinkSchema(CamelSchema):
    href = fields.String(required=True)


class PageLinksSchema(CamelSchema):
    self = fields.Nested(LinkSchema, required=True)
    first = fields.Nested(LinkSchema, required=True)
    prev = fields.Nested(LinkSchema)
    next = fields.Nested(LinkSchema)
    last = fields.Nested(LinkSchema, required=True)


class PageArgs(CamelSchema):
    page = fields.Integer(load_default=1, validate=between(1, LARGEST_NUMBER),
                          metadata={"description": "De pagina, vanaf 1."})
    page_size = fields.Integer(load_default=PAGE_SIZE, validate=between(
        1, LARGEST_PAGE_SIZE), metadata={"description": "Aantal per pagina (hoogstens 100)."})


def page_of(item_schema: type[Schema], name: str) -> type[Schema]:
    """A page of a list: its items, the counts and links to the other pages."""
    return type(name, (CamelSchema,), {
        "items": fields.List(fields.Nested(item_schema), required=True),
        "page": fields.Integer(required=True),
        "page_size": fields.Integer(required=True),
        "total_items": fields.Integer(required=True),
        "total_pages": fields.Integer(required=True),
        "links": fields.Nested(PageLinksSchema, required=True),
    })


class PersonSchema(CamelSchema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


# --- Projects ------------------------------------------------------------------------------

class StepStateSchema(CamelSchema):
    number = fields.Integer(required=True, attribute="step",
                            metadata={"minimum": 1, "maximum": 10})
    name = fields.Method("_name", required=True)
    status = _one_of(StepStatus, required=True)
    started_at = fields.AwareDateTime(allow_none=True)
    closed_at = fields.AwareDateTime(allow_none=True)
    skip_reason = fields.String()

    def _name(self, state) -> str:
        return gettext(state.step.definition.name)


class ProjectArgs(PageArgs):
    step = fields.Integer(validate=between(1, 10),
                          metadata={"description": "Alleen projecten die nu in deze stap zijn."})
    closed = fields.Boolean(metadata={"description": "Alleen afgesloten (true) of lopende "
                                                     "(false) projecten."})
    process_type = _one_of(("primary", "secondary"))
    organisation_unit = fields.String(validate=validate.Length(max=120, error=str(_l(
        "Hoogstens {max} tekens."))))
    sort = _one_of(("name", "-name", "createdAt", "-createdAt"), load_default="name")


class ProjectSchema(CamelSchema):
    id = fields.Integer(required=True)
    reference = fields.String(required=True, metadata={"example": "WS-2026-0042"})
    name = fields.String(required=True)
    product = fields.String(required=True)
    assignment = fields.String()
    process_type = fields.String(required=True)
    organisation_unit = fields.String()
    created_at = fields.AwareDateTime(required=True)
    current_step = fields.Integer(allow_none=True, metadata={
        "description": "De stap waarin het project nu is; null als alle tien klaar zijn."})
    closed = fields.Boolean(attribute="is_finished", required=True)
    revisit_date = fields.Date(attribute="revisit_on", allow_none=True)
    steps = fields.List(fields.Nested(StepStateSchema), required=True)


class TeamMemberSchema(CamelSchema):
    id = fields.Integer(required=True, attribute="user_id")
    name = fields.String(required=True, attribute="user.name")
    roles = fields.Method("_roles", required=True, metadata={"type": "array", "items": {
        "type": "string", "enum": [r.value for r in Role]}})
    added_at = fields.AwareDateTime(required=True)

    def _roles(self, membership) -> list[str]:
        return [r.value for r in membership.sorted_roles]


# --- Tasks ---------------------------------------------------------------------------------

class TaskArgs(PageArgs):
    open = fields.Boolean(metadata={"description": "Alleen open (true) of afgeronde (false) "
                                                   "taken."})
    step = fields.Integer(validate=between(1, 10))


class TaskSchema(CamelSchema):
    id = fields.Integer(required=True)
    project_id = fields.Integer(required=True)
    step = fields.Integer(required=True)
    role = fields.String(allow_none=True)
    title = fields.String(required=True)
    description = fields.String()
    assignee = fields.Nested(PersonSchema, allow_none=True)
    due_date = fields.Date(allow_none=True)
    done = fields.Boolean(attribute="is_done", required=True)
    done_at = fields.AwareDateTime(allow_none=True)
    created_at = fields.AwareDateTime(required=True)


# --- KPIs ----------------------------------------------------------------------------------

class MeasurementSchema(CamelSchema):
    id = fields.Integer(required=True)
    value = fields.Float(required=True)
    measured_date = fields.Date(attribute="measured_on", required=True)
    created_at = fields.AwareDateTime(required=True)


class KpiSchema(CamelSchema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    definition = fields.String()
    unit = fields.String(required=True)
    direction = fields.String(required=True, metadata={"enum": ["higher", "lower"]})
    baseline_value = fields.Float(allow_none=True)
    baseline_date = fields.Date(allow_none=True)
    baseline_source = fields.String()
    target_value = fields.Float(allow_none=True)
    target_date = fields.Date(allow_none=True)
    measurements = fields.List(fields.Nested(MeasurementSchema), required=True)


# --- Improvements --------------------------------------------------------------------------

class SourceSchema(CamelSchema):
    type = fields.String(required=True, metadata={"description": "Waar de verbetering "
                                                  "ontstond: step, process_step, kpi, ..."})
    id = _id(required=True)


class ImprovementArgs(PageArgs):
    step = fields.Integer(validate=between(1, 10))
    horizon = _one_of(Horizon)
    decision = _one_of(Decision)


class ImprovementSchema(CamelSchema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    description = fields.String()
    step = fields.Integer(required=True)
    source = fields.Method("_source", required=True, metadata={
        "type": "object", "properties": {"type": {"type": "string"},
                                         "id": {"type": "integer", "nullable": True}}})
    proposer = fields.Nested(PersonSchema, allow_none=True)
    horizon = fields.String(allow_none=True, metadata={"enum": [h.value for h in Horizon]})
    decision = fields.String(required=True, metadata={"enum": [d.value for d in Decision]})
    impact = fields.Integer(allow_none=True)
    effort = fields.Integer(allow_none=True)
    created_at = fields.AwareDateTime(required=True)

    def _source(self, improvement) -> dict:
        return {"type": improvement.source_type, "id": improvement.source_id}


class NewImprovementSchema(CamelSchema):
    # The screens' rules, stated in the document: one line of text, not empty, at most 200.
    title = fields.String(required=True, validate=[
        validate.Length(max=200, error=_l("Hoogstens 200 tekens.")),
        validate.Regexp(r"^[^\r\n]*\S[^\r\n]*$",
                        error=_l("Vul één regel tekst in, niet leeg."))])
    description = fields.String(load_default="")
    source = fields.Nested(SourceSchema, required=True)
    proposer_id = _id(allow_none=True, load_default=None, metadata={
        "description": "Wie de verbetering indiende (een teamlid); standaard u zelf."})


# --- Plans and reviews ---------------------------------------------------------------------

class PlanVersionSchema(CamelSchema):
    id = fields.Integer(required=True)
    number = fields.Integer(required=True)
    status = fields.String(required=True, metadata={
        "enum": ["sent_for_review", "final", "approved"],
        "description": "Ter review verstuurd, definitief, of goedgekeurd door de "
                       "proceseigenaar."})
    created_at = fields.AwareDateTime(required=True)
    approved_at = fields.AwareDateTime(allow_none=True)
    improvements = fields.Integer(required=True, metadata={
        "description": "Aantal verbeteringen in deze versie."})


class ReviewQuestionSchema(CamelSchema):
    question = fields.String(required=True)
    answer = fields.String(required=True, metadata={
        "description": "Leeg zolang de specialist de vraag niet heeft beantwoord."})


class ReviewSchema(CamelSchema):
    id = fields.Integer(required=True)
    plan_version = fields.Integer(required=True, attribute="plan_version.number")
    domain = fields.String(required=True)
    verdict = fields.String(allow_none=True, metadata={"enum": [v.value for v in Verdict]})
    motivation = fields.String()
    conditions = fields.String()
    dpia_required = fields.Boolean(allow_none=True)
    signed = fields.Boolean(attribute="is_signed", required=True)
    signed_at = fields.AwareDateTime(allow_none=True)
    signer_name = fields.String()
    findings = fields.Method("_findings", required=True, metadata={
        "type": "integer", "description": "Aantal bevindingen."})
    questions = fields.List(fields.Nested(ReviewQuestionSchema), required=True,
                            attribute="questions_answered", metadata={
                                "description": "De toetsvragen van het traject bij het "
                                               "openen van deze toetsing, met de antwoorden."})

    def _findings(self, review) -> int:
        return len(review.findings)


# --- Implementation ------------------------------------------------------------------------

class ImplementationArgs(PageArgs):
    status = _one_of(ActionStatus)


class ImplementationItemSchema(CamelSchema):
    id = fields.Integer(required=True)
    position = fields.Integer(required=True)
    improvement_id = fields.Integer(required=True)
    title = fields.String(required=True)
    adoption = fields.String(required=True)
    responsible = fields.Nested(PersonSchema, allow_none=True)
    start_date = fields.Date(attribute="start_on", allow_none=True)
    end_date = fields.Date(attribute="end_on", allow_none=True)
    status = fields.String(required=True, metadata={"enum": [s.value for s in ActionStatus]})
    blocked_reason = fields.String()


class ActionUpdateSchema(CamelSchema):
    status = fields.String(required=True)
    blocked_reason = fields.String(load_default="")
    progress_note = fields.String(load_default="", metadata={
        "description": "Een voortgangsnotitie die bij de actie wordt bewaard (optioneel)."})


# --- Audit trail ---------------------------------------------------------------------------

class AuditEventSchema(CamelSchema):
    id = fields.Integer(required=True)
    occurred_at = fields.AwareDateTime(attribute="at", required=True)
    actor = fields.Nested(PersonSchema, allow_none=True)
    action = fields.String(required=True)
    object_type = fields.String(required=True)
    object_id = fields.Integer(allow_none=True)
    result = fields.String(required=True)
    before = fields.Function(lambda row: camel_keys(row.before), allow_none=True,
                             metadata={"type": "object", "description": "De velden vóór de "
                                       "wijziging (namen in camelCase)."})
    after = fields.Function(lambda row: camel_keys(row.after), allow_none=True,
                            metadata={"type": "object", "description": "De velden na de "
                                      "wijziging (namen in camelCase)."})


# --- Comments ----------------------------------------------------------------------------

class CommentArgs(PageArgs):
    subject = _one_of(CommentSubject)
    subject_id = fields.Integer(validate=between(1, LARGEST_NUMBER), metadata={
        "description": "Alleen de reacties bij dit onderwerp (een stap: zijn nummer)."})


class CommentSchema(CamelSchema):
    id = fields.Integer(required=True)
    project_id = fields.Integer(required=True)
    subject = fields.String(required=True, metadata={"enum": [s.value for s in CommentSubject]})
    subject_id = fields.Integer(required=True)
    author = fields.Nested(PersonSchema, allow_none=True)
    text = fields.String(attribute="body", required=True, metadata={
        "description": "Leeg als de reactie verwijderd is."})
    mentioned = fields.List(fields.Nested(PersonSchema), required=True)
    created_at = fields.AwareDateTime(required=True)
    corrected_at = fields.AwareDateTime(attribute="edited_at", allow_none=True)
    removed_at = fields.AwareDateTime(allow_none=True)
    removed_by = fields.Nested(PersonSchema, allow_none=True)


# --- The result: benefits, the borging's re-measurements, the process library -------------

class BenefitSchema(CamelSchema):
    id = fields.Integer(required=True)
    improvement_id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={
        "enum": [k.value for k in BenefitKind],
        "description": "euros en hours tellen per jaar op; quality hoort bij een KPI."})
    kpi_id = fields.Integer(allow_none=True)
    description = fields.String()
    expected = fields.Float(allow_none=True, metadata={
        "description": "Verwacht per jaar, vastgelegd met het plan."})
    forecast = fields.Float(allow_none=True)
    forecast_on = fields.Date(allow_none=True)
    actual = fields.Float(allow_none=True)
    actual_on = fields.Date(allow_none=True)


class KpiRefSchema(CamelSchema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    unit = fields.String(required=True)


class RemeasurementSchema(CamelSchema):
    id = fields.Integer(required=True)
    kpi = fields.Nested(KpiRefSchema, required=True)
    months = fields.Integer(required=True, metadata={"description": "Maanden na afsluiten."})
    due_on = fields.Date(required=True)
    owner = fields.Nested(PersonSchema, allow_none=True)
    state = fields.Function(lambda row: row.state.value, required=True,
                            metadata={"enum": [s.value for s in MomentState]})
    value = fields.Function(lambda row: row.row.measurement.value if row.row.measurement
                            else None, allow_none=True, metadata={"type": "number"})
    measured_on = fields.Function(lambda row: row.row.measurement.measured_on.isoformat()
                                  if row.row.measurement else None, allow_none=True,
                                  metadata={"type": "string", "format": "date"})
    end_reason = fields.Function(lambda row: row.row.end_reason, allow_none=True,
                                 metadata={"type": "string",
                                           "enum": [r.value for r in EndReason]})
    end_note = fields.Function(lambda row: row.row.end_note, metadata={"type": "string"})

    def get_attribute(self, obj, attr, default):
        """A Moment: its row's attributes, and its state of today."""
        if attr in ("id", "kpi", "months", "due_on", "owner"):
            return getattr(obj.row, attr)
        return super().get_attribute(obj, attr, default)


class DeviationSchema(CamelSchema):
    kind = fields.Function(lambda row: row.deviation.kind, required=True,
                           metadata={"enum": ["missing", "repeated", "order", "extra"]})
    activity = fields.Function(lambda row: row.deviation.activity, required=True,
                               metadata={"type": "string"})
    after = fields.Function(lambda row: row.deviation.other or None, allow_none=True,
                            metadata={"type": "string", "description": "Bij een afwijking in "
                                      "de volgorde: de activiteit waarna ze kwam."})
    cases = fields.Integer(required=True)
    share = fields.Float(required=True)
    lead_time_with = fields.Float(attribute="lead_with", allow_none=True,
                                  metadata={"description": "Mediane doorlooptijd in dagen."})
    lead_time_without = fields.Float(attribute="lead_without", allow_none=True)
    accepted = fields.Boolean(required=True)


class ConformanceSchema(CamelSchema):
    checked = fields.Boolean(required=True, metadata={
        "description": "Of er een gelezen eventlog van na de verandering en een gewenst proces "
                       "zijn om te toetsen."})
    cases = fields.Integer(required=True)
    conforming = fields.Integer(required=True)
    rate = fields.Float(allow_none=True)
    deviations = fields.List(fields.Nested(DeviationSchema), required=True)
    unmatched = fields.List(fields.String(), required=True)


class ProcessSchema(CamelSchema):
    project_id = fields.Function(lambda row: row.project.id, required=True,
                                 metadata={"type": "integer"})
    name = fields.Function(lambda row: row.project.product, required=True,
                           metadata={"type": "string", "description": "Het product of de "
                                     "dienst waarvan het proces is beschreven."})
    project_name = fields.Function(lambda row: row.project.name, required=True,
                                   metadata={"type": "string"})
    department = fields.Function(lambda row: row.project.organisation_unit,
                                 metadata={"type": "string"})
    process_owners = fields.List(fields.String(), attribute="owners", required=True)
    revisit_on = fields.Function(lambda row: row.project.revisit_on.isoformat()
                                 if row.project.revisit_on else None, allow_none=True,
                                 metadata={"type": "string", "format": "date"})
    revisit_status = fields.Function(lambda row: row.revisit.value, required=True,
                                     metadata={"type": "string",
                                               "enum": [r.value for r in RevisitStatus]})
    lead_time_days = fields.Float(attribute="lead_days", allow_none=True, metadata={
        "description": "Mediane doorlooptijd van het laatst gemeten eventlog, in dagen."})
