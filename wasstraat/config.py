"""Configuration: defaults in code, overrides from the environment.

``WASSTRAAT_ENV=production`` turns on the production checks: a real ``SECRET_KEY`` is required
and the session cookie becomes ``__Host-`` prefixed and Secure.
"""

from __future__ import annotations

import os
import secrets
from enum import StrEnum
from pathlib import Path

from .workflow import STALLED_AFTER_DAYS


# Where background work runs (jobs.py): a Procrastinate queue on PostgreSQL, in the web
# process itself on the embedded default.
class JobQueue(StrEnum):
    IN_PROCESS = "in-process"
    PROCRASTINATE = "procrastinate"


def _kept_pdf(value: str) -> str:
    if value not in ("job", "request"):
        raise ConfigError("WASSTRAAT_KEPT_PDF must be 'job' or 'request'.")
    return value


def _toc_page_numbers(value: str) -> str:
    if value not in ("libreoffice", "word"):
        raise ConfigError("WASSTRAAT_TOC_PAGE_NUMBERS must be 'libreoffice' or 'word'.")
    return value


def default_queue(database_url: str) -> JobQueue:
    return JobQueue.PROCRASTINATE if database_url.startswith("postgresql") \
        else JobQueue.IN_PROCESS


# Every minute: due e-mails and retries, reminders, digests (WASSTRAAT_JOB_SCHEDULE, a cron
# line; empty for a worker that only takes queued jobs).
PERIODIC_CRON = "* * * * *"

LONGEST_PASSPHRASE = 256  # characters; argon2 hashes any length, this bounds the work

MIN_SECRET_KEY_LENGTH = 32
# At least about 100 bits as zxcvbn estimates them: 32 random hex characters pass, 32 zeros,
# a keyboard walk or a sentence with a year do not.
MIN_SECRET_KEY_GUESSES_LOG10 = 30
ENVIRONMENTS = ("development", "production")


class ConfigError(RuntimeError):
    """The app refuses to start with this configuration."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "ja"}


def _database_url(instance_path: Path) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{instance_path / 'wasstraat.sqlite'}"
    # Accept the common postgres:// spellings and use psycopg 3.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _development_secret_key(instance_path: Path) -> str:
    """Generate a key once and keep it in instance/, so sessions survive restarts."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def audit_keys(instance_path: Path, *, production: bool) -> list[tuple[str, bytes]]:
    """The keys of the audit chain, the current one first: WASSTRAAT_AUDIT_KEYS as
    "id:secret,id:secret" or WASSTRAAT_AUDIT_KEY_FILE with one "id secret" per line. Older
    keys stay listed after a rotation so the rows they keyed can still be verified. They live
    outside the database, so whoever owns the database cannot recompute the chain."""
    text = os.environ.get("WASSTRAAT_AUDIT_KEYS", "").strip()
    key_file = os.environ.get("WASSTRAAT_AUDIT_KEY_FILE", "").strip()
    if key_file:
        text = ",".join(":".join(line.split(None, 1)) for line in
                        Path(key_file).read_text().splitlines() if line.strip())
    if not text and production:
        raise ConfigError("WASSTRAAT_AUDIT_KEYS or WASSTRAAT_AUDIT_KEY_FILE must be set when "
                          "WASSTRAAT_ENV=production (the audit trail's key).")
    if not text:
        generated = instance_path / "audit_key"
        if not generated.exists():
            instance_path.mkdir(parents=True, exist_ok=True)
            generated.write_text(f"dev1:{secrets.token_urlsafe(48)}")
            generated.chmod(0o600)
        text = generated.read_text().strip()
    keys = []
    for entry in text.split(","):
        key_id, _sep, secret = entry.strip().partition(":")
        if not key_id or len(key_id) > 16 or len(secret) < MIN_SECRET_KEY_LENGTH:
            raise ConfigError("Each audit key needs an id (at most 16 characters) and a secret "
                              f"of at least {MIN_SECRET_KEY_LENGTH} characters: 'id:secret'.")
        keys.append((key_id, secret.encode()))
    return keys


