"""Supervision pages: cases (see docs/supervision.md)."""

urlpatterns: list = []
