"""``{{ session|status_badge }}``: a session's status badge, the same markup as the tables' (``meetings.tables``)."""

from django import template

from twincity.meetings.tables import status_badge as _status_badge

register = template.Library()


@register.filter
def status_badge(record) -> str:
    return _status_badge(record)
