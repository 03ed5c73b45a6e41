"""The filters every register's list shares; a register's FilterSet adds its own (status, dates…)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from twincity.core import search
from twincity.core.filtersets import StyledFilterSet, visible_to_requester
from twincity.regions.models import Field, Partnership


class RegisterFilterSet(StyledFilterSet):
    """Search (Chinese words), partnership, field and archived; one FilterSet serves page, export and API."""

    q = django_filters.CharFilter(method="filter_text", label=_("Search"))
    partnership = django_filters.ModelChoiceFilter(queryset=visible_to_requester(Partnership), label=_("Partnership"))
    field = django_filters.ModelMultipleChoiceFilter(
        queryset=visible_to_requester(Field), distinct=False, label=_("Field"), widget=forms.CheckboxSelectMultiple
    )
    archived = django_filters.BooleanFilter(method="filter_archived", label=_("Archived"))

    @property
    def qs(self):
        queryset = super().qs
        if not self.form.cleaned_data.get("archived"):
            queryset = queryset.filter(archived_at__isnull=True)
        return queryset

    def filter_text(self, queryset, name, value):
        return search.search(queryset, value)

    def filter_archived(self, queryset, name, value):
        return queryset.filter(archived_at__isnull=not value)

    def list_filters(self):
        """The bound fields the list page shows in its filter bar (all but search, partnership and archived)."""
        return [self.form[name] for name in self.form.fields if name not in {"q", "partnership", "archived"}]
