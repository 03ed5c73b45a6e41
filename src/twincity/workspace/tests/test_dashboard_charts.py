"""The dashboard's charts read cleanly at 1400 px in both languages (issue 13): every side is labelled on the "by
side" chart, no text of a chart is cut off by its edge, and no two texts (labels, legend, axis names) overlap."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from twincity.core.tests.browser import login
from twincity.matters import services
from twincity.testing import make_matter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXTS = """(id) => {
  const box = document.querySelector(`[data-chart="${id}"]`).getBoundingClientRect();
  return {box: {x: box.x, y: box.y, w: box.width, h: box.height},
          texts: [...document.querySelectorAll(`[data-chart="${id}"] svg text`)]
            .filter(t => t.textContent.trim())
            .map(t => { const r = t.getBoundingClientRect();
                        return {t: t.textContent, x: r.x, y: r.y, w: r.width, h: r.height}; })};
}"""


def overlap(a, b) -> bool:
    return (
        a["x"] + 1 < b["x"] + b["w"]
        and b["x"] + 1 < a["x"] + a["w"]
        and a["y"] + 1 < b["y"] + b["h"]
        and b["y"] + 1 < a["y"] + a["h"]
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_dashboard_charts_label_every_side_and_cut_or_overlap_no_text(browser_page, live_server, world, language):
    office = world.users["office"]
    for i in range(3):
        matter = make_matter(world, title=f"合作事项{i}")
        services.add_milestone(matter, side_id=world.lj.pk, title="节点", due_date=dt.date(2020, 3, 1), user=office)
    page = browser_page
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{live_server.url}/accounts/login/")
    page.click(f"button[value={language}]")
    login(page, live_server, "office")
    page.goto(f"{live_server.url}/p/{world.partnership.pk}/?year=2020")
    for chart in ("chart-light", "chart-status", "chart-side"):
        expect(page.locator(f'[data-chart="{chart}"] svg text').first).to_be_attached()
        found = page.evaluate(TEXTS, chart)
        box, texts = found["box"], found["texts"]
        for t in texts:
            inside = t["x"] >= box["x"] - 1 and t["x"] + t["w"] <= box["x"] + box["w"] + 1
            inside = inside and t["y"] >= box["y"] - 1 and t["y"] + t["h"] <= box["y"] + box["h"] + 1
            assert inside, f"{language} {chart}: {t['t']!r} is cut off by the chart's edge"
        for i, a in enumerate(texts):
            for b in texts[i + 1 :]:
                assert not overlap(a, b), f"{language} {chart}: {a['t']!r} overlaps {b['t']!r}"
    side_texts = "".join(t["t"] for t in page.evaluate(TEXTS, "chart-side")["texts"]).replace(" ", "")
    for side in {"zh-hans": ("天府", "两江"), "en": ("Tianfu", "Liangjiang")}[language]:
        assert side in side_texts, f"{language}: the side {side} has no label on the chart"
