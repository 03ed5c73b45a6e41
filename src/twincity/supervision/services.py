"""Every write of the supervision lifecycle 立项 → 交办 → 签收 → 反馈 → 办结销号 (docs/supervision.md).

``follow(obj)`` opens and keeps in step the case of an item its app registered (``supervision.registry``);
the steps each owning side takes (``sign_off``, ``give_feedback``, ``report_completion``) and the office's
(``close_case``, ``return_case``, ``cancel_case``) are each one transaction that checks access through
``accounts.access``, writes, leaves an event of ``supervision.choices.Event`` and tells who must know
(``notifications.services.announce``).

A step taken through the item's own service (a meeting action's acknowledgement is its side's sign-off) passes
``check=False``: the item's service has already asked the door about the item itself.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from twincity.accounts.access import Part, can, is_office, members_who, restrict
from twincity.accounts.choices import Action
from twincity.audit.services import log_event
from twincity.core.services import attach, lock, save_fields
from twincity.core.text import plain
from twincity.notifications.services import announce
from twincity.supervision import registry
from twincity.supervision.cadence import next_feedback_after
from twincity.supervision.choices import OPEN_STATES, CaseState, Event, EvidenceKind, Notice, Rating
from twincity.supervision.models import Case, CaseSide, Evidence, Feedback, SupervisionPolicy
from twincity.supervision.run import close_sheet

ONLY_THE_OFFICE = _("Only the joint office reviews and closes supervised items.")

__all__ = [
    "cancel_case",
    "case_of",
    "close_case",
    "follow",
    "follow_all",
    "give_feedback",
    "open_cases",
    "record_item_completion",
    "reopen_case",
    "report_completion",
    "return_case",
    "sides_for",
    "sign_off",
]


# ------------------------------------------------------------------------------------------------ reading


def case_of(obj) -> Case | None:
    """The case that follows ``obj``, if any."""
    if obj is None or obj.pk is None:
        return None
    ct = ContentType.objects.get_for_model(type(obj))
    return Case.objects.filter(content_type=ct, object_id=obj.pk).first()


def open_cases(user):
    """The cases the user sees that are still under way (open or waiting for the office's review)."""
    return restrict(Case.objects.filter(state__in=OPEN_STATES, archived_at__isnull=True), user, Action.VIEW)


def sides_for(user, case: Case) -> list[CaseSide]:
    """The case's sides the user acts for: the office every side; a coordinator their side; a unit contact the
    side their unit owns."""
    return list(restrict(case.sides.all(), user, Action.REPORT).order_by("pk"))


def _owners(case: Case) -> list:
    sides = list(case.sides.all())
    units = [s.organisation_id for s in sides if s.organisation_id]
    found = list(members_who(case.partnership_id, Part.SPEAKS_FOR_UNITS, among=units)) if units else []
    found += list(members_who(case.partnership_id, Part.COORDINATES_SIDES, among=[s.side_id for s in sides]))
    return [m.user for m in found]


def _office(case: Case) -> list:
    return [m.user for m in members_who(case.partnership_id, Part.RUNS_OFFICE)]


def _tell(case: Case, kind: str, recipients, subject: str, key: str, body: str = "") -> None:
    announce(
        kind,
        recipients=recipients,
        subject=subject,
        body=body,
        url=case.get_absolute_url(),
        partnership_id=case.partnership_id,
        key=key,
    )


# ------------------------------------------------------------------------------------------- following


def _policy(partnership_id: int) -> SupervisionPolicy:
    return SupervisionPolicy.of(partnership_id)


def _new_side(case: Case, owner, policy: SupervisionPolicy) -> CaseSide:
    return CaseSide.objects.create(
        case=case,
        side_id=owner.side_id,
        organisation_id=owner.organisation_id,
        signoff_due_on=case.assigned_on + _days(policy.signoff_days),
        next_feedback_on=next_feedback_after(policy, case.assigned_on, case.assigned_on),
    )


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=int(n or 0))


def _by_side(owners) -> dict:
    """One owner per side (the first named: the side's lead unit)."""
    result: dict = {}
    for owner in owners:
        result.setdefault(owner.side_id, owner)
    return result


