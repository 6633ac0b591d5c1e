"""Calls to a GPP-publicatiebank (GPP-Woo's API, v2): a publication as concept, its
document in parts, then published; later perhaps withdrawn.

Each call carries the API token (``Authorization: Token ...``) and the audit headers the
publicatiebank asks, naming the person whose action it is. Only URLs under the configured
root are called. A failure is told in Dutch: ``Unavailable`` (away or failing: try again)
or ``Refused`` (the publicatiebank says no), each a refusal the views show as any other.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import requests
from flask_babel import gettext as _

from ..errors import WorkflowError
from ..models import User


class GppError(WorkflowError):
    """What the publicatiebank said, as the refusal the person sees (the one refusal path)."""


class Unavailable(GppError):
    """Away, busy or failing: nothing more changed; worth another try in a minute."""

    status_code = 503
    retry_after = 60


class Refused(GppError):
    """The publicatiebank says no: another try changes nothing until the setup does."""


def _header_text(value: str) -> str:
    """A header carries Latin-1 at most: a name with other letters loses only their accents."""
    folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return " ".join(folded.split())[:200] or "-"


class Client:
    def __init__(self, root: str, token: str, actor: User, remark: str, *,
                 timeout: float = 20.0, session: requests.Session | None = None) -> None:
        if not token:
            raise Refused(_("Het API-token van de publicatiebank ontbreekt op de server "
                            "(WASSTRAAT_GPP_TOKEN of WASSTRAAT_GPP_TOKEN_FILE)."))
        self.root = root.rstrip("/")
        self.actor = actor
        self.timeout = timeout
        self.http = session or requests.Session()
        self.headers = {"Authorization": f"Token {token}", "Accept": "application/json",
                        "Audit-User-ID": _header_text(actor.email),
                        "Audit-User-Representation": _header_text(actor.name),
                        "Audit-Remarks": _header_text(remark)}

    def find(self, path: str, identifier: str, what: str) -> str:
        """The UUID of the publicatiebank's own record (a category, an organisation) with
        this identifier (its TOOI URI)."""
        found = self._send("GET", f"{self.root}{path}", what,
                           params={"identifier": identifier})
        results = found.get("results") or []
        if not results:
            raise Refused(_("De publicatiebank kent %(what)s niet (%(identifier)s).",
                            what=what, identifier=identifier))
        return str(results[0]["uuid"])

    def post(self, path: str, body: dict[str, Any], what: str) -> dict:
        return self._send("POST", f"{self.root}{path}", what, json=body)

    def patch(self, path: str, body: dict[str, Any], what: str) -> dict:
        return self._send("PATCH", f"{self.root}{path}", what, json=body)

    def put_part(self, url: str, content: bytes, what: str) -> dict:
        return self._send("PUT", url, what,
                          files={"inhoud": ("inhoud", content, "application/octet-stream")})

    def _send(self, method: str, url: str, what: str, **request: Any) -> dict:
        if not url.startswith(self.root + "/"):
            raise Refused(_("De publicatiebank gaf een adres buiten de ingestelde API "
                            "(%(url)s); Wasstraat stuurt daar niets heen.", url=url[:200]))
        try:
            response = self.http.request(method, url, headers=self.headers,
                                         timeout=self.timeout, **request)
        except requests.RequestException as error:
            raise Unavailable(_("De publicatiebank is niet bereikbaar (%(what)s): %(error)s",
                                what=what, error=type(error).__name__)) from error
        if response.status_code >= 400:
            raise _failure(response, what)
        return response.json() if response.content else {}


def _failure(response: requests.Response, what: str) -> GppError:
    status = response.status_code
    if status in (401, 403):
        return Refused(_("De publicatiebank weigert %(what)s (%(status)s): controleer het "
                         "API-token en de rechten van de applicatie.", what=what,
                         status=status))
    if status >= 500 or status == 429:
        return Unavailable(_("De publicatiebank gaf een fout (%(status)s) bij %(what)s. "
                             "Probeer het later opnieuw.", status=status, what=what))
    try:
        detail = response.json()
    except ValueError:
        detail = {}
    reasons = "; ".join(f"{p.get('name')}: {p.get('reason')}"
                        for p in detail.get("invalidParams") or [] if isinstance(p, dict))
    return Refused(_("De publicatiebank wijst %(what)s af (%(status)s): %(reasons)s",
                     what=what, status=status,
                     reasons=reasons or str(detail.get("detail") or detail.get("title") or "")))
