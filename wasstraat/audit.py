"""The audit trail: who changed what, when, with the values before and after.

Services call :func:`record` for every change; the rows are append-only (refused by the ORM, by
a database trigger, and on PostgreSQL by the missing UPDATE/DELETE privilege). Request details
(address, request id) are taken from the request when there is one, so CLI changes are
recorded too.

The trail is tamper-evident: each row stores an HMAC-SHA256, under a key kept outside the
database (``WASSTRAAT_AUDIT_KEYS``, its id recorded in the row), of the previous row's hash and
its own canonical content. Editing, removing or inserting a row breaks the chain, and whoever
owns the database cannot make it whole again without the key. After each commit the chain's
head (last id and hash) is written to the log and to a checkpoint file an operator ships
elsewhere, so a trail cut short or restored to an earlier state is noticed too
(:func:`verify`, ``flask audit verify --checkpoints FILE``). Rows are chained in the order they
are written, one writer at a time: SQLite's write lock already serialises writers; on
PostgreSQL a transaction takes an advisory lock before it links its first row. Rows from before
the keyed chain carry plain SHA-256 links.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from flask import current_app, g, has_request_context, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session

from .database import lock_until_commit, prepare_to_write
from .extensions import db
from .models import AuditEvent, User, utcnow

GENESIS = "0" * 64  # the "previous hash" of the first row
_CHAIN_LOCK = 0x57A55  # PostgreSQL advisory lock key for linking rows
_PENDING = "audit_pending"
_HEAD = "audit_head"  # the last row linked in this transaction, for the checkpoint
log = logging.getLogger(__name__)


def _request_details() -> tuple[str, str]:
    if not has_request_context():
        return "", ""
    return (request.remote_addr or "")[:45], g.get("request_id", "")


def current_actor() -> User | None:
    """Who is signed in for this request; None outside a request (the CLI) or anonymous."""
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user._get_current_object()  # type: ignore[attr-defined]
    return None


def record(
    action: str,
    object_type: str,
    object_id: int | None,
    project_id: int | None,
    *,
    actor: User | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    result: str = "success",
) -> AuditEvent:
    prepare_to_write(db.session)
    ip, request_id = _request_details()
    actor = actor or current_actor()
    event = AuditEvent(
        at=utcnow(),
        actor_id=actor.id if actor else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        project_id=project_id,
        result=result,
        before=before,
        after=after,
        ip=ip,
        request_id=request_id,
    )
    db.session.add(event)
    db.session.info.setdefault(_PENDING, []).append(event)
    return event


def timestamp(event: AuditEvent) -> str:
    """ISO 8601 in UTC with a Z, to the microsecond (as stored on every backend)."""
    return event.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(event: AuditEvent) -> bytes:
    """The row's content as hashed: every field but the id and the hashes, as sorted JSON."""
    content = {
        "at": timestamp(event), "actor_id": event.actor_id, "action": event.action,
        "object_type": event.object_type, "object_id": event.object_id,
        "project_id": event.project_id, "result": event.result, "before": event.before,
        "after": event.after, "ip": event.ip, "request_id": event.request_id,
    }
    if event.key_id:
        content["key_id"] = event.key_id
    return json.dumps(content, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode()


class UnknownKey(LookupError):
    """A row names a key that is not configured (any more): it cannot be verified."""


def link_hash(prev_hash: str, event: AuditEvent,
              keys: dict[str, bytes] | None = None) -> str:
    if not event.key_id:  # a row from before the keyed chain
        return hashlib.sha256(prev_hash.encode() + canonical(event)).hexdigest()
    keys = dict(current_app.config["AUDIT_KEYS"]) if keys is None else keys
    if event.key_id not in keys:
        raise UnknownKey(event.key_id)
    return hmac.new(keys[event.key_id], prev_hash.encode() + canonical(event),
                    hashlib.sha256).hexdigest()


def link_new_events(session: Session, _context: Any, _instances: Any) -> None:
    pending = [e for e in session.info.pop(_PENDING, []) if e in session.new]
    pending += [o for o in session.new if isinstance(o, AuditEvent) and o not in pending]
    if not pending:
        return
    lock_until_commit(session, _CHAIN_LOCK)
    prev = session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    prev = prev or GENESIS
    key_id, _secret = current_app.config["AUDIT_KEYS"][0]
    for event in pending:
        event.key_id = key_id
        event.prev_hash, event.hash = prev, link_hash(prev, event)
        prev = event.hash
    session.info[_HEAD] = pending[-1]


def forget_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)
    if not session.in_nested_transaction():
        session.info.pop(_HEAD, None)


