"""The dashboard's figures on a miss (issue 12): read in a fixed number of queries however many matters there are,
and the same as reading the year's matters one by one — counts by status, light and field, each side's progress and
open milestones past their date, the three short lists — for each reader's own partnership, never another's."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from twincity.accounts.access import PARTNERSHIP, RULES
from twincity.accounts.choices import Action, Role
from twincity.accounts.services import add_membership
from twincity.audit.context import acting
from twincity.core import registry
from twincity.matters import health, services
from twincity.matters.choices import ACTIVE_STATUSES, Light, MatterStatus
from twincity.matters.models import Matter, MatterList, MatterSide, Milestone
from twincity.matters.services import OwnerSpec
from twincity.regions.models import Field
from twincity.testing import build_world, make_matter, make_user
from twincity.workspace import views

pytestmark = pytest.mark.django_db

EVERY_REQUEST_COMPUTED = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def fill(w, *, tag: str = "", plain: bool = False) -> None:
    """This year's list of ``w``'s partnership with one matter of each kind the dashboard tells apart: every status,
    every light (overdue by its date or by a milestone, near its deadline, lagging, on track), one side or both,
    milestones open, done and archived, reports per side, a completion reported by both sides, a matter without a
    field; and beside it what must not count (an archived matter, last year's). ``plain`` makes fewer, plainer ones
    (the other partnership)."""
    office = w.users["office"]
    year = timezone.localdate().year
    other_field = Field.objects.filter(partnership=w.partnership).exclude(pk=w.field.pk).order_by("order").first()

    def matter(title, **kwargs):
        kwargs.setdefault("start_date", days(-30))
        kwargs.setdefault("due_date", days(200))
        return make_matter(w, year=year, title=f"{tag}{title}", **kwargs)

    with acting(office):
        late = matter("逾期事项", due_date=days(-10), start_date=days(-100))
        services.file_progress(late, user=office, side_id=w.tf.pk, period="p1", text="进展", percent_complete=40)
        services.file_progress(late, user=office, side_id=w.lj.pk, period="p1", text="进展", percent_complete=85)
        matter("按期推进", status=MatterStatus.APPROVED, field=other_field)
        if plain:
            return
        step_late = matter("节点逾期")
        services.add_milestone(step_late, side_id=w.lj.pk, title="节点一", due_date=days(-5), user=office)
        services.add_milestone(step_late, side_id=w.lj.pk, title="节点二", due_date=days(-2), user=office)
        done = services.add_milestone(step_late, side_id=w.tf.pk, title="已完成", due_date=days(-3), user=office)
        services.close_milestone(done, user=office, done_date=days(-1), evidence="会议纪要")
        dropped = services.add_milestone(step_late, side_id=w.tf.pk, title="已撤销", due_date=days(-4), user=office)
        services.archive_milestone(dropped, user=office, reason="不再需要")
        services.file_progress(step_late, user=office, side_id=w.tf.pk, period="p1", text="进展", percent_complete=20)
        matter("临近截止", status=MatterStatus.APPROVED, due_date=days(7), field=None)
        matter("进度滞后", start_date=days(-300), due_date=days(65))
        one_side = matter("单方事项", owners=[OwnerSpec(w.tf_dept)], leaders={w.tf.pk: "张主任"}, due_date=days(120))
        services.add_milestone(one_side, side_id=w.tf.pk, title="近期节点", due_date=days(20), user=office)
        services.file_progress(one_side, user=office, side_id=w.tf.pk, period="p1", text="进展", percent_complete=55)
        both_done = matter("双方报完成", due_date=days(25))
        for side in (w.tf, w.lj):
            services.file_progress(
                both_done, user=office, side_id=side.pk, period="p2", text="完成", percent_complete=100
            )
        matter("拟议事项", status=MatterStatus.PROPOSED, field=other_field)
        services.change_status(matter("暂缓事项", field=None), MatterStatus.SUSPENDED, user=office, reason="暂缓")
        services.change_status(matter("取消事项"), MatterStatus.CANCELLED, user=office, reason="取消")
        services.change_status(matter("完成事项"), MatterStatus.COMPLETED, user=office, reason="同意", on=days(-1))
        # What must not count carries progress and a late milestone of its own, so that counting it would show.
        archived = matter("已归档", start_date=days(-90), due_date=days(-50))
        last_year = make_matter(w, year=year - 1, title=f"{tag}去年事项", start_date=days(-400), due_date=days(-380))
        moved_on = matter("转入明年", due_date=days(300))
        for gone in (archived, last_year, moved_on):
            services.add_milestone(gone, side_id=w.lj.pk, title="不计入", due_date=days(-6), user=office)
            services.file_progress(gone, user=office, side_id=w.tf.pk, period="p0", text="进展", percent_complete=95)
        services.archive_matter(archived, user=office)
        services.roll_over(moved_on, to_year=year + 1, user=office, reason="跨年推进")
        # … and a matter rolled over from last year's list into this one counts here, its sides and milestones too.
        rolled_in = make_matter(w, year=year - 1, title=f"{tag}去年转入", start_date=days(-200), due_date=days(90))
        services.add_milestone(rolled_in, side_id=w.lj.pk, title="转入节点", due_date=days(-8), user=office)
        services.file_progress(rolled_in, user=office, side_id=w.lj.pk, period="p1", text="进展", percent_complete=30)
        services.roll_over(rolled_in, to_year=year, user=office, reason="跨年推进")


def expected(w, today: dt.date) -> dict:
    """The figures read the plain way: every live matter of the year in turn, its light from ``health.explain``."""
    year = today.year
    matters = list(Matter.objects.filter(partnership=w.partnership, year=year, archived_at__isnull=True))
    light = {m.pk: health.explain(m, today).light for m in matters}
    fields = {f.pk: f.name for f in Field.objects.filter(partnership=w.partnership)}
    with translation.override("zh-hans"):
        no_field = str(_("(no field)"))
    by_field: dict[str, Counter] = {}
    for m in matters:
        by_field.setdefault(fields.get(m.field_id, no_field), Counter())[light[m.pk]] += 1
    progress, overdue_steps = {}, {}
    for side in w.partnership.sides():
        percents = [s.percent_complete for s in MatterSide.objects.filter(matter__in=matters, region=side)]
        progress[side.pk] = round(sum(percents) / len(percents)) if percents else 0
        overdue_steps[side.pk] = sum(
            1
            for step in Milestone.objects.filter(matter__in=matters, side=side)
            if step.archived_at is None and step.done_date is None and step.due_date < today
        )
    running = sorted((m for m in matters if m.status in ACTIVE_STATUSES), key=lambda m: (m.due_date, m.code))
    soon = today + dt.timedelta(days=30)

    def within(day):
        return day is not None and today <= day <= soon

    return {
        "total": len(matters),
        "by_status": Counter(m.status for m in matters),
        "by_light": Counter(light.values()),
        "by_field": by_field,
        "progress": progress,
        "overdue_steps": overdue_steps,
        "overdue": [
            m.pk for m in running if m.due_date < today or (m.next_milestone_due and m.next_milestone_due < today)
        ][:10],
        "due_soon": [m.pk for m in running if within(m.due_date) or within(m.next_milestone_due)][:10],
        "awaiting": [
            m.pk
            for m in sorted(matters, key=lambda m: m.code)
            if m.completion_requested_at is not None and m.status != MatterStatus.COMPLETED
        ][:10],
    }


def shown(context, sides) -> dict:
    """The same figures as the page has them (its context, charts included)."""
    charts = context["charts"]
    field_chart = charts["chart-field"]
    light_names = {str(Light(lt).label): lt for lt in Light}
    by_field = {name: Counter() for name in field_chart["xAxis"]["data"]}
    for series in field_chart["series"]:
        for name, n in zip(field_chart["xAxis"]["data"], series["data"], strict=True):
            if n:
                by_field[name][light_names[series["name"]]] = n
    progress, overdue = charts["chart-side"]["series"]
    return {
        "total": context["total"],
        "by_status": Counter({st: n for st, n in context["by_status"] if n}),
        "by_light": Counter({lt: n for lt, n in context["by_light"].items() if n}),
        "by_field": by_field,
        "progress": dict(zip([s.pk for s in sides], progress["data"], strict=True)),
        "overdue_steps": dict(zip([s.pk for s in sides], overdue["data"], strict=True)),
        "overdue": [m["pk"] for m in context["overdue"]],
        "due_soon": [m["pk"] for m in context["due_soon"]],
        "awaiting": [m["pk"] for m in context["awaiting"]],
    }


@pytest.fixture
def two_partnerships(db):
    """Two partnerships with lists of their own: each office sees only its own."""
    a, b = build_world(), build_world(code_prefix="X")
    fill(a)
    fill(b, tag="乙", plain=True)
    return a, b


def dashboard_as(client, reader, w) -> dict:
    """The dashboard of ``w``'s partnership as ``reader``'s office sees it: its context."""
    client.force_login(reader.users["office"])
    response = client.get(reverse("dashboard", args=[w.partnership.pk]))
    assert response.status_code == 200
    return response.context


@override_settings(CACHES=EVERY_REQUEST_COMPUTED)
def test_the_dashboard_shows_each_readers_own_figures_as_read_matter_by_matter(client, two_partnerships):
    today = timezone.localdate()
    a, b = two_partnerships
    figures_a, figures_b = (shown(dashboard_as(client, w, w), w.partnership.sides()) for w in (a, b))
    assert figures_a == expected(a, today)
    assert figures_b == expected(b, today)
    # The first list has every status and every light; the second one is its own (two matters), not the first's.
    assert set(figures_a["by_status"]) == set(MatterStatus)
    assert set(figures_a["by_light"]) == set(Light)
    assert figures_a["total"] == 12  # not the archived matter, last year's or the one moved on; the one rolled in
    # The closed and the archived step not counted, nor those of the matters that do not count; the rolled-in one's is.
    assert figures_a["overdue_steps"] == {a.tf.pk: 0, a.lj.pk: 3}
    assert figures_a["due_soon"]
    assert figures_a["awaiting"]
    assert figures_a["overdue"]
    assert figures_b["total"] == 2
    # The fields in their own order, the matters without one last, on either database.
    names = [f.name for f in Field.objects.filter(partnership=a.partnership).order_by("order", "pk")]
    with translation.override("zh-hans"):
        no_field = str(_("(no field)"))
    assert list(figures_a["by_field"]) == [n for n in [*names, no_field] if n in figures_a["by_field"]]
    assert list(figures_a["by_field"])[-1] == no_field
    client.force_login(b.users["office"])
    assert client.get(reverse("dashboard", args=[a.partnership.pk])).status_code == 404


def test_the_cached_figures_of_one_partnership_never_answer_for_another(client, two_partnerships):
    """With the cache on: each office reads its own partnership's figures, then a leader of both reads each
    partnership's own (the figures are stored by access scope and partnership, never shared across them)."""
    today = timezone.localdate()
    a, b = two_partnerships
    for w in (a, b):
        assert shown(dashboard_as(client, w, w), w.partnership.sides()) == expected(w, today)
    both = make_user("both-leader")
    for w in (a, b):
        add_membership(both, w.partnership, Role.LEADER)
    client.force_login(both)
    for w in (b, a):
        context = client.get(reverse("dashboard", args=[w.partnership.pk])).context
        assert shown(context, w.partnership.sides()) == expected(w, today)


def test_the_field_chart_counts_every_matter_of_a_field_whatever_its_status(client, two_partnerships):
    """Two statuses with one light in one field (approved and in progress, both overdue) add up: the chart once showed
    only the last status's count."""
    a, _b = two_partnerships
    with acting(a.users["office"]):
        make_matter(
            a, year=timezone.localdate().year, title="已批准逾期", status=MatterStatus.APPROVED, due_date=days(-1)
        )
    context = dashboard_as(client, a, a)
    field_chart = context["charts"]["chart-field"]
    red = next(s for s in field_chart["series"] if s["name"] == str(Light.RED.label))
    column = field_chart["xAxis"]["data"].index(a.field.name)
    statuses = Matter.objects.filter(partnership=a.partnership, field=a.field, due_date__lt=timezone.localdate())
    assert set(statuses.values_list("status", flat=True)) >= {MatterStatus.APPROVED, MatterStatus.IN_PROGRESS}
    assert red["data"][column] == expected(a, timezone.localdate())["by_field"][a.field.name][Light.RED]
    assert sum(sum(s["data"]) for s in field_chart["series"]) == context["total"]


@override_settings(CACHES=EVERY_REQUEST_COMPUTED)
def test_the_dashboard_reads_as_many_queries_for_a_long_list_as_for_a_short_one(client, world):
    url = reverse("dashboard", args=[world.partnership.pk])
    client.force_login(world.users["office"])
    fill(world, tag="一")
    with CaptureQueriesContext(connection) as short:
        assert client.get(url).status_code == 200
    for tag in ("二", "三", "四"):
        fill(world, tag=tag)
    assert Matter.objects.filter(year=timezone.localdate().year, archived_at__isnull=True).count() == 4 * 12
    with CaptureQueriesContext(connection) as long:
        assert client.get(url).status_code == 200
    assert len(long) == len(short), [q["sql"][:120] for q in long.captured_queries]


def test_the_figures_take_nine_reads_in_one_round_trip_on_postgresql(world, django_assert_num_queries):
    """Counts, sides, progress, open milestones past their date, the fields' names and the three short lists (due
    soon read as two): nine reads, sent as one text to PostgreSQL, one after the other to SQLite."""
    fill(world)
    today = timezone.localdate()
    year_list = MatterList.objects.get(partnership=world.partnership, year=today.year).pk
    figures = (world.partnership, today.year, year_list, today, False, lambda **kw: "")
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 9):
        views._dashboard_figures(*figures)


