"""The workflow rules of the register of secondments (干部互派), person by person."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from twincity.audit.models import AuditEvent, ObjectChange
from twincity.core.models import ArchiveInsteadError
from twincity.core.search import search
from twincity.core.services import ConflictError
from twincity.exchanges import services
from twincity.exchanges.choices import Rank, Rating, SecondmentStatus
from twincity.exchanges.models import Secondment, SecondmentReport
from twincity.regions.models import Organisation, Region

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def second(world, *, user="office", home=None, host=None, start=-100, end=200, **fields):
    """A Liangjiang cadre serving in a Tianfu unit (by default the Tianfu market-supervision bureau)."""
    return services.create_secondment(
        partnership=world.partnership,
        user=world.users[user],
        person_name=fields.pop("person_name", "王某某"),
        post=fields.pop("post", "两江新区市场监管局副局长"),
        home_organisation=home or world.lj_dept,
        host_organisation=host or world.tf_dept,
        start_date=days(start),
        end_date=days(end),
        **fields,
    )


def verbs(obj) -> list[str]:
    events = AuditEvent.objects.filter(object_id=obj.pk, verb__startswith="secondment.").order_by("pk")
    return list(events.values_list("verb", flat=True))


# --- recording a secondment ---


def test_a_secondment_takes_its_sides_from_its_units_and_leaves_a_trace(world):
    s = second(world, rank=Rank.DIVISION, objectives="学习市场监管一体化经验")
    assert (s.home_side, s.host_side) == (world.lj, world.tf)
    assert world.lj_dept.name in s.title
    assert world.tf_dept.name in s.title
    assert ObjectChange.objects.filter(changed_object_id=s.pk, action="create").exists()
    assert verbs(s) == ["secondment.created"]


def test_a_secondment_must_cross_from_one_side_to_the_other(world):
    with pytest.raises(ValidationError) as raised:
        second(world, home=world.tf_dept2, host=world.tf_dept)
    assert "host_organisation" in raised.value.message_dict
    assert not Secondment.objects.exists()


def test_a_secondment_cannot_go_from_a_unit_to_itself(world):
    with pytest.raises(ValidationError):
        second(world, home=world.tf_dept, host=world.tf_dept)
    assert not Secondment.objects.exists()


def test_the_term_must_end_after_it_starts(world):
    with pytest.raises(ValidationError) as raised:
        second(world, start=10, end=10)
    assert "end_date" in raised.value.message_dict
    assert not Secondment.objects.exists()


def test_a_unit_of_no_side_of_the_partnership_is_refused(world):
    elsewhere = Region.objects.create(code="XA", name="西咸新区", short_name="西咸")
    unit = Organisation.objects.create(region=elsewhere, name="西咸新区组织部")
    with pytest.raises(ValidationError) as raised:
        second(world, host=unit)
    assert "host_organisation" in raised.value.message_dict


@pytest.mark.parametrize("persona", ["office", "tf-coord", "lj-coord"])
def test_the_office_and_either_sides_coordinator_record_a_secondment(world, persona):
    assert second(world, user=persona).pk


@pytest.mark.parametrize("persona", ["tf-unit", "lj-unit", "leader", "auditor", "outsider"])
def test_unit_contacts_leaders_auditors_and_outsiders_do_not_record_secondments(world, persona):
    with pytest.raises(PermissionDenied):
        second(world, user=persona)
    assert not Secondment.objects.exists()


# --- editing ---


@pytest.mark.parametrize("persona", ["office", "tf-coord", "lj-coord"])
def test_each_side_keeps_the_record_of_a_secondment_it_is_party_to(world, persona):
    s = second(world)
    services.update_secondment(s, user=world.users[persona], version=s.version, host_post="天府新区市场监管局局长助理")
    s.refresh_from_db()
    assert s.host_post == "天府新区市场监管局局长助理"
    assert s.version == 2


@pytest.mark.parametrize("persona", ["tf-unit", "lj-unit", "leader", "auditor", "outsider"])
def test_only_the_office_and_the_coordinators_edit_a_secondment(world, persona):
    s = second(world)
    with pytest.raises(PermissionDenied):
        services.update_secondment(s, user=world.users[persona], version=s.version, objectives="改")
    s.refresh_from_db()
    assert s.objectives == ""


def test_an_edit_from_a_stale_version_is_refused_and_overwrites_nothing(world):
    s = second(world)
    stale = s.version
    services.update_secondment(s, user=world.users["tf-coord"], version=stale, objectives="第一稿")
    with pytest.raises(ConflictError):
        services.update_secondment(
            Secondment.objects.get(pk=s.pk), user=world.users["lj-coord"], version=stale, objectives="第二稿"
        )
    s.refresh_from_db()
    assert s.objectives == "第一稿"


def test_moving_a_secondment_to_other_units_moves_its_sides(world):
    s = second(world)
    services.update_secondment(
        s,
        user=world.users["office"],
        version=s.version,
        home_organisation=world.tf_dept2,
        host_organisation=world.lj_dept2,
    )
    s.refresh_from_db()
    assert (s.home_side, s.host_side) == (world.tf, world.lj)


def test_the_workflow_fields_are_not_edited_as_plain_fields(world):
    s = second(world)
    with pytest.raises(TypeError):
        services.update_secondment(s, user=world.users["office"], version=s.version, rating=Rating.EXCELLENT)


def test_markup_in_free_text_is_stored_as_plain_text(world):
    s = second(world, objectives="<b>学习</b><script>alert(1)</script>经验")
    assert s.objectives == "学习经验"


# --- status and the dashboard ---


def test_the_status_follows_the_dates_in_the_database_and_in_python_alike(world):
    planned = second(world, person_name="甲", start=10, end=300)
    serving = second(world, person_name="乙", start=-10, end=300)
    ended = second(world, person_name="丙", start=-300, end=-1)
    recalled = second(world, person_name="丁", start=-30, end=300)
    services.cut_short(recalled, user=world.users["lj-coord"], on=days(-2), reason="工作需要提前召回")
    expected = {
        planned.pk: SecondmentStatus.PLANNED,
        serving.pk: SecondmentStatus.ACTIVE,
        ended.pk: SecondmentStatus.ENDED,
        recalled.pk: SecondmentStatus.CUT_SHORT,
    }
    assert dict(Secondment.objects.with_status().values_list("pk", "status")) == expected
    assert {s.pk: s.status_on() for s in Secondment.objects.all()} == expected
    assert list(Secondment.objects.status_is(SecondmentStatus.ENDED)) == [ended]


def test_the_dashboard_list_holds_the_live_terms_ending_within_sixty_days(world):
    soon = second(world, person_name="甲", end=30)
    second(world, person_name="乙", end=90)
    second(world, person_name="丙", start=-300, end=-1)
    recalled = second(world, person_name="丁", end=300)
    services.cut_short(recalled, user=world.users["office"], on=days(10), reason="借调期满前调整")
    gone = second(world, person_name="戊", end=20)
    services.archive_secondment(gone, user=world.users["office"])
    assert list(Secondment.objects.ending_within(60, TODAY)) == [recalled, soon]


# --- periodic reports ---


@pytest.mark.parametrize("persona", ["office", "tf-coord", "lj-coord", "tf-unit", "lj-unit"])
def test_either_unit_either_coordinator_or_the_office_files_a_periodic_report(world, persona):
    s = second(world)
    report = services.file_report(s, user=world.users[persona], period="2020-q3", text="参与一体化监管改革")
    assert report.period == "2020-Q3"
    assert report.filed_by == world.users[persona]
    assert verbs(s) == ["secondment.created", "secondment.reported"]


@pytest.mark.parametrize("persona", ["leader", "auditor", "outsider"])
def test_leaders_auditors_and_outsiders_file_no_reports(world, persona):
    s = second(world)
    with pytest.raises(PermissionDenied):
        services.file_report(s, user=world.users[persona], period="2020-Q3", text="x")
    assert not SecondmentReport.objects.exists()


def test_a_unit_contact_files_reports_only_for_secondments_of_its_own_unit(world):
    s = second(world, host=world.tf_dept2)
    with pytest.raises(PermissionDenied):
        services.file_report(s, user=world.users["tf-unit"], period="2020-Q3", text="x")
    assert services.file_report(s, user=world.users["lj-unit"], period="2020-Q3", text="在天府新区教育局挂职")


def test_one_report_per_period_and_a_correction_instead_of_a_second(world):
    s = second(world)
    first = services.file_report(s, user=world.users["lj-unit"], period="2020-Q3", text="第一次")
    with pytest.raises(ValidationError) as raised:
        services.file_report(s, user=world.users["tf-unit"], period="2020-Q3", text="第二次")
    assert "period" in raised.value.message_dict
    services.update_report(first, user=world.users["tf-unit"], version=first.version, text="更正后")
    first.refresh_from_db()
    assert first.text == "更正后"


def test_a_report_correction_from_a_stale_version_is_refused(world):
    s = second(world)
    report = services.file_report(s, user=world.users["lj-unit"], period="2020-Q3", text="原文")
    stale = report.version
    services.update_report(report, user=world.users["lj-unit"], version=stale, text="第一次更正")
    with pytest.raises(ConflictError):
        services.update_report(
            SecondmentReport.objects.get(pk=report.pk), user=world.users["tf-unit"], version=stale, text="第二次更正"
        )


@pytest.mark.parametrize("period", ["三季度", "2020Q3", "2020-13", ""])
def test_a_period_is_written_as_a_year_half_quarter_or_month(world, period):
    s = second(world)
    with pytest.raises(ValidationError):
        services.file_report(s, user=world.users["office"], period=period, text="x")


def test_no_report_before_the_term_starts_or_dated_in_the_future(world):
    planned = second(world, start=10, end=300)
    with pytest.raises(ValidationError):
        services.file_report(planned, user=world.users["office"], period="2020-Q3", text="x")
    serving = second(world)
    with pytest.raises(ValidationError):
        services.file_report(serving, user=world.users["office"], period="2020-Q3", text="x", reported_on=days(1))
    assert not SecondmentReport.objects.exists()


def test_a_reports_words_find_its_secondment(world):
    s = second(world)
    other = second(world, person_name="李某某")
    services.file_report(s, user=world.users["lj-unit"], period="2020-Q3", text="牵头起草营商环境联合评估办法")
    assert list(search(Secondment.objects.all(), "营商环境")) == [s]
    assert list(search(Secondment.objects.all(), "李某某")) == [other]


def test_a_report_filed_by_mistake_is_withdrawn_not_deleted(world):
    s = second(world)
    report = services.file_report(s, user=world.users["lj-unit"], period="2020-Q3", text="误报内容")
    with pytest.raises(ArchiveInsteadError):
        report.delete()
    services.archive_report(report, user=world.users["lj-unit"])
    report.refresh_from_db()
    assert report.is_archived
    assert not search(Secondment.objects.all(), "误报").exists()
    # the period is free again
    assert services.file_report(s, user=world.users["lj-unit"], period="2020-Q3", text="正确内容")


# --- cutting a term short ---


def test_a_term_is_cut_short_with_a_reason_and_ends_that_day(world):
    s = second(world)
    with pytest.raises(ValidationError):
        services.cut_short(s, user=world.users["tf-coord"], on=days(-1), reason="  ")
    services.cut_short(s, user=world.users["tf-coord"], on=days(-1), reason="因工作需要提前结束")
    s.refresh_from_db()
    assert s.status_on() == SecondmentStatus.CUT_SHORT
    assert s.last_day == days(-1)
    assert verbs(s)[-1] == "secondment.cut_short"
    with pytest.raises(ValidationError):
        services.cut_short(s, user=world.users["tf-coord"], on=days(-1), reason="再次")


@pytest.mark.parametrize("offset", [-101, 200, 250])
def test_a_term_is_cut_short_only_between_its_start_and_its_planned_end(world, offset):
    s = second(world, start=-100, end=200)
    with pytest.raises(ValidationError):
        services.cut_short(s, user=world.users["office"], on=days(offset), reason="调整")


@pytest.mark.parametrize("persona", ["tf-unit", "lj-unit", "leader", "auditor"])
def test_only_the_office_and_the_coordinators_cut_a_term_short(world, persona):
    s = second(world)
    with pytest.raises(PermissionDenied):
        services.cut_short(s, user=world.users[persona], on=days(-1), reason="调整")


# --- the host's evaluation ---


def ended(world):
    return second(world, start=-365, end=-1)


@pytest.mark.parametrize("persona", ["office", "tf-coord", "tf-unit"])
def test_the_host_evaluates_the_term(world, persona):
    s = ended(world)
    user = world.users[persona]
    assert services.may_evaluate(user, s)
    services.evaluate(s, user=user, rating=Rating.EXCELLENT, evaluation="工作扎实，成效明显")
    s.refresh_from_db()
    assert (s.rating, s.evaluated_by, s.evaluated_on) == (Rating.EXCELLENT, user, TODAY)
    assert verbs(s)[-1] == "secondment.evaluated"


@pytest.mark.parametrize("persona", ["lj-coord", "lj-unit", "leader", "auditor", "outsider"])
def test_the_home_side_and_the_readers_do_not_evaluate(world, persona):
    s = ended(world)
    user = world.users[persona]
    assert not services.may_evaluate(user, s)
    with pytest.raises(PermissionDenied):
        services.evaluate(s, user=user, rating=Rating.EXCELLENT, evaluation="自评优秀")
    s.refresh_from_db()
    assert not s.is_evaluated


def test_the_contact_of_another_unit_on_the_host_side_does_not_evaluate(world):
    s = second(world, host=world.tf_dept2, start=-365, end=-1)
    with pytest.raises(PermissionDenied):
        services.evaluate(s, user=world.users["tf-unit"], rating=Rating.COMPETENT, evaluation="称职")


def test_the_evaluation_comes_at_or_after_the_end_of_the_term(world):
    s = second(world, start=-100, end=1)
    with pytest.raises(ValidationError) as raised:
        services.evaluate(s, user=world.users["office"], rating=Rating.COMPETENT, evaluation="称职")
    assert "evaluated_on" in raised.value.message_dict
    last_day = second(world, person_name="李某某", start=-100, end=0)
    evaluated = services.evaluate(last_day, user=world.users["office"], rating=Rating.COMPETENT, evaluation="称职")
    assert evaluated.is_evaluated
    assert evaluated.evaluated_on == TODAY


def test_a_term_cut_short_is_evaluated_from_the_day_it_ended(world):
    s = second(world, start=-100, end=200)
    services.cut_short(s, user=world.users["lj-coord"], on=days(-5), reason="家庭原因申请提前结束")
    with pytest.raises(ValidationError):
        services.evaluate(
            s, user=world.users["tf-coord"], rating=Rating.COMPETENT, evaluation="x", evaluated_on=days(-6)
        )
    services.evaluate(s, user=world.users["tf-coord"], rating=Rating.BASICALLY_COMPETENT, evaluation="基本完成任务")
    s.refresh_from_db()
    assert s.rating == Rating.BASICALLY_COMPETENT


def test_a_term_cut_short_in_the_future_is_not_evaluated_yet(world):
    s = second(world, start=-100, end=200)
    services.cut_short(s, user=world.users["office"], on=days(20), reason="提前轮换")
    with pytest.raises(ValidationError):
        services.evaluate(s, user=world.users["office"], rating=Rating.COMPETENT, evaluation="x")


def test_an_evaluation_needs_a_rating_a_text_and_no_future_date(world):
    s = ended(world)
    office = world.users["office"]
    with pytest.raises(ValidationError):
        services.evaluate(s, user=office, rating="great", evaluation="x")
    with pytest.raises(ValidationError):
        services.evaluate(s, user=office, rating=Rating.COMPETENT, evaluation="<p> </p>")
    with pytest.raises(ValidationError):
        services.evaluate(s, user=office, rating=Rating.COMPETENT, evaluation="x", evaluated_on=days(1))
    s.refresh_from_db()
    assert not s.is_evaluated


def test_a_revised_evaluation_replaces_the_first_and_both_stay_in_the_history(world):
    s = ended(world)
    services.evaluate(s, user=world.users["tf-unit"], rating=Rating.COMPETENT, evaluation="称职")
    services.evaluate(s, user=world.users["tf-coord"], rating=Rating.EXCELLENT, evaluation="经复核，评为优秀")
    s.refresh_from_db()
    assert s.rating == Rating.EXCELLENT
    revised = AuditEvent.objects.get(object_id=s.pk, verb="secondment.evaluation_revised")
    assert revised.data["previous"] == Rating.COMPETENT
    ratings = [c.postchange_data.get("rating") for c in ObjectChange.objects.filter(changed_object_id=s.pk)]
    assert Rating.COMPETENT in ratings
    assert Rating.EXCELLENT in ratings


def test_an_evaluated_term_takes_no_more_reports_and_is_not_cut_short(world):
    s = ended(world)
    services.evaluate(s, user=world.users["office"], rating=Rating.COMPETENT, evaluation="称职")
    with pytest.raises(ValidationError):
        services.file_report(s, user=world.users["lj-unit"], period="2020-Q4", text="补报")


def test_the_term_cannot_be_moved_past_its_evaluation(world):
    s = ended(world)
    services.evaluate(s, user=world.users["office"], rating=Rating.COMPETENT, evaluation="称职")
    s.refresh_from_db()
    with pytest.raises(ValidationError):
        services.update_secondment(s, user=world.users["office"], version=s.version, end_date=days(30))


# --- archive, not delete ---


def test_a_secondment_is_archived_never_deleted(world):
    s = second(world)
    with pytest.raises(ArchiveInsteadError):
        s.delete()
    with pytest.raises(PermissionDenied):
        services.archive_secondment(s, user=world.users["tf-unit"])
    services.archive_secondment(s, user=world.users["lj-coord"])
    s.refresh_from_db()
    assert s.is_archived
    assert verbs(s)[-1] == "secondment.archived"
    with pytest.raises(ValidationError):
        services.file_report(s, user=world.users["office"], period="2020-Q3", text="x")
    services.restore_secondment(s, user=world.users["office"])
    s.refresh_from_db()
    assert not s.is_archived


def test_every_member_reads_every_secondment_and_an_outsider_none(world):
    s = second(world)
    for persona in ("office", "tf-coord", "lj-coord", "tf-unit", "lj-unit", "leader", "auditor"):
        assert list(Secondment.objects.restrict(world.users[persona])) == [s]
    assert not Secondment.objects.restrict(world.users["outsider"]).exists()
