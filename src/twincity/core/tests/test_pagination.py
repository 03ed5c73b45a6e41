"""Pages that do not grow with the data (core/pagination.py, core/search.py, docs/lists.md)."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.db.models import Q
from django.db.models.functions import Lower
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from twincity.audit.context import acting
from twincity.audit.models import ObjectChange
from twincity.core import search
from twincity.core.cache import clear_own_cache
from twincity.core.pagination import CappedPaginator, capped_count, keyset_keys, ordered, reversed_keys
from twincity.core.views import ObjectListView
from twincity.matters import services
from twincity.matters.models import Matter
from twincity.matters.tables import rows_queryset
from twincity.testing import make_matter

pytestmark = pytest.mark.django_db


def add_matters(world, n, *, title="合作事项", start=0):
    """``n`` matters: due dates repeat (ties), every third has no due date, every other a milestone (NULLs)."""
    office = world.users["office"]
    made = []
    for i in range(start, start + n):
        m = make_matter(
            world,
            year=2020 + i % 2,
            title=f"{title}{i}",
            due_date=None if i % 3 == 0 else dt.date(2020 + i % 2, 6 + i % 4, 1),
        )
        if i % 2:
            with acting(office):
                services.add_milestone(
                    m, side_id=world.tf.pk, title="节点", due_date=dt.date(2020, 3, 1 + i), user=office
                )
        made.append(m)
    return made


def walk(queryset, *, per_page, cap):
    """Every row the pages show: the numbered pages, then "next" after the cursor until there is none."""
    first = CappedPaginator(queryset, per_page, cap=cap)
    seen = []
    for number in first.page_range:
        seen += [m.pk for m in first.page(number).object_list]
    cursor = first.page(first.num_pages).next_cursor
    while cursor:
        page = CappedPaginator(queryset, per_page, cap=cap, after=cursor).page(1)
        assert page.keyset
        seen += [m.pk for m in page.object_list]
        cursor = page.next_cursor
    return first, seen


def eleven_matters(world, order, rows):
    """Eleven matters read as model instances or as the list's rows, in ``order``: (queryset, keys, their ids)."""
    add_matters(world, 11)
    queryset = Matter.objects.with_light() if rows == "instances" else rows_queryset()
    if order:
        queryset = queryset.order_by(*order)
    keys = keyset_keys(queryset)
    return queryset, keys, list(ordered(queryset, keys).values_list("pk", flat=True))


@pytest.mark.parametrize(
    "order",
    [
        (),  # the model's ordering: year, code
        ("-year", "-code"),
        ("due_date",),  # NULLs and ties
        ("-due_date",),
        ("next_milestone_due",),
        ("-next_milestone_due", "title"),
        ("light",),  # an annotation
        ("-field__order",),  # across a relation
    ],
)
@pytest.mark.parametrize("deferred", [False, True], ids=["offset", "ids-first"])
@pytest.mark.parametrize("rows", ["instances", "list-rows"])
def test_numbered_pages_then_next_pages_show_every_row_once_in_the_sort_order(
    world, order, deferred, rows, monkeypatch
):
    # Deep numbered pages walk the ids first (DEFERRED_FROM): the same rows, in the same order, as a plain OFFSET.
    # The list on screen reads plain rows (``matters.tables.rows_queryset``): their cursors are the same.
    monkeypatch.setattr("twincity.core.pagination.DEFERRED_FROM", 0 if deferred else 10**9)
    queryset, _keys, expected = eleven_matters(world, order, rows)
    assert len(expected) == 11

    paginator, seen = walk(queryset, per_page=2, cap=4)

    assert (paginator.count, paginator.capped, paginator.num_pages) == (4, True, 2)
    assert seen == expected


def test_below_the_cap_the_count_is_exact_and_no_next_page_is_offered(world):
    add_matters(world, 5)
    paginator = CappedPaginator(Matter.objects.all(), 2, cap=5)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (5, False, 3)
    assert paginator.page(3).next_cursor is None
    assert len(paginator.page(3).object_list) == 1


def test_an_order_by_an_expression_keeps_numbered_pages_and_offers_no_cursor(world):
    add_matters(world, 5)
    queryset = Matter.objects.order_by(Lower("title").desc())
    paginator = CappedPaginator(queryset, 2, cap=4)
    assert keyset_keys(queryset) is None
    assert paginator.page(2).next_cursor is None
    assert paginator.page(9).beyond == 9  # past the numbered pages: the last of them, saying so


def result_count(body: str) -> str:
    return re.search(r'id="result-count">([^<]*)<', body).group(1).strip()


