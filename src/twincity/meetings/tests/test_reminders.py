"""Reminders: who hears what and when, every send logged, nothing sent twice, overdue actions escalated."""

import datetime as dt
import io

import icalendar
import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import CommandError, call_command

from twincity.meetings.choices import ActionStatus
from twincity.meetings.notifications import ReminderSettings, send_reminders
from twincity.notifications.choices import Channel, DeliveryState, NotificationKind
from twincity.notifications.models import Delivery, Notification, ReminderLog
from twincity.notifications.tests.meeting_data import at, build_meetings, make_action
from twincity.testing import build_world

pytestmark = pytest.mark.django_db

CONFIG = ReminderSettings(session_days=3, action_due_days=3, escalation_days=7, escalation_repeat_days=7)


def run_on(day: dt.date, **kwargs):
    return send_reminders(today=day, now=at(day, 7, 0), config=CONFIG, **kwargs)


def inbox(user, about: str = "") -> list:
    """The e-mails ``user`` received, those whose subject names ``about`` if given."""
    return [m for m in mail.outbox if user.email in m.to and about in m.subject]


def escalations(user) -> int:
    return ReminderLog.objects.filter(recipient=user, kind=NotificationKind.ACTION_ESCALATED, channel="email").count()


def kinds_for(user) -> list[str]:
    return sorted(Notification.objects.filter(user=user).values_list("kind", flat=True))


@pytest.fixture
def meetings(world):
    return build_meetings(world)


def test_running_the_command_twice_on_the_same_day_sends_nothing_twice(world, meetings):
    out = io.StringIO()
    call_command("send_reminders", "--today", "2020-06-16", stdout=out)
    assert "sent:" in out.getvalue()
    sent, logged, notes = len(mail.outbox), ReminderLog.objects.count(), Notification.objects.count()
    assert sent > 0
    # Every message has its record: each e-mail sent one delivery of the outbox, each in-app message one log row.
    assert Delivery.objects.filter(channel=Channel.EMAIL, state=DeliveryState.SENT).count() == sent
    assert ReminderLog.objects.filter(channel=Channel.IN_APP).count() == notes
    call_command("send_reminders", "--today", "2020-06-16", stdout=io.StringIO())
    assert (len(mail.outbox), ReminderLog.objects.count(), Notification.objects.count()) == (sent, logged, notes)
    assert ReminderLog.objects.filter(channel=Channel.EMAIL, address="tf-unit@example.org").exists()


def test_a_dry_run_counts_and_sends_nothing(world, meetings):
    out = io.StringIO()
    # Notices of what happened (a case assigned…) were written with the events; the run adds nothing.
    before = (ReminderLog.objects.count(), Notification.objects.count())
    call_command("send_reminders", "--today", "2020-06-16", "--dry-run", stdout=out)
    assert "would send:" in out.getvalue()
    assert mail.outbox == []
    assert (ReminderLog.objects.count(), Notification.objects.count()) == before


def test_an_overdue_action_reminds_its_owner_daily_then_escalates_to_the_coordinator_of_the_side(world, meetings):
    tf_unit, tf_coord, lj_coord = world.users["tf-unit"], world.users["tf-coord"], world.users["lj-coord"]
    # 2020-1-2 was due on 5 June and is owned by the Tianfu market-supervision bureau (tf-unit speaks for it).
    run_on(dt.date(2020, 6, 6))
    (first,) = inbox(tf_unit, "2020-1-2")
    assert "1" in first.subject
    assert "报送共建物流枢纽选址比选报告" in first.body
    assert first.body.strip().endswith(meetings.a_late.get_absolute_url())
    assert inbox(tf_coord, "2020-1-2") == []
    run_on(dt.date(2020, 6, 6))
    assert len(inbox(tf_unit, "2020-1-2")) == 1  # the same day again: nothing new
    run_on(dt.date(2020, 6, 7))
    assert len(inbox(tf_unit, "2020-1-2")) == 2  # daily until done
    assert escalations(tf_coord) == 0
    run_on(dt.date(2020, 6, 12))  # 7 days late: the coordinator of the owner's side hears of it
    assert escalations(tf_coord) == 1
    assert len(inbox(tf_coord, "2020-1-2")) == 1
    assert escalations(lj_coord) == 0  # not the other side's coordinator
    assert NotificationKind.ACTION_ESCALATED in kinds_for(tf_coord)
    run_on(dt.date(2020, 6, 13))
    assert escalations(tf_coord) == 1  # not every day
    assert len(inbox(tf_unit, "2020-1-2")) == 4  # while the owner still hears daily (6, 7, 12, 13 June)
    run_on(dt.date(2020, 6, 19))  # a week later, still overdue: escalated again
    assert escalations(tf_coord) == 2

    meetings.a_late.status = ActionStatus.REPORTED_DONE
    meetings.a_late.save()
    run_on(dt.date(2020, 6, 20))
    assert len(inbox(tf_unit, "2020-1-2")) == 5
    assert escalations(tf_coord) == 2