def check_oidc_metadata_url(url: str, *, production: bool) -> None:
    """Tenant-specific metadata only: a multi-tenant endpoint cannot have its issuer checked."""
    if any(part in url for part in ("/common/", "/organizations/", "/consumers/")):
        raise ConfigError("WASSTRAAT_OIDC_METADATA_URL must be the tenant's own metadata, not "
                          "the multi-tenant endpoint (common/organizations/consumers).")
    if production and not url.startswith("https://"):
        raise ConfigError("WASSTRAAT_OIDC_METADATA_URL must use https in production.")
    if not os.environ.get("WASSTRAAT_OIDC_CLIENT_ID"):
        raise ConfigError("WASSTRAAT_OIDC_CLIENT_ID is needed with WASSTRAAT_OIDC_METADATA_URL.")


def check_secret_key(secret_key: str | None) -> None:
    """A production key long enough and random enough to sign sessions and key hashes."""
    from zxcvbn import zxcvbn

    if not secret_key or len(secret_key) < MIN_SECRET_KEY_LENGTH:
        raise ConfigError(f"SECRET_KEY must be set to at least {MIN_SECRET_KEY_LENGTH} "
                          "characters when WASSTRAAT_ENV=production.")
    if zxcvbn(secret_key[:64])["guesses_log10"] < MIN_SECRET_KEY_GUESSES_LOG10:
        raise ConfigError("SECRET_KEY is too predictable (a repetition, a pattern or words); "
                          "generate one, e.g. python -c 'import secrets; "
                          "print(secrets.token_urlsafe(48))'.")


def _log_format(value: str, production: bool) -> str:
    chosen = value or ("json" if production else "text")
    if chosen not in {"json", "text"}:
        raise ConfigError("WASSTRAAT_LOG_FORMAT must be 'json' or 'text'.")
    return chosen


def _engine_options(pgbouncer: bool) -> dict[str, object]:
    options: dict[str, object] = {"pool_pre_ping": True}
    if pgbouncer:
        # PgBouncer in transaction mode hands each transaction to any server connection: a
        # statement prepared on one is unknown on the next, so psycopg must prepare none.
        options["connect_args"] = {"prepare_threshold": None}
    return options


def metrics_token() -> str:
    """The bearer token that opens /_metrics (WASSTRAAT_METRICS_TOKEN, or a file named by
    WASSTRAAT_METRICS_TOKEN_FILE, as a mounted secret); empty: the endpoint is not there."""
    token = os.environ.get("WASSTRAAT_METRICS_TOKEN", "").strip()
    if path := os.environ.get("WASSTRAAT_METRICS_TOKEN_FILE", "").strip():
        token = Path(path).read_text(encoding="utf-8").strip()
    if token and len(token) < 24:
        raise ConfigError("WASSTRAAT_METRICS_TOKEN must be at least 24 characters.")
    return token


def zgw_secret() -> str:
    """The secret Wasstraat signs its calls to Open Zaak with (WASSTRAAT_ZGW_SECRET, or a file
    named by WASSTRAAT_ZGW_SECRET_FILE): never in the database, so a backup or a dump of it
    never carries the key to the municipality's records."""
    secret = os.environ.get("WASSTRAAT_ZGW_SECRET", "").strip()
    if path := os.environ.get("WASSTRAAT_ZGW_SECRET_FILE", "").strip():
        secret = Path(path).read_text(encoding="utf-8").strip()
    return secret


def gpp_token() -> str:
    """The API token for the GPP-publicatiebank (WASSTRAAT_GPP_TOKEN, or a file named by
    WASSTRAAT_GPP_TOKEN_FILE): like the Open Zaak secret, never in the database."""
    token = os.environ.get("WASSTRAAT_GPP_TOKEN", "").strip()
    if path := os.environ.get("WASSTRAAT_GPP_TOKEN_FILE", "").strip():
        token = Path(path).read_text(encoding="utf-8").strip()
    return token


