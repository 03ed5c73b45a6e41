import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from twincity.audit.choices import ChangeAction
from twincity.audit.models import ObjectChange
from twincity.core.filtersets import StyledFilterSet


class ObjectChangeFilterSet(StyledFilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("Object"))
    user_name = django_filters.CharFilter(lookup_expr="iexact", label=_("User"))
    action = django_filters.MultipleChoiceFilter(choices=ChangeAction.choices, label=pgettext_lazy("audit", "Action"))
    changed_object_type = django_filters.ModelChoiceFilter(
        queryset=ContentType.objects.filter(
            app_label__in=["regions", "matters", "meetings", "accounts", "core"]
        ).order_by("app_label", "model"),
        label=_("Kind of object"),
    )
    since = django_filters.DateFilter(
        field_name="time", lookup_expr="date__gte", label=_("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    until = django_filters.DateFilter(
        field_name="time", lookup_expr="date__lte", label=_("To"), widget=forms.DateInput(attrs={"type": "date"})
    )
    request_id = django_filters.UUIDFilter(label=_("Request id"))

    class Meta:
        model = ObjectChange
        fields = ["q", "user_name", "action", "changed_object_type", "since", "until", "request_id"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Kinds of object by their name in the reader's language (not "matters | matter").
        self.form.fields["changed_object_type"].label_from_instance = lambda ct: ct.name

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(object_repr__icontains=value))
