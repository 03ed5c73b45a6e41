"""The daily supervision run 督办巡查: colours every open case, issues, raises, escalates and closes sheets 督办单,
and reminds the owning units before each due sign-off and feedback.

Set-based and batched: open cases are read in primary-key order, ``batch_size`` at a time; each batch is one
transaction (the partnerships of the batch locked first, in id order: the lock order every step keeps), with a
handful of queries whatever its size (the cases, their sides, their sheets, the numbers, the addressees, the
notices sent before) and bulk writes. Every notice has a key naming its event, so a rerun on the same day sends
nothing twice, and a run interrupted half-way and rerun sends exactly what the rolled-back batch had not.

The rules (``SupervisionPolicy`` holds the thresholds):

* **red** once overdue: today is after ``due_on`` and not every side has reported completion;
* **yellow** when a side's feedback is ``yellow_late_days`` or more late, or a side has not signed off by its
  ``signoff_due_on``;
* **blue** when the case is due within ``blue_days``.

A case's first colour issues its sheet (``督〔2026〕N号``, numbered per partnership and year); a higher colour
raises it (never lowered); ``escalate_coordinator_days`` at the same colour without movement (a sign-off, a
feedback, a report of completion) addresses it to the owners' coordinators too, ``escalate_leader_days`` to the
leaders. ``Case.level`` is the sheet's colour. A sheet closes with its case (``close_sheet``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db import connection, transaction
from django.db.models import Max
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from twincity.accounts.access import Part, members_who
from twincity.audit.services import log_event, log_events
from twincity.core.services import bulk_create, bulk_save
from twincity.notifications.models import ReminderLog
from twincity.notifications.services import Message, announce_digests
from twincity.regions.models import Partnership, Region
from twincity.supervision.choices import (
    LEVEL_ORDER,
    OPEN_STATES,
    CaseState,
    Escalation,
    Event,
    Notice,
    SheetLevel,
    SheetStepKind,
)
from twincity.supervision.models import Case, CaseSide, Sheet, SheetStep, SupervisionPolicy

BATCH_SIZE = 2000
ESCALATION_ORDER = {Escalation.OWNER: 0, Escalation.COORDINATOR: 1, Escalation.LEADER: 2}


@dataclass
class Report:
    """What a run did: counts by step, and the notices written (people told, one message each)."""

    today: dt.date
    cases: int = 0
    batches: int = 0
    issued: int = 0
    raised: int = 0
    escalated: int = 0
    closed: int = 0
    reminders: int = 0  # sign-off and feedback reminders written
    notices: int = 0  # sheet notices written
    by_kind: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def messages(self) -> int:
        return self.reminders + self.notices

    def as_dict(self) -> dict:
        return {
            "today": self.today.isoformat(),
            "cases": self.cases,
            "batches": self.batches,
            "issued": self.issued,
            "raised": self.raised,
            "escalated": self.escalated,
            "closed": self.closed,
            "reminders": self.reminders,
            "notices": self.notices,
            "by_kind": dict(self.by_kind),
        }


def _now_for(today: dt.date | None) -> tuple[dt.date, dt.datetime]:
    now = timezone.now()
    if today is None:
        return timezone.localdate(now), now
    return today, timezone.make_aware(dt.datetime.combine(today, timezone.localtime(now).time()))


def level_of(case: dict, sides: list[dict], policy: SupervisionPolicy, today: dt.date) -> tuple[str, str]:
    """The colour a case has today by the rules (``""`` for none) and the reason, in words."""
    if case["state"] != CaseState.OPEN:  # completed by every side: waits for the office, nothing is late
        return "", ""
    if today > case["due_on"]:
        return SheetLevel.RED, _("Overdue by %(days)d days (due %(due)s).") % {
            "days": (today - case["due_on"]).days,
            "due": case["due_on"].isoformat(),
        }
    reasons = []
    for side in sides:
        if side["completed_at"] is not None:
            continue
        if side["signed_at"] is None and today > side["signoff_due_on"]:
            reasons.append(
                _("%(side)s has not signed off (due %(due)s).")
                % {"side": side["name"], "due": side["signoff_due_on"].isoformat()}
            )
        due = side["next_feedback_on"]
        if due is not None and (today - due).days >= policy.yellow_late_days:
            reasons.append(
                _("%(side)s is %(days)d days late with feedback (due %(due)s).")
                % {"side": side["name"], "days": (today - due).days, "due": due.isoformat()}
            )
    if reasons:
        return SheetLevel.YELLOW, " ".join(reasons)
    if (case["due_on"] - today).days <= policy.blue_days:
        return SheetLevel.BLUE, _("Due in %(days)d days (%(due)s).") % {
            "days": (case["due_on"] - today).days,
            "due": case["due_on"].isoformat(),
        }
    return "", ""


def _last_movement(sides: list[dict]) -> dt.date | None:
    days = []
    for side in sides:
        if side["last_feedback_on"]:
            days.append(side["last_feedback_on"])
        days.extend(timezone.localdate(s) for s in (side["signed_at"], side["completed_at"]) if s is not None)
    return max(days) if days else None


class _Addressees:
    """The people a batch's notices go to, read once per batch: three queries per partnership."""

    def __init__(self, partnership_id: int, organisation_ids, side_ids):
        self.units: dict[int, list] = defaultdict(list)
        self.coordinators: dict[int, list] = defaultdict(list)
        for m in members_who(partnership_id, Part.SPEAKS_FOR_UNITS, among=sorted(organisation_ids)):
            self.units[m.organisation_id].append(m.user)
        for m in members_who(partnership_id, Part.COORDINATES_SIDES, among=sorted(side_ids)):
            self.coordinators[m.region_id].append(m.user)
        self.leaders = [m.user for m in members_who(partnership_id, Part.DECIDES)]

    def owners(self, side: dict) -> list:
        """The owning unit's contacts; a side without a unit named (or without a contact): its coordinators."""
        found = self.units.get(side["organisation_id"], []) if side["organisation_id"] else []
        return found or self.coordinators.get(side["side_id"], [])

    def of_sheet(self, sides: list[dict], escalation: str) -> list:
        people = []
        for side in sides:
            people += self.owners(side)
            if ESCALATION_ORDER[escalation] >= 1:
                people += self.coordinators.get(side["side_id"], [])
        if escalation == Escalation.LEADER:
            people += self.leaders
        return list({u.pk: u for u in people}.values())


