"""Every write to the matter list. Each service is one transaction that checks access, writes, and
leaves its trace (automatic change records plus named events for workflow steps)."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Min
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from twincity.accounts.access import Part, may_act_in, members_who, memberships
from twincity.accounts.choices import Action
from twincity.audit.services import log_event, log_events
from twincity.core import search
from twincity.core.rows import hold
from twincity.core.services import (
    ConflictError,
    archive,
    attach,
    bulk_create,
    bulk_save,
    lock,
    require,
    save_fields,
    update_rows,
    update_versioned,
)
from twincity.core.text import join_words, plain
from twincity.matters.choices import ACTIVE_STATUSES, CLOSED_STATUSES, TRANSITIONS, MatterStatus, Notice, OwnerRole
from twincity.matters.health import derived_dates
from twincity.matters.models import ListEntry, Matter, MatterList, MatterOwner, MatterSide, Milestone, ProgressReport
from twincity.notifications.services import announce
from twincity.regions.models import Organisation, Partnership
from twincity.supervision import services as supervision
from twincity.supervision import todos
from twincity.supervision.choices import CaseState

__all__ = [
    "ConflictError",
    "OwnerSpec",
    "add_milestone",
    "archive_matter",
    "bulk_change_status",
    "change_status",
    "close_milestone",
    "confirm_completion",
    "create_matter",
    "file_progress",
    "get_or_create_list",
    "refresh_derived",
    "reopen_matter",
    "roll_over",
    "roll_over_list",
    "set_owners",
    "update_matter",
]

EDITABLE_FIELDS = ("code", "title", "field", "goal", "description", "start_date", "due_date")
TEXT_FIELDS = ("code", "title", "goal", "description", "period", "text", "evidence", "reason")


def _plain_fields(values: dict) -> dict:
    """Free text arrives without markup (see core.text)."""
    return {k: plain(v) if k in TEXT_FIELDS and isinstance(v, str) else v for k, v in values.items()}


@dataclass(frozen=True)
class OwnerSpec:
    organisation: Organisation
    role: str = OwnerRole.LEAD


def get_or_create_list(partnership: Partnership, year: int) -> MatterList:
    year_list, _created = MatterList.objects.get_or_create(
        partnership=partnership, year=year, defaults={"title": _("Key cooperation matters %(year)s") % {"year": year}}
    )
    return year_list


def require_partnership(user, action: str, partnership: Partnership) -> None:
    """Creating needs the right on the partnership (office admin) or on one's own side (coordinator)."""
    if action == Action.CHANGE and may_act_in(user, action, partnership.pk):
        return
    raise PermissionDenied(_("You may not add matters to this partnership."))


def _light_dates(matter: Matter, partnership: Partnership):
    """(watch_from, lag_date) of a matter under its partnership's thresholds."""
    return derived_dates(
        start_date=matter.start_date,
        due_date=matter.due_date,
        next_milestone_due=matter.next_milestone_due,
        percent_complete=matter.percent_complete,
        near_days=partnership.health_near_days,
        lag_margin=partnership.health_lag_margin,
    )


DERIVED_FIELDS = ("percent_complete", "next_milestone_due", "watch_from", "lag_date", "search_document")


def refresh_derived(matter: Matter) -> Matter:
    """Recompute what the light and the list read: percents per side and overall, the next open
    milestone, the dates that turn the light, and the search document.

    The matter is locked and re-read first and only these derived fields are written, so whatever
    the caller loaded earlier (a title, a status, a version) is never written back."""
    lock(matter)
    partnership = matter.partnership
    latest_by_side: dict[int, ProgressReport] = {}
    for report in matter.reports.filter(archived_at__isnull=True).order_by("side_id", "-reported_on", "-pk"):
        latest_by_side.setdefault(report.side_id, report)
    sides = list(matter.sides.all())
    for side in sides:
        latest = latest_by_side.get(side.region_id)
        percent = latest.percent_complete if latest else 0
        reported = latest.reported_on if latest else None
        if (side.percent_complete, side.last_reported_on) != (percent, reported):
            side.percent_complete, side.last_reported_on = percent, reported
            side.save(update_fields=["percent_complete", "last_reported_on", "last_updated"])
    matter.percent_complete = round(sum(s.percent_complete for s in sides) / len(sides)) if sides else 0
    matter.next_milestone_due = matter.milestones.filter(archived_at__isnull=True, done_date__isnull=True).aggregate(
        d=Min("due_date")
    )["d"]
    matter.watch_from, matter.lag_date = _light_dates(matter, partnership)
    owners = " ".join(o.organisation.name for o in matter.owners.select_related("organisation"))
    reports = " ".join(matter.reports.filter(archived_at__isnull=True).values_list("text", flat=True))
    matter.search_document = search.document(
        matter.code, matter.title, matter.goal, matter.description, owners, reports
    )
    save_fields(matter, DERIVED_FIELDS)
    return matter


