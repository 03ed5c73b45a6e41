"""A session's status badge: one markup for the tables (built in Python, a row at a time) and the pages."""

import pytest
from django.template import engines
from django.utils import translation

from twincity.meetings.choices import SessionStatus
from twincity.meetings.models import Session
from twincity.meetings.tables import status_badge


@pytest.mark.parametrize(
    ("status", "icon"),
    [
        (SessionStatus.CANCELLED, "bi-x-circle"),
        (SessionStatus.HELD, "bi-check-circle"),
        (SessionStatus.PLANNED, "bi-calendar-event"),
    ],
)
def test_the_badge_names_the_status_with_its_icon(status, icon):
    session = Session(status=status)
    with translation.override("zh-hans"):
        badge = status_badge(session)
        shown = engines["django"].from_string("{% load meeting_badges %}{{ s|status_badge }}").render({"s": session})
        name = session.get_status_display()
    assert badge == shown  # the pages' filter is the tables' function
    assert badge == (
        f'<span class="badge tc-session-status tc-session-{status}" data-status="{status}">'
        f'<i class="bi {icon}" aria-hidden="true"></i> {name}</span>'
    )
