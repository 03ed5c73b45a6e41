"""Background jobs: the helpers other parts use, the import pages through the personas, progress and cancel."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from twincity.audit.context import acting
from twincity.audit.models import ObjectChange
from twincity.indicators import imports, jobs
from twincity.indicators.choices import JobKind, JobStatus
from twincity.indicators.imports import Options
from twincity.indicators.models import Job, Observation
from twincity.indicators.tasks import run_import
from twincity.indicators.tests.helpers import build_statistics

pytestmark = pytest.mark.django_db
HEAD = "地区,时期,指标,数值,单位\n"


@pytest.fixture
def w():
    return build_statistics()


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_the_helpers_an_index_run_uses(w):
    office = w.users["office"]
    with acting(office):
        job = jobs.start(w.partnership, JobKind.RUN, "测算", office, {"framework": 1})
        assert (job.status, job.params) == (JobStatus.QUEUED, {"framework": 1})
        jobs.progress(job, 3, 10)
        job.refresh_from_db()
        assert (job.status, job.done, job.total, job.percent) == (JobStatus.RUNNING, 3, 10, 30)
        assert not jobs.cancelled(job)
        jobs.finish(job, result={"ok": True})
        job.refresh_from_db()
        assert (job.status, job.result, job.done) == (JobStatus.DONE, {"ok": True}, 10)
        other = jobs.start(w.partnership, JobKind.RUN, "x", office)
        jobs.fail(other, "没有数据")
        other.refresh_from_db()
        assert (other.status, other.message) == (JobStatus.FAILED, "没有数据")
    with pytest.raises(PermissionDenied):
        jobs.start(w.partnership, JobKind.RUN, "x", w.users["outsider"])


def test_a_cancel_request_stops_the_apply_between_chunks_and_writes_nothing(w, settings, monkeypatch):
    user = w.users["office"]
    regions = "".join(
        f"{name},{year},GDP,{year},亿元\n" for name in ("四川", "重庆", "上海") for year in range(2000, 2020)
    )
    with acting(user):
        job = imports.start_import(
            w.partnership, user, SimpleUploadedFile("f.csv", (HEAD + regions).encode()), Options()
        )
    run_import(job.pk)
    job.refresh_from_db()
    assert job.result["rows"] == 60
    before = ObjectChange.objects.count()
    monkeypatch.setattr(imports, "CHUNK", 10)  # a setting of the module, not a mock: small chunks
    with acting(user):
        imports.request_apply(job, user)
        jobs.cancel(job, user)
    run_import(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    assert not Observation.objects.exists()
    assert ObjectChange.objects.count() - before == 4  # the job's own: apply, cancel, running, cancelled


def test_only_the_owner_or_the_office_cancels(w):
    with acting(w.users["lj-unit"]):
        job = jobs.start(w.partnership, JobKind.IMPORT, "f", w.users["lj-unit"])
    with pytest.raises(PermissionDenied):
        jobs.cancel(job, w.users["tf-coord"])
    with acting(w.users["office"]):
        jobs.cancel(job, w.users["office"])
    assert Job.objects.get().cancel_requested


def _upload(client, w, text, **extra):
    return client.post(
        reverse("indicators:import", args=[w.partnership.pk]),
        {"file": SimpleUploadedFile("f.csv", text.encode()), "layout": "long", **extra},
    )


def test_the_pages_upload_preview_apply(client, w):
    client.force_login(w.users["lj-unit"])
    assert client.get(reverse("indicators:import", args=[w.partnership.pk])).status_code == 200
    response = _upload(client, w, f"{HEAD}{w.lj.name},2020,GDP,5,亿元\n{w.tf.name},2020,GDP,5,亿元\n")
    job = Job.objects.get()
    assert response.url == reverse("indicators:job_detail", args=[job.pk])
    page = client.get(response.url).content.decode()
    assert "import-errors" in page
    assert "import-apply" not in page
    _upload(client, w, f"{HEAD}{w.lj.name},2020,GDP,5,亿元\n")
    job = Job.objects.first()
    page = client.get(reverse("indicators:job_detail", args=[job.pk])).content.decode()
    assert "import-preview" in page
    assert "import-apply" in page
    client.post(reverse("indicators:job_apply", args=[job.pk]))
    assert Observation.objects.get().region_id == w.lj.pk
    listing = client.get(reverse("indicators:job_list"), {"partnership": w.partnership.pk}).content.decode()
    assert f'data-job="{job.pk}"' in listing
    assert reverse("indicators:job_detail", args=[job.pk]) in listing
    fragment = client.get(reverse("indicators:job_detail", args=[job.pk]), headers={"HX-Request": "true"})
    assert b"job-progress" in fragment.content


@pytest.mark.parametrize("persona", ["outsider"])
def test_the_pages_are_404_to_an_outsider(client, w, persona):
    with acting(w.users["office"]):
        job = jobs.start(w.partnership, JobKind.IMPORT, "f", w.users["office"])
    client.force_login(w.users[persona])
    for url in (
        reverse("indicators:import", args=[w.partnership.pk]),
        reverse("indicators:alias_list", args=[w.partnership.pk]),
        reverse("indicators:job_detail", args=[job.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("indicators:job_cancel", args=[job.pk])).status_code == 404
    assert f'data-job="{job.pk}"' not in client.get(reverse("indicators:job_list")).content.decode()


def test_a_side_does_not_see_another_persons_job_and_the_office_sees_all(client, w):
    with acting(w.users["tf-coord"]):
        job = jobs.start(w.partnership, JobKind.IMPORT, "f", w.users["tf-coord"])
    client.force_login(w.users["lj-coord"])
    assert client.get(reverse("indicators:job_detail", args=[job.pk])).status_code == 404
    client.force_login(w.users["office"])
    assert client.get(reverse("indicators:job_detail", args=[job.pk])).status_code == 200


def test_the_office_adds_an_alias_and_a_coordinator_cannot(client, w):
    url = reverse("indicators:alias_list", args=[w.partnership.pk])
    client.force_login(w.users["tf-coord"])
    client.post(url, {"alias": "两 藏", "region": w.provinces[3].pk})
    assert b"\xe4\xb8\xa4\xe8\x97\x8f" not in client.get(url).content
    client.force_login(w.users["office"])
    client.post(url, {"alias": "两 藏", "region": w.provinces[3].pk})
    assert b"\xe4\xb8\xa4\xe8\x97\x8f" in client.get(url).content  # 两藏


@override_settings(TWINCITY_INDICATOR_SYNC_ROWS=1)
def test_a_large_file_goes_to_the_worker(client, w, django_capture_on_commit_callbacks):
    client.force_login(w.users["office"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _upload(client, w, f"{HEAD}四川,2020,GDP,1,亿元\n重庆,2020,GDP,1,亿元\n")
    job = Job.objects.get()
    assert job.status == JobStatus.QUEUED
    assert len(callbacks) == 1
    run_import(job.pk)  # what the worker runs
    job.refresh_from_db()
    assert job.result["rows"] == 2


@pytest.mark.django_db(transaction=True)
@override_settings(TWINCITY_INDICATOR_SYNC_ROWS=1)
def test_the_real_db_worker_checks_then_applies_a_large_import(client):
    w = build_statistics()
    client.force_login(w.users["office"])
    _upload(client, w, f"{HEAD}四川,2020,GDP,1,亿元\n重庆,2020,GDP,2,亿元\n")
    job = Job.objects.get()
    assert job.status == JobStatus.QUEUED
    assert DBTaskResult.objects.count() == 1
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    job.refresh_from_db()
    assert (job.status, job.result["stage"], job.result["new"]) == (JobStatus.DONE, "checked", 2)
    client.post(reverse("indicators:job_apply", args=[job.pk]))
    assert not Observation.objects.exists()  # queued for the worker
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    job.refresh_from_db()
    assert (job.status, job.result["stage"], job.done, job.total) == (JobStatus.DONE, "applied", 2, 2)
    assert Observation.objects.count() == 2
