"""The connection to Open Zaak as an administrator keeps it, its test, and a project's
zaakdossier: what arrived, what waits, what failed and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .. import audit
from ..concurrency import save_the_only_row
from ..errors import InvalidInput
from ..extensions import db
from ..http import api_address_problem
from ..models import ArchiveClass, Project, User, ZaakAction, ZaakSettings
from ..workflow import Step, ZaakDocument, ZaakPart, ZaakPartState
from . import registration
from .client import Call, Client, ZgwError

URL_FIELDS = ("zaken_root", "documenten_root", "catalogi_root", "besluiten_root", "zaaktype",
              "besluittype")
SETTING_FIELDS = ("active", *URL_FIELDS, "client_id", "rsin", "roltypen", "statustypen",
                  "informatieobjecttypen")
# What the zaak cannot start without, when the connection is switched on.
REQUIRED = ("zaken_root", "documenten_root", "catalogi_root", "besluiten_root", "client_id",
            "rsin", "zaaktype")


def settings() -> ZaakSettings:
    """The connection as stored, or a blank one (version 0: never saved)."""
    found = db.session.scalar(select(ZaakSettings).limit(1))
    return found or ZaakSettings(active=False, roltypen={}, statustypen={},
                                 informatieobjecttypen={}, version=0)


def elfproef(number: str) -> bool:
    """The eleven test of an RSIN (as of a BSN): nine digits whose weighted sum, the last
    digit counting -1, is a multiple of 11."""
    if len(number) != 9 or not number.isdigit():
        return False
    weighted = sum(int(digit) * weight for digit, weight in zip(number[:8], range(9, 1, -1),
                                                              strict=True))
    return (weighted - int(number[8])) % 11 == 0


def problems(values: dict) -> dict[str, str]:
    found: dict[str, str] = {}
    for name in URL_FIELDS:
        if values.get(name) and (problem := api_address_problem(values[name])):
            found[name] = problem
    if values.get("rsin") and not elfproef(values["rsin"]):
        found["rsin"] = _("Dit RSIN klopt niet: het zijn negen cijfers die de elfproef "
                          "doorstaan.")
    if values.get("active"):
        for name in REQUIRED:
            if not values.get(name):
                found.setdefault(name, _("Nodig om zaken aan te maken."))
    return found


def save_settings(actor: User, *, expected_version: int, values: dict,
                  resultaattypen: dict[int, str]) -> ZaakSettings:
    if found := problems(values) | _resultaattype_problems(resultaattypen):
        raise InvalidInput(found)
    row, _created = save_the_only_row(ZaakSettings, actor, expected_version=expected_version,
                                      values=values, action="zaak_settings.update",
                                      object_type="zaak_settings")
    _save_resultaattypen(actor, resultaattypen)
    return row


def _resultaattype_problems(resultaattypen: dict[int, str]) -> dict[str, str]:
    return {f"resultaattype_{class_id}": problem for class_id, url in resultaattypen.items()
            if url and (problem := api_address_problem(url))}


def _save_resultaattypen(actor: User, resultaattypen: dict[int, str]) -> None:
    for archive_class in db.session.scalars(select(ArchiveClass)):
        if archive_class.id in resultaattypen:
            audit.apply_changes(archive_class,
                                {"zaak_resultaattype": resultaattypen[archive_class.id]},
                                action="archive.resultaattype", object_type="archive_class",
                                project_id=None, actor=actor)


# --- Testing the connection --------------------------------------------------------------------

@dataclass(frozen=True)
class Check:
    what: str
    problem: str = ""  # empty: it works


def test_connection(actor: User) -> list[Check]:
    """Read what the registration will need, as the person testing: the zaaktype (and that
    the configured types belong to it), and the zaken, documents and besluiten of it. A
    missing scope shows as the Dutch reason with the scope's name."""
    row = settings()
    try:
        client = Client(row, current_app.config["ZGW_SECRET"], actor,
                        timeout=current_app.config["ZGW_TIMEOUT_SECONDS"])
        zaaktype = client.get(row.zaaktype, Call("catalogi.lezen", _("het zaaktype lezen")))
    except ZgwError as error:
        return [Check(_("Het zaaktype lezen"), error.message)]
    checks = [Check(_("Het zaaktype lezen: %(name)s", name=zaaktype.get("omschrijving", "")))]
    checks += _types_belong(row, zaaktype)
    for what, component, path, scope, params in _READS:
        try:
            client.get(client.root(component) + path, Call(scope, str(what)), params(row))
            checks.append(Check(str(what)))
        except ZgwError as error:
            checks.append(Check(what, error.message))
    return checks


_READS = (
    (_l("Zaken van dit zaaktype lezen"), "zaken", "/zaken", "zaken.lezen",
     lambda row: {"zaaktype": row.zaaktype}),
    (_l("Documenten lezen"), "documenten", "/enkelvoudiginformatieobjecten",
     "documenten.lezen", lambda row: {"bronorganisatie": row.rsin}),
    (_l("Besluiten lezen"), "besluiten", "/besluiten", "besluiten.lezen",
     lambda row: {"verantwoordelijkeOrganisatie": row.rsin}),
)


