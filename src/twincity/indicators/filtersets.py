"""The filters of the statistics lists. ``ObservationFilterSet`` is the one the figures' page, their Excel
export and the API share."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from twincity.core.filtersets import StyledFilterSet, visible_to_requester
from twincity.indicators.choices import Frequency, ObservationStatus
from twincity.indicators.models import DataElement, Indicator, Observation
from twincity.regions.models import Partnership, Region


class _Partnership(StyledFilterSet):
    partnership = django_filters.ModelChoiceFilter(
        queryset=visible_to_requester(Partnership), label=_("Partnership"), widget=forms.HiddenInput
    )
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    search_fields: tuple[str, ...] = ("code", "name", "name_en")

    def filter_q(self, queryset, name, value):
        value = (value or "").strip()[:100]
        if not value:
            return queryset
        query = Q()
        for field in self.search_fields:
            query |= Q(**{f"{field}__icontains": value})
        return queryset.filter(query)

    @property
    def list_filters(self):
        return [f for f in self.form if f.name not in ("q", "partnership")]


class ElementFilterSet(_Partnership):
    frequency = django_filters.ChoiceFilter(choices=Frequency.choices, label=_("Frequency"), empty_label=_("All"))
    category_set = django_filters.CharFilter(label=_("Breakdown"))

    class Meta:
        model = DataElement
        fields = ["q", "partnership", "frequency", "category_set"]


class IndicatorFilterSet(_Partnership):
    class Meta:
        model = Indicator
        fields = ["q", "partnership"]


class ObservationFilterSet(_Partnership):
    """Figures by data element, region, period, status and side; archived (withdrawn) ones left out."""

    search_fields = ("element__code", "element__name", "source", "note")
    element = django_filters.ModelChoiceFilter(queryset=visible_to_requester(DataElement), label=_("Data element"))
    region = django_filters.ModelChoiceFilter(queryset=visible_to_requester(Region), label=_("Region"))
    period = django_filters.CharFilter(method="filter_period", label=_("Period"))
    status = django_filters.ChoiceFilter(choices=ObservationStatus.choices, label=_("Status"), empty_label=_("All"))
    side = django_filters.ModelChoiceFilter(queryset=visible_to_requester(Region), label=_("Side"))

    class Meta:
        model = Observation
        fields = ["q", "partnership", "element", "region", "period", "status", "side"]

    def filter_period(self, queryset, name, value):
        """``2024`` finds the year and its quarters and months; ``2024Q1`` exactly that quarter."""
        value = (value or "").strip().upper()[:7]
        if not value:
            return queryset
        return queryset.filter(period__startswith=value) if len(value) == 4 else queryset.filter(period=value)

    @property
    def qs(self):
        return super().qs.filter(archived_at__isnull=True)
