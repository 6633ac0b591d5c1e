"""Process maps uploaded as files: only known kinds, checked by their first bytes, not only
by their name, and never larger than the configured limit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.utils import secure_filename

from .. import audit
from ..errors import InvalidInput
from ..extensions import db
from ..models import ProcessAttachment, Project, User
from ..windows import require_open
from ..workflow import Action

DEFAULT_MAX_BYTES = 10 * 1024 * 1024


def _xml_with_bpmn(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return text.startswith(b"<") and b"bpmn" in head.lower()


@dataclass(frozen=True)
class Kind:
    label: str
    content_type: str
    matches: Callable[[bytes], bool]


# Served as downloads only; BPMN (XML) goes out as a generic binary so no browser renders it.
KINDS: dict[str, Kind] = {
    ".pdf": Kind("PDF", "application/pdf", lambda h: h.startswith(b"%PDF-")),
    ".png": Kind("PNG", "image/png", lambda h: h.startswith(b"\x89PNG\r\n\x1a\n")),
    ".jpg": Kind("JPEG", "image/jpeg", lambda h: h.startswith(b"\xff\xd8\xff")),
    ".jpeg": Kind("JPEG", "image/jpeg", lambda h: h.startswith(b"\xff\xd8\xff")),
    ".vsdx": Kind("Visio", "application/vnd.ms-visio.drawing",
                  lambda h: h.startswith(b"PK\x03\x04")),
    ".vsd": Kind("Visio", "application/vnd.visio",
                 lambda h: h.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")),
    ".bpmn": Kind("BPMN", "application/octet-stream", _xml_with_bpmn),
}


def allowed_extensions() -> str:
    return ", ".join(sorted(KINDS))


def max_bytes() -> int:
    return current_app.config.get("WASSTRAAT_MAX_ATTACHMENT_BYTES", DEFAULT_MAX_BYTES)


def attachments_of(project: Project) -> list[ProcessAttachment]:
    return list(db.session.scalars(
        select(ProcessAttachment).where(ProcessAttachment.project_id == project.id)
        .order_by(ProcessAttachment.id)))


def add_attachment(project: Project, actor: User, filename: str, data: bytes) -> ProcessAttachment:
    require_open(project, Action.EDIT_PROCESS)
    name = secure_filename(filename or "")[:200]
    extension = PurePath(name).suffix.lower()
    kind = KINDS.get(extension)
    if not name or kind is None:
        raise InvalidInput(_("Dit soort bestand kan niet worden toegevoegd. Toegestaan: "
                             "%(kinds)s.", kinds=allowed_extensions()), "file")
    if not data:
        raise InvalidInput(_("Het bestand is leeg."), "file")
    if len(data) > max_bytes():
        raise InvalidInput(_("Het bestand is te groot (hoogstens %(mb)d MB).",
                             mb=max_bytes() // (1024 * 1024)), "file")
    if not kind.matches(data[:2048]):
        raise InvalidInput(_("De inhoud van het bestand past niet bij %(kind)s.",
                             kind=kind.label), "file")
    attachment = ProcessAttachment(project_id=project.id, filename=name,
                                   content_type=kind.content_type, size=len(data), data=data,
                                   uploaded_by_id=actor.id)
    db.session.add(attachment)
    db.session.flush()
    audit.record("process.attachment_add", "process_attachment", attachment.id, project.id,
                 actor=actor, after={"filename": name, "size": len(data)})
    return attachment


def delete_attachment(attachment: ProcessAttachment, project: Project, actor: User) -> None:
    require_open(project, Action.EDIT_PROCESS)
    audit.record("process.attachment_delete", "process_attachment", attachment.id, project.id,
                 actor=actor, before={"filename": attachment.filename, "size": attachment.size})
    db.session.delete(attachment)
    db.session.flush()
