"""The workspace: the pages that look across the apps — the partnership's dashboard and my work.

The top layer (docs/layers.md): it reads matters, meetings and whatever the registers put into
``core.registry``; nothing imports it but the URL configuration.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.db.models import Avg, Count, F, Q
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from twincity.accounts.access import may_act_in
from twincity.accounts.choices import Action
from twincity.core import registry
from twincity.core.cache import cache_page_for_user, get_or_render, piece_key
from twincity.core.reads import Compiled, together
from twincity.core.views import restricted_object
from twincity.matters.choices import ACTIVE_STATUSES, Light, MatterStatus
from twincity.matters.models import Matter, MatterList, MatterSide, Milestone
from twincity.matters.querysets import light_counts, light_expression, lights_of
from twincity.matters.tables import list_queryset
from twincity.meetings.services import actions_for_my_work
from twincity.regions.models import Field, Partnership, Region
from twincity.supervision.choices import TodoKind
from twincity.supervision.todos import open_for

# What the dashboard's short lists read of a matter (``_rows``), and the names of the statuses they show.
ROW_FIELDS = ("pk", "code", "title", "light", "status", "due_date", "next_milestone_due")
STATUS_LABELS = dict(MatterStatus.choices)
LIGHT_COLOURS = {Light.GREEN: "#1e8e3e", Light.YELLOW: "#e0a100", Light.RED: "#d93025", Light.GREY: "#9aa0a6"}


# ---------------------------------------------------------------------------------------------- dashboard


def _live(partnership: int, year: int):
    return Matter.objects.filter(partnership=partnership, year=year, archived_at__isnull=True)


def _shown_rows(partnership: int, year: int, today: dt.date):
    """The year's live matters as the short lists show them (``_rows``), with their light."""
    return _live(partnership, year).annotate(light=light_expression(today)).values(*ROW_FIELDS)


def _running_rows(partnership: int, year: int, today: dt.date):
    return _shown_rows(partnership, year, today).filter(status__in=ACTIVE_STATUSES)


def _archived(year_list: int):
    return Matter.objects.filter(year_list=year_list, archived_at__isnull=False).values("pk")


