"""Reads whose statement the ORM writes once per process, then run again with new values.

For the reads a busy page makes on every request (the dashboard's figures and panels), where building and compiling
the same queryset again costs more than the database takes to answer it (about 0.6 ms a read against 0.3 ms, at the
benchmark). A read is declared as a function that builds its queryset from named values, with each value's kind::

    COUNTS = Compiled(lambda partnership, year: Matter.objects.filter(partnership=partnership, year=year)
                      .values("status").annotate(n=Count("*")).order_by(), partnership=int, year=int)
    COUNTS(partnership=1, year=2026)  # [{"status": ..., "n": ...}, ...]

The first call on a database builds and compiles the queryset twice, with two sets of stand-ins (days of the years 1001
and 1002, numbers from 30,011 and 30,111: values no real read has, within a small integer column's range); the
parameters that differ between the two are the values' places, the others the queryset's constants. Every later call
runs that statement with its own values in those places. The rows come as the queryset would give them: dicts for
``values()``, tuples or single values for ``values_list()``, objects (with those ``select_related()`` reads beside
them and their annotations) otherwise, through the same converters (SQLite's dates and decimals, say).

What the function builds must depend on the named values alone and never branch on them. A day may be a fixed number
of days from a day value (a horizon: ``today + timedelta(days=30)``); anything else computed from a value (a month
on, a number plus one) would be compiled in as a constant, so a parameter that moves with a value without being it
or such a day is refused when the read is compiled. A value the statement does not use changes nothing it reads.
Anything else in the queryset (a status, a text of a CASE, a content type's id) is compiled in as it was: such things
must not change while the process runs. Nothing fetched after the rows (``prefetch_related``).
``core/tests/test_reads.py`` holds reads of every kind to the ORM's own answers.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import weakref
from collections.abc import Callable
from typing import Any

from django.db import connections, models, router
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    ValuesIterable,
    ValuesListIterable,
    _get_from_db,
    get_related_populators,
)


class Compiled:
    """A read compiled once per database and process (see the module's notes)."""

    def __init__(self, build: Callable[..., models.QuerySet], **kinds: type):
        for name, kind in kinds.items():
            if kind not in (int, dt.date):
                raise TypeError(f"{name}: a read's values are ids or numbers (int) or days (date), not {kind}")
        self.build, self.kinds = build, kinds
        self._model: type[models.Model] | None = None
        self._kept: dict[str, tuple] = {}  # by database alias: what ``_compile`` made
        self._names: dict[str, str] = {}  # by database alias: its prepared statement's name (PostgreSQL)

    def __call__(self, *, using: str | None = None, **values: Any) -> list:
        return together((self, values), using=using)[0]

    def statement(self, using: str | None, values: dict[str, Any]) -> tuple[str, str, list]:
        """(the database's alias, the statement, its parameters) of the read for ``values``."""
        if set(values) != set(self.kinds):
            raise TypeError(f"the read takes {sorted(self.kinds)}, was given {sorted(values)}")
        alias = using or (router.db_for_read(self._model) if self._model is not None else None)
        kept = self._kept.get(alias) if alias else None
        if kept is None:
            self._model, alias, kept = _compile(self.build, self.kinds, using)
            self._kept[alias] = kept
        sql, constants, places = kept[:3]
        params = list(constants)
        for position, name, passed in places:
            params[position] = passed(values[name])
        return alias, sql, params

    def rows(self, rows: list, alias: str) -> list:
        """The rows the database gave for the statement, as the queryset would give them."""
        _sql, _constants, _places, converters, (kind, names, made) = self._kept[alias]
        if converters:
            connection = connections[alias]
            rows = [_converted(row, converters, connection) for row in rows]
        if kind == "model":
            return _objects(rows, names, made)
        if kind == "dict":
            return [dict(zip(names, row, strict=True)) for row in rows]
        if kind == "flat":
            return [row[0] for row in rows]
        return [tuple(row) for row in rows]


def together(*calls: tuple[Compiled, dict[str, Any]], using: str | None = None) -> list[list]:
    """The rows of several reads (each ``(read, values)``), in their order, in one round trip to PostgreSQL, one read
    after the other elsewhere; the same rows as each read alone. For a page that asks many small things at once (the
    dashboard: its figures and every panel's reads), where the trip to the database and back, and the planning of each
    statement, cost more than most answers.

    On PostgreSQL each read is a prepared statement of the connection (``_prepare``: its constants written in, its
    values as parameters), so the server plans it once for the connection, not on every request; the reads are sent as
    one text of ``EXECUTE``s (the driver writes the values into it) and their results read one after the other. (With
    ``server_side_binding`` a text holds one statement: the reads are run one after the other.)"""
    if not calls:
        return []
    statements = [read.statement(using, values) for read, values in calls]
    aliases = {alias for alias, _sql, _params in statements}
    if len(aliases) != 1:
        raise ValueError("reads read together read one database")
    alias = aliases.pop()
    connection = connections[alias]
    if connection.vendor != "postgresql" or connection.settings_dict["OPTIONS"].get("server_side_binding"):
        with connection.cursor() as cursor:
            found = []
            for (read, _values), (_alias, sql, params) in zip(calls, statements, strict=True):
                cursor.execute(sql, params)
                found.append(read.rows(cursor.fetchall(), alias))
            return found
    with connection.cursor() as cursor:
        texts, params = [], []
        for (read, _values), (_alias, sql, read_params) in zip(calls, statements, strict=True):
            name, positions = _prepare(read, alias, cursor.cursor)
            values = [read_params[position] for position in positions]
            arguments = f"({', '.join(['%s'] * len(values))})" if values else ""
            # The statement beside its name, as a comment: the query logs (and the tests) still say what was read.
            texts.append(f"EXECUTE {name}{arguments} /* {sql.replace('*/', '* /').replace('%', '%%')} */")
            params.extend(values)
        cursor.execute(";\n".join(texts), params)
        found = [calls[0][0].rows(cursor.fetchall(), alias)]
        for read, _values in calls[1:]:
            cursor.cursor.nextset()
            found.append(read.rows(cursor.fetchall(), alias))
    return found


# The reads prepared on each PostgreSQL connection (the driver's connection: a new one after a reconnection prepares
# them again): a prepared statement lasts as long as its session.
_PREPARED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_NAMES = itertools.count(1)


def _prepare(read: Compiled, alias: str, driver_cursor) -> tuple[str, tuple[int, ...]]:
    """(the name of ``read``'s prepared statement on the cursor's connection, the positions of its values among the
    statement's parameters), preparing it the first time the connection reads it.

    The constants are written into the statement as the driver writes them (so the planner sees a status or a flag as
    it sees a partial index's condition, and one plan serves every request), the values are ``$1``, ``$2``…, their
    types inferred by the server from where they stand. The ``PREPARE`` is the connection's own setting up, sent
    outside the page's statements (as the driver's own ``SET``s are): it is not one of a page's queries."""
    sql, constants, places = read._kept[alias][:3]
    name = read._names.get(alias)
    if name is None:
        name = read._names.setdefault(alias, f"twincity_read_{next(_NAMES)}")
    prepared = _PREPARED.setdefault(driver_cursor.connection, set())
    positions = tuple(position for position, *_how in places)
    if name not in prepared:
        number = {position: n for n, position in enumerate(positions, 1)}
        pieces, position = [], 0
        for piece in re.split(r"(%%|%s)", sql):
            if piece == "%%":
                pieces.append("%")
            elif piece == "%s":
                if position in number:
                    pieces.append(f"${number[position]}")
                else:
                    pieces.append(driver_cursor.mogrify("%s", [constants[position]]))
                position += 1
            else:
                pieces.append(piece)
        driver_cursor.execute(f"PREPARE {name} AS {''.join(pieces)}")
        prepared.add(name)
    return name, positions


def _stand_ins(kinds: dict[str, type], second: bool = False) -> dict[str, Any]:
    """Values no real read has, one per name: days from 1 January 1001, 37 days apart (from 15 July 1002, 53 days
    apart, for the second set); numbers from 30,011 (30,111, 7 apart), within a small integer column's range, where
    Django compiles an out-of-range one as an empty read. Spaced differently in the two sets, so that a day a fixed
    number of days from one value is told apart from a day as far from another."""
    stand_ins = {}
    for n, (name, kind) in enumerate(sorted(kinds.items())):
        if kind is dt.date:
            start, step = (dt.date(1002, 7, 15), 53) if second else (dt.date(1001, 1, 1), 37)
            stand_ins[name] = start + dt.timedelta(days=step * n)
        else:
            stand_ins[name] = 30_111 + 7 * n if second else 30_011 + n
    return stand_ins


def _as_day(param: Any) -> dt.date | None:
    """A day parameter as a date (SQLite is given days as ISO text), else None."""
    if isinstance(param, dt.datetime):
        return None
    if isinstance(param, dt.date):
        return param
    if isinstance(param, str) and len(param) == 10:
        try:
            return dt.date.fromisoformat(param)
        except ValueError:
            return None
    return None


def _place(param: Any, other: Any, first: dict[str, Any], second: dict[str, Any]) -> tuple | None:
    """(name, how its value is passed) of the value that put ``param`` in the first statement and ``other`` in the
    second, or None. A day may be a fixed number of days from a day value (a horizon: ``today + 30 days``): it is the
    same number of days from that value's stand-in in both; it is passed as the driver was given it (an ISO text on
    SQLite). A number is the value itself, in the type the backend wrapped it in (psycopg's ``Int2``)."""
    day, other_day = _as_day(param), _as_day(other)
    for name, stand_in in first.items():
        if isinstance(stand_in, dt.date):
            if day is None or other_day is None:
                continue
            offset = day - stand_in
            if other_day - second[name] == offset:
                as_text = isinstance(param, str)
                return (
                    name,
                    lambda value, offset=offset, as_text=as_text: (
                        (value + offset).isoformat() if as_text else value + offset
                    ),
                )
        elif isinstance(param, int) and not isinstance(param, bool) and param == stand_in and other == second[name]:
            return name, type(param)
    return None


def _compile(build: Callable[..., models.QuerySet], kinds: dict[str, type], using: str | None) -> tuple:
    """The statement of ``build``'s queryset, the places of its values among its parameters and what makes its rows.

    Built and compiled twice, with two sets of stand-ins: the parameters that differ between the two are the
    values' places, and each must be a stand-in of the same name in both (one computed from a value is refused);
    the others are the queryset's constants. So a constant that happens to equal a stand-in is never taken for it."""
    first, second = _stand_ins(kinds), _stand_ins(kinds, second=True)
    queryset = build(**first)
    alias = using or router.db_for_read(queryset.model)
    queryset = queryset.using(alias)
    shape_of = {
        ValuesIterable: "dict",
        ValuesListIterable: "tuple",
        FlatValuesListIterable: "flat",
        ModelIterable: "model",
    }
    kind = shape_of.get(queryset._iterable_class)
    if kind is None or queryset._known_related_objects or queryset._prefetch_related_lookups:
        raise TypeError("a compiled read gives rows of values or objects, nothing fetched after them")
    compiler = queryset.query.get_compiler(alias)
    sql, params = compiler.as_sql()
    again_sql, again = build(**second).using(alias).query.get_compiler(alias).as_sql()
    if again_sql != sql or len(again) != len(params):
        raise ValueError("the read's statement changes with its values: build it from the values alone")
    places = []
    for position, (param, other) in enumerate(zip(params, again, strict=True)):
        if param == other:
            continue
        place = _place(param, other, first, second)
        if place is None:
            raise ValueError(f"a parameter ({param!r}) was computed from a read's value: pass it as a value")
        places.append((position, *place))
    columns = [selected[0] for selected in compiler.select[: compiler.col_count]]
    converters = list(compiler.get_converters(columns).items())
    query = queryset.query
    if kind == "model":  # made as ``ModelIterable`` makes them (the objects a select_related() reads with them too)
        select_fields = compiler.klass_info["select_fields"]
        start, end = select_fields[0], select_fields[-1] + 1
        names = [selected[0].target.attname for selected in compiler.select[start:end]]
        made = (
            _get_from_db(queryset.model, queryset._fetch_mode),
            (start, end),
            get_related_populators(compiler.klass_info, compiler.select, alias, queryset._fetch_mode),
            list(compiler.annotation_col_map.items()),
            alias,
        )
        return queryset.model, alias, (sql, tuple(params), tuple(places), converters, (kind, names, made))
    # The columns' names as ``values()`` gives them (``ValuesIterable``): in the order selected, when it says one.
    names = (
        list(query.selected)
        if query.selected
        else [*query.extra_select, *query.values_select, *query.annotation_select]
    )
    return queryset.model, alias, (sql, tuple(params), tuple(places), converters, (kind, names, None))


def _objects(rows, names: list[str], made: tuple) -> list:
    from_db, (start, end), populators, annotations, alias = made
    objects = []
    for row in rows:
        obj = from_db(alias, names, row[start:end])
        for populator in populators:
            populator.populate(row, obj)
        for name, position in annotations:
            setattr(obj, name, row[position])
        objects.append(obj)
    return objects


def _converted(row, converters, connection) -> list:
    row = list(row)
    for position, (functions, expression) in converters:
        value = row[position]
        for function in functions:
            value = function(value, expression, connection)
        row[position] = value
    return row
