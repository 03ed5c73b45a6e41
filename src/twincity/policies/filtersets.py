import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from twincity.core.filtersets import StyledFilterSet, visible_to_requester
from twincity.policies.choices import (
    COMPUTED_STATUSES,
    NOT_COMPARED,
    NOT_COMPARED_LABEL,
    AlignmentStatus,
    ToleranceKind,
)
from twincity.policies.models import AlignmentGroup, Clause, Policy
from twincity.regions.models import Region
from twincity.registers.filtersets import RegisterFilterSet


class PolicyFilterSet(RegisterFilterSet):
    side = django_filters.ModelMultipleChoiceFilter(
        queryset=visible_to_requester(Region), distinct=False, label=_("Side"), widget=forms.CheckboxSelectMultiple
    )
    issuing_body = django_filters.CharFilter(lookup_expr="icontains", label=_("Issuing body"))
    in_force_on = django_filters.DateFilter(
        method="filter_in_force", label=_("In force on"), widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = Policy
        fields = ["q", "partnership", "side", "field", "issuing_body", "in_force_on"]

    def filter_in_force(self, queryset, name, value):
        return queryset.filter(
            Q(effective_on__isnull=True) | Q(effective_on__lte=value),
            Q(expires_on__isnull=True) | Q(expires_on__gte=value),
        )


class AlignmentGroupFilterSet(RegisterFilterSet):
    # "Not compared yet" is how a group with fewer than two sides' clauses shows (its stored status is aligned).
    status = django_filters.MultipleChoiceFilter(
        choices=[*AlignmentStatus.choices, (NOT_COMPARED, NOT_COMPARED_LABEL)],
        method="filter_status",
        distinct=False,
        label=_("Status"),
        widget=forms.CheckboxSelectMultiple,
    )
    tolerance_kind = django_filters.ChoiceFilter(choices=ToleranceKind.choices, label=_("Tolerance kind"))
    term_name = django_filters.CharFilter(lookup_expr="icontains", label=_("Policy term"))

    class Meta:
        model = AlignmentGroup
        fields = ["q", "partnership", "status", "field", "term_name", "tolerance_kind"]

    def filter_status(self, queryset, name, value):
        if not value:
            return queryset
        shown = Q()
        for status in value:
            if status == NOT_COMPARED:
                shown |= Q(divergence__isnull=True, status__in=COMPUTED_STATUSES)
            elif status in COMPUTED_STATUSES:
                shown |= Q(divergence__isnull=False, status=status)
            else:
                shown |= Q(status=status)
        return queryset.filter(shown)


class ClauseFilterSet(StyledFilterSet):
    """The clauses of the API's list: by policy, term and unit."""

    policy = django_filters.ModelChoiceFilter(queryset=visible_to_requester(Policy), label=_("Policy"))
    term_name = django_filters.CharFilter(lookup_expr="icontains", label=_("Policy term"))
    unit = django_filters.CharFilter(label=_("Unit"))

    class Meta:
        model = Clause
        fields = ["policy", "term_name", "unit"]
