"""A write saves only what it changed (issue 9): a step on a secondment run with a copy loaded earlier
keeps the edit someone else had acknowledged; its derived search words come from the row as it is now."""

import pytest

from twincity.audit.context import acting
from twincity.exchanges import services
from twincity.exchanges.models import Secondment, SecondmentReport
from twincity.exchanges.tests.test_services import days, second
from twincity.registers import services as registers

pytestmark = pytest.mark.django_db


def edit_meanwhile(secondment, user, note):
    fresh = Secondment.objects.get(pk=secondment.pk)
    return services.update_secondment(fresh, user=user, version=fresh.version, note=note).version


STEPS = ["cut_short", "evaluate", "report", "correct_report", "withdraw_report", "follow_up", "archive"]


@pytest.mark.parametrize("step", STEPS)
def test_a_secondment_edit_acknowledged_while_a_step_held_an_old_copy_is_kept(world, step):
    office = world.users["office"]
    with acting(office):
        secondment = second(world, start=-200, end=-1 if step == "evaluate" else 200)
        report = services.file_report(secondment, user=office, period="2020-Q1", text="到岗")
        stale = Secondment.objects.get(pk=secondment.pk)
        stale_report = SecondmentReport.objects.select_related("secondment").get(pk=report.pk)
        acknowledged = edit_meanwhile(secondment, office, "已确认的备注")
        if step == "cut_short":
            services.cut_short(stale, user=office, on=days(-1), reason="工作需要提前召回")
        elif step == "evaluate":
            services.evaluate(stale, user=office, rating="excellent", evaluation="表现优秀")
        elif step == "report":
            services.file_report(stale, user=office, period="2020-Q2", text="推进营商环境改革")
        elif step == "correct_report":
            services.update_report(stale_report, user=office, version=stale_report.version, text="更正后的报告")
        elif step == "withdraw_report":
            services.archive_report(stale_report, user=office)
        elif step == "follow_up":
            registers.follow_up(stale, user=office, title="深化干部交流", year=2020)
        elif step == "archive":
            registers.archive_entry(stale, user=office)
    now = Secondment.objects.get(pk=secondment.pk)
    assert now.note == "已确认的备注"
    assert now.version >= acknowledged
    if step in {"cut_short", "evaluate", "archive"}:
        assert now.version > acknowledged
        assert stale.version == now.version
    assert "备注" in now.search_document  # the search words carry the acknowledged edit


def test_a_report_refreshes_the_search_words_without_moving_the_version_but_moves_the_change_stamp(world):
    """The secondment's search words are derived: a report changes them (and the stamp the dashboard's cache
    reads) but not the version, so an editor who read the secondment before the report is not refused."""
    office = world.users["office"]
    with acting(office):
        secondment = second(world)
        editor_copy = Secondment.objects.get(pk=secondment.pk)
        services.file_report(secondment, user=office, period="2020-Q1", text="推进跨境电商试点")
    now = Secondment.objects.get(pk=secondment.pk)
    assert now.version == editor_copy.version
    assert now.last_updated > editor_copy.last_updated
    assert "电商" in now.search_document
    services.update_secondment(editor_copy, user=office, version=editor_copy.version, note="补充")
    assert "电商" in Secondment.objects.get(pk=secondment.pk).search_document
