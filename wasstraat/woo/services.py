"""A Woo publication of a project's document: prepared by the role the organisation names,
its names, e-mail addresses and free text reviewed and each omission grounded, approved by a
second person, then delivered to a GPP-publicatiebank or as a ZIP package, and perhaps
withdrawn (recorded, never deleted).

The document is kept as it was prepared: what the reviewers read is what is published. The
PDF/A is made at approval, with the omissions applied in its text."""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Text, select

from .. import audit, clock
from ..concurrency import check_version, save_the_only_row
from ..errors import InvalidInput, NotAllowed, WorkflowError
from ..exports import archive, implementation_plan, pdf
from ..exports.docx_base import options
from ..exports.improvement_plan import Export, export
from ..extensions import db
from ..http import api_address_problem
from ..models import PlanVersion, Project, Task, User, WooPublication, WooRedaction, WooSettings
from ..models.base import utcnow
from ..tasks.services import task_link
from ..workflow import (
    WOO_CATEGORIES,
    WOO_DELIVERABLE,
    WOO_EDITABLE,
    WOO_LIVE,
    WOO_SOURCES,
    Role,
    StepStatus,
    WooDelivery,
    WooDocument,
    WooFinding,
    WooGround,
    WooState,
    woo_proposal,
)
from . import gpp, metadata, redaction

ORIGIN = "woo"  # the redaction review's task
PASSAGE_MIN = 12  # shorter free text ("Ja", a number) is no passage worth a decision
# Free text that is the project's own (not the audit trail, the outbox or this review).
_NOT_PASSAGES = frozenset({"audit_event", "woo_redaction", "woo_publication", "zaak_action",
                           "notification", "task"})


class Unavailable(WorkflowError):
    """LibreOffice or the publicatiebank is busy or away: nothing changed, try again later."""

    status_code = 503


# --- The organisation as publisher -----------------------------------------------------------

def settings() -> WooSettings:
    row = db.session.scalar(select(WooSettings).order_by(WooSettings.id).limit(1))
    return row or WooSettings(publisher_uri="", publisher_name="", preparer=Role.PROCESS_OWNER,
                              gpp_root="", version=0)


def preparer() -> Role:
    return settings().preparer


def save_settings(actor: User, *, expected_version: int, values: dict) -> WooSettings:
    found = {}
    if values["publisher_uri"] and not metadata.publisher_known(values["publisher_uri"]):
        found["publisher_uri"] = _("Deze organisatie staat niet in de TOOI-lijst van de DiWoo-"
                                   "standaard. Gebruik bijvoorbeeld "
                                   "https://identifier.overheid.nl/tooi/id/gemeente/gm0344.")
    if values["gpp_root"] and (problem := api_address_problem(values["gpp_root"])):
        found["gpp_root"] = problem
    if found:
        raise InvalidInput(found)
    row, _created = save_the_only_row(WooSettings, actor, expected_version=expected_version,
                                      values=values, action="woo_settings.update",
                                      object_type="woo_settings")
    return row


def configured(row: WooSettings) -> bool:
    return bool(row.publisher_uri and row.publisher_name)


# --- What a project can publish --------------------------------------------------------------

def publications(project: Project) -> list[WooPublication]:
    return list(db.session.scalars(select(WooPublication).where(
        WooPublication.project_id == project.id).order_by(WooPublication.id.desc())))


def running(publications: list[WooPublication]) -> set[WooDocument]:
    """The documents with a publication under way or out (one at a time per document)."""
    return {p.document for p in publications if p.state in WOO_LIVE}


def not_ready(project: Project, document: WooDocument) -> str | None:
    """Why the document cannot be published yet; None when it can."""
    source = WOO_SOURCES[document]
    if project.step_status(source.ready_after) is not StepStatus.DONE:
        return _(source.refusal)
    if document is WooDocument.PLAN and _approved_version(project) is None:
        return _(source.refusal)
    return None


def proposed_title(project: Project, document: WooDocument) -> str:
    kind = _("Verbeterplan") if document is WooDocument.PLAN else _("Evaluatie verbetertraject")
    return f"{kind} {project.name}"[:300]


def category_descriptions(document: WooDocument) -> dict[str, str]:
    """Each category's definition, the proposal and the nearest category of art. 3.3 said."""
    source = WOO_SOURCES[document]
    said = {source.proposed: _("Voorstel."),
            **({source.nearest: _("De dichtstbijzijnde categorie van art. 3.3.")}
               if source.nearest else {})}
    return {uri: " ".join(filter(None, (said.get(uri), _(category.definition))))
            for uri, category in WOO_CATEGORIES.items()}


