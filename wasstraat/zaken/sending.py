"""Sending a project's waiting parts to Open Zaak, one ZGW call at a time (registration.py
says what and when; this module says how, per part)."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _

from .. import clock
from ..archive import services as archive_classes
from ..exports import a3, archive, implementation_plan, pdf
from ..exports.docx_base import options
from ..exports.improvement_plan import Export, export
from ..extensions import db
from ..models import (
    ImplementationApproval,
    PlanVersion,
    Project,
    User,
    ZaakAction,
    ZaakSettings,
    utcnow,
)
from ..workflow import ZAAK_ROLES, Role, Step, ZaakDocument, ZaakPart
from . import registration
from .client import Call, Client, Refused, Unavailable


@dataclass
class Sending:
    """One part on its way: the client in the name of its person, and where it goes."""

    client: Client
    settings: ZaakSettings
    project: Project
    action: ZaakAction
    zaak: str  # the zaak's URL ("" while the zaak itself is being made)

    def keep(self, key: str, value: str) -> str:
        """Remember what Open Zaak gave, committed at once: a run after a crash skips it."""
        self.keep_all({key: value})
        return value

    def keep_all(self, values: dict[str, str]) -> None:
        self.action.urls = {**self.action.urls, **values}
        db.session.commit()

    def once(self, key: str, call: Callable[[], dict]) -> str:
        """A call whose URL is kept under ``key``: made only when it is not kept yet."""
        return self.action.urls.get(key) or self.keep(key, call()["url"])

    def done(self, key: str, call: Callable[[], object]) -> None:
        """A call without a URL to keep, marked done under ``key``: made once."""
        if key not in self.action.urls:
            call()
            self.keep(key, "done")


def send(project_id: int, now: datetime | None = None) -> int:
    """Send the project's waiting parts, in order, until one fails; how many arrived."""
    settings = registration.active(db.session)
    if settings is None:
        return 0
    now = now or utcnow()
    sent = 0
    for action in registration.waiting(db.session, project_id):
        if action.next_attempt_at is not None and action.next_attempt_at > now:
            break
        if not _send_one(settings, action, now):
            break
        sent += 1
    db.session.commit()
    return sent


def _send_one(settings: ZaakSettings, action: ZaakAction, now: datetime) -> bool:
    try:
        sending = _sending(settings, action)
        SENDERS[action.part](sending)
    except Unavailable as error:
        registration.record_unavailable(action, error.message, now)
    except pdf.ConversionFailed as error:  # LibreOffice busy or away: as Open Zaak away
        registration.record_unavailable(
            action, _("De PDF/A kon (nog) niet worden gemaakt: %(error)s",
                      error=str(error)[:200]), now)
    except Refused as error:
        registration.record_refused(action, error.message)
    else:
        registration.record_done(action, now)
        db.session.commit()
        return True
    db.session.commit()
    return False


def _sending(settings: ZaakSettings, action: ZaakAction) -> Sending:
    actor = db.session.get(User, action.actor_id) if action.actor_id else None
    client = Client(settings, current_app.config["ZGW_SECRET"], actor,
                    timeout=current_app.config["ZGW_TIMEOUT_SECONDS"])
    project = db.session.get(Project, action.project_id)
    zaak = db.session.scalar(db.select(ZaakAction).filter_by(
        project_id=action.project_id, subject="zaak"))
    return Sending(client, settings, project, action, zaak.urls.get("zaak", "") if zaak else "")


def _needs_zaak(sending: Sending) -> str:
    if not sending.zaak:
        raise Refused(_("De zaak is nog niet aangemaakt in Open Zaak."))
    return sending.zaak


def _configured(value: str | None, missing: str) -> str:
    if not value:
        raise Refused(missing)
    return value


# --- The parts ---------------------------------------------------------------------------------

def send_zaak(sending: Sending) -> None:
    settings, project = sending.settings, sending.project
    body = {"bronorganisatie": settings.rsin, "verantwoordelijkeOrganisatie": settings.rsin,
            "zaaktype": settings.zaaktype, "startdatum": project.created_at.date().isoformat(),
            "omschrijving": project.name[:80],
            "toelichting": _("Verbetertraject %(ref)s met de Wasstraat, voor %(product)s.",
                             ref=project.reference, product=project.product)[:1000]}
    sending.once("zaak", lambda: sending.client.post(
        "zaken", "/zaken", body, Call("zaken.aanmaken", _("de zaak aanmaken"))))


