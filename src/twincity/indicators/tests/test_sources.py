"""What the indicator system tells the rest of the office: location quotients on siting cases, the gap-widened
agenda source, the coupling panel on the dashboard."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from twincity.analytics import location_quotient
from twincity.audit.context import acting
from twincity.indicators import services, sources
from twincity.indicators.choices import Direction
from twincity.meetings import services as meeting_services
from twincity.meetings.services.agenda import propose_standing_items
from twincity.siting import services as siting_services
from twincity.siting import specialisation
from twincity.testkit import assert_page

from .helpers import build_statistics, figures

pytestmark = pytest.mark.django_db

SECTORS = [("IVA.ELEC", "电子信息"), ("IVA.AUTO", "汽车/新能源汽车"), ("IVA.DIGI", "大数据/超级计算")]
# (TF, LJ, a province) value added by sector, 2019 and 2020
VALUES = {
    "2019": [(300, 330, 900), (260, 380, 500), (60, 80, 400)],
    "2020": [(700, 520, 1000), (220, 760, 600), (420, 150, 500)],
}


@pytest.fixture
def scene(db):
    w = build_statistics()
    office = w.users["office"]
    with acting(office):
        w.sectors = [
            services.create_element(
                partnership=w.partnership,
                user=office,
                code=code,
                name=category,
                unit="亿元",
                category_set="重点产业",
                category=category,
                source="示意数据（非官方统计）",
            )
            for code, category in SECTORS
        ]
    rows = []
    for period, by_sector in VALUES.items():
        for element, values in zip(w.sectors, by_sector, strict=True):
            for region, value in zip([w.tf, w.lj, w.provinces[0]], values, strict=True):
                rows.append((element, region, period, value))
    figures(w, office, rows)
    return w


@pytest.fixture
def client_as(client, scene):
    def login(persona: str):
        client.force_login(scene.users[persona])
        return client

    return login


def test_category_matching():
    assert sources.matches("汽车/新能源汽车", "智能网联新能源汽车")
    assert sources.matches("大数据/超级计算", "大数据 / 超级计算")
    assert sources.matches("电子信息", "电子信息产业")
    assert not sources.matches("电子信息", "生物医药")
    assert not sources.matches("", "汽车")


def test_location_quotients_of_the_latest_figures(scene):
    with acting(scene.users["office"]):
        case = siting_services.create_siting_case(
            partnership=scene.partnership, user=scene.users["office"], title="检测平台", industry="智能网联新能源汽车"
        )
    figures_by_side = {f.side: f for f in specialisation.specialisation_for(case)}
    expected = location_quotient(np.array(VALUES["2020"]).T)  # regions × sectors; regions in pk order
    assert figures_by_side[scene.tf].period == "2020"
    assert float(figures_by_side[scene.tf].value) == pytest.approx(expected[0, 1], abs=0.005)
    assert float(figures_by_side[scene.lj].value) == pytest.approx(expected[1, 1], abs=0.005)
    assert figures_by_side[scene.lj].value > 1 > figures_by_side[scene.tf].value  # cars: Liangjiang
    assert "3" in figures_by_side[scene.tf].source  # three regions together as the reference


def test_no_figure_for_an_industry_without_a_breakdown(scene):
    with acting(scene.users["office"]):
        case = siting_services.create_siting_case(
            partnership=scene.partnership, user=scene.users["office"], title="药谷", industry="生物医药"
        )
    assert sources.location_quotients(case) == []


def test_the_case_page_shows_the_quotients(scene, client_as):
    with acting(scene.users["office"]):
        case = siting_services.create_siting_case(
            partnership=scene.partnership, user=scene.users["office"], title="超算中心", industry="大数据 / 超级计算"
        )
    page = assert_page(client_as("leader"), case.get_absolute_url(), contains=["data-lq"])
    assert 'data-specialisation="none"' not in page.body


def test_gap_widened_is_proposed_for_the_joint_meeting(scene):
    office = scene.users["office"]
    rows = []
    # Tianfu's R&D intensity falls behind Liangjiang's: 2.0 vs 2.1, then 2.0 vs 2.6 (the gap widens).
    for period, tf, lj in [("2019", 20, 21), ("2020", 20, 26)]:
        rows += [(scene.gdp, scene.tf, period, 1000), (scene.gdp, scene.lj, period, 1000)]
        rows += [(scene.rd, scene.tf, period, tf), (scene.rd, scene.lj, period, lj)]
    figures(scene, office, rows)
    (gap,) = sources.widened_gaps(scene.partnership)
    assert gap["indicator"] == scene.intensity
    assert gap["behind"] == scene.tf
    assert (gap["previous"], gap["period"]) == ("2019", "2020")
    with acting(office):
        series = meeting_services.create_series(partnership=scene.partnership, user=office, name="联席会议")
        start = timezone.make_aware(dt.datetime.combine(timezone.localdate() + dt.timedelta(days=5), dt.time(9)))
        session = meeting_services.add_session(series, user=office, starts_at=start)
    proposals = [p for p in propose_standing_items(session) if p.source == "indicator_gap_widened"]
    assert [p.obj for p in proposals] == [scene.intensity]
    assert proposals[0].side_id == scene.tf.pk
    assert "2019" in proposals[0].reason
    assert "2020" in proposals[0].reason


def test_a_narrowing_gap_or_a_cost_indicator_read_right(scene):
    office = scene.users["office"]
    with acting(office):
        cost = services.create_indicator(
            partnership=scene.partnership,
            user=office,
            code="RD_COST",
            name="研发投入强度（越低越好，测试用）",
            numerator=scene.rd,
            denominator=scene.gdp,
            factor=Decimal(100),
            direction=Direction.COST,
        )
    rows = []
    for period, tf, lj in [("2019", 20, 26), ("2020", 20, 30)]:
        rows += [(scene.gdp, scene.tf, period, 1000), (scene.gdp, scene.lj, period, 1000)]
        rows += [(scene.rd, scene.tf, period, tf), (scene.rd, scene.lj, period, lj)]
    figures(scene, office, rows)
    gaps = {g["indicator"]: g for g in sources.widened_gaps(scene.partnership)}
    assert gaps[scene.intensity]["behind"] == scene.tf
    assert gaps[cost]["behind"] == scene.lj  # lower is better: the higher side is behind
    # Nothing changed since tomorrow: nothing new to propose.
    assert sources.widened_gaps(scene.partnership, timezone.localdate() + dt.timedelta(days=1)) == []


def test_class_names_in_chinese():
    assert sources.class_zh(1) == "极度失调"
    assert sources.class_zh(10) == "优质协调"
    assert sources.class_zh(None) == "—"


def test_the_dashboard_shows_the_latest_coupling(scene, client_as):
    office = scene.users["office"]
    rows = []
    for year in range(2018, 2021):
        for i, region in enumerate([scene.tf, scene.lj, *scene.provinces]):
            rows += [(scene.gdp, region, str(year), 1000), (scene.rd, region, str(year), 10 + 5 * i + (year - 2018))]
    figures(scene, office, rows)
    with acting(office):
        framework = services.create_framework(partnership=scene.partnership, user=office, code="F", name="测试体系")
        top = services.save_node(framework, user=office, code="I", name="指数")
        services.save_node(
            framework, user=office, parent=top, code="RDI", name="研发", indicator=scene.intensity, weight=Decimal(1)
        )
        run = sources.runs.start_run(
            scene.partnership,
            framework,
            title="测算",
            region_ids=[r.pk for r in [scene.tf, scene.lj, *scene.provinces]],
            periods=["2018", "2019", "2020"],
            user=office,
        )
        sources.runs.publish_run(run, user=office)
    with CaptureQueriesContext(connection) as captured:
        items = sources.coupling_items(scene.partnership, timezone.localdate())
    # The run's coupling and the sides (who lags) read together: one round trip on PostgreSQL; the run's scores not.
    assert len(captured.captured_queries) == (1 if connection.vendor == "postgresql" else 2)
    (read,) = sources.runs.latest_coupling_read(scene.partnership.pk)
    assert set(read) == {"pk", "choice", "coupling", "periods"}  # the parts it shows, not every score of the run
    assert items[0].text.startswith("2020")
    assert items[0].badge in {name for name, _en in sources.TEN_LEVELS}
    assert any(scene.tf.label in item.text for item in items)  # Tianfu lags
    with translation.override("en"):  # the class in the reader's language, as the English dashboard shows it
        english = sources.coupling_items(scene.partnership, timezone.localdate())
    assert english[0].badge in {en for _zh, en in sources.TEN_LEVELS}
    url = reverse("dashboard", args=[scene.partnership.pk])
    first = assert_page(client_as("leader"), url, warm=True, contains=['data-panel="indicators_coupling"'])
    # The panel's cost does not grow with the figures or the run's size: a fixed number of queries.
    assert first.queries <= 60
