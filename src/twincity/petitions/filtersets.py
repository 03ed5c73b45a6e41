import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from twincity.petitions.choices import PetitionStatus
from twincity.petitions.models import Petition
from twincity.registers.filtersets import RegisterFilterSet


class PetitionFilterSet(RegisterFilterSet):
    year = django_filters.NumberFilter(field_name="year", label=_("Year"))
    status = django_filters.MultipleChoiceFilter(
        choices=PetitionStatus.choices, distinct=False, label=_("Status"), widget=forms.CheckboxSelectMultiple
    )
    target_authority = django_filters.CharFilter(lookup_expr="icontains", label=_("Target authority"))

    class Meta:
        model = Petition
        fields = ["q", "partnership", "year", "status", "field", "target_authority"]
