"""Every write to policy alignment (政策融通). Each service is one transaction that checks access, writes,
and leaves its trace; the comparison of a group is recomputed by the write that changes what it reads.

Who may do what (decided here, documented in the app's docs and tested):

* **Policies and clauses** belong to their side: the office and that side's coordinator add, edit and
  archive them (``Policy.Access.regions = "side"``). A policy's side is fixed when it is entered.
* **Alignment groups** belong to the office: only the office creates them, edits their term, unit and
  tolerance, removes clauses from them, archives them and records that the sides agreed to differ.
  A side cannot loosen the tolerance it is measured against.
* **A side's coordinator** puts its own side's clauses into any group of the partnership (that is how
  a group gets its counterpart), and may put a group in which its side has a clause under
  negotiation, and take it out of negotiation again.
* Taking a clause out of a group is the office's: a side could otherwise make a divergence vanish by
  withdrawing its clause.

The comparison (``refresh_divergence``) runs whenever a member clause's value changes, a clause is
added, removed or archived (with its policy, too), or the group's tolerance or unit changes.
A group that is *aligned* becomes *diverging* when the divergence exceeds the tolerance, and
*aligned* again when it comes back within it, each time with a logged event that carries the
figures. *Under negotiation* and *agreed to differ* are set by people, with a reason, and stay while
the figures move; ``resume_comparison`` hands the group back to the comparison. Clauses of archived
policies and archived clauses take no part in the comparison; a policy past its expiry date still
does (it is the office's to archive it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from twincity.accounts.access import restrict
from twincity.accounts.choices import Action
from twincity.audit.services import log_event
from twincity.core.models import Attachment
from twincity.core.services import ConflictError, attach, lock, require, save_fields, update_versioned
from twincity.core.text import plain
from twincity.policies.choices import COMPUTED_STATUSES, HELD_STATUSES, AlignmentStatus, ToleranceKind
from twincity.policies.divergence import divergence, exceeds
from twincity.policies.models import AlignmentGroup, AlignmentMember, Clause, Policy, normalise_unit
from twincity.regions.models import PartnershipRegion, Region
from twincity.registers import services as registers

__all__ = [
    "ConflictError",
    "SideColumn",
    "add_clause",
    "add_member",
    "archive_clause",
    "archive_group",
    "archive_policy",
    "attach_document",
    "create_group",
    "create_policy",
    "holdable_statuses",
    "in_side_order",
    "may_hold",
    "member_values",
    "refresh_divergence",
    "remove_member",
    "resume_comparison",
    "set_status",
    "side_by_side",
    "update_clause",
    "update_group",
    "update_policy",
]

POLICY_FIELDS = ("code", "title", "field", "note", "issuing_body", "document_number", "effective_on", "expires_on")
CLAUSE_FIELDS = ("reference", "text", "term_name", "value", "unit", "qualifier")
GROUP_FIELDS = ("code", "title", "field", "note", "term_name", "unit", "tolerance", "tolerance_kind")


def _only(changes: dict, allowed: tuple[str, ...]) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")


def _check_field(partnership_id: int, field) -> None:
    if field is not None and field.partnership_id != partnership_id:
        raise ValidationError({"field": _("The field belongs to another partnership.")})


def _side_ids(partnership_id: int) -> list[int]:
    return list(
        PartnershipRegion.objects.filter(partnership_id=partnership_id)
        .order_by("rotation_order", "pk")
        .values_list("region_id", flat=True)
    )


# --------------------------------------------------------------------------------------------------
# Policies
# --------------------------------------------------------------------------------------------------


def create_policy(*, partnership, user, side, title: str, **fields) -> Policy:
    """Enter a policy of one side (the office for any side, a coordinator for their own)."""
    _only(fields, POLICY_FIELDS)
    with transaction.atomic():
        registers.require_member(user, Action.CHANGE, partnership)
        if side.pk not in _side_ids(partnership.pk):
            raise ValidationError({"side": _("%(region)s is not a side of this partnership.") % {"region": side}})
        _check_field(partnership.pk, fields.get("field"))
        policy = registers.save_new(Policy(partnership=partnership, side=side, title=title, **fields))
        registers.created(policy, user=user)
    return policy


def update_policy(policy: Policy, *, user, version: int | None, **changes) -> Policy:
    """Edit a policy's own fields unless someone saved it meanwhile (its side stays what it is)."""
    _only(changes, POLICY_FIELDS)
    if "field" in changes:
        _check_field(policy.partnership_id, changes["field"])
    return registers.update_entry(policy, user=user, version=version, **changes)


