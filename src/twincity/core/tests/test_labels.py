"""Every form control people fill in has a name a screen reader can say (axe-core's critical "label" rule):
a <label for>, an aria-label, aria-labelledby, or a label around it. Checked on the pages where axe found
controls without one: the matter list (select all, bulk status), the minutes (summary, attendance), the audit log."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from twincity.meetings.tests.helpers import add_session, make_series, publish
from twincity.testing import make_matter

pytestmark = pytest.mark.django_db

UNNAMED_TYPES = {"hidden", "submit", "button", "reset", "image"}


class Controls(HTMLParser):
    def __init__(self):
        super().__init__()
        self.controls: list[dict] = []
        self.label_for: set[str] = set()
        self.open_labels = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label":
            self.open_labels += 1
            if attrs.get("for"):
                self.label_for.add(attrs["for"])
        elif tag in ("input", "select", "textarea") and attrs.get("type") not in UNNAMED_TYPES:
            self.controls.append({**attrs, "_tag": tag, "_in_label": self.open_labels > 0})

    def handle_endtag(self, tag):
        if tag == "label" and self.open_labels:
            self.open_labels -= 1


def unnamed(html: str) -> list[dict]:
    parser = Controls()
    parser.feed(html)
    return [
        c
        for c in parser.controls
        if not (c["_in_label"] or c.get("aria-label") or c.get("aria-labelledby") or c.get("id") in parser.label_for)
    ]


def test_the_matter_list_names_its_selection_controls(client_as, world):
    make_matter(world)
    html = client_as("office").get(reverse("matters:list") + f"?partnership={world.partnership.pk}").content
    assert 'data-select-all="pk"' in html.decode()
    assert unnamed(html.decode()) == []


def test_the_minutes_forms_name_their_fields(client_as, world):
    series = make_series(world)
    session = add_session(world, series, timezone.localdate() - dt.timedelta(days=1))
    publish(world, session)  # the minutes open once the agenda is published and the day has come
    html = client_as("office").get(reverse("meetings:session", args=[session.pk])).content.decode()
    assert 'name="summary"' in html
    assert 'name="post"' in html
    assert unnamed(html) == []


def test_the_audit_log_names_its_filters(client_as, world):
    html = client_as("auditor").get(reverse("audit:log")).content.decode()
    assert unnamed(html) == []
