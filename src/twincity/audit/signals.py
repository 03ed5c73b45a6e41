"""Record a change for every save of a ChangeLoggedModel, with the values it was loaded with as 'before'."""

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from twincity.audit import context
from twincity.audit.choices import ChangeAction
from twincity.audit.models import ObjectChange
from twincity.audit.services import insert_rows
from twincity.core.models import ChangeLoggedModel, saved_in_bulk


def _action(instance, created: bool, before: dict | None, after: dict) -> str:
    if created:
        return ChangeAction.CREATE
    if before is not None and "archived_at" in after:
        if before.get("archived_at") is None and after["archived_at"] is not None:
            return ChangeAction.ARCHIVE
        if before.get("archived_at") is not None and after["archived_at"] is None:
            return ChangeAction.RESTORE
    return ChangeAction.UPDATE


def change_values(instance: ChangeLoggedModel, action: str, before: dict | None, after: dict | None) -> dict:
    """The fields of the change record for one change of ``instance``."""
    return change_rows([(instance, action, before, after)])[0]


def change_rows(changes) -> list[dict]:
    """The fields of the change records of many changes, each ``(instance, action, before, after)``: who acts,
    the request and each model's content type are looked up once, not once a record (a bulk write of 40,000)."""
    user = context.current_user()
    user_id, user_name = (user.pk, user.get_username()) if user else (None, "")
    request_id = context.current_request_id()
    types: dict[type, int] = {}

    def type_id(obj) -> int:
        cls = type(obj)
        if cls not in types:
            types[cls] = ContentType.objects.get_for_model(obj, for_concrete_model=True).pk
        return types[cls]

    rows = []
    for instance, action, before, after in changes:
        parent = instance.audit_parent()
        rows.append(
            {
                "user_id": user_id,
                "user_name": user_name,
                "request_id": request_id,
                "action": action,
                "changed_object_type_id": type_id(instance),
                "changed_object_id": instance.pk,
                "related_object_type_id": type_id(parent) if parent is not None else None,
                "related_object_id": parent.pk if parent is not None else None,
                "object_repr": str(instance)[:200],
                "partnership_id": instance.audit_partnership_id(),
                "prechange_data": before,
                "postchange_data": after,
            }
        )
    return rows


def record_change(instance: ChangeLoggedModel, action: str, before: dict | None, after: dict | None) -> ObjectChange:
    return ObjectChange.objects.create(**change_values(instance, action, before, after))


@receiver(post_save, dispatch_uid="twincity_audit_post_save")
def on_save(sender, instance, created, raw=False, **kwargs):
    if raw or not isinstance(instance, ChangeLoggedModel):
        return
    before = None if created else instance.loaded_snapshot()
    after = instance.snapshot()
    if before is not None:
        comparable = {k: v for k, v in after.items() if k != "version"}
        if comparable == {k: v for k, v in before.items() if k != "version"}:
            instance.mark_loaded()
            return
    record_change(instance, _action(instance, created, before, after), before, after)
    instance.mark_loaded()


@receiver(saved_in_bulk, dispatch_uid="twincity_audit_saved_in_bulk")
def on_bulk_save(sender, changes, created, **kwargs):
    """The records ``on_save`` writes, for objects written in bulk (core.services.bulk_create / bulk_save)."""
    now = timezone.now()
    rows = change_rows(
        (instance, _action(instance, created, before, after), before, after) for instance, before, after in changes
    )
    for row in rows:
        row["time"] = now
    insert_rows(ObjectChange, rows)


@receiver(post_delete, dispatch_uid="twincity_audit_post_delete")
def on_delete(sender, instance, **kwargs):
    if isinstance(instance, ChangeLoggedModel):
        record_change(instance, ChangeAction.DELETE, instance.snapshot(), None)