def write_checkpoint(session: Session) -> None:
    """The chain's head, outside the database: the log and the checkpoint file."""
    if session.in_nested_transaction():
        return
    head = session.info.pop(_HEAD, None)
    if head is None or head.id is None:
        return
    line = json.dumps({"id": head.id, "hash": head.hash, "key_id": head.key_id,
                       "at": timestamp(head)}, separators=(",", ":"))
    log.info("audit checkpoint %s", line)
    path = current_app.config.get("AUDIT_CHECKPOINTS")
    if path:
        try:
            with open(path, "a", encoding="utf-8") as checkpoints:
                checkpoints.write(line + "\n")
        except OSError:
            log.exception("audit checkpoint not written to %s", path)


@dataclass(frozen=True)
class Break:
    """A row where the chain does not hold."""

    event_id: int
    reason: str


def verify(batch: int = 1000, checkpoints: Iterable[str] = ()) -> Iterator[Break]:
    """Walk the trail in order and yield every row whose link or content does not match (with
    the configured keys), then every checkpoint (a JSON line per commit) the trail no longer
    has as it was: a row cut off the end or restored to an earlier state."""
    keys = dict(current_app.config["AUDIT_KEYS"])
    prev = GENESIS
    keyed = False
    seen: dict[int, str] = {}
    rows = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)
                              .execution_options(yield_per=batch))
    for event in rows:
        if event.prev_hash != prev:
            yield Break(event.id, "previous row missing or changed")
        if keyed and not event.key_id:
            yield Break(event.id, "a row without a key after the keyed chain began")
        keyed = keyed or bool(event.key_id)
        try:
            if event.hash != link_hash(event.prev_hash, event, keys):
                yield Break(event.id, "content changed, or not linked with the key")
        except UnknownKey:
            yield Break(event.id, f"key {event.key_id!r} is not configured")
        prev = event.hash
        seen[event.id] = event.hash
    for line in checkpoints:
        if not line.strip():
            continue
        point = json.loads(line)
        if seen.get(point["id"]) != point["hash"]:
            yield Break(point["id"], "checkpoint: this row is missing or no longer the same")


def record_denied(action: str, object_type: str, object_id: int | None,
                  project_id: int | None) -> None:
    details = {"method": request.method, "path": request.path} if has_request_context() else None
    record(action, object_type, object_id, project_id, after=details, result="denied")


def stripped(values: dict[str, Any]) -> dict[str, Any]:
    """Typed text without surrounding white space; other values as they are."""
    return {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}


def apply_changes(obj: Any, values: dict[str, Any], *, action: str, object_type: str,
                  project_id: int | None, actor: User) -> dict[str, Any]:
    """Set the values that differ (text stripped), flush, and record before and after.

    Returns the changed fields with their new values; nothing is written when none changed.
    """
    values = stripped(values)
    before, after = changes(obj, list(values), values)
    if not after:
        return {}
    for name in after:
        setattr(obj, name, values[name])
    db.session.flush()
    record(action, object_type, obj.id, project_id, actor=actor, before=before, after=after)
    return after


def changes(obj: Any, fields: list[str], new_values: dict[str, Any]) -> tuple[dict, dict]:
    """The before/after pair for the fields that really change."""
    before, after = {}, {}
    for name in fields:
        old, new = getattr(obj, name), new_values[name]
        if old != new:
            before[name], after[name] = _plain(old), _plain(new)
    return before, after


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


N_ = str  # marks labels for extraction; templates translate them