def send_roles(sending: Sending) -> None:
    """A rol for each process owner and project leader not yet named in the zaak."""
    zaak = _needs_zaak(sending)
    named = _named_roles(sending.project.id)
    for role in ZAAK_ROLES:
        for user in sending.project.holders(role):
            key = f"{role.value}:{user.id}"
            if key not in named:
                named.add(key)
                sending.once(key, lambda r=role, u=user: sending.client.post(
                    "zaken", "/rollen", _rol(sending.settings, zaak, r, u),
                    Call("zaken.bijwerken", _("een rol toevoegen aan de zaak"))))


def _named_roles(project_id: int) -> set[str]:
    parts = db.session.scalars(db.select(ZaakAction).filter_by(
        project_id=project_id, part=ZaakPart.ROLES))
    return {key for part in parts for key in part.urls}


def _rol(settings: ZaakSettings, zaak: str, role: Role, user: User) -> dict:
    roltype = _configured(settings.roltypen.get(role.value), _(
        "Er is geen roltype ingesteld voor de %(role)s.", role=_(role.label).lower()))
    return {"zaak": zaak, "betrokkeneType": "medewerker", "roltype": roltype,
            "roltoelichting": _(role.label),
            "betrokkeneIdentificatie": {"identificatie": user.email[:128],
                                        "achternaam": user.name[:200]}}


def send_status(sending: Sending) -> None:
    zaak = _needs_zaak(sending)
    step = Step(int(sending.action.subject.split("-")[1]))
    statustype = _configured(sending.settings.statustypen.get(str(int(step))), _(
        "Er is geen statustype ingesteld voor stap %(number)s.", number=int(step)))
    body = {"zaak": zaak, "statustype": statustype,
            "datumStatusGezet": sending.action.created_at.isoformat(),
            "statustoelichting": _("Stap %(number)s afgerond: %(title)s", number=int(step),
                                   title=_(step.definition.name))[:1000]}
    sending.once("status", lambda: sending.client.post(
        "zaken", "/statussen", body, Call("zaken.statussen.toevoegen", _("een status zetten"))))


def send_document(sending: Sending) -> None:
    """The document as PDF/A, in parts where it is large, then linked to the zaak."""
    zaak = _needs_zaak(sending)
    kind = ZaakDocument(sending.action.subject.split("-")[0])
    document = None
    if "informatieobject" not in sending.action.urls:
        document = _document(sending.project, kind, sending.action.subject)
        _upload(sending, kind, document)
    if _parts(sending) and "unlocked" not in sending.action.urls:
        # A run after a crash makes the document again: the kept one gives the same bytes.
        document = document or _document(sending.project, kind, sending.action.subject)
        _send_parts(sending, document.content)
    body = {"zaak": zaak, "informatieobject": sending.action.urls["informatieobject"],
            "titel": _(kind.label)[:200]}
    sending.once("zaakinformatieobject", lambda: sending.client.post(
        "zaken", "/zaakinformatieobjecten", body,
        Call("zaken.bijwerken", _("het document aan de zaak koppelen"))))


def _document(project: Project, kind: ZaakDocument, subject: str) -> Export:
    """The PDF/A: an approved document exactly as it was signed; a frozen version as it was
    frozen; the evaluation and the A3 as they are at the closing."""
    owner = int(subject.split("-")[1])
    if kind in (ZaakDocument.PLAN, ZaakDocument.PLAN_FOR_REVIEW,
                ZaakDocument.PLAN_FOR_DECISION):
        version = db.session.get(PlanVersion, owner)
        return archive.signed_pdf(version, lambda: export(project, version, **options()),
                                  now=True)
    if kind is ZaakDocument.IMPLEMENTATION:
        return archive.approval_pdf(db.session.get(ImplementationApproval, owner))
    if kind is ZaakDocument.EVALUATION:
        return archive.as_pdf(implementation_plan.export(project, **options()))
    return archive.as_pdf(a3.export(project, **options()))


def _upload(sending: Sending, kind: ZaakDocument, document: Export) -> None:
    """Create the informatieobject: with its content, or (large) locked, its parts to come."""
    settings, content = sending.settings, document.content
    in_parts = len(content) > current_app.config["ZGW_PARTS_ABOVE"]
    body = {"bronorganisatie": settings.rsin, "creatiedatum": clock.today().isoformat(),
            "titel": _(kind.label)[:200],
            "auteur": (current_app.config["WASSTRAAT_ORGANISATION"] or "Wasstraat")[:200],
            "status": kind.status, "formaat": "application/pdf", "taal": "nld",
            "bestandsnaam": document.filename[:255], "bestandsomvang": len(content),
            "inhoud": None if in_parts else base64.b64encode(content).decode(),
            "informatieobjecttype": _configured(
                settings.informatieobjecttypen.get(kind.value),
                _("Er is geen informatieobjecttype ingesteld voor %(kind)s.",
                  kind=_(kind.label).lower())),
            "integriteit": {"algoritme": "sha_256", "datum": clock.today().isoformat(),
                            "waarde": hashlib.sha256(content).hexdigest()}}
    created = sending.client.post("documenten", "/enkelvoudiginformatieobjecten", body,
                                  Call("documenten.aanmaken", _("het document opslaan")))
    parts = {f"part-{p['volgnummer']}": f"{p['omvang']} {p['url']}"
             for p in created.get("bestandsdelen") or [] if in_parts}
    sending.keep_all({**parts, "lock": created.get("lock") or "",
                      "informatieobject": created["url"]})


