"""Supervision API: todos. ROUTES are (prefix, viewset, basename), registered by api_urls.py."""

ROUTES: list = []
