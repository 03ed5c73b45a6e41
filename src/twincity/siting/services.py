"""Every write to the register of siting cases: one transaction each, access checked, trace left.

The rules:

* A case collects one bid per side (candidate site, need, existing capacity, policy offer). Each
  side's coordinator submits, edits and withdraws only its own side's bid; the office any.
* A case becomes "under negotiation" when it is contested (two live bids) or first discussed at a
  joint meeting (a meeting decision linked to it, never copied).
* The decision names a side with a live bid and a site, gives the rationale and the date. It is
  recorded by the office only: the siting is decided jointly at the joint meeting, where neither
  side's coordinator may settle a contest it is party to, and leaders decide there, in the meeting,
  not in the register; the office, as the meeting's secretariat, records what was decided.
* A decision closes the case: no further bid edits, bids or negotiation links. Withdrawing a case
  (the office) or a bid (its side) needs a reason.
* Follow-up matters (the decision carried out, or work serving the negotiation) are made and linked
  with the shared ``registers.services.follow_up`` / ``link_matter``, with the rules of every register.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from twincity.accounts.access import coordinated_sides, is_office, require_in
from twincity.accounts.choices import Action
from twincity.audit.services import log_event
from twincity.core.services import lock, require, save_fields, update_versioned
from twincity.core.text import plain
from twincity.meetings.choices import OutcomeKind
from twincity.registers import services as registers
from twincity.siting.choices import CLOSED_STATUSES, CaseStatus
from twincity.siting.models import NegotiationRecord, SitingBid, SitingCase

__all__ = [
    "BidSpec",
    "ConflictError",
    "archive_siting_case",
    "bid_sides",
    "create_siting_case",
    "decide",
    "link_negotiation",
    "submit_bid",
    "unlink_negotiation",
    "update_bid",
    "update_siting_case",
    "withdraw_bid",
    "withdraw_case",
]

ConflictError = registers.ConflictError
# The decision and a withdrawal are recorded by the office, as the joint meeting's secretariat.
OFFICE_ONLY = gettext_lazy("Only the office records this for the joint meeting.")

CASE_FIELDS = ("code", "title", "field", "industry", "description", "note")
BID_FIELDS = ("unit", "candidate_site", "need", "existing_capacity", "policy_offer")


@dataclass(frozen=True)
class BidSpec:
    """A side's bid as it is first put in (on a new case, or later with ``submit_bid``)."""

    side: object  # regions.Region
    candidate_site: str
    need: str = ""
    existing_capacity: str = ""
    policy_offer: str = ""
    unit: object | None = None  # regions.Organisation of that side, e.g. Chengdu Science City


