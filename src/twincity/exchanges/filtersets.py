import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from twincity.core.filtersets import visible_to_requester
from twincity.exchanges.choices import Rank, Rating, SecondmentStatus
from twincity.exchanges.models import Secondment
from twincity.exchanges.querysets import status_expression
from twincity.regions.models import Organisation, Region
from twincity.registers.filtersets import RegisterFilterSet


class SecondmentFilterSet(RegisterFilterSet):
    status = django_filters.MultipleChoiceFilter(
        choices=SecondmentStatus.choices,
        method="filter_status",
        label=_("Status"),
        widget=forms.CheckboxSelectMultiple,
    )
    home_side = django_filters.ModelChoiceFilter(queryset=visible_to_requester(Region), label=_("Sent by"))
    unit = django_filters.ModelChoiceFilter(
        queryset=visible_to_requester(Organisation), method="filter_unit", label=_("Unit (home or host)")
    )
    rank = django_filters.MultipleChoiceFilter(
        choices=Rank.choices, distinct=False, label=_("Rank"), widget=forms.CheckboxSelectMultiple
    )
    rating = django_filters.MultipleChoiceFilter(
        choices=Rating.choices, distinct=False, label=_("Rating"), widget=forms.CheckboxSelectMultiple
    )
    ending_within = django_filters.NumberFilter(
        method="filter_ending_within", label=_("Term ends within (days)"), min_value=0, max_value=3650
    )

    class Meta:
        model = Secondment
        fields = ["q", "partnership", "status", "home_side", "unit", "rank", "rating", "field", "ending_within"]

    def filter_status(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.alias(_status=status_expression()).filter(_status__in=value)

    @extend_schema_field(OpenApiTypes.INT)  # the unit's id
    def filter_unit(self, queryset, name, value):
        return queryset.filter(Q(home_organisation=value) | Q(host_organisation=value))

    def filter_ending_within(self, queryset, name, value):
        return queryset.ending_within(int(value))
