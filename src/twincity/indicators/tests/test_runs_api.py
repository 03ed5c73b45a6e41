"""The runs API: members read, the office starts and publishes, the outsider gets 404."""

import pytest

from twincity.indicators.tests.test_runs import PERIODS, build_run_scene, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    w = build_run_scene()
    w.run = start(w)
    return w


def body(w):
    return {"partnership": w.partnership.pk, "framework": w.fw.pk, "title": "API", "regions": [w.tf.pk, w.lj.pk],
            "periods": PERIODS, "panel": w.panel.pk}  # fmt: skip


def test_members_read_runs_and_the_outsider_does_not(client, w):
    client.force_login(w.users["lj-unit"])
    listing = client.get("/api/index-runs/").json()
    assert [r["id"] for r in listing["results"]] == [w.run.pk]
    assert "results" in client.get(f"/api/index-runs/{w.run.pk}/").json()
    client.force_login(w.users["outsider"])
    assert client.get(f"/api/index-runs/{w.run.pk}/").status_code == 404
    assert client.post(f"/api/index-runs/{w.run.pk}/publish/").status_code == 404


def test_the_office_starts_and_publishes_through_the_api(client, w):
    client.force_login(w.users["tf-coord"])
    assert client.post("/api/index-runs/", body(w), content_type="application/json").status_code == 403
    assert client.post(f"/api/index-runs/{w.run.pk}/publish/").status_code == 403
    client.force_login(w.users["office"])
    made = client.post("/api/index-runs/", body(w), content_type="application/json")
    assert made.status_code == 201
    assert made.json()["status"] == "done"
    published = client.post(f"/api/index-runs/{w.run.pk}/publish/")
    assert published.status_code == 200
    assert published.json()["published_at"]
    assert client.post(f"/api/index-runs/{w.run.pk}/publish/").status_code == 400
