"""Minutes: attendance, summary and outcomes (recorded once the session's day has come), the sides'
confirmations, locking, and dated amendments to locked minutes."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from twincity.accounts.choices import Action
from twincity.audit.services import log_event
from twincity.core.services import lock, require, save_fields, update_versioned
from twincity.core.text import plain
from twincity.meetings.choices import ItemStatus, MinutesStatus, OutcomeKind, SessionStatus
from twincity.meetings.models import AgendaItem, Attendance, MinutesAmendment, MinutesConfirmation, Outcome, Session
from twincity.meetings.notifications import announce_minutes_awaiting
from twincity.meetings.services.actions import ActionSpec, create_action
from twincity.meetings.services.common import confirmable_sides
from twincity.meetings.services.rotation import rotation
from twincity.regions.models import Region


def _require_minutes_editable(session: Session, user) -> None:
    require(user, Action.CHANGE, session)
    lock(session)  # the session before its minutes' parts, judged as it is now
    reason = session.minutes_closed_reason()
    if reason is not None:
        raise ValidationError(reason)


def _minutes_edited(session: Session, changed: tuple[str, ...] = ()) -> None:
    """A change to the minutes undoes the sides' confirmations: they confirm what they read.

    ``session`` is locked by the caller; ``changed`` are the session's fields it set already. A change of
    the session's state (its minutes back to draft, the session now held) moves its version once."""
    changed = list(changed)
    confirmations = list(session.confirmations.all())
    if confirmations or session.minutes_status != MinutesStatus.DRAFT:
        for c in confirmations:
            c.delete()  # the change log keeps the withdrawn confirmation
        if session.minutes_status != MinutesStatus.DRAFT:
            session.minutes_status = MinutesStatus.DRAFT
            changed.append("minutes_status")
        log_event("session.minutes_confirmations_reset", session)
    if session.status == SessionStatus.PLANNED:
        session.status = SessionStatus.HELD
        changed.append("status")
        log_event("session.held", session)
    if changed:
        session.version += 1
        save_fields(session, [*changed, "version"])


def update_minutes_summary(session: Session, *, user, summary: str) -> Session:
    with transaction.atomic():
        _require_minutes_editable(session, user)
        session.minutes_summary = plain(summary)
        _minutes_edited(session, ("minutes_summary",))
    return session


def record_attendance(
    session: Session, *, user, side: Region, name: str, post: str = "", organisation=None, is_leader: bool = False
) -> Attendance:
    name, post = plain(name).strip(), plain(post).strip()
    if not name:
        raise ValidationError({"name": _("Give the name of the person present.")})
    with transaction.atomic():
        _require_minutes_editable(session, user)
        if side.pk not in rotation(session.partnership):
            raise ValidationError({"side": _("The side must be a region of the partnership.")})
        row = Attendance(
            session=session, side=side, name=name, post=post, organisation=organisation, is_leader=is_leader
        )
        row.full_clean()
        row.save()
        _minutes_edited(session)
    return row


def remove_attendance(row: Attendance, *, user) -> None:
    with transaction.atomic():
        _require_minutes_editable(row.session, user)
        row.delete()  # a line of a draft record; its removal stays in the change log
        _minutes_edited(row.session)


def record_outcome(
    session: Session,
    *,
    user,
    kind: str,
    text: str,
    item: AgendaItem | None = None,
    action: ActionSpec | None = None,
) -> Outcome:
    """Record what the session concluded on an item. Decisions and actions are numbered per session;
    an action (or a decision that asks for one) creates a supervised action."""
    text = plain(text).strip()
    if not text:
        raise ValidationError({"text": _("Write the outcome.")})
    if kind not in OutcomeKind.values:
        raise ValidationError({"kind": _("Unknown kind of outcome.")})
    if kind == OutcomeKind.ACTION and action is None:
        raise ValidationError(_("An action needs its owners and a due date."))
    if kind == OutcomeKind.INFORMATION and action is not None:
        raise ValidationError(_("Information noted creates no action; record a decision or an action."))
    with transaction.atomic():
        _require_minutes_editable(session, user)
        if item is not None:
            lock(item)  # after its session: judged on where the item is now
        if item is not None and (item.session_id != session.pk or item.status != ItemStatus.ON_AGENDA):
            raise ValidationError({"item": _("The item is not on this session's agenda.")})
        number = None
        if kind != OutcomeKind.INFORMATION:
            number = (session.outcomes.aggregate(m=Max("number"))["m"] or 0) + 1
        outcome = Outcome.objects.create(
            session=session, item=item, kind=kind, number=number, text=text, recorded_by=user
        )
        if action is not None:
            create_action(session, outcome, action, user=user)
        _minutes_edited(session)
        log_event("session.outcome_recorded", session, data={"outcome": outcome.pk, "kind": kind, "number": number})
    return outcome


