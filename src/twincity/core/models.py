"""Base models every domain object of the office is built on.

* ``ChangeLoggedModel``: remembers the values it was loaded with, so that the audit app can
  record a before/after pair for every save without an extra query.
* ``PrimaryModel``: a record the office must account for. It carries an edit ``version`` (for
  optimistic locking: two people editing from the same version cannot silently overwrite each
  other) and is archived, never deleted.
* ``Attachment``: an uploaded file belonging to any object; stored outside the static tree and
  served only through an access-checked view.
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twincity.core.querysets import RestrictedQuerySet


def _json_value(value):
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if hasattr(value, "name") and hasattr(value, "storage"):  # FieldFile
        return value.name or None
    return value


@functools.cache
def _audited_names(model: type[models.Model]) -> tuple[str, ...]:
    """The attribute names of ``model``'s fields its change records hold (``audit_exclude`` left out)."""
    exclude = model.audit_exclude
    return tuple(f.attname for f in model._meta.concrete_fields if f.name not in exclude and f.attname not in exclude)


# Sent by the bulk writers of ``core.services`` (``bulk_create``, ``bulk_save``) once they wrote many objects of
# one model in a few statements, where no ``post_save`` is sent: ``changes`` lists (instance, before, after)
# snapshots, ``created`` says whether they are new. The audit app records them as it records each save, so a
# bulk write leaves the same trail; core learns of the audit app only through this signal (it sits below it).
saved_in_bulk = Signal()


class ArchiveInsteadError(Exception):
    """Raised when code tries to hard-delete a record the office must account for."""


class ChangeLoggedModel(models.Model):
    """Anything whose creation and changes are recorded in the audit log."""

    created = models.DateTimeField(_("created"), auto_now_add=True)
    last_updated = models.DateTimeField(_("last updated"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    # Fields left out of change records: bookkeeping, or derived text that would swamp the diff.
    audit_exclude: tuple[str, ...] = ("created", "last_updated", "search_document")
    # The field naming the record this one belongs to (a milestone's matter): its history shows this one.
    audit_parent_field: str | None = None

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values, *args, **kwargs):
        instance = super().from_db(db, field_names, values, *args, **kwargs)
        instance._loaded_values = dict(zip(field_names, values, strict=True))
        return instance

    def snapshot(self, values: dict | None = None) -> dict:
        """The object's own field values as JSON-friendly data (foreign keys by id)."""
        names = _audited_names(type(self))
        if values is None:
            return {name: _json_value(getattr(self, name)) for name in names}
        return {name: _json_value(values[name]) for name in names if name in values}

    def loaded_snapshot(self) -> dict | None:
        loaded = getattr(self, "_loaded_values", None)
        return None if loaded is None else self.snapshot(loaded)

    def mark_loaded(self) -> None:
        """After a save, what is in the database is the new baseline for the next change record."""
        self._loaded_values = {f.attname: getattr(self, f.attname) for f in self._meta.concrete_fields}

    def audit_parent(self) -> models.Model | None:
        """The object on whose history page a change to this one belongs (e.g. a milestone → its matter)."""
        return getattr(self, self.audit_parent_field) if self.audit_parent_field else None

    def audit_partnership_id(self) -> int | None:
        """The partnership whose auditors may read this object's changes (its own, or its parent's)."""
        if hasattr(self, "partnership_id"):
            return self.partnership_id
        parent = self.audit_parent()
        return parent.audit_partnership_id() if parent is not None else None


class PrimaryModel(ChangeLoggedModel):
    """A record the office must account for: versioned for safe concurrent edits, archived not deleted."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def delete(self, *args, **kwargs):
        raise ArchiveInsteadError(f"{self._meta.label} records are archived, never deleted")


def attachment_path(instance: Attachment, filename: str) -> str:
    suffix = PurePosixPath(filename).suffix.lower()
    today = timezone.now()
    return f"attachments/{today:%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Attachment(ChangeLoggedModel):
    """A file uploaded as evidence or as a document (a progress report's annex, a signed agreement)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    parent = GenericForeignKey("content_type", "object_id")
    partnership = models.ForeignKey(
        "regions.Partnership", on_delete=models.PROTECT, related_name="+", verbose_name=_("partnership")
    )
    file = models.FileField(_("file"), upload_to=attachment_path)
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    mime_type = models.CharField(_("type"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("uploaded by")
    )
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [models.Index(fields=["content_type", "object_id"])]

    class Access:
        partnership = "partnership"

    def __str__(self) -> str:
        return self.name

    def audit_parent(self):
        return self.parent
