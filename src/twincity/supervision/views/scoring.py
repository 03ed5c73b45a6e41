"""Supervision pages: scoring (see docs/supervision.md)."""

urlpatterns: list = []
