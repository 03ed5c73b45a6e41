from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twincity.core.forms import StyledFormMixin, VersionedFormMixin
from twincity.exchanges.choices import Rating
from twincity.exchanges.models import Secondment
from twincity.exchanges.services import EDITABLE_FIELDS
from twincity.registers.forms import RegisterForm


class SecondmentForm(RegisterForm):
    """The record of a secondment; its sides follow from the two units (the title too, when left empty)."""

    class Meta:
        model = Secondment
        fields = EDITABLE_FIELDS
        help_texts = {"title": _("Left empty: “home unit to host unit”.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        self.fields["objectives"].widget.attrs["rows"] = 3
        self.fields["note"].widget.attrs["rows"] = 2


class ReportForm(StyledFormMixin, forms.Form):
    period = forms.CharField(label=_("Period"), max_length=20, help_text=_("For example 2020-Q3 or 2020-09"))
    reported_on = forms.DateField(label=_("Reported on"), widget=forms.DateInput(), initial=timezone.localdate)
    text = forms.CharField(label=_("Report"), widget=forms.Textarea(attrs={"rows": 4}))


class ReportEditForm(VersionedFormMixin, forms.Form):
    period = forms.CharField(label=_("Period"), max_length=20, help_text=_("For example 2020-Q3 or 2020-09"))
    text = forms.CharField(label=_("Report"), widget=forms.Textarea(attrs={"rows": 6}))


class CutShortForm(StyledFormMixin, forms.Form):
    on = forms.DateField(label=_("Last day of the term"), widget=forms.DateInput(), initial=timezone.localdate)
    reason = forms.CharField(label=_("Reason"), max_length=500)


class EvaluationForm(StyledFormMixin, forms.Form):
    rating = forms.ChoiceField(label=_("Rating"), choices=Rating.choices)
    evaluation = forms.CharField(label=_("Evaluation"), widget=forms.Textarea(attrs={"rows": 4}))
    evaluated_on = forms.DateField(label=_("Evaluated on"), widget=forms.DateInput(), initial=timezone.localdate)