def _keep_next_feedback(case: Case) -> None:
    """Case.next_feedback_on is the earliest of its sides still owing feedback (not yet reported complete)."""
    earliest = case.sides.filter(completed_at__isnull=True).aggregate(day=Min("next_feedback_on"))["day"]
    if case.next_feedback_on != earliest:
        case.next_feedback_on = earliest
        save_fields(case, ["next_feedback_on"])


def follow(obj) -> Case | None:
    """Open the case of ``obj`` (when its app registered it and it is supervised) or keep it in step with the item:
    code, title, link, dates, field, owning sides; cancel it when the item is no longer supervised. Idempotent."""
    entry = registry.for_model(type(obj))
    if entry is None or obj is None or obj.pk is None:
        return None
    spec = entry.describe(obj)
    with transaction.atomic():
        case = case_of(obj)
        if spec is None or not spec.active or not spec.owners:
            if case is not None and case.state in OPEN_STATES:
                _cancel(case, user=None, reason=_("The item is no longer supervised."))
            return case
        policy = _policy(spec.partnership_id)
        values = {
            "partnership_id": spec.partnership_id,
            "kind": entry.kind,
            "code": plain(spec.code)[:60],
            "title": plain(spec.title)[:300],
            "url": spec.url[:500],
            "field_id": spec.field_id,
            "assigned_on": spec.assigned_on,
            "due_on": spec.due_on,
        }
        wanted = _by_side(spec.owners)
        if case is None:
            case = Case(
                content_type=ContentType.objects.get_for_model(type(obj)),
                object_id=obj.pk,
                state=CaseState.OPEN,
                **values,
            )
            case.save()
            for owner in wanted.values():
                _new_side(case, owner, policy)
            _keep_next_feedback(case)
            log_event(Event.OPENED, case, data={"kind": entry.kind, "item": obj.pk})
            _tell(
                case,
                Notice.CASE_ASSIGNED,
                _owners(case),
                _("Assigned to you for follow-up: %(item)s (due %(due)s)") % {"item": case, "due": case.due_on},
                key=f"case_assigned:{case.pk}",
            )
            return case
        lock(case)
        changed = [name for name, value in values.items() if getattr(case, name) != value]
        for name in changed:
            setattr(case, name, values[name])
        if case.state == CaseState.CANCELLED:
            case.state = CaseState.OPEN
            changed.append("state")
        existing = {s.side_id: s for s in case.sides.all()}
        added = False
        for side_id, side in existing.items():
            if side_id not in wanted:
                side.delete()  # an ownership link: its removal is in the change log
            elif side.organisation_id != wanted[side_id].organisation_id:
                side.organisation_id = wanted[side_id].organisation_id
                save_fields(side, ["organisation"])
        for side_id, owner in wanted.items():
            if side_id not in existing:
                _new_side(case, owner, policy)
                added = True
        if added and case.state == CaseState.COMPLETED:
            case.state, case.completed_at = CaseState.OPEN, None
            changed += ["state", "completed_at"]
        if changed:
            case.version += 1
            save_fields(case, sorted({*changed, "version"}))
        _keep_next_feedback(case)
        if added:
            _tell(
                case,
                Notice.CASE_ASSIGNED,
                _owners(case),
                _("Assigned to you for follow-up: %(item)s (due %(due)s)") % {"item": case, "due": case.due_on},
                key=f"case_assigned:{case.pk}:{'-'.join(str(s) for s in sorted(wanted))}",
            )
    return case


# ------------------------------------------------------------------------------------- a side's steps


def _side(case: Case, side, *, user, check: bool) -> CaseSide:
    """The case's side ``side`` (a CaseSide, a Region or its id), locked, once the user may act for it."""
    side_id = getattr(side, "side_id", None) or getattr(side, "pk", None) or side
    found = CaseSide.objects.filter(case=case, side_id=side_id).first()
    if found is None:
        raise ValidationError(_("This side does not own the item."))
    if check and not can(user, Action.REPORT, found):
        raise PermissionDenied(_("You may act only for your own side and unit."))
    return found


