"""The API's resources, one blueprint per feature area, like the screens."""

from .audit_trail import bp as audit_bp
from .comments import bp as comments_bp
from .implementation import bp as implementation_bp
from .improvements import bp as improvements_bp
from .plans import bp as plans_bp
from .projects import bp as projects_bp
from .results import bp as results_bp
from .tasks import bp as tasks_bp

BLUEPRINTS = (projects_bp, tasks_bp, improvements_bp, plans_bp, implementation_bp, audit_bp,
              results_bp, comments_bp)
