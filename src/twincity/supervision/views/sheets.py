"""Supervision pages: sheets (see docs/supervision.md)."""

urlpatterns: list = []
