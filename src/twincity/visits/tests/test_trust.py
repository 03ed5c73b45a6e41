"""A write saves only what it changed (issue 9): a step of a visit (or of a lesson) run with a copy
loaded earlier keeps the edit someone else had acknowledged."""

import pytest

from twincity.audit.context import acting
from twincity.matters.services import OwnerSpec
from twincity.visits import services
from twincity.visits.choices import VisitStatus
from twincity.visits.models import Lesson, Visit
from twincity.visits.tests.test_services import record, record_visit

pytestmark = pytest.mark.django_db


STEPS = ["held", "cancel", "archive"]


@pytest.mark.parametrize("step", STEPS)
def test_a_visit_edit_acknowledged_while_a_step_held_an_old_copy_is_kept(world, step):
    office = world.users["office"]
    visit = record_visit(world, status=VisitStatus.PLANNED)
    with acting(office):
        stale = Visit.objects.get(pk=visit.pk)
        fresh = Visit.objects.get(pk=visit.pk)
        acknowledged = services.update_visit(fresh, user=office, version=fresh.version, note="已确认的备注").version
        if step == "held":
            services.mark_held(stale, user=office, outcomes="签署合作备忘录")
        elif step == "cancel":
            services.cancel_visit(stale, user=office, reason="行程调整")
        elif step == "archive":
            services.archive_visit(stale, user=office)
    now = Visit.objects.get(pk=visit.pk)
    assert now.note == "已确认的备注"
    assert now.version > acknowledged  # a change of the visit's state moves its version
    assert stale.version == now.version
    assert stale.note == now.note


@pytest.mark.parametrize("step", ["follow_up", "archive"])
def test_a_lesson_edit_acknowledged_while_a_step_held_an_old_copy_is_kept(world, step):
    office = world.users["office"]
    lesson = record(Lesson, world, record_visit(world))
    with acting(office):
        stale = Lesson.objects.get(pk=lesson.pk)
        fresh = Lesson.objects.get(pk=lesson.pk)
        acknowledged = services.update_learning(fresh, user=office, version=fresh.version, note="已确认的备注").version
        if step == "follow_up":
            owners = [OwnerSpec(world.lj_dept), OwnerSpec(world.tf_dept)]
            services.follow_up_learning(stale, user=office, title="借鉴经验联合编制规划", year=2020, owners=owners)
        else:
            services.archive_learning(stale, user=office)
    now = Lesson.objects.get(pk=lesson.pk)
    assert now.note == "已确认的备注"
    assert now.version >= acknowledged