def _open_case(case: Case, *, check_version: int | None = None) -> Case:
    lock(case, version=check_version)
    if case.state not in OPEN_STATES:
        raise ValidationError(_("This item is no longer under supervision."))
    return case


def _signed(side: CaseSide, *, user, now) -> bool:
    if side.signed_at is not None:
        return False
    side.signed_at, side.signed_by = now, user
    side.signed_late = timezone.localdate(now) > side.signoff_due_on
    save_fields(side, ["signed_at", "signed_by", "signed_late"])
    log_event(Event.SIGNED_OFF, side.case, data={"side": side.side_id, "late": side.signed_late}, user=_who(user))
    return True


def _who(user):
    return user if getattr(user, "is_authenticated", False) else None


def sign_off(case: Case, side, *, user, check: bool = True) -> CaseSide:
    """The side signs off 签收 the item it was assigned (late when after ``signoff_due_on``)."""
    with transaction.atomic():
        _open_case(case)
        found = _side(case, side, user=user, check=check)
        if found.signed_at is not None:
            raise ValidationError(_("This side has already signed off."))
        _signed(found, user=user, now=timezone.now())
    return found


def give_feedback(case: Case, side, *, user, text: str, percent: int | None = None, check: bool = True) -> Feedback:
    """The side says how far it has got 反馈 (signing off on the way): late when after the feedback it owed."""
    text = plain(text or "").strip()
    if not text:
        raise ValidationError({"text": _("Say what has been done.")})
    if percent is not None:
        try:
            percent = int(percent)
        except (TypeError, ValueError):
            raise ValidationError({"percent": _("Give the percent complete as a whole number.")}) from None
        if not 0 <= percent <= 100:
            raise ValidationError({"percent": _("The percent complete is between 0 and 100.")})
    with transaction.atomic():
        _open_case(case)
        found = _side(case, side, user=user, check=check)
        if found.completed_at is not None:
            raise ValidationError(_("This side has reported completion; it gives no more feedback."))
        now = timezone.now()
        today = timezone.localdate(now)
        _signed(found, user=user, now=now)
        late = found.next_feedback_on is not None and today > found.next_feedback_on
        feedback = Feedback.objects.create(
            case=case,
            side_id=found.side_id,
            organisation_id=found.organisation_id,
            author=_who(user),
            on=today,
            due_on=found.next_feedback_on,
            late=late,
            text=text,
            percent_complete=percent,
        )
        found.feedback_count += 1
        if late:
            found.late_feedback_count += 1
        found.last_feedback_on = today
        found.next_feedback_on = next_feedback_after(_policy(case.partnership_id), case.assigned_on, today)
        save_fields(found, ["feedback_count", "late_feedback_count", "last_feedback_on", "next_feedback_on"])
        _keep_next_feedback(case)
        log_event(Event.FEEDBACK, case, message=text, data={"side": found.side_id, "late": late}, user=_who(user))
    return feedback


