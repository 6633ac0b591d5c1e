"""Dashboard and "Mijn taken": what the signed-in user should look at first."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, jsonify, render_template
from flask_login import current_user, login_required

from . import queries

bp = Blueprint("main", __name__)


@bp.route("/")
@login_required
def dashboard():
    user = current_user._get_current_object()
    portfolio = queries.portfolio(user)
    stalled_after = current_app.config["STALLED_AFTER_DAYS"]
    return render_template(
        "main/dashboard.html",
        my_projects=queries.my_projects(user),
        open_tasks=queries.my_tasks(user, open_only=True, limit=10),
        open_task_count=queries.open_task_count(user),
        portfolio=portfolio, stalled_after=stalled_after,
        signals=queries.portfolio_signals(portfolio, date.today(), stalled_after),
    )


@bp.route("/tasks")
@login_required
def my_tasks():
    user = current_user._get_current_object()
    return render_template(
        "main/tasks.html",
        open_tasks=queries.my_tasks(user, open_only=True),
        done_tasks=queries.my_tasks(user, open_only=False, limit=25),
    )


@bp.route("/health")
def health():
    return jsonify(status="ok")
