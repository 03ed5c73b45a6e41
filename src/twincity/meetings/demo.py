"""The meetings' part of the demo: the article's meetings, the second docking meeting (19 June 2020) and the
monthly joint meeting since, alternating host, with agendas, minutes, decisions and actions in every state.
Topics come from the article; dates after June 2020, venues, names and outcomes are illustrative (示例).
It runs after the matters' part and before the registers (which link to its decisions)."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

from django.utils import timezone

from twincity.audit.context import acting
from twincity.meetings import services as ms
from twincity.meetings.choices import Cadence, OutcomeKind, SeriesKind

DATA = tomllib.loads(Path(__file__).with_name("demo.toml").read_text(encoding="utf-8"))
# When each step of a session happens, in days from its day (the demo's clock dates them: ``world.at``): planned
# three weeks ahead, the agenda published a week before, the minutes recorded on the day, confirmed by both
# sides within days and locked a week later; an action's steps follow every few days.
PLANNED_AHEAD = 21
AGENDA_AHEAD = 7
CANCELLED_AHEAD = 10
CONFIRMED_AFTER = 3
LOCKED_AFTER = 7
ACTION_STEP_DAYS = 6


def load(world) -> None:
    """Fill the demo partnership's meetings (see the module docstring)."""
    _Meetings(world).run()