def update_outcome(outcome: Outcome, *, user, version: int | None, text: str) -> Outcome:
    text = plain(text).strip()
    if not text:
        raise ValidationError({"text": _("Write the outcome.")})
    with transaction.atomic():
        _require_minutes_editable(outcome.session, user)  # the session first, then its outcome
        update_versioned(outcome, version, {"text": text}, user=user)
        _minutes_edited(outcome.session)
    return outcome


def confirm_minutes(session: Session, *, user, side: Region, note: str = "") -> MinutesConfirmation:
    """One side confirms the minutes; when every side has, they stand confirmed and can be locked."""
    with transaction.atomic():
        lock(session)
        if not session.agenda_frozen or not session.is_held:
            raise ValidationError(_("Only the minutes of a session that was held can be confirmed."))
        if session.minutes_locked:
            raise ValidationError(_("The minutes are already locked."))
        if side.pk not in confirmable_sides(user, session):
            raise PermissionDenied(_("You may not confirm the minutes for this side."))
        if session.confirmations.filter(side=side).exists():
            raise ValidationError(_("This side has already confirmed the minutes."))
        confirmation = MinutesConfirmation.objects.create(session=session, side=side, user=user, note=plain(note))
        log_event("session.minutes_confirmed", session, data={"side": side.pk})
        confirmed = set(session.confirmations.values_list("side_id", flat=True))
        if set(rotation(session.partnership)) <= confirmed:
            session.minutes_status = MinutesStatus.CONFIRMED
            session.version += 1  # the minutes' state changed: an editor of the draft is told
            save_fields(session, ["minutes_status", "version"])
        else:
            announce_minutes_awaiting(session, confirmation)
    return confirmation


def lock_minutes(session: Session, *, user) -> Session:
    """Once every side has confirmed, the secretariat (or the office) locks the minutes for good."""
    with transaction.atomic():
        require(user, Action.CHANGE, session)
        lock(session)
        if not session.minutes_confirmed:
            raise ValidationError(_("Every side must confirm the minutes before they are locked."))
        session.minutes_status = MinutesStatus.LOCKED
        session.minutes_locked_at = timezone.now()
        session.version += 1
        save_fields(session, ["minutes_status", "minutes_locked_at", "version"])
        log_event("session.minutes_locked", session)
    return session


def amend_minutes(
    session: Session, *, user, text: str, reason: str, outcome: Outcome | None = None
) -> MinutesAmendment:
    """Locked minutes are never edited: a dated amendment is added and shown with them."""
    text, reason = plain(text).strip(), plain(reason).strip()
    if not text:
        raise ValidationError({"text": _("Write the amendment.")})
    if not reason:
        raise ValidationError({"reason": _("Say why the minutes are amended.")})
    with transaction.atomic():
        require(user, Action.CHANGE, session)
        lock(session)
        if not session.minutes_locked:
            raise ValidationError(_("The minutes are not locked yet: correct them directly."))
        if outcome is not None and outcome.session_id != session.pk:
            raise ValidationError({"outcome": _("The outcome belongs to another session.")})
        amendment = MinutesAmendment.objects.create(
            session=session, outcome=outcome, text=text, reason=reason, on=timezone.localdate(), author=user
        )
        log_event("session.minutes_amended", session, message=reason, data={"amendment": amendment.pk})
    return amendment