def _lock_partnerships(ids) -> None:
    no_key = connection.features.has_select_for_no_key_update
    list(Partnership.objects.select_for_update(no_key=no_key).filter(pk__in=sorted(ids)).order_by("pk").values("pk"))


def supervise(
    today: dt.date | None = None,
    *,
    batch_size: int = BATCH_SIZE,
    partnership=None,
    after_batch: Callable[[int], None] | None = None,
) -> Report:
    """Run the day's supervision over every open case (of one partnership, if given). Safe to rerun.

    ``after_batch(n)`` is called inside each batch's transaction after its writes (a test raises there to
    interrupt a run half-way)."""
    today, now = _now_for(today)
    report = Report(today=today)
    partnership_id = getattr(partnership, "pk", partnership)
    policies: dict[int, SupervisionPolicy] = {}
    names: dict[int, str] = {}

    cases = Case.objects.filter(state__in=OPEN_STATES)
    if partnership_id:
        cases = cases.filter(partnership_id=partnership_id)
    reminders: list[tuple] = []
    last = 0
    while True:
        heads = list(cases.filter(pk__gt=last).order_by("pk").values_list("pk", "partnership_id")[:batch_size])
        if not heads:
            break
        last = heads[-1][0]
        with transaction.atomic():
            _lock_partnerships({p for _, p in heads})
            _batch([pk for pk, _ in heads], today, now, report, policies, names, reminders)
            report.batches += 1
            if after_batch is not None:
                after_batch(report.batches)
    _close_finished(now, report, partnership_id, batch_size)
    _tell(today, now, report, partnership_id, reminders)
    return report


