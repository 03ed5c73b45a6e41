"""Writes to the partnership's structure: units, counterpart pairs, fields and thresholds."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from twincity.accounts.access import require_in
from twincity.accounts.choices import Action
from twincity.audit.services import log_event
from twincity.core.services import require, update_versioned
from twincity.core.text import plain
from twincity.matters.services import refresh_light_dates
from twincity.regions.models import CounterpartPair, Field, Organisation, Partnership, Region

# Units are added by the office or a side's coordinator; everything else about the structure is the office's.
OFFICE_ONLY = gettext_lazy("Only the office may change the partnership's structure.")


def create_organisation(partnership: Partnership, *, user, region: Region, name: str, **fields) -> Organisation:
    """Add a unit to one side. The office adds units anywhere; a coordinator on its own side."""
    with transaction.atomic():
        member_ids = set(partnership.memberships.values_list("region_id", flat=True))
        if region.pk not in member_ids and region.parent_id not in member_ids:
            raise ValidationError({"region": _("The region is not a side of this partnership.")})
        unit = Organisation(
            region=region, name=plain(name), **{k: plain(v) if isinstance(v, str) else v for k, v in fields.items()}
        )
        unit.full_clean()
        unit.save()
        require(user, Action.CHANGE, unit)
        log_event("organisation.created", unit)
    return unit


def update_organisation(unit: Organisation, *, user, version: int | None, **changes) -> Organisation:
    changes = {k: plain(v) if isinstance(v, str) else v for k, v in changes.items()}
    return update_versioned(unit, version, changes, user=user)


def pair_counterparts(partnership: Partnership, first: Organisation, second: Organisation, *, user, note: str = ""):
    with transaction.atomic():
        require_in(user, Action.ADMINISTER, partnership.pk, OFFICE_ONLY)
        pair = CounterpartPair(partnership=partnership, first=first, second=second, note=plain(note))
        pair.full_clean()
        pair.save()
    return pair


def add_field(partnership: Partnership, *, user, name: str, name_en: str = "") -> Field:
    with transaction.atomic():
        require_in(user, Action.ADMINISTER, partnership.pk, OFFICE_ONLY)
        order = (partnership.fields.order_by("-order").values_list("order", flat=True).first() or 0) + 1
        field = Field(partnership=partnership, name=plain(name), name_en=plain(name_en), order=order)
        field.full_clean()
        field.save()
    return field


def update_field(field: Field, *, user, version: int | None, **changes) -> Field:
    require_in(user, Action.ADMINISTER, field.partnership_id, OFFICE_ONLY)
    changes = {k: plain(v) if isinstance(v, str) else v for k, v in changes.items()}
    return update_versioned(field, version, changes, user=user)


def update_thresholds(partnership: Partnership, *, user, version: int | None, near_days: int, lag_margin: int):
    """Change when the health light turns yellow; every matter's derived dates follow at once."""
    with transaction.atomic():
        require_in(user, Action.ADMINISTER, partnership.pk, OFFICE_ONLY)
        update_versioned(
            partnership, version, {"health_near_days": near_days, "health_lag_margin": lag_margin}, user=user
        )
        count = refresh_light_dates(partnership)
        log_event(
            "partnership.thresholds_changed",
            partnership,
            data={"near_days": near_days, "lag_margin": lag_margin, "matters": count},
        )
    return partnership