# The dashboard's reads, each compiled once per process (``core.reads``): the page is computed afresh after every
# write in the partnership, and compiling its dozen querysets again cost more than the database took to answer them.
# One pass over the year's matters gives the counts by status, field and light. Grouped by the status and the field's
# id, not names, the lights counted by their conditions (``light_counts``), not worked out per matter and grouped by:
# the database hashes narrow rows read from one index alone (``matters.Matter``: ``matter_live_year_figures``); the
# fields' names are read on their own, and the rows put in the fields' order here.
COUNTS = Compiled(
    lambda partnership, year, today: (
        _live(partnership, year).values("status", "field_id").annotate(**light_counts(today)).order_by()
    ),
    partnership=int,
    year=int,
    today=dt.date,
)
FIELDS = Compiled(
    lambda partnership: Field.objects.filter(partnership=partnership).values_list("order", "pk", "name", "name_en"),
    partnership=int,
)
SIDES = Compiled(
    lambda partnership: Partnership.sides_of(partnership).values_list("pk", "name", "name_en", "short_name"),
    partnership=int,
)
# Per side, from the sides and milestones of the year's list alone: each carries its matter's list, so the database
# reads one list's rows from an index instead of joining every year's rows to the matters; those of archived matters
# (a list has few) are left out. The mean of each side's latest percents: only the mean is shown, so no count.
SIDE_PROGRESS = Compiled(
    lambda year_list: (
        MatterSide.objects.filter(year_list=year_list)
        .exclude(matter__in=_archived(year_list))
        .values_list("region")
        .annotate(avg=Avg("percent_complete"))
        .order_by()
    ),
    year_list=int,
)
# Open milestones past their date, the clearest sign of a lagging half.
LATE_STEPS = Compiled(
    lambda year_list, today: (
        Milestone.objects.filter(
            year_list=year_list, archived_at__isnull=True, done_date__isnull=True, due_date__lt=today
        )
        .exclude(matter__in=_archived(year_list))
        .values_list("side")
        .annotate(n=Count("*"))
        .order_by()
    ),
    year_list=int,
    today=dt.date,
)
# Red written as plain conditions (not the CASE), so that the (year, due_date) index of the running ones serves it.
OVERDUE = Compiled(
    lambda partnership, year, today: (
        _running_rows(partnership, year, today)
        .filter(Q(due_date__lt=today) | Q(next_milestone_due__lt=today))
        .order_by("due_date", "code")[:10]
    ),
    partnership=int,
    year=int,
    today=dt.date,
)
# Due soon by either date: read as two lists that each stop after ten from their own index (one read with the OR
# fetched and sorted every match), merged in the same order (no due date last, as on both databases).
BY_DUE = (F("due_date").asc(nulls_last=True), "code")
DUE_SOON = Compiled(
    lambda partnership, year, today, soon: (
        _running_rows(partnership, year, today).filter(due_date__range=(today, soon)).order_by(*BY_DUE)[:10]
    ),
    partnership=int,
    year=int,
    today=dt.date,
    soon=dt.date,
)
STEP_SOON = Compiled(
    lambda partnership, year, today, soon: (
        _running_rows(partnership, year, today)
        .filter(next_milestone_due__range=(today, soon))
        .exclude(due_date__range=(today, soon))
        .order_by(*BY_DUE)[:10]
    ),
    partnership=int,
    year=int,
    today=dt.date,
    soon=dt.date,
)
AWAITING = Compiled(
    lambda partnership, year, today: (
        _shown_rows(partnership, year, today)
        .filter(completion_requested_at__isnull=False)
        .exclude(status=MatterStatus.COMPLETED)[:10]
    ),
    partnership=int,
    year=int,
    today=dt.date,
)


def _figure_reads(partnership_id: int, year: int, year_list_id: int | None, today: dt.date) -> list[tuple]:
    """The reads of the dashboard's figures (``core.reads``: ``(read, values)``), for ``together``."""
    sides = (SIDES, {"partnership": partnership_id})
    if year_list_id is None:  # no list, no matters: nothing to read but the sides
        return [sides]
    key = {"partnership": partnership_id, "year": year, "today": today}
    soon = {**key, "soon": today + dt.timedelta(days=30)}
    in_list = {"year_list": year_list_id}
    return [
        (COUNTS, key),
        (SIDE_PROGRESS, in_list),
        (LATE_STEPS, {**in_list, "today": today}),
        (OVERDUE, key),
        (DUE_SOON, soon),
        (STEP_SOON, soon),
        (AWAITING, key),
        (FIELDS, {"partnership": partnership_id}),
        sides,
    ]


