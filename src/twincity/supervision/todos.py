"""To-do 待办: what waits for whom, computed from the state of the work.

A *source* is registered by the app that owns a kind of record (``AppConfig.ready()``)::

    from twincity.supervision import todos
    todos.register(todos.Source(model=Petition, wanted=wanted, partnership="partnership",
                                parts={PetitionSide: "petition_id"}, prefetch=("sides",)))

``wanted(obj) -> list[Want]`` says, from the record's current state alone, which desks it waits for and from
when (``active_from``); it must not read the clock, so that recomputing gives the same rows whenever it runs.
``refresh`` reconciles the open ``Todo`` rows of some records with what they want (closes what is no longer
wanted, opens what is new, brings title, link and dates up to date) in the caller's transaction. It runs on
``post_save`` / ``post_delete`` of a source's model and of its parts, and on ``core.models.saved_in_bulk``
(the bulk writers). ``rebuild`` recomputes everything (``manage.py rebuild_todos``).

Supervision sits below the apps that register here: it never imports them.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Model, Q
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from twincity.accounts.access import Part, desks
from twincity.core.models import saved_in_bulk
from twincity.core.rows import insert_objects
from twincity.core.services import touch_partnerships
from twincity.supervision.choices import CaseState, TodoKind
from twincity.supervision.models import Case, CaseSide, SupervisionPolicy, Todo

BATCH = 1000
# Fields of a to-do brought up to date while it stays open.
KEPT = ("title", "url", "due_on", "active_from")


@dataclass(frozen=True)
class Want:
    """One thing the record waits for from one desk."""

    partnership_id: int
    part: str  # accounts.access.Part: RUNS_OFFICE, DECIDES, COORDINATES_SIDES (scope: side), SPEAKS_FOR_UNITS (unit)
    scope_id: int | None
    kind: str  # supervision.choices.TodoKind
    title: str
    url: str
    active_from: dt.date
    due_on: dt.date | None = None

    @property
    def key(self) -> tuple:
        return (self.partnership_id, str(self.part), self.scope_id, self.kind)


@dataclass(frozen=True)
class Source:
    model: type[Model]
    wanted: Callable[[Model], list[Want]]
    partnership: str = "partnership"  # the path from the model to its partnership (for ``rebuild``)
    # Models whose saves change what a record wants, with the attribute naming the record's id.
    parts: dict[type[Model], str] = field(default_factory=dict)
    prefetch: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    # Fields of the model whose saves never change what it wants (derived figures): a save of only these
    # (``update_fields``) refreshes nothing. ``last_updated`` is always among them.
    ignore: tuple[str, ...] = ()


_SOURCES: dict[type[Model], Source] = {}
_PARTS: dict[type[Model], list[tuple[Source, str]]] = defaultdict(list)


def register(source: Source) -> None:
    """Register a to-do source (idempotent: a second registration of the model replaces the first)."""
    _SOURCES[source.model] = source
    for model, attr in source.parts.items():
        _PARTS[model] = [(s, a) for s, a in _PARTS[model] if s.model is not source.model] + [(source, attr)]
    uid = f"twincity_todo_{source.model._meta.label_lower}"
    post_save.connect(_on_save, sender=source.model, dispatch_uid=f"{uid}_save", weak=False)
    post_delete.connect(_on_delete, sender=source.model, dispatch_uid=f"{uid}_delete", weak=False)
    for model in source.parts:
        part_uid = f"twincity_todo_part_{model._meta.label_lower}"
        post_save.connect(_on_part, sender=model, dispatch_uid=f"{part_uid}_save", weak=False)
        post_delete.connect(_on_part, sender=model, dispatch_uid=f"{part_uid}_delete", weak=False)


def sources() -> list[Source]:
    return list(_SOURCES.values())


def local_day(moment: dt.datetime | None) -> dt.date | None:
    """The office's day of a stored moment (a helper for sources)."""
    return timezone.localdate(moment) if moment is not None else None


# ------------------------------------------------------------------------------------------------ reconciling


