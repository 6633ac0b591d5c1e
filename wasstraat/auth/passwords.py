"""Password hashing (argon2id, the library's defaults meet OWASP ASVS) and the password policy."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask_babel import gettext as _
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from ..workflow import ROLE_INFO

_hasher = PasswordHasher()

# The 30,000 passwords that lead the leaked-password lists (xato), as zxcvbn ships them.
BREACHED = frozenset(FREQUENCY_LISTS["passwords"])
# zxcvbn's score: 3 means "safely unguessable" (about 10^8 guesses and up) for an online attack.
MIN_STRENGTH = 3
# zxcvbn's work grows with length; past this the beginning decides (a long passphrase that
# starts guessable is still refused).
ESTIMATED_LENGTH = 64


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


def context_words(organisation: str) -> frozenset[str]:
    """Words an attacker tries first against this app: its name, the organisation's name and
    the roles in the method (ASVS 6.2.11)."""

    words = {"wasstraat", *re.findall(r"\w+", organisation.lower())}
    words |= {w for info in ROLE_INFO.values() for w in re.findall(r"\w+", info.label.lower())}
    return frozenset(w for w in words if len(w) >= 5)


def password_problems(password: str, *, email: str, min_length: int, max_length: int,
                      context: frozenset[str] = frozenset()) -> list[str]:
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
    found = sorted(w for w in context if w in lowered)
    if found:
        problems.append(_("Het wachtwoord mag geen woorden bevatten die bij deze organisatie of "
                          "deze toepassing horen, zoals „%(word)s”.", word=found[0]))
    if is_common(password):
        problems.append(_("Dit wachtwoord is te bekend: het staat in lijsten die aanvallers als "
                          "eerste proberen. Kies een zin of een reeks losse woorden."))
    elif not problems and too_guessable(password, [email, local_part, *context]):
        problems.append(_("Dit wachtwoord is te makkelijk te raden (een toetsenbordpatroon, een "
                          "herhaling, een jaartal of een bekend woord met kleine variaties). "
                          "Kies een zin van een paar woorden die niet bij elkaar horen."))
    return problems


def too_guessable(password: str, hints: list[str]) -> bool:
    """zxcvbn's estimate (keyboard walks, repeats, dates, dictionary words with l33t and
    capitals), with the person's e-mail address and the app's words as known to an attacker."""
    result = zxcvbn(password[:ESTIMATED_LENGTH], user_inputs=[h for h in hints if h])
    return result["score"] < MIN_STRENGTH


# Passwords and stems that lead every leaked-password list (Dutch ones included); a password
# that is one of them, repeated or with digits and punctuation around it, is refused.
COMMON_STEMS = frozenset([
    "password", "wachtwoord", "welkom", "welcome", "qwerty", "azerty", "asdfgh", "zxcvbn",
    "letmein", "iloveyou", "admin", "administrator", "beheerder", "gemeente", "monkey",
    "dragon", "football", "voetbal", "baseball", "master", "shadow", "sunshine", "princess",
    "trustno1", "abc123", "passw0rd", "p@ssw0rd", "geheim", "zomer", "winter", "lente",
    "herfst", "amsterdam", "rotterdam", "utrecht", "ajax", "feyenoord", "changeme",
    "wijzigmij", "test", "gebruiker", "user", "login", "inloggen",
])


def is_common(password: str) -> bool:
    if password.lower() in BREACHED:
        return True
    core = re.sub(r"[\d\W_]+", "", password.lower())
    if not core:
        return True  # only digits and punctuation
    for stem in COMMON_STEMS:
        if core == stem * max(1, len(core) // len(stem)):
            return True
    return len(set(core)) <= 2  # aaaaaaaaaaaaaaaa, ababababababab
