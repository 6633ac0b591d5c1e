"""Templates per process type: saved from a project, versioned, started from, and carried
between organisations as JSON (services.py); what a template requires before a step closes
(requirements.py); the pages (views.py)."""