def _load(source: Source, ids: Iterable[int]) -> list[Model]:
    queryset = source.model._base_manager.filter(pk__in=list(ids))
    if source.select:
        queryset = queryset.select_related(*source.select)
    if source.prefetch:
        queryset = queryset.prefetch_related(*source.prefetch)
    return list(queryset)


def refresh(obj: Model) -> None:
    """Bring the open to-dos of ``obj`` (a record of a source's model) in line with what it wants now."""
    source = _SOURCES.get(type(obj))
    if source is None:
        raise LookupError(f"{type(obj)._meta.label} is not a to-do source")
    refresh_ids(source.model, [obj.pk])


_deferred = threading.local()


@contextmanager
def together() -> Iterator[None]:
    """Refresh the to-dos of everything written inside once, on the way out, rather than at each write.

    A bulk write of new records writes the records and then their parts (a matter, its sides, its owners): each
    write would otherwise recompute the same records' to-dos, the first time from records without their parts.
    Nested uses join the outermost; an exception leaves nothing to refresh (the caller's transaction is undone).
    Records the writer hands to ``written`` are not read back.
    """
    if getattr(_deferred, "ids", None) is not None:
        yield
        return
    _deferred.ids = defaultdict(set)
    _deferred.known = defaultdict(dict)
    try:
        yield
        pending, known = _deferred.ids, _deferred.known
    finally:
        _deferred.ids = _deferred.known = None
    for model, ids in pending.items():
        _refresh(model, ids, known[model])


def written(objs: Iterable[Model]) -> None:
    """Inside ``together()``: these records of one source were just written, with their parts held as a prefetch
    would hold them (``core.rows.hold``); their to-dos are computed from them on the way out instead of from
    the records read back (a 5,000-matter import: 35,000 objects not loaded again). A write of one of them
    after this call reads it back as usual. Outside ``together()`` the writes have already refreshed them."""
    known = getattr(_deferred, "known", None)
    if known is None:
        return
    for obj in objs:
        source = _SOURCES[type(obj)]
        held = getattr(obj, "_prefetched_objects_cache", {})
        missing = [name for name in source.prefetch if name not in held]
        missing += [name for name in source.select if not obj._meta.get_field(name).is_cached(obj)]
        if missing or obj.pk is None:
            raise ValueError(f"{obj!r} does not hold its parts {missing}: it cannot stand for the record written")
        known[type(obj)][obj.pk] = obj
        _deferred.ids[type(obj)].add(obj.pk)


def refresh_ids(model: type[Model], ids: Iterable[int]) -> int:
    """``refresh`` for many records of one source's model, in batches; ids of records gone close their to-dos.
    Inside ``together()`` the ids wait for its end.

    Returns how many to-do rows were opened or closed."""
    pending = getattr(_deferred, "ids", None)
    if pending is not None:
        ids = {int(i) for i in ids if i is not None}
        pending[model].update(ids)
        known = _deferred.known[model]
        for i in ids:
            known.pop(i, None)  # written again since ``written``: read it back
        return 0
    return _refresh(model, ids, {})


def _refresh(model: type[Model], ids: Iterable[int], known: dict[int, Model]) -> int:
    source = _SOURCES[model]
    ids = sorted({int(i) for i in ids if i is not None})
    changed = 0
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        objs = [known[i] for i in batch if i in known] + _load(source, [i for i in batch if i not in known])
        wanted = {obj.pk: source.wanted(obj) for obj in objs}
        changed += _reconcile(model, batch, wanted)
    return changed


