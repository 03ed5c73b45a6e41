"""Take the product screenshots in docs/img/ from the demo, as a person sees it in Chinese.

    .venv/bin/python docs/make_screenshots.py            # all of them
    .venv/bin/python docs/make_screenshots.py dashboard  # only those whose name starts with "dashboard"

It builds a fresh SQLite database in a temporary folder, migrates it, loads the demo
(``twincity load_demo``), starts the development server on a free port, signs in through the login
page with the demo password and photographs the pages with Debian's Chromium at 1400 px wide. The
server is stopped by its own process id; the temporary folder is removed. Nothing outside docs/img/
changes. The demo dates its current-year list from today, so the pictures show today's lights.

The pictures: dashboard, dashboard-en (a leader whose browser asks for English), matter-list,
matter-list-overdue (filtered by light), matter-parity (both sides of one matter), matter (its progress
reports and the report form), matter-history, import-errors (a spreadsheet with two mistakes), my-work
(a unit contact's desk), register-petitions, register-lessons (the ten lessons and their follow-up),
register-policy-divergence (two sides' clauses compared), register-siting-case. The matter is the running
one with the most reports and the widest gap between its sides. For the browser's own widgets in Chinese,
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
        twincity("migrate", "--no-input", "-v", "0", env=env)
        twincity("load_demo", env=env)

        import django

        django.setup()
        from twincity.demo import DEMO_PASSWORD, PARTNERSHIP_NAME
        from twincity.regions.models import Partnership

        partnership = Partnership.objects.get(name=PARTNERSHIP_NAME)
        matter = pick_matter()
        OUT.mkdir(parents=True, exist_ok=True)
        taken: list[str] = []

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

            def session(username: str, locale: str = "zh-CN"):
                context = browser.new_context(
                    viewport={"width": WIDTH, "height": 900}, locale=locale, timezone_id="Asia/Shanghai"
                )
                page = context.new_page()
                page.set_default_timeout(20_000)
                page.goto(f"{url}/accounts/login/")
                page.fill("#id_username", username)
                page.fill("#id_password", DEMO_PASSWORD)
                page.click("#login-submit")
                expect(page.locator("#id_password")).to_have_count(0)
                return context, page

            def shoot(page, name: str, *, full_page: bool = True) -> None:
                if only and not any(name.startswith(o) for o in only):
                    return
                page.mouse.move(0, 0)  # no hover effects in the picture
                path = OUT / f"{name}.png"
                page.screenshot(path=str(path), full_page=full_page)
                taken.append(f"{path.relative_to(ROOT)}  {page.url.removeprefix(url)}")

            context, page = session("office")
            page.goto(f"{url}/p/{partnership.pk}/")
            wait_for_charts(page)
            shoot(page, "dashboard")

            page.goto(f"{url}/matters/?partnership={partnership.pk}&year={matter.year_list.year}")
            expect(page.locator("#matter-table")).to_be_visible()
            shoot(page, "matter-list")

            # The list filtered by a light, through htmx, as the office does before a meeting.
            page.click("#filter-light")
            page.check("input[name=light][value=red]")
            page.click("h1")  # close the menu
            expect(page).to_have_url(re.compile(r"[?&]light=red(&|$)"))  # pushed after the table is swapped in
            shoot(page, "matter-list-overdue")

            page.goto(f"{url}/matters/{matter.pk}/")
            expect(page.locator("#parity")).to_be_visible()
            shoot(page, "matter-parity")
            show_tab(page, "#tab-progress", "#progress")
            shoot(page, "matter")
            show_tab(page, "#tab-history", "#history")
            shoot(page, "matter-history")

            # An import with mistakes in it: every problem with its row and column, nothing written.
            page.goto(f"{url}/matters/import/?partnership={partnership.pk}")
            page.set_input_files("[name=file]", broken_export(partnership, matter.year_list.year, tmp))
            page.locator("#import-form button[type=submit]").click()
            expect(page.locator("#import-errors")).to_be_visible()
            shoot(page, "import-errors")

            # The registers: what the office did with the ten lessons; two sides' clauses compared.
            from twincity.policies.models import AlignmentGroup
            from twincity.siting.models import SitingCase

            page.goto(f"{url}/petitions/?partnership={partnership.pk}")
            shoot(page, "register-petitions")
            page.goto(f"{url}/visits/lessons/?partnership={partnership.pk}")
            shoot(page, "register-lessons")
            diverging = AlignmentGroup.objects.filter(partnership=partnership, status="diverging").first()
            page.goto(f"{url}{diverging.get_absolute_url()}")
            shoot(page, "register-policy-divergence")
            case = SitingCase.objects.filter(partnership=partnership).order_by("pk").first()
            page.goto(f"{url}{case.get_absolute_url()}")
            shoot(page, "register-siting-case")
            context.close()

            context, page = session("tf-unit")
            page.goto(f"{url}/matters/my-work/")
            shoot(page, "my-work")
            context.close()

            context, page = session("leader", locale="en-US")
            page.goto(f"{url}/p/{partnership.pk}/")
            wait_for_charts(page)
            shoot(page, "dashboard-en")
            context.close()

            browser.close()
        print("\n".join(taken))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
