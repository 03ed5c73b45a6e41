"""Background tasks of the indicator system (``django.tasks``, database backend, run by ``twincity db_worker``).

``import_figures(job_id)`` checks or applies an import job's file (``job.params["stage"]``: ``check`` or
``apply``); ``export_figures(job_id)`` writes a long export's workbook (``indicators.exports``); index runs have
their task beside them (``indicators.runs.index_run``). Tests call the functions the tasks call
(``run_import``, ``exports.run_export``, ``runs.run_job``) on a real database.
"""

from __future__ import annotations

from django.tasks import task

from twincity.indicators import exports, jobs
from twincity.indicators.imports import run_job


def run_import(job_id: int) -> dict:

    return run_job(job_id)


@task
def import_figures(job_id: int) -> dict:
    """Check or apply a large import in the background (see ``indicators.imports``)."""
    try:
        return run_import(job_id)
    finally:
        jobs.close_side_connection()


@task
def export_figures(job_id: int) -> dict:
    """Write a long export of figures in the background (see ``indicators.exports``)."""
    try:
        return exports.run_export(job_id)
    finally:
        jobs.close_side_connection()
