"""Meetings built in code for tests (and for anyone building on the meetings app)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from twincity.audit.context import acting
from twincity.meetings import services
from twincity.meetings.choices import OutcomeKind
from twincity.regions.choices import OrganisationKind
from twincity.regions.models import Organisation, PartnershipRegion, Region


def at(day: dt.date, hour: int = 9, minute: int = 30) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def joint_office(w, region) -> Organisation:
    """The side's joint office (its secretariat when it hosts)."""
    unit = Organisation.objects.filter(region=region, kind=OrganisationKind.JOINT_OFFICE).first()
    return unit or Organisation.objects.create(
        region=region, name=f"{region.name}双城办", kind=OrganisationKind.JOINT_OFFICE
    )


def add_third_side(w):
    """A third region joins the partnership, last in the rotation."""
    w.xk = Region.objects.create(
        code=f"XK{Region.objects.count()}", name="西部科学城", name_en="Western Science City", short_name="科学城"
    )
    PartnershipRegion.objects.create(partnership=w.partnership, region=w.xk, rotation_order=3)
    return w.xk


def make_series(w, **fields):
    office = w.users["office"]
    defaults = {"name": "天府新区—两江新区联席会议", "name_en": "Joint meeting"}
    defaults.update(fields)
    with acting(office):
        return services.create_series(partnership=w.partnership, user=office, **defaults)


def add_session(w, series, day: dt.date, **fields):
    office = w.users["office"]
    with acting(office):
        return services.add_session(series, user=office, starts_at=at(day), **fields)


def publish(w, session, user=None, title="合作事项推进情况"):
    """Put one item on the agenda and publish it (as the office unless another user is given)."""
    user = user or w.users["office"]
    with acting(user):
        services.add_item(session, user=user, title=title, side=session.host)
        services.publish_agenda(session, user=user)
    session.refresh_from_db()
    return session


def decide_action(w, session, *, owners, due: dt.date, title="提交联合申报方案", user=None, **spec):
    """Record a decision that creates an action owned by ``owners``; returns the action."""
    user = user or w.users["office"]
    with acting(user):
        outcome = services.record_outcome(
            session,
            user=user,
            kind=OutcomeKind.DECISION,
            text="会议议定：" + title,
            action=services.ActionSpec(title=title, due_date=due, owners=list(owners), **spec),
        )
    return outcome.actions.get()
