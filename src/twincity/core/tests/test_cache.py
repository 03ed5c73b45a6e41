"""The cache of rendered pieces (core/cache.py): a hit saves queries, every kind of write makes the next render
show it, and people with different access never share an entry (issue 12).

The tests run on whatever cache the settings name (Redis under .ci/run's PostgreSQL run, each worker under a
prefix of its own; memory otherwise) and assert query counts and page contents, never times."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from redis.backoff import NoBackoff
from redis.retry import Retry

from twincity.accounts.choices import Role
from twincity.accounts.services import add_membership
from twincity.audit.context import acting
from twincity.core import cache as piece_cache
from twincity.core.services import lock, touch_once
from twincity.indicators import services as indicator_services
from twincity.indicators.services import FigureRow
from twincity.matters import excel
from twincity.matters import services as matter_services
from twincity.matters.models import Matter, Milestone
from twincity.meetings import services as meeting_services
from twincity.petitions.tests.test_services import make_petition
from twincity.regions import services as region_services
from twincity.regions.models import Partnership
from twincity.settings import cache_from_url
from twincity.supervision import services as supervision_services
from twincity.testing import build_second_partnership, make_matter, make_user, populate

pytestmark = pytest.mark.django_db

MATTERS = reverse("matters:list")


def signed_in(client, user):
    client.force_login(user)
    return client


def get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode(), len(queries)


def stamp(partnership) -> dt.datetime:
    return Partnership.objects.values_list("changed_at", flat=True).get(pk=partnership.pk)


@pytest.fixture
def scene(world):
    return populate(world)


# ---------------------------------------------------------------------------------------------- settings


def test_cache_url_names_the_backend():
    assert cache_from_url("")["BACKEND"].endswith("LocMemCache")
    assert cache_from_url("dummy://")["BACKEND"].endswith("DummyCache")
    redis = cache_from_url("redis://127.0.0.1:6379/5")
    assert redis["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert redis["LOCATION"] == "redis://127.0.0.1:6379/5"
    with pytest.raises(ValueError, match="Unsupported cache URL"):
        cache_from_url("memcached://x")


def test_a_test_writes_under_its_own_prefix_and_leaves_it_empty():
    backend = caches["default"]
    backend.set("probe", 1)
    assert backend.get("probe") == 1
    assert "-test-" in (backend.key_prefix or "-test-")  # locmem keeps its prefix too; Redis must
    piece_cache.clear_own_cache()
    assert backend.get("probe") is None


def test_a_test_cannot_empty_the_redis_every_worker_shares():
    """FLUSHDB from one xdist worker emptied another's entries mid-test; the suite refuses it (conftest.py)."""
    shared = RedisCache("redis://127.0.0.1:1/5", {})  # refused before it connects: nothing listens there
    with pytest.raises(AssertionError, match="clear_own_cache"):
        shared.clear()


# ---------------------------------------------------------------------------------------------- the key


def test_the_query_is_normalised(world, rf):
    office = world.users["office"]

    def key(query):
        request = rf.get(MATTERS + query)
        request.user = office
        return piece_cache.piece_key("what", request)

    assert key("?year=2020&status=&q=") == key("?q=&status=&year=2020")
    assert key("?year=") != key("")  # all years, not the latest (the matter list)
    assert key("?status=a&status=b&year=2020") == key("?year=2020&status=b&status=a")
    assert key("?year=2020") != key("?year=2021")
    assert key("?year=2020&page=2") != key("?year=2020")
    assert key("?year=2020&sort=title") != key("?year=2020")


def test_the_scope_is_the_memberships_and_flags(world):
    users = world.users
    signatures = {name: piece_cache.scope_signature(users[name]) for name in users}
    assert signatures["outsider"] is not None
    assert len(set(signatures.values())) == len(signatures)  # every persona has another access
    twin = make_user("tf-coord-2")
    add_membership(twin, world.partnership, Role.REGION_COORDINATOR, region=world.tf)
    assert piece_cache.scope_signature(twin) == signatures["tf-coord"]
    root = make_user("root", superuser=True)
    assert piece_cache.scope_signature(root) is None  # superusers read rows of no partnership: never cached


# ---------------------------------------------------------------------------------------------- hits


@pytest.mark.parametrize(
    "name",
    ["matters:list", "audit:log", "meetings:index", "meetings:actions", "petitions:petition_list"],
)
def test_a_hit_runs_fewer_queries(scene, client, name):
    signed_in(client, scene.users["office"])
    url = reverse(name) + f"?partnership={scene.partnership.pk}"
    first, missed = get(client, url)
    second, hit = get(client, url)
    assert hit <= missed - 2, (missed, hit)  # at least the count and the rows
    assert first.count("<tr") == second.count("<tr")


