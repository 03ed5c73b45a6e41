"""Reads compiled once (``core.reads.Compiled``) give what the ORM gives for the same values, on either database
(rows of values and objects), and refuse what they cannot answer right: a value computed from another, rows
fetched after."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.db.models import Count, F, Q
from django.test.utils import CaptureQueriesContext

from twincity.audit.context import acting
from twincity.core.reads import Compiled, together
from twincity.matters import services
from twincity.matters.models import Matter, MatterSide, Milestone
from twincity.matters.querysets import light_expression
from twincity.testing import make_matter

pytestmark = pytest.mark.django_db


def _matters(partnership, year, start, end):
    """Dates compared and in a range, a CASE of texts with a day in it, an id and a small number (the year)."""
    return (
        Matter.objects.filter(partnership=partnership, year=year, archived_at__isnull=True)
        .filter(Q(due_date__range=(start, end)) | Q(start_date__lt=start))
        .annotate(light=light_expression(start), steps=Count("milestones"))
        .order_by(F("due_date").asc(nulls_last=True), "code")
    )


def _as_dicts(partnership, year, start, end):
    return _matters(partnership, year, start, end).values("pk", "code", "light", "due_date", "steps")


def _as_tuples(partnership, year, start, end):
    return _matters(partnership, year, start, end).values_list("code", "due_date", "light")


def _latest_due(partnership, year, start, end):
    return _matters(partnership, year, start, end).values_list("due_date", flat=True)


KINDS = {"partnership": int, "year": int, "start": dt.date, "end": dt.date}
AS_DICTS = Compiled(_as_dicts, **KINDS)
AS_TUPLES = Compiled(_as_tuples, **KINDS)
FLAT = Compiled(_latest_due, **KINDS)


@pytest.fixture
def listed(world):
    office = world.users["office"]
    with acting(office):
        for n, (year, due) in enumerate([(2020, 3), (2020, 6), (2020, None), (2021, 5), (2020, 9)]):
            matter = make_matter(
                world,
                year=year,
                title=f"事项{n}",
                start_date=dt.date(year, 1, 10 + n),
                due_date=dt.date(year, due, 20) if due else None,
            )
            services.add_milestone(matter, side_id=world.tf.pk, title="节点", due_date=dt.date(year, 2, 1), user=office)
    return world


CASES = [
    (2020, dt.date(2020, 1, 1), dt.date(2020, 12, 31)),
    (2020, dt.date(2020, 1, 13), dt.date(2020, 6, 30)),
    (2020, dt.date(2020, 7, 1), dt.date(2020, 7, 31)),
    (2021, dt.date(2021, 1, 1), dt.date(2021, 12, 31)),
    (2022, dt.date(2022, 1, 1), dt.date(2022, 12, 31)),
]


@pytest.mark.parametrize(("year", "start", "end"), CASES)
def test_a_compiled_read_gives_what_the_orm_gives(listed, year, start, end):
    values = {"partnership": listed.partnership.pk, "year": year, "start": start, "end": end}
    assert AS_DICTS(**values) == list(_as_dicts(**values))
    assert AS_TUPLES(**values) == list(_as_tuples(**values))
    assert FLAT(**values) == list(_latest_due(**values))
    if start == dt.date(2020, 1, 13):
        rows = AS_DICTS(**values)
        assert len(rows) == 3  # two due in the range, and one without a due date that started before it
        assert isinstance(rows[0]["due_date"], dt.date)  # converted as the ORM converts (SQLite gives text)
        assert rows[-1]["due_date"] is None  # no due date last, as asked, on either database


def test_the_statement_is_compiled_once_per_database(listed, django_assert_num_queries):
    built = []

    def build(year_list):
        built.append(year_list)
        return MatterSide.objects.filter(year_list=year_list).values_list("region").annotate(n=Count("*")).order_by()

    read = Compiled(build, year_list=int)
    year_list = Matter.objects.filter(year=2020).values_list("year_list", flat=True).first()
    with django_assert_num_queries(1):
        assert dict(read(year_list=year_list)) == {listed.tf.pk: 4, listed.lj.pk: 4}
    assert len(built) == 2  # built twice with two sets of stand-ins, to tell the values' places from constants
    with django_assert_num_queries(1):
        assert read(year_list=year_list + 1000) == []
    assert len(built) == 2


def test_a_constant_equal_to_a_stand_in_stays_a_constant(listed):
    """A number in the queryset that happens to be what a value stands in for is not taken for the value."""
    read = Compiled(
        lambda year: Matter.objects.filter(Q(year=year) | Q(year=30_011)).values_list("title", flat=True),
        year=int,
    )
    assert sorted(read(year=2021)) == ["事项3"]


def test_a_day_some_days_from_a_value_is_read_with_the_value(listed):
    def build(day):
        return Matter.objects.filter(due_date__range=(day, day + dt.timedelta(days=100))).values_list(
            "title", flat=True
        )

    read = Compiled(build, day=dt.date)
    for day in (dt.date(2020, 1, 1), dt.date(2020, 4, 1), dt.date(2021, 3, 1), dt.date(2019, 12, 31)):
        assert sorted(read(day=day)) == sorted(build(day))
    assert sorted(read(day=dt.date(2020, 4, 1))) == ["事项1"]


@pytest.mark.parametrize(
    "build",
    [
        lambda day, year: Matter.objects.filter(due_date__lt=day.replace(month=12)).values("pk"),  # not days on
        lambda day, year: Matter.objects.filter(year=year + 1, due_date__lt=day).values("pk"),  # a number plus one
    ],
)
def test_anything_else_computed_from_a_value_is_refused(listed, build):
    with pytest.raises(ValueError, match="computed from"):
        Compiled(build, day=dt.date, year=int)(day=dt.date(2020, 1, 1), year=2020)


def test_a_value_the_statement_does_not_use_changes_nothing(listed):
    read = Compiled(
        lambda year, day: Matter.objects.filter(year=year).values_list("pk", flat=True), year=int, day=dt.date
    )
    assert read(year=2021, day=dt.date(2020, 1, 1)) == read(year=2021, day=dt.date(2030, 1, 1))
    assert len(read(year=2021, day=dt.date(2020, 1, 1))) == 1


def test_objects_as_the_orm_makes_them(listed):
    """Objects with some columns only, an annotation, a related object read beside them: the same values, the same
    deferred fields, the related object without another query."""

    def build(year, day):
        return (
            Milestone.objects.filter(matter__year=year, due_date__gte=day)
            .select_related("side")
            .only("pk", "title", "due_date", "matter_id", "side__name", "side__name_en", "side__short_name")
            .annotate(code=F("matter__code"))
            .order_by("pk")
        )

    read = Compiled(build, year=int, day=dt.date)
    for year, day in [(2020, dt.date(2020, 1, 1)), (2021, dt.date(2020, 1, 1)), (2020, dt.date(2030, 1, 1))]:
        mine, theirs = read(year=year, day=day), list(build(year, day))
        assert [(m.pk, m.title, m.due_date, m.matter_id, m.code) for m in mine] == [
            (m.pk, m.title, m.due_date, m.matter_id, m.code) for m in theirs
        ]
        assert all(m.get_deferred_fields() == t.get_deferred_fields() for m, t in zip(mine, theirs, strict=True))
    found = read(year=2020, day=dt.date(2020, 1, 1))
    assert len(found) == 4
    with CaptureQueriesContext(connection) as captured:
        assert {m.side.label for m in found} == {listed.tf.label}
    assert len(captured) == 0


def test_what_a_compiled_read_cannot_answer_is_refused(listed):
    with pytest.raises(TypeError, match="nothing fetched after them"):
        Compiled(lambda year: Matter.objects.filter(year=year).prefetch_related("sides"), year=int)(year=2020)
    with pytest.raises(TypeError, match="ids or numbers"):
        Compiled(lambda code: Matter.objects.filter(code=code).values("pk"), code=str)
    with pytest.raises(TypeError, match="takes"):
        AS_DICTS(partnership=1, year=2020)


def test_reads_together_give_each_reads_rows_in_one_round_trip_on_postgresql(listed, django_assert_num_queries):
    values = {
        "partnership": listed.partnership.pk,
        "year": 2020,
        "start": dt.date(2020, 1, 1),
        "end": dt.date(2020, 12, 31),
    }
    nothing = {**values, "year": 2030}
    steps = Compiled(
        lambda year: Milestone.objects.filter(matter__year=year).select_related("side").order_by("pk"), year=int
    )
    alone = [AS_DICTS(**values), FLAT(**nothing), steps(year=2020), AS_TUPLES(**values)]
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 4):
        found = together((AS_DICTS, values), (FLAT, nothing), (steps, {"year": 2020}), (AS_TUPLES, values))
    assert found[0] == alone[0]
    assert found[1] == alone[1] == []
    assert found[3] == alone[3]
    assert [(m.pk, m.side.label) for m in found[2]] == [(m.pk, m.side.label) for m in alone[2]]
    assert len(found[2]) == 4
    assert together((FLAT, values)) == [FLAT(**values)]


def _prepared_names() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {name for (name,) in cursor.fetchall()}


@pytest.mark.django_db(transaction=True)  # so that the connection may be closed and opened again
def test_a_read_is_prepared_once_for_the_connection_on_postgresql_and_then_only_executed(listed):
    values = {
        "partnership": listed.partnership.pk,
        "year": 2020,
        "start": dt.date(2020, 1, 1),
        "end": dt.date(2020, 12, 31),
    }
    tricky = Compiled(  # constants a driver must quote: a quote, a percent sign, a backslash
        lambda year: (
            Matter.objects.filter(year=year).exclude(title__contains="50%'s \\ 事项").values_list("code", flat=True)
        ),
        year=int,
    )
    expected = [list(_as_dicts(**values)), list(Matter.objects.filter(year=2020).values_list("code", flat=True))]
    assert together((AS_DICTS, values), (tricky, {"year": 2020})) == expected
    with CaptureQueriesContext(connection) as sent:
        assert together((AS_DICTS, values), (tricky, {"year": 2020})) == expected
    if connection.vendor != "postgresql":  # SQLite: the two statements themselves, one after the other
        assert len(sent.captured_queries) == 2
        assert all(q["sql"].startswith("SELECT") for q in sent.captured_queries)
        return
    (text,) = [q["sql"] for q in sent.captured_queries]
    names = re.findall(r"^EXECUTE (\w+)", text, flags=re.MULTILINE)
    assert len(names) == text.count("EXECUTE ") == 2, text
    assert '/* SELECT "matters_matter"."code"' in text  # each with its statement as a comment: the logs say what
    assert set(names) <= _prepared_names()  # each read a statement of the connection, its plan kept there
    for _ in range(7):  # past the server's five custom plans: the kept (generic) plan gives the same rows
        assert together((AS_DICTS, values), (tricky, {"year": 2020})) == expected
    connection.close()  # a new connection knows none of them: they are prepared again
    assert not set(names) & _prepared_names()
    assert together((AS_DICTS, values), (tricky, {"year": 2020})) == expected
    assert set(names) <= _prepared_names()
