"""Notices written with the events of other apps, in their transactions: an agenda published (its audience), minutes
waiting for a side's confirmation (that side's coordinator), a joint request waiting for a side's endorsement and
then endorsed by every side, matters waiting for a leader's approval (one notice per batch)."""

import datetime as dt

import pytest
from django.utils import timezone

from twincity.audit.context import acting
from twincity.matters import services as matter_services
from twincity.matters.choices import MatterStatus
from twincity.matters.choices import Notice as MatterNotice
from twincity.meetings import services as meeting_services
from twincity.meetings.choices import Notice as MeetingNotice
from twincity.meetings.choices import OutcomeKind
from twincity.meetings.tests.helpers import add_session, make_series, publish
from twincity.notifications import kinds
from twincity.notifications.choices import Channel, NotificationKind
from twincity.notifications.models import Delivery, Notification
from twincity.petitions import services as petition_services
from twincity.petitions.choices import Notice as PetitionNotice

pytestmark = pytest.mark.django_db


def told(kind):
    return sorted(Notification.objects.filter(kind=kind).values_list("user__username", flat=True))


def test_the_apps_kinds_are_registered_for_preferences():
    for kind in (MeetingNotice.MINUTES_AWAITING, PetitionNotice.AWAITING_ENDORSEMENT, MatterNotice.AWAITING_APPROVAL):
        assert kind in kinds.LABELS


def test_a_published_agenda_tells_its_audience_at_once_and_once(world):
    session = add_session(world, make_series(world), timezone.localdate() + dt.timedelta(days=5))
    publish(world, session)
    audience = told(NotificationKind.AGENDA_PUBLISHED)
    assert {"office", "tf-coord", "lj-coord", "leader"} <= set(audience)
    assert "outsider" not in audience
    assert len(audience) == len(set(audience))
    mail = Delivery.objects.get(recipient=world.users["lj-coord"], channel=Channel.EMAIL)
    assert mail.attachments[0][0] == "invite.ics"  # the e-mail is the invitation, as the reminder's was


def test_minutes_confirmed_by_one_side_wait_for_the_others_coordinator(world):
    series = make_series(world)
    session = add_session(world, series, timezone.localdate())
    publish(world, session)
    with acting(world.users["office"]):
        meeting_services.record_outcome(session, user=world.users["office"], kind=OutcomeKind.DECISION, text="同意")
    session.refresh_from_db()
    meeting_services.confirm_minutes(session, user=world.users["tf-coord"], side=world.tf)
    assert told(MeetingNotice.MINUTES_AWAITING) == ["lj-coord"]
    meeting_services.confirm_minutes(session, user=world.users["lj-coord"], side=world.lj)
    assert told(MeetingNotice.MINUTES_AWAITING) == ["lj-coord"]  # nobody waits any more


def test_a_joint_request_waits_for_the_other_side_then_is_announced_endorsed(world):
    with acting(world.users["office"]):
        petition = petition_services.create_petition(
            partnership=world.partnership,
            user=world.users["office"],
            title="出台打造内陆开放门户指导规划",
            year=2020,
            target_authority="国家发展改革委",
            text="恳请出台指导规划。",
            drafting_units=[world.tf_dept, world.lj_dept],
        )
    petition_services.endorse(petition, user=world.users["tf-coord"], side=world.tf)
    assert told(PetitionNotice.AWAITING_ENDORSEMENT) == ["lj-coord"]
    assert "天府" in Notification.objects.get(kind=PetitionNotice.AWAITING_ENDORSEMENT).body
    petition_services.endorse(petition, user=world.users["lj-coord"], side=world.lj)
    assert told(PetitionNotice.ENDORSED) == ["lj-coord", "office", "tf-coord"]


def test_matters_waiting_for_approval_are_one_notice_to_the_leaders(world):
    office = world.users["office"]
    with acting(office):
        matter_services.create_matter(partnership=world.partnership, year=2020, title="共建数据中心", user=office)
    assert told(MatterNotice.AWAITING_APPROVAL) == ["leader"]
    assert "共建数据中心" in Notification.objects.get(kind=MatterNotice.AWAITING_APPROVAL).title
    rows = [matter_services.NewMatter(title=f"事项{i}") for i in range(5)]
    with acting(office):
        matter_services.create_matters(rows, partnership=world.partnership, year=2020, user=office)
    assert Notification.objects.filter(kind=MatterNotice.AWAITING_APPROVAL).count() == 2
    assert "5" in Notification.objects.filter(kind=MatterNotice.AWAITING_APPROVAL).first().title
    with acting(office):
        matter_services.create_matter(
            partnership=world.partnership, year=2020, title="已批准", user=office, status=MatterStatus.APPROVED
        )
    assert Notification.objects.filter(kind=MatterNotice.AWAITING_APPROVAL).count() == 2
