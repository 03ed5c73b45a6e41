import copy
from collections.abc import Callable

import django_filters
from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_filters.filters import FilterMethod

from twincity.accounts.access import partnerships_for
from twincity.core import search
from twincity.core.validators import DB_INT_MAX, DB_INT_MIN, YEAR_VALIDATORS
from twincity.core.widgets import mark_picker


def _model_field(model, field_name: str):
    """The model field a filter's ``field_name`` ("year", "matter_id", "parties__organisation") ends on."""
    field = None
    for part in field_name.split("__"):
        if model is None:
            return None
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        model = field.related_model
    return field


class ChoiceRow:
    """A filter's choice read as plain values: its key and its label (``pk``, ``display_name`` and ``str()``, as
    the model's rows give them), no model instance."""

    __slots__ = ("display_name", "pk")

    def __init__(self, pk, label: str):
        self.pk, self.display_name = pk, label

    def __str__(self) -> str:
        return self.display_name

    def __repr__(self) -> str:
        return f"<ChoiceRow {self.pk}>"


class _ChoicesWhenAsked:
    """A model choice field whose queryset (the door's choices, ``choices_of()``) is made the first time it is read:
    a value to look up, choices to list. A filter bar makes a field for every filter, and most never read their
    choices: a unit picker loads its options as one types, a partnership asked for is among those the frame read
    (``AlreadyReadChoiceFilter``); making each restricted queryset was a millisecond of a list page. The model of the
    choices is known before (``choices_model``)."""

    def __init__(self, *args, choices_of, choices_model, choices_labels=None, queryset=None, **kwargs):
        super().__init__(None, *args, **kwargs)  # no queryset yet (``queryset``: the filter's maker of it)
        self.choices_model = choices_model
        self._choices_of = choices_of
        self.choices_labels = choices_labels
        self._listed = None

    def _get_queryset(self):
        make = getattr(self, "_choices_of", None)
        if make is not None and self._queryset is None:
            self._choices_of = None
            self._queryset = make()
        return self._queryset

    queryset = property(_get_queryset, forms.ModelChoiceField._set_queryset)

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result._listed = None
        return result

    def listed_choices(self) -> list[ChoiceRow] | None:
        """The choices as plain rows, read once (``visible_to_requester(..., labels=)``), or None: no labels declared,
        or a field that names its choices by another column or labels them otherwise."""
        if (
            self.choices_labels is None
            or self.to_field_name
            or type(self).label_from_instance is not forms.ModelChoiceField.label_from_instance
        ):
            return None
        if self._listed is None:
            columns, label = self.choices_labels
            rows = self.queryset.values_list("pk", *columns)
            self._listed = [ChoiceRow(pk, label(*values)) for pk, *values in rows]
        return self._listed


class _IteratorOfChoicesWhenAsked:
    """A choice iterator reading its field's queryset when it lists the choices (Django's reads it when made, and
    the field makes one when it is made)."""

    def __init__(self, field):
        self.field = field

    @property
    def queryset(self):
        return self.field.queryset


_WHEN_ASKED: dict[type, type] = {}


def _when_asked(field_class: type) -> type:
    """``field_class`` with its queryset made when read (``_ChoicesWhenAsked``), one class for each."""
    if field_class not in _WHEN_ASKED:
        iterator = type(
            f"WhenAsked{field_class.iterator.__name__}", (_IteratorOfChoicesWhenAsked, field_class.iterator), {}
        )
        _WHEN_ASKED[field_class] = type(
            f"WhenAsked{field_class.__name__}", (_ChoicesWhenAsked, field_class), {"iterator": iterator}
        )
    return _WHEN_ASKED[field_class]


