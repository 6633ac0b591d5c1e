"""The second factor: TOTP (RFC 6238, as in every authenticator app) and recovery codes.

A code is accepted within one time step (30 s) either side of now, and only once: the step it
belongs to is stored with a conditional UPDATE, so two requests with the same code, in two app
processes, cannot both pass. Recovery codes are long random strings kept as SHA-256 hashes,
each used once the same way.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

import pyotp
import segno
from flask import current_app
from sqlalchemy import delete, func, select, update

from .. import audit
from ..extensions import db
from ..models import RecoveryCode, User, utcnow

STEP_SECONDS = 30
WINDOW = 1  # time steps accepted either side of now (±30 s)
RECOVERY_CODES = 10
_CODE_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"  # 16 of these: 80 random bits


def required_for(user: User) -> bool:
    policy = current_app.config["MFA_REQUIRED"]
    return policy == "everyone" or (policy == "admins" and user.is_admin)


def begin_enrolment(user: User) -> str:
    """A new secret, not yet in use until confirmed with a code from the app."""
    user.totp_secret = pyotp.random_base32()
    user.totp_confirmed_at = None
    user.totp_last_step = None
    return user.totp_secret


def provisioning_uri(user: User) -> str:
    issuer = f"Wasstraat {current_app.config['WASSTRAAT_ORGANISATION']}"
    return pyotp.TOTP(user.totp_secret or "").provisioning_uri(name=user.email,
                                                               issuer_name=issuer)


def qr_data_uri(user: User) -> str:
    return segno.make(provisioning_uri(user), error="m").svg_data_uri(scale=5, border=2)


def grouped_secret(user: User) -> str:
    secret = user.totp_secret or ""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _normalised(code: str) -> str:
    return "".join(c for c in code.lower() if c.isalnum())


def _matching_step(secret: str, code: str, now: float) -> int | None:
    code = _normalised(code)
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = int(now // STEP_SECONDS)
    for step in range(current - WINDOW, current + WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def use_totp(user: User, code: str, now: float | None = None) -> bool:
    """True when the code is right for now and was not used before (then it is used up)."""
    if not user.totp_secret:
        return False
    step = _matching_step(user.totp_secret, code, time.time() if now is None else now)
    if step is None:
        return False
    table = User.__table__
    claimed = db.session.execute(
        update(table).where(table.c.id == user.id)
        .where((table.c.totp_last_step.is_(None)) | (table.c.totp_last_step < step))
        .values(totp_last_step=step)).rowcount
    return claimed == 1


def confirm_enrolment(user: User, code: str) -> list[str] | None:
    """Switch the second factor on with a first code; the recovery codes, shown once."""
    if user.totp_secret is None or not use_totp(user, code):
        return None
    db.session.refresh(user, ["totp_last_step"])
    user.totp_confirmed_at = utcnow()
    codes = new_recovery_codes(user)
    audit.record("user.mfa_enabled", "user", user.id, None, actor=user)
    return codes


def _hash(code: str) -> str:
    return hashlib.sha256(_normalised(code).encode()).hexdigest()


def new_recovery_codes(user: User) -> list[str]:
    """Ten fresh codes (80 random bits each); the old ones stop working."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(16))
        codes.append("-".join(raw[i:i + 4] for i in range(0, 16, 4)))
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash(c)) for c in codes)
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    if len(_normalised(code)) != 16:
        return False
    claimed = db.session.execute(
        update(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                   RecoveryCode.code_hash == _hash(code),
                                   RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())).rowcount
    return claimed == 1


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(select(func.count(RecoveryCode.id)).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)))


def verify_second_factor(user: User, code: str) -> str | None:
    """Which factor the code was ("totp" or "recovery_code"), or None when it is wrong."""
    if use_totp(user, code):
        return "totp"
    if use_recovery_code(user, code):
        return "recovery_code"
    return None


def switch_off(user: User) -> None:
    """The owner switches the second factor off (allowed only where it is not required)."""
    _clear(user)
    audit.record("user.mfa_disabled", "user", user.id, None, actor=user)


def _clear(user: User) -> None:
    user.totp_secret = None
    user.totp_confirmed_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def reset(user: User, *, actor: User) -> None:
    """An administrator switches the second factor off (a lost phone): the user enrols again."""
    _clear(user)
    user.rotate_session_token()
    audit.record("user.mfa_reset", "user", user.id, None, actor=actor)
