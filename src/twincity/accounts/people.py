"""How a person is named to people: by their name, never by the name they sign in with (unless it is all there is).

One helper for every page and every generated text that names someone (trails, histories, "published by …");
templates use the ``person`` filter (``{% load people %}``)."""

from __future__ import annotations


def display_name(user) -> str:
    """The person's full name, else their login name; "" for nobody."""
    if user is None:
        return ""
    full_name = getattr(user, "get_full_name", None)
    if callable(full_name):
        return full_name().strip() or user.get_username()
    return str(user)


def actor_name(record) -> str:
    """Who did what a trail record (a change, an event) records: the person, else the name the record kept
    (a person since removed, or the system). The caller selects ``user`` with the records."""
    user = record.user if getattr(record, "user_id", None) else None
    return display_name(user) if user is not None else getattr(record, "user_name", "") or ""
