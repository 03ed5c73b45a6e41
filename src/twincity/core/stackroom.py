"""Room on CPython's frame stack for a whole request: a workaround for CPython issue gh-142183.

CPython keeps the frames of Python calls on a stack of its own per thread, made of chunks (16 KiB and up), and
until the fix of gh-142183 (one spare chunk kept; in the 3.13 and 3.14 bug-fix releases of March 2026 and later,
not in the 3.13.0 this project runs on) it gave a chunk back to the system (``munmap``) as soon as the last frame
in it returned. A loop whose calls cross a chunk's edge then maps a fresh chunk, faults its pages in and unmaps it
on every call. Where the edges fall depends on how deep the server calls the application, so the same page is
fast in one setting and slow in another: measured at 50,000 matters (docs/benchmarks.md), the matter list took
57 ms through the WSGI handler against 32 ms through Django's test client, with 2,900 page faults a request
against 20, from 3,300 ``mmap``/``munmap`` pairs of 16 KiB a request; the audit log, the meeting list and search
the same.

``with_stack_room(app)`` calls the application from a frame so large that CPython gives it a chunk of its own
(128 KiB, the frame taking the first ~58 KiB): every frame the request pushes then lives in the rest of that
chunk (~70 KiB, many hundreds of frames deep), where no edge is crossed. One chunk is mapped a request (~20 page
faults, a tenth of a millisecond) instead of thousands.
"""

from __future__ import annotations

from collections.abc import Callable

# Local variables of the calling frame: 8 bytes each. CPython sizes a new chunk as the smallest power of two from
# 16 KiB that holds the frame plus 1,000 words; 7,200 locals make that 128 KiB with ~70 KiB left for the request.
ROOM_LOCALS = 7200


def _roomy_call() -> Callable:
    """A function ``call(app, *args)`` whose frame has ``ROOM_LOCALS`` local variables it never sets (they are
    assigned in a branch that never runs, so calling it costs no more than any call)."""
    names = " = ".join(f"_{n}" for n in range(ROOM_LOCALS))
    source = f"def call(app, *args):\n    if app is None:\n        {names} = None\n    return app(*args)\n"
    namespace: dict = {}
    exec(compile(source, "<twincity.core.stackroom>", "exec"), namespace)
    return namespace["call"]


_call = _roomy_call()


def with_stack_room(application: Callable) -> Callable:
    """The WSGI ``application``, called from a frame with room for the whole request on the frame stack."""

    def roomy_application(environ, start_response):
        return _call(application, environ, start_response)

    roomy_application.__wrapped__ = application
    return roomy_application
