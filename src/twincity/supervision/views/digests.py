"""Supervision pages: digests (see docs/supervision.md)."""

urlpatterns: list = []