def _approved_version(project: Project) -> PlanVersion | None:
    return db.session.scalar(
        select(PlanVersion).where(PlanVersion.project_id == project.id,
                                  PlanVersion.approval.has())
        .order_by(PlanVersion.number.desc()).limit(1))


def _source(project: Project, document: WooDocument) -> tuple[Export, PlanVersion | None]:
    if document is WooDocument.PLAN:
        version = _approved_version(project)
        return archive.signed_docx(version, lambda: export(project, version, **options()),
                                   now=True), version
    return archive.numbered(implementation_plan.export(project, **options())), None


def prepare(project: Project, actor: User, *, document: WooDocument, category: str,
            title: str) -> WooPublication:
    """Start a publication: the document kept as it is now, and what the review must look at
    (every name, e-mail address and passage of free text in it), each with a proposal."""
    if (problem := not_ready(project, document)) is not None:
        raise WorkflowError(problem)
    if category not in WOO_CATEGORIES:
        raise InvalidInput({"category": _("Kies een informatiecategorie.")})
    if document in running(publications(project)):
        raise WorkflowError(_("Van dit document loopt al een publicatie. Trek die eerst in "
                              "om opnieuw te publiceren."))
    source, version = _source(project, document)
    publication = WooPublication(
        project_id=project.id, document=document, state=WooState.REDACTING,
        category=category, title=title, plan_version_id=version.id if version else None,
        source=source.content, source_sha256=hashlib.sha256(source.content).hexdigest(),
        created_by_id=actor.id)
    db.session.add(publication)
    db.session.flush()
    publication.findings.extend(_findings(project, redaction.paragraphs(source.content)))
    db.session.add(Task(project_id=project.id, step=int(WOO_SOURCES[document].ready_after),
                        role=None, title=_("Woo-publicatie: weglakken en laten goedkeuren"),
                        description=_(document.label), assignee_id=actor.id, origin=ORIGIN,
                        link=task_link("woo.publication", publication_id=publication.id),
                        created_by_id=actor.id))
    audit.record("woo.prepare", "woo_publication", publication.id, project.id, actor=actor,
                 after={"document": document.value, "category": category, "title": title,
                        "sha256": publication.source_sha256})
    return publication


# --- What the review finds -------------------------------------------------------------------

def _findings(project: Project, lines: list[str]) -> list[WooRedaction]:
    text = "\n".join(lines)
    found = [*_names(project, text), *_emails(lines), *_passages(project, lines)]
    return found


def _names(project: Project, text: str) -> list[WooRedaction]:
    """Each account whose name the document mentions, with the ground its role proposes."""
    roles: dict[int, set[Role]] = {m.user_id: set(m.roles) for m in project.memberships}
    found = []
    for user_id, name in db.session.execute(select(User.id, User.name)):
        if len(name.strip()) >= 3 and name in text:
            ground = woo_proposal(roles.get(user_id, set()))
            found.append(WooRedaction(finding=WooFinding.NAME, text=name, user_id=user_id,
                                      context=_role_words(roles.get(user_id, set())),
                                      proposed=ground, ground=ground))
    return sorted(found, key=lambda f: f.text)


def _role_words(roles: set[Role]) -> str:
    return ", ".join(sorted(r.label for r in roles))[:200] or "geen rol in dit traject"


def _emails(lines: list[str]) -> list[WooRedaction]:
    return [WooRedaction(finding=WooFinding.EMAIL, text=address, context="",
                         proposed=WooGround.PRIVACY, ground=WooGround.PRIVACY)
            for address in redaction.emails(lines)]


def _passages(project: Project, lines: list[str]) -> list[WooRedaction]:
    """Every line of the project's own free text (descriptions, notes, opinions ...) that
    the document prints: the review reads each, and may leave it out on a ground."""
    present = {line.strip() for line in lines if len(line.strip()) >= PASSAGE_MIN}
    found: dict[str, str] = {}
    for table, columns in _free_text_columns():
        key = table.c.id if table.name == "project" else table.c.project_id
        for row in db.session.execute(select(*columns).where(key == project.id)):
            for value in row:
                for line in (value or "").splitlines():
                    if line.strip() in present:
                        found.setdefault(line.strip(), _where(table.name))
    return [WooRedaction(finding=WooFinding.PASSAGE, text=text, context=context)
            for text, context in found.items()]


def _where(table: str) -> str:
    label = audit.OBJECT_LABELS.get(table)
    return _(label) if label else _("vrije tekst")