def side_of(unit: Organisation, side_ids) -> int | None:
    """The side (a member region's id, of ``side_ids``) ``unit`` speaks for: its region, or that region's parent."""
    if unit.region_id in side_ids:
        return unit.region_id
    parent_id = unit.region.parent_id
    return parent_id if parent_id in side_ids else None


def _validate_owners(side_ids: list[int], owners: list[OwnerSpec]) -> list[tuple[OwnerSpec, int]]:
    result = []
    for spec in owners:
        side_id = side_of(spec.organisation, side_ids)
        if side_id is None:
            raise ValidationError(
                _("%(unit)s does not belong to a region of this partnership.") % {"unit": spec.organisation}
            )
        result.append((spec, side_id))
    seen = set()
    for spec, _side in result:
        if spec.organisation.pk in seen:
            raise ValidationError(_("%(unit)s is listed twice.") % {"unit": spec.organisation})
        seen.add(spec.organisation.pk)
    return result


def set_owners(matter: Matter, owners: list[OwnerSpec], leaders: dict[int, str] | None = None, *, user=None) -> None:
    """Make the matter's owning units exactly ``owners`` and keep one side record per side involved.

    With ``user`` (an edit), every owner added, changed or removed and every side's leader changed must be
    one the user may change: each side edits its own half (a coordinator their side's, the office all)."""
    side_ids = [m.region_id for m in matter.partnership.memberships.order_by("rotation_order", "pk")]
    validated = _validate_owners(side_ids, owners)
    existing = {o.organisation_id: o for o in matter.owners.all()}
    wanted = {spec.organisation.pk for spec, _side in validated}

    def check(record) -> None:
        if user is not None:
            require(user, Action.CHANGE, record)

    for org_id, owner in existing.items():
        if org_id not in wanted:
            check(owner)
            owner.delete()  # an ownership link, not an accountable record: its removal is in the change log
    involved = {side_id for _spec, side_id in validated}
    leaders = leaders or {}
    current = {s.region_id: s for s in matter.sides.all()}
    for region_id in side_ids:
        if region_id in involved or region_id in leaders or region_id in current:
            side = current.get(region_id)
            if side is None:
                side = MatterSide.objects.create(
                    matter=matter,
                    year_list_id=matter.year_list_id,
                    region_id=region_id,
                    responsible_leader=plain(leaders.get(region_id, "")),
                )
                check(side)
            elif region_id in leaders and side.responsible_leader != plain(leaders[region_id]):
                check(side)
                side.responsible_leader = plain(leaders[region_id])
                save_fields(side, ["responsible_leader"])
    for spec, side_id in validated:
        owner = existing.get(spec.organisation.pk)
        if owner is None:
            owner = MatterOwner.objects.create(
                matter=matter, organisation=spec.organisation, side_id=side_id, role=spec.role
            )
            check(owner)
        elif owner.role != spec.role:
            check(owner)
            owner.role = spec.role
            save_fields(owner, ["role"])


@dataclass
class NewMatter:
    """One matter to add (``create_matters``): its own fields, owning units, each side's leader, its code
    (empty: numbered) and the day it came on the list (empty: today; for lists taken over from earlier records)."""

    title: str
    code: str | None = None
    status: str = MatterStatus.PROPOSED
    owners: list[OwnerSpec] = dataclass_field(default_factory=list)
    leaders: dict[int, str] = dataclass_field(default_factory=dict)
    entered_on: dt.date | None = None
    values: dict = dataclass_field(default_factory=dict)  # field, goal, description, start_date, due_date


class InvalidRow(ValidationError):
    """``create_matters`` refused one of its rows (``index``, from 0) with the model's or the service's reason."""

    def __init__(self, index: int, error: ValidationError):
        super().__init__(error.error_dict if hasattr(error, "error_dict") else error.error_list)
        self.index = index


