import functools

import django_filters
from django import forms
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.forms import BoundField
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from twincity.audit.choices import ChangeAction
from twincity.audit.models import ObjectChange
from twincity.core.filtersets import StyledFilterSet
from twincity.core.models import ChangeLoggedModel
from twincity.core.renderers import attributes
from twincity.core.text import escaped


def label_tag(field: BoundField) -> str:
    """``field.label_tag()`` (Django's ``django/forms/label.html``) in Python: the label escaped, with the form's
    suffix unless it ends in punctuation, in a ``<label for="…">`` when the field has an id. A label the template
    would mark as required goes to Django's own."""
    form, widget = field.form, field.field.widget
    if field.field.required and hasattr(form, "required_css_class"):
        return field.label_tag()
    contents = field.label
    suffix = field.field.label_suffix if field.field.label_suffix is not None else form.label_suffix
    if suffix and contents and contents[-1] not in gettext(":?.!"):
        contents = f"{escaped(contents)}{escaped(suffix)}"
    else:
        contents = escaped(contents)
    id_ = widget.attrs.get("id") or field.auto_id
    if not id_:
        return contents
    id_for_label = widget.id_for_label(id_)
    return f"<label{attributes({'for': id_for_label} if id_for_label else {})}>{contents}</label>"


@functools.cache
def logged_models() -> tuple[type, ...]:
    """The models whose changes are recorded: every concrete ``ChangeLoggedModel`` (the same for the process)."""
    return tuple(m for m in apps.get_models() if issubclass(m, ChangeLoggedModel) and not m._meta.proxy)


_KINDS: dict[tuple, list[tuple[object, str]]] = {}


def kind_choices() -> list[tuple[object, str]]:
    """Every kind of record the trail keeps (the registers' too), by its name in the reader's language (not
    "matters | matter"), in the order of those names, after a blank choice. Named and sorted once per language
    and set of content types, not per page."""
    models = logged_models()
    found = ContentType.objects.get_for_models(*models, for_concrete_models=True)
    logged = [found[model] for model in models]  # kinds of the same name in the models' order, whatever was cached
    key = (get_language(), tuple((ct.pk, ct.app_label, ct.model) for ct in logged))
    choices = _KINDS.get(key)
    if choices is None:
        kinds = sorted(((ct.pk, ct.name) for ct in logged), key=lambda c: str(c[1]))
        choices = _KINDS[key] = [("", "---------"), *kinds]
    return choices


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
        self.form.fields["changed_object_type"].choices = kind_choices()

    def bar(self) -> SafeString:
        """The filter bar's fields, each in its column with its label: ``{{ field.label_tag }}{{ field }}`` for
        every field of the form, the labels written in Python (``label_tag``; a test compares the two)."""
        return mark_safe(  # the labels escaped by label_tag, the fields rendered by their widgets
            "".join(f'<div class="col-6 col-lg">{label_tag(field)}{field}</div>' for field in self.form)
        )

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(object_repr__icontains=value))