def _dashboard_figures(
    partnership, year: int, year_list_id: int | None, today: dt.date, is_en: bool, link, rows: list | None = None
) -> dict:
    """The dashboard's counts, lists and chart options for one partnership and year (whose list is ``year_list_id``;
    ``None`` when the year has none yet), as plain data, from the rows of ``_figure_reads`` (``rows``, when the caller
    read them with its own; else read here).

    The partnership is one the door let the reader see (the view's ``restricted_object``), and reading a partnership
    is reading every matter of it (``accounts.access.RULES``: every role views the whole partnership; held by
    ``test_dashboard_figures.py``): the figures are the partnership's, the same for every reader. Nine reads whatever
    the number of matters, each of narrow rows, sent together (one round trip on PostgreSQL: ``core.reads.together``):
    the page is computed afresh after every write in the partnership (its cache key carries the change stamp), so this
    is what a reader waits for after each change."""
    if rows is None:
        rows = together(*_figure_reads(partnership.pk, year, year_list_id, today))
    if year_list_id is None:
        counts, side_avg, overdue_steps, overdue, due_soon, awaiting, named = [], [], [], [], [], [], []
        (side_names,) = rows
    else:
        counts, side_avg, overdue_steps, overdue, due, step_due, awaiting, named, side_names = rows
        due_soon = _first_by_due(due, step_due, 10)
    side_avg, overdue_steps = dict(side_avg), dict(overdue_steps)
    by_status: dict[str, int] = {}
    by_light: dict[str, int] = {}
    by_field: dict[int | None, dict[str, int]] = {}
    for row in counts:
        by_status[row["status"]] = by_status.get(row["status"], 0) + row["n"]
        lights = by_field.setdefault(row["field_id"], {})
        for light, n in lights_of(row["status"], row["n"], row["red"], row["warned"]).items():
            by_light[light] = by_light.get(light, 0) + n
            lights[light] = lights.get(light, 0) + n
    # The sides in rotation order, as names only (``Region.label`` asked of unsaved regions holding them).
    sides = [Region(pk=pk, name=name, name_en=name_en, short_name=short) for pk, name, name_en, short in side_names]
    total = sum(by_status.values())
    # A field's figure for a light adds up every status with that light (approved and in progress can both be red;
    # four statuses are grey): the chart once showed only one status's count.
    fields: dict[str, dict[str, int]] = {}
    for field_id, name, name_en in _fields_in_order(by_field, named):
        name = (name_en if is_en and name_en else name) or _("(no field)")
        lights = fields.setdefault(name, {})
        for light, n in by_field[field_id].items():
            lights[light] = lights.get(light, 0) + n
    light_order = [Light.RED, Light.YELLOW, Light.GREEN, Light.GREY]
    progress = {s.pk: round(side_avg.get(s.pk) or 0) for s in sides}
    side_count_max = max(5, *(overdue_steps.get(s.pk, 0) + 1 for s in sides)) if sides else 5
    charts = {
        "chart-light": {
            "tooltip": {"trigger": "item"},
            "legend": {"bottom": 0},
            "series": [
                {
                    "type": "pie",
                    # The ring sits above the legend (which takes the bottom ~30 px): they never overlap.
                    "center": ["50%", "44%"],
                    "radius": ["34%", "56%"],
                    "label": {"formatter": "{c}"},
                    "data": [
                        {
                            "name": str(Light(lt).label),
                            "value": by_light.get(lt, 0),
                            "itemStyle": {"color": LIGHT_COLOURS[lt]},
                        }
                        for lt in light_order
                        if by_light.get(lt)
                    ],
                }
            ],
            "tcLinks": {str(Light(lt).label): link(light=lt) for lt in light_order},
        },
        "chart-status": {
            "tooltip": {"trigger": "axis"},
            "grid": {"left": 8, "right": 40, "top": 10, "bottom": 8, "containLabel": True},
            "xAxis": {"type": "value", "minInterval": 1},
            "yAxis": {"type": "category", "inverse": True, "data": [str(s.label) for s in MatterStatus]},
            "series": [
                {
                    "type": "bar",
                    "data": [by_status.get(s, 0) for s in MatterStatus],
                    "itemStyle": {"color": "#a8242c"},
                    "label": {"show": True, "position": "right"},
                }
            ],
            "tcLinks": {str(s.label): link(status=s.value) for s in MatterStatus},
        },
        "chart-field": {
            "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
            "legend": {"bottom": 0},
            "grid": {"left": 8, "right": 16, "top": 10, "bottom": 36, "containLabel": True},
            "xAxis": {"type": "category", "data": list(fields), "axisLabel": {"interval": 0, "rotate": 30}},
            "yAxis": {"type": "value", "minInterval": 1},
            "series": [
                {
                    "name": str(Light(lt).label),
                    "type": "bar",
                    "stack": "n",
                    "itemStyle": {"color": LIGHT_COLOURS[lt]},
                    "data": [fields[f].get(lt, 0) for f in fields],
                }
                for lt in light_order
            ],
        },
        # Per side, two figures on two scales that say what they are: average progress on a 0–100 % axis (left) and
        # open milestones past their date as counts on an axis that starts at 5 (a count of 1 is not a full bar).
        # Every side is labelled (no label skipped, long names wrap), every bar carries its figure above it.
        "chart-side": {
            "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
            "legend": {"bottom": 0},
            "grid": {"left": 8, "right": 8, "top": 40, "bottom": 40, "containLabel": True},
            "xAxis": {
                "type": "category",
                "data": [s.label for s in sides],
                "axisLabel": {"interval": 0, "width": 110, "overflow": "break", "lineHeight": 16},
            },
            "yAxis": [
                {
                    "type": "value",
                    "name": "%",
                    "min": 0,
                    "max": 100,
                    "interval": 25,
                    "axisLabel": {"formatter": "{value}%"},
                },
                {
                    "type": "value",
                    "name": str(_("Overdue")),
                    "min": 0,
                    "max": side_count_max,
                    "minInterval": 1,
                    "splitLine": {"show": False},
                },
            ],
            "series": [
                {
                    "name": str(_("Average progress (%)")),
                    "type": "bar",
                    "barMaxWidth": 36,
                    "itemStyle": {"color": "#1e6e34"},  # progress in green, overdue in red: told apart at a glance
                    "label": {"show": True, "position": "top", "formatter": "{c}%"},
                    "data": [progress[s.pk] for s in sides],
                },
                {
                    "name": str(_("Overdue milestones")),
                    "type": "bar",
                    "yAxisIndex": 1,
                    "barMaxWidth": 36,
                    "itemStyle": {"color": "#d93025"},
                    "label": {"show": True, "position": "top"},
                    "data": [overdue_steps.get(s.pk, 0) for s in sides],
                },
            ],
        },
    }
    return {
        "total": total,
        "by_light": {lt: by_light.get(lt, 0) for lt in Light},
        "by_status": [(st, by_status.get(st, 0)) for st in MatterStatus],
        "overdue": _rows(overdue),
        "due_soon": _rows(due_soon),
        "awaiting": _rows(awaiting),
        "charts": charts,
    }


