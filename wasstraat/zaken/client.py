"""Calls to the ZGW APIs of Open Zaak (Zaken, Documenten, Catalogi, Besluiten).

Every call carries a JWT signed with the client's secret (the ZGW authorisation scheme) and
naming the person whose action it follows (``user_id``, ``user_representation``), so Open
Zaak's own audit trail says who did it. A call goes only to a URL under one of the
configured API roots: a URL in a response never takes the secret elsewhere.

What goes wrong is told in Dutch, as one of two kinds: ``Unavailable`` (Open Zaak away, busy
or failing: asked again later) and ``Refused`` (Open Zaak says no: a missing scope, a wrong
secret, a request it will not take; asked again only after someone changes something).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import requests
from flask_babel import gettext as _
from joserfc import jwt
from joserfc.jwk import OctKey

from ..models import User, ZaakSettings

# The ZGW APIs, by the settings' field that holds their root.
COMPONENTS: dict[str, str] = {"zaken": "zaken_root", "documenten": "documenten_root",
                              "catalogi": "catalogi_root", "besluiten": "besluiten_root"}
CRS = "EPSG:4326"  # the Zaken API asks every client which coordinates it speaks


class ZgwError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Unavailable(ZgwError):
    """Open Zaak could not be reached or failed (5xx, 429): worth another try later."""


class Refused(ZgwError):
    """Open Zaak answered no: another try changes nothing until the configuration does."""


@dataclass(frozen=True)
class Call:
    """What a call is for, in the words an administrator needs when it is refused."""

    scope: str  # the ZGW scope it needs, e.g. "zaken.aanmaken"
    what: str  # Dutch: "de zaak aanmaken"


class Client:
    """One person's calls to one configured Open Zaak."""

    def __init__(self, settings: ZaakSettings, secret: str, actor: User | None, *,
                 timeout: float = 20.0, session: requests.Session | None = None) -> None:
        if not secret:
            raise Refused(_("Het geheim van de koppeling met Open Zaak ontbreekt op de server "
                            "(WASSTRAAT_ZGW_SECRET of WASSTRAAT_ZGW_SECRET_FILE)."))
        self.settings = settings
        self.timeout = timeout
        self.http = session or requests.Session()
        self._token = _token(settings.client_id, secret, actor)

    def get(self, url: str, call: Call, params: dict[str, str] | None = None) -> dict:
        return self._send("GET", url, call, params=params)

    def post(self, component: str, path: str, body: dict[str, Any], call: Call) -> dict:
        return self._send("POST", self.root(component) + path, call, json=body)

    def post_to(self, url: str, body: dict[str, Any], call: Call) -> dict:
        return self._send("POST", url, call, json=body)

    def put_part(self, url: str, lock: str, content: bytes, call: Call) -> dict:
        """One part of a large document (a bestandsdeel), as the multipart form it takes."""
        return self._send("PUT", url, call, data={"lock": lock},
                          files={"inhoud": ("inhoud", content, "application/octet-stream")})

    def root(self, component: str) -> str:
        return getattr(self.settings, COMPONENTS[component]).rstrip("/")

    def _component_of(self, url: str) -> str:
        for component in COMPONENTS:
            root = self.root(component)
            if root and (url == root or url.startswith(root + "/")):
                return component
        raise Refused(_("Open Zaak gaf een adres buiten de ingestelde API's (%(url)s); "
                        "Wasstraat stuurt daar niets heen.", url=url[:200]))

    def _headers(self, component: str, *, has_body: bool) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self._token}", "Accept": "application/json"}
        if component == "zaken":
            headers["Accept-Crs"] = CRS
            if has_body:
                headers["Content-Crs"] = CRS
        return headers

    def _send(self, method: str, url: str, call: Call, **request: Any) -> dict:
        component = self._component_of(url)
        headers = self._headers(component, has_body=method != "GET")
        try:
            response = self.http.request(method, url, headers=headers, timeout=self.timeout,
                                         **request)
        except requests.RequestException as error:
            raise Unavailable(_("Open Zaak is niet bereikbaar (%(what)s): %(error)s",
                                what=call.what, error=type(error).__name__)) from error
        if response.status_code >= 400:
            raise _failure(response, call)
        return response.json() if response.content else {}


def _token(client_id: str, secret: str, actor: User | None) -> str:
    claims = {"iss": client_id, "iat": int(time.time()), "client_id": client_id,
              "user_id": actor.email if actor else "",
              "user_representation": actor.name if actor else "Wasstraat"}
    return jwt.encode({"alg": "HS256"}, claims, OctKey.import_key(secret))


def _failure(response: requests.Response, call: Call) -> ZgwError:
    status = response.status_code
    if status == 401:
        return Refused(_("Open Zaak kent de applicatie niet (%(what)s): controleer de "
                         "client-id en het geheim.", what=call.what))
    if status == 403:
        return Refused(_("Open Zaak weigert %(what)s: de applicatie mist de scope "
                         "„%(scope)s” voor dit zaaktype, of een hogere "
                         "vertrouwelijkheid. Geef de applicatie die autorisatie in Open "
                         "Zaak.", what=call.what, scope=call.scope))
    if status >= 500 or status == 429:
        return Unavailable(_("Open Zaak gaf een fout (%(status)s) bij %(what)s.",
                             status=status, what=call.what))
    return Refused(_("Open Zaak wijst %(what)s af (%(status)s): %(reasons)s",
                     what=call.what, status=status, reasons=_reasons(response)))


def _reasons(response: requests.Response) -> str:
    """The reasons of a ZGW problem document (its invalid parameters, or its title)."""
    try:
        problem = response.json()
    except ValueError:
        return response.reason or ""
    params = problem.get("invalidParams") or []
    named = [f"{p.get('name')}: {p.get('reason')}" for p in params if isinstance(p, dict)]
    return "; ".join(named) or str(problem.get("detail") or problem.get("title") or "")[:300]