class _DoorChoicesWhenAsked:
    """A model choice filter whose choices are the door's (``visible_to_requester``): its field makes them when it
    first reads them (``_ChoicesWhenAsked``), not when the form is made."""

    def get_queryset(self, request):
        return None  # the field makes it: ``choices_of``

    @property
    def field(self):
        if not hasattr(self, "_field"):
            make, request = self.queryset, self.get_request()
            self.extra["choices_of"] = lambda: make(request)
            self.extra["choices_model"] = make.choices_model
            self.extra["choices_labels"] = make.choices_labels
        return super().field


_DOOR_FILTERS: dict[type, type] = {}


def defer_door_choices(filter_) -> None:
    """Make a model choice filter over the door's choices (``visible_to_requester``) make them when first read."""
    make = getattr(filter_, "queryset", None)
    if getattr(make, "choices_model", None) is None or isinstance(filter_, _DoorChoicesWhenAsked):
        return
    cls = type(filter_)
    if cls not in _DOOR_FILTERS:
        _DOOR_FILTERS[cls] = type(
            cls.__name__, (_DoorChoicesWhenAsked, cls), {"field_class": _when_asked(cls.field_class)}
        )
    filter_.__class__ = _DOOR_FILTERS[cls]


def choices_model(field):
    """The model a model choice field chooses among, without making its choices."""
    model = getattr(field, "choices_model", None)
    return model if model is not None else field.queryset.model