def _fields_in_order(field_ids, named: list[tuple]) -> list[tuple[int | None, str, str]]:
    """(id, name, English name) of the fields counted (``field_ids``), in the fields' own order (``order``, then id),
    and last ``None`` (matters without a field) when there are any; ``named`` the partnership's fields (``FIELDS``)."""
    ordered = [(pk, name, name_en) for _order, pk, name, name_en in sorted(named) if pk in field_ids]
    return [*ordered, (None, "", "")] if None in field_ids else ordered


def _first_by_due(first, second, n: int) -> list[dict]:
    """The first ``n`` rows of two lists of rows without a row in common, each in due order (a date, none last;
    then the code), in that order."""
    rows = [*first, *second]
    rows.sort(key=lambda row: (row["due_date"] is None, row["due_date"] or dt.date.min, row["code"]))
    return rows[:n]


def _rows(matters) -> list[dict]:
    """Matters as the small lists of the dashboard show them (plain data, so that it can be cached), from rows of
    ``ROW_FIELDS``; the status's name as ``get_status_display`` gives it."""
    return [
        {
            "pk": row["pk"],
            "code": row["code"],
            "title": row["title"],
            "light": row["light"],
            "get_status_display": str(STATUS_LABELS.get(row["status"], row["status"])),
            "due_date": row["due_date"],
            "next_milestone_due": row["next_milestone_due"],
        }
        for row in matters
    ]


