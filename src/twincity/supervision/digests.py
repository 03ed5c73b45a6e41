"""Digests and briefings 督办周报 / 月度简报, generated from the live state of supervision.

* The **weekly digest** of a side, for its coordinators: for the week before the digest's day, what turned red and
  what closed; what is due in the seven days from that day; the sheets open; the feedback overdue (sides that owe
  feedback since before the day) and the feedback given late in the week.
* The **monthly briefing** of the whole partnership, for the leaders (and the office): the same for the month,
  the league table's top and bottom three (scored from 1 January to the month's end) and the open sheets by colour.

Each is a page, a PDF (WeasyPrint, CJK) and a notice (``notifications.services.announce`` with the PDF linked).
``send_weekly(on)`` / ``send_monthly(on)`` (the ``send_briefings`` command) send them, keyed by partnership, side
and week or month, so that running them again sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from twincity.accounts.access import Part, members_who
from twincity.notifications.services import announce
from twincity.regions.models import Partnership, Region
from twincity.supervision import scoring
from twincity.supervision.choices import LEVEL_ORDER, OPEN_STATES, CaseState, Notice, SheetLevel
from twincity.supervision.models import Case, CaseSide, Feedback, Sheet

WEEKLY, MONTHLY = "weekly", "monthly"
DOCUMENT_LANGUAGE = "zh-hans"
LEVELS = (SheetLevel.RED, SheetLevel.YELLOW, SheetLevel.BLUE)


@dataclass
class Digest:
    kind: str
    partnership: Partnership
    side: Region | None
    start: dt.date  # the period looked back on, inclusive
    end: dt.date
    due_until: dt.date  # what is due from end + 1 to this day
    turned_red: list = field(default_factory=list)
    closed: list = field(default_factory=list)
    due_soon: list = field(default_factory=list)
    sheets_open: list = field(default_factory=list)
    by_colour: dict = field(default_factory=dict)
    feedback_overdue: list = field(default_factory=list)
    feedback_late_given: int = 0
    top: list = field(default_factory=list)
    bottom: list = field(default_factory=list)

    @property
    def title(self) -> str:
        if self.kind == WEEKLY:
            return _("Weekly supervision digest of %(side)s, %(start)s – %(end)s") % {
                "side": self.side.label if self.side else "",
                "start": self.start.isoformat(),
                "end": self.end.isoformat(),
            }
        return _("Monthly supervision briefing, %(month)s") % {"month": self.start.strftime("%Y-%m")}

    @property
    def key(self) -> str:
        """The notice's idempotency key: one digest per partnership, side and week; one briefing per month."""
        if self.kind == WEEKLY:
            year, week, _day = (self.end + dt.timedelta(days=1)).isocalendar()
            return f"weekly_digest:{self.partnership.pk}:{self.side.pk}:{year}-W{week:02d}"
        return f"monthly_briefing:{self.partnership.pk}:{self.start.strftime('%Y-%m')}"

    def counts(self) -> dict:
        return {
            "turned_red": len(self.turned_red),
            "closed": len(self.closed),
            "due_soon": len(self.due_soon),
            "sheets_open": len(self.sheets_open),
            "feedback_overdue": len(self.feedback_overdue),
            "feedback_late_given": self.feedback_late_given,
        }


def sheet_link(sheet: Sheet) -> str:
    """The sheet's own page (``supervision:sheet_detail``), or "" where that page is not installed."""
    try:
        return sheet.get_absolute_url()
    except NoReverseMatch:
        return ""


