"""Meetings in calendars: the feed per person and per series, read by two independent parsers, and invitations."""

import datetime as dt

import icalendar
import pytest
from django.core import mail
from django.urls import reverse
from django.utils.translation import override

from twincity.accounts.models import Membership
from twincity.meetings import calendars
from twincity.meetings.choices import SessionStatus
from twincity.notifications import services
from twincity.notifications.tests.meeting_data import build_meetings, make_series, make_session
from twincity.testing import build_world

pytestmark = pytest.mark.django_db

# ---------------------------------------------------------------- a second, independent iCalendar reader
# Written from RFC 5545 alone (no code shared with the icalendar package): lines end in CRLF (3.1), a line
# beginning with a space or tab continues the previous one, content lines are at most 75 octets (3.1), a
# line is NAME *(";" param) ":" value (3.1), quoted parameter values may hold ":" and ";" (3.2), TEXT values
# escape "\\", ";", "," and newlines (3.3.11), components nest between BEGIN and END (3.4, 3.6).


def _split_content_line(line: str) -> tuple[str, dict[str, str], str]:
    in_quotes = False
    for i, ch in enumerate(line):
        if ch == '"':
            in_quotes = not in_quotes
        elif ch == ":" and not in_quotes:
            head, value = line[:i], line[i + 1 :]
            break
    else:
        raise ValueError(f"no value in content line {line!r}")
    parts, buf, in_quotes = [], "", False
    for ch in head:
        if ch == '"':
            in_quotes = not in_quotes
        if ch == ";" and not in_quotes:
            parts.append(buf)
            buf = ""
        else:
            buf += ch
    parts.append(buf)
    params = {}
    for p in parts[1:]:
        key, _, val = p.partition("=")
        params[key.upper()] = val.strip('"')
    return parts[0].upper(), params, value