def test_the_count_says_n_plus_over_the_cap_and_the_exact_number_below_it(client_as, world, monkeypatch):
    add_matters(world, 3, title="数据中心建设")
    add_matters(world, 2, title="人力资源合作", start=3)
    client = client_as("leader")
    url = reverse("matters:list") + "?q=数据中心"

    monkeypatch.setattr(ObjectListView, "search_count_cap", 2)
    assert result_count(client.get(url).content.decode()) == "共 2+ 项"
    english = client.get(url, headers={"accept-language": "en"}).content.decode()
    assert result_count(english) == "2+ matters"

    # The cap is the code's, not the data's: changing it here needs the cached results dropped (core/cache.py).
    monkeypatch.setattr(ObjectListView, "search_count_cap", 3)
    clear_own_cache()
    assert result_count(client.get(url).content.decode()) == "共 3 项"
    monkeypatch.setattr(ObjectListView, "count_cap", 4)
    clear_own_cache()
    every_year = reverse("matters:list") + "?year="  # 5 matters, no search
    assert result_count(client.get(every_year).content.decode()) == "共 4+ 项"


def count_queries(client, url):
    clear_own_cache()  # what the page costs when it is rendered, not when its results come from the cache
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_a_search_costs_the_same_queries_for_3_or_30_matches(client_as, world, monkeypatch):
    monkeypatch.setattr(ObjectListView, "search_count_cap", 10)
    client = client_as("office")
    url = reverse("matters:list") + "?q=数据中心"
    add_matters(world, 3, title="数据中心建设")
    client.get(url)  # warm the per-process caches (content types, translations…)
    few = count_queries(client, url)
    add_matters(world, 27, title="数据中心建设", start=3)
    many = count_queries(client, url)
    assert many == few
    body = client.get(url).content.decode()
    assert result_count(body) == "共 10+ 项"
    assert 'rel="next"' in body  # the last numbered page offers "next"


def test_a_link_past_the_numbered_pages_says_so_and_next_goes_on_from_there(client_as, world, monkeypatch):
    monkeypatch.setattr(ObjectListView, "count_cap", 10)
    made = add_matters(world, 13)
    client = client_as("leader")
    body = client.get(reverse("matters:list") + "?year=&page=5&per_page=10").content.decode()
    assert "tc-pager-note" in body  # "there is no page 5 by number …"
    shown = set(map(int, re.findall(r'data-matter="(\d+)"', body)))
    assert len(shown) == 10
    cursor = re.search(r'rel="next" href="\?[^"]*after=([\w-]+)', body).group(1)

    rest = client.get(reverse("matters:list") + f"?year=&per_page=10&after={cursor}").content.decode()
    following = set(map(int, re.findall(r'data-matter="(\d+)"', rest)))
    assert following == {m.pk for m in made} - shown
    assert 'rel="next"' not in rest  # the end: no further "next"

    tampered = client.get(reverse("matters:list") + "?year=&per_page=10&after=bm90LWEtY3Vyc29y")
    assert tampered.status_code == 200  # not ours: the first page
    assert set(map(int, re.findall(r'data-matter="(\d+)"', tampered.content.decode()))) == shown


def test_a_cursor_from_another_sort_order_starts_that_order_again(client_as, world, monkeypatch):
    monkeypatch.setattr(ObjectListView, "count_cap", 10)
    add_matters(world, 12)
    client = client_as("leader")
    body = client.get(reverse("matters:list") + "?year=&per_page=10").content.decode()
    cursor = re.search(r"after=([\w-]+)", body).group(1)
    by_due = client.get(reverse("matters:list") + f"?year=&per_page=10&sort=due_date&after={cursor}").content.decode()
    first_by_due = client.get(reverse("matters:list") + "?year=&per_page=10&sort=due_date").content.decode()
    assert re.findall(r'data-matter="(\d+)"', by_due) == re.findall(r'data-matter="(\d+)"', first_by_due)


def test_search_finds_the_same_matters_inside_a_subquery_and_through_the_door(world):
    wanted = add_matters(world, 2, title="建设国家级大数据中心")
    add_matters(world, 2, title="人力资源合作", start=2)
    found = search.search(Matter.objects.all(), "大数据")
    assert {m.pk for m in found} == {m.pk for m in wanted}
    nested = Matter.objects.filter(pk__in=search.search(Matter.objects.all(), "大数据").values("pk"))
    assert {m.pk for m in nested} == {m.pk for m in wanted}
    assert not search.search(Matter.objects.restrict(world.users["outsider"]), "大数据").exists()
    with CaptureQueriesContext(connection) as ctx:
        list(found.all())
    assert " IN (SELECT" not in ctx.captured_queries[-1]["sql"] or connection.vendor == "sqlite"