def _free_text_columns() -> list[tuple]:
    tables = []
    for mapper in db.Model.registry.mappers:
        table = mapper.local_table
        if table.name in _NOT_PASSAGES or not ("project_id" in table.c
                                               or table.name == "project"):
            continue
        columns = [c for c in table.c if isinstance(c.type, Text)]
        if columns:
            tables.append((table, columns))
    return sorted(tables, key=lambda t: t[0].name)


# --- The review ------------------------------------------------------------------------------

def _require_state(publication: WooPublication, states: frozenset[WooState],
                   refusal: str) -> None:
    if publication.state not in states:
        raise WorkflowError(refusal)


def decide(publication: WooPublication, actor: User, *, expected_version: int,
           grounds: dict[int, WooGround | None]) -> None:
    """The reviewer's decision on each finding: it stays (None) or is left out on a ground."""
    _require_state(publication, WOO_EDITABLE, _("De weglakkingen liggen ter goedkeuring of "
                                                "zijn goedgekeurd; ze veranderen niet meer."))
    check_version(publication, expected_version)
    changed = {}
    for finding in publication.findings:
        if finding.id in grounds and grounds[finding.id] != finding.ground:
            changed[finding.id] = grounds[finding.id].value if grounds[finding.id] else None
            finding.ground = grounds[finding.id]
            finding.decided_by_id = actor.id
    if changed:
        _touch(publication)
        audit.record("woo.redact", "woo_publication", publication.id, publication.project_id,
                     actor=actor, after={"findings": changed})


def _touch(publication: WooPublication) -> None:
    """A change to the findings is a change to the publication (its version moves), so a
    second reviewer's older form is refused."""
    db.session.flush()
    table = WooPublication.__table__
    db.session.execute(table.update().where(table.c.id == publication.id)
                       .values(version=table.c.version + 1))
    db.session.expire(publication, ["version"])


def add_passage(publication: WooPublication, actor: User, *, text: str,
                ground: WooGround) -> WooRedaction:
    """A passage the review found itself (a name typed in a description): it must be in the
    document, word for word."""
    _require_state(publication, WOO_EDITABLE, _("De weglakkingen liggen ter goedkeuring of "
                                                "zijn goedgekeurd; ze veranderen niet meer."))
    text = text.strip()
    if text not in "\n".join(redaction.paragraphs(publication.source)):
        raise InvalidInput({"text": _("Deze tekst staat niet letterlijk in het document. "
                                      "Kopieer hem uit het document, binnen één alinea.")})
    finding = WooRedaction(finding=WooFinding.PASSAGE, text=text, context=_("Zelf toegevoegd"),
                           ground=ground, decided_by_id=actor.id)
    publication.findings.append(finding)
    _touch(publication)
    audit.record("woo.redact", "woo_publication", publication.id, publication.project_id,
                 actor=actor, after={"added": text[:200], "ground": ground.value})
    return finding


def submit(publication: WooPublication, actor: User, *, expected_version: int) -> None:
    _require_state(publication, WOO_EDITABLE, _("De weglakkingen liggen al ter goedkeuring."))
    check_version(publication, expected_version)
    publication.state = WooState.SUBMITTED
    publication.submitted_at, publication.submitted_by_id = utcnow(), actor.id
    audit.record("woo.submit", "woo_publication", publication.id, publication.project_id,
                 actor=actor, after={"omissions": len(omissions(publication))})


def reviewers(publication: WooPublication) -> set[int]:
    """Who had a hand in the redaction: whoever submitted it or decided a finding."""
    return {publication.submitted_by_id} | {f.decided_by_id for f in publication.findings
                                            if f.decided_by_id is not None}


def four_eyes_problem(publication: WooPublication, actor: User) -> str | None:
    if actor.id in reviewers(publication):
        return _("U heeft aan de weglakkingen meegewerkt; een ander keurt ze goed (vier ogen).")
    return None


def omissions(publication: WooPublication) -> list[tuple[str, str]]:
    return [(f.text, redaction.marker(f.ground.value)) for f in publication.findings
            if f.ground is not None]


def approve(publication: WooPublication, actor: User, *, expected_version: int) -> None:
    """The second person's approval: the PDF/A is made now, with the omissions applied."""
    _require_state(publication, frozenset({WooState.SUBMITTED}),
                   _("Alleen weglakkingen die ter goedkeuring liggen worden goedgekeurd."))
    if (problem := four_eyes_problem(publication, actor)) is not None:
        raise NotAllowed(problem)
    check_version(publication, expected_version)
    redacted = redaction.redact(publication.source, omissions(publication))
    left = [text for text, _marker in omissions(publication)
            if text in "\n".join(redaction.paragraphs(redacted))]
    if left:  # never publish what was to be left out
        raise WorkflowError(_("Niet alles wat weg moest is uit het document verdwenen."))
    publication.pdf = _pdf_of(redacted)
    publication.pdf_sha256 = hashlib.sha256(publication.pdf).hexdigest()
    publication.state = WooState.APPROVED
    publication.approved_at, publication.approved_by_id = utcnow(), actor.id
    audit.record("woo.approve", "woo_publication", publication.id, publication.project_id,
                 actor=actor, after={"sha256": publication.pdf_sha256})