def report_completion(
    case: Case, side, *, user, note: str, links=(), files=(), attachments=(), check: bool = True
) -> CaseSide:
    """The side reports its part done with evidence (files, links); the case is completed when every side has.

    ``attachments`` are files already kept (``core.Attachment``) by the item's own step (a meeting action's report
    of completion): they become evidence as they are."""
    note = plain(note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what shows the work is done.")})
    clean_links = []
    for link in links or ():
        link = (link or "").strip()
        if not link:
            continue
        if not link.startswith(("http://", "https://")) or len(link) > 500 or any(c.isspace() for c in link):
            raise ValidationError({"links": _("“%(link)s” is not a web address.") % {"link": link[:80]}})
        clean_links.append(link)
    with transaction.atomic():
        _open_case(case)
        found = _side(case, side, user=user, check=check)
        if found.completed_at is not None:
            raise ValidationError(_("This side has already reported completion."))
        now = timezone.now()
        _signed(found, user=user, now=now)
        for link in clean_links:
            Evidence.objects.create(
                case=case,
                side_id=found.side_id,
                kind=EvidenceKind.LINK,
                title=link[:300],
                link=link,
                added_by=_who(user),
            )
        for upload in files or ():
            evidence = Evidence.objects.create(
                case=case, side_id=found.side_id, kind=EvidenceKind.FILE, title=upload.name[:300], added_by=_who(user)
            )
            evidence.attachment = attach(evidence, upload, user=_who(user), partnership_id=case.partnership_id)
            save_fields(evidence, ["attachment"])
        for attachment in attachments or ():
            Evidence.objects.create(
                case=case,
                side_id=found.side_id,
                kind=EvidenceKind.FILE,
                title=attachment.name[:300],
                attachment=attachment,
                added_by=_who(user),
            )
        found.completed_at, found.completed_by, found.completion_note = now, _who(user), note
        save_fields(found, ["completed_at", "completed_by", "completion_note"])
        log_event(Event.COMPLETION_REPORTED, case, message=note, data={"side": found.side_id}, user=_who(user))
        if not case.sides.filter(completed_at__isnull=True).exists():
            case.state, case.completed_at = CaseState.COMPLETED, now
            case.version += 1
            save_fields(case, ["state", "completed_at", "version"])
            _tell(
                case,
                Notice.CASE_COMPLETED,
                _office(case),
                _("Completed by every side, waiting for your review: %(item)s") % {"item": case},
                key=f"case_completed:{case.pk}:{now.isoformat()}",
            )
        _keep_next_feedback(case)
    return found


def record_item_completion(obj, *, user, note: str, links=(), files=()) -> Case | None:
    """The item's own app records it done (a milestone closed with evidence): every side still open reports."""
    case = follow(obj)
    if case is None or case.state not in OPEN_STATES:
        return case
    with transaction.atomic():
        for side in case.sides.filter(completed_at__isnull=True):
            report_completion(case, side, user=user, note=note, links=links, files=files, check=False)
    case.refresh_from_db()
    return case


# ---------------------------------------------------------------------------------- the office's steps


def _require_office(case: Case, user) -> None:
    if not is_office(user, case.partnership_id):
        raise PermissionDenied(ONLY_THE_OFFICE)


def close_case(case: Case, *, user, rating: str, review: str = "", version: int | None = None) -> Case:
    """The office reviews a case every side has reported complete, rates it and closes it 办结销号."""
    if rating not in Rating.values:
        raise ValidationError({"rating": _("Choose a rating: excellent, good, pass or fail.")})
    review = plain(review or "").strip()
    with transaction.atomic():
        _require_office(case, user)
        lock(case, version=version)
        if case.state != CaseState.COMPLETED:
            raise ValidationError(_("Only an item every side has reported complete can be closed."))
        now = timezone.now()
        done_on = timezone.localdate(case.completed_at or now)
        case.state, case.closed_at, case.closed_by = CaseState.CLOSED, now, user
        case.rating, case.review = rating, review
        case.delay_days = max((done_on - case.due_on).days, 0)
        case.next_feedback_on = None
        case.version += 1
        save_fields(
            case, ["state", "closed_at", "closed_by", "rating", "review", "delay_days", "next_feedback_on", "version"]
        )
        log_event(Event.CLOSED, case, message=review, data={"rating": rating, "delay_days": case.delay_days}, user=user)
        close_sheet(case, at=case.closed_at)  # the sheet 督办单 closes with its case (一事一单)
        _tell(
            case,
            Notice.CASE_CLOSED,
            _owners(case),
            _("Closed and rated “%(rating)s”: %(item)s") % {"rating": Rating(rating).label, "item": case},
            key=f"case_closed:{case.pk}:{now.isoformat()}",
            body=review,
        )
    return case


def return_case(case: Case, *, user, reason: str, version: int | None = None) -> Case:
    """The office sends the reports of completion back, saying why: every side's report is reset, the case is open."""
    reason = plain(reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the item is returned.")})
    with transaction.atomic():
        _require_office(case, user)
        lock(case, version=version)
        if (
            case.state not in (CaseState.COMPLETED, CaseState.CLOSED)
            and not case.sides.filter(completed_at__isnull=False).exists()
        ):
            raise ValidationError(_("Only an item reported complete can be returned."))
        _reopen(case, user=user, reason=reason, verb=Event.RETURNED)
        _tell(
            case,
            Notice.CASE_RETURNED,
            _owners(case),
            _("Returned: %(item)s") % {"item": case},
            key=f"case_returned:{case.pk}:{timezone.now().isoformat()}",
            body=reason,
        )
    return case


def _reopen(case: Case, *, user, reason: str, verb: str) -> None:
    today = timezone.localdate()
    policy = _policy(case.partnership_id)
    for side in case.sides.all():
        side.completed_at, side.completed_by, side.completion_note = None, None, ""
        side.next_feedback_on = next_feedback_after(policy, case.assigned_on, today)
        save_fields(side, ["completed_at", "completed_by", "completion_note", "next_feedback_on"])
    case.state, case.completed_at = CaseState.OPEN, None
    case.closed_at = case.closed_by = None
    case.rating, case.delay_days = "", None
    case.version += 1
    save_fields(case, ["state", "completed_at", "closed_at", "closed_by", "rating", "delay_days", "version"])
    _keep_next_feedback(case)
    log_event(verb, case, message=reason, user=_who(user))


def reopen_case(case: Case, *, user, reason: str) -> Case:
    """An item confirmed complete is reopened (a matter reopened by a leader or the office): its service asked."""
    reason = plain(reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the item is reopened.")})
    with transaction.atomic():
        lock(case)
        if case.state == CaseState.CANCELLED:
            raise ValidationError(_("This item is no longer under supervision."))
        _reopen(case, user=user, reason=reason, verb=Event.RETURNED)
        _tell(
            case,
            Notice.CASE_REOPENED,
            _owners(case),
            _("Reopened: %(item)s") % {"item": case},
            key=f"case_reopened:{case.pk}:{timezone.now().isoformat()}",
            body=reason,
        )
    return case


def _cancel(case: Case, *, user, reason: str) -> None:
    lock(case)
    if case.state not in OPEN_STATES:
        return
    case.state = CaseState.CANCELLED
    case.next_feedback_on = None
    case.version += 1
    save_fields(case, ["state", "next_feedback_on", "version"])
    log_event(Event.CANCELLED, case, message=reason, user=_who(user))
    close_sheet(case)


def cancel_case(case: Case, *, user, reason: str) -> Case:
    """The office stops following an item (the item itself is cancelled through its own service)."""
    reason = plain(reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why supervision stops.")})
    with transaction.atomic():
        _require_office(case, user)
        if case.state not in OPEN_STATES:
            raise ValidationError(_("This item is no longer under supervision."))
        _cancel(case, user=user, reason=reason)
    return case


def every_side_reported(obj) -> bool:
    """Has every owning side of ``obj``'s case reported completion (the case is completed or closed)?"""
    case = case_of(obj)
    return case is not None and case.state in (CaseState.COMPLETED, CaseState.CLOSED)


def follow_all(*, batch_size: int = 500, partnership_id: int | None = None, stdout=None) -> dict[str, int]:
    """Open (or bring in step) the case of every existing supervised item, kind by kind, in batches of one
    transaction each. Idempotent: a second run changes nothing. Returns the number of items looked at per kind."""
    counts: dict[str, int] = {}
    for entry in registry.kinds():
        model = entry.model
        queryset = model._base_manager.order_by("pk")
        path = getattr(getattr(model, "Access", None), "partnership", None)
        if partnership_id is not None and isinstance(path, str):
            queryset = queryset.filter(**{path: partnership_id})
        last, seen = 0, 0
        while True:
            batch = list(queryset.filter(pk__gt=last)[:batch_size])
            if not batch:
                break
            with transaction.atomic():
                for obj in batch:
                    follow(obj)
            last, seen = batch[-1].pk, seen + len(batch)
        counts[entry.kind] = seen
        if stdout is not None:
            stdout.write(f"{entry.kind}: {seen}\n")
    return counts
