from django.http import Http404, HttpResponse

from twincity.accounts.access import can_audit
from twincity.accounts.choices import Action
from twincity.audit.excel import export_changes
from twincity.audit.filtersets import ObjectChangeFilterSet
from twincity.audit.models import ObjectChange
from twincity.audit.tables import ROW_FIELDS, ObjectChangeTable
from twincity.core.views import XLSX, ObjectListView


def require_auditor(user) -> None:
    """The audit log is the auditors' and the office's: anyone else gets the 404 of a page that is not there."""
    if not can_audit(user):
        raise Http404


class ObjectChangeListView(ObjectListView):
    """The audit log: every recorded change in the partnerships the user audits (auditors and the office)."""

    # What a row shows (``audit.tables.ROW_FIELDS``): the author's names, not their whole account. The kind of each
    # change comes from Django's cache of kinds (``ObjectChangeTable.before_render``), not joined to every row.
    queryset = ObjectChange.objects.select_related("user").only(*ROW_FIELDS)
    filterset_class = ObjectChangeFilterSet
    table_class = ObjectChangeTable
    template_name = "audit/log.html"
    action = Action.AUDIT

    def get(self, request, *args, **kwargs):
        require_auditor(request.user)
        return super().get(request, *args, **kwargs)

    def get_extra_context(self):
        return {"nav": "audit"}


class ObjectChangeExportView(ObjectListView):
    """The filtered audit log as an Excel file (every partnership the user audits, as the page shows it)."""

    queryset = ObjectChange.objects.all()
    filterset_class = ObjectChangeFilterSet
    action = Action.AUDIT

    def get(self, request, *args, **kwargs):
        require_auditor(request.user)
        filterset = self.filterset_class(request.GET, queryset=self.get_queryset(), request=request)
        if not filterset.is_valid():
            raise Http404
        response = HttpResponse(export_changes(filterset.qs), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="audit-log.xlsx"'
        return response
