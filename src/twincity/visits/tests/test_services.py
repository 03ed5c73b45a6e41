import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from twincity.audit.context import acting
from twincity.audit.models import AuditEvent, ObjectChange
from twincity.core.models import ArchiveInsteadError
from twincity.core.services import ConflictError
from twincity.matters.choices import Light, MatterStatus
from twincity.matters.models import Matter
from twincity.matters.services import OwnerSpec, change_status
from twincity.regions.models import PartnershipRegion, Region
from twincity.registers.choices import LinkRelation
from twincity.registers.models import MatterLink
from twincity.testing import make_matter
from twincity.visits import services
from twincity.visits.choices import Topic, VisitLevel, VisitStatus
from twincity.visits.models import Gap, Lesson, Visit
from twincity.visits.querysets import attach_follow_ups

pytestmark = pytest.mark.django_db

REFUSED = ("tf-unit", "lj-unit", "leader", "auditor", "outsider")


def record_visit(world, persona="office", **fields):
    user = world.users[persona]
    values = {
        "title": "重庆市党政代表团来川考察",
        "visiting_region": world.lj,
        "host_region": world.tf,
        "start_date": dt.date(2019, 7, 9),
        "end_date": dt.date(2019, 7, 10),
        "level": VisitLevel.PARTY_GOVERNMENT,
        "topics": [Topic.CITY, Topic.INDUSTRY],
    }
    values.update(fields)
    with acting(user):
        return services.create_visit(partnership=world.partnership, user=user, **values)


def record(model, world, visit, persona="office", **fields):
    user = world.users[persona]
    values = {"title": "坚持顶层设计战略谋划", "side": world.lj, "visit": visit}
    values.update(fields)
    with acting(user):
        return services.create_learning(model, partnership=world.partnership, user=user, **values)


def follow_up(world, entry, persona="office", owners=None, **fields):
    user = world.users[persona]
    values = {
        "title": "借鉴顶层设计经验，联合编制发展规划",
        "year": 2020,
        "owners": owners if owners is not None else [OwnerSpec(world.lj_dept), OwnerSpec(world.tf_dept)],
        "status": MatterStatus.APPROVED,
        "start_date": dt.date(2020, 7, 1),
        "due_date": dt.date(2020, 12, 31),
    }
    values.update(fields)
    with acting(user):
        return services.follow_up_learning(entry, user=user, **values)


def a_third_side(world):
    region = Region.objects.create(code="GA", name="贵安新区", short_name="贵安")
    PartnershipRegion.objects.create(partnership=world.partnership, region=region, rotation_order=3)
    return region


# --- visits ---------------------------------------------------------------------------------------


def test_a_visit_is_recorded_with_its_topics_and_its_creation_is_logged(world):
    visit = record_visit(world, topics=[Topic.INDUSTRY, Topic.CITY, Topic.INDUSTRY])
    assert visit.status == VisitStatus.HELD
    assert visit.topic_values == [Topic.CITY, Topic.INDUSTRY]  # in the order of the list, each once
    assert AuditEvent.objects.filter(verb="visit.created", object_id=visit.pk).exists()
    assert ObjectChange.objects.filter(changed_object_id=visit.pk, action="create").exists()


def test_free_text_of_a_visit_is_stored_without_markup_and_found_by_search(world):
    visit = record_visit(world, outcomes="<b>提炼形成</b>“十条真经”<script>x</script>")
    assert "<" not in visit.outcomes
    assert "真经" in visit.search_document


def test_a_side_does_not_visit_itself(world):
    with pytest.raises(ValidationError) as error:
        record_visit(world, visiting_region=world.tf, host_region=world.tf)
    assert "host_region" in error.value.message_dict
    assert not Visit.objects.exists()


def test_a_visit_is_between_sides_of_the_partnership(world):
    stranger = Region.objects.create(code="PD", name="浦东新区")
    with pytest.raises(ValidationError) as error:
        record_visit(world, host_region=stranger)
    assert "host_region" in error.value.message_dict


def test_a_visit_cannot_end_before_it_starts(world):
    with pytest.raises(ValidationError) as error:
        record_visit(world, start_date=dt.date(2019, 7, 10), end_date=dt.date(2019, 7, 9))
    assert "end_date" in error.value.message_dict


def test_topics_come_from_the_list_of_topics(world):
    with pytest.raises(ValidationError) as error:
        record_visit(world, topics=["tourism"])
    assert "topics" in error.value.message_dict
    assert not Visit.objects.exists()