def _batch(ids, today, now, report, policies, names, reminders) -> None:
    # Plain rows, not model instances (most cases of a day change nothing); a case whose colour changes is
    # loaded as an instance for its change record, in one query at the end.
    batch = [
        SimpleNamespace(**row)
        for row in Case.objects.filter(pk__in=ids, state__in=OPEN_STATES)
        .order_by("pk")
        .values("pk", "partnership_id", "state", "due_on", "level", "code", "title", "url")
    ]
    report.cases += len(batch)
    side_rows = list(
        CaseSide.objects.filter(case_id__in=ids)
        .order_by("case_id", "pk")
        .values(
            "pk",
            "case_id",
            "side_id",
            "organisation_id",
            "signoff_due_on",
            "signed_at",
            "next_feedback_on",
            "last_feedback_on",
            "completed_at",
        )
    )
    missing = {r["side_id"] for r in side_rows} - names.keys()
    if missing:
        names.update(Region.objects.filter(pk__in=missing).values_list("pk", "name"))
    sides_of: dict[int, list[dict]] = defaultdict(list)
    for row in side_rows:
        row["name"] = names.get(row["side_id"], "")
        sides_of[row["case_id"]].append(row)
    sheets = {s.case_id: s for s in Sheet.objects.filter(case_id__in=ids)}
    for p in {c.partnership_id for c in batch} - policies.keys():
        policies[p] = SupervisionPolicy.of(p)

    by_partnership: dict[int, list[Case]] = defaultdict(list)
    for case in batch:
        by_partnership[case.partnership_id].append(case)

    new_sheets, changed_sheets, steps = [], [], []
    changed_cases: dict[int, str] = {}  # case → its new colour
    for p, group in by_partnership.items():
        policy = policies[p]
        numbers: dict[int, int] = {}
        for case in group:
            sides = sides_of[case.pk]
            values = {"state": case.state, "due_on": case.due_on}
            level, reason = level_of(values, sides, policy, today)
            sheet = sheets.get(case.pk)
            # reminders before each due sign-off and feedback, to the owning unit
            if case.state == CaseState.OPEN:
                for side in sides:
                    if side["completed_at"] is not None:
                        continue
                    due = side["signoff_due_on"]
                    if side["signed_at"] is None and 0 <= (due - today).days <= policy.remind_before_days:
                        reminders.append((Notice.SIGNOFF_DUE, case, side, due))  # told at the end of the run
                    due = side["next_feedback_on"]
                    if due is not None and 0 <= (due - today).days <= policy.remind_before_days:
                        reminders.append((Notice.FEEDBACK_DUE, case, side, due))
            if sheet is None:
                if not level:
                    continue
                year = today.year
                if year not in numbers:
                    numbers[year] = (
                        Sheet.objects.filter(partnership_id=p, year=year).aggregate(n=Max("number"))["n"] or 0
                    )
                numbers[year] += 1
                sheet = Sheet(
                    partnership_id=p,
                    case_id=case.pk,
                    year=year,
                    number=numbers[year],
                    level=level,
                    escalation=Escalation.OWNER,
                    reason=reason,
                    issued_at=now,
                    raised_at=now,
                )
                new_sheets.append(sheet)
                steps.append((sheet, SheetStepKind.ISSUED, reason))
                report.issued += 1
            else:
                moved = False
                if level and LEVEL_ORDER[level] > LEVEL_ORDER[sheet.level]:
                    sheet.level, sheet.reason, sheet.raised_at = level, reason, now
                    steps.append((sheet, SheetStepKind.RAISED, reason))
                    report.raised += 1
                    moved = True
                else:
                    since = timezone.localdate(sheet.raised_at)
                    movement = _last_movement(sides)
                    if movement and movement > since:
                        since = movement
                    idle = (today - since).days
                    target = sheet.escalation
                    if idle >= policy.escalate_leader_days:
                        target = Escalation.LEADER
                    elif idle >= policy.escalate_coordinator_days and sheet.escalation == Escalation.OWNER:
                        target = Escalation.COORDINATOR
                    if ESCALATION_ORDER[target] > ESCALATION_ORDER[sheet.escalation]:
                        note = _("No movement for %(days)d days.") % {"days": idle}
                        sheet.escalation, sheet.escalated_at = target, now
                        steps.append((sheet, SheetStepKind.ESCALATED, note))
                        report.escalated += 1
                        moved = True
                if moved:
                    sheet.version += 1
                    changed_sheets.append(sheet)
            if case.level != sheet.level:
                changed_cases[case.pk] = sheet.level

    bulk_create(new_sheets)
    bulk_save(changed_sheets, ["level", "reason", "raised_at", "escalation", "escalated_at", "version"])
    _save_levels(changed_cases)
    bulk_create(
        [
            SheetStep(sheet=sheet, kind=kind, level=sheet.level, escalation=sheet.escalation, at=now, note=note)
            for sheet, kind, note in steps
        ]
    )
    for verb, kind in (
        (Event.SHEET_ISSUED, SheetStepKind.ISSUED),
        (Event.SHEET_RAISED, SheetStepKind.RAISED),
        (Event.SHEET_ESCALATED, SheetStepKind.ESCALATED),
    ):
        log_events(verb, [s for s, k, _note in steps if k == kind])


