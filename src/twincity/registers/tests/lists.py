"""A check every register's list makes: its query count does not grow with its rows (no N+1)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext


def assert_list_queries_constant(client, url: str, make_more, *, more: int = 20) -> int:
    """Load ``url`` (warm), count its queries, add ``more`` entries with ``make_more(i)``, and check the count
    stays the same. Returns the count."""
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(more):
        make_more(i)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries][len(few) :]
    return len(few)
