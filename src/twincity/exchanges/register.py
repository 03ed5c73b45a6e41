"""The register of secondments, declared once: its pages, its steps (reports, cutting short) and its menu entry.

The host's evaluation and the correction of a report are in ``views.py``.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy

from twincity.accounts.access import can
from twincity.accounts.choices import Action
from twincity.exchanges import excel, forms, services
from twincity.exchanges.choices import SecondmentStatus
from twincity.exchanges.filtersets import SecondmentFilterSet
from twincity.exchanges.models import Secondment, SecondmentReport
from twincity.exchanges.tables import SecondmentTable
from twincity.registers.declaration import Declaration, Step

REPORTS_ANCHOR = "#reports"
LIVE_REPORTS = SecondmentReport.objects.filter(archived_at__isnull=True).select_related("secondment")


def reports_of(report) -> str:
    return report.secondment.get_absolute_url() + REPORTS_ANCHOR


STEPS = (
    # A unit's contact files reports: this step is found with "report".
    Step(
        "file_report",
        lambda secondment, user, data: services.file_report(secondment, user=user, **data),
        url="<int:pk>/report/",
        form=forms.ReportForm,
        done=gettext_lazy("Report filed."),
        action=Action.REPORT,
    ),
    Step(
        "cut_short",
        lambda secondment, user, data: services.cut_short(secondment, user=user, **data),
        url="<int:pk>/cut-short/",
        form=forms.CutShortForm,
        done=gettext_lazy("The term is recorded as cut short."),
    ),
    Step(
        "report_archive",
        lambda report, user, data: services.archive_report(report, user=user),
        url="reports/<int:pk>/archive/",
        queryset=LIVE_REPORTS,
        done=gettext_lazy("Report withdrawn. It stays in the history."),
        entry=reports_of,
        action=Action.REPORT,
    ),
)


class SecondmentRegister(Declaration):
    model = Secondment
    label = gettext_lazy("Secondments")
    icon = "person-badge"
    order = 40
    filterset_class = SecondmentFilterSet
    table_class = SecondmentTable
    form_class = forms.SecondmentForm
    workbook = excel.SecondmentWorkbook()
    follow_up = True
    list_select_related = ("field", "home_organisation", "host_organisation")
    detail_fields = services.FACTS
    steps = STEPS

    def list_queryset(self):
        return super().list_queryset().with_status()

    def detail_queryset(self):
        return Secondment.objects.select_related(
            "partnership", "field", "home_organisation", "host_organisation", "home_side", "host_side", "evaluated_by"
        )

    def create(self, **data):
        return services.create_secondment(**data)

    def update(self, obj, **data):
        return services.update_secondment(obj, **data)

    def detail_context(self, request, obj):
        today = timezone.localdate()
        status = obj.status_on(today)
        can_change = can(request.user, Action.CHANGE, obj)
        live = not obj.is_archived
        reports = list(obj.reports.filter(archived_at__isnull=True).select_related("filed_by"))
        may_report = live and not obj.is_evaluated and status != SecondmentStatus.PLANNED
        may_report = may_report and can(request.user, Action.REPORT, obj)
        for report in reports:
            report.may_correct = live and can(request.user, Action.REPORT, report)
        return {
            "status": status,
            "status_label": SecondmentStatus(status).label,
            "days_left": (obj.last_day - today).days,
            "reports": reports,
            "may_report": may_report,
            "may_cut_short": live and can_change and status == SecondmentStatus.ACTIVE and not obj.cut_short_on,
            "may_evaluate": live and today >= obj.last_day and services.may_evaluate(request.user, obj),
            "report_form": forms.ReportForm(),
            "cut_short_form": forms.CutShortForm(),
            "evaluation_form": forms.EvaluationForm(
                initial={"rating": obj.rating, "evaluation": obj.evaluation} if obj.is_evaluated else None
            ),
        }


secondments = SecondmentRegister()
