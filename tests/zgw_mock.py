"""Open Zaak's ZGW APIs for the tests, as the published contracts describe them: Prism
(``@stoplight/prism-cli``, installed by ``make test``) serves each of Open Zaak's own OpenAPI
documents (tests/contracts/openzaak, with their source) in validating mode, so a request that
does not match the contract is answered with its violations instead of a mock.

A pytest plugin (conftest's ``pytest_plugins``): its fixtures are ``open_zaak`` (the APIs, one
set per test process), ``catalogue`` (a zaaktype and its types) and ``connected`` (an
administrator switched the connection on).

A small front on one port routes ``/<component>/api/v1/...`` to the Prism of that API and
does what a mock cannot: it gives each created resource a URL of its own under the front (a
real server's answer, which Wasstraat follows), cuts a large document into parts, and can fail
or refuse a call on request. It records every call: the tests assert that none violated a
contract and that nothing was created twice.
"""

from __future__ import annotations

import copy
import functools
import json
import os
import re
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import jsonschema
import pytest
import requests
import yaml
from joserfc import jwt
from joserfc.jwk import OctKey
from scaled import free_port, wait_until

from wasstraat import ROOT
from wasstraat.extensions import db
from wasstraat.models import ArchiveClass, ZaakSettings
from wasstraat.workflow import Role, Step, ZaakDocument

CONTRACTS = Path(__file__).parent / "contracts" / "openzaak"
GPP_CONTRACT = Path(__file__).parent / "contracts" / "gpp" / "publicatiebank.yaml"
PRISM = Path(os.environ.get("WASSTRAAT_PRISM")
             or ROOT / ".venv" / "prism" / "node_modules" / ".bin" / "prism")
COMPONENTS = ("zaken", "documenten", "catalogi", "besluiten")
# The GPP-publicatiebank (Woo publications) behind the same front: its paths carry their
# version ("/api/v2/publicaties"), Open Zaak's do not.
PUBLICATIEBANK = "publicatiebank"
SERVED = (*COMPONENTS, PUBLICATIEBANK)
_VERSIONS = {PUBLICATIEBANK: "v2"}
_PRISM_PREFIX = {PUBLICATIEBANK: "/api/v2"}
# Open Zaak's documents name the Catalogi API they expand by its address on GitHub, which this
# machine cannot reach: Prism gets them pointing at the Catalogi document beside them.
_REMOTE_CATALOGI = "https://raw.githubusercontent.com/vng-Realisatie/catalogi-api/1.2.0/src/openapi.yaml"
PART_SIZE = 64 * 1024  # how the front cuts a large document (Open Zaak's is configurable)


@dataclass
class Recorded:
    method: str
    path: str
    status: int
    violations: list
    body: dict | None
    claims: dict


@dataclass
class Fault:
    method: str
    path_end: str
    status: int
    times: int = 1
    after: int = 0  # matching calls let through first


@dataclass
class OpenZaak:
    port: int
    secret: str
    calls: list[Recorded] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    patches: dict[tuple[str, str], dict] = field(default_factory=dict)

    def root(self, component: str) -> str:
        return f"http://127.0.0.1:{self.port}/{component}/api/{_VERSIONS.get(component, 'v1')}"

    def fail(self, method: str, path_end: str, status: int, times: int = 1,
             after: int = 0) -> None:
        """Answer ``times`` calls whose path ends so with ``status``, unsent, once ``after``
        such calls went through."""
        self.faults.append(Fault(method, path_end, status, times, after))

    def patch(self, method: str, path_start: str, values: dict) -> None:
        """Put ``values`` into the answers to calls whose path starts so (what a real
        Open Zaak knows and a mock cannot: the zaaktype's own types, the derived dates)."""
        self.patches[(method, path_start)] = values

    def created(self, path_end: str) -> list[Recorded]:
        return [c for c in self.calls if c.method == "POST" and c.path.endswith(path_end)
                and c.status < 300]

    def violations(self) -> list[Recorded]:
        return [c for c in self.calls if c.violations]

    def reset(self) -> None:
        self.calls.clear()
        self.faults.clear()
        self.patches.clear()