def test_a_miss_reads_the_stamps_once_for_the_page_and_its_results(world, client):
    """The page's key and its results' key are made from one reading of the stamps (``_stamps_of``), the one that
    reads the frame's partnerships (their stamps come with them: no query of the stamps alone); a write between two
    requests still moves the next request's keys."""
    signed_in(client, world.users["office"])
    url = MATTERS + f"?partnership={world.partnership.pk}"

    def stamp_reads():
        with CaptureQueriesContext(connection) as ctx:
            body = client.get(url).content.decode()
        sqls = [q["sql"] for q in ctx.captured_queries]
        assert not any('"changed_at" AS "changed_at"' in sql for sql in sqls)  # no query of the stamps alone
        return body, sum('"regions_partnership"."changed_at"' in sql for sql in sqls)

    before, reads = stamp_reads()
    assert reads == 1
    make_matter(world, title="写入之后")
    after, reads = stamp_reads()
    assert reads == 1
    assert "写入之后" in after
    assert "写入之后" not in before


def test_a_hit_on_the_htmx_fragment_too(world, client):
    make_matter(world, title="片段")
    signed_in(client, world.users["office"])
    _html, missed = get(client, MATTERS)
    with CaptureQueriesContext(connection) as queries:
        fragment = client.get(MATTERS, headers={"HX-Request": "true"})
    assert "片段" in fragment.content.decode()
    assert "csrfmiddlewaretoken" in fragment.content.decode()  # the token is rendered, never cached
    assert len(queries) < missed


def test_the_dashboard_hit_saves_its_figures_queries(world, client):
    make_matter(world, title="仪表")
    signed_in(client, world.users["office"])
    url = reverse("dashboard", args=[world.partnership.pk])

    def figures_read() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return sum('FROM "matters_matterside"' in q["sql"] for q in queries.captured_queries)

    assert figures_read() == 1  # the miss reads them (with the panels' reads: one round trip on PostgreSQL)
    assert figures_read() == 0  # the hit reads none


def test_same_scope_shares_an_entry(world, client):
    make_matter(world, title="共享")
    twin = make_user("tf-coord-2")
    add_membership(twin, world.partnership, Role.REGION_COORDINATOR, region=world.tf)
    _first, missed = get(signed_in(client, world.users["tf-coord"]), MATTERS)
    client.logout()
    second, hit = get(signed_in(client, twin), MATTERS)
    assert hit <= missed - 2, (missed, hit)
    assert "共享" in second


# ---------------------------------------------------------------------------------------------- never shared


def test_different_access_never_shares(world, client):
    make_matter(world, title="本伙伴关系的事项")
    other = build_second_partnership("X")
    office, unit = world.users["office"], world.users["tf-unit"]
    html, _ = get(signed_in(client, office), MATTERS)
    assert 'name="pk"' in html  # the office's bulk checkboxes
    client.logout()
    html, _ = get(signed_in(client, unit), MATTERS)
    assert "本伙伴关系的事项" in html
    assert 'name="pk"' not in html  # a unit contact's rows have none, though the office's are cached
    client.logout()
    html, _ = get(signed_in(client, other.users["office"]), MATTERS)
    assert "本伙伴关系的事项" not in html  # another partnership's office sees its own list only
    assert other.matter.title in html


def test_per_user_lists_keep_the_user_in_the_key(world, rf):
    twin = make_user("tf-coord-2")
    add_membership(twin, world.partnership, Role.REGION_COORDINATOR, region=world.tf)
    keys = []
    for user in (world.users["tf-coord"], twin):
        request = rf.get("/todos/")
        request.user = user
        keys.append(piece_cache.piece_key("todos", request, per_user=True))
    assert keys[0] != keys[1]  # the same access, but one's own to-dos are not the other's


def test_a_superuser_is_never_cached(world, client):
    make_matter(world, title="根")
    root = make_user("root", superuser=True)
    signed_in(client, root)
    _html, first = get(client, MATTERS)
    _html, second = get(client, MATTERS)
    assert second == first


# ---------------------------------------------------------------------------------------------- every write


