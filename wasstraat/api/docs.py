"""A readable page of the OpenAPI document, rendered on the server from the same document
(no script from elsewhere; the page meets the screens' accessibility rules)."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from .meta import PREFIX

bp = Blueprint("api_docs", __name__)
METHODS = ("get", "post", "put", "patch", "delete")


def _resolve(spec: dict, node: dict) -> dict:
    while isinstance(node, dict) and "$ref" in node:
        _hash, _components, kind, name = node["$ref"].split("/")
        node = spec["components"][kind][name]
    return node


def _properties(spec: dict, schema: dict | None) -> list[dict]:
    schema = _resolve(spec, schema or {})
    if schema.get("type") == "array":
        schema = _resolve(spec, schema.get("items", {}))
    required = set(schema.get("required", []))
    rows = []
    for name, prop in schema.get("properties", {}).items():
        prop = _resolve(spec, prop)
        kind = prop.get("format") or prop.get("type") or "object"
        if prop.get("type") == "array":
            items = prop.get("items", {})
            kind = "lijst van " + (items["$ref"].rsplit("/", 1)[-1] if "$ref" in items
                                   else items.get("type", "object"))
        rows.append({"name": name, "type": kind, "required": name in required,
                     "enum": prop.get("enum", []), "description": prop.get("description", "")})
    return rows


def operations(spec: dict) -> list[dict]:
    """The operations per tag, in the document's order, with what a reader needs."""
    tags = {tag["name"]: {"tag": tag, "operations": []} for tag in spec.get("tags", [])}
    for path, item in spec["paths"].items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            body = (operation.get("requestBody", {}).get("content", {})
                    .get("application/json", {}).get("schema"))
            success = next((code for code in operation["responses"] if code.startswith("2")),
                           None)
            result = (_resolve(spec, operation["responses"][success]).get("content", {})
                      .get("application/json", {}).get("schema") if success else None)
            entry = {"method": method.upper(), "path": PREFIX + path,
                     "summary": operation.get("summary", ""),
                     "description": operation.get("description", ""),
                     "parameters": [_resolve(spec, p) for p in operation.get("parameters", [])
                                    + item.get("parameters", [])],
                     "body": _properties(spec, body) if body else [],
                     "success": success, "result": _properties(spec, result),
                     "errors": sorted(c for c in operation["responses"] if c[0] in "45")}
            for tag in operation.get("tags", ["api"]):
                tags.setdefault(tag, {"tag": {"name": tag}, "operations": []})
                tags[tag]["operations"].append(entry)
    return list(tags.values())


@bp.route("/api/documentatie")
def page():
    spec = current_app.extensions["wasstraat_api"].spec.to_dict()
    return render_template("api/docs.html", spec=spec, groups=operations(spec), prefix=PREFIX)