def test_a_visit_ahead_is_planned_and_is_held_only_once_it_has_started(world):
    ahead = timezone.localdate() + dt.timedelta(days=10)
    visit = record_visit(world, start_date=ahead, end_date=None)
    assert visit.status == VisitStatus.PLANNED
    office = world.users["office"]
    with pytest.raises(ValidationError), acting(office):
        services.mark_held(visit, user=office)
    with pytest.raises(ValidationError):
        record_visit(world, start_date=ahead, end_date=None, status=VisitStatus.HELD)
    with acting(office):
        services.update_visit(visit, user=office, version=visit.version, start_date=timezone.localdate())
        visit = services.mark_held(visit, user=office, outcomes="签署合作备忘录")
    assert visit.status == VisitStatus.HELD
    assert visit.outcomes == "签署合作备忘录"
    assert AuditEvent.objects.filter(verb="visit.held", object_id=visit.pk).exists()


def test_a_planned_visit_is_cancelled_only_with_a_reason(world):
    visit = record_visit(world, start_date=timezone.localdate() + dt.timedelta(days=30), end_date=None)
    office = world.users["office"]
    with pytest.raises(ValidationError), acting(office):
        services.cancel_visit(visit, user=office, reason="  ")
    with acting(office):
        visit = services.cancel_visit(visit, user=office, reason="疫情防控，延期另行安排")
    assert visit.status == VisitStatus.CANCELLED
    assert AuditEvent.objects.get(verb="visit.cancelled", object_id=visit.pk).message == "疫情防控，延期另行安排"
    with pytest.raises(ValidationError), acting(office):
        services.cancel_visit(visit, user=office, reason="再次取消")


def test_editing_a_visit_replaces_its_topics(world):
    visit = record_visit(world)
    office = world.users["office"]
    with acting(office):
        services.update_visit(
            visit, user=office, version=visit.version, title="重庆市党政代表团来川考察学习", topics=[Topic.TALENT]
        )
    visit = Visit.objects.get(pk=visit.pk)
    assert visit.title == "重庆市党政代表团来川考察学习"
    assert visit.topic_values == [Topic.TALENT]
    assert visit.version == 2


def test_an_edit_from_a_stale_version_of_a_visit_is_refused(world):
    visit = record_visit(world)
    office, tf_coord = world.users["office"], world.users["tf-coord"]
    loaded = visit.version
    with acting(office):
        services.update_visit(visit, user=office, version=loaded, outcomes="提炼形成十条真经")
    with pytest.raises(ConflictError), acting(tf_coord):
        services.update_visit(Visit.objects.get(pk=visit.pk), user=tf_coord, version=loaded, outcomes="覆盖")
    assert Visit.objects.get(pk=visit.pk).outcomes == "提炼形成十条真经"


@pytest.mark.parametrize("persona", ["office", "tf-coord", "lj-coord"])
def test_the_office_and_the_coordinators_of_either_side_record_a_visit(world, persona):
    visit = record_visit(world, persona)
    assert Visit.objects.filter(pk=visit.pk).exists()


@pytest.mark.parametrize("persona", REFUSED)
def test_units_leaders_auditors_and_outsiders_do_not_record_or_edit_visits(world, persona):
    with pytest.raises(PermissionDenied):
        record_visit(world, persona)
    visit = record_visit(world)
    user = world.users[persona]
    with pytest.raises(PermissionDenied), acting(user):
        services.update_visit(visit, user=user, version=visit.version, title="改")
    assert Visit.objects.count() == 1


def test_a_coordinator_records_only_visits_their_side_took_part_in(world):
    third = a_third_side(world)
    with pytest.raises(PermissionDenied):
        record_visit(world, "lj-coord", visiting_region=third, host_region=world.tf)
    assert not Visit.objects.exists()


def test_a_visit_is_archived_not_deleted_and_only_once_its_lessons_are(world):
    visit = record_visit(world)
    lesson = record(Lesson, world, visit)
    office = world.users["office"]
    with pytest.raises(ArchiveInsteadError):
        visit.delete()
    with pytest.raises(ValidationError), acting(office):
        services.archive_visit(visit, user=office)
    with acting(office):
        services.archive_lesson(lesson, user=office)
        services.archive_visit(visit, user=office)
    assert Visit.objects.get(pk=visit.pk).is_archived
    assert AuditEvent.objects.filter(verb="visit.archived", object_id=visit.pk).exists()


def test_a_visit_keeps_the_sides_its_lessons_were_learned_by(world):
    third = a_third_side(world)
    visit = record_visit(world)
    record(Lesson, world, visit, side=world.lj)
    office = world.users["office"]
    with pytest.raises(ValidationError), acting(office):
        services.update_visit(visit, user=office, version=visit.version, visiting_region=third)
    assert Visit.objects.get(pk=visit.pk).visiting_region == world.lj


