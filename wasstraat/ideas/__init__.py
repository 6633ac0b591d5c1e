"""The idea box: ideas from any employee, followed by colleagues and triaged by the
improvement coordinators (services.py); the box and its figures read in fixed queries
(queries.py); its pages (views.py)."""