def archive_policy(policy: Policy, *, user) -> Policy:
    """Archive a policy (repealed, superseded): its clauses leave every comparison they were in."""
    with transaction.atomic():
        registers.archive_entry(policy, user=user)
        cause = _("Policy %(policy)s archived.") % {"policy": policy}
        for group in _groups_of(Clause.objects.filter(policy=policy)):
            refresh_divergence(group, cause=cause)
    return policy


def attach_document(policy: Policy, upload, *, user) -> Attachment:
    """Add the policy's document (the published text; type, size and content checked)."""
    with transaction.atomic():
        require(user, Action.CHANGE, policy)
        attachment = attach(policy, upload, user=user, partnership_id=policy.partnership_id)
        log_event("policy.document_attached", policy, data={"name": attachment.name, "size": attachment.size})
    return attachment


# --------------------------------------------------------------------------------------------------
# Clauses
# --------------------------------------------------------------------------------------------------


def add_clause(
    policy: Policy,
    *,
    user,
    term_name: str,
    value,
    unit: str,
    reference: str = "",
    qualifier: str = "",
    text: str = "",
) -> Clause:
    """Add a clause with its term as a figure to a policy (who may edit the policy may add clauses)."""
    values = registers.plain_values(
        Clause,
        {"term_name": term_name, "unit": unit, "reference": reference, "qualifier": qualifier, "text": text},
    )
    with transaction.atomic():
        require(user, Action.CHANGE, policy)
        lock(policy)  # judged as it is now: a policy archived meanwhile takes no clause
        if policy.is_archived:
            raise ValidationError(_("An archived policy takes no new clauses."))
        clause = Clause(policy=policy, value=value, **values)
        clause.full_clean()
        clause.save()
        registers.created(clause, user=user)
    return clause


def update_clause(clause: Clause, *, user, version: int | None, **changes) -> Clause:
    """Edit a clause unless someone saved it meanwhile; the groups it is compared in are recomputed."""
    _only(changes, CLAUSE_FIELDS)
    changes = registers.plain_values(Clause, changes)
    with transaction.atomic():
        require(user, Action.CHANGE, clause)
        _lock_version(clause, version, changes)  # the clause, then its groups; "before" is the value as it is now
        groups = _groups_of(Clause.objects.filter(pk=clause.pk))
        if "unit" in changes:
            unit = normalise_unit(changes["unit"])
            for group in groups:
                if group.unit != unit:
                    raise ValidationError(
                        {
                            "unit": _("The clause is compared in “%(group)s”, whose unit is %(unit)s.")
                            % {"group": group, "unit": group.unit}
                        }
                    )
        before = clause.value_display
        update_versioned(clause, version, changes, user=user)
        after = clause.value_display
        if before != after:
            cause = _("%(side)s clause %(clause)s changed from %(before)s to %(after)s.") % {
                "side": clause.policy.side.label,
                "clause": f"{clause.reference} {clause.term_name}".strip(),
                "before": before,
                "after": after,
            }
            for group in groups:
                refresh_divergence(group, cause=cause)
    return clause


def archive_clause(clause: Clause, *, user) -> Clause:
    """Archive a clause (repealed or entered by mistake): it leaves every comparison it was in."""
    with transaction.atomic():
        groups = _groups_of(Clause.objects.filter(pk=clause.pk))
        registers.archive_entry(clause, user=user)
        cause = _("Clause %(clause)s archived.") % {"clause": clause}
        for group in groups:
            refresh_divergence(group, cause=cause)
    return clause


def _groups_of(clauses) -> list[AlignmentGroup]:
    """The live groups in which any of ``clauses`` is a live member."""
    return list(
        AlignmentGroup.objects.filter(
            archived_at__isnull=True,
            pk__in=AlignmentMember.objects.filter(clause__in=clauses, archived_at__isnull=True).values("group_id"),
        )
    )


# --------------------------------------------------------------------------------------------------
# Alignment groups
# --------------------------------------------------------------------------------------------------


