"""What supervision follows of the meetings app: each meeting action (one case, one side per owning side)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twincity.meetings.choices import ActionStatus
from twincity.meetings.models import ActionItem
from twincity.supervision.registry import ItemSpec, Owner, Supervised, register


def describe_action(action: ActionItem) -> ItemSpec:
    owners = tuple(Owner(side_id=o.side_id, organisation_id=o.organisation_id) for o in action.owners.order_by("pk"))
    assigned_on = action.session.local_date if action.session_id else timezone.localdate(action.created)
    return ItemSpec(
        partnership_id=action.partnership_id,
        code=action.code,
        title=action.title,
        url=action.get_absolute_url(),
        assigned_on=min(assigned_on, action.due_date),
        due_on=action.due_date,
        owners=owners,
        field_id=action.matter.field_id if action.matter_id else None,
        active=action.status != ActionStatus.CANCELLED and action.archived_at is None,
    )


def register_all() -> None:
    register(Supervised(kind="action", model=ActionItem, describe=describe_action, label=_("Meeting action")))
