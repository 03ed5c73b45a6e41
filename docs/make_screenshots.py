"""Take the product screenshots in docs/img/ from the demo, as a person sees it in Chinese and in English.

    .venv/bin/python docs/make_screenshots.py            # all of them
    .venv/bin/python docs/make_screenshots.py dashboard  # only those whose name starts with "dashboard"
    .venv/bin/python docs/make_screenshots.py phone- search  # several prefixes

Set ``TWINCITY_SHOTS_DB`` to a SQLite file with the demo already loaded to skip the migrate and load (it is
copied into the temporary folder, never written to): a re-run after a small fix then takes a minute.

It builds a fresh SQLite database in a temporary folder, migrates it, loads the demo
(``twincity load_demo``), starts the development server on a free port, signs in through the login
page with the demo password and photographs the pages with Debian's Chromium at 1400 px wide. The
server is stopped by its own process id; the temporary folder is removed. Nothing outside docs/img/
changes. The demo dates its current-year list from today, so the pictures show today's lights.

The pictures, at 1400 px in Chinese (``<name>.png``) and the same page in English (``<name>-en.png``, a
session whose browser asks for English and which picks EN in the menu's language switch, as a user does):
dashboard, matter-list, matter-list-overdue (filtered by light), matter-parity (both sides of one matter),
matter (its progress reports and the report form), matter-history, import-errors (a spreadsheet with two
mistakes), register-petitions, register-lessons (the ten lessons and their follow-up),
register-policy-divergence (a policy group: two sides' clauses compared), register-siting-case, search (the
one search box), roll-over-preview (the office's year-end roll-over, previewed), meeting-agenda (a planned
session's agenda with the system's proposals), my-work (a unit contact's desk). At 390 px (a phone, in
Chinese, the first screen): phone-dashboard, phone-matter-list (cards), phone-matter, phone-my-work,
phone-search, phone-register-petitions. The matter is the running one with the most reports and the widest
gap between its sides. For the browser's own widgets in Chinese,
install Debian's ``chromium-l10n``.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "img"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDTH = 1400
PHONE = {"width": 390, "height": 844}
SEARCH_WORD = "数据中心"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def twincity(*args: str, env: dict) -> None:
    subprocess.run([sys.executable, "-m", "twincity", *args], env=env, check=True, cwd=ROOT)


@contextlib.contextmanager
def server(env: dict):
    """The development server on a free port of this machine, stopped by its pid when done."""
    port = free_port()
    log = open(Path(env["TWINCITY_DATA_DIR"]) / "server.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-m", "twincity", "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("The development server did not start; see " + log.name)
            time.sleep(0.2)  # polling interval while waiting for the server to answer (bounded by the deadline)
        yield url
    finally:
        os.kill(proc.pid, 15)
        proc.wait(timeout=20)
        log.close()


def pick_matter():
    """A running matter of this year's list worth showing: both sides at work, one lagging, reports and milestones."""
    from django.db.models import Count, Q
    from django.utils import timezone

    from twincity.demo import PARTNERSHIP_NAME
    from twincity.matters.models import Matter

    today = timezone.localdate()
    candidates = (
        Matter.objects.filter(
            partnership__name=PARTNERSHIP_NAME, year_list__year=today.year, status="in_progress", archived_at=None
        )
        .annotate(
            n_sides=Count("sides", distinct=True),
            n_reports=Count("reports", filter=Q(reports__archived_at=None), distinct=True),
            n_milestones=Count("milestones", filter=Q(milestones__archived_at=None), distinct=True),
        )
        .filter(n_sides__gte=2, n_reports__gte=2, n_milestones__gte=2)
        .prefetch_related("sides")
        .order_by("-n_reports", "code")
    )
    best = None
    for matter in candidates:
        percents = [s.percent_complete for s in matter.sides.all()]
        gap = max(percents) - min(percents)
        if best is None or gap > best[0]:
            best = (gap, matter)
    if best is None:
        raise RuntimeError("The demo has no running matter with reports and milestones on both sides.")
    return best[1]