def _pdf_of(docx: bytes) -> bytes:
    try:
        return pdf.to_pdf(docx)
    except pdf.ConversionBusy as busy:
        raise Unavailable(_("Er worden nu al zoveel PDF's gemaakt als deze server tegelijk "
                              "aankan. Keur over %(n)d seconden opnieuw goed.",
                              n=busy.retry_after), retry_after=busy.retry_after) from busy
    except pdf.ConversionFailed as error:
        current_app.logger.error("PDF/A for a Woo publication failed: %s", error)
        raise Unavailable(_("De PDF/A kon nu niet worden gemaakt; er is niets goedgekeurd. "
                            "Probeer het later opnieuw.")) from error


def send_back(publication: WooPublication, actor: User, *, expected_version: int,
              reason: str) -> None:
    _require_state(publication, frozenset({WooState.SUBMITTED}),
                   _("Alleen weglakkingen die ter goedkeuring liggen gaan terug."))
    check_version(publication, expected_version)
    publication.state, publication.returned_reason = WooState.REDACTING, reason
    publication.submitted_at = None
    audit.record("woo.send_back", "woo_publication", publication.id, publication.project_id,
                 actor=actor, after={"reason": reason})


# --- The package and its delivery ------------------------------------------------------------

@dataclass(frozen=True)
class Package:
    filename: str
    content: bytes


def _slug(publication: WooPublication) -> str:
    return f"woo-{publication.project_id}-{publication.document.value}-{publication.id}"


def decided_at(publication: WooPublication):
    """The moment of the document's vaststelling: the plan's approval, or step 10's close."""
    if publication.plan_version_id is not None:
        version = db.session.get(PlanVersion, publication.plan_version_id)
        if version is not None and version.approval is not None:
            return version.approval.approved_at
    project = db.session.get(Project, publication.project_id)
    state = project.step_state(WOO_SOURCES[publication.document].ready_after)
    return state.closed_at or publication.created_at


def metadata_xml(publication: WooPublication) -> bytes:
    row = settings()
    if not configured(row):
        raise WorkflowError(_("De beheerder heeft de organisatie als publicerende partij nog "
                              "niet ingesteld (Beheer → Woo-publicatie)."))
    try:
        return metadata.document(
            publisher_uri=row.publisher_uri, publisher_name=row.publisher_name,
            title=publication.title, category=publication.category,
            created=clock.local_date(publication.created_at),
            decided_at=decided_at(publication), identifier=_slug(publication))
    except metadata.InvalidMetadata as error:
        raise WorkflowError(_("De metadata voldoen niet aan de DiWoo-standaard: %(error)s",
                              error=str(error)[:300])) from error


def package(publication: WooPublication) -> Package:
    """The PDF/A and its DiWoo metadata, as a ZIP any Woo platform can take in."""
    _require_state(publication, frozenset({WooState.APPROVED, WooState.PUBLISHED}),
                   _("Het pakket is er zodra de weglakkingen zijn goedgekeurd."))
    xml = metadata_xml(publication)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr(f"{_slug(publication)}.pdf", publication.pdf or b"")
        bundle.writestr(f"{_slug(publication)}.xml", xml)
    return Package(f"{_slug(publication)}.zip", out.getvalue())


def record_published(publication: WooPublication, actor: User, *, expected_version: int,
                     url: str) -> None:
    """Published elsewhere from the ZIP: where it can be found."""
    _require_state(publication, WOO_DELIVERABLE,
                   _("Alleen een goedgekeurde publicatie wordt gepubliceerd."))
    if (problem := api_address_problem(url)) is not None:
        raise InvalidInput({"url": problem})
    check_version(publication, expected_version)
    _published(publication, actor, WooDelivery.PACKAGE, url)


def _published(publication: WooPublication, actor: User, delivery: WooDelivery,
               url: str) -> None:
    publication.state, publication.delivery, publication.url = WooState.PUBLISHED, delivery, url
    publication.published_at, publication.published_by_id = utcnow(), actor.id
    audit.record("woo.publish", "woo_publication", publication.id, publication.project_id,
                 actor=actor, after={"delivery": delivery.value, "url": url})