def _only(changes: dict, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise ValidationError(_("These cannot be changed here: %(fields)s.") % {"fields": ", ".join(unknown)})


def _locked(case: SitingCase) -> SitingCase:
    """The case, locked for this transaction (two decisions or a decision and a bid edit never interleave) and
    brought up to date in place: the case before its bids, the lock order every step keeps."""
    return lock(case)


def _require_open(case: SitingCase) -> None:
    if case.status in CLOSED_STATUSES:
        raise ValidationError(
            _("The case is “%(status)s”: it is closed and its bids and negotiation record no longer change.")
            % {"status": case.get_status_display()}
        )


def _check_side(case: SitingCase, side, unit) -> None:
    if side.pk not in {r.pk for r in case.partnership.sides()}:
        raise ValidationError(_("%(side)s is not a side of this partnership.") % {"side": side.display_name})
    if unit is not None:
        unit_side = unit.side_for(case.partnership)
        if unit_side is None or unit_side.pk != side.pk:
            raise ValidationError(
                _("%(unit)s is not a unit of %(side)s.") % {"unit": unit.display_name, "side": side.display_name}
            )


def bid_sides(user, case: SitingCase) -> list:
    """The sides ``user`` may still put a bid in for on ``case``: any side for the office, their own for a
    coordinator; none on a closed case or for a side that has bid already."""
    if case.status in CLOSED_STATUSES or case.is_archived:
        return []
    taken = set(case.bids.values_list("side_id", flat=True))
    office = is_office(user, case.partnership_id)
    own = coordinated_sides(user, case.partnership_id)
    return [side for side in case.partnership.sides() if side.pk not in taken and (office or side.pk in own)]


def _add_bid(case: SitingCase, spec: BidSpec, *, user) -> SitingBid:
    _check_side(case, spec.side, spec.unit)
    if case.bids.filter(side=spec.side).exists():
        raise ValidationError(
            _("%(side)s already has a bid on this case; edit it instead.") % {"side": spec.side.display_name}
        )
    bid = SitingBid(
        case=case,
        side=spec.side,
        unit=spec.unit,
        **registers.plain_values(
            SitingBid,
            {
                "candidate_site": spec.candidate_site,
                "need": spec.need,
                "existing_capacity": spec.existing_capacity,
                "policy_offer": spec.policy_offer,
            },
        ),
    )
    bid.full_clean(validate_constraints=False)
    bid.save()
    require(user, Action.CHANGE, bid)  # a coordinator bids for their own side only
    return bid


def _move_if_contested(case: SitingCase, *, because: str) -> None:
    """Open → under negotiation, once a second side bids or the joint meeting takes the case up."""
    if case.status != CaseStatus.OPEN:
        return
    if because == "bids" and case.bids.filter(withdrawn_on__isnull=True).count() < 2:
        return
    case.status = CaseStatus.NEGOTIATING
    case.version += 1
    save_fields(case, ["status", "version"])
    log_event("sitingcase.negotiating", case)


def create_siting_case(*, partnership, user, title: str, industry: str, bids=(), **fields) -> SitingCase:
    """Add a siting case, with the bids already known. A coordinator adds one only with their own side's bid."""
    _only(fields, CASE_FIELDS)
    with transaction.atomic():
        registers.require_member(user, Action.CHANGE, partnership)
        case = registers.save_new(SitingCase(partnership=partnership, title=title, industry=industry, **fields))
        made = [_add_bid(case, spec, user=user) for spec in bids]
        registers.created(case, user=user)
        for bid in made:
            log_event("sitingcase.bid_submitted", case, data={"side": bid.side.label, "site": bid.candidate_site})
        registers.refresh_search(case)
        _move_if_contested(case, because="bids")
    return case


def update_siting_case(case: SitingCase, *, user, version: int | None, **changes) -> SitingCase:
    """Edit the case's own fields (not its status or decision: those have their own steps)."""
    _only(changes, CASE_FIELDS)
    return registers.update_entry(case, user=user, version=version, **changes)


def submit_bid(case: SitingCase, *, user, side, candidate_site: str, **fields) -> SitingBid:
    """A side puts in its bid on an open case (its coordinator for their own side, or the office)."""
    _only(fields, BID_FIELDS)
    with transaction.atomic():
        require(user, Action.VIEW, case)
        registers.require_member(user, Action.CHANGE, case.partnership)
        case = _locked(case)
        _require_open(case)
        bid = _add_bid(case, BidSpec(side=side, candidate_site=candidate_site, **fields), user=user)
        log_event("sitingcase.bid_submitted", case, data={"side": side.label, "site": bid.candidate_site})
        registers.refresh_search(case)
        _move_if_contested(case, because="bids")
    return bid


def update_bid(bid: SitingBid, *, user, version: int | None, **changes) -> SitingBid:
    """Edit a side's bid (that side's coordinator, or the office) while the case is open; refused on a stale version."""
    _only(changes, BID_FIELDS)
    with transaction.atomic():
        case = _locked(bid.case)
        require(user, Action.CHANGE, bid)
        _require_open(case)
        if bid.is_withdrawn:
            raise ValidationError(_("A withdrawn bid is not edited."))
        if "unit" in changes:
            _check_side(case, bid.side, changes["unit"])
        registers.update_entry(bid, user=user, version=version, **changes)
        registers.refresh_search(case)
    return bid


def withdraw_bid(bid: SitingBid, *, user, reason: str, withdrawn_on: dt.date | None = None) -> SitingBid:
    """A side gives up its bid (错位: "the other side needs it more"); it stays on the case with the reason.
    ``withdrawn_on`` (today by default) records a withdrawal taken over from earlier records."""
    reason = plain(reason).strip()
    if not reason:
        raise ValidationError(_("Say why the bid is withdrawn."))
    withdrawn_on = withdrawn_on or timezone.localdate()
    if withdrawn_on > timezone.localdate():
        raise ValidationError(_("The withdrawal date cannot be in the future."))
    with transaction.atomic():
        case = _locked(bid.case)
        lock(bid)
        require(user, Action.CHANGE, bid)
        _require_open(case)
        if bid.is_withdrawn:
            raise ValidationError(_("The bid was already withdrawn."))
        bid.withdrawn_on, bid.withdrawal_reason = withdrawn_on, reason
        bid.version += 1
        save_fields(bid, ["withdrawn_on", "withdrawal_reason", "version"])
        log_event("sitingcase.bid_withdrawn", case, message=reason, data={"side": bid.side.label})
    return bid


def link_negotiation(case: SitingCase, outcome, *, user, note: str = "") -> NegotiationRecord:
    """Record that a joint-meeting decision negotiated this case (a link to the minutes; the case must be open)."""
    with transaction.atomic():
        case = _locked(case)
        require(user, Action.CHANGE, case)
        _require_open(case)
        if outcome.kind != OutcomeKind.DECISION or outcome.archived_at is not None:
            raise ValidationError(_("Only a decision of a joint meeting goes into the negotiation record."))
        if outcome.session.partnership_id != case.partnership_id:
            raise ValidationError(_("The decision belongs to another partnership."))
        require(user, Action.VIEW, outcome)
        existing = case.negotiations.filter(outcome=outcome, archived_at__isnull=True).first()
        if existing is not None:
            return existing
        record = NegotiationRecord.objects.create(case=case, outcome=outcome, note=plain(note)[:300], linked_by=user)
        log_event(
            "sitingcase.negotiation_linked",
            case,
            data={"outcome": outcome.pk, "session": outcome.session_id, "number": outcome.number},
        )
        _move_if_contested(case, because="meeting")
    return record


def unlink_negotiation(record: NegotiationRecord, *, user) -> NegotiationRecord:
    """Take a wrongly linked decision off the record of an open case (the link is archived, not deleted)."""
    with transaction.atomic():
        case = _locked(record.case)
        require(user, Action.CHANGE, case)
        _require_open(case)
        if record.archived_at is None:
            record.archived_at = timezone.now()
            record.save(update_fields=["archived_at", "last_updated"])
            log_event("sitingcase.negotiation_unlinked", case, data={"outcome": record.outcome_id})
    return record


def decide(
    case: SitingCase,
    *,
    user,
    side,
    rationale: str,
    decided_on: dt.date,
    site: str = "",
    version: int | None = None,
) -> SitingCase:
    """Record the joint decision: the project goes to ``side`` (which must have a live bid) at ``site``
    (by default its bid's candidate site), for ``rationale``, on ``decided_on``. The case is closed."""
    rationale, site = plain(rationale).strip(), plain(site).strip()
    with transaction.atomic():
        case = _locked(case)
        require(user, Action.VIEW, case)  # an outsider is not told whose step this is
        require_in(user, Action.ADMINISTER, case.partnership_id, OFFICE_ONLY)
        _require_open(case)
        bid = case.bids.filter(side=side, withdrawn_on__isnull=True).first()
        if bid is None:
            raise ValidationError(
                _("The decision must go to a side with a live bid; %(side)s has none.") % {"side": side.display_name}
            )
        site = site or bid.candidate_site
        if not site:
            raise ValidationError(_("Name the site the project goes to."))
        if not rationale:
            raise ValidationError(_("Give the rationale of the decision."))
        if decided_on > timezone.localdate():
            raise ValidationError(_("The decision date cannot be in the future."))
        changes = {
            "status": CaseStatus.DECIDED,
            "decided_side": side,
            "decided_site": site[:300],
            "rationale": rationale,
            "decided_on": decided_on,
        }
        update_versioned(case, version, changes, user=user)
        registers.refresh_search(case)
        log_event(
            "sitingcase.decided",
            case,
            message=rationale,
            data={"side": side.label, "site": case.decided_site, "on": decided_on.isoformat()},
        )
    return case


def withdraw_case(case: SitingCase, *, user, reason: str) -> SitingCase:
    """The project is no longer sited by the partnership (the investor left, the plan changed): the office closes it."""
    reason = plain(reason).strip()
    if not reason:
        raise ValidationError(_("Say why the case is withdrawn."))
    with transaction.atomic():
        case = _locked(case)
        require(user, Action.VIEW, case)  # an outsider is not told whose step this is
        require_in(user, Action.ADMINISTER, case.partnership_id, OFFICE_ONLY)
        _require_open(case)
        case.status, case.withdrawal_reason = CaseStatus.WITHDRAWN, reason
        case.version += 1
        save_fields(case, ["status", "withdrawal_reason", "version"])
        log_event("sitingcase.withdrawn", case, message=reason)
    return case


def archive_siting_case(case: SitingCase, *, user) -> SitingCase:
    return registers.archive_entry(case, user=user)
