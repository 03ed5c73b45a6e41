"""Pages that do not grow with the data: a capped count, a bounded OFFSET and keyset pages after it.

A list's cost should not depend on how many rows it has or how deep the reader went:

* **The count is capped** (``cap``, 10,000 by default, 1,000 for a search): the database counts at most
  ``cap + 1`` rows (``SELECT COUNT(*) FROM (… LIMIT cap + 1)``), and the page says "10,000+" when there
  are more. Below the cap the count is exact.
* **Numbered pages stop at the cap.** ``?page=N`` is an OFFSET of at most ``cap`` rows; a link to a page
  past it shows the last numbered page and says why (``page.beyond``), instead of an OFFSET that reads
  every row before it.
* **Past the cap, "next" is a keyset page**: ``?after=<cursor>`` where the cursor holds the sort values of
  the last row shown (and its pk); the next page is ``WHERE (sort keys) > (cursor) ORDER BY … LIMIT n``,
  which an index serves in the same time at any depth. Every sort order of plain columns, related
  columns (``field__order``) and annotations (``light``) can be walked this way; ``NULL`` sorts last
  ascending and first descending on both databases (PostgreSQL's own default), so the walk is the same
  on SQLite. An order by an expression (not a name) has no cursor: the numbered pages end at the cap.

``CappedPaginator`` is a Django ``Paginator`` (django-tables2 builds it with the table's rows); the
API's ``core.api.Pagination`` uses ``keyset_filter``/``cursor_of`` for its ``after`` parameter.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import math
from decimal import Decimal
from uuid import UUID

from django.core.exceptions import EmptyResultSet, FieldDoesNotExist, ValidationError
from django.core.paginator import EmptyPage, Page, Paginator
from django.db import connections
from django.db.models import F, Q, QuerySet
from django.utils.functional import cached_property

from twincity.core import search

COUNT_CAP = 10_000
SEARCH_COUNT_CAP = 1_000
DEFERRED_FROM = 500  # from this OFFSET on, a page walks the ids alone first (``CappedPaginator._rows_at``)


# ---------------------------------------------------------------------------------------------- the count


def capped_count(queryset: QuerySet, cap: int) -> tuple[int, bool]:
    """(count, capped): the exact number of rows up to ``cap``; ``(cap, True)`` when there are more.

    The database stops after ``cap + 1`` rows: the cost of a count no longer grows with the table. The statement is
    the one ``QuerySet.count()`` sends for the sliced ids (``SELECT COUNT(*) FROM (…LIMIT cap + 1) subquery``), the
    ids' query compiled by the ORM and wrapped here: the ORM's aggregation (a second query object around the first,
    its annotations walked and masked) cost a fifth of a millisecond more for the same statement.
    """
    ids = search.count_plan(queryset).order_by().values("pk")[: cap + 1]
    try:
        sql, params = ids.query.get_compiler(using=ids.db).as_sql()
    except EmptyResultSet:  # a condition that matches nothing (``pk__in=[]``, ``none()``): as ``count()`` answers
        return 0, False
    with connections[ids.db].cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({sql}) subquery", params)
        found = cursor.fetchone()[0]
    return (cap, True) if found > cap else (found, False)


# ---------------------------------------------------------------------------------------------- keyset


def ordering_of(queryset: QuerySet) -> list:
    """The queryset's sort keys as it will run (its own ``order_by``, else the model's ``ordering``)."""
    query = queryset.query
    if query.order_by:
        return list(query.order_by)
    if query.default_ordering:
        return list(query.get_meta().ordering or [])
    return []


def keyset_keys(queryset: QuerySet) -> list[tuple[str, bool, bool]] | None:
    """``[(name, descending, nullable), …]`` ending with the primary key, or None when some key is not a name
    (an expression, a random order) or crosses a to-many relation (one row would have several values)."""
    keys: list[tuple[str, bool, bool]] = []
    pk_name = queryset.model._meta.pk.name
    for item in ordering_of(queryset):
        if not isinstance(item, str) or item == "?":
            return None
        descending = item.startswith("-")
        name = item.lstrip("-+")
        if name == "pk":
            name = pk_name
        nullable = _nullable(queryset, name)
        if nullable is None:
            return None
        keys.append((name, descending, nullable))
        if name == pk_name:
            return keys  # the pk is unique: later keys never decide
    return [*keys, (pk_name, bool(keys) and keys[-1][1], False)]


def _nullable(queryset: QuerySet, name: str) -> bool | None:
    """May the key be NULL (an annotation, a nullable column, a nullable relation on the way)? None: not a
    key with one value per row."""
    if name in queryset.query.annotations:
        return True
    model = queryset.model
    parts = name.split("__")
    nullable = False
    for index, part in enumerate(parts):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        if field.many_to_many or field.one_to_many:
            return None
        nullable = nullable or field.null
        if field.is_relation:
            if index == len(parts) - 1:
                return None  # ordering by a relation sorts by the related model's ordering: not one value
            model = field.related_model
        elif index != len(parts) - 1:
            return None  # a transform (``date__year``): not a plain key
    return nullable


def ordered(queryset: QuerySet, keys: list) -> QuerySet:
    """``queryset`` ordered by ``keys`` with NULLs last ascending, first descending (on every database).

    Only a key that may be NULL says so: an explicit NULLS FIRST/LAST that is not the database's own default
    keeps SQLite from walking an index in that order."""

    def term(name, desc, nullable):
        if not nullable:
            return F(name).desc() if desc else F(name).asc()
        return F(name).desc(nulls_first=True) if desc else F(name).asc(nulls_last=True)

    return queryset.order_by(*(term(*key) for key in keys))


def reversed_keys(keys: list) -> list:
    """The keys of the reverse order: ``ordered(reversed_keys(keys))`` lists the rows of ``ordered(keys)`` from the
    last to the first (a NULL first descending is last ascending)."""
    return [(name, not desc, nullable) for name, desc, nullable in keys]


def keyset_filter(keys: list, values: list) -> Q:
    """Rows after the row whose sort values are ``values``, in the order ``ordered(keys)`` gives."""
    condition = Q(pk__in=[])  # nothing, to OR onto
    equal = Q()
    for (name, desc, nullable), value in zip(keys, values, strict=True):
        if value is None:
            after = Q(**{f"{name}__isnull": False}) if desc else Q(pk__in=[])
            same = Q(**{f"{name}__isnull": True})
        else:
            after = Q(**{f"{name}__lt" if desc else f"{name}__gt": value})
            if nullable and not desc:
                after |= Q(**{f"{name}__isnull": True})
            same = Q(**{name: value})
        condition |= equal & after
        equal &= same
    first_name, first_desc, first_nullable = keys[0]
    if values[0] is not None:
        # The same bound once more on the first key alone: an index on it starts there instead of at the top.
        bound = Q(**{f"{first_name}__lte" if first_desc else f"{first_name}__gte": values[0]})
        if first_nullable and not first_desc:
            bound |= Q(**{f"{first_name}__isnull": True})
        condition = bound & condition
    return condition


def cursor_of(queryset: QuerySet, keys: list, row) -> str:
    """The cursor of ``row``: its sort values (read in one more query only when a key crosses a relation)."""
    names = [key[0] for key in keys]
    if any("__" in name for name in names):
        values = list(queryset.filter(pk=row.pk).values_list(*names).get())
    else:
        values = [getattr(row, name) for name in names]
    held = {"k": _signature(keys), "v": [_plain(v) for v in values]}
    raw = json.dumps(held, ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _plain(value):
    """A sort value as JSON holds it, to the microsecond (DjangoJSONEncoder would cut times to milliseconds)."""
    if isinstance(value, dt.date | dt.time):  # datetimes too
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    return value


def _signature(keys: list) -> str:
    return ",".join(("-" if desc else "") + name for name, desc, _nullable in keys)


def values_of(cursor: str, keys: list) -> list | None:
    """The sort values a cursor holds, or None when it is not one of ours for this order (a cursor kept
    after the reader sorted by another column starts the walk again)."""
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(raw, dict) or raw.get("k") != _signature(keys):
        return None
    values = raw.get("v")
    if not isinstance(values, list) or len(values) != len(keys):
        return None
    if any(not isinstance(v, str | int | float | bool | type(None)) for v in values):
        return None
    return values


def after(queryset: QuerySet, cursor: str | None):
    """(rows after the cursor, in keyset order; the keys) or (None, keys) when the cursor does not apply."""
    keys = keyset_keys(queryset)
    if keys is None or not cursor:
        return None, keys
    values = values_of(cursor, keys)
    if values is None:
        return None, keys
    try:  # a value of the wrong type for its column (a tampered cursor) is refused here
        rows = ordered(queryset, keys).filter(keyset_filter(keys, values))
    except (ValidationError, ValueError, TypeError):
        return None, keys
    return rows, keys


# ---------------------------------------------------------------------------------------------- the paginator


def _queryset_of(object_list):
    """The QuerySet behind django-tables2's rows (``BoundRows.data.data``), or ``object_list`` itself."""
    if isinstance(object_list, QuerySet):
        return object_list
    data = getattr(getattr(object_list, "data", None), "data", None)
    return data if isinstance(data, QuerySet) else None