def load_config(instance_path: Path) -> dict[str, object]:
    env = os.environ.get("WASSTRAAT_ENV", "development")
    if env not in ENVIRONMENTS:
        # "Production" or "prod" must not quietly run as development.
        raise ConfigError(f"WASSTRAAT_ENV must be one of {', '.join(ENVIRONMENTS)}, "
                          f"not {env!r}.")
    production = env == "production"
    secret_key = os.environ.get("SECRET_KEY")
    if production:
        check_secret_key(secret_key)
        if _bool(os.environ.get("FLASK_DEBUG")):
            raise ConfigError("FLASK_DEBUG must be off when WASSTRAAT_ENV=production.")
    oidc_metadata_url = os.environ.get("WASSTRAAT_OIDC_METADATA_URL", "").strip()
    if oidc_metadata_url:
        check_oidc_metadata_url(oidc_metadata_url, production=production)
    retention_action = os.environ.get("WASSTRAAT_RETENTION_ACTION", "anonymise").strip().lower()
    if retention_action not in {"anonymise", "delete"}:
        raise ConfigError("WASSTRAAT_RETENTION_ACTION must be 'anonymise' or 'delete'.")
    mfa_required = os.environ.get("WASSTRAAT_MFA_REQUIRED", "admins").strip().lower()
    if mfa_required not in {"admins", "everyone", "nobody"} or (production
                                                                 and mfa_required == "nobody"):
        raise ConfigError("WASSTRAAT_MFA_REQUIRED must be 'admins' or 'everyone' "
                          "('nobody' only outside production).")
    elif not secret_key:
        secret_key = _development_secret_key(instance_path)

    return {
        "WASSTRAAT_ENV": env,
        "PRODUCTION": production,
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": (database_url := _database_url(instance_path)),
        # Where background work runs (jobs.py): a Procrastinate queue on PostgreSQL with
        # `flask jobs worker` processes, in the web process itself on SQLite.
        "JOB_QUEUE": JobQueue(os.environ.get("WASSTRAAT_JOB_QUEUE", "").strip()
                              or default_queue(database_url)),
        "JOB_SCHEDULE": os.environ.get("WASSTRAAT_JOB_SCHEDULE", PERIODIC_CRON).strip(),
        # A worker silent this long is taken for dead and its jobs are put back (jobs.py); it
        # sends a heartbeat three times as often.
        "JOB_STALLED_SECONDS": max(3, int(os.environ.get("WASSTRAAT_JOB_STALLED_SECONDS",
                                                         "30"))),
        # How long a delivery's claim on a message (or a digest) keeps others off it: a
        # claim whose worker died is taken up after this (notifications/mail.py).
        "MAIL_LEASE_SECONDS": max(5, int(os.environ.get("WASSTRAAT_MAIL_LEASE_SECONDS",
                                                        "300"))),
        "AUDIT_KEYS": audit_keys(instance_path, production=production),
        # Where the chain's head is written after each change (besides the log): a file an
        # operator ships elsewhere, so a database restored to an earlier state is noticed.
        "AUDIT_CHECKPOINTS": os.environ.get("WASSTRAAT_AUDIT_CHECKPOINTS", "").strip()
        or str(instance_path / "audit_checkpoints.jsonl"),
        # Behind PgBouncer in transaction mode (WASSTRAAT_PGBOUNCER=1): no server-side
        # prepared statements, and workers poll the queue instead of LISTEN/NOTIFY.
        "PGBOUNCER": (pgbouncer := _bool(os.environ.get("WASSTRAAT_PGBOUNCER"))),
        "SQLALCHEMY_ENGINE_OPTIONS": _engine_options(pgbouncer),
        # Migrations over a direct connection to PostgreSQL (not through PgBouncer: they take
        # locks and set session settings); empty: the app's own database URL.
        "MIGRATIONS_DATABASE_URL": os.environ.get("WASSTRAAT_MIGRATIONS_DATABASE_URL",
                                                  "").strip(),
        # Log lines as JSON on stdout (production's default) or as text (logs.py).
        "LOG_FORMAT": _log_format(os.environ.get("WASSTRAAT_LOG_FORMAT", "").strip().lower(),
                                  production),
        "LOG_LEVEL": os.environ.get("WASSTRAAT_LOG_LEVEL", "INFO").strip().upper(),
        "WASSTRAAT_ORGANISATION": os.environ.get("WASSTRAAT_ORGANISATION", "Gemeente Voorbeeld"),
        "WASSTRAAT_THEME_CLASS": os.environ.get("WASSTRAAT_THEME_CLASS", "voorbeeld-theme"),
        "WASSTRAAT_THEME_CSS": os.environ.get("WASSTRAAT_THEME_CSS", ""),
        # A .docx whose styles the exported plans use (the organisation's house style).
        "DOCX_TEMPLATE": os.environ.get("WASSTRAAT_DOCX_TEMPLATE") or None,
        # The PDF/A of an approved plan is made by a job right after the approval ("job"), so
        # no request waits on LibreOffice; "request" makes it on its first download instead.
        "KEPT_PDF": _kept_pdf(os.environ.get("WASSTRAAT_KEPT_PDF", "job").strip()),
        # The page numbers of a .docx's table of contents: from LibreOffice's layout where it
        # is installed ("libreoffice"; a download then costs a conversion), or left to Word,
        # which asks to update the fields when it opens the file ("word").
        "TOC_PAGE_NUMBERS": _toc_page_numbers(
            os.environ.get("WASSTRAAT_TOC_PAGE_NUMBERS", "libreoffice").strip()),
        # The cached page sections of one instance (fragments.py), in characters of HTML.
        "FRAGMENT_CACHE_CHARS": max(0, int(os.environ.get("WASSTRAAT_FRAGMENT_CACHE_CHARS",
                                                          "8000000"))),
        # Prometheus' scrapes of /_metrics carry this as a bearer token (ops/views.py).
        "METRICS_TOKEN": metrics_token(),
        "ZGW_SECRET": zgw_secret(),
        # Documents larger than this go to Open Zaak in parts (bestandsdelen).
        "ZGW_PARTS_ABOVE": int(os.environ.get("WASSTRAAT_ZGW_PARTS_ABOVE", 4 * 1024 * 1024)),
        "ZGW_TIMEOUT_SECONDS": float(os.environ.get("WASSTRAAT_ZGW_TIMEOUT_SECONDS", 20)),
        "GPP_TOKEN": gpp_token(),
        # Each request's CPU time as a Server-Timing header (the benchmark; off in production).
        "SERVER_TIMING": os.environ.get("WASSTRAAT_SERVER_TIMING") == "1",
        # To whom the improvement plan is addressed on its cover (the directie, the college).
        "PLAN_ADDRESSEE": os.environ.get("WASSTRAAT_PLAN_ADDRESSEE", "Directieteam"),
        "STALLED_AFTER_DAYS": max(1, int(os.environ.get("WASSTRAAT_STALLED_AFTER_DAYS",
                                                         str(STALLED_AFTER_DAYS)))),
        "PASSWORD_MIN_LENGTH": max(8, int(os.environ.get("WASSTRAAT_PASSWORD_MIN_LENGTH", "15"))),
        "PASSWORD_MAX_LENGTH": LONGEST_PASSPHRASE,
        # Closed projects are anonymised or deleted this many months after step 10 (0: not set).
        "RETENTION_MONTHS": max(0, int(os.environ.get("WASSTRAAT_RETENTION_MONTHS", "0"))),
        "RETENTION_ACTION": retention_action,
        # Single sign-on (OpenID Connect) through the municipality's identity provider.
        "OIDC_METADATA_URL": oidc_metadata_url,
        "OIDC_CLIENT_ID": os.environ.get("WASSTRAAT_OIDC_CLIENT_ID", ""),
        "OIDC_CLIENT_SECRET": os.environ.get("WASSTRAAT_OIDC_CLIENT_SECRET", ""),
        "OIDC_LABEL": os.environ.get("WASSTRAAT_OIDC_LABEL", "uw organisatie-account"),
        # Bearer tokens of the provider for the API are meant for this audience.
        "OIDC_API_AUDIENCE": os.environ.get("WASSTRAAT_OIDC_API_AUDIENCE", "").strip(),
        # The API (api/): requests per person per minute (all their tokens together), and
        # per token (the same unless set lower); origins allowed by CORS (none by default:
        # other systems call it server to server); who answers questions about it.
        "API_RATE_LIMIT": max(1, int(os.environ.get("WASSTRAAT_API_RATE_LIMIT", "120"))),
        "API_TOKEN_RATE_LIMIT": max(0, int(os.environ.get("WASSTRAAT_API_TOKEN_RATE_LIMIT",
                                                          "0"))),
        "API_CORS_ORIGINS": [o.strip() for o in os.environ.get(
            "WASSTRAAT_API_CORS_ORIGINS", "").split(",") if o.strip()],
        "API_CONTACT_NAME": os.environ.get("WASSTRAAT_API_CONTACT_NAME", "").strip(),
        "API_CONTACT_EMAIL": os.environ.get("WASSTRAAT_API_CONTACT_EMAIL",
                                            "functioneel-beheer@gemeente.example").strip(),
        "API_CONTACT_URL": os.environ.get("WASSTRAAT_API_CONTACT_URL",
                                          "https://wasstraat.gemeente.example").strip(),
        # Who must sign in with a second factor (TOTP): administrators, or everyone.
        "MFA_REQUIRED": mfa_required,
        "BABEL_DEFAULT_LOCALE": "nl",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Amsterdam",
        "LANGUAGES": ["nl", "en"],
        # A session ends after this long without a request, and this long after sign-in.
        "SESSION_IDLE_MINUTES": max(2, int(os.environ.get("WASSTRAAT_SESSION_IDLE_MINUTES",
                                                          "30"))),
        "SESSION_ABSOLUTE_HOURS": max(1, int(os.environ.get("WASSTRAAT_SESSION_ABSOLUTE_HOURS",
                                                            "10"))),
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        "SESSION_COOKIE_NAME": "__Host-wasstraat" if production else "wasstraat",
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_PATH": "/",
        "REMEMBER_COOKIE_DURATION": 0,  # no remember-me: sessions end with the browser
        "REMEMBER_COOKIE_SECURE": True,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "TRUSTED_PROXIES": int(os.environ.get("WASSTRAAT_TRUSTED_PROXIES", "0")),
        "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
        # Project leaders may invite a colleague who has no account yet (the administrator
        # decides for the organisation; off by default: accounts come from the administrator).
        "INVITE_BY_LEADERS": os.environ.get("WASSTRAAT_INVITE_BY_LEADERS", "off").strip().lower()
        in ("on", "1", "true", "yes"),
        "EXPORTS_PER_MINUTE": max(1, int(os.environ.get("WASSTRAAT_EXPORTS_PER_MINUTE", "20"))),
        # LibreOffice conversions at once on one server (every process together), and how
        # long a request waits for one before it hears "busy" (exports/pdf.py).
        "PDF_CONVERSIONS": max(1, int(os.environ.get("WASSTRAAT_PDF_CONVERSIONS", "2"))),
        "PDF_WAIT_SECONDS": max(0.0, float(os.environ.get("WASSTRAAT_PDF_WAIT_SECONDS", "20"))),
        "PDF_SLOTS_DIR": os.environ.get("WASSTRAAT_PDF_SLOTS_DIR", ""),
        **_mail_settings(production, instance_path),
    }


