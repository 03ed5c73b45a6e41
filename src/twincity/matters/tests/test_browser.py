"""The matter list as people use it, in real Chromium against a live server.

Each test signs in through the login page as one of the personas of ``twincity.testing`` and works
the pages with clicks and typing; it waits for what a person would see, never for a fixed time.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest
from django.utils import timezone
from openpyxl.utils import get_column_letter
from playwright.sync_api import expect

from twincity.audit.context import acting
from twincity.core.tests.browser import login
from twincity.matters import services
from twincity.matters.excel import export_matters
from twincity.matters.models import ListEntry, Matter, ProgressReport
from twincity.testing import make_matter

ACTIVE = re.compile(r"\bactive\b")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def lagging_matter(world, **kwargs):
    """A matter half-way through its time at 10%: Liangjiang reported 20%, Tianfu nothing yet → yellow."""
    today = timezone.localdate()
    matter = make_matter(
        world,
        year=today.year,
        title="共建内陆开放门户",
        start_date=today - dt.timedelta(days=200),
        due_date=today + dt.timedelta(days=200),
        **kwargs,
    )
    lj_unit = world.users["lj-unit"]
    with acting(lj_unit):
        services.file_progress(
            matter,
            user=lj_unit,
            side_id=world.lj.pk,
            period=f"{today:%Y-%m}",
            text="两江侧完成方案起草",
            percent_complete=20,
        )
    matter.refresh_from_db()
    return matter


def on_track_matter(world):
    """A matter that started ten days ago and is due in 300: green."""
    today = timezone.localdate()
    return make_matter(
        world,
        year=today.year,
        title="政务服务通办",
        start_date=today - dt.timedelta(days=10),
        due_date=today + dt.timedelta(days=300),
    )


def test_a_unit_contact_signs_in_in_chinese_files_progress_and_sees_the_light_turn_green(
    browser_page, live_server, world
):
    page = browser_page
    matter = lagging_matter(world)
    assert matter.percent_complete == 10

    login(page, live_server, "tf-unit")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    page.goto(f"{live_server.url}/matters/{matter.pk}/")
    expect(page.locator("h1")).to_have_text("共建内陆开放门户")
    light = page.locator("#matter-light")
    expect(light).to_have_attribute("data-light", "yellow")

    page.click("#tab-progress")
    form = page.locator("#progress-form")
    expect(form).to_be_visible()
    # A Tianfu unit contact speaks for the Tianfu side only: that is the one side offered.
    expect(form.locator("[name=side] option")).to_have_count(1)
    form.locator("[name=period]").fill(f"{timezone.localdate():%Y-%m}")
    form.locator("[name=percent_complete]").fill("90")
    form.locator("[name=text]").fill("天府侧已完成联合招商平台搭建，签约项目三个。")
    form.locator("button[type=submit]").click()

    expect(light).to_have_attribute("data-light", "green")
    expect(page.locator("[data-side-percent=TF]")).to_have_text("90%")
    expect(page.locator(".alert-success")).to_be_visible()
    # Back on the progress tab after the redirect (#progress), with the new report in it.
    expect(page.locator("#progress")).to_be_visible()
    expect(page.locator("#progress")).to_contain_text("天府侧已完成联合招商平台搭建")
    matter.refresh_from_db()
    assert matter.percent_complete == 55
    report = ProgressReport.objects.get(matter=matter, side=world.tf)
    assert (report.author, report.organisation, report.percent_complete) == (
        world.users["tf-unit"],
        world.tf_dept,
        90,
    )


def test_the_office_rolls_an_unfinished_matter_over_into_next_years_list(browser_page, live_server, world):
    page = browser_page
    # The form proposes the coming year (next year from October, else this one): a matter of the year before it.
    to_year = services.coming_year()
    from_year = to_year - 1
    matter = make_matter(world, year=from_year, title="建设国家级大数据中心")
    assert matter.code == f"{from_year}-01"

    login(page, live_server, "office")
    page.goto(f"{live_server.url}/matters/{matter.pk}/")
    page.click("#roll-over-link")
    expect(page.locator("[name=to_year]")).to_have_value(str(to_year))
    page.fill("[name=reason]", "国家批复尚未下达，转入下一年度继续推进。")
    page.click("#roll-over-submit")

    expect(page).to_have_url(f"{live_server.url}/matters/{matter.pk}/")
    expect(page.locator(".alert-success")).to_contain_text(f"{to_year}-01")
    expect(page.locator("#matter-code")).to_have_text(f"{to_year}-01")
    page.click("[data-bs-target='#overview']")
    chain = page.locator("#list-chain")
    expect(chain).to_be_visible()
    expect(chain).to_contain_text(f"{from_year} · {from_year}-01")
    expect(chain).to_contain_text(f"{to_year} · {to_year}-01")
    expect(chain).to_contain_text("国家批复尚未下达")

    matter.refresh_from_db()
    assert (matter.year_list.year, matter.code) == (to_year, f"{to_year}-01")
    assert (
        next(
            iter(ListEntry.objects.filter(matter=matter).order_by("year_list__year").values_list("outcome", flat=True))
        )
        == ListEntry.Outcome.ROLLED_OVER
    )


@pytest.mark.browser_context_args(locale="fr-FR")
def test_the_interface_is_chinese_by_default_and_the_en_button_switches_to_english(browser_page, live_server, world):
    page = browser_page
    make_matter(world, title="共建内陆开放门户")
    # A browser asking for a language the product does not speak gets the office's own: Chinese.
    page.goto(f"{live_server.url}/accounts/login/")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "zh-CN")
    expect(page.locator("#login-submit")).to_have_text("登录")
    expect(page.locator("button[value=zh-hans]")).to_have_class(ACTIVE)

    page.click("button[value=en]")
    expect(html).to_have_attribute("lang", "en")
    expect(page.locator("#login-submit")).to_have_text("Sign in")
    expect(page.locator("button[value=en]")).to_have_class(ACTIVE)

    # The choice sticks after signing in: the list speaks English, the data stays as written.
    login(page, live_server, "leader")
    expect(html).to_have_attribute("lang", "en")
    page.goto(f"{live_server.url}/matters/?partnership={world.partnership.pk}")
    expect(page.locator("h1")).to_contain_text("Key cooperation matters")
    expect(page.locator("#matter-table")).to_contain_text("共建内陆开放门户")

    # And back: the same page, in Chinese.
    page.click("button[value=zh-hans]")
    expect(html).to_have_attribute("lang", "zh-CN")
    expect(page).to_have_url(f"{live_server.url}/matters/?partnership={world.partnership.pk}")
    expect(page.locator("h1")).to_contain_text("重点合作事项")


def test_choosing_a_light_in_the_filter_updates_the_table_without_reloading_the_page(browser_page, live_server, world):
    page = browser_page
    year = timezone.localdate().year
    lagging_matter(world)  # yellow
    make_matter(
        world, year=year, title="人力资源合作", start_date=dt.date(year - 1, 1, 1), due_date=dt.date(year - 1, 3, 1)
    )  # red
    on_track_matter(world)  # green

    login(page, live_server, "leader")
    page.goto(f"{live_server.url}/matters/?partnership={world.partnership.pk}&year={year}")
    rows = page.locator("#matter-table tbody tr[data-matter]")
    expect(rows).to_have_count(3)
    page.evaluate("window.__samePage = true")  # gone if the browser loads a new document

    page.click("#filter-light")  # the light filter opens a menu of checkboxes
    page.check("input[name=light][value=red]")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("人力资源合作")
    expect(page).to_have_url(re.compile(r"[?&]light=red(&|$)"))  # the address follows, for the back button
    assert page.evaluate("window.__samePage") is True

    page.uncheck("input[name=light][value=red]")
    page.check("input[name=light][value=green]")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("政务服务通办")
    expect(page.locator("#filter-light")).to_have_text(re.compile("正常推进|On track"))

    page.check("input[name=light][value=yellow]")
    expect(rows).to_have_count(2)
    expect(page.locator("#matter-table")).not_to_contain_text("人力资源合作")
    assert page.evaluate("window.__samePage") is True


def test_a_coordinator_imports_a_spreadsheet_with_a_bad_row_and_sees_what_is_wrong_in_which_row(
    browser_page, live_server, world, tmp_path
):
    page = browser_page
    year = timezone.localdate().year
    first = make_matter(world, year=year, title="共建内陆开放门户")
    second = make_matter(world, year=year, title="建设国家级大数据中心")
    before = {m.pk: (m.title, m.version) for m in Matter.objects.all()}

    # The coordinator's usual round trip: export the list, edit it in Excel, import it back.
    book = openpyxl.load_workbook(io.BytesIO(export_matters(Matter.objects.all(), world.partnership)))
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert [sheet.cell(row=r, column=headers.index("编号") + 1).value for r in (3, 4)] == [first.code, second.code]
    sheet.cell(row=3, column=headers.index("事项名称") + 1, value="共建内陆开放门户（修订）")  # a good edit
    sheet.cell(row=4, column=headers.index("天府牵头单位") + 1, value="天府新区大数据局")  # no such unit
    upload = tmp_path / "重点合作事项.xlsx"
    book.save(upload)

    login(page, live_server, "tf-coord")
    page.goto(f"{live_server.url}/matters/import/?partnership={world.partnership.pk}")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("[name=year]")).to_have_value(str(year))
    page.set_input_files("[name=file]", upload)
    page.evaluate("window.__samePage = true")
    page.locator("#import-form button[type=submit]").click()

    errors = page.locator("#import-errors tbody tr")
    expect(errors).to_have_count(1)
    cells = errors.first.locator("td")
    expect(cells.nth(0)).to_have_text("4")
    # The column as Excel names it, letter and header, so the coordinator finds the cell at once.
    letter = get_column_letter(headers.index("天府牵头单位") + 1)
    expect(cells.nth(1)).to_have_text(f"{letter} 天府牵头单位")
    expect(cells.nth(2)).to_have_text("本合作机制中没有名为“天府新区大数据局”的单位。")
    expect(page.locator("#import-errors-summary")).to_contain_text("文件未导入")
    expect(page.locator("#import-success")).to_have_count(0)
    assert page.evaluate("window.__samePage") is True  # the answer came into the page (htmx), no reload

    # All or nothing: the good edit in row 3 was not written either.
    assert {m.pk: (m.title, m.version) for m in Matter.objects.all()} == before


def test_a_leader_reads_the_dashboard_charts_and_follows_the_overdue_count_to_the_list(
    browser_page, live_server, world
):
    page = browser_page
    year = timezone.localdate().year
    lagging_matter(world)  # yellow
    make_matter(
        world, year=year, title="人力资源合作", start_date=dt.date(year - 1, 1, 1), due_date=dt.date(year - 1, 3, 1)
    )
    on_track_matter(world)

    login(page, live_server, "leader")
    expect(page).to_have_url(f"{live_server.url}/p/{world.partnership.pk}/")  # home is the dashboard
    expect(page.locator("#stat-total")).to_have_text("3")
    expect(page.locator("#stat-red")).to_have_text("1")
    expect(page.locator("#stat-yellow")).to_have_text("1")
    expect(page.locator("#stat-green")).to_have_text("1")
    # ECharts draws every chart as SVG under the strict CSP (a blocked style would fail the test).
    charts = page.locator("[data-chart]")
    expect(charts).to_have_count(4)
    for i in range(4):
        expect(charts.nth(i).locator("svg")).to_have_count(1)
    expect(page.locator("[data-chart=chart-light]")).to_contain_text("1")

    page.click("#stat-red")
    rows = page.locator("#matter-table tbody tr[data-matter]")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("人力资源合作")