def _reconcile(model: type[Model], ids: list[int], wanted: dict[int, list[Want]]) -> int:
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    with transaction.atomic():
        current = list(Todo.objects.open().filter(content_type=content_type, object_id__in=ids).order_by("pk"))
        have: dict[tuple, Todo] = {}
        close: list[Todo] = []
        for todo in current:
            key = (todo.object_id, todo.partnership_id, todo.part, todo.scope_id, todo.kind)
            if key in have:  # a duplicate (two writers raced): keep the first
                close.append(todo)
            else:
                have[key] = todo
        new: list[Todo] = []
        update: list[Todo] = []
        seen: set[tuple] = set()
        for object_id, wants in wanted.items():
            for want in wants:
                key = (object_id, *want.key)
                if key in seen:
                    continue
                seen.add(key)
                todo = have.get(key)
                if todo is None:
                    new.append(
                        Todo(
                            partnership_id=want.partnership_id,
                            part=str(want.part),
                            scope_id=want.scope_id,
                            kind=want.kind,
                            content_type=content_type,
                            object_id=object_id,
                            title=want.title[:300],
                            url=want.url[:500],
                            due_on=want.due_on,
                            active_from=want.active_from,
                        )
                    )
                    continue
                values = (want.title[:300], want.url[:500], want.due_on, want.active_from)
                if tuple(getattr(todo, f) for f in KEPT) != values:
                    for name, value in zip(KEPT, values, strict=True):
                        setattr(todo, name, value)
                    update.append(todo)
        close += [todo for key, todo in have.items() if key not in seen]
        if close:
            Todo.objects.filter(pk__in=[t.pk for t in close]).update(done_at=timezone.now())
        if update:
            Todo.objects.bulk_update(update, list(KEPT))
        if new:
            insert_objects(new)
        if close or update or new:
            # The to-do badge is on every cached page (core.cache): rows written in bulk send no signal.
            touch_partnerships(todo.partnership_id for todo in close + update + new)
    return len(close) + len(new)


def rebuild(partnership=None) -> int:
    """Recompute every source's to-dos (of one partnership, or all), in batches. Returns rows opened or closed."""
    changed = 0
    for source in sources():
        queryset = source.model._base_manager.all()
        if partnership is not None:
            queryset = queryset.filter(**{source.partnership: partnership})
        ids = list(queryset.order_by("pk").values_list("pk", flat=True))
        changed += refresh_ids(source.model, ids)
        # To-dos of records that are gone (deleted outside the signals) close too.
        content_type = ContentType.objects.get_for_model(source.model, for_concrete_model=False)
        orphans = Todo.objects.open().filter(content_type=content_type)
        if partnership is not None:
            orphans = orphans.filter(partnership=partnership)
        orphans = orphans.exclude(object_id__in=source.model._base_manager.values("pk"))
        changed += orphans.update(done_at=timezone.now())
    return changed


# ------------------------------------------------------------------------------------------------ signals


def _on_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw:
        return
    if update_fields and set(update_fields) <= {"last_updated", *_SOURCES[sender].ignore}:
        return  # only derived figures changed: nothing it waits for did
    refresh_ids(sender, [instance.pk])


def _on_delete(sender, instance, **kwargs):
    refresh_ids(sender, [instance.pk])  # gone: every open to-do closes


def _on_part(sender, instance, raw=False, **kwargs):
    if raw:
        return
    for source, attr in _PARTS.get(sender, ()):
        refresh_ids(source.model, [getattr(instance, attr)])


def _on_bulk(sender, changes, **kwargs):
    """The bulk writers (``core.services.bulk_create`` / ``bulk_save``): one refresh for all the records."""
    if sender in _SOURCES:
        refresh_ids(sender, [obj.pk for obj, _before, _after in changes])
    for source, attr in _PARTS.get(sender, ()):
        refresh_ids(source.model, [getattr(obj, attr) for obj, _before, _after in changes])


saved_in_bulk.connect(_on_bulk, dispatch_uid="twincity_todo_saved_in_bulk", weak=False)


# ------------------------------------------------------------------------------------------------ reading


def desk_filter(user) -> Q | None:
    """The to-dos addressed to the user's desks (``accounts.access.desks``), or None when they sit at none."""
    where = None
    for partnership_id, part, scope_id in desks(user):
        q = Q(partnership_id=partnership_id, part=part, scope_id=scope_id)
        where = q if where is None else where | q
    return where


