"""Scoring of units 绩效评价: each unit's, side's or field's supervision record for a period, weighted into a score.

The record of a group (a unit, a side or a field) in a period ``start``–``end`` (both inclusive):

* **items**: the supervised items (cases, not cancelled) of the group due in the period or closed in it;
* **on time** = items closed in the period with ``delay_days ≤ 0`` ÷ (items closed in the period + items due in the
  period, still open and already overdue on the cut-off day, which is ``end`` or today if earlier);
* **average delay** = the mean of ``max(delay_days, 0)`` over the items closed in the period, scored
  ``1 − min(delay, cap) ÷ cap`` (``SupervisionPolicy.delay_cap_days``);
* **feedback on time** = 1 − late ÷ owed, where owed is the feedback given in the period plus the feedback missed
  (an open side whose ``next_feedback_on`` fell in the period before the cut-off day), and late is the feedback
  given late (``Feedback.late``) plus the missed;
* **ratings** = the mean of the ratings of the items closed in the period: 优秀 100, 良好 85, 合格 70, 不合格 0, ÷ 100;
* **no red** = 1 − items that reached a red sheet ÷ items.

Score = Σ weightᵢ × componentᵢ ÷ Σ weightᵢ × 100, over the components the record has data for (a unit that closed
nothing in the period is scored on the rest; a unit with no record has no score). The weights are the office's
(``SupervisionPolicy.weight_*``, summing to 100). Each row carries its components and the formula with its figures.

A unit's or side's record is read through ``CaseSide`` (a joint item counts for each owning side and unit); a
field's through ``Case``. Every figure comes from four grouped queries (plus one for the names), whatever the
number of units.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, IntegerField, Q, Sum, Value
from django.db.models import When as DbWhen
from django.db.models.expressions import Case as DbCase
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from twincity.regions.models import Field, Organisation, Region
from twincity.supervision.choices import OPEN_STATES, CaseState, Rating, SheetLevel
from twincity.supervision.models import Case, CaseSide, Feedback, SupervisionPolicy

UNIT, SIDE, FIELD = "unit", "side", "field"
GROUPINGS = {UNIT: gettext_lazy("Per unit"), SIDE: gettext_lazy("Per side"), FIELD: gettext_lazy("Per field")}
RATING_POINTS = {Rating.EXCELLENT: 100, Rating.GOOD: 85, Rating.PASS: 70, Rating.FAIL: 0}
COMPONENTS = ("on_time", "delay", "feedback", "rating", "red")


def component_labels() -> dict[str, str]:
    return {
        "on_time": _("closed on time"),
        "delay": _("average delay"),
        "feedback": _("feedback on time"),
        "rating": _("ratings"),
        "red": _("no red sheets"),
    }


@dataclass
class Row:
    """One group's record and score."""

    key: int
    name: str
    side: str = ""
    items: int = 0
    closed: int = 0
    closed_on_time: int = 0
    overdue_open: int = 0
    delay_sum: int = 0
    rated: int = 0
    rating_sum: int = 0
    red: int = 0
    feedback_given: int = 0
    feedback_late: int = 0
    feedback_missed: int = 0
    components: dict[str, float | None] = field(default_factory=dict)
    score: float | None = None
    formula: str = ""
    rank: int | None = None

    @property
    def average_delay(self) -> float | None:
        return round(self.delay_sum / self.closed, 2) if self.closed else None

    @property
    def on_time_rate(self) -> float | None:
        return self.components.get("on_time")

    @property
    def feedback_owed(self) -> int:
        return self.feedback_given + self.feedback_missed

    def as_dict(self) -> dict:
        return {
            "id": self.key,
            "name": self.name,
            "side": self.side,
            "score": self.score,
            "rank": self.rank,
            "items": self.items,
            "closed": self.closed,
            "closed_on_time": self.closed_on_time,
            "overdue_open": self.overdue_open,
            "average_delay": self.average_delay,
            "rated": self.rated,
            "red": self.red,
            "feedback_given": self.feedback_given,
            "feedback_late": self.feedback_late,
            "feedback_missed": self.feedback_missed,
            "components": self.components,
            "formula": self.formula,
        }


def year_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or timezone.localdate()
    return dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)