def _write(scene, kind):
    w, office = scene, scene.users["office"]
    today = timezone.localdate()
    with acting(office):
        if kind == "matter edit":
            matter_services.update_matter(w.matter, user=office, version=w.matter.version, title="新的标题")
        elif kind == "matter create":
            make_matter(w, title="另一项")
        elif kind == "report":
            matter_services.file_progress(
                w.matter, user=w.users["lj-unit"], side_id=w.lj.pk, period="2020-07", text="推进", percent_complete=60
            )
        elif kind == "milestone add":
            matter_services.add_milestone(w.matter, side_id=w.tf.pk, title="新节点", due_date=today, user=office)
        elif kind == "milestone close":
            milestone = Milestone.objects.get(pk=w.milestone.pk)
            matter_services.close_milestone(milestone, user=office, done_date=today, evidence="已签署")
        elif kind == "archive":
            matter_services.archive_matter(Matter.objects.get(pk=w.matter.pk), user=office)
        elif kind == "thresholds":
            p = Partnership.objects.get(pk=w.partnership.pk)
            region_services.update_thresholds(p, user=office, version=p.version, near_days=60, lag_margin=5)
        elif kind == "meeting session":
            meeting_services.add_session(w.series, user=office, starts_at=timezone.now() + dt.timedelta(days=40))
        elif kind == "meeting item":
            meeting_services.add_item(w.next_session, user=office, title="新议题", side=w.tf)
        elif kind == "register entry":
            make_petition(w, title="新的建议")
        elif kind == "supervision step":
            case = supervision_services.case_of(w.action)
            supervision_services.give_feedback(case, case.sides.first(), user=office, text="进展", check=False)
        elif kind == "indicator figure":
            element = w.registers["indicators"]["gdp"]
            indicator_services.record_observations(
                w.partnership, [FigureRow(element=element, region=w.tf, period="2021", value=Decimal("7"))], user=office
            )
        elif kind == "import":
            book = excel.export_matters(Matter.objects.filter(pk=w.matter.pk), partnership=w.partnership)
            plan = excel.parse_import(BytesIO(book), partnership=w.partnership, year=2020, user=office)
            excel.apply_import(plan, user=office)
        else:  # pragma: no cover
            raise AssertionError(kind)


WRITES = [
    "matter edit",
    "matter create",
    "report",
    "milestone add",
    "milestone close",
    "archive",
    "thresholds",
    "meeting session",
    "meeting item",
    "register entry",
    "supervision step",
    "indicator figure",
    "import",
]


@pytest.mark.parametrize("kind", WRITES)
def test_every_write_moves_the_stamp_and_the_audit_log_shows_it(scene, client, kind):
    signed_in(client, scene.users["office"])
    url = reverse("audit:log") + f"?partnership={scene.partnership.pk}"
    before_html, _ = get(client, url)
    _html, hit = get(client, url)
    before = stamp(scene.partnership)
    _write(scene, kind)
    assert stamp(scene.partnership) > before, kind
    after_html, missed = get(client, url)
    assert after_html != before_html, kind  # the log's count and rows moved
    assert missed > hit


@pytest.mark.parametrize(
    ("kind", "url_name", "shows"),
    [
        ("matter edit", "matters:list", "新的标题"),
        ("matter create", "matters:list", "另一项"),
        ("meeting item", "meetings:index", None),
        ("meeting session", "meetings:index", None),
        ("register entry", "petitions:petition_list", None),
    ],
)
def test_the_next_render_of_the_list_shows_the_write(scene, client, kind, url_name, shows):
    signed_in(client, scene.users["office"])
    url = reverse(url_name) + f"?partnership={scene.partnership.pk}"
    before, _ = get(client, url)
    get(client, url)
    _write(scene, kind)
    after, _ = get(client, url)
    assert after != before
    if shows:
        assert shows in after


def test_archiving_takes_the_row_off_the_cached_list(scene, client):
    signed_in(client, scene.users["tf-unit"])
    html, _ = get(client, MATTERS)
    assert scene.matter.code in html
    _write(scene, "archive")
    html, _ = get(client, MATTERS)
    assert scene.matter.code not in html


def test_the_dashboard_shows_a_report_at_once(scene, client):
    signed_in(client, scene.users["leader"])
    url = reverse("dashboard", args=[scene.partnership.pk]) + "?year=2020"
    before, _ = get(client, url)
    _write(scene, "report")
    after, _ = get(client, url)
    assert after != before


# ---------------------------------------------------------------------------------------------- the safety net


def test_a_save_no_service_touched_still_shows(world, client):
    matter = make_matter(world)
    signed_in(client, world.users["auditor"])
    url = reverse("audit:log")
    before, _ = get(client, url)  # stored: from here on, the next write must move the stamp again
    stamped = stamp(world.partnership)
    Milestone.objects.create(
        matter=matter, year_list=matter.year_list, side=world.tf, title="直接保存", due_date=dt.date(2020, 5, 1)
    )
    assert stamp(world.partnership) > stamped
    after, _ = get(client, url)
    assert "直接保存" in after or after != before


def test_a_region_rename_moves_the_stamp_of_its_partnerships(world):
    before = stamp(world.partnership)
    world.tf.name_en = "Tianfu"
    world.tf.save()
    assert stamp(world.partnership) > before