def _aware(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def _on_side(queryset, side_id: int | None, path: str):
    if side_id is None:
        return queryset
    return queryset.filter(pk__in=CaseSide.objects.filter(side_id=side_id).values(path))


def build(kind: str, partnership: Partnership, *, start: dt.date, end: dt.date, due_until: dt.date, side=None):
    """The digest of ``partnership`` (of one side when ``side``) from the live state: see the module docstring."""
    d = Digest(kind=kind, partnership=partnership, side=side, start=start, end=end, due_until=due_until)
    side_id = side.pk if side else None
    since, until = _aware(start), _aware(end + dt.timedelta(days=1))
    sheets = _on_side(Sheet.objects.filter(partnership=partnership), side_id, "case__sheet")
    d.turned_red = list(
        sheets.filter(level=SheetLevel.RED, raised_at__gte=since, raised_at__lt=until)
        .select_related("case")
        .order_by("raised_at", "pk")
    )
    cases = _on_side(Case.objects.filter(partnership=partnership), side_id, "case")
    d.closed = list(
        cases.filter(state=CaseState.CLOSED, closed_at__gte=since, closed_at__lt=until).order_by("closed_at", "pk")
    )
    d.due_soon = list(
        cases.filter(state__in=OPEN_STATES, due_on__gt=end, due_on__lte=due_until).order_by("due_on", "pk")
    )
    d.sheets_open = sorted(
        sheets.filter(closed_at__isnull=True).select_related("case"),
        key=lambda s: (-LEVEL_ORDER[s.level], s.year, s.number),
    )
    counted = {
        row["level"]: row["n"]
        for row in sheets.filter(closed_at__isnull=True).values("level").annotate(n=Count("pk")).order_by()
    }
    d.by_colour = {level: counted.get(level, 0) for level in LEVELS}
    overdue = CaseSide.objects.filter(
        case__partnership=partnership,
        case__state=CaseState.OPEN,
        completed_at__isnull=True,
        next_feedback_on__lte=end,
    )
    if side_id is not None:
        overdue = overdue.filter(side_id=side_id)
    d.feedback_overdue = list(overdue.select_related("case", "side", "organisation").order_by("next_feedback_on", "pk"))
    late = Feedback.objects.filter(case__partnership=partnership, on__gte=start, on__lte=end, late=True)
    if side_id is not None:
        late = late.filter(side_id=side_id)
    d.feedback_late_given = late.count()
    if kind == MONTHLY:
        rows = [
            r
            for r in scoring.score_table(partnership.pk, start=dt.date(end.year, 1, 1), end=end, today=end)
            if r.score is not None
        ]
        d.top = rows[:3]
        d.bottom = list(reversed(rows[3:]))[:3] if len(rows) > 3 else []
    return d


def weekly(partnership: Partnership, side: Region, on: dt.date) -> Digest:
    """The digest a side's coordinators get on ``on``: the week before it, and the week from it."""
    return build(
        WEEKLY,
        partnership,
        side=side,
        start=on - dt.timedelta(days=7),
        end=on - dt.timedelta(days=1),
        due_until=on + dt.timedelta(days=6),
    )


def month_bounds(any_day: dt.date) -> tuple[dt.date, dt.date]:
    first = any_day.replace(day=1)
    return first, (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def monthly(partnership: Partnership, month: dt.date) -> Digest:
    """The leaders' briefing of the month of ``month``; what is due is the next month's."""
    first, last = month_bounds(month)
    _next_first, next_last = month_bounds(last + dt.timedelta(days=1))
    return build(MONTHLY, partnership, start=first, end=last, due_until=next_last)


def chart(d: Digest) -> dict:
    """The open sheets by colour, as an ECharts option."""
    colours = {SheetLevel.RED: "#c0392b", SheetLevel.YELLOW: "#f1c40f", SheetLevel.BLUE: "#2e86de"}
    names = dict(SheetLevel.choices)
    return {
        "tooltip": {},
        "grid": {"left": 40, "right": 10, "top": 10, "bottom": 30},
        "xAxis": {"type": "category", "data": [str(names[level]) for level in LEVELS]},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {
                "type": "bar",
                "data": [{"value": d.by_colour[level], "itemStyle": {"color": colours[level]}} for level in LEVELS],
            }
        ],
    }


def context(d: Digest) -> dict:
    return {
        "digest": d,
        "red_links": [(s, sheet_link(s), s.case.url) for s in d.turned_red],
        "open_links": [(s, sheet_link(s), s.case.url) for s in d.sheets_open],
        "colour_counts": [(SheetLevel(level).label, n, level) for level, n in d.by_colour.items()],
        "labels": scoring.component_labels(),
    }


def as_json(d: Digest) -> dict:
    """The digest as data (the API)."""

    def case(c):
        return {"id": c.pk, "code": c.code, "title": c.title, "url": c.url, "due_on": c.due_on.isoformat()}

    def sheet(s):
        return {
            "id": s.pk,
            "number": s.display_number,
            "level": s.level,
            "url": sheet_link(s),
            "item": case(s.case),
        }

    return {
        "kind": d.kind,
        "partnership": d.partnership.pk,
        "side": d.side.pk if d.side else None,
        "start": d.start.isoformat(),
        "end": d.end.isoformat(),
        "due_until": d.due_until.isoformat(),
        "counts": d.counts(),
        "by_colour": {str(k): v for k, v in d.by_colour.items()},
        "turned_red": [sheet(s) for s in d.turned_red],
        "closed": [case(c) for c in d.closed],
        "due_soon": [case(c) for c in d.due_soon],
        "sheets_open": [sheet(s) for s in d.sheets_open],
        "feedback_overdue": [
            {
                "item": case(cs.case),
                "side": cs.side_id,
                "unit": cs.organisation_id,
                "due_on": cs.next_feedback_on.isoformat(),
            }
            for cs in d.feedback_overdue
        ],
        "top": [r.as_dict() for r in d.top],
        "bottom": [r.as_dict() for r in d.bottom],
    }


def html_to_pdf(html: str) -> bytes:
    # The same call as meetings' documents (supervision may not import meetings): data: URLs only, no fetching.
    from weasyprint import HTML  # noqa: PLC0415 - WeasyPrint and its fonts load only when a PDF is made
    from weasyprint.urls import URLFetcher  # noqa: PLC0415 - WeasyPrint and its fonts load only when a PDF is made

    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf()


def render_pdf(d: Digest, *, base_url: str = "") -> bytes:
    """The digest as an official-style document (masthead, number, sections), in Chinese."""
    with override(DOCUMENT_LANGUAGE):
        html = render_to_string(
            "supervision/briefing_pdf.html",
            {**context(d), "base_url": base_url, "generated": timezone.localtime(), "lang_attr": "zh-CN"},
        )
    return html_to_pdf(html)


def pdf_url(d: Digest) -> str:
    if d.kind == WEEKLY:
        query = f"partnership={d.partnership.pk}&side={d.side.pk}&date={(d.end + dt.timedelta(days=1)).isoformat()}"
        return f"{reverse('supervision:digest_pdf')}?{query}"
    return f"{reverse('supervision:briefing_pdf')}?partnership={d.partnership.pk}&month={d.start.strftime('%Y-%m')}"


def _body(d: Digest) -> str:
    c = d.counts()
    lines = [
        _("Turned red: %(n)s") % {"n": c["turned_red"]},
        _("Closed: %(n)s") % {"n": c["closed"]},
        _("Due soon: %(n)s") % {"n": c["due_soon"]},
        _("Sheets open: %(n)s") % {"n": c["sheets_open"]},
        _("Feedback overdue: %(n)s") % {"n": c["feedback_overdue"]},
    ]
    lines += [f"{s.display_number} {s.case.title}" for s in d.turned_red[:10]]
    return "\n".join(lines)


def send(d: Digest, recipients) -> int:
    """Announce the digest to ``recipients`` (once per key: a second run tells nobody again)."""
    kind = Notice.WEEKLY_DIGEST if d.kind == WEEKLY else Notice.MONTHLY_BRIEFING
    with transaction.atomic(), override(DOCUMENT_LANGUAGE):
        return announce(
            kind,
            recipients=recipients,
            subject=d.title,
            body=_body(d),
            url=pdf_url(d),
            partnership_id=d.partnership.pk,
            key=d.key,
        )


def _partnerships():
    return Partnership.objects.filter(archived_at__isnull=True).order_by("pk")


def send_weekly(on: dt.date) -> int:
    """Each side's coordinators get their side's digest of the week before ``on``."""
    told = 0
    for partnership in _partnerships():
        for side in partnership.sides():
            users = [m.user for m in members_who(partnership.pk, Part.COORDINATES_SIDES, among=[side.pk])]
            if users:
                told += send(weekly(partnership, side, on), users)
    return told


def send_monthly(on: dt.date) -> int:
    """The leaders and the office get the briefing of the last whole month before ``on``."""
    told = 0
    month = on.replace(day=1) - dt.timedelta(days=1)
    for partnership in _partnerships():
        users = [m.user for m in members_who(partnership.pk, Part.DECIDES)]
        users += [m.user for m in members_who(partnership.pk, Part.RUNS_OFFICE)]
        if users:
            told += send(monthly(partnership, month), users)
    return told
