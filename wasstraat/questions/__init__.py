"""The questions a project keeps per P of its service formula and per review domain: the
rules (services.py), the form with a text box per subject (forms.py) and its page
(views.py)."""