def open_for(user, today: dt.date | None = None):
    """The user's open to-dos that are due to be seen (``active_from`` reached): one query on the partial index."""
    where = desk_filter(user)
    if where is None:
        return Todo.objects.none()
    today = today or timezone.localdate()
    return Todo.objects.filter(where, done_at__isnull=True, active_from__lte=today)


def count_for(user, today: dt.date | None = None) -> int:
    if desk_filter(user) is None:
        return 0
    return open_for(user, today).count()


def count_query(user, today: dt.date | None = None) -> tuple[str, list] | None:
    """``count_for`` as one plain statement, the same rows on the same partial index: the frame's to-do badge, asked
    together with its other counts (``core.registry.frame_counts``). None when the user sits at no desk."""
    found = desks(user)
    if not found:
        return None
    quote, meta = connection.ops.quote_name, Todo._meta
    partnership, part, scope, active_from, done_at = (
        quote(meta.get_field(name).column) for name in ("partnership", "part", "scope_id", "active_from", "done_at")
    )
    where, params = [], []
    for partnership_id, desk_part, scope_id in found:
        params += [partnership_id, desk_part]
        if scope_id is None:
            where.append(f"({partnership} = %s AND {part} = %s AND {scope} IS NULL)")
        else:
            where.append(f"({partnership} = %s AND {part} = %s AND {scope} = %s)")
            params.append(scope_id)
    params.append(connection.ops.adapt_datefield_value(today or timezone.localdate()))
    sql = (
        f"SELECT COUNT(*) FROM {quote(meta.db_table)} WHERE ({' OR '.join(where)})"
        f" AND {done_at} IS NULL AND {active_from} <= %s"
    )
    return sql, params


DESK_PARTS = (Part.RUNS_OFFICE, Part.DECIDES, Part.COORDINATES_SIDES, Part.SPEAKS_FOR_UNITS)


# ------------------------------------------------------------------------------------------------ supervision's own


def _policy(case) -> SupervisionPolicy:
    try:
        return case.partnership.supervision_policy
    except SupervisionPolicy.DoesNotExist:
        return SupervisionPolicy(partnership_id=case.partnership_id)  # the defaults


def case_wanted(case: Case) -> list[Want]:
    """A supervised item: each owning side signs off, feeds back on time, reports completion (its unit's desk,
    or its coordinator's when no unit is named); a case every side completed waits for the office's rating."""
    if case.archived_at is not None:
        return []
    title = f"{case.code} {case.title}".strip()

    def want(part, scope_id, kind, active_from, due_on=None):
        return Want(case.partnership_id, part, scope_id, kind, title, case.url, active_from, due_on)

    if case.state == CaseState.COMPLETED:
        return [want(Part.RUNS_OFFICE, None, TodoKind.RATE_CASE, local_day(case.completed_at) or case.due_on)]
    if case.state != CaseState.OPEN:
        return []
    policy = _policy(case)
    found = []
    for side in case.sides.all():
        if side.completed_at is not None:
            continue
        desk = (
            (Part.SPEAKS_FOR_UNITS, side.organisation_id)
            if side.organisation_id
            else (Part.COORDINATES_SIDES, side.side_id)
        )
        if side.signed_at is None:
            found.append(want(*desk, TodoKind.SIGN_OFF_CASE, case.assigned_on, side.signoff_due_on))
            continue
        feedback_on = side.next_feedback_on or case.next_feedback_on
        if feedback_on is not None:
            remind = feedback_on - dt.timedelta(days=policy.remind_before_days)
            found.append(want(*desk, TodoKind.GIVE_FEEDBACK, remind, feedback_on))
        near = case.due_on - dt.timedelta(days=policy.blue_days)
        found.append(want(*desk, TodoKind.REPORT_COMPLETION, max(near, case.assigned_on), case.due_on))
    return found


def register_cases() -> None:
    register(
        Source(
            model=Case,
            wanted=case_wanted,
            parts={CaseSide: "case_id"},
            prefetch=("sides",),
            select=("partnership__supervision_policy",),
        )
    )
