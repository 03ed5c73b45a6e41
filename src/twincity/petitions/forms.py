from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twincity.core.forms import StyledFormMixin
from twincity.petitions.choices import ANSWERS, Channel, PetitionStatus
from twincity.petitions.models import Petition
from twincity.regions.models import Organisation
from twincity.registers.forms import RegisterForm


class PetitionForm(RegisterForm):
    """A request's own fields and its drafting units (each goes to its own side's half); the first text on creation."""

    drafting_units = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label=_("Drafting units (both sides)"),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    text = forms.CharField(
        label=_("Jointly agreed text (first version)"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )

    class Meta:
        model = Petition
        fields = ["code", "year", "title", "field", "target_authority", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["text"]  # later versions are revised on the request's page
            self.fields["drafting_units"].initial = [
                u.pk for half in self.instance.sides.all() for u in half.drafting_units.all()
            ]
        else:
            self.fields["year"].initial = timezone.localdate().year


class TextForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label=_("New version of the joint text"), widget=forms.Textarea(attrs={"rows": 8}))


class SubmitForm(StyledFormMixin, forms.Form):
    submitted_on = forms.DateField(label=_("Submitted on"), widget=forms.DateInput(), initial=timezone.localdate)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)


class ResponseForm(StyledFormMixin, forms.Form):
    outcome = forms.ChoiceField(label=_("Answer"), choices=[(s.value, s.label) for s in PetitionStatus if s in ANSWERS])
    response_on = forms.DateField(label=_("Date of the answer"), widget=forms.DateInput())
    response = forms.CharField(label=_("What the authority said"), widget=forms.Textarea(attrs={"rows": 4}))


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)
