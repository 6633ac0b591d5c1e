"""Password hashing (argon2id, the library's defaults meet OWASP ASVS) and the password policy."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask_babel import gettext as _

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    try:
        return _hasher.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


# Verifying against this when the account does not exist keeps the response time of an unknown
# e-mail address close to that of a wrong password.
DUMMY_HASH = _hasher.hash("wasstraat-dummy-password-for-timing")


def password_problems(password: str, *, email: str, min_length: int, max_length: int) -> list[str]:
    """Dutch messages for every way the password breaks the policy (no composition rules)."""
    problems = []
    if len(password) < min_length:
        problems.append(_("Kies een wachtwoord van minstens %(n)d tekens.", n=min_length))
    if len(password) > max_length:
        problems.append(_("Een wachtwoord mag hoogstens %(n)d tekens lang zijn.", n=max_length))
    lowered = password.lower()
    local_part = email.split("@", 1)[0].lower()
    if email and (lowered == email.lower() or (len(local_part) >= 4 and local_part in lowered)):
        problems.append(_("Het wachtwoord mag uw e-mailadres niet bevatten."))
    return problems
