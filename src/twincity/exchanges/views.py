"""Pages of the register of secondments: the standard register pages plus reports, cutting short and the evaluation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from twincity.accounts.access import can
from twincity.accounts.choices import Action
from twincity.core.services import ConflictError
from twincity.core.views import restricted_object
from twincity.exchanges import excel, forms, services
from twincity.exchanges.choices import SecondmentStatus
from twincity.exchanges.filtersets import SecondmentFilterSet
from twincity.exchanges.models import Secondment, SecondmentReport
from twincity.exchanges.tables import SecondmentTable
from twincity.registers.views import RegisterViews, message_of, step

REPORTS_ANCHOR = "#reports"
LIVE_REPORTS = SecondmentReport.objects.filter(archived_at__isnull=True).select_related("secondment")


class SecondmentViews(RegisterViews):
    model = Secondment
    filterset_class = SecondmentFilterSet
    table_class = SecondmentTable
    form_class = forms.SecondmentForm
    workbook = excel.SecondmentWorkbook()
    follow_up = True
    list_select_related = ("field", "home_organisation", "host_organisation")
    detail_fields = services.FACTS

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


views = SecondmentViews()


def _reports_of(report) -> str:
    return report.secondment.get_absolute_url() + REPORTS_ANCHOR


# A unit's contact files reports and, for the host, evaluates: these steps are found with "report".
file_report = step(
    Secondment.objects,
    lambda secondment, user, data: services.file_report(secondment, user=user, **data),
    form_class=forms.ReportForm,
    done=gettext_lazy("Report filed."),
    action=Action.REPORT,
)
cut_short = step(
    Secondment.objects,
    lambda secondment, user, data: services.cut_short(secondment, user=user, **data),
    form_class=forms.CutShortForm,
    done=gettext_lazy("The term is recorded as cut short."),
)
# Only the host may evaluate: anyone else (the home side included) does not find this step at all.
evaluate = step(
    Secondment.objects,
    lambda secondment, user, data: services.evaluate(secondment, user=user, **data),
    form_class=forms.EvaluationForm,
    done=gettext_lazy("Evaluation saved."),
    action=Action.EVALUATE,
)
archive_report = step(
    LIVE_REPORTS,
    lambda report, user, data: services.archive_report(report, user=user),
    done=gettext_lazy("Report withdrawn. It stays in the history."),
    entry=_reports_of,
    action=Action.REPORT,
)


@login_required
def edit_report(request, pk):
    """Correct a filed report: either unit's contact, either coordinator, or the office."""
    report = restricted_object(request, LIVE_REPORTS.all(), Action.REPORT, pk=pk)
    back = _reports_of(report)
    form = forms.ReportEditForm(
        request.POST or None, version=report.version, initial={"period": report.period, "text": report.text}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_report(
                report,
                user=request.user,
                version=form.cleaned_data["version"],
                period=form.cleaned_data["period"],
                text=form.cleaned_data["text"],
            )
        except ConflictError:
            form.add_error(None, _("Someone else corrected this report meanwhile. Nothing was overwritten: reload it."))
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, message_of(exc))
        else:
            messages.success(request, _("Report corrected."))
            return redirect(back)
    context = {"form": form, "report": report, "back": back, "nav": "exchanges", "nav_is_register": True}
    return render(request, "exchanges/report_form.html", context)
