"""A long export of figures goes to the background worker, shows its progress and is downloaded from its job's
page by who asked (and the office); a short one is written at once. A job's progress never waits on a lock its
own transaction holds."""

from __future__ import annotations

import io

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from twincity.audit.context import acting
from twincity.core.services import save_fields
from twincity.indicators import exports, jobs
from twincity.indicators.choices import JobKind, JobStatus
from twincity.indicators.models import Job
from twincity.indicators.tests.helpers import build_statistics, figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    w = build_statistics()
    figures(
        w,
        w.users["office"],
        [(w.gdp, region, str(year), 100 + year) for region in (w.tf, w.lj) for year in range(2015, 2021)],
    )
    return w


def _url(w, query=""):
    return reverse("indicators:observation_export", args=[w.partnership.pk]) + query


def test_a_short_export_is_written_at_once(client, w):
    client.force_login(w.users["lj-unit"])
    response = client.get(_url(w))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 1 + 12
    assert not Job.objects.exists()


@override_settings(TWINCITY_INDICATOR_SYNC_ROWS=5)
def test_a_long_export_is_written_by_the_worker_and_downloaded_from_its_job(
    client, w, django_capture_on_commit_callbacks
):
    client.force_login(w.users["lj-coord"])
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.get(_url(w, f"?region={w.lj.pk}"))
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("indicators:job_detail", args=[job.pk])
    assert (job.kind, job.status, len(queued)) == (JobKind.EXPORT, JobStatus.QUEUED, 1)

    assert exports.run_export(job.pk) == {"status": JobStatus.DONE, "rows": 6}
    job.refresh_from_db()
    assert (job.done, job.total) == (6, 6)
    page = client.get(reverse("indicators:job_detail", args=[job.pk])).content.decode()
    assert 'id="job-download"' in page
    body = b"".join(client.get(reverse("indicators:job_download", args=[job.pk])).streaming_content)
    rows = list(load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))
    assert len(rows) == 1 + 6  # the filter as the person set it: Liangjiang's figures only
    assert {r[3] for r in rows[1:]} == {w.lj.code}

    for persona, status in (("office", 200), ("tf-coord", 404), ("leader", 404), ("outsider", 404)):
        client.force_login(w.users[persona])
        assert client.get(reverse("indicators:job_download", args=[job.pk])).status_code == status, persona


@override_settings(TWINCITY_INDICATOR_SYNC_ROWS=5)
def test_a_cancelled_export_keeps_no_file(client, w):
    client.force_login(w.users["office"])
    client.get(_url(w))
    job = Job.objects.get()
    with acting(w.users["office"]):
        jobs.cancel(job, w.users["office"])
    assert exports.run_export(job.pk) == {"status": JobStatus.CANCELLED}
    job.refresh_from_db()
    assert not job.file
    assert client.get(reverse("indicators:job_download", args=[job.pk])).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_progress_inside_the_jobs_own_transaction_does_not_wait_for_itself():
    """The worker changes its job and reports progress in one transaction: the progress goes through (on
    PostgreSQL through a side connection that must not wait for the row the transaction holds)."""
    w = build_statistics()
    office = w.users["office"]
    with acting(office):
        job = jobs.start(w.partnership, JobKind.EXPORT, "f", office)
    with transaction.atomic(), acting(office):
        job.status = JobStatus.RUNNING
        save_fields(job, ["status"])  # the row is now locked by this transaction
        jobs.progress(job, 1, 2)
    job.refresh_from_db()
    assert (job.done, job.total) == (1, 2)
    jobs.close_side_connection()