def create_group(
    *,
    partnership,
    user,
    title: str,
    term_name: str,
    unit: str,
    tolerance,
    tolerance_kind: str = ToleranceKind.RELATIVE,
    clauses=(),
    **fields,
) -> AlignmentGroup:
    """The office sets up a group comparing one term across the sides (optionally with its first clauses)."""
    _only(fields, ("code", "field", "note"))
    with transaction.atomic():
        registers.require_member(user, Action.CHANGE, partnership)
        _check_field(partnership.pk, fields.get("field"))
        group = registers.save_new(
            AlignmentGroup(
                partnership=partnership,
                title=title,
                term_name=term_name,
                unit=unit,
                tolerance=tolerance,
                tolerance_kind=tolerance_kind,
                **fields,
            )
        )
        registers.created(group, user=user)
        for clause in clauses:
            add_member(group, clause, user=user)
    return group


def update_group(group: AlignmentGroup, *, user, version: int | None, **changes) -> AlignmentGroup:
    """The office edits a group; a new tolerance or unit is applied to the comparison at once."""
    _only(changes, GROUP_FIELDS)
    if "field" in changes:
        _check_field(group.partnership_id, changes["field"])
    with transaction.atomic():
        _lock_version(group, version, changes)
        if "unit" in changes:
            unit = normalise_unit(changes["unit"])
            clashing = _live_members(group).exclude(clause__unit=unit)
            if clashing.exists():
                raise ValidationError(
                    {"unit": _("Clauses of the group are stated in another unit; take them out first.")}
                )
        before = (group.tolerance, group.tolerance_kind, group.unit)
        registers.update_entry(group, user=user, version=version, **changes)
        if (group.tolerance, group.tolerance_kind, group.unit) != before:
            cause = _("Tolerance set to %(tolerance)s.") % {"tolerance": group.tolerance_display}
            refresh_divergence(group, cause=cause)
    return group


def archive_group(group: AlignmentGroup, *, user) -> AlignmentGroup:
    return registers.archive_entry(group, user=user)


def add_member(group: AlignmentGroup, clause: Clause, *, user) -> AlignmentMember:
    """Put a clause into a group: the office any side's, a coordinator their own side's; clauses share the unit."""
    with transaction.atomic():
        require(user, Action.VIEW, group)
        require(user, Action.CHANGE, clause)
        if group.is_archived:
            raise ValidationError(_("The group is archived."))
        if clause.is_archived or clause.policy.is_archived:
            raise ValidationError(_("An archived clause cannot be compared."))
        if clause.policy.partnership_id != group.partnership_id:
            raise ValidationError(_("The clause belongs to another partnership."))
        if normalise_unit(clause.unit) != group.unit:
            raise ValidationError(
                _("The clause is stated in %(clause_unit)s; the group compares in %(group_unit)s.")
                % {"clause_unit": clause.unit, "group_unit": group.unit}
            )
        if _live_members(group).filter(clause=clause).exists():
            raise ValidationError(_("The clause is already in the group."))
        member = AlignmentMember.objects.create(group=group, clause=clause, added_by=user)
        require(user, Action.CHANGE, member)
        side = clause.policy.side.label
        log_event(
            "alignmentgroup.member_added",
            group,
            data={"clause": clause.pk, "side": side, "value": str(clause.value), "unit": clause.unit},
        )
        refresh_divergence(
            group,
            cause=_("%(side)s clause %(clause)s (%(value)s) added.")
            % {"side": side, "clause": f"{clause.reference} {clause.term_name}".strip(), "value": clause.value_display},
        )
    return member


def remove_member(member: AlignmentMember, *, user, reason: str = "") -> AlignmentMember:
    """The office takes a clause out of a group (the membership is archived, the comparison recomputed)."""
    reason = plain(reason)
    with transaction.atomic():
        group = member.group
        require(user, Action.CHANGE, group)
        lock(group)  # the group before its members
        lock(member)
        if member.archived_at is None:
            member.archived_at = timezone.now()
            member.save(update_fields=["archived_at", "last_updated"])
            side = member.clause.policy.side.label
            log_event(
                "alignmentgroup.member_removed",
                group,
                message=reason,
                data={"clause": member.clause_id, "side": side, "value": str(member.clause.value)},
            )
            refresh_divergence(
                group, cause=_("%(side)s clause %(clause)s taken out.") % {"side": side, "clause": member.clause}
            )
    return member