AUDIT_LABELS: dict[str, str] = {
    "project.create": N_("Traject aangemaakt"),
    "project.update": N_("Gegevens van het traject gewijzigd"),
    "project.follow_up": N_("Vervolgtraject gestart (volgende cyclus)"),
    "project.revisit": N_("Herzieningsdatum van de procesbeschrijving gezet"),
    "project.complete": N_("Traject afgerond: elke nameting van de borging is gedaan"),
    "borging.plan": N_("Borging gestart: nametingen gepland"),
    "benefit.expect": N_("Verwachte baat vastgelegd"),
    "benefit.remove": N_("Verwachte baat verwijderd"),
    "benefit.forecast": N_("Prognose van een baat vastgelegd"),
    "benefit.actual": N_("Gerealiseerde baat vastgelegd"),
    "improvement.costs": N_("Kosten van een verbetering beantwoord"),
    "borging.withdraw": N_("Borging gestopt: open nametingen ingetrokken"),
    "borging.measure": N_("Nameting van de borging vastgelegd"),
    "borging.reschedule": N_("Nameting van de borging verplaatst of overgedragen"),
    "borging.end": N_("Nameting van de borging vervallen, met reden"),
    "evaluation.unmeasured": N_("Afgerond zonder nameting: reden vastgelegd"),
    "team.add": N_("Teamlid toegevoegd"),
    "team.roles": N_("Rollen gewijzigd"),
    "team.remove": N_("Teamlid uit het team gehaald"),
    "step.start": N_("Stap gestart"),
    "step.close": N_("Stap afgerond"),
    "step.skip": N_("Stap overgeslagen"),
    "step.reopen": N_("Stap heropend"),
    "gate.decide": N_("Go of no-go gegeven"),
    "board.decide": N_("Besluit van het bestuur over een plan vastgelegd"),
    "steps.plan": N_("Planning van de stappen gewijzigd"),
    "step.notes": N_("Aantekeningen bij de stap gewijzigd"),
    "product.confirm": N_("Product bevestigd"),
    "product.withdraw": N_("Bevestiging van een product ingetrokken"),
    "tasks.generate": N_("Taken voor de stap aangemaakt"),
    "tasks.sync": N_("Taken bijgewerkt naar de stand van het werk"),
    "implementation.contribute": N_("Inbreng op het implementatieplan gegeven"),
    "team.invite": N_("Collega zonder account uitgenodigd"),
    "task.create": N_("Taak toegevoegd"),
    "task.update": N_("Taak gewijzigd"),
    "task.done": N_("Taak afgevinkt"),
    "task.reopen": N_("Taak weer opengezet"),
    "task.end": N_("Taak niet afgemaakt: beëindigd met reden"),
    "action.end": N_("Actie niet afgemaakt: beëindigd met reden"),
    "task.delete": N_("Taak verwijderd"),
    "kpi.create": N_("KPI toegevoegd"),
    "kpi.update": N_("KPI gewijzigd"),
    "kpi.delete": N_("KPI verwijderd"),
    "kpi.agree": N_("KPI-set vastgesteld"),
    "risk.create": N_("Risico toegevoegd"),
    "risk.update": N_("Risico gewijzigd"),
    "risk.delete": N_("Risico verwijderd"),
    "process.step_add": N_("Processtap toegevoegd"),
    "process.step_update": N_("Processtap gewijzigd"),
    "process.step_delete": N_("Processtap verwijderd"),
    "process.step_move": N_("Volgorde van het proces aangepast"),
    "process.check": N_("Proceskaart gecontroleerd"),
    "process.attachment_add": N_("Bestand met proceskaart toegevoegd"),
    "process.attachment_delete": N_("Bestand met proceskaart verwijderd"),
    "journey.source": N_("Bron van de klantreis vastgelegd"),
    "journey.phase_add": N_("Fase van de klantreis toegevoegd"),
    "journey.phase_update": N_("Fase van de klantreis gewijzigd"),
    "journey.phase_delete": N_("Fase van de klantreis verwijderd"),
    "journey.interviews": N_("Interviews vastgelegd"),
    "journey.interviews_delete": N_("Regel met interviews verwijderd"),
    "session.create": N_("Sessie aangemaakt"),
    "session.notes": N_("Verslag van een sessie gewijzigd"),
    "session.finding": N_("Bevinding genoteerd"),
    "formula.choose": N_("Serviceformule gekozen"),
    "formula.compare": N_("Vergelijking met de serviceformule vastgelegd"),
    "questions.update": N_("Vragen per P of toetsvragen gewijzigd"),
    "improvement.create": N_("Verbetering toegevoegd"),
    "improvement.update": N_("Verbetering gewijzigd"),
    "improvement.delete": N_("Verbetering verwijderd"),
    "improvement.plan": N_("Verbetering in het verbeterplan bijgewerkt"),
    "improvement.kpis": N_("KPI's bij een verbetering gewijzigd"),
    "improvement.merge": N_("Verbeteringen samengevoegd"),
    "improvement.unmerge": N_("Samenvoegen van een verbetering ongedaan gemaakt"),
    "plan.texts": N_("Teksten van het verbeterplan gewijzigd"),
    "plan.send": N_("Verbeterplan verstuurd voor toetsing"),
    "plan.final": N_("Verbeterplan definitief gemaakt"),
    "plan.approve": N_("Verbeterplan goedgekeurd"),
    "review.domains": N_("Toetsdomeinen gekozen"),
    "review.open": N_("Toetsing geopend"),
    "review.update": N_("Toetsing bijgewerkt"),
    "review.finding": N_("Bevinding van een specialist toegevoegd"),
    "review.finding_delete": N_("Bevinding van een specialist verwijderd"),
    "review.sign": N_("Toetsing ondertekend"),
    "review.respond": N_("Reactie op een bevinding vastgelegd"),
    "review.override": N_("'Niet akkoord' doorbroken door de proceseigenaar"),
    "implementation.sync": N_("Verbeteringen overgenomen in het implementatieplan"),
    "implementation.order": N_("Volgorde van het implementatieplan gewijzigd"),
    "implementation.item": N_("Besluit of planning van een verbetering gewijzigd"),
    "implementation.approve": N_("Implementatieplan vastgesteld"),
    "action.update": N_("Status van een actie gewijzigd"),
    "action.note": N_("Voortgang van een actie genoteerd"),
    "evaluation.plan": N_("Evaluatiemoment gepland"),
    "evaluation.update": N_("Evaluatie bijgewerkt"),
    "kpi.measure": N_("Nameting van een KPI vastgelegd"),
    "export.document": N_("Plan gedownload als Word-document"),
    "user.sessions_end": N_("Alle sessies van een account beëindigd"),
    "user.create": N_("Account aangemaakt"),
    "user.update": N_("Account gewijzigd"),
    "user.password_change": N_("Eigen wachtwoord gewijzigd"),
    "user.password_reset": N_("Wachtwoord ingesteld door een beheerder"),
    "auth.login": N_("Ingelogd"),
    "auth.login_failed": N_("Mislukte poging om in te loggen"),
    "auth.logout": N_("Uitgelogd"),
    "formula.create": N_("Serviceformule aangemaakt"),
    "formula.update": N_("Serviceformule gewijzigd"),
    "forbidden": N_("Geweigerd: geen toegang"),
    "csrf_failed": N_("Geweigerd: formulier verlopen of niet van deze site"),
    "audit.export": N_("Audittrail geëxporteerd"),
    "auth.second_factor_failed": N_("Verkeerde code bij tweestapsverificatie"),
    "user.mfa_enabled": N_("Tweestapsverificatie ingesteld"),
    "user.mfa_disabled": N_("Tweestapsverificatie uitgezet"),
    "user.mfa_reset": N_("Tweestapsverificatie gewist door een beheerder"),
    "user.recovery_codes": N_("Nieuwe herstelcodes gemaakt"),
    "user.data_export": N_("Persoonsgegevens gedownload"),
    "user.erase": N_("Persoonsgegevens gepseudonimiseerd en account gesloten"),
    "retention.anonymise": N_("Bewaartermijn verstreken: traject geanonimiseerd"),
    "retention.delete": N_("Archieftermijn verstreken: traject vernietigd"),
    "archive.class": N_("Selectielijstcategorie van het traject gewijzigd"),
    "archive.class_added": N_("Selectielijstcategorie toegevoegd"),
    "archive.list_drawn_up": N_("Vernietigingslijst opgesteld"),
    "archive.excluded": N_("Traject van de vernietigingslijst gehaald"),
    "archive.destroyed": N_("Vernietigingslijst goedgekeurd en uitgevoerd"),
    "archive.resultaattype": N_("Resultaattype in Open Zaak bij een Selectielijstcategorie "
                                "gewijzigd"),
    "zaak_settings.update": N_("Koppeling met het zaaksysteem (Open Zaak) gewijzigd"),
    "zaak.retry": N_("Mislukte onderdelen opnieuw naar het zaaksysteem gestuurd"),
    "user.functions": N_("Functies in de organisatie gewijzigd"),
    "auth.sso_failed": N_("Inloggen via single sign-on geweigerd"),
    "user.sso_linked": N_("Organisatie-account gekoppeld (single sign-on)"),
    "user.sso_link_allowed": N_("Koppelen via single sign-on toegestaan"),
    "api_token.create": N_("API-token gemaakt"),
    "api_token.revoke": N_("API-token ingetrokken"),
    "api_token.revoke_all": N_("Alle API-tokens van een account ingetrokken"),
    "event_log.upload": N_("Eventlog geüpload"),
    "event_log.columns": N_("Kolommen van een eventlog gekozen"),
    "conformance.accept": N_("Afwijking van het gewenste proces aanvaard"),
    "event_log.names": N_("Activiteiten van een eventlog gekoppeld aan het gewenste proces"),
    "event_log.abandoned": N_("Eventlog verwijderd: kolommen niet binnen een dag gekozen"),
    "event_log.filter": N_("Filter op een eventlog bewaard"),
    "event_log.filter_delete": N_("Filter van een eventlog verwijderd"),
    "process.suggest": N_("Suggestie op een procesbeschrijving gedaan"),
    "settings.update": N_("Instellingen van de organisatie gewijzigd"),
    "woo_settings.update": N_("Instellingen voor Woo-publicaties gewijzigd"),
    "woo.prepare": N_("Woo-publicatie voorbereid"),
    "woo.redact": N_("Weglakkingen van een Woo-publicatie beoordeeld"),
    "woo.submit": N_("Weglakkingen ter goedkeuring aangeboden"),
    "woo.send_back": N_("Weglakkingen teruggestuurd"),
    "woo.approve": N_("Weglakkingen goedgekeurd (vier ogen)"),
    "woo.package": N_("ZIP-pakket van een Woo-publicatie gedownload"),
    "woo.publish": N_("Woo-publicatie gepubliceerd"),
    "woo.withdraw": N_("Woo-publicatie ingetrokken"),
    "improvement.import": N_("Verbeteringen geïmporteerd uit een bestand"),
    "implementation.import": N_("Acties geïmporteerd uit een bestand"),
    "comment.create": N_("Reactie geplaatst"),
    "comment.update": N_("Reactie verbeterd"),
    "comment.delete": N_("Reactie verwijderd"),
    "project.copy": N_("Traject begonnen als kopie van een ander traject"),
    "project.from_template": N_("Traject begonnen met een sjabloon"),
    "template.version": N_("Sjabloon opgeslagen (nieuwe versie)"),
    "idea.create": N_("Idee ingestuurd in de ideeënbus"),
    "idea.triage": N_("Idee uit de ideeënbus beoordeeld"),
}