def test_visits_are_found_by_topic_and_counted_with_their_lessons_and_gaps(world):
    first = record_visit(world, topics=[Topic.TALENT])
    second = record_visit(world, title="天府新区党政代表团赴两江新区考察", topics=[Topic.OPENING_UP])
    record(Lesson, world, first)
    record(Lesson, world, first, title="坚持抢抓机遇借势借力")
    record(Gap, world, first, title="抢抓机遇方面的差距")
    assert list(Visit.objects.with_topic(Topic.TALENT)) == [first]
    counts = {v.pk: (v.lesson_count, v.gap_count) for v in Visit.objects.with_counts()}
    assert counts == {first.pk: (2, 1), second.pk: (0, 0)}


# --- lessons and gaps -----------------------------------------------------------------------------

BOTH = pytest.mark.parametrize("model", [Lesson, Gap], ids=["lesson", "gap"])


@BOTH
def test_entries_are_numbered_within_their_visit_and_side(world, model):
    visit = record_visit(world)
    first = record(model, world, visit)
    second = record(model, world, visit, title="坚持抢抓机遇借势借力")
    assert (first.number, second.number) == (1, 2)
    assert AuditEvent.objects.filter(verb=f"{model._meta.model_name}.created", object_id=first.pk).exists()
    with pytest.raises(ValidationError) as error:
        record(model, world, visit, title="重复编号", number=2)
    assert "number" in error.value.message_dict


@BOTH
def test_an_entry_comes_from_a_visit_its_side_took_part_in(world, model):
    third = a_third_side(world)
    visit = record_visit(world, visiting_region=third, host_region=world.tf)
    with pytest.raises(ValidationError) as error:
        record(model, world, visit, side=world.lj)
    assert "side" in error.value.message_dict
    assert record(model, world, visit, side=third).side == third


@BOTH
def test_an_entry_comes_only_from_a_visit_that_took_place(world, model):
    planned = record_visit(world, start_date=timezone.localdate() + dt.timedelta(days=5), end_date=None)
    with pytest.raises(ValidationError) as error:
        record(model, world, planned)
    assert "visit" in error.value.message_dict
    assert not model.objects.exists()


@BOTH
def test_an_entry_may_come_without_a_visit(world, model):
    entry = record(model, world, None, title="近学两江、远学浦东", side=world.tf)
    assert entry.visit is None
    assert entry.number is None


@BOTH
def test_only_the_side_that_learned_it_and_the_office_record_and_edit_an_entry(world, model):
    visit = record_visit(world)
    with pytest.raises(PermissionDenied):
        record(model, world, visit, "tf-coord", side=world.lj)
    assert not model.objects.exists()
    entry = record(model, world, visit, "lj-coord", side=world.lj)
    tf_coord, lj_coord = world.users["tf-coord"], world.users["lj-coord"]
    with pytest.raises(PermissionDenied), acting(tf_coord):
        services.update_learning(entry, user=tf_coord, version=entry.version, title="改")
    with pytest.raises(PermissionDenied), acting(lj_coord):  # nor can its side hand it to the other side
        services.update_learning(entry, user=lj_coord, version=entry.version, side=world.tf)
    entry = model.objects.get(pk=entry.pk)
    assert (entry.side, entry.title) == (world.lj, "坚持顶层设计战略谋划")
    with acting(lj_coord):
        services.update_learning(entry, user=lj_coord, version=entry.version, text="强化战略谋划")
    assert model.objects.get(pk=entry.pk).text == "强化战略谋划"


@BOTH
@pytest.mark.parametrize("persona", REFUSED)
def test_units_leaders_auditors_and_outsiders_do_not_record_entries(world, model, persona):
    visit = record_visit(world)
    with pytest.raises(PermissionDenied):
        record(model, world, visit, persona)
    entry = record(model, world, visit)
    user = world.users[persona]
    with pytest.raises(PermissionDenied), acting(user):
        services.archive_learning(entry, user=user)
    assert not model.objects.get(pk=entry.pk).is_archived


@BOTH
def test_an_edit_from_a_stale_version_of_an_entry_is_refused(world, model):
    entry = record(model, world, record_visit(world))
    office = world.users["office"]
    loaded = entry.version
    with acting(office):
        services.update_learning(entry, user=office, version=loaded, text="第一次修改")
    with pytest.raises(ConflictError), acting(office):
        services.update_learning(model.objects.get(pk=entry.pk), user=office, version=loaded, text="第二次修改")
    assert model.objects.get(pk=entry.pk).text == "第一次修改"


