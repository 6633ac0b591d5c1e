"""Where a person goes after the work: back to the page they came from, never off-site.

A task link carries ``next`` (the page the task was opened from); the forms on the work page
pass it on, and after the work the view sends the person back there with a confirmation.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from flask import (
    Response,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.routing import IntegerConverter

from .http import wants_partial

# The database's integer columns hold at most this; an id beyond it names nothing.
LARGEST_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:...>`` in every route: an id past what the database holds is simply not found
    (404), not an error from the database."""

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(map, *args, **kwargs)


def page_arg(name: str = "page") -> int:
    """The page of a long list asked for in the query string: missing is the first; 0, a
    negative number or no number at all is a bad request (400)."""
    number = int_arg(name, 1)
    if number < 1:
        abort(400)
    return number


def int_arg(name: str, default: int | None = None) -> int | None:
    """A whole number from the query string: missing gives the default, anything that is not
    a number the database can hold is a bad request (400)."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        abort(400)
    if not -LARGEST_ID <= value <= LARGEST_ID:
        abort(400)
    return value


def local_path(target: str | None) -> str | None:
    """The target when it is a path inside this app; None for other hosts, schemes or //."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def safe_next(target: str | None, default: str | None = None) -> str:
    return local_path(target) or default or url_for("main.dashboard")


def came_from() -> str | None:
    """The page this request's work was opened from, when it said so."""
    return local_path(request.values.get("next"))


def with_next(url: str, back: str | None) -> str:
    """``url`` with ``next`` set to ``back`` (before any #fragment)."""
    if not back:
        return url
    base, hash_, fragment = url.partition("#")
    joiner = "&" if "?" in base else "?"
    return base + joiner + urlencode({"next": back}) + hash_ + fragment


def back_to(default: str, message: str | None = None) -> Response:
    """Redirect to where the work was opened from (or ``default``), with a confirmation; an
    htmx request is told to load that page (HX-Redirect) instead of swapping a fragment."""
    if message:
        flash(message, "success")
    target = came_from() or default
    if wants_partial():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target, 303)


def confirm_deletion(project: object, name: str, cancel_url: str, consequence: str = "", *,
                     question: str = "", confirm: str = "", refusal: str = "",
                     heading: str = "") -> str:
    """The page that asks before something is deleted (GET on a delete URL): its form posts
    to the same URL. With JavaScript a dialog asks instead (static/js/app.js). When the method
    forbids the deletion (``refusal``), the page says why and offers no button."""
    return render_template("confirm_delete.html", project=project, name=name,
                           cancel_url=came_from() or cancel_url, consequence=consequence,
                           question=question, confirm=confirm, refusal=refusal,
                           heading=heading)
