"""Supervision API: scores. ROUTES are (prefix, viewset, basename), registered by api_urls.py."""

ROUTES: list = []