def broken_export(partnership, year: int, folder: Path) -> Path:
    """The year's list as exported, with the mistakes people make in Excel: a bad date and a misspelt unit."""
    import io

    import openpyxl

    from twincity.matters.excel import export_matters
    from twincity.matters.models import Matter

    content = export_matters(Matter.objects.filter(partnership=partnership, year_list__year=year), partnership)
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    sheet.cell(row=5, column=headers.index("完成时限") + 1, value="2026年13月1日")
    lead = next(h for h in headers if h.endswith("牵头单位"))
    sheet.cell(row=8, column=headers.index(lead) + 1, value="天府新区大数据局")
    path = folder / "重点合作事项.xlsx"
    book.save(path)
    return path


def wait_for_charts(page) -> None:
    """Every chart drawn, and its animation over (the SVG stops changing)."""
    page.wait_for_function(
        "[...document.querySelectorAll('[data-chart]')].every(el => el.dataset.rendered && el.querySelector('svg'))"
    )
    previous = None
    for _ in range(40):
        current = page.evaluate(
            "[...document.querySelectorAll('[data-chart] svg')].map(s => s.innerHTML.length).join(',')"
        )
        if current == previous:
            return
        previous = current
        page.wait_for_timeout(250)


def show_tab(page, button: str, pane: str) -> None:
    """Open a tab of the matter page and wait until its fade-in is over."""
    page.click(button)
    page.wait_for_function(
        "p => { const el = document.querySelector(p);"
        " return el.classList.contains('show') && getComputedStyle(el).opacity === '1'; }",
        arg=pane,
    )