def test_a_person_renamed_moves_their_partnerships_stamp_but_a_sign_in_does_not(world, client):
    user = world.users["tf-unit"]
    before = stamp(world.partnership)
    client.force_login(user)  # saves last_login
    assert stamp(world.partnership) == before
    user.first_name = "小王"
    user.save()
    assert stamp(world.partnership) > before


def test_after_a_lock_the_safety_net_costs_no_query(world):
    matter = make_matter(world)
    with transaction.atomic():
        lock(matter, version=matter.version)
        with CaptureQueriesContext(connection) as queries:
            touch_once(Matter, matter)
        assert len(queries) == 0


def test_a_rolled_back_touch_is_not_remembered(world):
    matter = make_matter(world)
    with transaction.atomic():
        try:
            with transaction.atomic():
                lock(matter, version=matter.version)
                raise RuntimeError
        except RuntimeError:
            pass
        with CaptureQueriesContext(connection) as queries:
            touch_once(Matter, matter)
        assert len(queries) == 1  # the stamp moved again: the first move was undone


def test_a_stored_piece_makes_the_next_write_move_the_stamp_again(world, client):
    matter = make_matter(world)
    with transaction.atomic():
        lock(matter, version=matter.version)
        piece_cache.get_or_render("tc:probe", lambda: "x")
        with CaptureQueriesContext(connection) as queries:
            touch_once(Matter, matter)
        assert len(queries) == 1


def test_a_cache_that_does_not_answer_costs_speed_not_the_page(world, client, settings):
    make_matter(world, title="没有缓存也能看")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/5",  # nothing listens there
            "OPTIONS": {"retry": Retry(NoBackoff(), 0), "socket_connect_timeout": 0.2},
        }
    }
    signed_in(client, world.users["office"])
    html, _ = get(client, MATTERS)
    assert "没有缓存也能看" in html
    get(client, reverse("dashboard", args=[world.partnership.pk]))


def test_a_page_past_the_end_still_shows_the_last_page(world, client):
    make_matter(world, title="最后一页")
    signed_in(client, world.users["office"])
    html, _ = get(client, MATTERS + "?page=999")  # as django-tables2 answers it uncached: the last page
    assert "最后一页" in html
    html, _ = get(client, MATTERS + "?page=999")
    assert "最后一页" in html


def test_stamps_taken_from_partnerships_read_now_are_those_the_stamps_query_reads(world):
    other = build_second_partnership()
    ids = [world.partnership.pk, other.partnership.pk]
    queried = piece_cache.stamps(ids)
    assert [pk for pk, _stamp in queried] == sorted(ids)
    read = list(Partnership.objects.filter(pk__in=ids))
    with CaptureQueriesContext(connection) as ctx:
        assert piece_cache.stamps(ids, read) == queried
    assert len(ctx.captured_queries) == 0  # all of them read: no query
    with CaptureQueriesContext(connection) as ctx:
        assert piece_cache.stamps(ids, read[:1]) == queried  # the others queried
        assert piece_cache.stamps(ids, Partnership.objects.filter(pk__in=ids).defer("changed_at")) == queried
    assert len(ctx.captured_queries) == 3  # the deferred ones' stamps are queried, not loaded one by one


def test_a_page_key_trusts_only_partnerships_it_read_itself(world, rf):
    """A user object whose memberships (and with them their partnerships) were read before, and may have outlived a
    write, has its stamps queried; one read for the key takes them from the partnerships read with the memberships."""
    user = world.users["office"]
    from twincity.accounts.access import partnerships_for  # noqa: PLC0415 - beside the read it stands for

    before = partnerships_for(user)  # read before
    make_matter(world, title="之后写入")  # moves the stamp
    assert before[0].changed_at != stamp(world.partnership)

    def key_stamps(reader):
        request = rf.get(MATTERS)
        request.user = reader
        request.session = {}
        with CaptureQueriesContext(connection) as ctx:
            assert piece_cache.page_key(request, "test") is not None
        return request._twincity_stamps[1], [q["sql"] for q in ctx.captured_queries]

    kept, sqls = key_stamps(user)
    assert kept == piece_cache.stamps([world.partnership.pk])
    assert any('"changed_at" AS "changed_at"' in sql for sql in sqls)  # queried, not taken from the old read
    fresh = type(user).objects.get(pk=user.pk)
    kept, sqls = key_stamps(fresh)
    assert kept == piece_cache.stamps([world.partnership.pk])
    assert [p.pk for p in partnerships_for(fresh)] == [world.partnership.pk]  # read now, with the stamps
    assert not any('"changed_at" AS "changed_at"' in sql for sql in sqls)
    assert len(sqls) == 1  # the memberships, with their partnerships and stamps