def create_matters(rows: list[NewMatter], *, partnership: Partnership, year: int, user) -> list[Matter]:
    """Add matters to the partnership's list for ``year`` (creating the list when it is the first), all or none.

    The one way a matter is created: ``create_matter`` is the one-row case, the Excel import passes thousands.
    Each row is checked as the model checks it (``Matter.full_clean``: the due date not before the start…);
    its units must be of the partnership's sides, its code free on the list (empty: numbered as ``next_code``
    numbers); afterwards every new matter must be one the user may change (a coordinator adds only what their
    side is party to). A refused row raises ``InvalidRow``. The rows are written in bulk (``core.services``):
    each matter with what ``refresh_derived`` computes for a matter without reports or milestones, its list
    entry, its sides and owning units, a change record for each of them and a ``matter.created`` event.
    """
    rows = list(rows)
    with transaction.atomic(), todos.together(), search.segmenting_once():
        require_partnership(user, Action.CHANGE, partnership)
        year_list = get_or_create_list(partnership, year)
        sides_by_id = {side.pk: side for side in partnership.sides()}  # in rotation order
        on_list = set(year_list.matters.values_list("code", flat=True))
        codes = number_codes(year_list.year, on_list | _entry_codes(year_list), [plain(r.code or "") for r in rows])
        seen: set[str] = set()
        matters, entries, sides, owners, parts_of = [], [], [], [], []
        for index, (row, code) in enumerate(zip(rows, codes, strict=True)):
            try:
                if code in on_list or code in seen:
                    raise ValidationError(
                        {
                            "code": _("The code %(code)s is already used in the %(year)s list.")
                            % {"code": code, "year": year}
                        }
                    )
                seen.add(code)
                matter, parts = _new_matter(row, code, partnership, year_list, sides_by_id)
            except ValidationError as exc:
                raise InvalidRow(index, exc) from None
            matters.append(matter)
            entries.append(parts[0])
            sides += parts[1]
            owners += parts[2]
            parts_of.append(parts)
        bulk_create(matters)
        for part in (entries, sides, owners):
            bulk_create(part)  # each takes its matter's new id from the matter it holds
        for matter, (_entry, its_sides, its_owners) in zip(matters, parts_of, strict=True):
            hold(matter, "sides", its_sides)
            hold(matter, "owners", its_owners)
        todos.written(matters)  # their to-dos from these, not from the matters read back
        ids = [m.pk for m in matters]
        for batch in itertools.batched(ids, 1000):
            if Matter.objects.restrict(user, Action.CHANGE).filter(pk__in=batch).count() != len(batch):
                raise PermissionDenied(_("You may not do this."))  # as ``require``: only what the user may change
        log_events("matter.created", matters)
        _announce_awaiting_approval(partnership, [m for m in matters if m.status == MatterStatus.PROPOSED])
    return matters


def _announce_awaiting_approval(partnership: Partnership, proposed: list[Matter]) -> None:
    """Tell the partnership's leaders that matters wait for their approval: one notice per batch added (an import
    of a thousand rows is one notice, not a thousand)."""
    if not proposed:
        return
    with translation.override(settings.LANGUAGE_CODE):
        if len(proposed) == 1:
            subject = _("Matter waiting for your approval: %(code)s %(title)s") % {
                "code": proposed[0].code,
                "title": proposed[0].title,
            }
            url = proposed[0].get_absolute_url()
        else:
            subject = _("%(count)s matters waiting for your approval") % {"count": len(proposed)}
            url = reverse("matters:list") + f"?partnership={partnership.pk}&status={MatterStatus.PROPOSED}"
        announce(
            Notice.AWAITING_APPROVAL,
            recipients=[m.user for m in members_who(partnership.pk, Part.DECIDES)],
            subject=subject,
            url=url,
            partnership_id=partnership.pk,
            key=f"matter_awaiting_approval:{proposed[0].pk}:{len(proposed)}",
        )


def follow_matter(matter: Matter) -> None:
    """Keep the supervision of the matter and of its milestones in step (its dates, owners or state changed)."""
    supervision.follow(matter)
    for milestone in matter.milestones.all():
        supervision.follow(milestone)


