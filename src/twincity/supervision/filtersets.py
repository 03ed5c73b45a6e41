"""The filters of the supervised items' list (page, export and API share them)."""

import datetime as dt

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twincity.core.filtersets import StyledFilterSet, visible_to_requester
from twincity.regions.models import Field, Organisation, Partnership, Region
from twincity.supervision import registry
from twincity.supervision.choices import CaseState, SheetLevel
from twincity.supervision.models import Case

DUE_CHOICES = (
    ("overdue", _("Overdue")),
    ("week", _("Due within 7 days")),
    ("month", _("Due within 30 days")),
)


def kind_choices():
    return [(entry.kind, entry.label or entry.kind) for entry in registry.kinds()]


class CaseFilterSet(StyledFilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    partnership = django_filters.ModelChoiceFilter(queryset=visible_to_requester(Partnership), label=_("Partnership"))
    state = django_filters.MultipleChoiceFilter(
        choices=CaseState.choices, label=_("State"), widget=forms.CheckboxSelectMultiple
    )
    kind = django_filters.ChoiceFilter(choices=kind_choices, label=_("Kind"))
    side = django_filters.ModelChoiceFilter(
        queryset=visible_to_requester(Region), field_name="sides__side", distinct=True, label=_("Side")
    )
    unit = django_filters.ModelChoiceFilter(
        queryset=visible_to_requester(Organisation),
        field_name="sides__organisation",
        distinct=True,
        label=_("Owning unit"),
    )
    field = django_filters.ModelChoiceFilter(queryset=visible_to_requester(Field), label=_("Field"))
    level = django_filters.ChoiceFilter(choices=SheetLevel.choices, label=_("Sheet colour"))
    due = django_filters.ChoiceFilter(choices=DUE_CHOICES, method="filter_due", label=_("Due"))

    class Meta:
        model = Case
        fields = ["q", "partnership", "state", "kind", "side", "unit", "field", "level", "due"]

    def filter_q(self, queryset, name, value):
        value = (value or "").strip()[:100]
        return queryset.filter(title__icontains=value) | queryset.filter(code__icontains=value) if value else queryset

    def filter_due(self, queryset, name, value):
        today = timezone.localdate()
        if value == "overdue":
            return queryset.filter(due_on__lt=today, state=CaseState.OPEN)
        days = {"week": 7, "month": 30}.get(value)
        if days:
            return queryset.filter(due_on__gte=today, due_on__lte=today + dt.timedelta(days=days))
        return queryset

    def list_filters(self):
        return [self.form[name] for name in self.form.fields if name not in {"q", "partnership"}]
