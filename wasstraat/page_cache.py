"""Whole pages kept per person while nothing they show has changed (fragments.py keeps them).

A page read again by the same person, with the same address, on the same day and in the same
language, is the same page as long as the data it shows is unchanged: the revision counters of
its project (or of every project the person may see) and of the organisation say so
(revisions.py). The key holds the person and what decides their rights (administrator,
specialisms, functions such as the archivist's), so a page is never served to someone else,
and a lost right (a membership, a role) raises the project's counter, so the page is made
anew and refused.

What differs per request is punched out before the page is kept and filled in when it is
served: the session's CSRF token and the count of unread notifications (notifications change
no counter). A request with messages to flash, an htmx request, and a page made after the
request wrote are not served from or kept in the cache.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable
from functools import wraps

from flask import current_app, g, make_response, render_template, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy import String, cast, literal, or_, select

from . import clock, fragments, revisions
from .extensions import db
from .models import DataRevision, Membership

_CSRF_HOLE = "\x00csrf\x00"
_UNREAD_HOLE = Markup("<!--unread-badge-->")
_KEPT_HEADERS = ("Content-Type", "Content-Security-Policy")


def project_scope(project_id: int, **_: object) -> Hashable:
    """A page of one project: its revision counter (and the organisation's)."""
    return fragments.project_state(project_id)


def visible_scope(**_: object) -> Hashable:
    """A page of every project the person may see (all for an administrator): a digest of
    their revision counters and the organisation's (one query)."""
    if current_user.is_admin:
        projects = DataRevision.scope.like(f"{revisions.PROJECT_PREFIX}%")
    else:
        projects = DataRevision.scope.in_(
            select(literal(revisions.PROJECT_PREFIX) + cast(Membership.project_id, String))
            .where(Membership.user_id == current_user.id))
    pairs = sorted(db.session.execute(select(DataRevision.scope, DataRevision.number).where(
        or_(DataRevision.scope == revisions.ORGANISATION, projects))).all())
    return hashlib.sha256(repr(pairs).encode()).hexdigest()


def _wanted() -> bool:
    return (request.method == "GET" and current_user.is_authenticated
            and "HX-Request" not in request.headers and not session.get("_flashes"))


def _key(scope: Hashable) -> tuple:
    user = current_user
    return ("page", request.full_path, user.id, user.is_admin, tuple(user.specialisms or ()),
            tuple(user.functions or ()), str(get_locale()), clock.today(), scope)


def unread_badge() -> Markup:
    """The header's unread count; a hole while a page is made to be kept."""
    if g.get("punching"):
        return _UNREAD_HOLE
    return _badge()


def _badge() -> Markup:
    unread = current_app.jinja_env.globals["unread_notifications"]()
    return Markup(render_template(  # noqa: S704  # nosec B704 (our own template's output)
        "notifications/_badge.html", unread=unread, oob=False))


def _served(kept: tuple[str, dict[str, str]]):
    body, headers = kept
    filled = body.replace(_CSRF_HOLE, generate_csrf()).replace(_UNREAD_HOLE, str(_badge()))
    response = make_response(filled)
    response.headers.update(headers)
    return response


def cached_page(scope: Callable[..., Hashable]):
    """Serve this GET view from the person's kept page while ``scope(**view_args)`` (the
    revision counters of what it shows) is unchanged."""
    def decorate(view):
        @wraps(view)
        def wrapper(**view_args):
            if not _wanted():
                return view(**view_args)
            key = _key(scope(**view_args))
            store = fragments.store()
            kept = store.get(key)
            if kept is not None:
                return _served(kept)
            g.punching = True
            try:
                response = make_response(view(**view_args))
            finally:
                g.punching = False
            body = response.get_data(as_text=True)
            if (response.status_code == 200 and response.mimetype == "text/html"
                    and revisions.may_store() and not session.get("_flashes")):
                kept = (body.replace(generate_csrf(), _CSRF_HOLE),
                        {name: response.headers[name] for name in _KEPT_HEADERS
                         if name in response.headers})
                store.put(key, kept)
            response.set_data(body.replace(_UNREAD_HOLE, str(_badge())))
            return response
        return wrapper
    return decorate