def _save_levels(levels: dict[int, str]) -> None:
    """``Case.level`` of many cases (id → colour) with the trail ``bulk_save`` leaves (a change record for each,
    the partnership's change stamp moved); a single field taking few values is written one UPDATE per colour."""
    if not levels:
        return
    # Only what the change record and the stamp need: a whole case's snapshot, twice, for 40,000 cases was most of
    # a first run's time (docs/benchmarks.md).
    fields = ("id", "partnership_id", "code", "title", "level", "version", "last_updated")
    cases = list(Case.objects.filter(pk__in=list(levels)).only(*fields))
    for case in cases:
        case.level = levels[case.pk]
    bulk_save(cases, ["level"])


# ------------------------------------------------------------------------------------------------ who is told

STEP_NOTICE = {
    SheetStepKind.ISSUED: Notice.SHEET_ISSUED,
    SheetStepKind.RAISED: Notice.SHEET_RAISED,
    SheetStepKind.ESCALATED: Notice.SHEET_ESCALATED,
}
LOOK_BACK_DAYS = 1  # steps of today and yesterday not told yet are told (a run interrupted, rerun after midnight)
CHUNK = 1000  # ids or keys per query: SQLite's limit on parameters, PostgreSQL's plans
DIGEST_LINES = 50  # items listed in one notice; the link leads to all of them


def _item_key(kind: str, step: dict) -> str:
    """The key of one item told (the notice of one sheet step, as one message per sheet had it before)."""
    suffix = {Notice.SHEET_RAISED: f":{step['level']}", Notice.SHEET_ESCALATED: f":{step['escalation']}"}
    return f"{kind}:sheet:{step['sheet_id']}{suffix.get(kind, '')}"


def _sent_before(keys) -> set[str]:
    keys = list(keys)
    sent: set[str] = set()
    for start in range(0, len(keys), CHUNK):
        sent.update(ReminderLog.objects.filter(key__in=keys[start : start + CHUNK]).values_list("key", flat=True))
    return sent


