"""The indicator system's part of the demo: it loads through the services, labels what it invents, reads the
real province figures when the shared folder is there, and its figures tell the competition → coupling story."""

from __future__ import annotations

import io
from decimal import Decimal

import numpy as np
import pytest

from twincity.analytics import coordination_class, coupling_coordination, structure_similarity
from twincity.analytics.datasets import shared_data_dir
from twincity.indicators import demo
from twincity.indicators.choices import Direction, ObservationStatus
from twincity.indicators.models import DataElement, Framework, FrameworkNode, Indicator, Observation, ReferencePanel
from twincity.indicators.values import element_values, indicator_values
from twincity.regions.models import Region
from twincity.testing import build_world, built_once, demo_loader

YEARS = [str(y) for y in demo.YEARS]


def build_scene():
    w = build_world(code_prefix="D")
    w.loader = demo_loader(w, {})
    w.loader.out = io.StringIO()
    demo.load(w.loader)
    w.peers = list(Region.objects.filter(code__startswith="NA-").order_by("code"))
    return w


@pytest.fixture(scope="module")
def scene(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker, build_scene) as w:
        yield w


pytestmark = pytest.mark.django_db


def index_scores(w) -> np.ndarray:
    """(periods, regions) framework index on the new-area panel: min-max pooled over the panel and the years,
    direction applied, equal weights within each dimension and between dimensions (the run's defaults)."""
    regions = [w.tf.pk, w.lj.pk, *[r.pk for r in w.peers]]
    framework = Framework.objects.get(partnership=w.partnership, code="HQD5")
    dims = []
    for dim in FrameworkNode.objects.filter(framework=framework, parent__parent__isnull=True, parent__isnull=False):
        leaves = list(FrameworkNode.objects.filter(parent=dim).select_related("indicator__numerator"))
        x = indicator_values([n.indicator for n in leaves], regions, YEARS, final_only=True)
        assert not np.isnan(x).any(), dim.code
        lo, hi = x.min(axis=(0, 1)), x.max(axis=(0, 1))
        xn = (x - lo) / (hi - lo)
        d = np.array([n.direction for n in leaves])
        xn = np.where(d == Direction.COST, 1 - xn, xn)
        dims.append(xn.mean(axis=2))
    return np.mean(dims, axis=0)


class TestDemo:
    def test_framework_has_five_dimensions_of_five_indicators(self, scene):
        framework = Framework.objects.get(partnership=scene.partnership, code="HQD5")
        top = FrameworkNode.objects.get(framework=framework, parent__isnull=True)
        dims = list(top.children.all())
        assert [d.name for d in dims] == ["创新发展", "协调发展", "绿色发展", "开放发展", "共享发展"]
        assert all(d.children.count() == 5 for d in dims)
        assert Indicator.objects.get(partnership=scene.partnership, code="UR_RATIO").direction == Direction.COST
        assert FrameworkNode.objects.get(framework=framework, code="ENERGY_GDP").direction == Direction.COST

    def test_new_area_figures_are_labelled_illustrative_and_final(self, scene):
        figures = Observation.objects.filter(partnership=scene.partnership, region__in=[scene.tf, scene.lj])
        assert figures.count() == len(demo.DATA["element"]) * 2 * len(YEARS)
        assert not figures.exclude(source="示意数据（非官方统计）").exists()
        assert not figures.exclude(note__contains="示意数据").exists()
        assert not figures.exclude(status=ObservationStatus.FINAL).exists()
        assert ReferencePanel.objects.get(partnership=scene.partnership, name="国家级新区（示意）").regions.count() == 8

    def test_coupling_rises_from_competition_to_coupling(self, scene):
        u = index_scores(scene)
        _c, _t, d = coupling_coordination(np.stack([u[:, 0], u[:, 1]]))
        classes = coordination_class(d).codes
        assert list(d) == sorted(d)  # rises every year
        assert classes[-1] - classes[0] >= 3, (list(d), list(classes))
        assert u[0, 0] < u[0, 1]  # Tianfu lags in 2015

    def test_the_published_run_tells_the_story(self, scene):
        rows = demo.runs.latest_coupling(scene.partnership)
        assert [r["period"] for r in rows] == YEARS
        d = [r["D"] for r in rows]
        assert d == sorted(d)
        assert rows[-1]["class_code"] - rows[0]["class_code"] >= 3, rows
        assert rows[0]["lagging_region_id"] == scene.tf.pk

    def test_structure_similarity_falls_as_they_specialise(self, scene):
        codes = ["IVA.ELEC", "IVA.AUTO", "IVA.EQUIP", "IVA.BIO", "IVA.DIGI"]
        elements = DataElement.objects.filter(partnership=scene.partnership, code__in=codes)
        assert {e.category_set for e in elements} == {"重点产业"}
        values = element_values(elements, [scene.tf.pk, scene.lj.pk], YEARS)
        first = structure_similarity([values[e.pk][0, 0] for e in elements], [values[e.pk][0, 1] for e in elements])
        last = structure_similarity([values[e.pk][-1, 0] for e in elements], [values[e.pk][-1, 1] for e in elements])
        assert first > 0.95 > 0.85 > last

    def test_the_output_says_what_was_loaded(self, scene):
        out = scene.loader.out.getvalue()
        if shared_data_dir() is None:
            assert "示意数据" in out
        else:
            assert "cited" in out or "引用" in out or "真实" in out


@pytest.mark.skipif(shared_data_dir() is None, reason="the shared data folder is absent")
class TestRealFigures:
    def test_sichuan_2023_rd_intensity_is_the_yearbooks(self, scene):
        sichuan = Region.objects.get(code="CN-SC")
        figure = Observation.objects.get(element__code="TM.RDI", region=sichuan, period="2023")
        assert figure.value == Decimal("2.26")
        assert "科技统计年鉴" in figure.source
        assert figure.status == ObservationStatus.FINAL
        indicator = Indicator.objects.get(partnership=scene.partnership, code="P.RDI")
        assert indicator_values([indicator], [sichuan.pk], ["2023"])[0, 0, 0] == pytest.approx(2.26)

    def test_padded_and_misread_names_are_cleaned(self, scene):
        tibet = Region.objects.get(code="CN-XZ")
        # RDPatentAuthority 2010 writes 两藏 for 西藏 and pads names with spaces.
        assert Observation.objects.filter(element__code="TM.PAT", region=tibet, period="2010").exists()
        shanghai = Region.objects.get(code="CN-SH")
        assert Observation.objects.filter(element__code="TM.PAT", region=shanghai, period="2012").exists()

    def test_population_and_patents_per_person(self, scene):
        cq = Region.objects.get(code="CN-CQ")
        assert Observation.objects.get(element__code="NBS.POP", region=cq, period="2020").value > 3000
        indicator = Indicator.objects.get(partnership=scene.partnership, code="P.PAT_INV_POP")
        assert indicator_values([indicator], [cq.pk], ["2023"])[0, 0, 0] > 3
        panel = ReferencePanel.objects.get(partnership=scene.partnership, name="全国31个省（区、市）")
        assert panel.regions.count() == 31