# What a row is about, in the screens' words (the code stays in the CSV export).
OBJECT_LABELS: dict[str, str] = {
    "api_token": N_("API-token"), "audit": N_("audittrail"), "benefit": N_("baat"),
    "archive_class": N_("selectielijstcategorie"), "destruction_list": N_("vernietigingslijst"),
    "zaak_settings": N_("koppeling met het zaaksysteem"),
    "woo_settings": N_("instellingen Woo-publicatie"),
    "comment": N_("reactie"), "idea": N_("idee uit de ideeënbus"),
    "project_template": N_("sjabloon"),
    "board_decision": N_("besluit van het bestuur"), "evaluation": N_("evaluatie"),
    "destruction_item": N_("regel van een vernietigingslijst"),
    "gate_decision": N_("go/no-go"), "improvement_plan": N_("tekst van het verbeterplan"),
    "product_confirmation": N_("bevestiging van een product"),
    "review_response": N_("reactie op een bevinding"),
    "step_state": N_("aantekeningen bij een stap"),
    "work_session": N_("sessie"),
    "woo_publication": N_("Woo-publicatie"),
    "event_log": N_("eventlog"), "accepted_deviation": N_("aanvaarde afwijking"),
    "formula_comparison": N_("vergelijking met de formule"),
    "implementation_contribution": N_("inbreng implementatieplan"),
    "implementation_item": N_("actie"), "improvement": N_("verbetering"),
    "interview_log": N_("interview"), "journey": N_("klantreis"),
    "journey_phase": N_("fase van de klantreis"), "kpi": N_("KPI"), "plan_risk": N_("risico"),
    "kpi_agreement": N_("vaststelling KPI-set"), "membership": N_("lidmaatschap"),
    "plan": N_("verbeterplan"), "plan_version": N_("versie verbeterplan"),
    "process_attachment": N_("bijlage procesbeschrijving"),
    "process_check": N_("controle proceskaart"), "process_step": N_("processtap"),
    "process_suggestion": N_("suggestie"), "product": N_("product van een stap"),
    "project": N_("traject"), "remeasurement": N_("nameting"), "request": N_("verzoek"),
    "review": N_("toetsing"), "service_formula": N_("serviceformule"), "session": N_("sessie"),
    "settings": N_("instellingen"), "step": N_("stap"), "task": N_("taak"),
    "user": N_("account"),
}

RESULT_LABELS: dict[str, str] = {
    "success": N_("gelukt"), "denied": N_("geweigerd"),
    "throttled": N_("afgeremd (te veel pogingen)"),
}