def _unescape(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append("\n" if nxt in "nN" else nxt)
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def read_ical(payload: bytes) -> dict:
    """Parse a calendar strictly; the root component as {"name", "props": [(name, params, value)], "children"}."""
    text = payload.decode("utf-8")
    assert text.endswith("\r\n"), "content lines end with CRLF"
    raw_lines = text.split("\r\n")[:-1]
    for raw in raw_lines:
        assert "\n" not in raw, "bare LF inside a content line"
        assert "\r" not in raw, "bare CR inside a content line"
        assert len(raw.encode("utf-8")) <= 75, f"content line longer than 75 octets: {raw!r}"
    lines: list[str] = []
    for raw in raw_lines:
        if raw[:1] in (" ", "\t"):
            assert lines, "a continuation line cannot come first"
            lines[-1] += raw[1:]
        else:
            lines.append(raw)
    stack: list[dict] = []
    root = None
    for line in lines:
        name, params, value = _split_content_line(line)
        if name == "BEGIN":
            component = {"name": value.upper(), "props": [], "children": []}
            if stack:
                stack[-1]["children"].append(component)
            elif root is None:
                root = component
            else:
                raise ValueError("two root components")
            stack.append(component)
        elif name == "END":
            assert stack, f"END:{value} closes nothing"
            assert stack[-1]["name"] == value.upper(), f"END:{value} does not close {stack[-1]['name']}"
            stack.pop()
        else:
            assert stack, f"property {name} outside any component"
            stack[-1]["props"].append((name, params, _unescape(value)))
    assert not stack, "unclosed component"
    assert root is not None
    assert root["name"] == "VCALENDAR"
    return root


def prop(component: dict, name: str) -> str | None:
    return next((v for n, _p, v in component["props"] if n == name), None)


def events_of(root: dict) -> list[dict]:
    return [c for c in root["children"] if c["name"] == "VEVENT"]


# ------------------------------------------------------------------------------------------------------ tests


@pytest.fixture(autouse=True)
def _feeds_reach_back_to_2020(settings):
    settings.TWINCITY_CALENDAR_PAST_DAYS = 20 * 366  # the meetings of these tests are those of 2020


@pytest.fixture
def meetings(world):
    return build_meetings(world)


@pytest.fixture
def other_partnership(db):
    """A second partnership with a meeting of its own, which nobody in ``world`` may see."""
    other = build_world(code_prefix="X")
    series = make_series(other, name="另一合作机制联席会议", name_en="Another joint meeting")
    other.session = make_session(other, series, number=7, day=dt.date(2020, 6, 20), venue="另一会场")
    return other


def zh_title(session) -> str:
    with override("zh-hans"):
        return calendars.session_title(session)


def feed_url(user) -> str:
    _token, secret = services.issue_calendar_token(user)
    return reverse("notifications:feed", args=[secret])


def test_a_contacts_feed_holds_their_partnerships_sessions_for_both_parsers_and_never_another_partnerships(
    world, meetings, other_partnership, client
):
    response = client.get(feed_url(world.users["tf-unit"]))  # no sign-in: calendar programs cannot sign in
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    payload = response.content

    # 1. the icalendar package
    cal = icalendar.Calendar.from_ical(payload)
    events = list(cal.walk("VEVENT"))
    uids = {str(e["UID"]) for e in events}
    expected = {calendars.session_uid(s) for s in (meetings.s1, meetings.s2, meetings.s3)}
    assert uids == expected
    s2 = next(e for e in events if str(e["UID"]) == calendars.session_uid(meetings.s2))
    assert str(s2["SUMMARY"]) == zh_title(meetings.s2)
    assert "联席会议" in str(s2["SUMMARY"])
    assert "2" in str(s2["SUMMARY"])
    assert s2.decoded("DTSTART") == meetings.s2.starts_at
    assert str(s2["LOCATION"]) == "两江新区互联网产业园会议室"
    assert "审议共建西部陆海新通道物流枢纽推进情况" in str(s2["DESCRIPTION"])  # the published agenda
    assert cal.walk("VTIMEZONE"), "the feed carries the time zone it names"

    # 2. a second, independent reader, strict about RFC 5545's lines and folding
    root = read_ical(payload)
    assert prop(root, "VERSION") == "2.0"
    second = {prop(e, "UID"): e for e in events_of(root)}
    assert set(second) == expected
    assert prop(second[calendars.session_uid(meetings.s2)], "SUMMARY") == zh_title(meetings.s2)
    dtstart = next(p for p in second[calendars.session_uid(meetings.s2)]["props"] if p[0] == "DTSTART")
    assert dtstart[1].get("TZID") == "Asia/Shanghai"
    assert dtstart[2] == "20200619T093000"
    description = prop(second[calendars.session_uid(meetings.s2)], "DESCRIPTION")
    assert "1. 审议共建西部陆海新通道物流枢纽推进情况\n" in description

    # Never another partnership's session, under any parser.
    foreign = calendars.session_uid(other_partnership.session)
    assert foreign not in uids
    assert foreign not in second
    assert "另一会场".encode() not in payload


def test_the_other_partnerships_office_sees_only_its_own_session(world, meetings, other_partnership, client):
    payload = client.get(feed_url(other_partnership.users["office"])).content
    assert {prop(e, "UID") for e in events_of(read_ical(payload))} == {calendars.session_uid(other_partnership.session)}


def test_a_draft_agenda_stays_out_of_the_feed(world, meetings, client):
    payload = client.get(feed_url(world.users["leader"])).content
    s3 = next(e for e in events_of(read_ical(payload)) if prop(e, "UID") == calendars.session_uid(meetings.s3))
    assert "议程" not in prop(s3, "DESCRIPTION")


def test_an_outsider_gets_an_empty_calendar(world, meetings, client):
    root = read_ical(client.get(feed_url(world.users["outsider"])).content)
    assert events_of(root) == []


def test_a_revoked_address_answers_404_and_a_new_one_works(world, meetings, client):
    user = world.users["tf-coord"]
    old = feed_url(user)
    assert client.get(old).status_code == 200
    services.revoke_calendar_tokens(user)
    assert client.get(old).status_code == 404
    new = feed_url(user)
    assert client.get(new).status_code == 200
    assert client.get(old).status_code == 404
    feed_url(user)  # making another address closes the previous one
    assert client.get(new).status_code == 404


def test_a_made_up_address_answers_404(world, meetings, client):
    assert client.get(reverse("notifications:feed", args=["not-a-real-token"])).status_code == 404


def test_someone_who_leaves_the_partnership_stops_seeing_its_meetings(world, meetings, client):
    user = world.users["lj-unit"]
    url = feed_url(user)
    assert len(events_of(read_ical(client.get(url).content))) == 3
    Membership.objects.filter(user=user).update(archived_at=dt.datetime(2020, 7, 1, tzinfo=dt.UTC))
    assert events_of(read_ical(client.get(url).content)) == []


def test_a_series_feed_serves_members_and_404s_for_outsiders(world, meetings, other_partnership, client):
    _t, secret = services.issue_calendar_token(world.users["lj-unit"])
    url = reverse("notifications:series_feed", args=[secret, meetings.series.pk])
    root = read_ical(client.get(url).content)
    assert prop(root, "X-WR-CALNAME") == "联席会议"
    assert len(events_of(root)) == 3
    foreign = reverse("notifications:series_feed", args=[secret, other_partnership.session.series_id])
    assert client.get(foreign).status_code == 404
    _t, outsider_secret = services.issue_calendar_token(world.users["outsider"])
    assert (
        client.get(reverse("notifications:series_feed", args=[outsider_secret, meetings.series.pk])).status_code == 404
    )


def test_a_rescheduled_session_keeps_its_uid_and_a_cancelled_one_is_marked_cancelled(world, meetings):
    user = world.users["office"]
    before = {prop(e, "UID"): e for e in events_of(read_ical(calendars.user_feed(user)))}
    meetings.s3.starts_at += dt.timedelta(days=7)
    meetings.s3.version += 1
    meetings.s3.save()
    meetings.s2.status = SessionStatus.CANCELLED
    meetings.s2.cancelled_reason = "防汛工作冲突"
    meetings.s2.version += 1
    meetings.s2.save()
    after = {prop(e, "UID"): e for e in events_of(read_ical(calendars.user_feed(user)))}
    uid3, uid2 = calendars.session_uid(meetings.s3), calendars.session_uid(meetings.s2)
    assert set(after) == set(before)
    assert int(prop(after[uid3], "SEQUENCE")) == int(prop(before[uid3], "SEQUENCE")) + 1
    assert prop(after[uid3], "DTSTART") == "20200724T093000"
    assert prop(after[uid2], "STATUS") == "CANCELLED"
    assert "防汛工作冲突" in prop(after[uid2], "DESCRIPTION")


def test_long_chinese_lines_are_folded_within_75_octets_and_read_back_whole(world, meetings):
    meetings.s2.venue = "重庆两江新区互联网产业园二期三号楼十二层第一会议室（两江新区管委会双城经济圈建设工作专班）"
    meetings.s2.save()
    payload = calendars.user_feed(world.users["office"])
    event = next(e for e in events_of(read_ical(payload)) if prop(e, "UID") == calendars.session_uid(meetings.s2))
    assert prop(event, "LOCATION") == meetings.s2.venue
    assert max(len(line) for line in payload.split(b"\r\n")) <= 75


def test_an_invitation_goes_by_email_with_the_ics_once_per_version_of_the_session(world, meetings):
    people = [world.users["tf-coord"], world.users["lj-coord"], world.users["outsider"]]
    sent = calendars.send_invitations(meetings.s3, people)
    assert sent == 2  # the outsider may not see the session: no invitation
    assert sorted(m.to[0] for m in mail.outbox) == ["lj-coord@example.org", "tf-coord@example.org"]
    message = mail.outbox[0]
    assert zh_title(meetings.s3) in message.subject
    assert "2020-07-17 09:30" in message.subject
    (name, content, mimetype) = message.attachments[0]
    assert name == "invite.ics"
    assert mimetype.startswith("text/calendar")
    payload = content.encode() if isinstance(content, str) else content
    root = read_ical(payload)
    assert prop(root, "METHOD") == "REQUEST"
    (event,) = events_of(root)
    assert prop(event, "UID") == calendars.session_uid(meetings.s3)
    assert prop(event, "ORGANIZER").startswith("mailto:")
    assert {v for n, _p, v in event["props"] if n == "ATTENDEE"} == {
        "mailto:tf-coord@example.org",
        "mailto:lj-coord@example.org",
    }
    assert icalendar.Calendar.from_ical(payload).walk("VEVENT")[0]["SUMMARY"] == zh_title(meetings.s3)
    raw = message.message().as_bytes()
    assert b'Content-Type: text/calendar; method="REQUEST"' in raw

    assert calendars.send_invitations(meetings.s3, people) == 0  # the same version: nothing again
    meetings.s3.starts_at += dt.timedelta(days=1)
    meetings.s3.version += 1
    meetings.s3.save()
    assert calendars.send_invitations(meetings.s3, people) == 2  # rescheduled: the update goes out
    assert len(mail.outbox) == 4
