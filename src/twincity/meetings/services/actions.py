"""The supervision of actions (督办事项): created by a decision, followed through acknowledgement, feedback and a
report of completion until the office verifies it; and the actions on a user's desk."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from twincity.accounts.access import memberships, require_in, restrict
from twincity.accounts.choices import Action
from twincity.audit.services import log_event
from twincity.core import search
from twincity.core.models import Attachment
from twincity.core.services import attach, lock, require, save_fields, update_versioned
from twincity.core.text import plain
from twincity.matters.choices import MatterStatus
from twincity.matters.services import OwnerSpec, create_matter
from twincity.meetings.choices import CLOSED_ACTION_STATUSES, OWNER_PENDING_STATUSES, ActionStatus, ActionUpdateKind
from twincity.meetings.models import ActionItem, ActionOwner, ActionUpdate, MeetingSeries, Outcome, Session
from twincity.meetings.services.common import ONLY_THE_OFFICE, _lock_version, _plain
from twincity.regions.models import Organisation, Partnership
from twincity.supervision import services as supervision
from twincity.supervision.choices import CaseState, Rating


@dataclass
class ActionSpec:
    """What a decision asks to be done: by whom, by when, for which matter (or a new one)."""

    title: str
    due_date: dt.date
    owners: list = field(default_factory=list)
    matter: object | None = None
    new_matter_title: str = ""
    description: str = ""


ACTION_DERIVED_FIELDS = ("watch_from", "feedback_due", "search_document")


def _refresh_action(action: ActionItem, *, series: MeetingSeries | None = None) -> ActionItem:
    """Keep the dates behind the light and the search text in step with the action."""
    series = series or action.session.series
    action.watch_from = action.due_date - dt.timedelta(days=series.action_near_days)
    since = (
        action.last_feedback_on
        or (timezone.localtime(action.acknowledged_at).date() if action.acknowledged_at else None)
        or (timezone.localtime(action.created).date() if action.created else timezone.localdate())
    )
    action.feedback_due = since + dt.timedelta(days=series.action_feedback_days)
    owners = " ".join(o.organisation.name for o in action.owners.select_related("organisation")) if action.pk else ""
    action.search_document = search.document(action.code, action.title, action.description, owners)
    return action


def _owner_units(user, action: ActionItem) -> list[Organisation]:
    owner_ids = {o.organisation_id: o.organisation for o in action.owners.select_related("organisation")}
    return [owner_ids[m.organisation_id] for m in memberships(user) if m.organisation_id in owner_ids]


def _validate_owners(partnership: Partnership, owners) -> list[tuple[Organisation, int]]:
    if not owners:
        raise ValidationError({"owners": _("Name at least one owning unit.")})
    result, seen = [], set()
    for unit in owners:
        side = unit.side_for(partnership)
        if side is None:
            raise ValidationError(
                {"owners": _("%(unit)s does not belong to a region of this partnership.") % {"unit": unit}}
            )
        if unit.pk in seen:
            raise ValidationError({"owners": _("%(unit)s is listed twice.") % {"unit": unit}})
        seen.add(unit.pk)
        result.append((unit, side.pk))
    return result


def create_action(session: Session, outcome: Outcome | None, spec: ActionSpec, *, user) -> ActionItem:
    """Create the supervised action a decision asks for (inside ``record_outcome``'s transaction).

    With ``new_matter_title`` it also creates the matter it serves in the current year's list, owned by
    the same units (through ``matters.services.create_matter``, so the matter rules apply).
    """
    title = plain(spec.title).strip()
    if not title:
        raise ValidationError({"title": _("Say what is to be done.")})
    if spec.due_date is None:
        raise ValidationError({"due_date": _("Give a due date.")})
    if spec.due_date < session.local_date:
        raise ValidationError({"due_date": _("The due date is before the session.")})
    owners = _validate_owners(session.partnership, spec.owners)
    matter = spec.matter
    if matter is not None and spec.new_matter_title:
        raise ValidationError(_("Link an existing matter or create a new one, not both."))
    if matter is not None and matter.partnership_id != session.partnership_id:
        raise ValidationError({"matter": _("The matter belongs to another partnership.")})
    if spec.new_matter_title:
        try:
            matter = create_matter(
                partnership=session.partnership,
                year=timezone.localdate().year,
                title=spec.new_matter_title,
                user=user,
                owners=[OwnerSpec(unit) for unit, _side in owners],
                status=MatterStatus.APPROVED,
                due_date=spec.due_date,
                start_date=session.local_date,
                description=_("Decided at %(session)s.") % {"session": session},
            )
        except PermissionDenied as exc:
            raise PermissionDenied(
                _("You may not create this matter: a coordinator creates only matters their side takes part in.")
            ) from exc
    k = session.actions.count() + 1
    action = ActionItem(
        partnership_id=session.partnership_id,
        session=session,
        outcome=outcome,
        code=f"{session.number}-{k}",
        title=title,
        description=plain(spec.description),
        due_date=spec.due_date,
        matter=matter,
    )
    action.full_clean(exclude=["search_document"])
    action.save()
    for unit, side_id in owners:
        ActionOwner.objects.create(action=action, organisation=unit, side_id=side_id)
    _refresh_action(action, series=session.series)
    save_fields(action, ACTION_DERIVED_FIELDS)
    ActionUpdate.objects.create(
        action=action,
        kind=ActionUpdateKind.ASSIGNED,
        on=session.local_date,
        author=user,
        text=_("Decided at %(session)s.") % {"session": session},
    )
    log_event("action.assigned", action, data={"session": session.pk, "matter": matter.pk if matter else None})
    supervision.follow(action)  # 交办: one case, one side per owning side
    return action


def _acting_sides(user, action: ActionItem, case, *, pending: str) -> list:
    """The sides of the action's case the user takes the owner's step for (the office: every owning side; a
    coordinator: their side; a unit's contact: its unit's side), those still ``pending`` (signed_at or
    completed_at not yet set)."""
    side_ids = set(restrict(action.owners.all(), user, Action.REPORT).values_list("side_id", flat=True))
    return [s for s in case.sides.filter(side_id__in=side_ids).order_by("pk") if getattr(s, pending) is None]


def _step(
    action: ActionItem, *, user, kind: str, text: str = "", files=(), status: str | None = None, **fields
) -> ActionUpdate:
    """Record one step of the action's follow-up. ``action`` was locked (and so is fresh) when its
    transaction began; only the fields the step changes, the version and the derived dates are written."""
    update = ActionUpdate.objects.create(
        action=action,
        kind=kind,
        text=plain(text),
        on=timezone.localdate(),
        author=user,
        organisation=next(iter(_owner_units(user, action)), None),
    )
    for upload in files:
        attach(update, upload, user=user, partnership_id=action.partnership_id)
    changed = [*fields, *ACTION_DERIVED_FIELDS]
    if status is not None and status != action.status:
        # A change of the action's state moves its version (an editor of the old state is told). A further
        # report of progress only adds an update and moves the dates derived from it, like a matter's report.
        action.status = status
        action.version += 1
        changed += ["status", "version"]
    for name, value in fields.items():
        setattr(action, name, value)
    _refresh_action(action)
    save_fields(action, changed)
    log_event(f"action.{kind}", action, message=plain(text), data={"update": update.pk})
    return update


def acknowledge_action(action: ActionItem, *, user, note: str = "") -> ActionItem:
    """The owner acknowledges the action it was assigned: its side's sign-off 签收 (each owning side signs off)."""
    with transaction.atomic():
        lock(action)
        require(user, Action.REPORT, action)
        if action.status not in OWNER_PENDING_STATUSES:
            raise ValidationError(_("Only a newly assigned action is acknowledged."))
        case = supervision.follow(action)
        sides = _acting_sides(user, action, case, pending="signed_at") if case is not None else []
        if not sides and action.status != ActionStatus.ASSIGNED:
            raise ValidationError(_("Only a newly assigned action is acknowledged."))
        for side in sides:
            supervision.sign_off(case, side, user=user, check=False)
        _step(
            action,
            user=user,
            kind=ActionUpdateKind.ACKNOWLEDGED,
            text=note,
            status=ActionStatus.ACKNOWLEDGED if action.status == ActionStatus.ASSIGNED else None,
            acknowledged_at=action.acknowledged_at or timezone.now(),
        )
    return action


def feed_back(action: ActionItem, *, user, text: str, files=()) -> ActionUpdate:
    """The owner says how far it has got (acknowledging it on the way if it had not)."""
    return _owner_step(
        action,
        user=user,
        text=text,
        files=files,
        empty=_("Say what has been done."),
        closed=_("This action takes no more feedback."),
        kind=ActionUpdateKind.PROGRESS,
        status=ActionStatus.IN_PROGRESS,
    )


def report_done(action: ActionItem, *, user, text: str, files=()) -> ActionUpdate:
    """The owner reports its side's part done, with evidence (a text saying what shows it, and files): its side's
    report of completion. The action is reported done when every owning side has reported."""
    return _owner_step(
        action,
        user=user,
        text=text,
        files=files,
        empty=_("Say what shows the action is done."),
        closed=_("Only an open action can be reported done."),
        kind=ActionUpdateKind.REPORTED_DONE,
        status=ActionStatus.REPORTED_DONE,
        reported_done_at=timezone.now(),
    )


def _owner_step(action: ActionItem, *, user, text: str, files, empty: str, closed: str, **changes) -> ActionUpdate:
    """A step the owning unit takes on an open action, saying something (``empty``: the reason when it says
    nothing; ``closed``: when the action takes no more steps of the owner). Acknowledges it on the way.

    The step is taken for the user's sides on the action's case (``supervision``): feedback is each side's
    feedback; a report of completion is each side's, and the action is reported done only when every owning side
    has reported (until then it stays in progress)."""
    if not plain(text).strip():
        raise ValidationError({"text": empty})
    with transaction.atomic():
        lock(action)
        require(user, Action.REPORT, action)
        if action.status not in OWNER_PENDING_STATUSES:
            raise ValidationError(closed)
        if action.acknowledged_at is None:
            changes["acknowledged_at"] = timezone.now()
        case = supervision.follow(action)
        sides = _acting_sides(user, action, case, pending="completed_at") if case is not None else []
        if case is not None and not sides:
            raise ValidationError(_("Your side has already reported this action done; the other sides report theirs."))
        done = changes.get("kind") == ActionUpdateKind.REPORTED_DONE
        if done and case is not None:
            others = case.sides.filter(completed_at__isnull=True).exclude(pk__in=[s.pk for s in sides]).exists()
            if others:
                changes.update(status=ActionStatus.IN_PROGRESS)
                changes.pop("reported_done_at", None)
        update = _step(action, user=user, text=text, files=files, last_feedback_on=timezone.localdate(), **changes)
        for side in sides:
            if done:
                kept = Attachment.objects.filter(
                    content_type=ContentType.objects.get_for_model(ActionUpdate), object_id=update.pk
                )
                supervision.report_completion(case, side, user=user, note=text, attachments=kept, check=False)
            else:
                supervision.give_feedback(case, side, user=user, text=text, check=False)
        return update


def verify_action(action: ActionItem, *, user, note: str = "", rating: str = "") -> ActionItem:
    """The office checks the evidence, rates the work and closes the action: its case's closure 办结销号."""
    with transaction.atomic():
        require_in(user, Action.ADMINISTER, action.partnership_id, ONLY_THE_OFFICE)
        if rating not in Rating.values:
            raise ValidationError({"rating": _("Choose a rating: excellent, good, pass or fail.")})
        _office_step(
            action,
            user=user,
            from_statuses={ActionStatus.REPORTED_DONE},
            refused=_("Only an action reported done can be verified."),
            kind=ActionUpdateKind.VERIFIED,
            text=note,
            status=ActionStatus.VERIFIED,
            verified_at=timezone.now(),
            verified_by=user,
        )
        case = supervision.follow(action)
        if case is not None:
            if case.state == CaseState.OPEN:  # reported done before the action was followed as a case
                supervision.record_item_completion(action, user=user, note=note or _("Reported done."))
                case.refresh_from_db()
            supervision.close_case(case, user=user, rating=rating, review=note)
    return action


def return_action(action: ActionItem, *, user, reason: str) -> ActionItem:
    """The office sends a report of completion back, saying why; the owner works on."""
    if not plain(reason).strip():
        raise ValidationError({"reason": _("Say why the action is returned.")})
    with transaction.atomic():
        _office_step(
            action,
            user=user,
            from_statuses={ActionStatus.REPORTED_DONE},
            refused=_("Only an action reported done can be returned."),
            kind=ActionUpdateKind.RETURNED,
            text=reason,
            status=ActionStatus.RETURNED,
            reported_done_at=None,
        )
        case = supervision.follow(action)
        reported = case is not None and case.sides.filter(completed_at__isnull=False).exists()
        if case is not None and (case.state == CaseState.COMPLETED or (case.state == CaseState.OPEN and reported)):
            supervision.return_case(case, user=user, reason=reason)
    return action


def cancel_action(action: ActionItem, *, user, reason: str) -> ActionItem:
    if not plain(reason).strip():
        raise ValidationError({"reason": _("Say why the action is cancelled.")})
    with transaction.atomic():
        _office_step(
            action,
            user=user,
            from_statuses=set(ActionStatus) - set(CLOSED_ACTION_STATUSES),
            refused=_("The action is already closed."),
            kind=ActionUpdateKind.CANCELLED,
            text=reason,
            status=ActionStatus.CANCELLED,
        )
        supervision.follow(action)  # no longer supervised: its case is cancelled
    return action


def _office_step(action: ActionItem, *, user, from_statuses, refused: str, **step) -> ActionItem:
    """A step only the office takes on an action in one of ``from_statuses`` (``refused``: why not otherwise)."""
    with transaction.atomic():
        require_in(user, Action.ADMINISTER, action.partnership_id, ONLY_THE_OFFICE)
        lock(action)
        if action.status not in from_statuses:
            raise ValidationError(refused)
        _step(action, user=user, **step)
    return action


def update_action(
    action: ActionItem, *, user, version: int | None, owners=None, reason: str = "", **changes
) -> ActionItem:
    """The office (or the coordinator of an owning side) changes an action's wording, due date or owners."""
    unknown = set(changes) - {"title", "description", "due_date", "matter"}
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    changes = _plain(changes)
    with transaction.atomic():
        _lock_version(action, version, changes)  # judged, and compared, as it is now
        if action.status in CLOSED_ACTION_STATUSES:
            raise ValidationError(_("A closed action is not changed."))
        matter = changes.get("matter")
        if matter is not None and matter.partnership_id != action.partnership_id:
            raise ValidationError({"matter": _("The matter belongs to another partnership.")})
        if changes.get("due_date") and changes["due_date"] < action.session.local_date:
            raise ValidationError({"due_date": _("The due date is before the session.")})
        before = {k: getattr(action, k) for k in changes}
        update_versioned(action, action.version, changes, user=user)
        said = [
            _("%(field)s: %(before)s → %(after)s")
            % {
                "field": ActionItem._meta.get_field(name).verbose_name,
                "before": before[name] or "—",
                "after": getattr(action, name) or "—",
            }
            for name in changes
            if before[name] != getattr(action, name)
        ]
        if owners is not None:
            validated = _validate_owners(action.partnership, owners)
            existing = {o.organisation_id: o for o in action.owners.all()}
            wanted = {unit.pk for unit, _s in validated}
            for org_id, owner in existing.items():
                if org_id not in wanted:
                    owner.delete()
            for unit, side_id in validated:
                if unit.pk not in existing:
                    ActionOwner.objects.create(action=action, organisation=unit, side_id=side_id)
            if set(existing) != wanted:
                said.append(_("owners: %(units)s") % {"units": "、".join(u.name for u, _s in validated)})
            require(user, Action.CHANGE, action)
        if said:
            text = "; ".join(str(s) for s in said)
            if reason:
                text = f"{text}. {plain(reason)}"
            _step(action, user=user, kind=ActionUpdateKind.CHANGED, text=text)
        supervision.follow(action)  # the case keeps the due date and the owning sides in step
    return action


# ---------------------------------------------------------------------------------------------- reading


def actions_for_my_work(user, today: dt.date | None = None):
    """The actions on the user's desk ("my work"): those their unit (or, for a coordinator, their side)
    owns and must still move on, plus those reported done and waiting for the office."""
    return (
        ActionItem.objects.restrict(user, Action.REPORT)
        .filter(status__in=(*OWNER_PENDING_STATUSES, ActionStatus.REPORTED_DONE), archived_at__isnull=True)
        .with_light(today or timezone.localdate())
        .select_related("session__series")
        .prefetch_related(Prefetch("owners", queryset=ActionOwner.objects.select_related("organisation")))
        .order_by("due_date", "pk")
    )