class ReadOnceChoiceIterator(forms.models.ModelChoiceIterator):
    """A model filter's choices read with one plain query. Django's iterator reads them through
    ``QuerySet.iterator()``, which on PostgreSQL is a server-side cursor (DECLARE, FETCH, CLOSE: three round trips
    for the handful of sides or fields a filter bar offers); the list is read once and kept by the queryset."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        listed = getattr(self.field, "listed_choices", None)
        rows = listed() if listed is not None else None
        if rows is not None:  # read as plain values: the key and the label ``choice()`` gives a row
            for row in rows:
                yield (forms.models.ModelChoiceIteratorValue(row.pk, row), row.display_name)
            return
        for obj in self.queryset:
            yield self.choice(obj)


_READ_ONCE: dict[type, type] = {}


def read_choices_once(field: forms.ModelChoiceField) -> None:
    """Give ``field`` (and its widget) its iterator reading as ``ReadOnceChoiceIterator`` does, keeping what its
    own iterator adds (django-filter's "null" choice)."""
    own = field.iterator
    if not issubclass(own, ReadOnceChoiceIterator):
        if own not in _READ_ONCE:
            _READ_ONCE[own] = type(f"ReadOnce{own.__name__}", (own, ReadOnceChoiceIterator), {})
        field.iterator = _READ_ONCE[own]
        field.widget.choices = field.choices


def bound_numbers(form_field, model_field=None) -> None:
    """Give a number filter the bounds of its column: the model field's own validators (a year's 1949–2100)
    where it has them, and always what the database can hold."""
    low, high = DB_INT_MIN, DB_INT_MAX
    if isinstance(model_field, models.ForeignKey):
        model_field = model_field.target_field
    for validator in getattr(model_field, "validators", ()):
        if isinstance(validator, MinValueValidator):
            low = max(low, validator.limit_value)
        elif isinstance(validator, MaxValueValidator):
            high = min(high, validator.limit_value)
    if form_field.min_value is None or form_field.min_value < low:
        form_field.min_value = low
        form_field.validators.append(MinValueValidator(low))
    if form_field.max_value is None or form_field.max_value > high:
        form_field.max_value = high
        form_field.validators.append(MaxValueValidator(high))


def bound_keys(form_field) -> None:
    """Refuse an id the database cannot hold as an unknown choice (a 400), before any query is made."""
    if form_field.to_field_name or not isinstance(
        choices_model(form_field)._meta.pk, models.AutoField | models.BigAutoField | models.IntegerField
    ):
        return
    clean = form_field.clean

    def bounded_clean(value):
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            if item in form_field.empty_values:
                continue
            try:
                number = int(str(item).strip())
            except ValueError:
                continue  # the field's own checks say what is wrong with it
            if not DB_INT_MIN <= number <= DB_INT_MAX:
                raise ValidationError(
                    form_field.error_messages["invalid_choice"], code="invalid_choice", params={"value": item}
                )
        return clean(value)

    form_field.clean = bounded_clean


class _FieldsOfOneFilterSet(dict):
    """The ``base_fields`` of a form class django-filter made for one filterset (``get_form_class``): its filters'
    fields were made for that filterset alone (its filters are its own copies), so a form of the class takes them as
    they are, where Django's ``BaseForm.__init__`` deep-copied each (field, widget, choices, queryset: a millisecond
    of a list page). A field the form class declares itself (``Meta.form``) is shared by every form: copied as
    Django does."""

    def __init__(self, fields, own: frozenset):
        super().__init__(fields)
        self.own = own

    def __deepcopy__(self, memo):
        return {name: field if name in self.own else copy.deepcopy(field, memo) for name, field in self.items()}


def _copy_of(filter_):
    """A filter for one filterset (``_FiltersCopiedLean``): its own attributes and its own field arguments
    (``extra``, which its ``field`` fills with the request's choices); the values they hold are read and never
    changed in place (the field it makes copies its widget and its choices); a method filter calls its own
    filterset's method."""
    new = copy.copy(filter_)
    new.extra = dict(filter_.extra)
    new.__dict__.pop("_field", None)  # each filterset makes its own field
    if isinstance(new.__dict__.get("filter"), FilterMethod):
        new.filter = FilterMethod(new)
    return new


class _FiltersCopiedLean(dict):
    """A filterset class's ``base_filters``, of which each filterset takes a copy (``copy.deepcopy``, in django-filter's
    ``__init__``): a copy of each filter (``_copy_of``), where a deep copy also copied its label, its widget, its
    choices and their lazy names (a sixth of a millisecond for the matter list's eleven filters)."""

    def __deepcopy__(self, memo):
        return {name: _copy_of(filter_) for name, filter_ in self.items()}


class BoundedFilterSet(django_filters.FilterSet):
    """A FilterSet whose values stay within what the database holds: an id or a number beyond it is a 400
    (or no row), never a server error. Every FilterSet of the project derives from this one.

    Costs of django-filter left out, with the same results: a filterset copies its class's filters without
    deep-copying what they hold (``_FiltersCopiedLean``), the form does not deep-copy the fields made for this
    filterset (``_FieldsOfOneFilterSet``), a filter over the door's choices makes them when it reads them
    (``defer_door_choices``), and a multiple model choice left empty is not compiled to learn that it is empty
    (``filter_queryset``)."""

    @classmethod
    def get_filters(cls):
        filters = super().get_filters()
        for filter_ in filters.values():
            defer_door_choices(filter_)  # the door's choices made when read, not with the form
        return _FiltersCopiedLean(filters)

    def get_form_class(self):
        form_class = super().get_form_class()
        # The fields made for this filterset's filters (read as made: asking ``filter_.field`` again would build a
        # model filter's choices once more).
        fields = form_class.base_fields
        own = frozenset(name for name, f in self.filters.items() if fields.get(name) is getattr(f, "_field", None))
        form_class.base_fields = _FieldsOfOneFilterSet(fields, own)
        return form_class

    @property
    def form(self):
        form = super().form
        if not getattr(form, "_tc_bounded", False):
            for name, field in form.fields.items():
                bound(self, name, field)
            form._tc_bounded = True
        return form

    def filter_queryset(self, queryset):
        # A ModelMultipleChoiceField cleans "nothing chosen" to ``queryset.none()``, and the filter's ``if not value``
        # then compiled the choices' query (its joins, DISTINCT, ordering) to find it reads no row. It reads none:
        # said here, so that the test costs nothing (``none()`` is the only query ``is_empty`` answers yes for).
        for value in self.form.cleaned_data.values():
            if isinstance(value, models.QuerySet) and value._result_cache is None and value.query.is_empty():
                value._result_cache = []
        return super().filter_queryset(queryset)


class StyledFilterSet(BoundedFilterSet):
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
                if isinstance(field, forms.ModelChoiceField):
                    read_choices_once(field)
                mark_picker(
                    field, on_demand=True
                )  # units and people: searchable as one types, units loaded when opened
                widget = field.widget
                if isinstance(widget, forms.CheckboxSelectMultiple):
                    widget.attrs["class"] = "form-check-input"
                elif isinstance(widget, forms.Select | forms.SelectMultiple):
                    widget.attrs["class"] = "form-select form-select-sm"
                elif not isinstance(widget, forms.CheckboxInput):
                    widget.attrs["class"] = "form-control form-control-sm"
            form._tc_styled = True
        return form


class _YEAR_OF_A_DATE:  # a stand-in model field: a date's year spans the office's years
    validators = YEAR_VALIDATORS


def bound(filterset, name: str, field) -> None:
    """Keep what a filter sends to the database within what the database holds (see ``bound_numbers``)."""
    if isinstance(field, forms.ModelChoiceField):  # and ModelMultipleChoiceField
        bound_keys(field)
    elif isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        declared = filterset.filters.get(name)
        model_field = None
        if declared is not None and not declared.method and filterset._meta.model is not None:
            if declared.lookup_expr in ("year", "iso_year"):
                model_field = _YEAR_OF_A_DATE
            else:
                model_field = _model_field(filterset._meta.model, declared.field_name)
        bound_numbers(field, model_field)


def visible_to_requester(model, *, labels: tuple[tuple[str, ...], Callable[..., str]] | None = None):
    """A queryset callable for a choice filter: only what the requesting user may see.

    django-filter calls it with the request, so the choices of a filter go through the same access
    door as the rows (no name, id or count of another partnership leaks through a filter). No DISTINCT: the door
    never repeats a row (a path through many rows is a subquery, ``accounts.access._match``), and DISTINCT made the
    database compare every column of every choice (and select the columns it orders by).

    ``labels``: (the columns a choice's label is made of, the function making it of them as ``str()`` of a row
    does): a filter bar lists the choices read as those plain values (``ChoiceRow``), not as model instances (for
    twenty sides, two thirds of a millisecond less). Values asked for are still looked up as rows.
    """

    def choices(request):
        return model.objects.restrict(getattr(request, "user", None)).active()

    choices.choices_model = model  # a filter over these makes them when it reads them (``defer_door_choices``)
    choices.choices_labels = labels
    return choices


class _AlreadyReadChoiceField(django_filters.fields.ModelChoiceField):
    """A model choice whose value is first looked for among rows the request has read already (``read()``)."""

    def __init__(self, *args, read=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.read = read

    def to_python(self, value):
        if self.read is not None and isinstance(value, str) and value and not self.to_field_name:
            for row in self.read():
                if str(row.pk) == value:
                    return row
        return super().to_python(value)


class AlreadyReadChoiceFilter(django_filters.ModelChoiceFilter):
    """A model choice filter whose value is taken from rows the request has read already, when it is one of them:
    ``read(request)`` gives those rows, which must all be among the filter's choices (the same door). Any other
    value (one not among them, or written otherwise, ``01``) is looked up in the choices as before."""

    field_class = _AlreadyReadChoiceField

    def __init__(self, *args, read, **kwargs):
        super().__init__(*args, **kwargs)
        self.read_rows = read

    @property
    def field(self):
        if not hasattr(self, "_field"):
            request, read = self.get_request(), self.read_rows
            self.extra["read"] = lambda: read(request)
        return super().field


def partnerships_read(request) -> list:
    """The partnerships the requester may see (``accounts.access.partnerships_for``, which the page's frame reads
    once per request): the choices of a partnership filter, read once."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    return partnerships_for(user)


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