def _lock_version(obj, version: int | None, changes: dict):
    """Lock ``obj`` and bring it up to date before it is judged; a save since ``version`` refuses ``changes``."""
    try:
        return lock(obj, version=version)
    except ConflictError as conflict:
        raise ConflictError(conflict.current, changes) from None


def _live_members(group: AlignmentGroup):
    return AlignmentMember.objects.filter(group=group, archived_at__isnull=True)


def member_values(group: AlignmentGroup) -> dict[int, list[Decimal]]:
    """The values the comparison reads: {side id: [value, …]} of the live clauses of live policies."""
    values: dict[int, list[Decimal]] = {}
    rows = _live_members(group).filter(clause__archived_at__isnull=True, clause__policy__archived_at__isnull=True)
    for side_id, value in rows.values_list("clause__policy__side_id", "clause__value").order_by("pk"):
        values.setdefault(side_id, []).append(value)
    return values


def _figures(group: AlignmentGroup, values: dict[int, list[Decimal]]) -> dict:
    """What an event records about the comparison: the divergence, the tolerance and each side's values."""
    labels = {r.pk: r.label for r in Region.objects.filter(pk__in=values)}
    return {
        "divergence": None if group.divergence is None else str(group.divergence),
        "tolerance": str(group.tolerance),
        "kind": group.tolerance_kind,
        "unit": group.unit,
        "values": {labels.get(side, str(side)): [str(v) for v in vals] for side, vals in values.items()},
    }


def _verdict(group: AlignmentGroup) -> str:
    if group.divergence is None:
        return _("Fewer than two sides have a clause in the group: nothing to compare.")
    figures = {"divergence": group.divergence_display, "tolerance": group.tolerance_display}
    if exceeds(group.divergence, group.tolerance):
        return _("Divergence %(divergence)s exceeds the tolerance of %(tolerance)s.") % figures
    return _("Divergence %(divergence)s is within the tolerance of %(tolerance)s.") % figures


def refresh_divergence(group: AlignmentGroup, *, cause: str = "") -> AlignmentGroup:
    """Recompute the group's divergence and, unless people hold its status, flag or clear it.

    Called by the writes that change what the comparison reads (they checked access). The group's
    row is locked and re-read while it is recomputed and only what moved is written. The divergence is a
    derived figure: it moves no version. A new status (flagged or cleared) is a change of the group's
    state: its version moves, so an edit of the group begun before is told.
    """
    with transaction.atomic():
        lock(group)
        values = member_values(group)
        value = divergence(values, group.tolerance_kind)
        status = group.status
        if status in COMPUTED_STATUSES:
            status = AlignmentStatus.DIVERGING if exceeds(value, group.tolerance) else AlignmentStatus.ALIGNED
        if value != group.divergence or status != group.status:
            flagged = status != group.status
            previous = group.status
            group.divergence, group.status = value, status
            fields = ["divergence"]
            if flagged:
                group.version += 1
                group.status_reason = " ".join(part for part in (_verdict(group), cause) if part)[:500]
                fields += ["status", "status_reason", "version"]
            save_fields(group, fields)
            if flagged:
                data = _figures(group, values) | {"from": previous, "to": status, "cause": cause}
                log_event(f"alignmentgroup.{status}", group, message=group.status_reason, data=data)
    return group


def may_hold(user, group: AlignmentGroup, status: str) -> bool:
    """May ``user`` set (or end) ``status``? The office any held status; a coordinator negotiation, for a group
    in which their side has a clause."""
    if restrict(AlignmentGroup.objects.filter(pk=group.pk), user, Action.CHANGE).exists():
        return True
    if status == AlignmentStatus.NEGOTIATING:
        return restrict(_live_members(group), user, Action.CHANGE).exists()
    return False


def holdable_statuses(user, group: AlignmentGroup) -> list[str]:
    """The statuses people may give the group now, for this user (the page offers these)."""
    return [s for s in HELD_STATUSES if s != group.status and may_hold(user, group, s)]