@BOTH
def test_an_entry_is_archived_not_deleted(world, model):
    entry = record(model, world, record_visit(world))
    with pytest.raises(ArchiveInsteadError):
        entry.delete()
    office = world.users["office"]
    with acting(office):
        services.archive_learning(entry, user=office)
    assert model.objects.get(pk=entry.pk).is_archived
    assert AuditEvent.objects.filter(verb=f"{model._meta.model_name}.archived", object_id=entry.pk).exists()


# --- follow-up ------------------------------------------------------------------------------------


@BOTH
def test_turning_an_entry_into_a_matter_links_it_and_shows_the_matters_state(world, model):
    entry = record(model, world, record_visit(world))
    matter = follow_up(world, entry, "lj-coord")
    link = MatterLink.objects.get(matter=matter)
    assert (link.subject, link.relation) == (entry, LinkRelation.CREATED)
    assert AuditEvent.objects.filter(verb=f"{model._meta.model_name}.followed_up", object_id=entry.pk).exists()
    [shown] = attach_follow_ups([entry])
    assert shown.follow_up.count == 1
    assert shown.follow_up.matters == [matter]
    assert shown.follow_up.matters[0].status == MatterStatus.APPROVED
    office = world.users["office"]
    with acting(office):
        change_status(Matter.objects.get(pk=matter.pk), MatterStatus.CANCELLED, user=office)
    [shown] = attach_follow_ups([model.objects.get(pk=entry.pk)])
    assert shown.follow_up.lights == [(Light.GREY, str(Light.GREY.label), 1)]


@BOTH
def test_a_coordinators_follow_up_matter_is_owned_by_their_own_side_too(world, model):
    entry = record(model, world, record_visit(world), side=world.lj)
    with pytest.raises(PermissionDenied):
        follow_up(world, entry, "lj-coord", owners=[OwnerSpec(world.tf_dept)])
    assert not Matter.objects.exists()
    assert not MatterLink.objects.exists()


@BOTH
def test_the_other_sides_coordinator_does_not_turn_an_entry_into_a_matter(world, model):
    entry = record(model, world, record_visit(world), side=world.lj)
    with pytest.raises(PermissionDenied):
        follow_up(world, entry, "tf-coord")
    with pytest.raises(PermissionDenied):
        follow_up(world, entry, "lj-unit")
    assert not Matter.objects.exists()
    assert not MatterLink.objects.exists()


def test_an_archived_entry_is_not_followed_up(world):
    entry = record(Gap, world, record_visit(world))
    office = world.users["office"]
    with acting(office):
        services.archive_gap(entry, user=office)
    with pytest.raises(ValidationError):
        follow_up(world, Gap.objects.get(pk=entry.pk))
    assert not Matter.objects.exists()


def test_an_existing_matter_follows_up_a_lesson_until_it_is_unlinked(world):
    lesson = record(Lesson, world, record_visit(world))
    matter = make_matter(world)
    lj_coord = world.users["lj-coord"]
    with acting(lj_coord):
        link = services.link_follow_up(lesson, matter, user=lj_coord, note="已纳入年度清单")
    assert link.relation == LinkRelation.SERVES
    assert Lesson.objects.with_follow_up_count().get(pk=lesson.pk).follow_up_count == 1
    with acting(lj_coord):
        services.unlink_follow_up(link, user=lj_coord)
    assert Lesson.objects.with_follow_up_count().get(pk=lesson.pk).follow_up_count == 0
    assert list(Lesson.objects.followed_up(False)) == [lesson]


def test_the_lesson_list_reads_every_lessons_follow_up_in_a_constant_number_of_queries(world):
    visit = record_visit(world)
    lessons = [record(Lesson, world, visit, title=f"第{i}条") for i in range(1, 7)]
    for i, lesson in enumerate(lessons[:3]):
        for j in range(i + 1):
            follow_up(world, lesson, title=f"第{i}条的后续事项{j}")

    def queries(n):
        with CaptureQueriesContext(connection) as captured:
            shown = attach_follow_ups(Lesson.objects.with_follow_up_count().order_by("number")[:n])
            summary = [(e.follow_up_count, e.follow_up.count, e.follow_up.lights) for e in shown]
        return len(captured), summary

    few, _summary = queries(2)
    many, summary = queries(6)
    assert few == many == 3  # the lessons, their links, the linked matters with their lights
    assert [count for count, _n, _lights in summary] == [1, 2, 3, 0, 0, 0]
    assert all(count == n for count, n, _lights in summary)
    assert list(Lesson.objects.followed_up().order_by("number")) == lessons[:3]
