"""What the API's views share: pages of a query with their links, ETags and If-Match, the
caller, and request bodies checked by the screens' own forms."""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil
from typing import Any

from flask import g, request, url_for
from flask_babel import gettext as _
from flask_smorest import abort
from sqlalchemy import Select, func, select
from werkzeug.datastructures import MultiDict

from ..errors import ConflictError
from ..extensions import db
from ..models import User
from .schemas import camel


def caller() -> User:
    return g.api_caller.user


@dataclass
class Page:
    items: list[Any]
    page: int
    page_size: int
    total_items: int

    @property
    def total_pages(self) -> int:
        return max(1, ceil(self.total_items / self.page_size))

    def link(self, number: int) -> dict[str, str]:
        args = {k: v for k, v in request.args.items() if k not in ("page", "pageSize")}
        return {"href": url_for(request.endpoint, **(request.view_args or {}), **args,
                                page=number, pageSize=self.page_size)}

    @property
    def links(self) -> dict[str, dict[str, str]]:
        links = {"self": self.link(self.page), "first": self.link(1),
                 "last": self.link(self.total_pages)}
        if self.page > 1:
            links["prev"] = self.link(min(self.page - 1, self.total_pages))
        if self.page < self.total_pages:
            links["next"] = self.link(self.page + 1)
        return links

    def headers(self) -> dict[str, str]:
        """The same links as an RFC 8288 Link header."""
        return {"Link": ", ".join(f'<{link["href"]}>; rel="{rel}"'
                                  for rel, link in self.links.items())}


def paginate(query: Select, args: dict[str, Any]) -> Page:
    """One page of ``query`` (ordered by the caller): two queries, whatever the total."""
    page, size = args["page"], args["page_size"]
    total = db.session.scalar(select(func.count()).select_from(
        query.order_by(None).options().subquery()))
    items = list(db.session.scalars(query.limit(size).offset((page - 1) * size)).unique())
    return Page(items, page, size, total or 0)


def paged(page: Page) -> tuple[Page, int, dict[str, str]]:
    return page, 200, page.headers()


def etag(version: int) -> str:
    return f'"{version}"'


def with_etag(obj: Any, status: int = 200) -> tuple[Any, int, dict[str, str]]:
    return obj, status, {"ETag": etag(obj.version)}


def if_match(obj: Any) -> int:
    """The version the caller's change is based on, from If-Match: 428 without one, 412
    when it is not the current version (nothing is changed then)."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        abort(428, detail=_("Stuur de ETag van de versie die u wijzigt mee als "
                                 "If-Match-header."))
    wanted = {tag.strip().removeprefix("W/").strip('"') for tag in header.split(",")}
    if str(obj.version) not in wanted:
        raise ConflictError()
    return obj.version


def check_with_form(form_class: type, values: dict[str, Any], names: dict[str, str] | None = None,
                    setup: Any = None) -> Any:
    """Validate a request with the screens' own form, so the API applies the very same rules
    (lengths, allowed characters, choices); its errors come back as invalid-params."""
    data = MultiDict({k: "" if v is None else str(v) for k, v in values.items()})
    form = form_class(formdata=data, meta={"csrf": False})
    if setup is not None:
        setup(form)
    if not form.validate():
        names = names or {}
        abort(400, messages={names.get(field, camel(field)): [str(m) for m in errors]
                             for field, errors in form.errors.items()})
    return form
