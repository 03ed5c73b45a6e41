"""Supervision API: cases. ROUTES are (prefix, viewset, basename), registered by api_urls.py."""

ROUTES: list = []