def _day_range(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The period as aware datetimes [start 00:00, end+1 00:00), for the ``*_at`` fields."""
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def _rating_points(path: str):
    return DbCase(
        *[DbWhen(**{path: rating}, then=Value(points)) for rating, points in RATING_POINTS.items()],
        default=Value(0),
        output_field=IntegerField(),
    )


def formula_text(policy: SupervisionPolicy) -> str:
    """The formula in words, as shown above the league table."""
    return _(
        "score = (%(on_time)s × closed on time + %(delay)s × (1 − average delay ÷ %(cap)s days) + "
        "%(feedback)s × feedback on time + %(rating)s × rating (优秀 100, 良好 85, 合格 70, 不合格 0) ÷ 100 + "
        "%(red)s × (1 − share of items gone red)) ÷ the weights of the components with data × 100"
    ) % {
        "on_time": policy.weight_on_time,
        "delay": policy.weight_delay,
        "feedback": policy.weight_feedback,
        "rating": policy.weight_rating,
        "red": policy.weight_red,
        "cap": policy.delay_cap_days,
    }


def weights(policy: SupervisionPolicy) -> dict[str, int]:
    return {
        "on_time": policy.weight_on_time,
        "delay": policy.weight_delay,
        "feedback": policy.weight_feedback,
        "rating": policy.weight_rating,
        "red": policy.weight_red,
    }


def score_row(row: Row, policy: SupervisionPolicy) -> Row:
    """Fill in the row's components, score and formula from its counts (pure arithmetic, no query)."""
    cap = max(policy.delay_cap_days, 1)
    judged = row.closed + row.overdue_open
    average_delay = row.delay_sum / row.closed if row.closed else None
    owed = row.feedback_owed
    row.components = {
        "on_time": row.closed_on_time / judged if judged else None,
        "delay": 1 - min(average_delay, cap) / cap if average_delay is not None else None,
        "feedback": 1 - (row.feedback_late + row.feedback_missed) / owed if owed else None,
        "rating": row.rating_sum / row.rated / 100 if row.rated else None,
        "red": 1 - row.red / row.items if row.items else None,
    }
    w = weights(policy)
    used = {name: value for name, value in row.components.items() if value is not None and w[name]}
    total = sum(w[name] for name in used)
    if not total:
        row.score, row.formula = None, _("no record in the period")
        return row
    points = sum(w[name] * value for name, value in used.items())
    row.score = round(points / total * 100, 1)
    terms = " + ".join(f"{w[name]}×{value:.3f}" for name, value in used.items())
    row.formula = f"({terms}) ÷ {total} × 100 = {row.score}"
    return row


def _cut_off(end: dt.date, today: dt.date | None) -> dt.date:
    today = today or timezone.localdate()
    return min(end, today)


def _group_paths(by: str) -> tuple[type, str, str, str]:
    """(model read, its path to the case, the group key on it, the group key on Feedback)."""
    if by == UNIT:
        return CaseSide, "case__", "organisation_id", "organisation_id"
    if by == SIDE:
        return CaseSide, "case__", "side_id", "side_id"
    if by == FIELD:
        return Case, "", "field_id", "case__field_id"
    raise ValueError(by)


def score_table(
    partnership_id: int,
    *,
    start: dt.date,
    end: dt.date,
    by: str = UNIT,
    policy: SupervisionPolicy | None = None,
    today: dt.date | None = None,
    only: set[int] | None = None,
) -> list[Row]:
    """The league table: one scored ``Row`` per group with a record in the period, best first.

    ``only`` keeps the groups named (their keys); the figures do not depend on it."""
    policy = policy or SupervisionPolicy.of(partnership_id)
    model, c, key, feedback_key = _group_paths(by)
    cut_off = _cut_off(end, today)
    since, until = _day_range(start, end)
    closed_in = Q(**{f"{c}state": CaseState.CLOSED, f"{c}closed_at__gte": since, f"{c}closed_at__lt": until})
    due_in = Q(**{f"{c}due_on__gte": start, f"{c}due_on__lte": end})
    base = model.objects.filter(**{f"{c}partnership_id": partnership_id}).exclude(**{f"{c}state": CaseState.CANCELLED})
    base = base.filter(closed_in | due_in)
    if only is not None:
        base = base.filter(**{f"{key}__in": only})
    case_ref = f"{c}pk" if c else "pk"
    delay = DbCase(
        DbWhen(**{f"{c}delay_days__gt": 0}, then=F(f"{c}delay_days")), default=Value(0), output_field=IntegerField()
    )
    figures = (
        base.values(key)
        .annotate(
            items=Count(case_ref, distinct=True),
            closed=Count(case_ref, filter=closed_in, distinct=True),
            closed_on_time=Count(case_ref, filter=closed_in & Q(**{f"{c}delay_days__lte": 0}), distinct=True),
            overdue_open=Count(
                case_ref, filter=due_in & Q(**{f"{c}state__in": OPEN_STATES, f"{c}due_on__lt": cut_off}), distinct=True
            ),
            delay_sum=Sum(delay, filter=closed_in),
            rated=Count(case_ref, filter=closed_in & ~Q(**{f"{c}rating": ""}), distinct=True),
            rating_sum=Sum(_rating_points(f"{c}rating"), filter=closed_in & ~Q(**{f"{c}rating": ""})),
            red=Count(case_ref, filter=Q(**{f"{c}sheet__level": SheetLevel.RED}), distinct=True),
        )
        .order_by()
    )
    rows: dict[int, Row] = {}
    for values in figures:
        if values[key] is None:
            continue
        rows[values[key]] = Row(
            key=values[key],
            name="",
            items=values["items"],
            closed=values["closed"],
            closed_on_time=values["closed_on_time"],
            overdue_open=values["overdue_open"],
            delay_sum=values["delay_sum"] or 0,
            rated=values["rated"],
            rating_sum=values["rating_sum"] or 0,
            red=values["red"],
        )
    feedback = Feedback.objects.filter(case__partnership_id=partnership_id, on__gte=start, on__lte=end).exclude(
        case__state=CaseState.CANCELLED
    )
    if only is not None:
        feedback = feedback.filter(**{f"{feedback_key}__in": only})
    for values in (
        feedback.values(feedback_key).annotate(given=Count("pk"), late=Count("pk", filter=Q(late=True))).order_by()
    ):
        if values[feedback_key] is None:
            continue
        row = rows.setdefault(values[feedback_key], Row(key=values[feedback_key], name=""))
        row.feedback_given, row.feedback_late = values["given"], values["late"]
    missed_key = key if model is CaseSide else "case__field_id"
    missed = CaseSide.objects.filter(
        case__partnership_id=partnership_id,
        case__state=CaseState.OPEN,
        completed_at__isnull=True,
        next_feedback_on__gte=start,
        next_feedback_on__lte=end,
        next_feedback_on__lt=cut_off,
    )
    if only is not None:
        missed = missed.filter(**{f"{missed_key}__in": only})
    for values in missed.values(missed_key).annotate(n=Count("pk")).order_by():
        if values[missed_key] is None:
            continue
        row = rows.setdefault(values[missed_key], Row(key=values[missed_key], name=""))
        row.feedback_missed = values["n"]
    _name(rows, by)
    for row in rows.values():
        score_row(row, policy)
    return rank(list(rows.values()))


def rank(rows: list[Row]) -> list[Row]:
    """Best first (no score last); equal scores share a rank."""
    rows.sort(key=lambda r: (r.score is None, -(r.score or 0), r.name))
    previous, place = None, 0
    for i, row in enumerate(rows, start=1):
        if row.score is None:
            row.rank = None
            continue
        if row.score != previous:
            place, previous = i, row.score
        row.rank = place
    return rows


def _name(rows: dict[int, Row], by: str) -> None:
    if not rows:
        return
    if by == UNIT:
        for unit in Organisation.objects.filter(pk__in=rows).select_related("region"):
            rows[unit.pk].name = unit.display_name
            rows[unit.pk].side = unit.region.label
    elif by == SIDE:
        for region in Region.objects.filter(pk__in=rows):
            rows[region.pk].name = region.label
    else:
        for f in Field.objects.filter(pk__in=rows):
            rows[f.pk].name = f.display_name


def months(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The calendar months overlapping start–end, each clipped to the period."""
    found = []
    first = start.replace(day=1)
    while first <= end:
        following = (first + dt.timedelta(days=32)).replace(day=1)
        found.append((max(first, start), min(following - dt.timedelta(days=1), end)))
        first = following
    return found


def trend(
    partnership_id: int,
    *,
    start: dt.date,
    end: dt.date,
    by: str,
    keys: set[int],
    policy: SupervisionPolicy | None = None,
    today: dt.date | None = None,
) -> dict:
    """The score of the groups ``keys`` per month of the period: ``{"months": [...], "series": {key: [...]}}``.

    A month not yet begun is left out; each month costs the table's queries, whatever the number of units."""
    policy = policy or SupervisionPolicy.of(partnership_id)
    today = today or timezone.localdate()
    labels, series = [], {key: [] for key in keys}
    for first, last in months(start, end):
        if first > today:
            break
        labels.append(first.strftime("%Y-%m"))
        scored = {
            r.key: r.score
            for r in score_table(
                partnership_id, start=first, end=last, by=by, policy=policy, today=today, only=set(keys)
            )
        }
        for key in keys:
            series[key].append(scored.get(key))
    return {"months": labels, "series": series}


def unit_cases(partnership_id: int, unit_id: int, *, start: dt.date, end: dt.date):
    """The cases behind a unit's record in the period, with what each contributed."""
    since, until = _day_range(start, end)
    closed_in = Q(state=CaseState.CLOSED, closed_at__gte=since, closed_at__lt=until)
    due_in = Q(due_on__gte=start, due_on__lte=end)
    return (
        Case.objects.filter(partnership_id=partnership_id, sides__organisation_id=unit_id)
        .exclude(state=CaseState.CANCELLED)
        .filter(closed_in | due_in)
        .select_related("sheet", "field")
        .distinct()
        .order_by("due_on", "pk")
    )
