"""What supervision follows of the agreements register: each obligation with a due date of an agreement in force."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twincity.agreements.choices import AgreementStatus
from twincity.agreements.models import Obligation
from twincity.supervision.registry import ItemSpec, Owner, Supervised, register


def describe_obligation(obligation: Obligation) -> ItemSpec:
    agreement = obligation.agreement
    due = obligation.due_date
    assigned = timezone.localdate(obligation.created) if obligation.created else timezone.localdate()
    return ItemSpec(
        partnership_id=agreement.partnership_id,
        code=agreement.code or f"OB{obligation.pk}",
        title=str(obligation),
        url=obligation.get_absolute_url(),
        assigned_on=min(assigned, due) if due else assigned,
        due_on=due or assigned,
        owners=(Owner(side_id=obligation.side_id, organisation_id=obligation.organisation_id),),
        field_id=agreement.field_id if hasattr(agreement, "field_id") else None,
        active=due is not None
        and obligation.archived_at is None
        and agreement.archived_at is None
        and agreement.status == AgreementStatus.IN_FORCE,
    )


def register_all() -> None:
    register(Supervised(kind="obligation", model=Obligation, describe=describe_obligation, label=_("Obligation")))