@login_required
@cache_page_for_user
def dashboard(request, pk: int):
    """The partnership at a glance: counts by status, light, field and side; what is overdue and due soon."""
    partnership = restricted_object(request, Partnership.objects.filter(archived_at__isnull=True), pk=pk)
    today = timezone.localdate()
    # The partnership's lists, as the door lets the user see them (the year chooser; the figures read the year's).
    lists = dict(MatterList.objects.restrict(request.user).filter(partnership=partnership).values_list("year", "pk"))
    years = sorted(lists, reverse=True)
    try:
        year = int(
            request.GET.get("year") or (today.year if today.year in years else (years[0] if years else today.year))
        )
    except ValueError:
        year = today.year
    is_en = (request.LANGUAGE_CODE or "").startswith("en")
    list_url = reverse("matters:list")

    def link(**params):
        query = "&".join(f"{k}={v}" for k, v in {"partnership": partnership.pk, "year": year, **params}.items())
        return f"{list_url}?{query}"

    def compute() -> dict:
        # The figures and every register panel's reads sent together: one round trip on PostgreSQL.
        figure_reads = _figure_reads(partnership.pk, year, lists.get(year), today)
        rows = together(*figure_reads, *registry.panel_reads(partnership.pk, today))
        figures, panels = rows[: len(figure_reads)], rows[len(figure_reads) :]
        return {
            **_dashboard_figures(partnership, year, lists.get(year), today, is_en, link, figures),
            "register_panels": registry.panels(partnership, today, panels),
        }

    # One way to cache (core/cache.py): the user's access scope, the query (year), the language, the day and the
    # change stamps of the partnerships in the scope, which every write moves. Plain data only: no token, no name.
    figures = get_or_render(piece_key(f"dashboard:{partnership.pk}:{year}", request), compute)
    context = {
        "nav": "dashboard",
        "partnership": partnership,
        "year": year,
        "years": sorted(set(years) | {today.year}, reverse=True),
        **figures,
        "link_red": link(light="red"),
        "link_yellow": link(light="yellow"),
        "link_green": link(light="green"),
        "link_all": link(),
        "can_add": may_act_in(request.user, Action.CHANGE, partnership.pk),
    }
    return render(request, "workspace/dashboard.html", context)


# ---------------------------------------------------------------------------------------------- my work

TODOS_PER_KIND = 20
TODOS_SHOWN = 500


def todo_groups(user, today: dt.date) -> list[dict]:
    """The user's open to-dos grouped by kind (in the order of ``TodoKind``), oldest first, with each kind's
    count: two queries whatever the number (the oldest ``TODOS_SHOWN`` rows are read)."""
    mine = open_for(user, today)
    counts = dict(mine.order_by().values_list("kind").annotate(n=Count("pk")))
    if not counts:
        return []
    grouped: dict[str, list] = defaultdict(list)
    for todo in mine.order_by("active_from", "pk")[:TODOS_SHOWN]:
        if len(grouped[todo.kind]) < TODOS_PER_KIND:
            grouped[todo.kind].append(todo)
    return [
        {"kind": kind, "label": label, "count": counts[kind], "todos": grouped[kind]}
        for kind, label in TodoKind.choices
        if counts.get(kind)
    ]


@login_required
def my_work(request):
    """What is on my desk: the matters my unit or side owns, open milestones, reports due."""
    user = request.user
    today = timezone.localdate()
    mine = (
        Matter.objects.restrict(user, Action.REPORT)
        .filter(archived_at__isnull=True)
        .exclude(status__in=["completed", "cancelled"])
    )
    matters = list_queryset().filter(pk__in=mine.values("pk")).order_by("due_date", "code")
    milestones = (
        Milestone.objects.restrict(user, Action.REPORT)
        .filter(archived_at__isnull=True, done_date__isnull=True, matter__archived_at__isnull=True)
        .select_related("matter", "side")
        .order_by("due_date")[:50]
    )
    stale_since = today - dt.timedelta(days=30)
    needs_report = matters.exclude(sides__last_reported_on__gte=stale_since).distinct()[:50]
    context = {
        "nav": "mywork",
        "matters": matters[:100],
        "milestones": milestones,
        "needs_report": needs_report,
        "meeting_actions": actions_for_my_work(user, today)[:100],
        "todo_groups": todo_groups(user, today),
        "today": today,
    }
    return render(request, "workspace/my_work.html", context)
