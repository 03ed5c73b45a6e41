from django.http import Http404

from twincity.accounts.access import can_audit
from twincity.accounts.choices import Action
from twincity.audit.filtersets import ObjectChangeFilterSet
from twincity.audit.models import ObjectChange
from twincity.audit.tables import ObjectChangeTable
from twincity.core.views import ObjectListView


class ObjectChangeListView(ObjectListView):
    """The audit log: every recorded change in the partnerships the user audits (auditors and the office)."""

    queryset = ObjectChange.objects.select_related("changed_object_type")
    filterset_class = ObjectChangeFilterSet
    table_class = ObjectChangeTable
    template_name = "audit/log.html"
    action = Action.AUDIT

    def get(self, request, *args, **kwargs):
        if not can_audit(request.user):
            raise Http404
        return super().get(request, *args, **kwargs)

    def get_extra_context(self):
        return {"nav": "audit"}
