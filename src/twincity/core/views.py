"""Generic views every app builds its pages from, and the few pages of the core itself."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import connection
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django_tables2 import RequestConfig

from twincity.accounts.access import can, may_act_in, partnerships_for
from twincity.accounts.choices import Action
from twincity.core.models import Attachment


def healthz(request):
    """200 when the application and its database answer; 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "error", "database": str(exc.__class__.__name__)}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})


@login_required
def home(request):
    partnerships = partnerships_for(request.user)
    if len(partnerships) >= 1:
        return redirect("dashboard", pk=partnerships[0].pk)
    return render(request, "core/no_partnership.html", status=200)


def restricted_object(request, queryset, action: str = Action.VIEW, **lookup):
    """The object if the user may ``action`` it, else 404 (never a 403 that confirms it exists)."""
    return get_object_or_404(queryset.restrict(request.user, action), **lookup)


def editable_partnership(request, wanted: str | None):
    """The partnership (the one asked for, else the first) the user may add records to; 404 if none."""
    partnerships = [p for p in partnerships_for(request.user) if may_act_in(request.user, Action.CHANGE, p.pk)]
    chosen = next((p for p in partnerships if str(p.pk) == wanted), partnerships[0] if partnerships else None)
    if chosen is None:
        raise Http404
    return chosen


class ObjectListView(LoginRequiredMixin, View):
    """A filtered, sortable, paginated table; an htmx request gets only the table fragment.

    Subclasses set ``queryset``, ``filterset_class``, ``table_class`` and ``template_name``; the
    queryset is always narrowed by ``restrict`` before filtering.
    """

    queryset = None
    filterset_class = None
    table_class = None
    template_name = ""
    partial_name = "results"
    per_page = 50
    action = Action.VIEW

    def get_queryset(self):
        return self.queryset.all().restrict(self.request.user, self.action)

    def get_extra_context(self) -> dict:
        return {}

    def get_table_kwargs(self) -> dict:
        return {}

    def get(self, request, *args, **kwargs):
        queryset = self.get_queryset()
        filterset = self.filterset_class(request.GET, queryset=queryset, request=request)
        rows = filterset.qs if filterset.is_valid() else queryset.none()
        table = self.table_class(rows, request=request, **self.get_table_kwargs())
        RequestConfig(request, paginate={"per_page": _per_page(request, self.per_page)}).configure(table)
        context = {"filterset": filterset, "table": table, "view": self, **self.get_extra_context()}
        template = (
            f"{self.template_name}#{self.partial_name}"
            if request.htmx and not request.htmx.boosted
            else self.template_name
        )
        return render(request, template, context)


def _per_page(request, default: int) -> int:
    try:
        value = int(request.GET.get("per_page", default))
    except ValueError:
        return default
    return max(10, min(value, 500))


@login_required
def attachment_download(request, pk: int):
    """Uploaded files are served only here, to those who may see the object they belong to."""
    attachment = restricted_object(request, Attachment.objects.filter(archived_at__isnull=True), pk=pk)
    parent = attachment.parent
    if parent is None or not can(request.user, Action.VIEW, parent):
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("The file is missing from storage.")) from exc
    response = FileResponse(handle, as_attachment=True, filename=attachment.name)
    response["Content-Type"] = "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def csrf_failure(request, reason=""):
    return HttpResponse(
        _("Your session expired or the form was sent twice. Go back, reload and try again."), status=403
    )
