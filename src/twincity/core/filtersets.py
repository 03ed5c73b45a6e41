import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from twincity.core import search


class StyledFilterSet(django_filters.FilterSet):
    """A FilterSet whose form fits the compact filter bar of list pages.

    Styling happens when the form is first built, after subclasses have narrowed their choices
    through the access door in ``__init__`` (building it earlier would freeze unrestricted choices).
    """

    @property
    def form(self):
        form = super().form
        if not getattr(form, "_tc_styled", False):
            for field in form.fields.values():
                if isinstance(field, forms.ModelChoiceField) and not isinstance(field, forms.ModelMultipleChoiceField):
                    field.empty_label = _("All")
                elif isinstance(field, django_filters.fields.ChoiceField) and field.empty_label is not None:
                    field.empty_label = _("All")  # django-filter's blank choice reads "---------"
                widget = field.widget
                if isinstance(widget, forms.CheckboxSelectMultiple):
                    widget.attrs["class"] = "form-check-input"
                elif isinstance(widget, forms.Select | forms.SelectMultiple):
                    widget.attrs["class"] = "form-select form-select-sm"
                elif not isinstance(widget, forms.CheckboxInput):
                    widget.attrs["class"] = "form-control form-control-sm"
            form._tc_styled = True
        return form


def visible_to_requester(model):
    """A queryset callable for a choice filter: only what the requesting user may see.

    django-filter calls it with the request, so the choices of a filter go through the same access
    door as the rows (no name, id or count of another partnership leaks through a filter).
    """

    def choices(request):
        return model.objects.restrict(getattr(request, "user", None)).active().distinct()

    return choices


class SearchableFilterSet(StyledFilterSet):
    """Chinese full-text search (``q``) and archived records left out unless asked for (``archived``).

    The model keeps a ``search_document`` (see core.search) and an ``archived_at``.
    """

    q = django_filters.CharFilter(method="filter_text", label=_("Search"))
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
