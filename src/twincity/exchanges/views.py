"""Pages of the register of secondments beyond its declaration (``register.py``): the host's evaluation
and the correction of a filed report."""

from django.utils.translation import gettext_lazy

from twincity.accounts.choices import Action
from twincity.core.views import ReportCorrectionView, StepView
from twincity.exchanges import forms, services
from twincity.exchanges.models import Secondment
from twincity.exchanges.register import LIVE_REPORTS
from twincity.exchanges.register import reports_of as _reports_of

# Only the host may evaluate: anyone else (the home side included) does not find this step at all.
evaluate = StepView.as_view(
    queryset=Secondment.objects,
    run=lambda secondment, user, data: services.evaluate(secondment, user=user, **data),
    form_class=forms.EvaluationForm,
    done=gettext_lazy("Evaluation saved."),
    action=Action.EVALUATE,
)


class ReportEditView(ReportCorrectionView):
    """Correct a filed report: either unit's contact, either coordinator, or the office."""

    queryset = LIVE_REPORTS
    form_class = forms.ReportEditForm
    template_name = "exchanges/report_form.html"
    extra_context = {"nav": "exchanges", "nav_is_register": True}

    def update(self, report, **data):
        services.update_report(report, **data)

    def get_context_data(self, **kwargs):
        return super().get_context_data(back=self.get_success_url(), **kwargs)

    def get_success_url(self) -> str:
        return _reports_of(self.object)
