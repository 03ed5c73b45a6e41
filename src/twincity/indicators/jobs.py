"""Background jobs (``Job``): a long task a person started, done by the ``db_worker``, with progress and cancel.

The interface every long task uses (imports here, index runs elsewhere)::

    job = jobs.start(partnership, kind, title, user, params)  # a queued Job (the caller enqueues its task)
    jobs.progress(job, done, total)                           # the bar; the first call marks the job running
    if jobs.cancelled(job): ...                               # asked between chunks; roll back and stop
    jobs.finish(job, result={...})                            # done, with what it did (JSON)
    jobs.fail(job, message)                                   # failed, with the reason said to the person
    jobs.cancel(job, user)                                    # someone asks it to stop (its owner or the office)
    jobs.mark_cancelled(job)                                  # the worker stopped on that request

``progress`` must be seen by the page polling the job while the worker is still inside the transaction that
will either commit all of the task's writes or none. On PostgreSQL it therefore writes on a connection of
its own, in autocommit (only ``done``, ``total`` and ``message``, which the trail leaves out); the worker's
transaction never writes the job's row after it began, so a person's cancel request is never blocked by it.
On SQLite (one writer for the whole database) the counts are written in the worker's own connection and
are seen when the task commits; the cancel request waits for the same reason. Status changes (running,
finished, failed, cancelled, the cancel request) are saved with ``save_fields`` and leave a change record.
"""

from __future__ import annotations

import threading

from django.core.exceptions import PermissionDenied
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from twincity.accounts.access import is_office, memberships, require_in
from twincity.accounts.choices import Action
from twincity.core.services import save_fields
from twincity.indicators.choices import FINISHED_JOB_STATUSES, JobStatus
from twincity.indicators.models import Job

# One side connection per thread: a database connection belongs to the thread that opened it (the worker, or a
# request thread that runs a small job at once).
_side = threading.local()


def start(partnership, kind: str, title: str, user, params: dict | None = None, *, file=None) -> Job:
    """A new queued job of ``user`` in ``partnership`` (a member of it). The caller enqueues the task."""
    require_in(user, Action.VIEW, partnership.pk)
    job = Job(partnership=partnership, kind=kind, title=title[:200], params=params or {}, created_by=user)
    if file is not None:
        job.file = file
    job.save()
    return job


def _side_connection():
    """A connection of this process's own, in autocommit, for progress seen outside the worker's transaction."""
    conn = getattr(_side, "conn", None)
    if conn is None:
        conn = connections.create_connection(DEFAULT_DB_ALIAS)
        with conn.cursor() as cursor:  # a progress line is worth no wait: never hang on a lock (belt and braces)
            cursor.execute("SET lock_timeout = '10s'")
        _side.conn = conn
    return conn


def close_side_connection() -> None:
    conn = getattr(_side, "conn", None)
    _side.conn = None
    if conn is not None:
        conn.close()


def _write_counts(job: Job, **values) -> None:
    # done/total/message are left out of the trail (Job.audit_exclude): a plain UPDATE of them leaves none.
    table = Job._meta.db_table
    names = list(values)
    conn = connection
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        conn = _side_connection()
    quote = conn.ops.quote_name
    sets = ", ".join(f"{quote(name)} = %s" for name in names)
    if conn is connection:
        where = "id = %s"
    else:
        # The side connection must never wait for the row: when the worker's own transaction holds it (it changed
        # the job before), waiting would be a deadlock PostgreSQL cannot see (one process, two connections).
        where = f"id = (SELECT id FROM {quote(table)} WHERE id = %s FOR UPDATE SKIP LOCKED)"
    with conn.cursor() as cursor:
        cursor.execute(f"UPDATE {quote(table)} SET {sets} WHERE {where}", [*values.values(), job.pk])
        updated = cursor.rowcount
    if conn is not connection and not updated:  # not committed yet, or held by our own transaction: ours then
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {quote(table)} SET {sets} WHERE id = %s", [*values.values(), job.pk])
    for name, value in values.items():
        setattr(job, name, value)


def begin(job: Job, *, total: int | None = None) -> Job:
    """Mark the job running (a change record), outside any transaction of the task's writes."""
    job.status = JobStatus.RUNNING
    job.started_at = job.started_at or timezone.now()
    save_fields(job, ["status", "started_at"])
    if total is not None:
        _write_counts(job, done=0, total=total)
    return job


def progress(job: Job, done: int, total: int, message: str | None = None) -> None:
    """How far the job is (``done`` of ``total``); the first call marks a queued job running."""
    if job.status == JobStatus.QUEUED:
        begin(job)
    values = {"done": max(0, int(done)), "total": max(0, int(total))}
    if message is not None:
        values["message"] = message
    _write_counts(job, **values)


def cancelled(job: Job) -> bool:
    """Has someone asked the job to stop? Read afresh (the worker asks between chunks)."""
    return bool(Job.objects.filter(pk=job.pk, cancel_requested=True).exists())


def _end(job: Job, status: str, *, result: dict | None = None, message: str | None = None) -> Job:
    job.status, job.finished_at = status, timezone.now()
    fields = ["status", "finished_at"]
    if result is not None:
        job.result = result
        fields.append("result")
    if message is not None:
        job.message = message
        fields.append("message")
    save_fields(job, fields)
    return job


def finish(job: Job, result: dict | None = None) -> Job:
    """The job is done; ``result`` (JSON) says what it did."""
    if job.total and job.done < job.total:
        _write_counts(job, done=job.total)
    return _end(job, JobStatus.DONE, result=result if result is not None else job.result)


def fail(job: Job, message: str) -> Job:
    """The job failed; ``message`` says why, in words for the person who started it."""
    return _end(job, JobStatus.FAILED, message=str(message)[:5000])


def mark_cancelled(job: Job) -> Job:
    """The worker stopped on a cancel request (after rolling back its writes)."""
    return _end(job, JobStatus.CANCELLED, message=_("Cancelled: nothing was written."))


def may_cancel(user, job: Job) -> bool:
    return job.status not in FINISHED_JOB_STATUSES and (
        job.created_by_id == getattr(user, "pk", None) or is_office(user, job.partnership_id)
    )


def cancel(job: Job, user) -> Job:
    """Ask a running or queued job to stop (its owner or the office). A queued job stops at once."""
    if not may_cancel(user, job):
        raise PermissionDenied(_("Only who started the job, or the office, may cancel it while it runs."))
    job.refresh_from_db(fields=["status", "cancel_requested"])
    if job.status in FINISHED_JOB_STATUSES:
        return job
    job.cancel_requested = True
    save_fields(job, ["cancel_requested"])
    return job


def visible_jobs(user, partnership=None):
    """The jobs a person sees: their own; the office, all of its partnership's."""

    offices = [m.partnership_id for m in memberships(user) if is_office(user, m.partnership_id)]
    queryset = Job.objects.filter(Q(created_by=user) | Q(partnership_id__in=offices))
    if getattr(user, "is_superuser", False):
        queryset = Job.objects.all()
    if partnership is not None:
        queryset = queryset.filter(partnership=partnership)
    return queryset.select_related("partnership", "created_by")
