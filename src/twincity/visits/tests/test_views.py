"""The registers' pages as people use them: lists with search and filters, a visit's page and steps,
a lesson's page with its follow-up, the dashboard panel and the agenda proposals."""

import datetime as dt
import io
import re
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from twincity.matters.models import Matter
from twincity.meetings.sources import SOURCES
from twincity.registers.models import MatterLink
from twincity.testkit import assert_page, unchanged
from twincity.visits import sources
from twincity.visits.choices import Topic, VisitStatus
from twincity.visits.models import Gap, Lesson, Visit
from twincity.visits.tests.test_services import follow_up, record, record_visit

pytestmark = pytest.mark.django_db


def listing(world, name, **params):
    query = "&".join(f"{k}={v}" for k, v in {"partnership": world.partnership.pk, **params}.items())
    return reverse(f"visits:{name}_list") + "?" + query


def test_the_visit_list_finds_visits_by_chinese_words_topic_and_year(world, client_as):
    record_visit(world, outcomes="提炼形成十条真经", topics=[Topic.CITY])
    record_visit(
        world,
        title="天府新区党政代表团赴两江新区实地考察学习",
        visiting_region=world.tf,
        host_region=world.lj,
        start_date=dt.date(2020, 4, 23),
        end_date=None,
        topics=[Topic.INNOVATION],
    )
    client = client_as("leader")
    body = client.get(listing(world, "visit", q="真经")).content.decode()
    assert "重庆市党政代表团来川考察" in body
    assert "实地考察学习" not in body
    body = client.get(listing(world, "visit", topic="innovation"), headers={"HX-Request": "true"}).content.decode()
    assert "实地考察学习" in body
    assert "来川考察" not in body
    assert "<html" not in body
    body = client.get(listing(world, "visit", year=2019)).content.decode()
    assert "来川考察" in body
    assert "实地考察学习" not in body
    assert "2019-07-09 — 07-10" in body
    assert "两江 → 天府" in body


def test_the_visit_list_takes_constant_queries(world, client_as):
    for i in range(3):
        visit = record_visit(world, title=f"考察{i}")
        record(Lesson, world, visit, title=f"经验{i}")
    client = client_as("office")
    url = listing(world, "visit")
    few = assert_page(client, url, queries=23, contains=["考察0", "考察2"], warm=True)
    for i in range(15):
        visit = record_visit(world, title=f"回访{i:02}", topics=[Topic.TALENT, Topic.REFORM])
        record(Gap, world, visit, title=f"差距{i}")
    assert_page(client, url, queries=few.queries, contains=["考察1", "回访00", "回访14", "人才、改革"])


def test_the_lesson_list_shows_each_lessons_follow_up_and_its_lights_in_constant_queries(world, client_as):
    visit = record_visit(world)
    first = record(Lesson, world, visit)
    record(Lesson, world, visit, title="坚持抢抓机遇借势借力")
    follow_up(world, first, status="in_progress", due_date=dt.date(2020, 12, 31))
    client = client_as("auditor")
    url = listing(world, "lesson")
    shown = ['data-count="1"', 'data-count="0"', "tc-light-", "坚持顶层设计战略谋划", "坚持抢抓机遇借势借力"]
    few = assert_page(client, url, queries=23, contains=shown, warm=True)
    for i in range(12):
        lesson = record(Lesson, world, visit, title=f"经验{i:02}")
        follow_up(world, lesson, title=f"后续事项{i}")
    assert_page(client, url, queries=few.queries, contains=[*shown, "经验00", "经验11"])
    body = client.get(listing(world, "lesson", followed_up="no")).content.decode()
    assert "坚持抢抓机遇借势借力" in body
    assert "坚持顶层设计战略谋划" not in body


