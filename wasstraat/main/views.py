"""Dashboard and "Mijn taken": what the signed-in user should look at first."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user, login_required

from .. import clock
from ..http import wants_partial
from ..navigation import page_arg
from ..page_cache import cached_page, visible_scope
from ..paging import window
from ..workflow import stalled_before
from . import queries
from .forms import PortfolioFilterForm
from .rows import portfolio_rows

bp = Blueprint("main", __name__)


MY_PROJECTS_SHOWN = 10


def _portfolio(user) -> tuple[dict, int]:
    """The portfolio's page as filtered by the query string (400 for a filter that is not
    valid, which then shows everything)."""
    form = PortfolioFilterForm(request.args)
    form.set_choices(queries.process_owners(user))
    valid = not request.args or form.validate()
    asked = form.query() if valid else queries.PortfolioQuery()
    stalled_after = current_app.config["STALLED_AFTER_DAYS"]
    today = clock.today()
    cutoff = stalled_before(today, stalled_after)
    page = queries.portfolio_page(user, asked, cutoff)
    return {"page": page, "form": form, "asked": asked,
            "rows": portfolio_rows(page, today, cutoff, stalled_after)}, 200 if valid else 400


@bp.route("/")
@login_required
@cached_page(visible_scope)
def dashboard():
    """The person's own work first (tasks, projects), then the portfolio one page at a time.
    The portfolio's filter form (GET) reloads only the portfolio under htmx."""
    user = current_user._get_current_object()
    portfolio, status = _portfolio(user)
    if wants_partial() and request.headers.get("HX-Target") == "portfolio":
        return render_template("main/_portfolio.html", **portfolio), status
    open_tasks, open_task_count = queries.my_open_tasks(user, limit=10)
    return render_template(
        "main/dashboard.html",
        # One more than shown tells whether to link to all of them.
        my_projects=queries.my_projects(user, limit=MY_PROJECTS_SHOWN + 1),
        my_projects_shown=MY_PROJECTS_SHOWN,
        open_tasks=open_tasks, open_task_count=open_task_count,
        **portfolio,
    ), status


TASKS_PER_PAGE = 25


@bp.route("/tasks")
@login_required
@cached_page(visible_scope)
def my_tasks():
    """Open tasks a page of 25 at a time (soonest deadline first), then the latest done."""
    user = current_user._get_current_object()
    number = page_arg()
    open_tasks, total = queries.my_open_tasks(user, TASKS_PER_PAGE,
                                              (number - 1) * TASKS_PER_PAGE)
    shown = window(total, number, TASKS_PER_PAGE)
    if not open_tasks and number > shown.page:  # past the end (tasks were done meanwhile)
        open_tasks, total = queries.my_open_tasks(user, TASKS_PER_PAGE, shown.offset)
        shown = window(total, number, TASKS_PER_PAGE)
    return render_template(
        "main/tasks.html", open_tasks=open_tasks, shown=shown,
        done_tasks=queries.my_tasks(user, open_only=False, limit=25),
    )
