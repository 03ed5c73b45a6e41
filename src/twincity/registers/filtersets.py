"""The filters every register's list shares; a register's FilterSet adds its own (status, dates…)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from twincity.core.filtersets import (
    AlreadyReadChoiceFilter,
    SearchableFilterSet,
    partnerships_read,
    visible_to_requester,
)
from twincity.regions.models import Field, Partnership


class RegisterFilterSet(SearchableFilterSet):
    """Search (Chinese words), partnership, field and archived; one FilterSet serves page, export and API."""

    partnership = AlreadyReadChoiceFilter(  # the partnership asked for, from those the frame read: no query
        queryset=visible_to_requester(Partnership), read=partnerships_read, label=_("Partnership")
    )
    field = django_filters.ModelMultipleChoiceFilter(
        queryset=visible_to_requester(Field), distinct=False, label=_("Field"), widget=forms.CheckboxSelectMultiple
    )

    def list_filters(self):
        """The bound fields the list page shows in its filter bar (all but search, partnership and archived)."""
        return [self.form[name] for name in self.form.fields if name not in {"q", "partnership", "archived"}]