def test_recording_and_editing_a_visit_through_the_forms(world, client_as):
    client = client_as("tf-coord")
    response = client.post(
        reverse("visits:visit_add") + f"?partnership={world.partnership.pk}",
        {
            "version": 0,
            "title": "天府新区党政代表团赴两江新区实地考察学习",
            "visiting_region": world.tf.pk,
            "host_region": world.lj.pk,
            "start_date": "2020-04-23",
            "level": "party_government",
            "topics": ["opening_up", "innovation"],
        },
    )
    visit = Visit.objects.get(title="天府新区党政代表团赴两江新区实地考察学习")
    assert response.status_code == 302
    assert response["Location"] == visit.get_absolute_url()
    assert visit.status == VisitStatus.HELD
    assert visit.topic_values == ["opening_up", "innovation"]
    edit = reverse("visits:visit_edit", args=[visit.pk])
    form = client.get(edit).content.decode()
    assert re.search(r'value="innovation" selected', form)
    assert not re.search(r'value="city" selected', form)
    data = {
        "version": 1,
        "title": visit.title,
        "visiting_region": world.tf.pk,
        "host_region": world.lj.pk,
        "start_date": "2020-04-23",
        "level": "party_government",
        "topics": ["innovation"],
        "outcomes": "四个方面的经验借鉴",
    }
    assert client.post(edit, data).status_code == 302
    stale = client_as("lj-coord").post(edit, {**data, "outcomes": "覆盖"})
    assert stale.status_code == 409
    visit = Visit.objects.get(pk=visit.pk)
    assert visit.outcomes == "四个方面的经验借鉴"
    assert visit.topic_values == ["innovation"]


def test_a_visit_to_itself_is_refused_on_the_form_with_the_reason(world, client_as):
    response = client_as("office").post(
        reverse("visits:visit_add") + f"?partnership={world.partnership.pk}",
        {
            "version": 0,
            "title": "自己考察自己",
            "visiting_region": world.tf.pk,
            "host_region": world.tf.pk,
            "start_date": "2020-04-23",
            "level": "department",
        },
    )
    assert response.status_code == 200
    assert not Visit.objects.exists()


def test_a_planned_visit_is_recorded_as_held_or_cancelled_on_its_page(world, client_as):
    ahead = record_visit(world, start_date=timezone.localdate() + dt.timedelta(days=3), end_date=None)
    today = record_visit(world, title="今日考察", start_date=timezone.localdate(), end_date=None, status="planned")
    client = client_as("lj-coord")
    body = client.get(ahead.get_absolute_url()).content.decode()
    assert 'id="held-form"' in body
    response = client.post(reverse("visits:held", args=[ahead.pk]), {"outcomes": "提前"}, follow=True)
    assert Visit.objects.get(pk=ahead.pk).status == VisitStatus.PLANNED
    assert "尚未开始" in response.content.decode() or "not started" in response.content.decode()
    client.post(reverse("visits:held", args=[today.pk]), {"outcomes": "签署备忘录"})
    assert Visit.objects.get(pk=today.pk).status == VisitStatus.HELD
    client.post(reverse("visits:cancel", args=[ahead.pk]), {"reason": "日程调整"})
    assert Visit.objects.get(pk=ahead.pk).status == VisitStatus.CANCELLED
    leader = client_as("leader")
    with unchanged(Visit):
        assert leader.post(reverse("visits:cancel", args=[today.pk]), {"reason": "x"}).status_code == 404


def test_archiving_a_visit_that_still_has_lessons_says_why_and_changes_nothing(world, client_as):
    visit = record_visit(world)
    record(Lesson, world, visit)
    response = client_as("office").post(reverse("visits:visit_archive", args=[visit.pk]), follow=True)
    assert not Visit.objects.get(pk=visit.pk).is_archived
    assert "经验借鉴" in response.content.decode() or "lessons" in response.content.decode()


def test_the_visit_page_lists_its_lessons_and_gaps_with_their_follow_up(world, client_as):
    visit = record_visit(world)
    lesson = record(Lesson, world, visit)
    record(Gap, world, visit, title="人才体制方面的差距")
    follow_up(world, lesson)
    body = client_as("tf-unit").get(visit.get_absolute_url()).content.decode()
    assert "坚持顶层设计战略谋划" in body
    assert "人才体制方面的差距" in body
    assert f'data-lesson="{lesson.pk}"' in body
    assert 'data-count="1"' in body
    assert 'data-count="0"' in body
    assert "visits/lessons/add/" not in body  # a unit contact records no lesson
    body = client_as("lj-coord").get(visit.get_absolute_url()).content.decode()
    assert f"visit={visit.pk}" in body


