"""The to-do list's filters and table, shared by the page (``views/todos.py``) and the API (``api/todos.py``)."""

import django_filters
import django_tables2 as tables
from django import forms
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from twincity.accounts.access import Part, desks
from twincity.core.filtersets import StyledFilterSet, visible_to_requester
from twincity.core.tables import LeanTable
from twincity.regions.models import Organisation, Partnership, Region
from twincity.supervision.choices import TodoKind
from twincity.supervision.models import Todo


class TodoFilterSet(StyledFilterSet):
    partnership = django_filters.ModelChoiceFilter(queryset=visible_to_requester(Partnership), label=_("Partnership"))
    kind = django_filters.MultipleChoiceFilter(
        choices=TodoKind.choices, label=_("What"), widget=forms.CheckboxSelectMultiple, distinct=False
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))

    class Meta:
        model = Todo
        fields = ["partnership", "kind", "overdue"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = {"due_on__lt": timezone.localdate()}
        return queryset.filter(**late) if value else queryset.exclude(**late)


PART_LABELS = {
    Part.RUNS_OFFICE: _("The office"),
    Part.DECIDES: _("The leaders"),
    Part.COORDINATES_SIDES: _("Coordinator"),
    Part.SPEAKS_FOR_UNITS: _("Unit"),
}


def desk_names(user) -> dict[tuple[str, int | None], str]:
    """(part, scope id) → the name of each of the user's desks: two small queries at most."""
    mine = desks(user)
    sides = {scope for _p, part, scope in mine if part == Part.COORDINATES_SIDES}
    units = {scope for _p, part, scope in mine if part == Part.SPEAKS_FOR_UNITS}
    names: dict[tuple[str, int | None], str] = {}
    if sides:
        for region in Region.objects.filter(pk__in=sides):
            names[(str(Part.COORDINATES_SIDES), region.pk)] = str(region.label)
    if units:
        for unit in Organisation.objects.filter(pk__in=units):
            names[(str(Part.SPEAKS_FOR_UNITS), unit.pk)] = str(unit)
    return names


def desk_label(todo, names) -> str:
    part = str(PART_LABELS.get(todo.part, todo.part))
    name = names.get((todo.part, todo.scope_id))
    return f"{part} · {name}" if name else part


class TodoTable(LeanTable):
    kind = tables.Column(verbose_name=_("What"))
    title = tables.Column(verbose_name=_("Title"))
    desk = tables.Column(verbose_name=_("For"), accessor="pk", orderable=False, empty_values=())
    active_from = tables.DateColumn(verbose_name=_("Waiting since"), format="Y-m-d")
    due_on = tables.Column(verbose_name=_("Due"))

    class Meta:
        model = Todo
        fields = ()
        sequence = ("kind", "title", "desk", "active_from", "due_on")
        order_by = ("active_from",)
        attrs = {"class": "table table-hover table-sm align-middle mb-0", "id": "todo-table"}
        row_attrs = {"data-todo": lambda record: record.pk, "data-kind": lambda record: record.kind}
        empty_text = _("Nothing waits for you.")

    def __init__(self, *args, desk_names=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.desk_names = desk_names or {}
        self.today = timezone.localdate()

    def render_kind(self, record):
        return TodoKind(record.kind).label if record.kind in TodoKind.values else record.kind

    def render_title(self, record):
        return format_html('<a href="{}">{}</a>', record.url, record.title) if record.url else record.title

    def render_desk(self, record):
        return desk_label(record, self.desk_names)

    def render_due_on(self, record):
        day = record.due_on.isoformat()
        if record.due_on < self.today:
            return format_html('<span class="tc-text-red" data-overdue="1">{} · {}</span>', day, _("overdue"))
        return day
