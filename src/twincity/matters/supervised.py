"""What supervision follows of the matters app: a matter from the day it is approved, and each milestone."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twincity.matters.choices import ACTIVE_STATUSES, MatterStatus
from twincity.matters.models import Matter, Milestone
from twincity.supervision.registry import ItemSpec, Owner, Supervised, register

# A completed matter stays followed (its case is completed or closed); a suspended or cancelled one is not.
FOLLOWED_STATUSES = (*ACTIVE_STATUSES, MatterStatus.COMPLETED)


def _owners(matter: Matter, side_id: int | None = None) -> tuple[Owner, ...]:
    # The lead units first: the side's case names its lead unit.
    return tuple(
        Owner(side_id=o.side_id, organisation_id=o.organisation_id)
        for o in sorted(matter.owners.all(), key=lambda o: (o.role != "lead", o.pk or 0))
        if side_id is None or o.side_id == side_id
    )


def _assigned(matter: Matter):
    return matter.start_date or timezone.localdate(matter.created)


def describe_matter(matter: Matter) -> ItemSpec:
    due = matter.due_date
    assigned = _assigned(matter)
    return ItemSpec(
        partnership_id=matter.partnership_id,
        code=matter.code,
        title=matter.title,
        url=matter.get_absolute_url(),
        assigned_on=min(assigned, due) if due else assigned,
        due_on=due or assigned,
        owners=_owners(matter),
        field_id=matter.field_id,
        active=due is not None and matter.status in FOLLOWED_STATUSES and matter.archived_at is None,
    )


def describe_milestone(milestone: Milestone) -> ItemSpec:
    matter = milestone.matter
    owners = _owners(matter, milestone.side_id) or (Owner(side_id=milestone.side_id),)
    assigned = timezone.localdate(milestone.created) if milestone.created else timezone.localdate()
    return ItemSpec(
        partnership_id=matter.partnership_id,
        code=f"{matter.code}·M{milestone.pk}",
        title=f"{matter.title}: {milestone.title}",
        url=matter.get_absolute_url(),
        assigned_on=min(assigned, milestone.due_date),
        due_on=milestone.due_date,
        owners=owners[:1],
        field_id=matter.field_id,
        active=matter.status in FOLLOWED_STATUSES and milestone.archived_at is None and matter.archived_at is None,
    )


def register_all() -> None:
    register(Supervised(kind="matter", model=Matter, describe=describe_matter, label=_("Key cooperation matter")))
    register(Supervised(kind="milestone", model=Milestone, describe=describe_milestone, label=_("Milestone")))
