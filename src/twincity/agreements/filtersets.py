import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twincity.agreements.choices import AgreementStatus
from twincity.agreements.models import Agreement, Obligation
from twincity.core.filtersets import StyledFilterSet, visible_to_requester
from twincity.regions.models import Organisation, Region
from twincity.registers.filtersets import RegisterFilterSet


class AgreementFilterSet(RegisterFilterSet):
    # The state as of today: "expired" is read from the date (see models), so it filters through the annotation.
    state = django_filters.MultipleChoiceFilter(
        choices=AgreementStatus.choices,
        method="filter_state",
        label=_("Status"),
        widget=forms.CheckboxSelectMultiple,
    )
    side = django_filters.ModelChoiceFilter(
        queryset=visible_to_requester(Region), field_name="parties__side", distinct=True, label=_("Side")
    )
    unit = django_filters.ModelChoiceFilter(
        queryset=visible_to_requester(Organisation),
        field_name="parties__organisation",
        distinct=True,
        label=_("Party"),
    )
    topic = django_filters.CharFilter(lookup_expr="icontains", label=_("Area of cooperation"))
    expiring = django_filters.NumberFilter(
        method="filter_expiring", min_value=0, max_value=3650, label=_("Due for renewal within (days)")
    )

    class Meta:
        model = Agreement
        fields = ["q", "partnership", "state", "field", "side", "unit", "topic", "expiring"]

    def filter_state(self, queryset, name, value):
        return queryset.state_in(value, timezone.localdate()) if value else queryset

    def filter_expiring(self, queryset, name, value):
        return queryset.due_for_decision(timezone.localdate(), int(value))


class ObligationFilterSet(StyledFilterSet):
    """The obligations of one agreement, or of one side (for the API)."""

    agreement = django_filters.ModelChoiceFilter(queryset=visible_to_requester(Agreement), label=_("Agreement"))
    side = django_filters.ModelChoiceFilter(queryset=visible_to_requester(Region), label=_("Side"))

    class Meta:
        model = Obligation
        fields = ["agreement", "side"]
