"""Who is acting, and in which request: set by middleware for web requests and by ``acting()`` elsewhere."""

import contextlib
import contextvars
import uuid

_user = contextvars.ContextVar("twincity_user", default=None)
_request_id = contextvars.ContextVar("twincity_request_id", default=None)


def current_user():
    user = _user.get()
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def current_request_id():
    return _request_id.get()


@contextlib.contextmanager
def acting(user, request_id=None):
    """Attribute every change made inside the block to ``user`` (commands, tasks, tests)."""
    user_token = _user.set(user)
    rid_token = _request_id.set(request_id or _request_id.get() or uuid.uuid4())
    try:
        yield
    finally:
        _user.reset(user_token)
        _request_id.reset(rid_token)


def set_user(user) -> None:
    """For API views: DRF authenticates inside the view, after the middleware ran."""
    _user.set(user)
