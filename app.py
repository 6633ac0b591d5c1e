"""Entry point: `flask --app app run`, `gunicorn app:app`."""

from wasstraat import create_app

app = create_app()