class _Meetings:
    """The article's meetings: the second docking meeting (19 June 2020) and the monthly joint meeting
    since, alternating host, with agendas, minutes, decisions and actions in every state. Topics come
    from the article; dates after June 2020, venues, names and outcomes are illustrative (示例)."""

    TOPICS = [tuple(topic) for topic in DATA["joint"]["topics"]]

    def __init__(self, world):
        self.l = world
        self.office = world.users["office"]

    def run(self) -> None:
        ld, office = self.l, self.office
        tf, lj = ld.regions["TF"], ld.regions["LJ"]
        self.sides = {"TF": tf, "LJ": lj}
        held_on = DATA["docking"]["held_on"]
        with ld.at(held_on - dt.timedelta(days=PLANNED_AHEAD)), acting(office):
            docking, joint = (self.series(DATA[kind]) for kind in ("docking", "joint"))
        self.session(docking, held_on, [tuple(topic) for topic in DATA["docking"]["topics"]], past=True)
        months, day = [], dt.date(2020, 7, 1)
        while True:
            meeting_day = ms.day_in_month(joint, day.year, day.month)
            months.append(meeting_day)
            if meeting_day > self.l.today:
                break
            day = (day.replace(day=28) + dt.timedelta(days=7)).replace(day=1)
        cancel_on = next((d for d in months if d.year == 2022 and d.month == 2), None)
        self.state_counter = 0
        for i, meeting_day in enumerate(months):
            topics = [self.TOPICS[i % len(self.TOPICS)], self.TOPICS[(i + 3) % len(self.TOPICS)]]
            self.session(
                joint,
                meeting_day,
                topics,
                past=meeting_day <= self.l.today,
                cancel=meeting_day == cancel_on,
                recent=i >= len(months) - 5,
                # Actions for the first months and the last half year; the years between keep their decisions.
                with_actions=i < 6 or i >= len(months) - 7,
            )

    def series(self, row: dict):
        values = {key: value for key, value in row.items() if key not in ("held_on", "topics")}
        values.update(kind=SeriesKind(values["kind"]), cadence=Cadence(values["cadence"]))
        if "first_host" in values:
            values["first_host"] = self.sides[values["first_host"]]
        return ms.create_series(partnership=self.l.partnership, user=self.office, **values)

    def session(
        self, series, day, topics, *, past: bool, cancel: bool = False, recent: bool = False, with_actions=True
    ):
        ld, office = self.l, self.office
        starts = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 30)))
        with acting(office), ld.at(self.before(day, PLANNED_AHEAD)):
            session = ms.add_session(series, user=office, starts_at=starts)
            host = "TF" if session.host_id == self.sides["TF"].pk else "LJ"
            venue = "天府新区管委会会议室" if host == "TF" else "两江新区管委会会议室"
            session = ms.update_session(
                session, user=office, version=session.version, venue=venue, chair=f"{ld.areas[host]}双城办主任"
            )
        if cancel:
            with acting(office), ld.at(self.before(day, CANCELLED_AHEAD)):
                ms.cancel_session(session, user=office, reason="春节假期，本月会议取消（示例）。")
            return session
        if not past:
            with acting(office), ld.at(self.before(day, PLANNED_AHEAD)):
                ms.propose_item(series, user=office, title="下阶段重点合作事项安排（示例）", side=self.sides[host])
            return session
        with acting(office), ld.at(self.before(day, AGENDA_AHEAD)):
            for title, unit_key in topics:
                ms.add_item(
                    session,
                    user=office,
                    title=title,
                    side=self.sides[host],
                    organisation=ld.units[f"{host.lower()}-{unit_key}"],
                    duration_minutes=20,
                    presenter="示例汇报人",
                )
            ms.publish_agenda(session, user=office)
        # The minutes are recorded on the day, once the session is over.
        with acting(office), ld.at(timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))):
            for code in ("TF", "LJ"):
                ms.record_attendance(
                    session,
                    user=office,
                    side=self.sides[code],
                    name=f"{ld.areas[code]}领导（示例）",
                    post="党工委副书记",
                    is_leader=True,
                )
            items = list(session.items.filter(source="proposed").order_by("order"))
            ms.record_outcome(
                session, user=office, kind=OutcomeKind.INFORMATION, item=items[0], text="听取了有关情况汇报（示例）。"
            )
            made = []
            for n, (title, unit_key) in enumerate(topics):
                owners = (
                    [ld.units[f"tf-{unit_key}"], ld.units[f"lj-{unit_key}"]]
                    if n == 0
                    else [ld.units[f"{'lj' if host == 'TF' else 'tf'}-{unit_key}"]]
                )
                outcome = ms.record_outcome(
                    session,
                    user=office,
                    kind=OutcomeKind.DECISION,
                    item=items[n],
                    text=f"会议议定：{title}由双方对口部门共同推进（示例）。",
                    action=None
                    if not with_actions
                    else ms.ActionSpec(
                        title=f"{title}——形成工作方案（示例）", due_date=day + dt.timedelta(days=30), owners=owners
                    ),
                )
                made.extend(outcome.actions.all())
            ms.update_minutes_summary(
                session, user=office, summary="会议通报了合作进展，研究部署了下阶段工作（示例）。"
            )
            session.refresh_from_db()
        for side in ("TF", "LJ"):
            coordinator = ld.users[f"{side.lower()}-coord"]
            with acting(coordinator), ld.at(self.after(day, CONFIRMED_AFTER)):
                ms.confirm_minutes(session, user=coordinator, side=self.sides[side])
        if not recent:
            with acting(office), ld.at(self.after(day, LOCKED_AFTER)):
                ms.lock_minutes(session, user=office)
        self.follow_up(made, day, recent=recent)
        return session

    def before(self, day: dt.date, days: int) -> dt.date:
        """``days`` before the session, but by yesterday at the latest (a session planned for next month was
        planned before the demo's today)."""
        return min(day - dt.timedelta(days=days), self.l.today - dt.timedelta(days=1))

    def after(self, day: dt.date, days: int) -> dt.date:
        """``days`` after the session, but by yesterday at the latest: the demo's story stops before today."""
        return max(day, min(day + dt.timedelta(days=days), self.l.today - dt.timedelta(days=1)))

    def follow_up(self, actions, day, *, recent: bool) -> None:
        """Older actions are done and verified; the latest ones are left in every state of the cycle."""
        states = ["verified", "reported_done", "in_progress", "returned", "acknowledged", "assigned", "cancelled"]
        for action in actions:
            if recent:
                target = states[self.state_counter % len(states)]
                self.state_counter += 1
            else:
                target = "verified"
            # Each owning side takes its own steps (a joint action is done only when every side has reported).
            owner_sides = sorted({o.side.code for o in action.owners.select_related("side")})
            at = self.l.at
            for code in owner_sides:
                reporter = self.l.users["tf-coord" if code == "TF" else "lj-coord"]
                with acting(reporter):
                    if target != "assigned":
                        with at(self.after(day, 1)):
                            ms.acknowledge_action(action, user=reporter)
                    if target in ("in_progress", "returned", "reported_done", "verified"):
                        with at(self.after(day, ACTION_STEP_DAYS)):
                            ms.feed_back(action, user=reporter, text="已完成初稿，正在征求对方意见（示例）。")
                    if target in ("returned", "reported_done", "verified"):
                        with at(self.after(day, 2 * ACTION_STEP_DAYS)):
                            ms.report_done(action, user=reporter, text="工作方案已印发，附印发文件（示例）。")
            with acting(self.office), at(self.after(day, 3 * ACTION_STEP_DAYS)):
                if target == "verified":
                    ms.verify_action(action, user=self.office, note="经核实已完成（示例）。", rating="good")
                elif target == "returned":
                    ms.return_action(action, user=self.office, reason="缺少对方部门会签意见，请补充（示例）。")
                elif target == "cancelled":
                    ms.cancel_action(action, user=self.office, reason="因上级政策调整不再推进（示例）。")