def _mail_settings(production: bool, instance_path: Path) -> dict[str, object]:
    """E-mail through the municipality's SMTP server (STARTTLS unless switched off). Without
    one, development writes each message to instance/outbox, which administrators read on the
    outbox page; production sends none (the inbox still has everything)."""
    host = os.environ.get("WASSTRAAT_SMTP_HOST", "").strip()
    return {
        "MAIL_ENABLED": bool(host) or not production,
        "MAIL_BACKEND": "smtp" if host else "file" if not production else "dummy",
        "MAIL_FILE_PATH": str(instance_path / "outbox"),
        "MAIL_SERVER": host or "localhost",
        "MAIL_PORT": int(os.environ.get("WASSTRAAT_SMTP_PORT", "587")),
        "MAIL_USERNAME": os.environ.get("WASSTRAAT_SMTP_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("WASSTRAAT_SMTP_PASSWORD") or None,
        "MAIL_USE_TLS": _bool(os.environ.get("WASSTRAAT_SMTP_STARTTLS"), default=True),
        "MAIL_TIMEOUT": 10,
        "MAIL_DEFAULT_SENDER": os.environ.get("WASSTRAAT_MAIL_FROM",
                                              "Wasstraat <wasstraat@localhost>"),
        # The address people reach the app at: every link in an e-mail starts with it.
        "BASE_URL": os.environ.get("WASSTRAAT_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        # Deliver after the request that made the messages (the embedded default); off where a
        # separate worker runs `flask notifications deliver`.
        "MAIL_AFTER_REQUEST": _bool(os.environ.get("WASSTRAAT_MAIL_AFTER_REQUEST"),
                                    default=True),
        # Digests go from this hour (the organisation's time) by `flask notifications periodic`.
        "DIGEST_HOUR": min(23, max(0, int(os.environ.get("WASSTRAAT_DIGEST_HOUR", "7")))),
    }