def _reason(reason: str) -> str:
    reason = plain(reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the status changes.")})
    return reason[:500]


def set_status(group: AlignmentGroup, *, user, status: str, reason: str, version: int | None = None) -> AlignmentGroup:
    """People put a group under negotiation or record that the sides agreed to differ, with a reason.

    The status then stays while the figures move, until ``resume_comparison`` or another held status.
    """
    if status not in HELD_STATUSES:
        raise ValidationError(
            {"status": _("Aligned and diverging follow from the comparison: resume the comparison instead.")}
        )
    reason = _reason(reason)
    with transaction.atomic():
        _lock_version(group, version, {"status": status, "status_reason": reason})  # judged as it is now
        if not may_hold(user, group, status):
            raise PermissionDenied(_("You may not do this."))
        if group.is_archived:
            raise ValidationError(_("The group is archived."))
        if group.status == status:
            raise ValidationError(
                {"status": _("The group is already “%(status)s”.") % {"status": group.get_status_display()}}
            )
        previous = group.status
        # The right to hold the status was checked above; the versioned write itself needs only sight of it.
        update_versioned(group, version, {"status": status, "status_reason": reason}, user=user, action=Action.VIEW)
        data = _figures(group, member_values(group)) | {"from": previous, "to": status}
        log_event(f"alignmentgroup.{status}", group, message=reason, data=data)
    return group


def resume_comparison(group: AlignmentGroup, *, user, reason: str, version: int | None = None) -> AlignmentGroup:
    """End a negotiation or an agreement to differ: the group is aligned or diverging by its figures again.

    Whoever may set the status it is leaving may end it.
    """
    reason = _reason(reason)
    with transaction.atomic():
        _lock_version(group, version, {"status_reason": reason})  # the figures and status as they are now
        if not group.is_held:
            raise ValidationError(_("The group already follows the comparison."))
        if not may_hold(user, group, group.status):
            raise PermissionDenied(_("You may not do this."))
        values = member_values(group)
        value = divergence(values, group.tolerance_kind)
        status = AlignmentStatus.DIVERGING if exceeds(value, group.tolerance) else AlignmentStatus.ALIGNED
        previous = group.status
        changes = {"status": status, "divergence": value, "status_reason": reason}
        update_versioned(group, version, changes, user=user, action=Action.VIEW)
        data = _figures(group, values) | {"from": previous, "to": status, "verdict": _verdict(group)}
        log_event("alignmentgroup.resumed", group, message=f"{reason} {_verdict(group)}", data=data)
    return group


# --------------------------------------------------------------------------------------------------
# Reading: the side-by-side comparison
# --------------------------------------------------------------------------------------------------


@dataclass
class SideColumn:
    """One side's column of a group's comparison: its clauses in the group, and their range."""

    region: object
    members: list = field(default_factory=list)

    @property
    def values(self) -> list[Decimal]:
        return [m.clause.value for m in self.members if m.counts]

    @property
    def low(self) -> Decimal | None:
        return min(self.values) if self.values else None

    @property
    def high(self) -> Decimal | None:
        return max(self.values) if self.values else None


def in_side_order(members):
    """Members (an AlignmentMember queryset) in the partnership's order of sides, then by value: how lists,
    exports and pages set the sides' terms side by side."""
    rotation = PartnershipRegion.objects.filter(
        partnership_id=OuterRef("group__partnership_id"), region_id=OuterRef("clause__policy__side_id")
    ).values("rotation_order")[:1]
    return members.annotate(side_order=Subquery(rotation)).order_by("side_order", "clause__value", "pk")


def side_by_side(group: AlignmentGroup) -> list[SideColumn]:
    """Every side of the partnership (in rotation order) with its live clauses in the group.

    A member whose clause or policy was archived is shown but marked ``counts = False``.
    """
    side_ids = _side_ids(group.partnership_id)
    regions = Region.objects.in_bulk(side_ids)
    columns = {side_id: SideColumn(region=regions[side_id]) for side_id in side_ids}
    members = _live_members(group).select_related("clause__policy__side").order_by("clause__value", "pk")
    for member in members:
        clause = member.clause
        member.counts = clause.archived_at is None and clause.policy.archived_at is None
        column = columns.get(clause.policy.side_id)
        if column is None:  # a side that has since left the partnership
            column = columns[clause.policy.side_id] = SideColumn(region=clause.policy.side)
        column.members.append(member)
    return list(columns.values())