@override_settings(CACHES=EVERY_REQUEST_COMPUTED)
def test_the_figures_and_every_panels_reads_are_one_round_trip_on_postgresql(client, world):
    """The page sends its figures' nine reads and every register panel's reads as one text of prepared statements
    (``core.reads.together``) on PostgreSQL; on SQLite each read is its own statement."""
    fill(world)
    today = timezone.localdate()
    year_list = MatterList.objects.get(partnership=world.partnership, year=today.year).pk
    reads = len(views._figure_reads(world.partnership.pk, today.year, year_list, today))
    reads += len(registry.panel_reads(world.partnership.pk, today))
    client.force_login(world.users["office"])
    url = reverse("dashboard", args=[world.partnership.pk])
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as sent:
        assert client.get(url).status_code == 200
    figures = [q["sql"] for q in sent.captured_queries if 'FROM "matters_matterside"' in q["sql"]]
    assert len(figures) == 1
    if connection.vendor == "postgresql":
        assert figures[0].count("EXECUTE ") == reads >= 9 + 7
        assert 'FROM "petitions_petition"' in figures[0]
    else:
        assert "EXECUTE" not in figures[0]
        assert len(sent.captured_queries) > reads


def test_every_role_views_the_whole_partnership_so_the_figures_are_the_partnerships():
    """The figures are read for the partnership the door let the reader see, not through ``restrict`` per reader
    (their reads are compiled once, the same for everyone): right only while every role views the whole partnership.
    Narrowing what a role views must send the dashboard's reads through the door again."""
    assert RULES[Action.VIEW] == dict.fromkeys(Role, PARTNERSHIP)
