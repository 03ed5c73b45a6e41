"""Writes to the audit app: named events and journal notes."""

from django.contrib.contenttypes.models import ContentType
from django.db import models

from twincity.audit import context
from twincity.audit.models import AuditEvent, JournalEntry
from twincity.core.text import plain


def event_values(verb: str, obj: models.Model | None, *, message: str = "", data: dict | None = None, user=None):
    """The fields of a named event (also used by bulk writers)."""
    user = user or context.current_user()
    return {
        "user_id": user.pk if user else None,
        "user_name": user.get_username() if user else "",
        "request_id": context.current_request_id(),
        "verb": verb,
        "object_type_id": ContentType.objects.get_for_model(obj).pk if obj is not None else None,
        "object_id": obj.pk if obj is not None else None,
        "object_repr": str(obj)[:200] if obj is not None else "",
        "partnership_id": obj.audit_partnership_id() if hasattr(obj, "audit_partnership_id") else None,
        "message": message,
        "data": data or {},
    }


def log_event(verb: str, obj: models.Model | None, *, message: str = "", data: dict | None = None, user=None):
    """Record a named workflow step (call inside the service's transaction)."""
    return AuditEvent.objects.create(**event_values(verb, obj, message=message, data=data, user=user))


def add_journal_entry(obj, *, author, text: str, kind: str = JournalEntry.Kind.INFO) -> JournalEntry:
    return JournalEntry.objects.create(
        author=author,
        object_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        partnership_id=obj.audit_partnership_id(),
        kind=kind,
        text=plain(text),
    )
