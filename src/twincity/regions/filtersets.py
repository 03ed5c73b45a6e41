import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from twincity.core.filtersets import BoundedFilterSet, visible_to_requester
from twincity.regions.choices import OrganisationKind
from twincity.regions.models import Organisation, Partnership, Region


class PartnershipFilterSet(BoundedFilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("Search"))

    class Meta:
        model = Partnership
        fields = ["q"]

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(name_en__icontains=value) | Q(short_name__icontains=value))


class RegionFilterSet(BoundedFilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("Search"))
    partnership = django_filters.ModelChoiceFilter(
        queryset=visible_to_requester(Partnership), field_name="partnerships", label=_("Partnership")
    )

    parent = django_filters.ModelChoiceFilter(queryset=visible_to_requester(Region), label=_("Parent region"))

    class Meta:
        model = Region
        fields = ["q", "partnership", "parent"]

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(name_en__icontains=value) | Q(code__iexact=value))


class OrganisationFilterSet(BoundedFilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("Search"))
    kind = django_filters.MultipleChoiceFilter(choices=OrganisationKind.choices, label=_("Kind"))
    region = django_filters.ModelChoiceFilter(queryset=visible_to_requester(Region), label=_("Region"))

    class Meta:
        model = Organisation
        fields = ["q", "kind", "region"]

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(name_en__icontains=value) | Q(short_name__icontains=value))