def _tell(today, now, report, partnership_id, reminders) -> None:
    """Tell everyone what the run found for them: **one notice per person, kind and partnership per run**, listing
    their items, not one per sheet (a unit with forty sheets on a morning gets one message, not forty).

    What to tell is read back, so that a run interrupted after some batches committed tells, when rerun, exactly
    what nobody was told yet: the sheet steps (issued, raised, escalated) of today and yesterday whose item key
    (``sheet_issued:sheet:<id>``, ``sheet_raised:sheet:<id>:<colour>``, ``sheet_escalated:sheet:<id>:<to>``) is not
    in the reminder log, and the sign-off and feedback reminders the batches found whose item key
    (``signoff_due:caseside:<id>:<due>``) is not. The item keys are logged with the notices, in one transaction
    under the partnerships' locks: a rerun the same day tells nothing twice."""
    since = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=LOOK_BACK_DAYS), dt.time.min))
    # Plain rows, each table on its own by primary keys: a join planned on statistics taken before the run wrote
    # the day's steps (the table looked empty) ran as a nested loop, 150 s on the benchmark instead of 1.
    steps = list(
        SheetStep.objects.filter(at__gte=since, kind__in=list(STEP_NOTICE))
        .order_by("pk")
        .values("pk", "kind", "level", "escalation", "sheet_id")
    )
    sheets = _rows(Sheet, {s["sheet_id"] for s in steps}, "partnership_id", "case_id", "year", "number")
    cases = _rows(Case, {s["case_id"] for s in sheets.values()}, "code", "title")
    for step in steps:
        sheet = sheets[step["sheet_id"]]
        step.update({f"sheet__{name}": value for name, value in sheet.items()})
        step.update({f"sheet__case__{name}": value for name, value in cases[sheet["case_id"]].items()})
    if partnership_id:
        steps = [s for s in steps if s["sheet__partnership_id"] == partnership_id]
    if not steps and not reminders:
        return
    with transaction.atomic():
        _lock_partnerships({s["sheet__partnership_id"] for s in steps} | {r[1].partnership_id for r in reminders})
        for step in steps:
            step["notice"] = STEP_NOTICE[step["kind"]]
            step["key"] = _item_key(step["notice"], step)
        sent = _sent_before([s["key"] for s in steps] + [_reminder_key(r) for r in reminders])
        steps = [s for s in steps if s["key"] not in sent]
        reminders = [r for r in reminders if _reminder_key(r) not in sent]
        if not steps and not reminders:
            return
        sides_of: dict[int, list[dict]] = defaultdict(list)
        case_ids = sorted({s["sheet__case_id"] for s in steps})
        for start in range(0, len(case_ids), CHUNK):
            for row in CaseSide.objects.filter(case_id__in=case_ids[start : start + CHUNK]).values(
                "case_id", "side_id", "organisation_id"
            ):
                sides_of[row["case_id"]].append(row)
        orgs, regions = defaultdict(set), defaultdict(set)
        for p, sides in [(s["sheet__partnership_id"], sides_of[s["sheet__case_id"]]) for s in steps] + [
            (r[1].partnership_id, [r[2]]) for r in reminders
        ]:
            for side in sides:
                regions[p].add(side["side_id"])
                if side["organisation_id"]:
                    orgs[p].add(side["organisation_id"])
        people = {p: _Addressees(p, orgs[p], regions[p]) for p in regions}

        # (partnership, kind, person) → [(sort key, line, item key)], in the order the items came
        digests: dict[tuple[int, str, int], list] = defaultdict(list)
        users: dict[int, object] = {}
        records: list[Message] = []
        for step in steps:
            p = step["sheet__partnership_id"]
            number = f"督〔{step['sheet__year']}〕{step['sheet__number']}号"  # as Sheet.display_number
            colour = SheetLevel(step["level"]).label
            line = f"{number} · {colour} · {step['sheet__case__code']} {step['sheet__case__title']}"
            if step["notice"] == Notice.SHEET_ESCALATED:
                line += f" → {Escalation(step['escalation']).label}"
            records.append(Message(kind=step["notice"], key=step["key"], subject=line[:300], body="", partnership_id=p))
            for user in people[p].of_sheet(sides_of[step["sheet__case_id"]], step["escalation"]):
                users[user.pk] = user
                digests[(p, step["notice"], user.pk)].append((f"s{step['pk']}", line))
        for reminder in reminders:
            kind, case, side, due = reminder
            p = case.partnership_id
            values = {"code": case.code, "title": case.title, "due": due.isoformat()}
            line = _("%(code)s %(title)s, due %(due)s") % values
            records.append(
                Message(kind=kind, key=_reminder_key(reminder), subject=line[:300], body="", partnership_id=p)
            )
            for user in people[p].owners(side):
                users[user.pk] = user
                digests[(p, kind, user.pk)].append((f"c{side['pk']}", line))

        notices = []
        group: dict[tuple[int, str], dict[str, str]] = defaultdict(dict)  # (partnership, kind) → item → line
        for (p, kind, user_id), items in digests.items():
            notices.append((_digest(kind, p, today, items), users[user_id]))
            group[(p, kind)].update(items)
        # the partnership's group robots: one message per kind listing every item once
        robot_messages = [_digest(kind, p, today, list(items.items())) for (p, kind), items in group.items()]
        counts = announce_digests(notices, records=records, robots=robot_messages)
    for (message, _user), n in zip(notices, counts, strict=True):
        report.by_kind[message.kind] += n
        if message.kind in (Notice.SIGNOFF_DUE, Notice.FEEDBACK_DUE):
            report.reminders += n
        else:
            report.notices += n


def _rows(model, ids, *fields) -> dict[int, dict]:
    """id → the fields of those rows, a thousand ids a query."""
    ids = sorted(ids)
    found = {}
    for start in range(0, len(ids), CHUNK):
        for row in model.objects.filter(pk__in=ids[start : start + CHUNK]).values("pk", *fields):
            found[row.pop("pk")] = row
    return found


def _reminder_key(reminder) -> str:
    kind, _case, side, due = reminder
    return f"{kind}:caseside:{side['pk']}:{due.isoformat()}"


