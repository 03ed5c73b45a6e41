"""Exports of figures: the workbook, written now for a short list and by the background worker for a long one.

A long export is a ``Job`` (kind ``export``) of the person who asked: the worker applies the same filter with that
person's access (the filter's choices and the rows go through the door as on the page), writes the workbook
through ``core/xlsx.py`` into the job's file, and the job's page offers it for download to that person and the
office (``indicators:job_download``); cancelling stops it between chunks and keeps no file.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.conf import settings
from django.core.files.base import ContentFile
from django.http import QueryDict
from django.utils import translation
from django.utils.translation import gettext as _

from twincity.accounts.choices import Action
from twincity.core.services import save_fields
from twincity.core.xlsx import ExportBook
from twincity.indicators import jobs
from twincity.indicators.choices import JobKind, JobStatus
from twincity.indicators.filtersets import ObservationFilterSet
from twincity.indicators.models import Job, Observation

CHUNK = 2000


def sync_rows() -> int:
    """Up to this many figures are exported at once; more go to the background worker."""
    return int(getattr(settings, "TWINCITY_INDICATOR_SYNC_ROWS", 20_000))


def figures(user, partnership, query: QueryDict):
    """The figures the person may see in ``partnership``, narrowed by the list's filter (None: an invalid filter)."""
    rows = (
        Observation.objects.restrict(user, Action.VIEW)
        .filter(partnership=partnership)
        .select_related("element", "region", "side", "organisation")
    )
    filterset = ObservationFilterSet(query, queryset=rows, request=SimpleNamespace(user=user))
    return filterset.qs if filterset.is_valid() else None


def workbook(rows, *, progress=None) -> bytes:
    """The figures as an Excel file; ``progress(done)`` is told every chunk (and may raise to stop)."""
    book = ExportBook()
    sheet = book.sheet(str(_("Figures")))
    sheet.append(
        [
            _("Data element code"),
            _("Data element"),
            _("Unit"),
            _("Region code"),
            _("Region"),
            _("Period"),
            _("Value"),
            _("Status"),
            _("Source"),
            _("Note"),
            _("Reported by"),
        ]
    )
    for done, o in enumerate(rows.order_by("element__code", "region__code", "period").iterator(chunk_size=CHUNK), 1):
        sheet.append(
            [
                o.element.code,
                o.element.display_name,
                o.element.unit,
                o.region.code,
                o.region.display_name,
                o.period,
                o.value,
                o.get_status_display(),
                o.source,
                o.note,
                o.organisation.name if o.organisation_id else "",
            ]
        )
        if progress is not None and done % CHUNK == 0:
            progress(done)
    return book.save()


def start_export(partnership, user, query: QueryDict, total: int) -> Job:
    """A long export for the worker (who asked, the filter as they set it, the language they read)."""
    params = {"query": query.urlencode(), "language": translation.get_language() or "", "rows": total}
    return jobs.start(partnership, JobKind.EXPORT, _("Figures (Excel)"), user, params)


class Cancelled(Exception):
    pass


def run_export(job_id: int) -> dict:
    """The worker's part (and the tests'): write the workbook into the job's file, with progress and cancel."""
    job = Job.objects.select_related("partnership", "created_by").get(pk=job_id)
    if job.status != JobStatus.QUEUED:
        return {"status": job.status}
    with translation.override(job.params.get("language") or None):
        if jobs.cancelled(job):
            jobs.mark_cancelled(job)
            return {"status": JobStatus.CANCELLED}
        rows = figures(job.created_by, job.partnership, QueryDict(job.params.get("query", "")))
        if rows is None:
            jobs.fail(job, _("The filter of this export is no longer valid."))
            return {"status": JobStatus.FAILED}
        total = rows.count()
        jobs.begin(job, total=total)

        def progress(done):
            jobs.progress(job, done, total)
            if jobs.cancelled(job):
                raise Cancelled

        try:
            data = workbook(rows, progress=progress)
        except Cancelled:
            jobs.mark_cancelled(job)
            return {"status": JobStatus.CANCELLED}
        job.file.save(f"figures-{job.pk}.xlsx", ContentFile(data), save=False)
        save_fields(job, ["file"])
        jobs.finish(job, result={"rows": total, "file": job.file.name})
        return {"status": JobStatus.DONE, "rows": total}