def _new_matter(row: NewMatter, code: str, partnership: Partnership, year_list: MatterList, sides_by_id: dict):
    """The unsaved matter of ``row``, checked, and its list entry, sides and owners (in the order refresh_derived
    and set_owners keep: sides in rotation order, owners as given)."""
    values = _plain_fields(row.values)
    matter = Matter(
        partnership=partnership,
        year_list=year_list,
        year=year_list.year,
        code=code,
        title=plain(row.title),
        status=row.status,
        **values,
    )
    matter.watch_from, matter.lag_date = _light_dates(matter, partnership)
    # The partnership and list were just read, the field is a row of the database: no query per row for them.
    matter.full_clean(
        exclude=["search_document", "partnership", "year_list", "field"],
        validate_unique=False,
        validate_constraints=False,
    )
    validated = _validate_owners(list(sides_by_id), row.owners)
    by_role = sorted(enumerate(validated), key=lambda pair: (pair[1][0].role, pair[0]))  # the owners' model order
    names = " ".join(spec.organisation.name for _i, (spec, _side) in by_role)
    matter.search_document = search.document(matter.code, matter.title, matter.goal, matter.description, names)
    entry = ListEntry(
        matter=matter, year_list=year_list, code=code, entered_on=_not_future(row.entered_on, "entered_on")
    )
    leaders = {region_id: plain(name) for region_id, name in row.leaders.items()}
    involved = {side_id for _spec, side_id in validated}
    sides = [
        MatterSide(matter=matter, year_list=year_list, region=region, responsible_leader=leaders.get(region_id, ""))
        for region_id, region in sides_by_id.items()
        if region_id in involved or region_id in leaders
    ]
    owners = [
        MatterOwner(matter=matter, organisation=spec.organisation, side_id=side_id, role=spec.role)
        for spec, side_id in validated
    ]
    return matter, (entry, sides, owners)


def create_matter(
    *,
    partnership: Partnership,
    year: int,
    title: str,
    user,
    code: str | None = None,
    owners: list[OwnerSpec] = (),
    leaders: dict[int, str] | None = None,
    status: str = MatterStatus.PROPOSED,
    entered_on: dt.date | None = None,
    **fields,
) -> Matter:
    """Add one matter to the partnership's list for ``year``: ``create_matters`` with one row.

    ``entered_on`` records when it came on the list, for lists taken over from earlier records.
    """
    row = NewMatter(
        title=title,
        code=code,
        status=status,
        owners=list(owners),
        leaders=dict(leaders or {}),
        entered_on=entered_on,
        values=fields,
    )
    with transaction.atomic():
        matter = create_matters([row], partnership=partnership, year=year, user=user)[0]
        if matter.status in ACTIVE_STATUSES:
            # 交办. A list imported in bulk (``create_matters``) is followed by ``follow_all`` or its next change.
            supervision.follow(matter)
    return matter


def _side_id(unit: Organisation, partnership: Partnership) -> int | None:
    side = unit.side_for(partnership)
    return side.pk if side else None


def _not_future(day: dt.date | None, field: str) -> dt.date:
    today = timezone.localdate()
    if day is None:
        return today
    if day > today:
        raise ValidationError({field: _("The date cannot be in the future.")})
    return day


def _entry_codes(year_list: MatterList) -> set[str]:
    return set(year_list.entries.values_list("code", flat=True))


def number_codes(year: int, on_list: set[str], codes: list[str]) -> list[str]:
    """``codes`` with each empty one numbered year-NN, counting on from the codes ``on_list`` and skipping
    those and every code given: how a new matter is numbered, alone or by the thousand."""
    taken = set(on_list) | {c for c in codes if c}
    n = len(on_list) + 1
    numbered = []
    for code in codes:
        if not code:
            while f"{year}-{n:02d}" in taken:
                n += 1
            code = f"{year}-{n:02d}"
            taken.add(code)
        numbered.append(code)
    return numbered


def next_code(year_list: MatterList) -> str:
    on_list = _entry_codes(year_list) | set(year_list.matters.values_list("code", flat=True))
    return number_codes(year_list.year, on_list, [""])[0]


