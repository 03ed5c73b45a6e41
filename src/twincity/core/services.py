"""Writes shared by every app: versioned updates, archiving, attachments, permission checks, and the writes of
many rows at once that still leave the trail (``bulk_create``, ``bulk_save``, ``update_rows``).

No code outside this module calls ``.update()``, ``bulk_update()`` or ``bulk_create()`` on an audited model
(``core/tests/test_trail_lint.py`` fails naming the line): those skip the change records and ``last_updated``."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from twincity.accounts.access import restrict
from twincity.audit.services import log_event
from twincity.core.models import Attachment, ChangeLoggedModel, PrimaryModel, saved_in_bulk
from twincity.core.rows import can_unnest, column, insert_objects, unnest_insert

BULK_BATCH = 1000


class ConflictError(Exception):
    """Someone else saved the object after the editor loaded it: the edit is refused, nothing overwritten."""

    def __init__(self, current: models.Model, attempted: dict):
        self.current = current
        self.attempted = attempted
        super().__init__(_("This record was changed by someone else while you were editing it."))


def require(user, action: str, obj: models.Model) -> None:
    """Refuse unless ``user`` may ``action`` ``obj`` (asked of the database, inside the caller's transaction)."""
    if not restrict(type(obj)._base_manager.filter(pk=obj.pk), user, action).exists():
        raise PermissionDenied(_("You may not do this."))


def _locked_row(obj: models.Model) -> models.Model:
    # FOR NO KEY UPDATE on PostgreSQL (what an UPDATE that keeps the key takes): a writer that inserts a row
    # pointing at this one (a matter of the partnership) holds a KEY SHARE lock on it, which FOR UPDATE would
    # wait for while that writer waits for our change stamp (touch): a deadlock.
    no_key = connection.features.has_select_for_no_key_update
    return type(obj)._base_manager.select_for_update(no_key=no_key).get(pk=obj.pk)


# ----------------------------------------------------------------------------- the partnership's change stamp


def _stamp_path(model: type[models.Model]) -> tuple[type[models.Model], list[str]] | None:
    """(the Partnership model, the path from ``model`` to it) by the model's ``Access.partnership``, or None."""
    path = getattr(getattr(model, "Access", None), "partnership", None)
    if not isinstance(path, str):
        return None
    parts, target = path.split("__"), model
    for part in parts:
        if part == "pk":
            break
        field = target._meta.get_field(part)
        if not (field.many_to_one or field.one_to_one) or field.auto_created:
            return None  # a partnership reached through a list of rows: not one stamp to move
        target = field.related_model
    if not any(f.name == "changed_at" for f in target._meta.concrete_fields):
        return None
    return target, parts


def _in_memory(obj: models.Model, parts: list[str]):
    """The partnership id of ``obj`` read from the object and the relations it holds, or None (not loaded)."""
    for part in parts[:-1]:
        field = obj._meta.get_field(part)
        if not field.is_cached(obj):
            return None
        obj = getattr(obj, part)
        if obj is None:
            return None
    last = parts[-1]
    if last == "pk":
        return obj.pk
    attname = obj._meta.get_field(last).attname
    return obj.__dict__.get(attname)  # a deferred field is not read here: the UPDATE's subquery finds it


def _touched() -> dict:
    """Partnership id → the marker of the transaction that moved its stamp (this connection's)."""
    return connection.__dict__.setdefault("_twincity_touched", {})


def _pending(marker) -> bool:
    """Is the transaction (or savepoint) that registered ``marker`` still open? Django drops a savepoint's
    on-commit callbacks when it rolls back, and all of them at the end of the outermost transaction."""
    return any(entry[1] is marker for entry in connection.run_on_commit)


def move_stamps(where: Q, ids=()) -> None:
    """The one UPDATE of the change stamp: the partnerships ``where`` selects (``ids``: those known by id, remembered
    for ``touch_once``). Bookkeeping, not the office's data: no change record, no ``last_updated`` (see ``touch``)."""
    apps.get_model("regions", "Partnership")._base_manager.filter(where).update(changed_at=timezone.now())
    if ids:
        _remember(ids)


def touch_partnerships(ids) -> None:
    """Move the stamps of the partnerships ``ids`` themselves: for rows that name a partnership without being one of
    its records (a to-do is addressed to a desk, it has no ``Access``), written in bulk."""
    ids = sorted({int(i) for i in ids if i is not None})
    if ids:
        move_stamps(Q(pk__in=ids), ids)


def forget_touches() -> None:
    """A cached piece was just stored under the current stamps: the next write must move them again."""
    _touched().clear()


def _remember(ids) -> None:
    if not connection.in_atomic_block:
        return

    def marker():
        pass

    transaction.on_commit(marker)
    memo = _touched()
    for pk in ids:
        memo[pk] = marker


def touch_once(model: type[models.Model], obj) -> None:
    """``touch`` for one saved row, unless its partnership's stamp already moved in this transaction (and no
    cached piece was stored since): the safety net of ``core.cache.stamp_on_save`` costs nothing after ``lock``."""
    found = _stamp_path(model)
    if found is None:
        return
    value = _in_memory(obj, found[1])
    if value is not None:
        marker = _touched().get(value)
        if marker is not None and _pending(marker):
            return
    touch(model, [obj])


def touch(model: type[models.Model], objs) -> None:
    """Move the change stamp of the partnerships ``objs`` (of ``model``, or a queryset) belong to, in one UPDATE.

    Caches of a partnership's figures (the dashboard) carry the stamp in their key, so any write through
    these helpers shows at once, in every worker. The stamp is bookkeeping, not the office's data: it is
    written with a bare UPDATE, no change record (it would double every record in the log) and no
    ``last_updated`` (the partnership itself did not change). ``lock`` calls it before it takes the row's
    lock, so every writer takes the partnership's row first: the parent-before-parts order, kept by all.
    """
    found = _stamp_path(model)
    if found is None:
        return
    parts = found[1]
    if isinstance(objs, models.QuerySet):
        move_stamps(Q(pk__in=objs.values("__".join(parts))))
        return
    ids, unknown = set(), []
    for obj in objs:
        value = _in_memory(obj, parts)
        if value is not None:
            ids.add(value)
        elif obj.pk is not None:
            unknown.append(obj.pk)
    where = Q(pk__in=sorted(ids)) if ids else Q(pk__in=[])
    for start in range(0, len(unknown), BULK_BATCH):
        rows = model._base_manager.filter(pk__in=unknown[start : start + BULK_BATCH])
        where |= Q(pk__in=rows.values("__".join(parts)))
    if ids or unknown:
        move_stamps(where, ids)


# ----------------------------------------------------------------------------- writes of many rows, with the trail


def bulk_create(objs, *, batch_size: int = BULK_BATCH) -> list:
    """Insert many new objects of one model in a few statements, leaving what a ``save()`` of each leaves.

    One change record per object (through ``core.models.saved_in_bulk``, recorded by the audit app in bulk),
    ``created``/``last_updated`` set, the partnership's change stamp moved. The objects get their ids.
    """
    objs = list(objs)
    if not objs:
        return objs
    model = type(objs[0])
    touch(model, objs)
    insert_objects(objs, batch_size=batch_size)  # Django's bulk_create at the driver's speed (core.rows)
    if issubclass(model, ChangeLoggedModel):
        saved_in_bulk.send(sender=model, changes=[(obj, None, obj.snapshot()) for obj in objs], created=True)
        for obj in objs:
            obj.mark_loaded()
    return objs


def load_rows(model: type[models.Model], rows: list[dict], *, batch_size: int = 50_000) -> list[int]:
    """Insert many new rows of a model given as field values (by attname), for a bulk load such as a yearbook
    import, and return their ids. Defaults, ``created`` and ``last_updated`` are filled and the partnership's
    change stamp moved, as ``bulk_create`` does, but **no change record is written per row**: the caller
    records the load itself as one named event (and keeps what was loaded, e.g. the import job's file), which
    is the trail of such a load (docs/indicators-imports.md). Hand edits go through ``bulk_create``/``save``.

    On PostgreSQL one ``INSERT … SELECT FROM unnest(arrays) RETURNING id`` per batch (no model instances, one
    parameter per column); elsewhere ``bulk_create``.
    """
    if not rows:
        return []
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {}
    for f in fields:
        if f.attname in ("created", "last_updated"):
            defaults[f.attname] = now
        elif f.has_default():
            defaults[f.attname] = f.get_default()
        elif f.null:
            defaults[f.attname] = None
    found = _stamp_path(model)
    if found is not None:
        seen, samples = set(), []
        for row in rows:
            key = row.get(f"{found[1][0]}_id") if len(found[1]) == 1 else None
            if key not in seen:
                seen.add(key)
                samples.append(model(**{**defaults, **row}))
        touch(model, samples)
    if not can_unnest(fields):
        objs = [model(**{**defaults, **row}) for row in rows]
        model._base_manager.bulk_create(objs, batch_size=BULK_BATCH)
        return [obj.pk for obj in objs]
    columns = [column(f, [row.get(f.attname, defaults.get(f.attname)) for row in rows]) for f in fields]
    return unnest_insert(model, fields, columns, batch_size=batch_size)


def _same_but_version(before: dict, after: dict) -> bool:
    return {k: v for k, v in before.items() if k != "version"} == {k: v for k, v in after.items() if k != "version"}


def bulk_save(objs, fields, *, batch_size: int = BULK_BATCH) -> int:
    """Save ``fields`` of many objects loaded from the database in a few UPDATEs, with the trail a ``save()``
    of each leaves: a change record for each object whose values changed (before: as loaded), its
    ``last_updated`` moved, the partnership's change stamp moved. Objects that did not change are not written.
    Returns how many were.
    """
    objs = list(objs)
    if not objs:
        return 0
    model = type(objs[0])
    attnames = {model._meta.get_field(name).attname for name in fields}
    names = [model._meta.get_field(name).name for name in fields]
    logged = issubclass(model, ChangeLoggedModel)
    changes, changed = [], []
    for obj in objs:
        if logged:
            loaded = getattr(obj, "_loaded_values", None)
            if loaded is None:
                raise ValueError("bulk_save writes objects loaded from the database (their values are the 'before')")
            # Only what was loaded, and of it only ``fields`` as they are now: a deferred field is not read again.
            now_values = {k: (getattr(obj, k) if k in attnames else v) for k, v in loaded.items()}
            before, after = obj.snapshot(loaded), obj.snapshot(now_values)
            if _same_but_version(before, after):
                continue
            changes.append((obj, before, after))
        changed.append(obj)
    if not changed:
        return 0
    touch(model, changed)
    stamped = {}
    if any(f.name == "last_updated" for f in model._meta.concrete_fields):
        now = timezone.now()
        for obj in changed:
            obj.last_updated = now
        names.append("last_updated")
        attnames.add("last_updated")
        stamped = {"last_updated": now}
    groups = _by_value(changed, model._meta.get_field(fields[0]).attname) if len(fields) == 1 else None
    if groups is not None:
        # One field taking few values (a colour, a state): one UPDATE per value, not a CASE WHEN per row.
        attname = model._meta.get_field(fields[0]).attname
        for value, ids in groups.items():
            for start in range(0, len(ids), batch_size):
                chunk = ids[start : start + batch_size]
                model._base_manager.filter(pk__in=chunk).update(**{attname: value}, **stamped)
    else:
        model._base_manager.bulk_update(changed, names, batch_size=batch_size)
    if logged:
        saved_in_bulk.send(sender=model, changes=changes, created=False)
        for obj in changed:  # the new baseline for the next change record, without reading deferred fields
            obj._loaded_values.update({k: getattr(obj, k) for k in attnames})
    return len(changed)


def _by_value(objs, attname: str) -> dict | None:
    """The objects' ids grouped by the value of ``attname``, when it takes few hashable values (else None)."""
    groups: dict = {}
    for obj in objs:
        value = getattr(obj, attname)
        try:
            groups.setdefault(value, []).append(obj.pk)
        except TypeError:  # a JSON value: no grouping
            return None
    return groups if len(groups) <= max(1, len(objs) // 20) else None


def update_rows(queryset: models.QuerySet, **values) -> int:
    """``queryset.update(**values)`` with the trail: the rows are locked and read, then ``bulk_save``d.

    Plain values only (no ``F()`` expressions: the change record says what the value became). Returns how many
    rows changed.
    """
    model = queryset.model
    touch(model, queryset)  # the partnership first (the lock order), before the rows' locks
    objs = list(queryset.select_for_update().order_by("pk"))
    for obj in objs:
        for name, value in values.items():
            setattr(obj, name, value)
    return bulk_save(objs, list(values))


def _take(obj: models.Model, fresh: models.Model) -> None:
    """Bring ``obj`` up to date with ``fresh`` (its row as locked), dropping related objects that moved."""
    for field in obj._meta.concrete_fields:
        value = getattr(fresh, field.attname)
        if field.is_relation and getattr(obj, field.attname) != value and field.is_cached(obj):
            field.delete_cached_value(obj)
        setattr(obj, field.attname, value)
    if hasattr(fresh, "_loaded_values"):
        obj._loaded_values = fresh._loaded_values  # the change record's "before" is what was locked


def lock(obj: models.Model, *, version: int | None = None) -> models.Model:
    """Take the row's write lock and bring ``obj`` up to date with it (inside the caller's transaction).

    Every write that changes part of a record starts here, so it never writes back values it read before
    someone else's change. Services lock the parent record first (a matter before its reports and
    milestones), so two writers always take their locks in the same order and cannot deadlock. On
    SQLite the write lock is the whole database, taken when the transaction begins (IMMEDIATE).
    With ``version``, someone's save since that version is a conflict, and ``obj`` is left as it was.
    """
    touch(type(obj), [obj])  # the partnership's row first: see touch
    fresh = _locked_row(obj)
    if version is not None and fresh.version != version:
        raise ConflictError(fresh, {})
    _take(obj, fresh)
    return obj


def save_fields(obj: models.Model, fields) -> None:
    """Save only ``fields`` (and the change stamp), never the rest of a possibly stale object."""
    names = {obj._meta.get_field(name).name for name in fields}
    if any(f.name == "last_updated" for f in obj._meta.concrete_fields):
        names.add("last_updated")
    obj.save(update_fields=sorted(names))


def update_versioned(
    obj: PrimaryModel, expected_version: int | None, changes: dict, *, user, action: str = "change", may=None
):
    """Apply ``changes`` to ``obj`` if nobody saved it since ``expected_version``; re-check access after saving.

    The row is locked and re-read first; only the changed fields and the version are written, so a
    concurrent write to other fields (a report moving a matter's percent) is never undone. ``may(user, obj)``,
    when given, is asked instead of ``action``: a rule built on the door that a model's ``Access`` cannot
    state (the proposer of a backlog item edits it).
    """

    def check() -> None:
        if may is None:
            require(user, action, obj)
        elif not may(user, obj):
            raise PermissionDenied(_("You may not do this."))

    with transaction.atomic():
        check()
        try:
            lock(obj, version=expected_version)
        except ConflictError as conflict:
            raise ConflictError(conflict.current, changes) from None
        obj.version += 1
        for name, value in changes.items():
            setattr(obj, name, value)
        obj.full_clean(exclude=["version"], validate_unique=False, validate_constraints=False)
        save_fields(obj, [*changes, "version"])
        check()  # the edit must not move the object out of the editor's reach
    return obj


def archive(obj: PrimaryModel, *, user, action: str = "change") -> PrimaryModel:
    with transaction.atomic():
        require(user, action, obj)
        lock(obj)
        if obj.archived_at is None:
            obj.archived_at = timezone.now()
            obj.version += 1
            save_fields(obj, ["archived_at", "version"])
            log_event(f"{obj._meta.model_name}.archived", obj)
    return obj


def restore(obj: PrimaryModel, *, user, action: str = "change") -> PrimaryModel:
    with transaction.atomic():
        require(user, action, obj)
        lock(obj)
        if obj.archived_at is not None:
            obj.archived_at = None
            obj.version += 1
            save_fields(obj, ["archived_at", "version"])
    return obj


def validate_upload(upload) -> None:
    """Refuse files of a type or size the office does not accept (checked by name and by content)."""
    name = upload.name or ""
    suffix = PurePosixPath(name).suffix.lower().lstrip(".")
    allowed = settings.TWINCITY_UPLOAD_EXTENSIONS
    if suffix not in allowed:
        raise ValidationError(
            _("Files of type “%(type)s” are not accepted. Accepted: %(allowed)s.")
            % {"type": suffix or "?", "allowed": ", ".join(allowed)}
        )
    if upload.size > settings.TWINCITY_UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("The file is too large (%(size)s MB; at most %(max)s MB).")
            % {"size": round(upload.size / 1048576, 1), "max": settings.TWINCITY_UPLOAD_MAX_BYTES // 1048576}
        )
    head = upload.read(8)
    upload.seek(0)
    signatures = {
        "pdf": [b"%PDF"],
        "png": [b"\x89PNG"],
        "jpg": [b"\xff\xd8\xff"],
        "jpeg": [b"\xff\xd8\xff"],
        "docx": [b"PK\x03\x04"],
        "xlsx": [b"PK\x03\x04"],
        "pptx": [b"PK\x03\x04"],
    }
    if suffix in signatures and not any(head.startswith(sig) for sig in signatures[suffix]):
        raise ValidationError(_("The file's content does not match its type “%(type)s”.") % {"type": suffix})


def attach(parent: models.Model, upload, *, user, partnership_id: int) -> Attachment:
    validate_upload(upload)
    return Attachment.objects.create(
        content_type=ContentType.objects.get_for_model(parent),
        object_id=parent.pk,
        partnership_id=partnership_id,
        file=upload,
        name=PurePosixPath(upload.name).name[:255],
        size=upload.size,
        mime_type=(getattr(upload, "content_type", "") or "application/octet-stream")[:100],
        uploaded_by=user,
    )
