"""WCAG 2.2 AA on the main page of every app: axe-core (from npm, ``node_modules/axe-core``) injected in Chromium,
as the office (who sees every menu entry) and on the login page signed out; any critical or serious finding
fails, listed with its rule, its elements and what axe says to fix (issue 13)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from twincity.audit.context import acting
from twincity.core.tests.browser import login
from twincity.meetings import services as meeting_services
from twincity.supervision.run import supervise
from twincity.supervision.tests.sheetkit import make_case
from twincity.testing import populate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.PROJECT_DIR) / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
# Best practice rules that judge the page's outline rather than what a reader meets; the WCAG rules all run.
LENIENT = {"region": False, "landmark-unique": False}
FAILING = ("critical", "serious")

# Runs axe over the page and hands back the findings that fail, each as one readable line.
_RUN = """async ([tags, rules, failing]) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, rules: Object.fromEntries(
    Object.entries(rules).map(([id, enabled]) => [id, {enabled}]))});
  return result.violations.filter(v => failing.includes(v.impact)).map(v =>
    `${v.impact} ${v.id}: ${v.help} — ` + v.nodes.slice(0, 4).map(n =>
      n.target.join(' ') + (n.failureSummary ? ' (' + n.failureSummary.replace(/\\s+/g, ' ').slice(0, 160) + ')' : '')
    ).join('; ') + (v.nodes.length > 4 ? `; and ${v.nodes.length - 4} more` : ''));
}"""


def build_scene(w):
    """One of everything (``testing.populate``), a held session with its minutes open, and a supervision sheet."""
    populate(w)
    office = w.users["office"]
    with acting(office):
        meeting_services.record_attendance(w.session, user=office, side=w.tf, name="王主任")
    make_case(w, due_on=timezone.localdate() - dt.timedelta(days=1))
    supervise(partnership=w.partnership)
    return w


def main_pages(w) -> list[str]:
    """The main page of every app (a list and one entry where the app has both), as paths."""
    p = w.partnership.pk
    q = f"?partnership={p}"
    r = w.registers
    paths = [
        reverse("dashboard", args=[p]),
        reverse("workspace:my_work"),
        reverse("matters:list") + q,
        reverse("matters:matter", args=[w.matter.pk]),
        reverse("meetings:index") + q,
        reverse("meetings:series", args=[w.series.pk]),
        reverse("meetings:session", args=[w.session.pk]),
        reverse("meetings:action", args=[w.action.pk]),
        reverse("petitions:petition_list") + q,
        reverse("petitions:petition", args=[r["petitions"]["petition"].pk]),
        reverse("agreements:agreement_list") + q,
        reverse("agreements:agreement", args=[r["agreements"]["agreement"].pk]),
        reverse("visits:visit_list") + q,
        reverse("visits:visit", args=[r["visits"]["visit"].pk]),
        reverse("exchanges:secondment_list") + q,
        reverse("exchanges:secondment", args=[r["exchanges"]["secondment"].pk]),
        reverse("policies:policy_list") + q,
        reverse("policies:policy", args=[r["policies"]["policy"].pk]),
        reverse("siting:sitingcase_list") + q,
        reverse("siting:sitingcase", args=[r["siting"]["case"].pk]),
        reverse("supervision:case_list") + q,
        reverse("supervision:sheet_list") + q,
        reverse("supervision:todos"),
        reverse("notifications:list"),
        reverse("indicators:home", args=[p]),
        reverse("indicators:observation_entry", args=[p]),
        reverse("indicators:run_detail", args=[r["indicators"]["run"].pk]),
        reverse("indicators:run_benchmark", args=[r["indicators"]["run"].pk]),
        reverse("audit:log"),
    ]
    return paths


def axe_findings(page) -> list[str]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated, not added as a script tag: the app's CSP (script-src 'self') would refuse an inline script.
        page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate(_RUN, [TAGS, LENIENT, list(FAILING)])


def test_axe_finds_nothing_critical_or_serious_on_the_main_pages(browser_page, live_server, world):
    assert AXE.exists(), f"{AXE} is missing: `npm ci` (make setup) installs axe-core"
    page = browser_page
    build_scene(world)
    found = {}
    page.goto(f"{live_server.url}/accounts/login/")
    found["/accounts/login/"] = axe_findings(page)
    login(page, live_server, "office")
    for path in main_pages(world):
        page.goto(live_server.url + path)
        page.wait_for_load_state("load")
        found[path] = axe_findings(page)
    failures = [f"{path}\n    " + "\n    ".join(lines) for path, lines in found.items() if lines]
    assert not failures, "axe-core (WCAG 2.2 AA) found critical or serious problems:\n" + "\n".join(failures)
