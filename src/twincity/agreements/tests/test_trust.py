"""A write saves only what it changed (issue 9): a step of an agreement's life run with a copy loaded
earlier keeps the edit someone else had acknowledged, and writes only the step's own fields."""

import datetime as dt

import pytest

from twincity.agreements import services
from twincity.agreements.models import Agreement, Obligation
from twincity.agreements.tests.helpers import make_agreement
from twincity.audit.context import acting
from twincity.registers import services as registers

pytestmark = pytest.mark.django_db


def edit_meanwhile(agreement, user, note):
    fresh = Agreement.objects.get(pk=agreement.pk)
    return services.update_agreement(fresh, user=user, version=fresh.version, note=note).version


STEPS = ["extend", "renew", "terminate", "lapse", "obligation", "follow_up", "archive"]


@pytest.mark.parametrize("step", STEPS)
def test_an_agreement_edit_acknowledged_while_a_step_held_an_old_copy_is_kept(world, step):
    office = world.users["office"]
    agreement = make_agreement(world)
    successor = make_agreement(world, title="续签协议") if step == "renew" else None
    with acting(office):
        stale = Agreement.objects.get(pk=agreement.pk)
        acknowledged = edit_meanwhile(agreement, office, "已确认的备注")
        if step == "extend":
            services.renew(stale, user=office, new_expires_on=dt.date(2026, 5, 31))
        elif step == "renew":
            services.renew(stale, user=office, successor=successor)
        elif step == "terminate":
            services.terminate(stale, user=office, terminated_on=dt.date(2021, 1, 1), reason="机构调整")
        elif step == "lapse":
            services.record_lapse(stale, user=office)
        elif step == "obligation":
            services.add_obligation(stale, user=office, text="共建监管平台", side=world.tf)
        elif step == "follow_up":
            registers.follow_up(stale, user=office, title="落实合作协议", year=2020)
        elif step == "archive":
            registers.archive_entry(stale, user=office)
    now = Agreement.objects.get(pk=agreement.pk)
    assert now.note == "已确认的备注"
    assert now.version >= acknowledged
    if step in {"extend", "renew", "terminate", "lapse", "archive"}:
        # a change of the agreement's state moves its version, and the copy the step held is the current one
        assert now.version > acknowledged
        assert stale.version == now.version
        assert stale.note == now.note
    if step == "obligation":
        assert Obligation.objects.filter(agreement=agreement).count() == 1
