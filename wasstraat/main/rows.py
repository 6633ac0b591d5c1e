"""The portfolio's rows, each made once per state of its project and kept (fragments.py).

A row shows only its project (its steps, tasks, actions, KPI results, cycles and planning) and
is the same for everyone who may see that project; who sees which rows is the portfolio's
query. Its key: the project's revision counter and the organisation's (a linked cycle's name,
the role names), the language, the day (days in the step, stalled, the planning's health) and
the stalled-after setting.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import get_template_attribute
from flask_babel import get_locale
from markupsafe import Markup

from .. import fragments, revisions
from . import queries


def portfolio_rows(page: queries.PortfolioPage, today: date, cutoff: datetime,
                   stalled_after: int) -> dict[int, Markup]:
    """Each project of the page's row as HTML: one query for the counters, and the signals'
    queries only for the rows not kept."""
    organisation, numbers = revisions.current(page.project_ids)
    locale = str(get_locale())
    keys = {project_id: ("portfolio-row", project_id, number, organisation, locale, today,
                         stalled_after) for project_id, number in numbers.items()}

    def build(missing: list[int]) -> dict[int, str]:
        projects = queries.projects_for_rows(missing)
        signals = queries.portfolio_signals(projects, page.positions, today, cutoff)
        row = get_template_attribute("main/_portfolio_row.html", "row")
        return {p.id: str(row(p, signals[p.id], stalled_after)) for p in projects}

    # Our own template's output, escaped as it was made.
    return {i: Markup(html)  # noqa: S704  # nosec B704
            for i, html in fragments.cached_many(keys, build).items()}
