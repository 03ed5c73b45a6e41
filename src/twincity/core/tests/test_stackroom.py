"""Room on the frame stack for each request (core/stackroom.py, a workaround for CPython gh-142183).

Counted in page faults (the cost of the chunks CPython maps and unmaps), never in time."""

import resource

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.test import RequestFactory

from twincity.core.stackroom import with_stack_room

CALLS = 400


def _locals_function(name: str, count: int, body: str):
    """A function whose frame holds ``count`` local variables (never set: a branch that never runs)."""
    names = " = ".join(f"_{n}" for n in range(count))
    namespace: dict = {}
    exec(f"def {name}(arg, *rest):\n    if arg is None:\n        {names} = None\n{body}", namespace)
    return namespace[name]


# A call of ``leaf`` pushes ~4 KiB of frame; ``step`` ~0.9 KiB, to place the loop at every depth of a chunk.
leaf = _locals_function("leaf", 500, "    return arg\n")
step = _locals_function("step", 100, "    return rest[0](arg - 1, *rest) if arg else rest[1](*rest[2:])\n")


def _loop(_environ, _start_response):
    for n in range(CALLS):
        leaf(n)
    return [b""]


def _faults(application, depth: int) -> int:
    """Fewest page faults of three requests to ``application`` made ``depth`` calls of ``step`` down the stack."""
    seen = []
    for _ in range(3):
        before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        step(depth, step, application, {}, None)
        seen.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
    return min(seen)


def test_a_request_maps_no_stack_chunk_per_call_at_any_depth():
    roomy = with_stack_room(_loop)
    depths = range(0, 24)
    bare = [_faults(_loop, d) for d in depths]
    roomy_faults = [_faults(roomy, d) for d in depths]
    # With room, a request maps one chunk (a few dozen pages at most), wherever the server calls it from …
    assert max(roomy_faults) < CALLS // 4, roomy_faults
    # … where without it, on the interpreters that free a chunk as soon as it empties (the one this project runs
    # on), some depth puts the loop on a chunk's edge and each call maps a chunk again (4 pages a call).
    if max(bare) >= CALLS:
        assert max(roomy_faults) * 10 < max(bare)


@pytest.mark.django_db
def test_the_served_application_is_the_handler_with_room(monkeypatch):
    monkeypatch.setenv("TWINCITY_WARM_DOCUMENTS", "0")
    from twincity import wsgi  # noqa: PLC0415 (imported here: it builds the application)

    assert isinstance(wsgi.application.__wrapped__, WSGIHandler)
    environ = RequestFactory().get("/accounts/login/").environ
    answers = []

    def start_response(status, headers, exc_info=None):
        answers.append(status)

    body = b"".join(wsgi.application(environ, start_response))
    assert answers == ["200 OK"]
    assert b"<form" in body