def _contract_file(component: str) -> Path:
    return GPP_CONTRACT if component == PUBLICATIEBANK else CONTRACTS / f"{component}.yaml"


def _prepared(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for component in SERVED:
        text = _contract_file(component).read_text(encoding="utf-8")
        (folder / f"{component}.yaml").write_text(text.replace(_REMOTE_CATALOGI, "catalogi.yaml"),
                                                  encoding="utf-8")
    return folder


def _start_prism(folder: Path, component: str, port: int, log: Path) -> subprocess.Popen:
    with log.open("wb") as output:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [str(PRISM), "mock", "-h", "127.0.0.1", "-p", str(port),
             str(folder / f"{component}.yaml")],
            stdout=output, stderr=subprocess.STDOUT, cwd=folder)


def _prism_up(port: int) -> bool:
    try:
        requests.get(f"http://127.0.0.1:{port}/", timeout=1)
        return True
    except requests.RequestException:
        return False


def _handler(zaak: OpenZaak, prisms: dict[str, int]):
    class Front(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # quiet
            pass

        def do_GET(self) -> None:
            self._route()

        def do_POST(self) -> None:
            self._route()

        def do_PUT(self) -> None:
            self._route()

        def do_PATCH(self) -> None:
            self._route()

        def _route(self) -> None:
            path, _, query = self.path.partition("?")
            component, rest = _split(path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = _json(raw, self.headers.get("Content-Type", ""))
            claims = _claims(self.headers.get("Authorization", ""), zaak.secret)
            fault = _fault(zaak, self.command, rest)
            if fault is not None:
                zaak.calls.append(Recorded(self.command, path, fault, [], body, claims))
                return self._answer(fault, {"title": "storing", "status": fault})
            response = requests.request(
                self.command, f"http://127.0.0.1:{prisms[component]}"
                f"{_PRISM_PREFIX.get(component, '')}{rest}"
                + (f"?{query}" if query else ""), data=raw, timeout=30,
                headers={k: v for k, v in self.headers.items()
                         if k.lower() not in ("host", "content-length")})
            # The requests are checked; what Prism makes up as an answer is its own affair
            # (its examples break a format of the contract here and there).
            found = _read_only_kept(_prism_violations(response), component)
            violations = _contradiction(
                _discriminated(found, component, self.command, rest, body), component,
                self.command, rest, self.headers.get("Content-Type", ""))
            status, answer = response.status_code, (response.json() if response.content
                                                     else None)
            if found and not violations:  # refused by Prism alone (see the two above): the
                status = 201 if self.command == "POST" else 200  # resource, as a server
                answer = {**(body or {}), "url": f"{zaak.root(component)}{rest}"}  # echoes it
            if violations:  # as Prism's --errors would: the request is refused
                status, answer = 400, {"title": "contract", "invalidParams": violations}
            elif answer is not None and status < 300:
                answer = _as_a_server(zaak, self.command, component, rest, body, answer, query)
            zaak.calls.append(Recorded(self.command, path, status, violations, body, claims))
            self._answer(status, answer)

        def _answer(self, status: int, answer) -> None:
            content = json.dumps(answer).encode() if answer is not None else b""
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

    return Front


def _prism_violations(response: requests.Response) -> list:
    """What Prism found wrong with the request: in its header, or (where the contract has
    no answer for a bad request) as its own 422 problem."""
    found = json.loads(response.headers.get("sl-violations", "[]"))
    if response.status_code == 422 and not found:
        problem = response.json() if response.content else {}
        if "stoplight.io/prism/errors" in str(problem.get("type")):
            found = [{**v, "location": ["request", *v.get("location", [])]}
                     for v in problem.get("validation", [])]
    return [v for v in found if v.get("location", [""])[0] == "request"]


def _read_only_kept(violations: list, component: str) -> list:
    """OpenAPI 3.0: a required property that is readOnly is required in answers only.
    Prism holds it against a request where the schema is a part of an ``allOf``; such
    a complaint is dropped (the variant is then checked as ``_discriminated`` does)."""
    names = _read_only_names(component)
    return [v for v in violations if not (
        v.get("code") == "required"
        and (m := re.search(r"property '([^']+)'", v.get("message", "")))
        and m.group(1) in names)]


@functools.cache
def _read_only_names(component: str) -> frozenset[str]:
    names: set[str] = set()

    def walk(node) -> None:
        if isinstance(node, dict):
            names.update(k for k, v in (node.get("properties") or {}).items()
                         if isinstance(v, dict) and v.get("readOnly"))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(_contract(component))
    return frozenset(names)


@functools.cache
def _request_contract(component: str) -> dict:
    """The contract as a request is checked against it: readOnly properties not required."""
    contract = copy.deepcopy(_contract(component))

    def strip(node) -> None:
        if isinstance(node, dict):
            read_only = {k for k, v in (node.get("properties") or {}).items()
                         if isinstance(v, dict) and v.get("readOnly")}
            if read_only and isinstance(node.get("required"), list):
                node["required"] = [r for r in node["required"] if r not in read_only]
            for value in node.values():
                strip(value)
        elif isinstance(node, list):
            for value in node:
                strip(value)

    strip(contract)
    return contract


def _split(path: str) -> tuple[str, str]:
    """"/zaken/api/v1/zaken" is the component "zaken" and its path "/zaken"."""
    component, _, rest = path.lstrip("/").partition("/")
    return component, rest.removeprefix(f"api/{_VERSIONS.get(component, 'v1')}")


@functools.cache
def _contract(component: str) -> dict:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C one where PyYAML has it
    text = _contract_file(component).read_text(encoding="utf-8")
    return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader, C or Python


def _discriminated(violations: list, component: str, method: str, rest: str, body) -> list:
    """Prism checks a ``oneOf`` without its discriminator, and Open Zaak's variants (a rol of a
    medewerker, of a natuurlijk persoon ...) differ only by it: every body matches all of
    them; and it reports what each other variant misses (a publicatiebank's document to be
    fetched needs its address). Such a body is checked here against the one variant its
    discriminator names, instead of Prism's view of the body."""
    if not body or "oneOf" not in [v.get("code") for v in violations]:
        return violations
    contract = _contract(component)
    operation = _operation(contract, _PRISM_PREFIX.get(component, "") + rest, method)
    if operation is None:
        return violations
    reference = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema = _resolve(contract, reference)
    mapping = schema.get("discriminator", {}).get("mapping", {})
    variant = mapping.get(body.get(schema.get("discriminator", {}).get("propertyName")))
    if variant is None:
        return violations
    validator = jsonschema.Draft7Validator(
        {**_request_contract(component), "$ref": variant},
        format_checker=jsonschema.FormatChecker())
    return [v for v in violations if v.get("location", [])[1:2] != ["body"]] + [
        {"code": "variant", "message": error.message} for error in validator.iter_errors(body)]


def _operation(contract: dict, path: str, method: str) -> dict | None:
    for template, operations in contract["paths"].items():
        if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", template), path):
            return operations.get(method.lower())
    return None


def _contradiction(violations: list, component: str, method: str, rest: str,
                   content_type: str) -> list:
    """Open Zaak's Documenten document contradicts itself on a part of a large document
    (PUT /bestandsdelen/{uuid}): its body is multipart/form-data, and a header parameter says
    the Content-Type must be application/json. Open Zaak takes the multipart form (as the
    standard's own tests send it), so that one header violation is not held against a
    multipart request; the body is still checked."""
    if (component, method) != ("documenten", "PUT") or not rest.startswith("/bestandsdelen/") \
            or not content_type.startswith("multipart/form-data"):
        return violations
    return [v for v in violations if v.get("location") != ["request", "header", "content-type"]]


def scopes_for(path: str, method: str) -> set[str]:
    """The scopes the contract names for a call (``/zaken/api/v1/rollen``): any one of them
    will do."""
    component, rest = _split(path)
    for template, operations in _contract(component)["paths"].items():
        if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", template), rest):
            operation = operations[method.lower()]
            named = " ".join(" ".join(s) for r in operation.get("security", [])
                             for s in r.values())
            return set(re.findall(r"[a-z]+\.[a-z.\-]+", named))
    raise LookupError(path)


def _resolve(contract: dict, reference: str) -> dict:
    found = contract
    for key in reference.removeprefix("#/").split("/"):
        found = found[key]
    return found


def _json(raw: bytes, content_type: str) -> dict | None:
    if raw and "json" in content_type:
        return json.loads(raw)
    return None


def _claims(authorization: str, secret: str) -> dict:
    """The JWT's claims, once its HS256 signature checks out with the shared secret (the
    publicatiebank's plain API token is kept as it came)."""
    if authorization.startswith("Token "):
        return {"token": authorization.removeprefix("Token ")}
    token = authorization.removeprefix("Bearer ").strip()
    if not token:
        return {}
    try:
        return dict(jwt.decode(token, OctKey.import_key(secret)).claims)
    except Exception:
        return {"invalid": True}


def _fault(zaak: OpenZaak, method: str, rest: str) -> int | None:
    for fault in zaak.faults:
        if fault.method != method or not rest.endswith(fault.path_end) or fault.times <= 0:
            continue
        if fault.after > 0:
            fault.after -= 1
            return None
        fault.times -= 1
        return fault.status
    return None


def _as_a_server(zaak: OpenZaak, method: str, component: str, rest: str, body, answer,
                 query: str = ""):
    """What a real Open Zaak answers where a mock makes up: the created resource's own URL,
    the parts of a large document, the answers the test patched in."""
    if not isinstance(answer, dict):
        return answer
    if component == PUBLICATIEBANK:
        return _as_the_publicatiebank(zaak, method, rest, body or {}, answer, query)
    here = f"{zaak.root(component)}{rest}"
    if method == "POST" and rest.count("/") == 1:
        new = str(uuid.uuid4())
        answer = {**answer, "url": f"{here}/{new}", "uuid": new}
    elif method == "GET" and rest.count("/") == 2:
        answer = {**answer, "url": here}
    if method == "POST" and rest == "/enkelvoudiginformatieobjecten" and body:
        answer = {**answer, **_parts(zaak, body)}
    for (patched_method, start), values in zaak.patches.items():
        if patched_method == method and f"/{component}/api/v1{rest}".startswith(start):
            answer = {**answer, **values}
    return answer


def _as_the_publicatiebank(zaak: OpenZaak, method: str, rest: str, body: dict, answer: dict,
                           query: str) -> dict:
    """A look-up by identifier finds that record; a publication and a document get an
    identifier of their own; a document its parts; a published publication its address."""
    identifier = parse_qs(query).get("identifier", [None])[0]
    if method == "GET" and identifier:
        record = {"uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, identifier)),
                  "identifier": identifier, "naam": identifier.rsplit("/", 1)[-1]}
        return {"count": 1, "next": None, "previous": None, "results": [record]}
    if method == "POST":
        answer = {**answer, **body, "uuid": str(uuid.uuid4())}
        if rest == "/documenten":
            answer["bestandsdelen"] = _gpp_parts(zaak, answer["uuid"],
                                                 int(body.get("bestandsomvang") or 0))
        return answer
    if method == "PATCH" and body.get("publicatiestatus") == "gepubliceerd":
        return {**answer, **body, "urlPublicatieExtern":
                f"https://open.overheid.nl/publicaties/{rest.rsplit('/', 1)[-1]}"}
    return {**answer, **body}


def _gpp_parts(zaak: OpenZaak, document: str, size: int) -> list[dict]:
    root = f"{zaak.root(PUBLICATIEBANK)}/documenten/{document}/bestandsdelen"
    return [{"uuid": (part := str(uuid.uuid4())), "url": f"{root}/{part}",
             "volgnummer": number, "omvang": min(PART_SIZE, size - start)}
            for number, start in enumerate(range(0, size, PART_SIZE), start=1)]


def _parts(zaak: OpenZaak, body: dict) -> dict:
    if body.get("inhoud") is not None or not body.get("bestandsomvang"):
        return {"bestandsdelen": [], "lock": ""}
    size, parts = body["bestandsomvang"], []
    for number, start in enumerate(range(0, size, PART_SIZE), start=1):
        parts.append({"url": f"{zaak.root('documenten')}/bestandsdelen/{uuid.uuid4()}",
                      "volgnummer": number, "omvang": min(PART_SIZE, size - start),
                      "voltooid": False, "lock": ""})
    return {"bestandsdelen": parts, "lock": uuid.uuid4().hex}


def start(tmp: Path, secret: str) -> tuple[OpenZaak, list[subprocess.Popen], ThreadingHTTPServer]:
    if not PRISM.exists():
        if os.environ.get("CI"):
            pytest.fail("Prism is not installed: run the tests with `make test`")
        pytest.skip("needs Prism (make test installs it)")
    folder = _prepared(tmp / "contracts")
    ports = {component: free_port() for component in SERVED}
    processes = [_start_prism(folder, c, p, tmp / f"prism-{c}.log") for c, p in ports.items()]
    zaak = OpenZaak(free_port(), secret)
    server = ThreadingHTTPServer(("127.0.0.1", zaak.port), _handler(zaak, ports))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    started = time.monotonic()
    wait_until(lambda: all(_prism_up(p) for p in ports.values()), 60, "Prism serves the APIs")
    print(f"Prism up in {time.monotonic() - started:.1f} s")
    return zaak, processes, server


def stop(processes: list[subprocess.Popen], server: ThreadingHTTPServer) -> None:
    server.shutdown()
    server.server_close()
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=10)


# --- The fixtures ------------------------------------------------------------------------------

SECRET = "het-gedeelde-geheim-van-wasstraat-en-open-zaak"
RSIN = "002220647"  # passes the eleven test


@pytest.fixture(scope="session")
def open_zaak(tmp_path_factory):
    zaak, processes, server = start(tmp_path_factory.mktemp("openzaak"), SECRET)
    yield zaak
    stop(processes, server)


@pytest.fixture
def catalogue(open_zaak) -> dict:
    """The zaaktype and its types, as URLs in the Catalogi API."""
    open_zaak.reset()
    root = open_zaak.root("catalogi")

    def url(kind: str) -> str:
        return f"{root}/{kind}/{uuid.uuid4()}"

    return {"zaaktype": url("zaaktypen"), "besluittype": url("besluittypen"),
            "roltypen": {r.value: url("roltypen") for r in (Role.PROCESS_OWNER,
                                                            Role.PROJECT_LEADER)},
            "statustypen": {str(int(s)): url("statustypen") for s in Step},
            "informatieobjecttypen": {d.value: url("informatieobjecttypen")
                                      for d in ZaakDocument},
            "resultaattype": url("resultaattypen")}


@pytest.fixture
def connected(app, open_zaak, catalogue) -> ZaakSettings:
    """An administrator switched the connection on."""
    settings = ZaakSettings(
        active=True, client_id="wasstraat", rsin=RSIN, zaaktype=catalogue["zaaktype"],
        besluittype=catalogue["besluittype"], roltypen=catalogue["roltypen"],
        statustypen=catalogue["statustypen"],
        informatieobjecttypen=catalogue["informatieobjecttypen"],
        **{f"{c}_root": open_zaak.root(c) for c in COMPONENTS})
    db.session.add(settings)
    default = db.session.scalar(db.select(ArchiveClass).filter_by(is_default=True))
    default.zaak_resultaattype = catalogue["resultaattype"]
    db.session.commit()
    return settings
