import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from twincity.core.filtersets import visible_to_requester
from twincity.regions.models import Region
from twincity.registers.filtersets import RegisterFilterSet
from twincity.siting.choices import CaseStatus
from twincity.siting.models import SitingCase


class SitingCaseFilterSet(RegisterFilterSet):
    status = django_filters.MultipleChoiceFilter(
        choices=CaseStatus.choices, distinct=False, label=_("Status"), widget=forms.CheckboxSelectMultiple
    )
    industry = django_filters.CharFilter(lookup_expr="icontains", label=_("Industry"))
    side = django_filters.ModelChoiceFilter(
        field_name="bids__side", queryset=visible_to_requester(Region), distinct=True, label=_("Bidding side")
    )
    decided_side = django_filters.ModelChoiceFilter(queryset=visible_to_requester(Region), label=_("Decided for"))

    class Meta:
        model = SitingCase
        fields = ["q", "partnership", "status", "field", "industry", "side", "decided_side"]
