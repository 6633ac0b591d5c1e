"""The development outbox: without an SMTP server, `make run` writes each e-mail to
instance/outbox (Flask-Mailman's file backend), and administrators read them on a page, so a
newcomer sees what would have gone out. Production has no outbox: there mail goes to SMTP."""

from __future__ import annotations

import email
from dataclasses import dataclass
from email import policy
from pathlib import Path

from flask import current_app

SEPARATOR = b"\n" + b"-" * 79 + b"\n"
SHOWN = 50


@dataclass(frozen=True)
class OutboxMail:
    key: str  # file name and place in it, for the page's anchors
    to: str
    subject: str
    date: str
    text: str
    links: list[str]


def enabled() -> bool:
    return current_app.config["MAIL_BACKEND"] == "file" and not current_app.config["PRODUCTION"]


def recent(limit: int = SHOWN) -> list[OutboxMail]:
    """The newest e-mails first."""
    folder = Path(current_app.config["MAIL_FILE_PATH"])
    files = sorted(folder.glob("*.log"), key=lambda p: p.stat().st_mtime, reverse=True) \
        if folder.is_dir() else []
    mails: list[OutboxMail] = []
    for path in files:
        parts = [part for part in path.read_bytes().split(SEPARATOR) if part.strip()]
        for number, raw in reversed(list(enumerate(parts))):
            mails.append(_read(f"{path.stem}-{number}", raw))
            if len(mails) == limit:
                return mails
    return mails


def _read(key: str, raw: bytes) -> OutboxMail:
    message = email.message_from_bytes(raw, policy=policy.default)
    body = message.get_body(preferencelist=("plain",))
    text = body.get_content() if body is not None else ""
    links = [word.strip("<>()") for word in text.split() if word.startswith("http")]
    return OutboxMail(key=key, to=str(message["To"] or ""), subject=str(message["Subject"] or ""),
                      date=str(message["Date"] or ""), text=text, links=links)