def main(only: list[str]) -> None:
    from playwright.sync_api import expect, sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="twincity-shots-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
        "TWINCITY_DATA_DIR": str(tmp),
        "TWINCITY_DEBUG": "true",
        "DJANGO_SETTINGS_MODULE": "twincity.settings",
        "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT / "src"), os.environ.get("PYTHONPATH")) if p),
    }
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "TWINCITY_DATA_DIR", "TWINCITY_DEBUG")})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twincity.settings")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # this script reads the database beside Playwright's loop
    sys.path.insert(0, str(ROOT / "src"))
    try:
        prepared = os.environ.get("TWINCITY_SHOTS_DB")
        if prepared:
            shutil.copyfile(prepared, tmp / "db.sqlite3")
        else:
            twincity("migrate", "--no-input", "-v", "0", env=env)
            twincity("load_demo", env=env)

        import django

        django.setup()
        from django.utils import timezone

        from twincity.demo import DEMO_PASSWORD, PARTNERSHIP_NAME
        from twincity.meetings.choices import SessionStatus
        from twincity.meetings.models import Session
        from twincity.policies.models import AlignmentGroup
        from twincity.regions.models import Partnership
        from twincity.siting.models import SitingCase

        partnership = Partnership.objects.get(name=PARTNERSHIP_NAME)
        matter = pick_matter()
        diverging = AlignmentGroup.objects.filter(partnership=partnership, status="diverging").first()
        case = SitingCase.objects.filter(partnership=partnership).order_by("pk").first()
        # The next planned session: its agenda is open, so the system proposes items from the state of the work.
        planned = (
            Session.objects.filter(
                series__partnership=partnership,
                status=SessionStatus.PLANNED,
                archived_at=None,
                starts_at__gte=timezone.now(),
            )
            .order_by("starts_at")
            .first()
        )
        OUT.mkdir(parents=True, exist_ok=True)
        taken: list[str] = []

        def wanted(name: str) -> bool:
            return not only or any(name.startswith(o) for o in only)

        with server(env) as url, sync_playwright() as pw:
            # The browser's own widgets (the file picker's button) speak Chinese too, as on the office's PCs
            # (with Debian's chromium-l10n installed; without it they stay English). LANG stays C.UTF-8: a
            # zh_CN locale the system lacks would leave Chromium unable to read the Chinese file name.
            browser = pw.chromium.launch(
                executable_path=CHROMIUM,
                args=[*CHROMIUM_ARGS, "--lang=zh-CN"],
                headless=True,
                env={**os.environ, "LANGUAGE": "zh_CN", "LANG": "C.UTF-8"},
            )

            def session(username: str, lang: str = "zh", *, phone: bool = False):
                """Signed in through the login page; in English the browser asks for it and the user picks EN."""
                options = {"locale": "en-US" if lang == "en" else "zh-CN", "timezone_id": "Asia/Shanghai"}
                if phone:
                    options.update(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
                else:
                    options.update(viewport={"width": WIDTH, "height": 900})
                context = browser.new_context(**options)
                page = context.new_page()
                page.set_default_timeout(30_000)
                page.goto(f"{url}/accounts/login/")
                page.fill("#id_username", username)
                page.fill("#id_password", DEMO_PASSWORD)
                page.click("#login-submit")
                expect(page.locator("#id_password")).to_have_count(0)
                if lang == "en":
                    # The language switch in the menu bar (it stores the choice in the language cookie).
                    with page.expect_navigation():
                        page.click(".tc-lang button[value=en]")
                    expect(page.locator("html")).to_have_attribute("lang", re.compile(r"^en"))
                return context, page

            def shoot(page, name: str, *, full_page: bool = True) -> None:
                if not wanted(name):
                    return
                page.mouse.move(0, 0)  # no hover effects in the picture
                path = OUT / f"{name}.png"
                page.screenshot(path=str(path), full_page=full_page)
                taken.append(f"{path.relative_to(ROOT)}  {page.url.removeprefix(url)}")

            def any_wanted(names: list[str], suffix: str) -> bool:
                return any(wanted(n + suffix) for n in names)

            def office_tour(lang: str) -> None:
                """The office's pages, in one language: ``-en`` after the name in English."""
                sfx = "-en" if lang == "en" else ""
                names = [
                    "dashboard",
                    "matter-list",
                    "matter-list-overdue",
                    "matter-parity",
                    "matter",
                    "matter-history",
                    "import-errors",
                    "register-petitions",
                    "register-lessons",
                    "register-policy-divergence",
                    "register-siting-case",
                    "search",
                    "roll-over-preview",
                    "meeting-agenda",
                ]
                if not any_wanted(names, sfx):
                    return
                context, page = session("office", lang)

                if wanted("dashboard" + sfx):
                    page.goto(f"{url}/p/{partnership.pk}/")
                    wait_for_charts(page)
                    shoot(page, "dashboard" + sfx)

                if any_wanted(["matter-list", "matter-list-overdue"], sfx):
                    page.goto(f"{url}/matters/?partnership={partnership.pk}&year={matter.year_list.year}")
                    expect(page.locator("#matter-table")).to_be_visible()
                    shoot(page, "matter-list" + sfx)
                    # The list filtered by a light, through htmx, as the office does before a meeting.
                    page.click("#filter-light")
                    page.check("input[name=light][value=red]")
                    page.click("h1")  # close the menu
                    expect(page).to_have_url(re.compile(r"[?&]light=red(&|$)"))  # pushed after the swap
                    shoot(page, "matter-list-overdue" + sfx)

                if any_wanted(["matter-parity", "matter", "matter-history"], sfx):
                    page.goto(f"{url}/matters/{matter.pk}/")
                    expect(page.locator("#parity")).to_be_visible()
                    shoot(page, "matter-parity" + sfx)
                    show_tab(page, "#tab-progress", "#progress")
                    shoot(page, "matter" + sfx)
                    show_tab(page, "#tab-history", "#history")
                    shoot(page, "matter-history" + sfx)

                if wanted("import-errors" + sfx):
                    # An import with mistakes in it: every problem with its row and column, nothing written.
                    page.goto(f"{url}/matters/import/?partnership={partnership.pk}")
                    page.set_input_files("[name=file]", broken_export(partnership, matter.year_list.year, tmp))
                    page.locator("#import-form button[type=submit]").click()
                    expect(page.locator("#import-errors")).to_be_visible()
                    shoot(page, "import-errors" + sfx)

                # The registers: what the office did with the ten lessons; two sides' clauses compared.
                if wanted("register-petitions" + sfx):
                    page.goto(f"{url}/petitions/?partnership={partnership.pk}")
                    shoot(page, "register-petitions" + sfx)
                if wanted("register-lessons" + sfx):
                    page.goto(f"{url}/visits/lessons/?partnership={partnership.pk}")
                    shoot(page, "register-lessons" + sfx)
                if wanted("register-policy-divergence" + sfx):
                    page.goto(f"{url}{diverging.get_absolute_url()}")
                    shoot(page, "register-policy-divergence" + sfx)
                if wanted("register-siting-case" + sfx):
                    page.goto(f"{url}{case.get_absolute_url()}")
                    shoot(page, "register-siting-case" + sfx)

                if wanted("search" + sfx):
                    # The one search box in the menu bar, as a person types into it.
                    page.goto(f"{url}/p/{partnership.pk}/")
                    box = page.locator("nav input[name=q]").first
                    box.fill(SEARCH_WORD)
                    box.press("Enter")
                    expect(page).to_have_url(re.compile(r"/search/"))
                    shoot(page, "search" + sfx)

                if wanted("roll-over-preview" + sfx):
                    # Year end: the open matters of this year's list into the coming year's, previewed.
                    page.goto(f"{url}/matters/bulk/roll-over/?partnership={partnership.pk}")
                    page.fill("[name=reason]", "跨年续办" if lang == "zh" else "Carried into the coming year")
                    page.click("#roll-over-preview-submit")
                    expect(page.locator("#roll-over-preview")).to_be_visible()
                    shoot(page, "roll-over-preview" + sfx)

                if wanted("meeting-agenda" + sfx) and planned is not None:
                    page.goto(f"{url}/meetings/sessions/{planned.pk}/")
                    expect(page.locator("#proposals")).to_be_visible()
                    shoot(page, "meeting-agenda" + sfx)
                context.close()

            def unit_tour(lang: str) -> None:
                sfx = "-en" if lang == "en" else ""
                if not wanted("my-work" + sfx):
                    return
                context, page = session("tf-unit", lang)
                page.goto(f"{url}/matters/my-work/")
                shoot(page, "my-work" + sfx)
                context.close()

            def phone_tour() -> None:
                """At 390 px, the first screen of each page as a phone shows it."""
                phone_names = ["dashboard", "matter-list", "matter", "search", "register-petitions", "my-work"]
                if not any_wanted([f"phone-{n}" for n in phone_names], ""):
                    return
                context, page = session("office", phone=True)
                pages = [
                    ("phone-dashboard", f"/p/{partnership.pk}/"),
                    ("phone-matter-list", f"/matters/?partnership={partnership.pk}&year={matter.year_list.year}"),
                    ("phone-matter", f"/matters/{matter.pk}/"),
                    ("phone-search", f"/search/?q={SEARCH_WORD}"),
                    ("phone-register-petitions", f"/petitions/?partnership={partnership.pk}"),
                ]
                for name, path in pages:
                    if not wanted(name):
                        continue
                    page.goto(f"{url}{path}")
                    if name == "phone-dashboard":
                        wait_for_charts(page)
                    shoot(page, name, full_page=False)
                context.close()
                if wanted("phone-my-work"):
                    context, page = session("tf-unit", phone=True)
                    page.goto(f"{url}/matters/my-work/")
                    shoot(page, "phone-my-work", full_page=False)
                    context.close()

            for lang in ("zh", "en"):
                office_tour(lang)
                unit_tour(lang)
            phone_tour()

            browser.close()
        print("\n".join(taken))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
