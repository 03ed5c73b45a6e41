"""The runs' and benchmarking pages: who sees what, the charts' numbers, the gap button, structure measures."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from twincity import analytics
from twincity.audit.context import acting
from twincity.core.cache import clear_own_cache
from twincity.indicators import benchmarking, runs, services
from twincity.indicators.models import GapSource
from twincity.indicators.tests.helpers import figures
from twincity.indicators.tests.test_runs import PERIODS, build_run_scene, start
from twincity.visits.models import Gap

pytestmark = pytest.mark.django_db
READERS = ["office", "tf-coord", "lj-coord", "tf-unit", "lj-unit", "leader", "auditor"]


@pytest.fixture
def w():
    w = build_run_scene()
    w.run = start(w)
    w.other = start(w, title="等权", options={"weighting": "equal"})
    return w


def pages(w):
    r = w.run.pk
    return [
        reverse("indicators:run_detail", args=[r]),
        reverse("indicators:run_benchmark", args=[r]),
        reverse("indicators:run_download", args=[r, "score-IDX", "xlsx"]),
        reverse("indicators:run_download", args=[r, "coupling", "csv"]),
        reverse("indicators:run_download", args=[r, "gaps", "csv"]),
        reverse("indicators:run_report", args=[r]),
        reverse("indicators:run_compare") + f"?a={r}&b={w.other.pk}",
        f"/api/index-runs/{r}/",
    ]


@pytest.mark.parametrize("persona", READERS)
def test_the_partnership_reads_every_page_of_a_run(client, w, persona):
    client.force_login(w.users[persona])
    for url in pages(w):
        assert client.get(url).status_code == 200, url
    assert w.run.title in client.get(reverse("indicators:run_list")).content.decode()


def test_an_outsider_gets_404_everywhere(client, w):
    client.force_login(w.users["outsider"])
    for url in pages(w):
        assert client.get(url).status_code == 404, url
    assert w.run.title not in client.get(reverse("indicators:run_list")).content.decode()
    assert client.get(reverse("indicators:run_create")).status_code == 404
    assert client.post(reverse("indicators:run_publish", args=[w.run.pk])).status_code == 404


def test_only_the_office_has_the_run_form_and_publishes(client, w):
    client.force_login(w.users["tf-coord"])
    assert client.get(reverse("indicators:run_create")).status_code == 404
    assert client.post(reverse("indicators:run_publish", args=[w.run.pk])).status_code == 404
    client.force_login(w.users["office"])
    page = client.get(reverse("indicators:run_detail", args=[w.run.pk])).content.decode()
    assert "publish-button" in page
    assert "✓" in page.split('id="regenerated"')[1][:40]
    client.post(reverse("indicators:run_publish", args=[w.run.pk]))
    w.run.refresh_from_db()
    assert w.run.is_published


def test_the_run_form_starts_a_run_and_says_what_is_wrong(client, w):
    client.force_login(w.users["office"])
    url = reverse("indicators:run_create")
    data = {"title": "表单测算", "framework": w.fw.pk, "regions": [w.tf.pk, w.lj.pk], "periods": "2020, 2021",
            "panel": w.panel.pk, "normalization": "minmax", "weighting": "fixed", "aggregation": "arithmetic",
            "fit_on": "pooled"}  # fmt: skip
    bad = client.post(url, {**data, "regions": [w.tf.pk], "periods": "20x"})
    assert bad.status_code == 200
    assert "Choose two regions or more." in bad.content.decode() or "两个" in bad.content.decode()
    response = client.post(url, data)
    assert response.status_code == 302
    assert "benchmark-link" in client.get(response["Location"]).content.decode()


def test_the_gap_button_puts_a_gap_on_the_visits_register(client, w):
    client.force_login(w.users["office"])
    page = client.get(reverse("indicators:run_benchmark", args=[w.run.pk]) + "?period=2021").content.decode()
    assert "add-gap" in page
    assert "↑" in page
    assert "↓" in page

    row = runs.gap_rows(w.run, "2021", w.tf.pk, w.lj.pk)[0]
    client.post(
        reverse("indicators:run_add_gap", args=[w.run.pk]),
        {"code": row["code"], "period": "2021", "region_a": w.tf.pk, "region_b": w.lj.pk},
    )
    gap = Gap.objects.get()
    assert GapSource.objects.get(gap=gap).run_id == w.run.pk
    listing = client.get(reverse("visits:gap_list") + f"?partnership={w.partnership.pk}").content.decode()
    assert gap.title in listing
    detail = client.get(gap.get_absolute_url()).content.decode()
    assert reverse("indicators:run_benchmark", args=[w.run.pk]) in detail
    assert "entry-origins" in detail


def test_the_run_list_costs_a_fixed_number_of_queries(client, w):
    client.force_login(w.users["office"])
    url = reverse("indicators:run_list")
    client.get(url)
    clear_own_cache()  # the cost of rendering the list, not of its cached results
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(5):
        start(w, title="再算")
    clear_own_cache()
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_structure_measures_match_the_engine(w):
    office = w.users["office"]
    with acting(office):
        sectors = [
            services.create_element(
                partnership=w.partnership,
                user=office,
                code=f"VA{k}",
                name=f"第{k}产业",
                category_set="产业增加值",
                category=f"第{k}产业",
            )
            for k in (1, 2, 3)
        ]
    a, b = [10, 40, 50], [20, 30, 50]
    figures(w, office, [(s, w.tf, "2021", a[k]) for k, s in enumerate(sectors)])
    figures(w, office, [(s, w.lj, "2021", b[k]) for k, s in enumerate(sectors)])
    series = benchmarking.structure_series(w.partnership, "产业增加值", w.tf.pk, w.lj.pk, PERIODS)
    assert series[0] == {"period": "2020", "similarity": None, "krugman": None}
    assert series[1]["similarity"] == pytest.approx(analytics.structure_similarity(a, b))
    assert series[1]["krugman"] == pytest.approx(0.2)  # |0.1-0.2| + |0.4-0.3| + 0
    lq = benchmarking.location_quotients(w.partnership, "产业增加值", [w.tf.pk, w.lj.pk], "2021")
    assert lq["lq"][w.tf.pk] == pytest.approx([0.1 / 0.15, 0.4 / 0.35, 1.0])
    charts = {c.key for c in benchmarking.run_charts(w.run)}
    assert {"score-IDX", "radar", "coupling", "ranks", "structure", "lq"} <= charts


def test_a_csv_download_never_carries_a_formula(client, w):
    """CSV has no text cells: a name that a spreadsheet would run as a formula is written behind a quote."""
    office = w.users["office"]
    with acting(office):
        services.update_indicator(w.gdppc, user=office, version=w.gdppc.version, name='=HYPERLINK("http://x","点我")')
    run = start(w, title="恶意名称")
    client.force_login(office)
    body = client.get(reverse("indicators:run_download", args=[run.pk, "gaps", "csv"])).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in body
    assert "\n=HYPERLINK" not in body
    assert ",=HYPERLINK" not in body
    assert '"=HYPERLINK' not in body


def test_the_run_page_regenerates_a_run_once_until_the_run_changes(client, w, monkeypatch):
    """Regenerating the largest run takes a second: the page keeps its verdict until the run changes."""
    calls = []
    real = runs.regenerate
    monkeypatch.setattr(runs, "regenerate", lambda run: calls.append(run.pk) or real(run))  # counts, still real
    client.force_login(w.users["leader"])
    url = reverse("indicators:run_detail", args=[w.run.pk])
    for _ in range(3):
        assert "✓" in client.get(url).content.decode().split('id="regenerated"')[1][:40]
    assert calls == [w.run.pk]
    with acting(w.users["office"]):
        runs.publish_run(w.run, user=w.users["office"])
    client.get(url)
    assert calls == [w.run.pk, w.run.pk]
