"""Writes shared by every app: versioned updates, archiving, attachments, permission checks."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F
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


def update_versioned(obj: PrimaryModel, expected_version: int | None, changes: dict, *, user, action: str = "change"):
    """Apply ``changes`` to ``obj`` if nobody saved it since ``expected_version``; re-check access after saving."""
    with transaction.atomic():
        require(user, action, obj)
        if expected_version is not None:
            bumped = (
                type(obj)._base_manager.filter(pk=obj.pk, version=expected_version).update(version=F("version") + 1)
            )
            if not bumped:
                current = type(obj)._base_manager.get(pk=obj.pk)
                raise ConflictError(current, changes)
            obj.version = expected_version + 1
        else:
            obj.version = (obj.version or 0) + 1
        for name, value in changes.items():
            setattr(obj, name, value)
        obj.full_clean(exclude=["version"], validate_unique=False, validate_constraints=False)
        obj.save()
        require(user, action, obj)  # the edit must not move the object out of the editor's reach
    return obj


def archive(obj: PrimaryModel, *, user, action: str = "change") -> PrimaryModel:
    from twincity.audit.services import log_event

    with transaction.atomic():
        require(user, action, obj)
        if obj.archived_at is None:
            obj.archived_at = timezone.now()
            obj.version += 1
            obj.save(update_fields=["archived_at", "version", "last_updated"])
            log_event(f"{obj._meta.model_name}.archived", obj)
    return obj


def restore(obj: PrimaryModel, *, user, action: str = "change") -> PrimaryModel:
    with transaction.atomic():
        require(user, action, obj)
        if obj.archived_at is not None:
            obj.archived_at = None
            obj.version += 1
            obj.save(update_fields=["archived_at", "version", "last_updated"])
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
