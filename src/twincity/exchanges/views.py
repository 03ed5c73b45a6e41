"""Pages of the register of secondments beyond its declaration (``register.py``): the host's evaluation
and the correction of a filed report."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from twincity.accounts.choices import Action
from twincity.core.services import ConflictError
from twincity.core.views import StepView, message_of, restricted_object
from twincity.exchanges import forms, services
from twincity.exchanges.models import HostedSecondment
from twincity.exchanges.register import LIVE_REPORTS
from twincity.exchanges.register import reports_of as _reports_of

# Only the host may evaluate: anyone else (the home side included) does not find this step at all.
evaluate = StepView.as_view(
    queryset=HostedSecondment.objects,
    run=lambda hosted, user, data: services.evaluate(hosted, user=user, **data),
    form_class=forms.EvaluationForm,
    done=gettext_lazy("Evaluation saved."),
    entry=lambda hosted: reverse("exchanges:secondment", args=[hosted.pk]),
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
