"""Index runs: the spec from a framework, exact regeneration, the publication freeze, access, coupling and gaps."""

from decimal import Decimal

import numpy as np
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.translation import override

from twincity import analytics
from twincity.audit.context import acting
from twincity.indicators import runs, services
from twincity.indicators.choices import Direction, JobStatus, RunStatus
from twincity.indicators.models import GapSource, IndexRun, Job, Observation
from twincity.indicators.tests.helpers import build_statistics, figures
from twincity.visits.models import Gap

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The refusals are matched in English, whatever catalogue is compiled."""
    with override("en"):
        yield


PERIODS = ["2020", "2021"]


def build_run_scene(prefix: str = ""):
    """The statistics scene plus a population element, three indicators in two dimensions, a framework, a
    reference panel of the two sides and four provinces, and figures for 2020 and 2021 (entered by the office)."""
    w = build_statistics(prefix)
    office = w.users["office"]
    with acting(office):
        w.pop = services.create_element(
            partnership=w.partnership, user=office, code="POP", name="常住人口", name_en="Population", unit="万人"
        )
        w.gdppc = services.create_indicator(
            partnership=w.partnership, user=office, code="GDPPC", name="人均地区生产总值", name_en="GDP per head",
            numerator=w.gdp, denominator=w.pop, factor=Decimal(1),
        )  # fmt: skip
        w.popi = services.create_indicator(
            partnership=w.partnership, user=office, code="POPI", name="人口规模", name_en="Population size",
            numerator=w.pop, factor=Decimal(1), direction=Direction.COST,
        )  # fmt: skip
        w.fw = services.create_framework(partnership=w.partnership, user=office, code="HQD", name="高质量发展")
        root = services.save_node(w.fw, user=office, code="IDX", name="指数")
        eco = services.save_node(w.fw, user=office, code="ECO", name="经济", parent=root, order=1)
        inn = services.save_node(w.fw, user=office, code="INN", name="创新", parent=root, order=2)
        services.save_node(w.fw, user=office, code="n1", name="人均", parent=eco, indicator=w.gdppc)
        services.save_node(w.fw, user=office, code="n2", name="人口", parent=eco, indicator=w.popi, weight=2)
        services.save_node(w.fw, user=office, code="n3", name="强度", parent=inn, indicator=w.intensity)
        w.regions = [w.tf, w.lj, *w.provinces]
        w.panel = services.create_panel(partnership=w.partnership, user=office, name="参照组", regions=w.regions)
    rows = []
    for i, region in enumerate(w.regions):
        for t, period in enumerate(PERIODS):
            rows += [
                (w.gdp, region, period, 1000 + 300 * i + 50 * t),
                (w.rd, region, period, 20 + 7 * ((i * 3) % 5) + 2 * t),
                (w.pop, region, period, 100 + 40 * ((i * 2) % 6) + t),
            ]
    figures(w, office, rows)
    return w


@pytest.fixture
def w():
    return build_run_scene()


def start(w, user=None, **kw):
    args = {
        "title": "2021年测算",
        "region_ids": [w.tf.pk, w.lj.pk],
        "periods": PERIODS,
        "panel": w.panel,
        "options": {},
    } | kw
    with acting(user or w.users["office"]):
        return runs.start_run(w.partnership, w.fw, user=user or w.users["office"], **args)


def test_the_spec_follows_the_framework_tree(w):
    spec = runs.build_spec(w.fw, region_ids=[w.tf.pk, w.lj.pk], periods=PERIODS, panel=w.panel, options={})
    assert [n["code"] for n in spec["indicators"]] == ["GDPPC", "POPI", "RDI"]
    assert {g["code"]: (g["level"], g["parent"]) for g in spec["groups"]} == {
        "IDX": (3, None), "ECO": (2, "IDX"), "INN": (2, "IDX"),
    }  # fmt: skip
    assert {n["code"]: n["direction"] for n in spec["indicators"]}["POPI"] == -1
    assert {n["code"]: n["weight"] for n in spec["indicators"]}["POPI"] == 2.0
    assert spec["fit"] == {"on": "pooled", "units": sorted(str(r.pk) for r in w.regions), "periods": None}
    assert spec["report_units"] == [str(w.tf.pk), str(w.lj.pk)]
    assert spec["framework"] == {"id": w.fw.pk, "code": "HQD", "version": w.fw.version}
    assert spec["final_only"] is False
    analytics.IndexSpec.from_dict(runs.engine_spec(spec))


def test_a_leaf_without_indicator_is_refused_readably(w):
    with acting(w.users["office"]):
        services.save_node(w.fw, user=w.users["office"], code="EMPTY", name="空", parent=w.fw.nodes.get(code="IDX"))
    with pytest.raises(ValidationError, match="neither an indicator"):
        runs.build_spec(w.fw, region_ids=[w.tf.pk, w.lj.pk], periods=PERIODS)


def test_a_run_stores_inputs_results_and_regenerates_them_exactly(w):
    run = start(w)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    assert run.inputs["indicators"] == ["GDPPC", "POPI", "RDI"]
    assert len(run.inputs["units"]) == 6
    assert run.results["units"] == [str(w.tf.pk), str(w.lj.pk)]
    assert runs.regenerate(run) == run.results
    assert len(run.data_sha256) == 64


def test_publication_freezes_the_run_against_later_figures(w):
    run = start(w)
    with acting(w.users["office"]):
        runs.publish_run(run, user=w.users["office"])
    before = IndexRun.objects.get(pk=run.pk).results
    obs = Observation.objects.get(element=w.gdp, region=w.tf, period="2021")
    with acting(w.users["office"]):
        services.finalise(w.partnership, [obs], user=w.users["office"])
        services.revise(Observation.objects.get(pk=obs.pk), value=Decimal(99999), reason="更正", user=w.users["office"])
    run.refresh_from_db()
    assert run.results == before
    assert runs.regenerate(run) == before
    with pytest.raises(ValidationError, match="frozen"):
        runs.execute_run(run)
    with pytest.raises(ValidationError, match="frozen"), acting(w.users["office"]):
        runs.publish_run(run, user=w.users["office"])
    again = runs.rerun(run, user=w.users["office"])
    assert again.results != before
    assert again.status == RunStatus.DONE


@pytest.mark.parametrize("persona", ["tf-coord", "lj-coord", "tf-unit", "leader", "auditor", "outsider"])
def test_only_the_office_starts_and_publishes_runs(w, persona):
    with pytest.raises(PermissionDenied):
        start(w, user=w.users[persona])
    run = start(w)
    with pytest.raises(PermissionDenied), acting(w.users[persona]):
        runs.publish_run(run, user=w.users[persona])


def test_a_too_small_reference_panel_fails_readably(w):
    run = start(w, panel=None, periods=["2021"], options={"fit_on": "period"})
    assert run.status == RunStatus.FAILED
    assert "reference panel" in run.error


def test_coupling_between_sides_matches_the_engine(w):
    run = start(w)
    res = run.results
    root = res["scores"]["IDX"]
    U = np.array([[root[t][0] for t in range(2)], [root[t][1] for t in range(2)]])
    for variant in ("traditional", "corrected"):
        c, _t, d = analytics.coupling_coordination(U, variant=variant)
        got = res["coupling"]["variants"][variant]
        assert got["C"] == pytest.approx(list(c))
        assert got["D"] == pytest.approx(list(d))
        assert got["class_zh"] == list(analytics.coordination_class(d).name_zh)
    lag = [str(w.tf.pk) if U[0, k] < U[1, k] else str(w.lj.pk) for k in range(2)]
    assert res["coupling"]["lagging"] == lag
    assert runs.latest_coupling(w.partnership) is None
    with acting(w.users["office"]):
        runs.publish_run(run, user=w.users["office"])
    latest = runs.latest_coupling(w.partnership)
    assert [r["period"] for r in latest] == PERIODS
    assert latest[0]["variant"] == "corrected"
    assert latest[0]["lagging_region_id"] == int(lag[0])
    assert set(res["coupling_dimensions"]) == {str(w.tf.pk), str(w.lj.pk)}


def test_rank_uncertainty_is_reproducible_and_brackets_the_rank(w):
    run = start(w)
    ru = run.results["rank_uncertainty"]
    assert len(ru["p05"]) == 2
    for t in range(2):
        for u in range(2):
            assert 1 <= ru["p05"][t][u] <= ru["p95"][t][u] <= 2
    assert runs.regenerate(run)["rank_uncertainty"] == ru


def test_a_gap_from_the_gap_table_goes_on_the_gaps_register_with_its_source(w):
    run = start(w)
    rows = runs.gap_rows(run, "2021", w.tf.pk, w.lj.pk)
    assert rows
    assert rows == sorted(rows, key=lambda r: -r["gap"])
    first = rows[0]
    with acting(w.users["office"]):
        gap = runs.add_gap(
            run, code=first["code"], period="2021", region_a=w.tf.pk, region_b=w.lj.pk, user=w.users["office"]
        )
    assert gap.side_id == first["behind"]
    source = GapSource.objects.get(gap=gap)
    assert (source.run_id, source.indicator_id, source.period) == (run.pk, first["indicator_id"], "2021")
    assert Gap.objects.restrict(w.users["lj-coord"]).filter(pk=gap.pk).exists()


def test_compare_gives_differences_of_two_runs(w):
    a = start(w)
    b = start(w, options={"weighting": "equal"})
    diff = runs.compare(a, b)
    assert diff["periods"] == PERIODS
    assert diff["indicators"] == ["GDPPC", "POPI", "RDI"]
    index_rows = [r for r in diff["rows"] if r["code"] is None]
    assert len(index_rows) == 4
    assert any(abs(r["diff"]) > 0 for r in index_rows)


def test_a_background_run_waits_for_the_worker_then_finishes(w):
    run = start(w, background=True)
    run.refresh_from_db()
    assert run.status == RunStatus.QUEUED
    assert not run.results
    job = Job.objects.get(pk=run.spec["job"])
    assert job.params["run"] == run.pk
    assert runs.run_job(job.pk) == {"run": run.pk, "status": RunStatus.DONE}
    run.refresh_from_db()
    job.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert job.status == JobStatus.DONE
    assert runs.regenerate(run) == run.results


def test_a_background_run_shows_its_progress_and_the_office_cancels_it(client, w):
    run = start(w, background=True)
    run.refresh_from_db()
    client.force_login(w.users["office"])
    page = client.get(reverse("indicators:run_detail", args=[run.pk])).content.decode()
    assert 'id="job-progress"' in page
    assert 'id="run-cancel"' in page
    client.force_login(w.users["tf-coord"])  # a reader sees the run, not its job's controls
    assert 'id="run-cancel"' not in client.get(reverse("indicators:run_detail", args=[run.pk])).content.decode()
    client.force_login(w.users["office"])
    client.post(reverse("indicators:job_cancel", args=[run.spec["job"]]))
    assert runs.run_job(run.spec["job"])["status"] == RunStatus.CANCELLED
    run.refresh_from_db()
    assert run.status == RunStatus.CANCELLED
    assert not run.results
    assert Job.objects.get(pk=run.spec["job"]).status == JobStatus.CANCELLED