def _parts(sending: Sending) -> list[tuple[int, int, str]]:
    """The document's parts as Open Zaak cut them: number, size, URL."""
    found = []
    for key, value in sending.action.urls.items():
        if key.startswith("part-") and key.count("-") == 1:
            size, url = value.split(" ", 1)
            found.append((int(key.removeprefix("part-")), int(size), url))
    return sorted(found)


def _send_parts(sending: Sending, content: bytes) -> None:
    lock, offset = sending.action.urls["lock"], 0
    for number, size, url in _parts(sending):
        chunk, offset = content[offset:offset + size], offset + size
        sending.done(f"part-{number}-sent", lambda u=url, c=chunk: sending.client.put_part(
            u, lock, c, Call("documenten.bijwerken", _("een deel van het document sturen"))))
    sending.done("unlocked", lambda: sending.client.post_to(
        f"{sending.action.urls['informatieobject']}/unlock", {"lock": lock},
        Call("documenten.lock", _("het document vrijgeven"))))


def send_decision(sending: Sending) -> None:
    """The approval of the improvement plan as a besluit, with its document."""
    zaak = _needs_zaak(sending)
    version = db.session.get(PlanVersion, int(sending.action.subject.split("-")[1]))
    approval = version.approval
    day = approval.approved_at.date().isoformat()
    body = {"verantwoordelijkeOrganisatie": sending.settings.rsin, "zaak": zaak,
            "besluittype": _configured(sending.settings.besluittype,
                                       _("Er is geen besluittype ingesteld.")),
            "datum": day, "ingangsdatum": day,
            "toelichting": _("Verbeterplan versie %(number)s goedgekeurd door %(name)s.",
                             number=version.number, name=approval.approver_name)}
    besluit = sending.once("besluit", lambda: sending.client.post(
        "besluiten", "/besluiten", body, Call("besluiten.aanmaken", _("het besluit vastleggen"))))
    document = db.session.scalar(db.select(ZaakAction).filter_by(
        project_id=sending.project.id, subject=f"{ZaakDocument.PLAN}-{version.id}"))
    informatieobject = (document.urls.get("informatieobject") if document else None)
    if informatieobject:
        sending.once("besluitinformatieobject", lambda: sending.client.post(
            "besluiten", "/besluitinformatieobjecten",
            {"besluit": besluit, "informatieobject": informatieobject},
            Call("besluiten.aanmaken", _("het document aan het besluit koppelen"))))


def send_result(sending: Sending) -> None:
    zaak = _needs_zaak(sending)
    archive_class = archive_classes.class_of(sending.project)
    resultaattype = _configured(archive_class.zaak_resultaattype, _(
        "Er is geen resultaattype ingesteld bij Selectielijstcategorie %(code)s.",
        code=archive_class.result))
    body = {"zaak": zaak, "resultaattype": resultaattype,
            "toelichting": f"{archive_class.result} {archive_class.result_name}"[:1000]}
    sending.once("resultaat", lambda: sending.client.post(
        "zaken", "/resultaten", body, Call("zaken.bijwerken", _("het resultaat zetten"))))


def read_archive_dates(sending: Sending) -> None:
    """What Open Zaak derived from the result: the archive action and its date."""
    zaak = sending.client.get(_needs_zaak(sending), Call("zaken.lezen", _("de zaak lezen")))
    sending.keep_all({"archiefnominatie": str(zaak.get("archiefnominatie") or ""),
                      "archiefactiedatum": str(zaak.get("archiefactiedatum") or "")})


SENDERS: dict[ZaakPart, Callable[[Sending], None]] = {
    ZaakPart.ZAAK: send_zaak,
    ZaakPart.ROLES: send_roles,
    ZaakPart.STATUS: send_status,
    ZaakPart.DOCUMENT: send_document,
    ZaakPart.DECISION: send_decision,
    ZaakPart.RESULT: send_result,
    ZaakPart.ARCHIVE_DATES: read_archive_dates,
}
