"""Downloads of a session's papers: the meeting pack and the minutes (PDF, .docx).

Each view fetches the session through the access door (someone who may not see it gets a 404) and
renders on the fly: the papers always show the current state of the work. Mounted by
``meetings/urls.py``::

    path("sessions/<int:pk>/pack.pdf", views_documents.pack_pdf, name="pack_pdf"),
    path("sessions/<int:pk>/minutes.pdf", views_documents.minutes_pdf, name="minutes_pdf"),
    path("sessions/<int:pk>/minutes.docx", views_documents.minutes_docx, name="minutes_docx"),
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from twincity.audit.services import log_event
from twincity.core.views import restricted_object
from twincity.meetings import documents
from twincity.meetings.models import Session

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _session(request, pk: int) -> Session:
    return restricted_object(
        request, Session.objects.select_related("series", "partnership", "host").filter(archived_at__isnull=True), pk=pk
    )


def _download(payload: bytes, content_type: str, filename: str, *, inline: bool) -> HttpResponse:
    response = HttpResponse(payload, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _name(session: Session, what: str, ext: str) -> str:
    return f"session-{session.series_id}-{session.number}-{what}.{ext}"


@login_required
@require_GET
def pack_pdf(request, pk: int):
    session = _session(request, pk)
    payload = documents.render_pack_pdf(session)
    log_event("meeting.pack_downloaded", session, user=request.user)
    return _download(payload, "application/pdf", _name(session, "pack", "pdf"), inline=True)


@login_required
@require_GET
def minutes_pdf(request, pk: int):
    session = _session(request, pk)
    payload = documents.render_minutes_pdf(session)
    log_event("meeting.minutes_downloaded", session, user=request.user, data={"format": "pdf"})
    return _download(payload, "application/pdf", _name(session, "minutes", "pdf"), inline=True)


@login_required
@require_GET
def minutes_docx(request, pk: int):
    session = _session(request, pk)
    payload = documents.render_minutes_docx(session)
    log_event("meeting.minutes_downloaded", session, user=request.user, data={"format": "docx"})
    return _download(payload, DOCX, _name(session, "minutes", "docx"), inline=False)
