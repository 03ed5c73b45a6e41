"""Writes shared by every app: versioned updates, archiving, attachments, permission checks."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from twincity.accounts.access import restrict
from twincity.core.models import Attachment, PrimaryModel


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
    return type(obj)._base_manager.select_for_update().get(pk=obj.pk)


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
    from twincity.audit.services import log_event

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