def _types_belong(row: ZaakSettings, zaaktype: dict) -> list[Check]:
    """Each configured type is one of the zaaktype's own."""
    wanted = (
        (_("De statustypen"), "statustypen", list(row.statustypen.values())),
        (_("De roltypen"), "roltypen", list(row.roltypen.values())),
        (_("De informatieobjecttypen"), "informatieobjecttypen",
         list(row.informatieobjecttypen.values())),
        (_("Het besluittype"), "besluittypen", [row.besluittype] if row.besluittype else []),
        (_("De resultaattypen"), "resultaattypen", [
            c.zaak_resultaattype for c in db.session.scalars(select(ArchiveClass))
            if c.zaak_resultaattype]),
    )
    checks = []
    for what, key, urls in wanted:
        foreign = [url for url in urls if url not in (zaaktype.get(key) or [])]
        checks.append(Check(what, _("Hoort niet bij dit zaaktype: %(urls)s",
                                    urls=", ".join(foreign)) if foreign else ""))
    return checks


# --- The zaakdossier ---------------------------------------------------------------------------

@dataclass
class Dossier:
    parts: list[ZaakAction] = field(default_factory=list)

    @property
    def zaak_url(self) -> str:
        return next((p.urls.get("zaak", "") for p in self.parts if p.subject == "zaak"), "")

    @property
    def archive(self) -> ArchiveDates | None:
        return next((_dates(p.urls) for p in self.parts if p.part is ZaakPart.ARCHIVE_DATES
                     and p.state is ZaakPartState.DONE), None)

    @property
    def failed(self) -> bool:
        return any(p.state is ZaakPartState.FAILED for p in self.parts)

    def count(self, state: ZaakPartState) -> int:
        return sum(p.state is state for p in self.parts)


def describe(part: ZaakAction) -> str:
    """A part in words: which step's status, which document."""
    if part.part is ZaakPart.STATUS:
        number = int(part.subject.split("-")[1])
        return _("Status: stap %(number)s (%(title)s) afgerond", number=number,
                 title=_(Step(number).definition.name))
    if part.part is ZaakPart.DOCUMENT:
        return _("Document: %(kind)s", kind=_(ZaakDocument(part.subject.split("-")[0]).label))
    return _(part.part.label)


def dossier(project: Project) -> Dossier:
    return Dossier(list(db.session.scalars(select(ZaakAction).where(
        ZaakAction.project_id == project.id).order_by(ZaakAction.id))))


@dataclass(frozen=True)
class ArchiveDates:
    """What Open Zaak derived from the zaak's resultaat: its archive action and date."""

    nomination: str  # Open Zaak's archiefnominatie: "vernietigen", "blijvend_bewaren"
    action_date: date | None

    def differs_from(self, archive_date: date) -> bool:
        """Whether Open Zaak reckons another day than the Selectielijst date Wasstraat keeps."""
        return self.action_date != archive_date

    @property
    def label(self) -> str:
        return {"vernietigen": _("vernietigen"),
                "blijvend_bewaren": _("blijvend bewaren")}.get(self.nomination,
                                                               self.nomination)


def _dates(urls: dict[str, str]) -> ArchiveDates:
    day = urls.get("archiefactiedatum") or ""
    try:
        parsed = date.fromisoformat(day) if day else None
    except ValueError:
        parsed = None
    return ArchiveDates(urls.get("archiefnominatie", ""), parsed)


@dataclass(frozen=True)
class Summary:
    done: int
    waiting: int
    failed: int
    archive: ArchiveDates | None = None


def summary(project: Project) -> Summary | None:
    """How the project stands in Open Zaak, with the archive dates Open Zaak derived (one
    query); None when it is not a zaak."""
    rows = db.session.execute(select(ZaakAction.state, ZaakAction.part, ZaakAction.urls)
                              .where(ZaakAction.project_id == project.id)).all()
    if not rows:
        return None
    states = [state for state, _part, _urls in rows]
    archive = next((_dates(urls) for state, part, urls in rows
                    if part is ZaakPart.ARCHIVE_DATES and state is ZaakPartState.DONE), None)
    return Summary(states.count(ZaakPartState.DONE), states.count(ZaakPartState.WAITING),
                   states.count(ZaakPartState.FAILED), archive)


def archive_dates(project_ids: list[int]) -> dict[int, ArchiveDates]:
    """Open Zaak's archive dates of these projects, where it derived them (one query)."""
    rows = db.session.execute(select(ZaakAction.project_id, ZaakAction.urls).where(
        ZaakAction.project_id.in_(project_ids), ZaakAction.part == ZaakPart.ARCHIVE_DATES,
        ZaakAction.state == ZaakPartState.DONE)) if project_ids else []
    return {project_id: _dates(urls) for project_id, urls in rows}


def retry(project: Project, actor: User) -> int:
    """Send the failed parts again, and the waiting ones now; how many are put back."""
    parts = [p for p in dossier(project).parts if p.state is not ZaakPartState.DONE]
    for part in parts:
        part.state, part.attempts, part.next_attempt_at = ZaakPartState.WAITING, 0, None
    if parts:
        audit.record("zaak.retry", "project", project.id, project.id, actor=actor,
                     after={"parts": len(parts)})
        db.session.info.setdefault(registration.SENDS_DUE, set()).add(project.id)
    return len(parts)