def test_a_searchs_capped_count_counts_what_the_search_finds_reading_the_matches_first(world):
    """``capped_count`` of a search on the stored vector (core/search.py, ``count_plan``): the matches are read first
    (fenced, from the GIN index on PostgreSQL) and the other conditions tested on them; the figure is the plain
    count's, under the cap and over it, through the door, with other filters and with the match under OR."""
    add_matters(world, 4, title="建设国家级大数据中心")
    add_matters(world, 3, title="人力资源合作", start=4)
    cases = {
        "all": search.search(Matter.objects.all(), "大数据"),
        "door": search.search(Matter.objects.restrict(world.users["lj-unit"]), "大数据"),
        "outsider": search.search(Matter.objects.restrict(world.users["outsider"]), "大数据"),
        "filtered": search.search(Matter.objects.filter(year=2020).exclude(due_date=None), "大数据"),
        "nothing": search.search(Matter.objects.all(), "不存在的词"),
        "or": Matter.objects.filter(Q(pk__in=[]) | Q(search.VectorMatch("'大数据'")))
        if connection.vendor == "postgresql"
        else search.search(Matter.objects.all(), "大数据"),
    }
    for name, queryset in cases.items():
        plain = queryset.count()
        assert capped_count(queryset, 10) == (plain, False), name
        if plain > 2:
            assert capped_count(queryset, 2) == (2, True), name
    with CaptureQueriesContext(connection) as ctx:
        capped_count(cases["filtered"], 10)
    counted = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"]][-1]
    if connection.vendor == "postgresql":  # the matches fenced, the match itself not tested again row by row
        assert counted.count("search_vector @@") == 1
        assert "OFFSET 0)" in counted
        assert "enable_" not in " ".join(q["sql"] for q in ctx.captured_queries)  # the planner chooses the way
        with connection.cursor() as cursor:  # the vector kept in the row, so reading the table to count is cheap
            cursor.execute(
                "SELECT attstorage FROM pg_attribute WHERE attrelid = 'matters_matter'::regclass "
                "AND attname = 'search_vector'"
            )
            assert cursor.fetchone() == ("m",)


def test_the_audit_logs_default_view_is_served_by_its_index_without_a_sort(client_as, world):
    add_matters(world, 2)
    client = client_as("auditor")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("audit:log")).status_code == 200
    page_sql = next(
        q["sql"] for q in ctx.captured_queries if 'FROM "audit_objectchange"' in q["sql"] and "ORDER BY" in q["sql"]
    )
    assert ObjectChange.objects.filter(partnership=world.partnership).count() > 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A tiny table: ask whether the index can serve the order (a sort would stay if it could not).
            cursor.execute("SET enable_seqscan = off; SET enable_bitmapscan = off; SET enable_sort = off")
            cursor.execute("EXPLAIN " + page_sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            cursor.execute("RESET enable_seqscan; RESET enable_bitmapscan; RESET enable_sort")
            assert "audit_change_log_idx" in plan
            assert "Sort" not in plan
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + page_sql)
            plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
            assert "audit_change_log_idx" in plan
            assert "TEMP B-TREE" not in plan


def test_the_capped_count_is_the_querysets_count_up_to_the_cap(world):
    """``capped_count`` sends ``SELECT COUNT(*) FROM (ids … LIMIT cap + 1)`` itself: the same figure as the ORM's count
    of the sliced ids, for rows through the door, a DISTINCT, a condition that matches nothing and ``none()``."""
    add_matters(world, 5)
    rows = rows_queryset().restrict(world.users["lj-unit"], "view")
    cases = {
        "rows": rows.order_by("-year", "code"),
        "distinct": Matter.objects.filter(owners__role="lead").distinct(),
        "joined": Matter.objects.filter(owners__role="lead"),  # a row per lead unit
        "nothing": Matter.objects.filter(pk__in=[]),
        "none": Matter.objects.none(),
        "outsider": Matter.objects.restrict(world.users["outsider"]),
    }
    for name, queryset in cases.items():
        for cap in (1, 3, 100):
            expected = queryset.order_by().values("pk")[: cap + 1].count()
            assert capped_count(queryset, cap) == ((cap, True) if expected > cap else (expected, False)), (name, cap)
    with CaptureQueriesContext(connection) as ctx:
        assert capped_count(cases["none"], 10) == (0, False)
        assert capped_count(cases["nothing"], 10) == (0, False)
    assert ctx.captured_queries == []  # nothing to ask the database