def _client(actor: User, remark: str) -> gpp.Client:
    row = settings()
    if not row.gpp_root:
        raise WorkflowError(_("Er is geen publicatiebank ingesteld; publiceer met het "
                              "ZIP-pakket."))
    return gpp.Client(row.gpp_root, current_app.config["GPP_TOKEN"], actor, remark,
                      timeout=current_app.config["ZGW_TIMEOUT_SECONDS"])


def deliver(publication: WooPublication, actor: User, *, expected_version: int) -> None:
    """To the GPP-publicatiebank: a concept publication, its document in parts, then
    published. Each identifier is committed as it comes, so a retry creates nothing twice."""
    _require_state(publication, WOO_DELIVERABLE,
                   _("Alleen een goedgekeurde publicatie wordt gepubliceerd."))
    check_version(publication, expected_version)
    metadata_xml(publication)  # metadata the standard refuses stops it before anything is sent
    try:
        _send(_client(actor, _("Woo-publicatie uit Wasstraat: %(title)s",
                               title=publication.title)), publication)
    except gpp.GppError:
        db.session.commit()  # what arrived is kept: a retry goes on from there
        raise


def _send(client: gpp.Client, publication: WooPublication) -> None:
    fields = _publication_fields(client, publication)
    if not publication.gpp_publication:
        created = client.post("/publicaties", {
            **fields, "publicatiestatus": "concept",
            "kenmerken": [{"kenmerk": _slug(publication), "bron": "Wasstraat"}]},
            _("de publicatie aanmaken"))
        publication.gpp_publication = str(created["uuid"])
        db.session.commit()
    if not publication.gpp_document:
        _send_document(client, publication)
    published = client.patch(f"/publicaties/{publication.gpp_publication}",
                             {**fields, "publicatiestatus": "gepubliceerd"},
                             _("de publicatie publiceren"))
    url = str(published.get("urlPublicatieExtern") or "")
    _published(publication, client.actor, WooDelivery.DIRECT, url)


def _publication_fields(client: gpp.Client, publication: WooPublication) -> dict:
    """What a publication says in every state: its title, category and publisher, by the
    publicatiebank's own identifiers for the TOOI URIs."""
    return {"officieleTitel": publication.title[:255],
            "informatieCategorieen": [client.find("/informatiecategorieen",
                                                  publication.category,
                                                  _("de informatiecategorie"))],
            "publisher": client.find("/organisaties", settings().publisher_uri,
                                     _("de organisatie"))}


def _send_document(client: gpp.Client, publication: WooPublication) -> None:
    content = publication.pdf or b""
    created = client.post("/documenten", {
        "publicatie": publication.gpp_publication, "officieleTitel": publication.title[:255],
        "creatiedatum": clock.local_date(publication.created_at).isoformat(),
        "bestandsformaat": "application/pdf", "bestandsnaam": f"{_slug(publication)}.pdf",
        "bestandsomvang": len(content), "aanleveringBestand": "ontvangen"},
        _("het document aanmaken"))
    offset = 0
    for part in sorted(created.get("bestandsdelen") or [], key=lambda p: p["volgnummer"]):
        size = int(part["omvang"])
        client.put_part(part["url"], content[offset:offset + size], _("het document uploaden"))
        offset += size
    publication.gpp_document = str(created["uuid"])
    db.session.commit()


def withdraw(publication: WooPublication, actor: User, *, expected_version: int,
             reason: str) -> None:
    """Taken back, with the reason: at the publicatiebank its state becomes "ingetrokken";
    here the publication stays, as withdrawn."""
    _require_state(publication, frozenset({WooState.APPROVED, WooState.PUBLISHED}),
                   _("Alleen een goedgekeurde of gepubliceerde publicatie wordt ingetrokken."))
    check_version(publication, expected_version)
    if publication.gpp_publication and publication.state is WooState.PUBLISHED:
        client = _client(actor, _("Ingetrokken: %(reason)s", reason=reason))
        client.patch(f"/publicaties/{publication.gpp_publication}",
                     {**_publication_fields(client, publication),
                      "publicatiestatus": "ingetrokken"}, _("de publicatie intrekken"))
    publication.state = WooState.WITHDRAWN
    publication.withdrawn_at, publication.withdrawn_by_id = utcnow(), actor.id
    publication.withdrawal_reason = reason
    audit.record("woo.withdraw", "woo_publication", publication.id, publication.project_id,
                 actor=actor, after={"reason": reason})
