"""``load_demo``: the world first (``world.py``), then each app's part in order, in one transaction."""

from __future__ import annotations

import datetime as dt
import sys
import time
from dataclasses import dataclass, field
from importlib import import_module

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from twincity.audit.context import acting
from twincity.demo.clock import story_clock
from twincity.demo.world import DEMO_PASSWORD, PARTNERSHIP_NAME, PERSONAS, STORY_BEGINS, USERNAMES, World
from twincity.matters.models import Matter
from twincity.regions.models import Partnership
from twincity.supervision import todos
from twincity.supervision.run import supervise
from twincity.supervision.services import follow_all

# Each app's part of the demo, ``twincity.<app>.demo.load(world)``, in the order they run: the matter lists,
# then the meetings (whose decisions follow matters up), then the registers, which link to both, then the
# indicator system (statistics, the framework and its published run; policies' targets name its indicators).
PARTS = ("matters", "meetings", "petitions", "agreements", "visits", "exchanges", "policies", "siting", "indicators")


@dataclass
class DemoSummary:
    created: bool
    partnership_id: int | None = None
    matters_by_year: dict[int, int] = field(default_factory=dict)
    usernames: tuple[str, ...] = USERNAMES
    password: str = DEMO_PASSWORD
    seconds: float = 0.0


def demo_exists() -> bool:
    return Partnership.objects.filter(name=PARTNERSHIP_NAME).exists()


def load_demo(*, today: dt.date | None = None, stdout=None) -> DemoSummary:
    """Load the Tianfu–Liangjiang demo once; if it is already there, say so and change nothing."""
    out = stdout or sys.stdout
    today = today or timezone.localdate()
    if today.year <= 2021:
        raise ValueError("The demo's current-year list needs a date after 2021.")
    if demo_exists():
        partnership = Partnership.objects.get(name=PARTNERSHIP_NAME)
        out.write(
            _("The demo is already loaded (partnership “%(name)s” exists); nothing was changed.")
            % {"name": partnership.name}
            + "\n"
        )
        return DemoSummary(created=False, partnership_id=partnership.pk)
    started = time.perf_counter()
    world = World(today, out)
    # The story's clock: each part dates its steps (``world.at``), so that what happened in 2020 says 2020.
    with transaction.atomic(), story_clock() as clock:
        world.clock = clock
        with world.at(STORY_BEGINS):
            world.make_users()
            with acting(world.users["office"]):
                world.make_partnership()
                world.make_units()
                world.make_memberships()
        for app in PARTS:
            import_module(f"twincity.{app}.demo").load(world)
        with acting(world.users["office"]):
            # The demo's live items are followed (the services opened most cases as they went; this catches the rest).
            follow_all(partnership_id=world.partnership.pk)
        # The morning's supervision run, as the daily job would: the demo opens with its sheets 督办单 and notices.
        supervise(today, partnership=world.partnership)
        # The to-dos follow every save already; one rebuild makes sure whatever a demo part wrote otherwise counts.
        todos.rebuild(world.partnership)
    partnership = world.partnership
    by_year = {
        y: Matter.objects.filter(partnership=partnership, entries__year_list__year=y).distinct().count()
        for y in partnership.matter_lists.values_list("year", flat=True)
    }
    summary = DemoSummary(
        created=True,
        partnership_id=partnership.pk,
        matters_by_year=dict(sorted(by_year.items())),
        seconds=time.perf_counter() - started,
    )
    _print_summary(out, partnership, summary)
    return summary


def _print_summary(out, partnership: Partnership, summary: DemoSummary) -> None:
    lists = ", ".join(
        _("%(year)s: %(count)s matters") % {"year": y, "count": n} for y, n in summary.matters_by_year.items()
    )
    lines = [
        _("Loaded the demo partnership “%(name)s” in %(seconds).1f s.")
        % {"name": partnership.name, "seconds": summary.seconds},
        _("Annual lists (a matter rolled over counts in every list it was on): %(lists)s.") % {"lists": lists},
        _(
            "Names of matters and units come from the article; dates, progress and statuses marked “示例” "
            "are illustrative, not official statistics."
        ),
        "",
        _("Demo accounts — the password for all of them is: %(password)s (demo only; change it before real use)")
        % {"password": DEMO_PASSWORD},
    ]
    lines.extend(f"  {persona.username:<10} {persona.label}" for persona in PERSONAS)
    lines.append(f"  {'admin':<10} " + _("superuser for /admin/ (same password)"))
    out.write("\n".join(lines) + "\n")
