import django_filters
from django import forms
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from twincity.audit.choices import ChangeAction
from twincity.audit.models import ObjectChange
from twincity.core.filtersets import StyledFilterSet
from twincity.core.models import ChangeLoggedModel


def logged_models() -> list[type]:
    """The models whose changes are recorded: every concrete ``ChangeLoggedModel``."""
    return [m for m in apps.get_models() if issubclass(m, ChangeLoggedModel) and not m._meta.proxy]


class ObjectChangeFilterSet(StyledFilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("Object"))
    user_name = django_filters.CharFilter(lookup_expr="iexact", label=_("User"))
    action = django_filters.MultipleChoiceFilter(choices=ChangeAction.choices, label=pgettext_lazy("audit", "Action"))
    changed_object_type = django_filters.ChoiceFilter(label=_("Kind of object"), choices=[])
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
        # Every kind of record the trail keeps (the registers' too), by its name in the reader's language
        # (not "matters | matter"), in the order of those names.
        logged = ContentType.objects.get_for_models(*logged_models(), for_concrete_models=True).values()
        field = self.form.fields["changed_object_type"]
        field.choices = [("", "---------"), *sorted(((ct.pk, ct.name) for ct in logged), key=lambda c: str(c[1]))]

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(object_repr__icontains=value))