class CappedPaginator(Paginator):
    """Numbered pages up to ``cap`` rows with a capped count; keyset pages (``after``) past them.

    ``count`` is exact up to ``cap``; ``capped`` says there are more. ``page(n)`` for a page past the
    numbered ones gives the last numbered page with ``beyond`` set to the page asked for. With a valid
    ``after`` cursor, ``page()`` gives the rows after it (``page.keyset``), whatever the number.
    Every page's ``next_cursor`` continues the walk when the keys allow it and more rows follow.
    """

    def __init__(self, object_list, per_page, *args, cap: int = COUNT_CAP, after: str | None = None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.cap = cap
        self.cursor = after
        self.queryset = _queryset_of(object_list)

    @cached_property
    def _counted(self) -> tuple[int, bool]:
        if self.queryset is None:
            return super().count, False
        return capped_count(self.queryset, self.cap)

    @property
    def count(self) -> int:
        return self._counted[0]

    @property
    def capped(self) -> bool:
        """More rows than ``count`` says: the page shows "10,000+"."""
        return self._counted[1]

    @cached_property
    def keys(self):
        return keyset_keys(self.queryset) if self.queryset is not None else None

    def page(self, number):
        if self.queryset is not None and self.cursor:
            rows, keys = after(self.queryset, self.cursor)
            if rows is not None:
                return self._keyset_page(rows, keys)
        beyond = None
        try:
            number = self.validate_number(number)
        except EmptyPage:
            # Past the numbered pages: the last of them, saying so; below 1: the first.
            beyond = int(number) if int(number) > 1 else None
            number = self.num_pages if beyond else 1
        page = self._offset_page(number)
        page.beyond = beyond
        return page

    def _wrap(self, rows):
        """Records as the paginator's ``object_list`` holds them (django-tables2's BoundRows, or a list)."""
        table = getattr(self.object_list, "table", None)
        if table is None:
            return rows
        return type(self.object_list)(data=rows, table=table)

    def _offset_page(self, number: int) -> Page:
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page if self.capped else min(bottom + self.per_page, self.count)
        if self.queryset is None or self.keys is None:
            page = self._get_page(self.object_list[bottom:top], number, self)
            page.keyset, page.next_cursor = False, None
            return page
        rows = self._rows_at(bottom, top)
        page = self._get_page(self._wrap(rows), number, self)
        page.keyset = False
        last_numbered = number >= self.num_pages
        page.next_cursor = (
            cursor_of(self.queryset, self.keys, rows[-1]) if last_numbered and self.capped and rows else None
        )
        return page

    def _rows_at(self, bottom: int, top: int) -> list:
        """The rows ``bottom:top`` in the list's order. Deep in the list, the OFFSET walks the ids alone (an index
        in the list's order serves them without reading the rows), then the page's rows are read by id: in one
        statement, the ids' sliced query a subquery of the rows' (``pk IN (SELECT … OFFSET … LIMIT …)``), where the ids
        used to come back to Python and go out again in a second query."""
        queryset = ordered(self.queryset, self.keys)
        if bottom < DEFERRED_FROM:
            return list(queryset[bottom:top])
        from_end = self.count - top
        if not self.capped and from_end < bottom:
            # Nearer the end than the start (the count is exact below the cap): walked from the end, in the reverse
            # order, which is as total as the order itself (the keys end with the pk, and each NULL goes to the other
            # end with its key). Close to the end, the rows themselves, turned round (as a first page reads them);
            # further, the ids first. The list's last page reads 50 rows where it walked 8,950 ids before.
            backwards = ordered(self.queryset, reversed_keys(self.keys))
            if from_end < DEFERRED_FROM:
                return list(backwards[from_end : self.count - bottom])[::-1]
            ids = backwards.values("pk")[from_end : self.count - bottom]
        else:
            ids = queryset.values("pk")[bottom:top]
        return list(ordered(self.queryset.filter(pk__in=ids), self.keys))

    def _keyset_page(self, rows, keys) -> Page:
        found = list(rows[: self.per_page + 1])
        more = len(found) > self.per_page
        found = found[: self.per_page]
        page = KeysetPage(self._wrap(found), self)
        page.next_cursor = cursor_of(self.queryset, keys, found[-1]) if more and found else None
        return page

    @property
    def num_pages(self) -> int:
        if self.count == 0 and not self.allow_empty_first_page:
            return 0
        return max(1, math.ceil(self.count / self.per_page))


class KeysetPage(Page):
    """A page after a cursor: no number, no previous (the first page is one link away), maybe a next."""

    keyset = True
    beyond = None

    def __init__(self, object_list, paginator):
        super().__init__(object_list, None, paginator)

    def has_next(self) -> bool:
        return self.next_cursor is not None

    def has_previous(self) -> bool:
        return False

    def has_other_pages(self) -> bool:
        return True

    def start_index(self) -> int:
        return 0

    def end_index(self) -> int:
        return 0

    def __repr__(self) -> str:
        return "<Page after a cursor>"
