"""The matters' part of the demo: the 2020 and 2021 lists (history, finished or rolled over) and the current
year's list, dated relative to the demo's today so that the dashboard always shows a mix of green, yellow
and red lights and work due in the coming weeks. The matters themselves are data, in ``demo.toml`` beside
this module; this module turns them into milestones, reports and confirmations through the services.

Reports are filed by the lead unit's own contact where the demo has one, else by the side's coordinator;
completion is confirmed by the leader. Responsible leaders are given as posts, never as names.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from pathlib import Path

from twincity.audit.context import acting
from twincity.matters import services
from twincity.matters.choices import MatterStatus, OwnerRole
from twincity.matters.models import Matter
from twincity.matters.services import OwnerSpec
from twincity.regions.choices import OrganisationKind
from twincity.regions.models import Organisation

DATA = tomllib.loads(Path(__file__).with_name("demo.toml").read_text(encoding="utf-8"))
ILLUSTRATIVE = DATA["illustrative"]
CONFIRMED = "经联席会议确认完成（示例）"
SUSPENDED_ON = dt.date(2020, 10, 12)  # the matters suspended in 2020 were, after their last report of 30 September
D = dt.date


@dataclass(frozen=True)
class Spec:
    """One matter of the 2020 or 2021 list (history)."""

    field: str
    title: str
    goal: str
    basis: str
    tf: tuple[str, ...]  # unit keys, lead first
    lj: tuple[str, ...]
    start: dt.date
    due: dt.date
    steps: tuple[str | tuple[str, dt.date], ...]  # a (title, day) pair where the article dates the step
    notes: tuple[str, ...]
    fate: str = "completed"  # completed | rolled | suspended
    # What happens on the 2021 list to a matter rolled over from 2020.
    reason: str = ""
    due_2021: dt.date | None = None
    steps_2021: tuple[str, ...] = ()
    notes_2021: tuple[str, ...] = ()
    fate_2021: str = "completed"  # completed | rolled (into the current year)


@dataclass(frozen=True)
class Step:
    """A milestone of a current-year matter: days from today (negative: past)."""

    side: str  # TF, LJ or both
    title: str
    due: int
    done: int | None = None


@dataclass(frozen=True)
class Report:
    side: str
    days: int
    percent: int
    text: str


@dataclass(frozen=True)
class CurrentSpec:
    """A matter of the current year's list, dated relative to today (all illustrative)."""

    field: str
    title: str
    goal: str
    tf: tuple[str, ...]
    lj: tuple[str, ...]
    start: int
    due: int
    steps: tuple[Step, ...] = ()
    reports: tuple[Report, ...] = ()
    status: str = MatterStatus.IN_PROGRESS
    basis: str = ""


def _tuples(value):
    """TOML arrays as the tuples a spec holds (a dated step, ``[title, day]``, becomes a pair)."""
    return tuple(_tuples(item) for item in value) if isinstance(value, list) else value


def _history(row: dict) -> Spec:
    """A row of ``list_2020``/``list_2021``: its source is a ``basis``, or the article's ``joint_request`` or
    ``agreement`` (named by its item)."""
    values = {key: _tuples(value) for key, value in row.items()}
    for kind in ("joint_request", "agreement"):
        if kind in values:
            values["basis"] = DATA["basis"][kind].format(item=values.pop(kind))
    return Spec(**values)


def _current(row: dict, **defaults) -> CurrentSpec:
    values = {**defaults, **row}
    values["tf"], values["lj"] = tuple(values["tf"]), tuple(values["lj"])
    values["steps"] = tuple(Step(*step) for step in values.get("steps", ()))
    values["reports"] = tuple(Report(*report) for report in values.get("reports", ()))
    if "status" in values:
        values["status"] = MatterStatus(values["status"])
    return CurrentSpec(**values)


LIST_2020 = tuple(_history(row) for row in DATA["list_2020"])
LIST_2021_NEW = tuple(_history(row) for row in DATA["list_2021"])
LIST_CURRENT = tuple(_current(row) for row in DATA["current"])
# What the two matters rolled over from 2021 do this year (keyed by the 2020 title).
CONTINUED = {
    title: _current(row, field="", title="", goal="", tf=(), lj=(), start=0) for title, row in DATA["continued"].items()
}
LIST_NOTES = {int(year): note for year, note in DATA["list_notes"].items() if year.isdigit()}
CURRENT_LIST_NOTE = DATA["list_notes"]["current"]


