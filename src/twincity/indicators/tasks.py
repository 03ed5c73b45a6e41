"""Background tasks of the indicator system (``django.tasks``, database backend, run by ``twincity db_worker``).

``import_figures(job_id)`` checks or applies an import job's file (``job.params["stage"]``: ``check`` or
``apply``). Tests call ``run_import(job_id)`` (the same function, without the queue) on a real database.
"""

from __future__ import annotations

from django.tasks import task

from twincity.indicators import jobs
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