def test_a_lesson_is_added_from_its_visit_and_numbered_after_the_others(world, client_as):
    visit = record_visit(world)
    record(Lesson, world, visit)
    client = client_as("lj-coord")
    add = reverse("visits:lesson_add") + f"?partnership={world.partnership.pk}&visit={visit.pk}&side={world.lj.pk}"
    form = client.get(add).content.decode()
    assert f'<option value="{visit.pk}" selected' in form
    response = client.post(add, {"version": 0, "title": "坚持抢抓机遇借势借力", "side": world.lj.pk, "visit": visit.pk})
    lesson = Lesson.objects.get(title="坚持抢抓机遇借势借力")
    assert response.status_code == 302
    assert lesson.number == 2
    refused = client.post(add, {"version": 0, "title": "替天府记录", "side": world.tf.pk, "visit": visit.pk})
    assert refused.status_code == 200
    assert not Lesson.objects.filter(title="替天府记录").exists()


def test_a_lesson_turns_into_a_matter_on_its_page_and_shows_the_matters_state(world, client_as):
    lesson = record(Lesson, world, record_visit(world))
    url = reverse("registers:follow_up", args=["visits.lesson", lesson.pk])
    assert client_as("tf-coord").get(url).status_code == 404  # Tianfu did not learn it
    client = client_as("lj-coord")
    body = client.get(lesson.get_absolute_url()).content.decode()
    assert url in body
    response = client.post(
        url,
        {"title": "借鉴顶层设计经验编制规划", "year": 2020, f"units_{world.lj.pk}": [world.lj_dept.pk]},
    )
    assert response.status_code == 302
    assert response["Location"] == lesson.get_absolute_url()
    matter = Matter.objects.get(title="借鉴顶层设计经验编制规划")
    assert MatterLink.objects.get(matter=matter).subject == lesson
    body = client.get(lesson.get_absolute_url()).content.decode()
    assert f'data-matter="{matter.code}"' in body
    assert "tc-status-proposed" in body


def test_the_dashboard_panel_counts_what_is_not_followed_up_and_shows_planned_visits(world):
    visit = record_visit(world)
    lesson = record(Lesson, world, visit)
    record(Lesson, world, visit, title="坚持抢抓机遇借势借力")
    follow_up(world, lesson)
    record_visit(world, title="计划中的考察", start_date=timezone.localdate() + dt.timedelta(days=9), end_date=None)
    items = sources.panel_items(world.partnership, timezone.localdate())
    texts = [item.text for item in items]
    assert any("计划中的考察" in text for text in texts)
    assert "2条经验借鉴中有1条尚未转化为事项" in texts
    assert all("gap" not in item.url for item in items)  # no gap at all: nothing to say about gaps


def test_lessons_without_follow_up_are_proposed_for_the_agenda_once(world):
    visit = record_visit(world)
    waiting = record(Lesson, world, visit)
    done = record(Lesson, world, visit, title="坚持抢抓机遇借势借力")
    follow_up(world, done)
    session = SimpleNamespace(partnership=world.partnership)
    proposals = SOURCES["lesson_follow_up"].proposals(session, None, timezone.localdate())
    assert [p.obj for p in proposals] == [waiting]
    assert proposals[0].key == f"lesson_follow_up:{waiting.pk}"
    assert proposals[0].side_id == world.lj.pk
    later = SOURCES["lesson_follow_up"].proposals(session, timezone.localdate() + dt.timedelta(days=1), None)
    assert later == []


def test_every_register_exports_to_excel(world, client_as):
    visit = record_visit(world, code="2019-01")
    lesson = record(Lesson, world, visit)
    follow_up(world, lesson)
    client = client_as("auditor")
    for kind, sheet, expected in (
        ("visit", "考察互访", "城市、产业"),
        ("lesson", "经验借鉴", "联合编制发展规划（已确定）"),
    ):
        response = client.get(reverse(f"visits:{kind}_export") + f"?partnership={world.partnership.pk}")
        assert response.status_code == 200
        ws = load_workbook(io.BytesIO(response.content))[sheet]
        values = [str(c.value) for row in ws.iter_rows(min_row=3) for c in row if c.value is not None]
        assert any(expected in v for v in values), values
