"""Reads whose statement the ORM writes once per process, then run again with new values.

For the reads a busy page makes on every request (the dashboard's figures and panels), where building and compiling
the same queryset again costs more than the database takes to answer it (about 0.6 ms a read against 0.3 ms, at the
benchmark). A read is declared as a function that builds its queryset from named values, with each value's kind::

    COUNTS = Compiled(lambda partnership, year: Matter.objects.filter(partnership=partnership, year=year)
                      .values("status").annotate(n=Count("*")).order_by(), partnership=int, year=int)
    COUNTS(partnership=1, year=2026)  # [{"status": ..., "n": ...}, ...]

The first call on a database builds the queryset with stand-ins (days of the year 1001, ids below −10⁹: values no
real read has), compiles it, and finds where each stand-in went among the statement's parameters; every later call
runs that statement with its own values in those places. The rows come as ``values()``/``values_list()`` give them,
through the same converters (SQLite's dates and decimals, say).

What the function builds must depend on the named values alone, each used as it is: a value computed from one (a
day thirty days on) would be compiled in as a constant, so a parameter that looks like a stand-in without being one
is refused when the read is compiled, as is a value not found in the statement at all. Anything else in the
queryset (a status, a text of a CASE, a content type's id) is compiled in as it was: such things must not change
while the process runs. ``core/tests/test_reads.py`` holds reads of every kind to the ORM's own answers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import connections, models, router
from django.db.models.query import FlatValuesListIterable, ValuesIterable, ValuesListIterable


class Compiled:
    """A read compiled once per database and process (see the module's notes)."""

    def __init__(self, build: Callable[..., models.QuerySet], **kinds: type):
        for name, kind in kinds.items():
            if kind not in (int, dt.date):
                raise TypeError(f"{name}: a read's values are ids or numbers (int) or days (date), not {kind}")
        self.build, self.kinds = build, kinds
        self._model: type[models.Model] | None = None
        self._kept: dict[str, tuple] = {}  # by database alias: what ``_compile`` made

    def __call__(self, *, using: str | None = None, **values: Any) -> list:
        if set(values) != set(self.kinds):
            raise TypeError(f"the read takes {sorted(self.kinds)}, was given {sorted(values)}")
        alias = using or (router.db_for_read(self._model) if self._model is not None else None)
        kept = self._kept.get(alias) if alias else None
        if kept is None:
            self._model, alias, kept = _compile(self.build, self.kinds, using)
            self._kept[alias] = kept
        sql, constants, places, converters, (kind, names) = kept
        connection = connections[alias]
        params = list(constants)
        for position, name, passed in places:
            params[position] = passed(values[name])
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if converters:
            rows = [_converted(row, converters, connection) for row in rows]
        if kind == "dict":
            return [dict(zip(names, row, strict=True)) for row in rows]
        if kind == "flat":
            return [row[0] for row in rows]
        return [tuple(row) for row in rows]


def _stand_ins(kinds: dict[str, type], second: bool = False) -> dict[str, Any]:
    """Values no real read has, one per name: days of the year 1001 (1002 for the second set), numbers from 30,011
    (30,111) — within a small integer column's range, where Django compiles an out-of-range one as an empty read."""
    stand_ins = {}
    for n, (name, kind) in enumerate(sorted(kinds.items())):
        if kind is dt.date:
            stand_ins[name] = dt.date(1002 if second else 1001, 1, 1) + dt.timedelta(days=n)
        else:
            stand_ins[name] = (30_111 if second else 30_011) + n
    return stand_ins


def _place(param: Any, stand_ins: dict[str, Any]) -> tuple[str, Callable[[Any], Any]] | None:
    """(name, how a value is passed) of the stand-in ``param`` is, or None: a day as the driver takes it (SQLite's
    as ISO text), a number in the type the backend wrapped it in (psycopg's ``Int2`` for a small integer column)."""
    for name, stand_in in stand_ins.items():
        if isinstance(stand_in, dt.date):
            if param == stand_in and isinstance(param, dt.date):
                return name, _as_it_is
            if param == stand_in.isoformat():
                return name, dt.date.isoformat
        elif isinstance(param, int) and not isinstance(param, bool) and param == stand_in:
            return name, type(param)
    return None


def _as_it_is(value: Any) -> Any:
    return value


def _compile(build: Callable[..., models.QuerySet], kinds: dict[str, type], using: str | None) -> tuple:
    """The statement of ``build``'s queryset, the places of its values among its parameters and what makes its rows.

    Built and compiled twice, with two sets of stand-ins: the parameters that differ between the two are the
    values' places, and each must be a stand-in of the same name in both (one computed from a value is refused);
    the others are the queryset's constants. So a constant that happens to equal a stand-in is never taken for it."""
    first, second = _stand_ins(kinds), _stand_ins(kinds, second=True)
    queryset = build(**first)
    alias = using or router.db_for_read(queryset.model)
    queryset = queryset.using(alias)
    shape_of = {ValuesIterable: "dict", ValuesListIterable: "tuple", FlatValuesListIterable: "flat"}
    kind = shape_of.get(queryset._iterable_class)
    if kind is None:
        raise TypeError("a compiled read gives rows of values: end the queryset with values() or values_list()")
    compiler = queryset.query.get_compiler(alias)
    sql, params = compiler.as_sql()
    again_sql, again = build(**second).using(alias).query.get_compiler(alias).as_sql()
    if again_sql != sql or len(again) != len(params):
        raise ValueError("the read's statement changes with its values: build it from the values alone")
    places, found = [], set()
    for position, (param, other) in enumerate(zip(params, again, strict=True)):
        if param == other:
            continue
        place, other_place = _place(param, first), _place(other, second)
        if place is None or other_place is None or place != other_place:
            raise ValueError(f"a parameter ({param!r}) was computed from a read's value: pass it as a value")
        places.append((position, *place))
        found.add(place[0])
    missing = set(kinds) - found
    if missing:
        raise ValueError(f"the read's statement does not use {sorted(missing)}")
    columns = [selected[0] for selected in compiler.select[: compiler.col_count]]
    converters = list(compiler.get_converters(columns).items())
    query = queryset.query
    # The columns' names as ``values()`` gives them (``ValuesIterable``): in the order selected, when it says one.
    names = (
        list(query.selected)
        if query.selected
        else [*query.extra_select, *query.values_select, *query.annotation_select]
    )
    return queryset.model, alias, (sql, tuple(params), tuple(places), converters, (kind, names))


def _converted(row, converters, connection) -> list:
    row = list(row)
    for position, (functions, expression) in converters:
        value = row[position]
        for function in functions:
            value = function(value, expression, connection)
        row[position] = value
    return row
