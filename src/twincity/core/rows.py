"""Many rows written at the driver's speed: values prepared a column at a time, one statement per batch.

Django's ``bulk_create`` prepares every value of every row through its field (``pre_save``, then
``get_db_prep_save``, a chain of five calls), which is most of its time for plain values: measured on the
40,000 rows of a 5,000-matter import, 2.7 s of the import's 11.4 s. Here each field gets a *preparer* once:
for a value the driver takes as it is (a ``str`` for a text column, an ``int``, a ``date``, an aware
``datetime``, a ``Decimal``, a ``bool``) the preparer returns it untouched; anything else goes through the
field's own ``get_db_prep_save``, so what reaches the database is what Django would have sent
(``core/tests/test_rows.py`` holds the two side by side for every field type of the project).

The writers built on this (``core.services.bulk_create``, ``audit.services.insert_rows``, ``load_rows``, the
to-dos) keep their own rules (the trail, the change stamp); this module only writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection, models

BATCH = 5000

# Field classes whose ``get_db_prep_save`` returns a value of these exact types unchanged on PostgreSQL (its
# ``adapt_*field_value`` pass them through; SQLite's turn dates into text), most specific class first.
_AS_IS: tuple[tuple[type[models.Field], tuple[type, ...]], ...] = (
    (models.DateTimeField, (dt.datetime,)),  # aware only: see ``preparer``
    (models.DateField, (dt.date,)),
    (models.BooleanField, (bool,)),
    (models.DecimalField, (Decimal,)),
    (models.FloatField, (float,)),
    (models.IntegerField, (int,)),
    (models.AutoField, (int,)),
    (models.TextField, (str,)),
    (models.CharField, (str,)),
)


_PLAIN_SAVES = (models.Field.get_db_prep_save, models.fields.AutoFieldMixin.get_db_prep_save)


def _kinds(field: models.Field) -> tuple[type, ...]:
    target = field.target_field if field.is_relation else field
    if type(target).get_db_prep_save not in _PLAIN_SAVES:
        return ()  # a field with its own saving (JSON, files…): always its own way
    for cls, kinds in _AS_IS:
        if isinstance(target, cls):
            return kinds
    return ()


def preparer(field: models.Field, using=None) -> Callable[[Any], Any]:
    """A function giving what ``field.get_db_prep_save(value, connection)`` gives, faster for plain values."""
    conn = using or connection
    kinds = _kinds(field) if conn.vendor == "postgresql" else ()
    slow = field.get_db_prep_save

    if not kinds:
        return lambda value: slow(value, conn)
    if kinds == (dt.datetime,):

        def prepare_moment(value):
            if value is None or (type(value) is dt.datetime and value.tzinfo is not None):
                return value
            return slow(value, conn)  # naive, or not a datetime: Django's warning and conversion

        return prepare_moment
    if kinds == (dt.date,):
        # ``type() is``: a ``datetime`` is a ``date`` too, and Django turns it into its date.
        return lambda value: value if value is None or type(value) is dt.date else slow(value, conn)
    if kinds == (str,):
        # Text choices are ``str`` subclasses that Django passes on as they are; so does this.
        return lambda value: value if value is None or isinstance(value, str) else slow(value, conn)
    kind = kinds[0]
    return lambda value: value if value is None or type(value) is kind else slow(value, conn)


def column(field: models.Field, values: Sequence, using=None) -> list:
    """The values of one column, prepared for the driver."""
    prepare = preparer(field, using)
    return [prepare(v) for v in values]


def unnest_insert(
    model: type[models.Model], fields: Sequence[models.Field], columns: Sequence[list], *, batch_size: int = BATCH
) -> list[int]:
    """Insert rows given column by column (prepared values) on PostgreSQL and return their new ids, in order.

    One ``INSERT … SELECT * FROM unnest(%s::type[], …) RETURNING id`` per batch: one parameter per column, as
    Django's own ``bulk_create`` does on PostgreSQL (whose ids come back in the order of the rows, as here).
    """
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in fields)
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({names}) SELECT * FROM unnest({arrays}) "
        f"RETURNING {quote(model._meta.pk.column)}"
    )
    count = len(columns[0]) if columns else 0
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, count, batch_size):
            cursor.execute(sql, [values[start : start + batch_size] for values in columns])
            ids.extend(row[0] for row in cursor.fetchall())
    return ids


def can_unnest(fields: Sequence[models.Field]) -> bool:
    """Whether rows of these fields can go through ``unnest_insert``: PostgreSQL, and no column whose values are
    themselves structured (JSON, arrays), which an array of them would not carry."""
    if connection.vendor != "postgresql":
        return False
    return not any(
        isinstance(f, models.JSONField) or f.get_internal_type() in ("ArrayField", "HStoreField") for f in fields
    )


def insert_objects(objs: list[models.Model], *, batch_size: int | None = None) -> list[models.Model]:
    """``Model.objects.bulk_create(objs)`` for new objects of one model, at the driver's speed on PostgreSQL.

    What Django's ``bulk_create`` does for such objects is done here too: each foreign key takes the id of the
    related object it holds when that was saved after it was set (a matter's sides hold the matter), ``pre_save``
    fills ``auto_now`` dates, and each object gets its id and counts as saved. No signal is sent (neither does
    ``bulk_create``). Objects that already have ids, or models with JSON columns, and other databases go to
    Django's ``bulk_create``.
    """
    if not objs:
        return objs
    model = type(objs[0])
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    if not can_unnest(fields) or any(obj.pk is not None for obj in objs):
        model._base_manager.bulk_create(objs, batch_size=batch_size)
        return objs
    for field in fields:
        if isinstance(field, models.ForeignKey):
            _take_related_ids(objs, field)
    columns = []
    for field in fields:
        prepare = preparer(field)
        if type(field).pre_save is models.Field.pre_save:
            attname = field.attname
            columns.append([prepare(getattr(obj, attname)) for obj in objs])
        else:
            columns.append([prepare(field.pre_save(obj, True)) for obj in objs])
    ids = unnest_insert(model, fields, columns, batch_size=batch_size or BATCH)
    db = connection.alias
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = db
    return objs


def _take_related_ids(objs: list[models.Model], field: models.ForeignKey) -> None:
    """Django's ``_prepare_related_fields_for_save`` for one foreign key of many objects."""
    attname = field.attname
    for obj in objs:
        if getattr(obj, attname) is not None or not field.is_cached(obj):
            continue
        related = field.get_cached_value(obj)
        if related is None:
            continue
        if related.pk is None:
            raise ValueError(
                f"bulk_create() prohibited to prevent data loss due to unsaved related object '{field.name}'."
            )
        setattr(obj, field.name, related)  # its id, the related object kept (setting the id alone forgets it)


def hold(obj: models.Model, name: str, related: Sequence[models.Model]) -> None:
    """Let ``obj.<name>.all()`` answer ``related`` without a query, as ``prefetch_related`` would have it: for an
    object written in bulk together with its parts (each of which holds ``obj``), so that what reads it next in
    the same transaction (its to-dos) need not read them back."""
    manager = getattr(obj, name)
    queryset = manager.get_queryset()  # lazy: no query
    queryset._result_cache = list(related)
    queryset._prefetch_done = True
    if not hasattr(obj, "_prefetched_objects_cache"):
        obj._prefetched_objects_cache = {}
    obj._prefetched_objects_cache[manager.field.remote_field.cache_name] = queryset
