"""The demo holds the article's meetings: the second docking meeting of 19 June 2020 and the monthly
joint meetings since, alternating host, with minutes, decisions and actions in every state."""

import datetime as dt
import io
import itertools

from django.test import TestCase, override_settings
from django.utils import timezone

from twincity.demo import load_demo
from twincity.meetings.choices import ActionStatus, MinutesStatus, SeriesKind, SessionStatus
from twincity.meetings.models import ActionItem, Session


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class TheDemoMeetings(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo(stdout=io.StringIO())

    def test_the_second_docking_meeting_was_held_on_19_june_2020(self):
        docking = Session.objects.get(series__kind=SeriesKind.DOCKING)
        assert docking.number == 2
        assert docking.local_date == dt.date(2020, 6, 19)
        assert docking.minutes_status == MinutesStatus.LOCKED

    def test_joint_meetings_are_monthly_since_july_2020_alternating_host(self):
        held = list(
            Session.objects.filter(series__kind=SeriesKind.JOINT)
            .exclude(status=SessionStatus.CANCELLED)
            .order_by("starts_at")
        )
        assert held[0].local_date.month == 7
        assert held[0].local_date.year == 2020
        assert [s.number for s in held] == list(range(1, len(held) + 1))
        assert all(a.host_id != b.host_id for a, b in itertools.pairwise(held))
        assert held[-1].status == SessionStatus.PLANNED
        assert held[-1].local_date > timezone.localdate()
        cancelled = Session.objects.get(status=SessionStatus.CANCELLED)
        after = next(s for s in held if s.starts_at > cancelled.starts_at)
        assert after.host_id == cancelled.host_id  # a cancelled host hosts next

    def test_actions_are_in_every_state_of_the_cycle(self):
        states = set(ActionItem.objects.values_list("status", flat=True))
        assert states == set(ActionStatus.values)