def update_matter(
    matter: Matter,
    *,
    user,
    version: int | None,
    owners: list[OwnerSpec] | None = None,
    leaders: dict[int, str] | None = None,
    **changes,
) -> Matter:
    """Edit a matter's own fields (and, if given, its owners and leaders) unless someone saved it meanwhile."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    changes = _plain_fields(changes)
    with transaction.atomic():
        update_versioned(matter, version, changes, user=user)
        if "code" in changes:
            for entry in ListEntry.objects.filter(matter=matter, year_list=matter.year_list):
                entry.code = matter.code
                save_fields(entry, ["code"])
        if owners is not None or leaders:
            set_owners(matter, owners if owners is not None else _current_owner_specs(matter), leaders, user=user)
        refresh_derived(matter)
        require(user, Action.CHANGE, matter)
        follow_matter(matter)
    return matter


def _current_owner_specs(matter: Matter) -> list[OwnerSpec]:
    return [OwnerSpec(o.organisation, o.role) for o in matter.owners.select_related("organisation")]


def change_status(
    matter: Matter, to: str, *, user, reason: str = "", version: int | None = None, on: dt.date | None = None
) -> Matter:
    """Move a matter along its workflow; completion needs the approve right (office or leader).

    Completion is confirmed with an opinion (``reason``), and only once every owning side has reported its part
    complete on the matter's supervised item (its case). ``on`` is the day of a completion recorded after the fact
    (default: today): the record of a completion that happened before the matter was followed here.
    """
    with transaction.atomic():
        lock(matter, version=version)  # the transition is judged on the status as it is now, not as it was read
        allowed = TRANSITIONS.get(matter.status, {})
        if to not in allowed:
            raise ValidationError(
                _("A matter that is “%(from)s” cannot become “%(to)s”.")
                % {"from": matter.get_status_display(), "to": MatterStatus(to).label}
            )
        action = allowed[to]
        changes: dict = {"status": to}
        if to == MatterStatus.COMPLETED:
            changes.update(completed_on=_not_future(on, "on"), confirmed_by=user)
            _require_every_side_reported(matter, user=user, action=action, recorded=on is not None, note=reason)
        update_versioned(matter, version, changes, user=user, action=action)
        refresh_derived(matter)
        verb = "matter.completion_confirmed" if to == MatterStatus.COMPLETED else f"matter.{to}"
        log_event(verb, matter, message=reason, data={"to": to})
        follow_matter(matter)
    return matter


def _require_every_side_reported(matter: Matter, *, user, action: str, recorded: bool, note: str) -> None:
    """Refuse to confirm completion while an owning side has not reported its part complete. A completion recorded
    after the fact (``recorded``) by someone who may confirm it records every side's report with the opinion."""
    require(user, action, matter)  # who may not confirm is told so, not what is missing
    if not plain(note or "").strip():
        raise ValidationError({"reason": _("Give your opinion to confirm the completion of a matter.")})
    case = supervision.case_of(matter)
    if case is None or case.state not in (CaseState.OPEN, CaseState.COMPLETED):
        return
    if recorded and case.state == CaseState.OPEN:
        supervision.record_item_completion(matter, user=user, note=note)
        return
    missing = [s.side for s in case.sides.filter(completed_at__isnull=True).select_related("side")]
    if missing:
        raise ValidationError(
            _("Not every owning side has reported completion yet (waiting for: %(sides)s).")
            % {"sides": join_words(str(s) for s in missing)}
        )


