"""Supervision pages: todos (see docs/supervision.md)."""

urlpatterns: list = []
