"""The meeting list's rows (``SessionTable.lean_rows``, one f-string a row) against the rows they replace:
``LeanTable``'s general rendering byte for byte, and django-tables2's own cell by cell, in both languages, with
every field filled and empty and with hostile text."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from twincity.audit.context import acting
from twincity.core.services import archive
from twincity.meetings.choices import MinutesStatus, SessionStatus
from twincity.meetings.models import MeetingSeries, Session
from twincity.meetings.tables import SessionTable
from twincity.meetings.tests.helpers import add_session, make_series
from twincity.regions.models import Region
from twincity.testkit import HOSTILE, normalised_cells, rows_three_ways


def sessions() -> list[Session]:
    """Sessions as the list reads them, every field filled (hostile where it is text) and every field empty."""
    when = dt.datetime(2026, 3, 9, 23, 5, tzinfo=dt.UTC)  # the next day in Beijing
    filled = Session(
        pk=7,
        number=12,
        series=MeetingSeries(pk=3, name=HOSTILE, name_en=f"EN {HOSTILE}"),
        host=Region(pk=4, name=HOSTILE, name_en=f"EN {HOSTILE}", short_name=f"短{HOSTILE}"),
        starts_at=when,
        venue=HOSTILE,
        status=SessionStatus.HELD,
        agenda_published_at=when,
        minutes_status=MinutesStatus.CONFIRMED,
    )
    cancelled = Session(
        pk=8,
        number=13,
        series=MeetingSeries(pk=3, name="联席会议", name_en=""),
        host=Region(pk=5, name="两江新区", name_en="", short_name=""),
        starts_at=when,
        venue="",
        status=SessionStatus.CANCELLED,
        minutes_status=MinutesStatus.LOCKED,
    )
    empty = Session(
        pk=9,
        number=0,
        series=MeetingSeries(pk=6, name="", name_en=""),
        host=Region(pk=10, name="", name_en="", short_name=""),
        starts_at=when,
        venue="",
        status=SessionStatus.PLANNED,
        minutes_status="",
    )
    return [filled, cancelled, empty]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_rows_are_the_general_ones_byte_for_byte_and_django_tables2s(language):
    with translation.override(language):
        lean, general, theirs = rows_three_ways(SessionTable(sessions()))
    assert lean == general
    assert normalised_cells(lean) == normalised_cells(theirs)
    assert lean.count("<tr ") == 3
    assert "<script>" not in lean
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;quoted&#x27;" in lean
    assert 'class="tc-session-cancelled-row odd"' in lean
    assert "2026-03-10 07:05" in lean  # in the office's time zone
    assert 'href="/meetings/sessions/7/"' in lean


def test_the_english_page_shows_the_english_names():
    with translation.override("en"):
        lean, general, _ = rows_three_ways(SessionTable(sessions()))
    assert lean == general
    assert "EN &lt;script&gt;" in lean
    for words in ("Session 12", "Held", "Published", "Not published", "Confirmed by every side"):
        assert words in lean


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_cells_many_rows_share_written_once_read_as_each_rows_own(language):
    """A page's rows share series, hosts, statuses and states of the minutes (each cell is written once for the page,
    by what it shows): every row still shows its own, the same record read twice too, and names that differ only in
    one language, or only in the short name, are told apart."""
    rows = sessions()
    for n, (name, name_en, short_name) in enumerate(
        [("联席会议", "", ""), ("联席会议", "Joint", ""), ("联席会议", "", "短"), (HOSTILE, "Joint", "短")]
    ):
        for status, minutes in ((SessionStatus.HELD, MinutesStatus.CONFIRMED), (SessionStatus.PLANNED, "")):
            rows.append(
                Session(
                    pk=20 + 2 * n + (status == SessionStatus.PLANNED),
                    number=n,
                    series=MeetingSeries(pk=3, name=name, name_en=name_en),
                    host=Region(pk=5, name=name, name_en=name_en, short_name=short_name),
                    starts_at=dt.datetime(2026, 3, 9, 23, 5 + n, tzinfo=dt.UTC),
                    venue="",
                    status=status,
                    minutes_status=minutes,
                )
            )
    shared = MeetingSeries(pk=30, name="专题会议", name_en="Topical")
    when = rows[0].starts_at
    rows += [Session(pk=40 + n, number=n, series=shared, host=rows[0].host, starts_at=when) for n in (1, 2)]
    with translation.override(language):
        lean, general, theirs = rows_three_ways(SessionTable(rows))
    assert lean == general
    assert normalised_cells(lean) == normalised_cells(theirs)
    assert lean.count("<tr ") == len(rows) == 13


def test_another_set_of_columns_is_rendered_the_general_way():
    table = SessionTable(sessions(), exclude=("venue",))
    lean, general, theirs = rows_three_ways(table)
    assert lean == general
    assert normalised_cells(lean) == normalised_cells(theirs)


def test_no_rows_say_so():
    lean, general, _ = rows_three_ways(SessionTable([]))
    assert lean == general
    assert "colspan" in lean


# ----------------------------------------------------------------------------- the series and hosts of the page's rows


def _tbody(page: str) -> str:
    return re.search(r"<tbody.*?</tbody>", page, re.S).group(0)


@pytest.mark.django_db
def test_the_page_names_series_and_hosts_from_its_filter_bar_as_its_fragment_does_from_the_rows(world, client_as):
    """On the whole page the rows read only the sessions' own columns and name their series and hosts from the
    filter bar's choices, read just before; a fragment (no filter bar) reads them with the rows. The same rows,
    an archived series' session too (its series is no choice: read on its own, in one more query)."""
    day = dt.date(2026, 3, 9)
    kept = make_series(world, name="联席会议<甲>", name_en="Joint <A>")
    gone = make_series(world, name="专题会议", name_en="Topical")
    add_session(world, kept, day, venue="天府")
    client = client_as("office")
    url = reverse("meetings:index") + f"?partnership={world.partnership.pk}"
    with CaptureQueriesContext(connection) as before:  # a miss: nothing read it since the session was added
        client.get(url)
    rows = [q["sql"] for q in before.captured_queries if q["sql"].startswith('SELECT "meetings_session"."id"')]
    assert len(rows) == 1
    assert "JOIN" not in rows[0]
    add_session(world, gone, day + dt.timedelta(days=1))
    with acting(world.users["office"]):
        archive(gone, user=world.users["office"])
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after.captured_queries) == len(before.captured_queries) + 1
    for language in ("zh-hans", "en"):
        headers = {"accept-language": language}
        page = _tbody(client.get(url, headers=headers).content.decode())
        fragment = _tbody(client.get(url, headers={**headers, "HX-Request": "true"}).content.decode())
        assert page == fragment
        with translation.override(language):
            names = [kept.display_name, gone.display_name, world.tf.label]
        for name in names:
            assert escape(name) in page


@pytest.mark.django_db
def test_rows_rendered_on_their_own_read_their_series_and_hosts_in_one_query_each(world, django_assert_num_queries):
    series = make_series(world)
    for i in range(3):
        add_session(world, series, dt.date(2026, 3, 9) + dt.timedelta(days=i))
    table = SessionTable(list(Session.objects.only(*SessionTable.OWN_FIELDS).order_by("starts_at")))
    with django_assert_num_queries(2):
        table.before_render(None)
    lean, general, theirs = rows_three_ways(table)
    assert lean == general
    assert normalised_cells(lean) == normalised_cells(theirs)
    assert lean.count(escape(series.display_name)) == 3