def _digest(kind: str, partnership_id: int, today: dt.date, items: list[tuple[str, str]]) -> Message:
    """One person's notice of ``kind`` for the run: how many items, the first lines, a link to all of them. Its key
    names the kind, the partnership, the day, the person (added by ``announce_digests``) and the first item."""
    count = len(items)
    subjects = {
        Notice.SHEET_ISSUED: _("%(count)d new supervision sheets"),
        Notice.SHEET_RAISED: _("%(count)d supervision sheets raised"),
        Notice.SHEET_ESCALATED: _("%(count)d supervision sheets escalated"),
        Notice.SIGNOFF_DUE: _("%(count)d sign-offs due"),
        Notice.FEEDBACK_DUE: _("%(count)d feedbacks due"),
    }
    subject = subjects[kind] % {"count": count}
    if count == 1:
        subject = f"{subject}: {items[0][1]}"
    lines = [line for _first, line in items[:DIGEST_LINES]]
    if count > DIGEST_LINES:
        lines.append(_("… and %(more)d more.") % {"more": count - DIGEST_LINES})
    first = min(i[0] for i in items)
    url = _register_link() if kind in STEP_NOTICE.values() else _todo_link()
    return Message(
        kind=kind,
        key=f"{kind}:p{partnership_id}:{today.isoformat()}:{first}",
        subject=subject[:300],
        body="\n".join(lines),
        url=url,
        partnership_id=partnership_id,
    )


def _register_link() -> str:
    """The sheet register, open sheets (each person reads only the sheets addressed to them there)."""
    return reverse("supervision:sheet_list") + "?state=open"


def _todo_link() -> str:
    try:
        return reverse("supervision:todos")
    except NoReverseMatch:
        return ""


def _sheet_link(pk: int) -> str:
    """A sheet's address without a ``reverse`` per sheet (thousands a batch): the pattern, reversed once."""
    global _SHEET_LINK
    if _SHEET_LINK is None:
        _SHEET_LINK = reverse("supervision:sheet_detail", args=[987654321])
    return _SHEET_LINK.replace("987654321", str(pk))


_SHEET_LINK: str | None = None


def _case_link(pk: int) -> str:
    try:
        return reverse("supervision:case_detail", args=[pk])
    except NoReverseMatch:  # the case page is the lifecycle's; without it, no link
        return ""


def close_sheet(case: Case, *, at: dt.datetime | None = None) -> Sheet | None:
    """Close the case's sheet (the case was closed or cancelled): the lifecycle services call this inside their
    transaction. Returns the sheet closed, or None if the case has none open."""
    sheet = Sheet.objects.select_for_update().filter(case=case, closed_at__isnull=True).first()
    if sheet is None:
        return None
    at = at or timezone.now()
    sheet.closed_at = at
    sheet.version += 1
    bulk_save([sheet], ["closed_at", "version"])
    note = _("Closed with its item.")
    bulk_create(
        [
            SheetStep(
                sheet=sheet, kind=SheetStepKind.CLOSED, level=sheet.level, escalation=sheet.escalation, at=at, note=note
            )
        ]
    )
    log_event(Event.SHEET_CLOSED, sheet)
    return sheet


def _close_finished(now, report, partnership_id, batch_size) -> None:
    """Close the open sheets whose case is closed or cancelled (the lifecycle missed calling ``close_sheet``)."""
    finished = Sheet.objects.filter(closed_at__isnull=True).exclude(case__state__in=OPEN_STATES)
    if partnership_id:
        finished = finished.filter(partnership_id=partnership_id)
    while True:
        with transaction.atomic():
            heads = list(finished.order_by("pk").values_list("pk", "partnership_id")[:batch_size])
            if not heads:
                return
            _lock_partnerships({p for _, p in heads})
            sheets = list(
                Sheet.objects.select_for_update().filter(pk__in=[pk for pk, _ in heads], closed_at__isnull=True)
            )
            for sheet in sheets:
                sheet.closed_at = now
                sheet.version += 1
            bulk_save(sheets, ["closed_at", "version"])
            note = _("Closed with its item.")
            bulk_create(
                [
                    SheetStep(
                        sheet=s, kind=SheetStepKind.CLOSED, level=s.level, escalation=s.escalation, at=now, note=note
                    )
                    for s in sheets
                ]
            )
            log_events(Event.SHEET_CLOSED, sheets)
            report.closed += len(sheets)