def test_the_escalation_delay_is_configurable(world, meetings):
    send_reminders(today=dt.date(2020, 6, 7), now=at(dt.date(2020, 6, 7)), config=ReminderSettings(escalation_days=2))
    assert escalations(world.users["tf-coord"]) == 1


def test_an_owner_without_a_contact_is_reminded_through_its_coordinator(world, meetings):
    make_action(
        world, meetings.s1, code="2020-1-9", title="编制教育协同方案", due=dt.date(2020, 6, 8), owners=[world.lj_dept2]
    )
    run_on(dt.date(2020, 6, 9))
    assert len(inbox(world.users["lj-coord"], "2020-1-9")) == 1
    assert inbox(world.users["lj-unit"], "2020-1-9") == []


def test_an_action_due_in_three_days_reminds_its_owner_once(world, meetings):
    tf_unit = world.users["tf-unit"]
    run_on(dt.date(2020, 6, 27))  # 2020-1-1 is due on 30 June
    (due,) = inbox(tf_unit, "2020-1-1")
    assert "3" in due.subject
    assert "制定两地市场准入统一标准清单" in due.body
    run_on(dt.date(2020, 6, 28))
    assert len(inbox(tf_unit, "2020-1-1")) == 1


def test_a_session_in_three_days_is_announced_to_its_audience_and_nobody_else(world, meetings):
    other = build_world(code_prefix="X")
    run_on(dt.date(2020, 6, 16))  # session 2 is on 19 June
    title_word = "联席会议"
    told = {u for u, user in world.users.items() if any(title_word in m.subject for m in inbox(user))}
    # office, coordinators, leader; and the contacts of the two presenting units
    assert told == {"office", "tf-coord", "lj-coord", "leader", "tf-unit", "lj-unit"}
    assert not any(title_word in m.subject for u in other.users.values() for m in inbox(u))
    note = Notification.objects.get(user=world.users["leader"], kind=NotificationKind.SESSION_SOON)
    assert "两江新区互联网产业园会议室" in note.body
    assert note.url == meetings.s2.get_absolute_url()


def test_a_rescheduled_session_is_announced_again(world, meetings):
    run_on(dt.date(2020, 6, 16))
    before = Notification.objects.filter(kind=NotificationKind.SESSION_SOON).count()
    meetings.s2.starts_at = at(dt.date(2020, 6, 18), 14, 30)
    meetings.s2.save()
    run_on(dt.date(2020, 6, 16))
    assert Notification.objects.filter(kind=NotificationKind.SESSION_SOON).count() == 2 * before


def test_a_published_agenda_is_announced_once_per_publication(world, meetings):
    run_on(dt.date(2020, 6, 9))
    office = world.users["office"]
    assert kinds_for(office).count(NotificationKind.AGENDA_PUBLISHED) == 1
    run_on(dt.date(2020, 6, 10))
    assert kinds_for(office).count(NotificationKind.AGENDA_PUBLISHED) == 1
    meetings.s3.agenda_published_at = at(dt.date(2020, 7, 1))
    meetings.s3.save()
    run_on(dt.date(2020, 7, 2))
    assert kinds_for(office).count(NotificationKind.AGENDA_PUBLISHED) == 2


def test_the_published_agenda_email_carries_the_invitation_for_the_calendar(world, meetings):
    run_on(dt.date(2020, 6, 9))
    (message,) = [m for m in inbox(world.users["leader"]) if m.attachments]
    name, content, mimetype = message.attachments[0]
    assert name == "invite.ics"
    assert mimetype.startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(content)
    assert str(cal["METHOD"]) == "REQUEST"
    (event,) = cal.walk("VEVENT")
    assert event.decoded("DTSTART") == meetings.s2.starts_at
    attendees = {str(a) for a in event.get("ATTENDEE")}
    assert "mailto:leader@example.org" in attendees
    assert "mailto:outsider@example.org" not in attendees


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")


def use_mail_backend(settings, path: str) -> None:
    if getattr(settings, "MAILERS", None):  # Django's newer way of naming the mail backend
        settings.MAILERS = {"default": {"BACKEND": path}}
    else:
        settings.EMAIL_BACKEND = path


def test_an_email_the_server_refused_is_sent_on_the_next_run(world, meetings, settings):
    use_mail_backend(settings, f"{__name__}.RefusingBackend")
    with pytest.raises(CommandError, match="retried"):
        call_command("send_reminders", "--today", "2020-06-06", stdout=io.StringIO())
    assert not ReminderLog.objects.filter(channel=Channel.EMAIL).exists()  # nothing logged as sent
    assert Notification.objects.filter(user=world.users["tf-unit"]).exists()  # the in-app message went
    use_mail_backend(settings, "django.core.mail.backends.locmem.EmailBackend")
    run_on(dt.date(2020, 6, 6))
    assert len(inbox(world.users["tf-unit"], "2020-1-2")) == 1
    assert ReminderLog.objects.filter(channel=Channel.EMAIL, recipient=world.users["tf-unit"]).count() == 1