def reopen_matter(matter: Matter, *, user, reason: str, version: int | None = None) -> Matter:
    """A leader or the office reopens a completed matter, saying why: it is under way again, and so is its case."""
    reason = plain(reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the matter is reopened.")})
    with transaction.atomic():
        lock(matter, version=version)
        if matter.status != MatterStatus.COMPLETED:
            raise ValidationError(_("Only a completed matter can be reopened."))
        update_versioned(
            matter,
            version,
            {"status": MatterStatus.IN_PROGRESS, "completed_on": None, "confirmed_by": None},
            user=user,
            action=Action.APPROVE,
        )
        refresh_derived(matter)
        log_event("matter.reopened", matter, message=reason, data={"to": MatterStatus.IN_PROGRESS})
        case = supervision.case_of(matter)
        if case is not None:
            supervision.reopen_case(case, user=user, reason=reason)
        follow_matter(matter)
    return matter


def confirm_completion(matter: Matter, *, user, version: int | None = None, note: str = "") -> Matter:
    return change_status(matter, MatterStatus.COMPLETED, user=user, reason=note, version=version)


def bulk_change_status(matters, to: str, *, user, reason: str = "") -> tuple[int, list[str]]:
    """Apply a status change to many matters at once; all or nothing."""
    errors: list[str] = []
    with transaction.atomic():
        count = 0
        for matter in matters:
            try:
                change_status(matter, to, user=user, reason=reason)
                count += 1
            except (ValidationError, PermissionDenied) as exc:
                message = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
                errors.append(f"{matter.code}: {message}")
        if errors:
            transaction.set_rollback(True)
            return 0, errors
    return count, errors


def add_milestone(matter: Matter, *, side_id: int, title: str, due_date: dt.date, user) -> Milestone:
    with transaction.atomic():
        require(user, Action.CHANGE, matter)
        lock(matter)
        if not matter.sides.filter(region_id=side_id).exists():
            raise ValidationError(_("This side takes no part in the matter."))
        milestone = Milestone(
            matter=matter, year_list_id=matter.year_list_id, side_id=side_id, title=plain(title), due_date=due_date
        )
        milestone.full_clean()
        milestone.save()
        refresh_derived(matter)
        supervision.follow(milestone)
    return milestone


def close_milestone(
    milestone: Milestone, *, user, done_date: dt.date, evidence: str, version: int | None = None
) -> Milestone:
    """A side's owner (or its coordinator, or the office) closes a milestone with evidence."""
    evidence = plain(evidence)
    if not evidence.strip():
        raise ValidationError({"evidence": _("Say what shows the milestone is done.")})
    if done_date > timezone.localdate():
        raise ValidationError({"done_date": _("The date it was done cannot be in the future.")})
    with transaction.atomic():
        lock(milestone.matter)
        update_versioned(
            milestone, version, {"done_date": done_date, "evidence": evidence}, user=user, action=Action.REPORT
        )
        refresh_derived(milestone.matter)
        log_event("milestone.closed", milestone, data={"matter": milestone.matter_id})
        supervision.record_item_completion(milestone, user=user, note=evidence)
    return milestone


MILESTONE_FIELDS = ("title", "due_date", "side_id")


def update_milestone(milestone: Milestone, *, user, version: int | None = None, **changes) -> Milestone:
    """Correct a milestone's title, due date or responsible side (who may close it may edit it).

    A versioned edit (a stale one raises ``ConflictError``) recorded in the trail; the matter's derived
    dates and the milestone's supervision case follow. An archived milestone is not edited."""
    unknown = set(changes) - set(MILESTONE_FIELDS)
    if unknown:
        raise ValueError(f"not a milestone field: {sorted(unknown)}")
    if "title" in changes:
        changes["title"] = plain(changes["title"]).strip()
        if not changes["title"]:
            raise ValidationError({"title": _("Give the milestone a title.")})
    with transaction.atomic():
        matter = lock(milestone.matter)
        if milestone.archived_at is not None:
            raise ValidationError(_("An archived milestone is not edited."))
        if "side_id" in changes and not matter.sides.filter(region_id=changes["side_id"]).exists():
            raise ValidationError({"side": _("This side takes no part in the matter.")})
        changes = {k: v for k, v in changes.items() if getattr(milestone, k) != v}
        if not changes:
            require(user, Action.REPORT, milestone)
            return milestone
        update_versioned(milestone, version, changes, user=user, action=Action.REPORT)
        refresh_derived(matter)
        supervision.follow(milestone)
    return milestone


def archive_milestone(milestone: Milestone, *, user, reason: str, version: int | None = None) -> Milestone:
    """Take a milestone off the matter with a reason (it is kept, with its trail; never deleted).

    Who may close it may archive it. Its supervision case is cancelled; the matter's dates follow."""
    reason = plain(reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the milestone is archived.")})
    with transaction.atomic():
        matter = lock(milestone.matter)
        require(user, Action.REPORT, milestone)
        lock(milestone, version=version)
        if milestone.archived_at is None:
            milestone.archived_at = timezone.now()
            milestone.version += 1
            save_fields(milestone, ["archived_at", "version"])
            log_event("milestone.archived", milestone, message=reason[:500], data={"matter": matter.pk})
            refresh_derived(matter)
            supervision.follow(milestone)
    return milestone


def _report_side_done(matter: Matter, side_id: int, *, user, text: str, attachments) -> None:
    """A side's report of 100 % is its report of completion on the matter's supervision case (one step, not
    two): the report's text and files are the evidence; the leader confirms once every side has reported."""
    case = supervision.case_of(matter)
    if case is None or case.state != CaseState.OPEN:
        return
    side = case.sides.filter(side_id=side_id, completed_at__isnull=True).first()
    if side is not None:
        supervision.report_completion(case, side, user=user, note=text, attachments=attachments, check=False)


def file_progress(
    matter: Matter,
    *,
    user,
    side_id: int,
    period: str,
    text: str,
    percent_complete: int,
    organisation: Organisation | None = None,
    files=(),
    reported_on: dt.date | None = None,
) -> ProgressReport:
    """One side reports progress; the matter's percent, light and search text follow."""
    period, text = plain(period), plain(text)
    with transaction.atomic():
        lock(matter)  # the matter first, then its parts: the lock order every matter service keeps
        if matter.status in CLOSED_STATUSES:
            raise ValidationError(_("A closed matter takes no more reports."))
        if not matter.sides.filter(region_id=side_id).exists():
            raise ValidationError(_("This side takes no part in the matter."))
        if organisation is None:
            own = [
                m.organisation
                for m in memberships(user)
                if m.partnership_id == matter.partnership_id and m.organisation_id
            ]
            organisation = next((o for o in own if _side_id(o, matter.partnership) == side_id), None)
        elif _side_id(organisation, matter.partnership) != side_id:
            raise ValidationError({"organisation": _("The reporting unit does not belong to the side it reports for.")})
        report = ProgressReport(
            matter=matter,
            side_id=side_id,
            organisation=organisation,
            author=user,
            period=period,
            text=text,
            percent_complete=percent_complete,
            reported_on=reported_on or timezone.localdate(),
            search_document=search.document(period, text),
        )
        report.full_clean()
        report.save()
        require(user, Action.REPORT, report)  # the reporter must speak for the side or unit it reports for
        kept = [attach(report, upload, user=user, partnership_id=matter.partnership_id) for upload in files]
        refresh_derived(matter)
        if percent_complete >= 100:
            _report_side_done(matter, side_id, user=user, text=text, attachments=kept)
        changed = []
        if matter.status == MatterStatus.APPROVED:
            # The first report starts the work: a change of the matter's state, so its version moves.
            matter.status, matter.version = MatterStatus.IN_PROGRESS, matter.version + 1
            changed += ["status", "version"]
        if matter.percent_complete >= 100 and matter.completion_requested_at is None:
            matter.completion_requested_at = timezone.now()
            changed.append("completion_requested_at")
            log_event("matter.completion_reported", matter, data={"report": report.pk})
        if changed:
            save_fields(matter, changed)
        log_event("matter.progress_reported", matter, data={"report": report.pk, "percent": percent_complete})
    return report


def roll_over(
    matter: Matter, *, to_year: int, user, reason: str, code: str | None = None, entered_on: dt.date | None = None
) -> Matter:
    """Move an unfinished matter into the next year's list, keeping its identity and history."""
    reason = plain(reason)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the matter rolls over.")})
    with transaction.atomic():
        require(user, Action.CHANGE, matter)
        lock(matter)
        if matter.status in CLOSED_STATUSES:
            raise ValidationError(_("A completed or cancelled matter does not roll over."))
        if to_year <= matter.year_list.year:
            raise ValidationError(_("A matter rolls over into a later year's list."))
        target = get_or_create_list(matter.partnership, to_year)
        code = code or next_code(target)
        if target.matters.filter(code=code).exists():
            raise ValidationError(
                _("The code %(code)s is already used in the %(year)s list.") % {"code": code, "year": to_year}
            )
        for entry in ListEntry.objects.filter(matter=matter, year_list=matter.year_list):
            entry.outcome = ListEntry.Outcome.ROLLED_OVER
            save_fields(entry, ["outcome"])
        ListEntry.objects.create(
            matter=matter,
            year_list=target,
            code=code,
            entered_on=_not_future(entered_on, "entered_on"),
            reason=reason,
        )
        previous = f"{matter.year_list.year} {matter.code}"
        matter.year_list = target
        matter.year = target.year
        matter.code = code
        matter.version += 1
        save_fields(matter, ["year_list", "year", "code", "version"])
        # Its sides and milestones keep the matter's list beside them (models.MatterSide.year_list).
        update_rows(matter.sides.all(), year_list=target)
        update_rows(matter.milestones.all(), year_list=target)
        log_event("matter.rolled_over", matter, message=reason, data={"from": previous, "to": f"{to_year} {code}"})
    return matter


def roll_over_list(year_list: MatterList, *, to_year: int, user, reason: str) -> list[Matter]:
    """Year end: every unfinished matter of the list moves on, all or nothing."""
    with transaction.atomic():
        moved = [
            roll_over(m, to_year=to_year, user=user, reason=reason)
            for m in year_list.matters.filter(archived_at__isnull=True).exclude(status__in=CLOSED_STATUSES)
        ]
    return moved


def coming_year(today: dt.date | None = None) -> int:
    """The year matters roll over into at year end: next year from October (the office prepares the coming list in
    the fourth quarter), else this year (a roll-over made in the new year, before its list was filled)."""
    today = today or timezone.localdate()
    return today.year + 1 if today.month >= 10 else today.year


def default_roll_over_year(matter: Matter, today: dt.date | None = None) -> int:
    """Where one matter rolls by default: the coming year, or the year after its list if that is later."""
    return max(coming_year(today), matter.year + 1)


@dataclass
class RollOverLine:
    """One matter of a roll-over preview: where it would go (``code`` in ``to_year``'s list) or why it does not."""

    matter: Matter
    code: str = ""
    refused: str = ""

    @property
    def moves(self) -> bool:
        return not self.refused


def plan_roll_over(matters, *, to_year: int, user) -> list[RollOverLine]:
    """What rolling ``matters`` into ``to_year``'s list would do, writing nothing: for each, its new code (numbered
    on from the target list, in the order of the old codes) or why it is refused."""
    matters = sorted(matters, key=lambda m: (m.year, m.code, m.pk))
    editable = set(
        Matter.objects.restrict(user, Action.CHANGE).filter(pk__in=[m.pk for m in matters]).values_list("pk", flat=True)
    )
    lines = []
    for matter in matters:
        line = RollOverLine(matter)
        if matter.pk not in editable:
            line.refused = _("You may not change this matter.")
        elif matter.archived_at is not None:
            line.refused = _("The matter is archived.")
        elif matter.status in CLOSED_STATUSES:
            line.refused = _("A completed or cancelled matter does not roll over.")
        elif to_year <= matter.year:
            line.refused = _("It is already on the %(year)s list.") % {"year": matter.year}
        lines.append(line)
    movers = [line for line in lines if line.moves]
    if movers:
        partnership = movers[0].matter.partnership
        target = MatterList.objects.filter(partnership=partnership, year=to_year).first()
        on_list = (_entry_codes(target) | set(target.matters.values_list("code", flat=True))) if target else set()
        for line, code in zip(movers, number_codes(to_year, on_list, [""] * len(movers)), strict=True):
            line.code = code
    return lines


def roll_over_matters(matters, *, to_year: int, user, reason: str, expected: set[int] | None = None) -> list[Matter]:
    """Year end in bulk: the chosen matters roll into ``to_year``'s list, all or nothing.

    ``expected`` is what the preview said would move: if the matters changed since (one completed, one rolled by
    someone else), nothing moves and the office previews again."""
    reason = plain(reason or "")
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the matters roll over.")})
    with transaction.atomic():
        matters = list(
            Matter.objects.select_for_update()
            .filter(pk__in=[m.pk for m in matters])
            .select_related("partnership", "year_list")
        )
        lines = plan_roll_over(matters, to_year=to_year, user=user)
        moving = {line.matter.pk for line in lines if line.moves}
        if expected is not None and moving != set(expected):
            raise ValidationError(_("The matters changed since the preview: preview again."))
        if not moving:
            raise ValidationError(_("None of the chosen matters can roll over."))
        return [
            roll_over(line.matter, to_year=to_year, user=user, reason=reason, code=line.code)
            for line in lines
            if line.moves
        ]


def archive_matter(matter: Matter, *, user) -> Matter:
    with transaction.atomic():
        archive(matter, user=user)
        follow_matter(matter)
    return matter


def last_year(partnership: Partnership) -> int | None:
    return partnership.matter_lists.aggregate(y=Max("year"))["y"]


def update_progress_report(report: ProgressReport, *, user, version: int | None, **changes) -> ProgressReport:
    """Correct a filed report: only its own side's coordinator, its unit, or the office may."""
    unknown = set(changes) - {"period", "text", "percent_complete"}
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    changes = _plain_fields(changes)
    with transaction.atomic():
        lock(report.matter)
        if "text" in changes or "period" in changes:
            changes["search_document"] = search.document(
                changes.get("period", report.period), changes.get("text", report.text)
            )
        update_versioned(report, version, changes, user=user, action=Action.REPORT)
        refresh_derived(report.matter)
    return report


def refresh_light_dates(partnership: Partnership, *, batch_size: int = 2000) -> int:
    """Recompute the dates behind the light for every matter of a partnership (after its thresholds changed).

    Only ``watch_from`` and ``lag_date`` depend on the thresholds, so this is a bulk save of two columns, not
    a full refresh of each matter; each matter whose dates move gets its change record (``core.services``).
    Returns how many matters were looked at.
    """
    count = 0
    # Every audited field but the search words: the change records are whole, as a save's are.
    queryset = Matter.objects.filter(partnership=partnership).defer("search_document").order_by("pk")
    for batch in itertools.batched(queryset.iterator(chunk_size=batch_size), batch_size):
        for matter in batch:
            matter.watch_from, matter.lag_date = _light_dates(matter, partnership)
        bulk_save(batch, ["watch_from", "lag_date"])
        count += len(batch)
    return count
