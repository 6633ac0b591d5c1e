"""Where the API lives and which version it is: read by its specification, its guard and its
documentation page."""

from __future__ import annotations

from ..http import API_PREFIX

PREFIX = API_PREFIX  # the http leaf tells API requests by it
VERSION = "1.0.0"  # the full version, returned in the API-Version header