def load(world) -> None:
    """Fill the demo partnership's annual lists: 2020, 2021 and the current year's, then note each list."""
    lists = _Lists(world)
    made = lists.load_2020()
    continuing = lists.load_2021(made)
    lists.load_current(continuing)
    with acting(world.users["office"]):
        lists.annotate_lists()


class _Lists:
    def __init__(self, world):
        self.world = world
        self.today = world.today
        self.users, self.units, self.regions, self.fields = world.users, world.units, world.regions, world.fields
        self.partnership = world.partnership
        self.at = world.at  # the demo's clock: each step below happens on its day (``demo.clock``)
        self.entered: dict[int, dt.date] = {}  # matter → the day it came onto its list (its steps are planned then)

    # --- helpers ---

    def owners(self, tf: tuple[str, ...], lj: tuple[str, ...]) -> list[OwnerSpec]:
        specs = []
        for keys in (tf, lj):
            for i, key in enumerate(keys):
                specs.append(OwnerSpec(self.units[key], OwnerRole.LEAD if i == 0 else OwnerRole.SUPPORT))
        return specs

    def leaders(self, tf: tuple[str, ...], lj: tuple[str, ...]) -> dict[int, str]:
        return {self.regions["TF"].pk: _post(self.units[tf[0]]), self.regions["LJ"].pk: _post(self.units[lj[0]])}

    def reporter(self, matter_units: dict[str, tuple[str, ...]], side: str):
        """Who files for a side: the lead unit's own contact if it has one in the demo, else the coordinator."""
        lead = matter_units[side][0]
        username = self.world.unit_contacts.get(lead, "tf-coord" if side == "TF" else "lj-coord")
        return self.users[username], self.units[lead]

    def create(self, spec: Spec | CurrentSpec, *, year, description, start, due, status, entered) -> Matter:
        office = self.users["office"]
        with acting(office), self.at(entered):
            matter = services.create_matter(
                entered_on=entered,
                partnership=self.partnership,
                year=year,
                title=spec.title,
                user=office,
                owners=self.owners(spec.tf, spec.lj),
                leaders=self.leaders(spec.tf, spec.lj),
                status=status,
                field=self.fields[spec.field],
                goal=spec.goal,
                description=description,
                start_date=start,
                due_date=due,
            )
        self.entered[matter.pk] = entered
        return matter

    def add_step(self, matter, side: str, title: str, due: dt.date, *, on: dt.date | None = None):
        """A milestone, planned ``on`` that day (by default when the matter came onto its list)."""
        office = self.users["office"]
        with acting(office), self.at(on or self.entered[matter.pk]):
            return services.add_milestone(matter, side_id=self.regions[side].pk, title=title, due_date=due, user=office)

    def close_step(self, milestone, units, side: str, done: dt.date, evidence: str) -> None:
        user, _unit = self.reporter(units, side)
        with acting(user), self.at(done):
            services.close_milestone(milestone, user=user, done_date=done, evidence=evidence)

    def report(self, matter, units, side: str, on: dt.date, percent: int, text: str) -> None:
        user, unit = self.reporter(units, side)
        with acting(user), self.at(on):
            services.file_progress(
                matter,
                user=user,
                side_id=self.regions[side].pk,
                period=f"{on:%Y-%m}",
                text=f"{unit.short_name or unit.name}：{text}。",
                percent_complete=percent,
                organisation=unit,
                reported_on=on,
            )

    def confirm(self, matter, on: dt.date, note: str) -> None:
        leader = self.users["leader"]
        with acting(leader), self.at(on):
            services.change_status(matter, MatterStatus.COMPLETED, user=leader, reason=note, on=on)

    # --- the historical lists ---

    def history_timeline(self, matter, spec_units, steps, notes, start, due, *, finish: bool, final=(100, 100)):
        """Milestones evenly spread between start and due, quarterly reports, and (if ``finish``) all closed."""
        span = (due - start).days
        k = len(steps)
        milestones = []
        fixed = set()  # steps whose day the article gives: done on that very day by both sides
        for i, step in enumerate(steps):
            if isinstance(step, tuple):
                title, step_due = step
                fixed.add(i)
            else:
                title, step_due = step, start + dt.timedelta(days=round(span * (i + 1) / k))
            milestones.extend((self.add_step(matter, side, title, step_due), side, i) for side in ("TF", "LJ"))
        report_days = [d for d in _quarter_ends(start, due) if start + dt.timedelta(days=20) <= d]
        last_day = due - dt.timedelta(days=3)
        if not report_days or report_days[-1] < last_day - dt.timedelta(days=20):
            report_days.append(last_day)
        if len(report_days) > 2:
            # Two reports per side (mid-way and final) tell the story and keep the demo quick to load.
            report_days = [report_days[(len(report_days) - 1) // 2], report_days[-1]]
        final_day = report_days[-1]
        n = len(report_days)
        for ms, side, i in milestones:
            if i == k - 1 and not finish:
                continue
            late = 4 if side == "LJ" and i % 2 == 1 else 0  # one side is sometimes a few days late
            done = min(ms.due_date + dt.timedelta(days=late - (1 if side == "TF" else 0)), final_day)
            if i in fixed:
                done = ms.due_date
            self.close_step(ms, spec_units, side, done, _evidence(ms.title))
        for j, on in enumerate(report_days):
            for s, side in enumerate(("TF", "LJ")):
                percent = round(final[s] * (j + 1) / n)
                text = notes[round(j * (len(notes) - 1) / (n - 1)) if n > 1 else -1]
                self.report(matter, spec_units, side, on, percent, text)
        return final_day

    def create_history(self, spec: Spec, *, year: int, entered: dt.date) -> Matter:
        description = f"{spec.basis}\n{ILLUSTRATIVE}"
        status = MatterStatus.APPROVED
        return self.create(
            spec, year=year, description=description, start=spec.start, due=spec.due, status=status, entered=entered
        )

    def finish_history(self, matter, spec: Spec) -> None:
        units = {"TF": spec.tf, "LJ": spec.lj}
        last = self.history_timeline(matter, units, spec.steps, spec.notes, spec.start, spec.due, finish=True)
        self.confirm(matter, last + dt.timedelta(days=5), CONFIRMED)

    def load_2020(self) -> dict[str, tuple[Matter, Spec]]:
        office = self.users["office"]
        made = {}
        for spec in LIST_2020:
            units = {"TF": spec.tf, "LJ": spec.lj}
            matter = self.create_history(spec, year=2020, entered=max(spec.start, D(2020, 6, 19)))
            if spec.fate == "suspended":
                self.history_timeline(
                    matter, units, spec.steps, spec.notes, spec.start, D(2020, 9, 30), finish=False, final=(30, 20)
                )
                with acting(office), self.at(SUSPENDED_ON):
                    services.change_status(matter, MatterStatus.SUSPENDED, user=office, reason=spec.reason)
            elif spec.fate == "rolled":
                self.history_timeline(
                    matter, units, spec.steps, spec.notes, spec.start, spec.due, finish=False, final=(65, 55)
                )
            else:
                self.finish_history(matter, spec)
            made[spec.title] = (matter, spec)
        return made

    def load_2021(self, made_2020) -> list[Matter]:
        office = self.users["office"]
        continuing = []
        for matter, spec in made_2020.values():
            if spec.fate != "rolled":
                continue
            units = {"TF": spec.tf, "LJ": spec.lj}
            with acting(office), self.at(D(2021, 1, 15)):
                services.roll_over(matter, to_year=2021, user=office, reason=spec.reason, entered_on=D(2021, 1, 15))
                services.update_matter(matter, user=office, version=None, due_date=spec.due_2021)
            self.entered[matter.pk] = D(2021, 1, 15)
            # The steps left open in 2020 close late, in the first quarter of 2021.
            for n, ms in enumerate(matter.milestones.filter(done_date__isnull=True).order_by("pk")):
                ms.matter = matter
                self.close_step(ms, units, ms.side.code, D(2021, 2, 20) + dt.timedelta(days=3 * n), _evidence(ms.title))
            rolled_on = D(2021, 1, 15)
            finish = spec.fate_2021 == "completed"
            span = (spec.due_2021 - rolled_on).days
            for i, title in enumerate(spec.steps_2021):
                step_due = rolled_on + dt.timedelta(days=round(span * (i + 1) / len(spec.steps_2021)))
                for side in ("TF", "LJ"):
                    ms = self.add_step(matter, side, title, step_due)
                    self.close_step(ms, units, side, step_due - dt.timedelta(days=2), _evidence(title))
            days = [d for d in _quarter_ends(rolled_on, spec.due_2021) if d < spec.due_2021 - dt.timedelta(days=10)]
            days.append(spec.due_2021 - dt.timedelta(days=5))
            end = (100, 100) if finish else (70, 65)
            for j, on in enumerate(days):
                for s, side in enumerate(("TF", "LJ")):
                    start_pct = 65 if side == "TF" else 55
                    percent = start_pct + round((end[s] - start_pct) * (j + 1) / len(days))
                    text = spec.notes_2021[min(j, len(spec.notes_2021) - 1)]
                    self.report(matter, units, side, on, percent, text)
            if finish:
                self.confirm(matter, spec.due_2021, CONFIRMED)
            else:
                continuing.append(matter)
        for spec in LIST_2021_NEW:
            matter = self.create_history(spec, year=2021, entered=spec.start)
            self.finish_history(matter, spec)
        return continuing

    def annotate_lists(self) -> None:
        """Each list's note, written when the list was drawn up (its matters' first entry)."""
        for year_list in self.partnership.matter_lists.all():
            first = year_list.entries.order_by("entered_on").values_list("entered_on", flat=True).first()
            with self.at(first or D(year_list.year, 1, 1)):
                year_list.note = LIST_NOTES.get(year_list.year, CURRENT_LIST_NOTE)
                year_list.save()

    # --- the current year's list ---

    def current_timeline(self, matter, units, spec: CurrentSpec) -> None:
        t = self.today
        for step in spec.steps:
            for side in ("TF", "LJ") if step.side == "both" else (step.side,):
                ms = self.add_step(matter, side, step.title, t + dt.timedelta(days=step.due))
                if step.done is not None:
                    self.close_step(ms, units, side, t + dt.timedelta(days=step.done), _evidence(step.title))
        for r in sorted(spec.reports, key=lambda r: r.days):
            self.report(matter, units, r.side, t + dt.timedelta(days=r.days), r.percent, r.text)

    def load_current(self, continuing: list[Matter]) -> None:
        office = self.users["office"]
        year = self.today.year
        entered = min(self.today, D(year, 1, 20))
        for matter in continuing:
            spec = CONTINUED[matter.title]
            original = next(s for s in LIST_2020 if s.title == matter.title)
            units = {"TF": original.tf, "LJ": original.lj}
            with acting(office), self.at(entered):
                services.roll_over(
                    matter,
                    to_year=year,
                    user=office,
                    reason="长期任务，滚动纳入本年度清单持续推进（示例）",
                    entered_on=entered,
                )
                services.update_matter(
                    matter, user=office, version=None, due_date=self.today + dt.timedelta(days=spec.due)
                )
            self.entered[matter.pk] = entered
            self.current_timeline(matter, units, spec)
        for spec in LIST_CURRENT:
            units = {"TF": spec.tf, "LJ": spec.lj}
            basis = f"{spec.basis}\n" if spec.basis else ""
            matter = self.create(
                spec,
                year=year,
                description=f"{basis}本年度事项延续报道所述合作方向，具体内容为演示而设。\n{ILLUSTRATIVE}",
                start=self.today + dt.timedelta(days=spec.start),
                due=self.today + dt.timedelta(days=spec.due),
                status=MatterStatus.PROPOSED if spec.status == MatterStatus.PROPOSED else MatterStatus.APPROVED,
                # A matter that starts later was proposed for the list yesterday (nothing in the story happens today).
                entered=entered if spec.start < 0 else self.today - dt.timedelta(days=1),
            )
            if spec.status == MatterStatus.PROPOSED:
                continue
            self.current_timeline(matter, units, spec)
            if spec.status == MatterStatus.COMPLETED:
                last = max(r.days for r in spec.reports)
                self.confirm(matter, self.today + dt.timedelta(days=last + 3), CONFIRMED)


def _post(unit: Organisation) -> str:
    """A responsible leader given by post, never by a real person's name."""
    name = unit.short_name or unit.name
    if unit.kind == OrganisationKind.MARKET_ENTITY:
        return f"{name}项目负责人"
    kind_posts = [
        ("法院", "分管副院长"),
        ("检察院", "分管副检察长"),
        ("组织部", "分管副部长"),
        ("局", "分管副局长"),
        ("办", "分管副主任"),
        ("中心", "分管副主任"),
        ("街道", "分管副主任"),
        ("科学城", "分管负责同志"),
        ("创新区", "分管负责同志"),
    ]
    for ending, post in kind_posts:
        if name.endswith(ending):
            return f"{name}{post}"
    return f"{name}负责同志"


def _evidence(title: str) -> str:
    return f"“{title}”已完成，相关文件已归档（示例）。"


def _quarter_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    days = []
    for year in range(start.year, end.year + 1):
        for month, day in ((3, 31), (6, 30), (9, 30), (12, 20)):
            d = D(year, month, day)
            if start < d < end:
                days.append(d)
    return days
