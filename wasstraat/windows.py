"""The one guard of the method's edit windows (``workflow.EDIT_WINDOWS``).

Services call :func:`require_open` before they change a step's work; ``ProjectAccess.can``
asks :func:`is_open`, so pages show a form exactly when the service would accept it.
"""

from __future__ import annotations

from flask_babel import gettext as _

from .errors import WorkflowError
from .models import Project
from .workflow import EDIT_WINDOWS, Action, Step, window_open


def is_open(project: Project, action: Action, step: Step | None = None) -> bool:
    return window_open(action, project.step_status, step)


def refusal(action: Action) -> str:
    return _(EDIT_WINDOWS[action].refusal)


def require_open(project: Project, action: Action, step: Step | None = None) -> None:
    """Refuse with the window's reason when ``action`` may not change data now."""
    if not is_open(project, action, step):
        raise WorkflowError(refusal(action))
