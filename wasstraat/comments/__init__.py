"""Comments: a thread per improvement, session finding, action and step, with @mentions that
notify (services.py); the threads' pages (views.py)."""