def test_a_deep_page_reads_its_rows_in_one_statement_with_the_ids_walk_inside(world, monkeypatch):
    monkeypatch.setattr("twincity.core.pagination.DEFERRED_FROM", 0)
    add_matters(world, 7)
    queryset = rows_queryset().order_by("-year", "code")
    expected = list(ordered(queryset, keyset_keys(queryset)).values_list("pk", flat=True))[4:6]
    paginator = CappedPaginator(queryset, 2, cap=100)
    paginator.count  # noqa: B018 - counted first, as a page does
    with CaptureQueriesContext(connection) as ctx:
        page = paginator.page(3)
    assert [row.pk for row in page.object_list] == expected
    assert len(ctx.captured_queries) == 1
    assert "OFFSET" in ctx.captured_queries[0]["sql"]


@pytest.mark.parametrize(
    "order",
    [
        (),
        ("-year", "-code"),
        ("due_date",),
        ("-due_date",),
        ("-next_milestone_due", "title"),
        ("light",),
        ("-field__order",),
    ],
)
@pytest.mark.parametrize("rows", ["instances", "list-rows"])
def test_a_page_nearer_the_end_walks_its_ids_from_the_end_and_shows_the_rows_of_its_offset(
    world, order, rows, monkeypatch
):
    """Below the cap (an exact count) a deep page in the second half of the list reads its ids in the reverse order
    from the end: every page shows the rows an OFFSET from the start shows, NULLs and ties too."""
    monkeypatch.setattr("twincity.core.pagination.DEFERRED_FROM", 0)
    queryset, keys, expected = eleven_matters(world, order, rows)
    backwards = list(ordered(queryset, reversed_keys(keys)).values_list("pk", flat=True))
    assert backwards == expected[::-1]
    for per_page in (2, 3, 4):
        paginator = CappedPaginator(queryset, per_page, cap=100)
        assert not paginator.capped
        for number in paginator.page_range:
            with CaptureQueriesContext(connection) as ctx:
                page = paginator.page(number)
            bottom = (number - 1) * per_page
            assert [row.pk for row in page.object_list] == expected[bottom : bottom + per_page], (per_page, number)
            sql = ctx.captured_queries[-1]["sql"]
            top = min(bottom + per_page, paginator.count)
            skipped = paginator.count - top if paginator.count - top < bottom else bottom  # from the end, or not
            assert ("OFFSET" in sql) == (skipped > 0)


def test_the_last_page_of_a_list_below_the_cap_reads_its_ids_without_walking_the_rows_before(world, monkeypatch):
    monkeypatch.setattr("twincity.core.pagination.DEFERRED_FROM", 0)
    add_matters(world, 7)
    queryset = rows_queryset().order_by("-year", "code")
    expected = list(ordered(queryset, keyset_keys(queryset)).values_list("pk", flat=True))
    paginator = CappedPaginator(queryset, 2, cap=100)
    with CaptureQueriesContext(connection) as ctx:
        page = paginator.page(9)  # past the last page: the last one (rows 6 to 7), saying so
    assert page.beyond == 9
    assert [row.pk for row in page.object_list] == expected[6:]
    rows_sql = ctx.captured_queries[-1]["sql"]
    assert "OFFSET" not in rows_sql  # the ids from the end: LIMIT 1, nothing skipped
    capped = CappedPaginator(queryset, 2, cap=5)  # over the cap: the count is not exact, the walk is from the start
    with CaptureQueriesContext(connection) as ctx:
        page = capped.page(3)
    assert [row.pk for row in page.object_list] == expected[4:6]
    assert "OFFSET 4" in ctx.captured_queries[-1]["sql"]


@pytest.mark.parametrize("deferred_from", [0, 3, 100])
def test_a_page_near_the_end_reads_its_rows_from_the_end_turned_round(world, monkeypatch, deferred_from):
    """Walked from the end, a page within ``DEFERRED_FROM`` rows of the end reads its rows themselves in the reverse
    order and turns them round; further from the end, its ids first. The same rows as an OFFSET from the start."""
    monkeypatch.setattr("twincity.core.pagination.DEFERRED_FROM", deferred_from)
    add_matters(world, 11)
    queryset = rows_queryset().order_by("due_date")  # NULLs and ties
    expected = list(ordered(queryset, keyset_keys(queryset)).values_list("pk", flat=True))
    paginator = CappedPaginator(queryset, 2, cap=100)
    for number in paginator.page_range:
        with CaptureQueriesContext(connection) as ctx:
            page = paginator.page(number)
        bottom, top = (number - 1) * 2, min(number * 2, 11)
        assert [row.pk for row in page.object_list] == expected[bottom:top], number
        sql = ctx.captured_queries[-1]["sql"]
        walked_ids = bottom >= deferred_from and not (11 - top < bottom and 11 - top < deferred_from)
        assert ("IN (SELECT" in sql) == walked_ids, (number, sql)
