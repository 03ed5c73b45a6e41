"""Lean rows for every table: django-tables2 keeps the columns, headers, sorting and pagination; the rows of the
page are rendered here, from the records, in one pass.

django-tables2 renders each cell through ``call_with_appropriate``, which inspects the signature of the render
method (and of every callable attribute) for every cell, compiles a template per cell for its date and template
columns and recomputes the cell's attributes per cell: 40–53 % of a 50-row page. ``LeanTable`` does for each
column once what does not depend on the row (which arguments its render method takes, its ``<td>`` attributes,
whether its value is a choice to show by its label, its date format, its link) and then renders each row with
plain calls. The output is django-tables2's own, cell for cell (``core/tests/test_tables.py`` renders every table
both ways and compares), plus ``data-label="<column header>"`` on every ``<td>`` (the phone layout shows each
row as a card labelled from it).

A table opts in by deriving from ``LeanTable`` instead of ``tables.Table``; nothing else changes. Its template
(``Meta.template_name`` or the project default) stays the frame: ``core/_table_rows.html`` extends it and fills
only its ``<tbody>``.
"""

from __future__ import annotations

import copy
import inspect
import re
from collections.abc import Callable
from functools import partialmethod
from typing import Any

import django_tables2 as tables
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.template import Context, Template
from django.template.base import render_value_in_context
from django.template.defaultfilters import date as date_filter
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import get_language
from django_tables2.columns.base import LinkTransform
from django_tables2.rows import BoundRow
from django_tables2.utils import A, AttributeDict

from twincity.core.text import escaped

ROW_TEMPLATE = "core/_table_rows.html"
_ARGUMENTS = ("value", "record", "column", "bound_column", "bound_row", "table")
_DATE_TEMPLATE = re.compile(r'^\{\{ value\|date:"([^"]*)"\|default:default \}\}$')
_PLAIN_CONTEXT = Context()  # autoescape on, localisation as the page's


def wanted_arguments(fn: Callable) -> tuple[str, ...] | None:
    """The cell arguments ``fn`` takes (None: all of them, it takes ``**kwargs``), read once per column."""
    parameters = inspect.signature(fn).parameters.values()
    if any(p.kind is p.VAR_KEYWORD for p in parameters):
        return None
    return tuple(p.name for p in parameters if p.name in _ARGUMENTS)


def _caller(fn: Callable) -> Callable[[dict], Any]:
    """``call_with_appropriate`` with the signature read once: a function of the cell's arguments."""
    wanted = wanted_arguments(fn)
    if wanted is None:
        return lambda arguments: fn(**arguments)
    return lambda arguments: fn(**{name: arguments[name] for name in wanted})


def _as_cell(content) -> str:
    """What ``{{ cell }}`` in django-tables2's row template makes of a value (text as it is, escaped unless safe:
    no localisation applies to it)."""
    if type(content) is SafeString:
        return content
    if type(content) is str:
        return escape(content)
    return render_value_in_context(content, _PLAIN_CONTEXT)


_CHOICE_NAMES: dict[tuple, tuple[str, dict]] = {}


def td_attributes(bound_column) -> str:
    """A column's ``<td>`` attributes as ``LeanTable`` writes them: the column's own, then ``data-label`` with its
    header (what the narrow screens' stacked rows show)."""
    td = dict(bound_column.attrs["td"])
    td["data-label"] = str(bound_column.header)
    return AttributeDict(td).as_html()


def td_attributes_of(table) -> dict[str, str]:
    """Each shown column's ``<td>`` attributes (``td_attributes``), by column name, read once for a page of rows
    written as f-strings."""
    return {bound_column.name: td_attributes(bound_column) for bound_column in table.columns}


def choice_display(record, name: str) -> str:
    """``record.get_<name>_display()``, with the names of the field's choices read once per field and language:
    Django's method hashes every choice's name, each a lazy translation, on every call (a tenth of a register's
    list page). A model that writes its own ``get_<name>_display`` is asked it."""
    model = type(record)
    key = (model, name, get_language())
    entry = _CHOICE_NAMES.get(key)
    if entry is None:
        if not isinstance(inspect.getattr_static(model, f"get_{name}_display", None), partialmethod):
            return getattr(record, f"get_{name}_display")()
        field = model._meta.get_field(name)
        names = {choice: force_str(label, strings_only=True) for choice, label in make_hashable(field.flatchoices)}
        entry = _CHOICE_NAMES[key] = (field.attname, names)
    attname, names = entry
    value = getattr(record, attname)
    hashable = make_hashable(value)
    return names[hashable] if hashable in names else force_str(value, strings_only=True)


class _ColumnPlan:
    """What one column does for every row, decided once."""

    def __init__(self, table: LeanTable, bound_column, model):
        column = bound_column.column
        self.bound_column = bound_column
        self.column = column
        self.empty_values = column.empty_values
        self.default = bound_column.default
        self.accessor = A(bound_column.accessor)
        self.bits = self.accessor.bits
        self.path, _, self.remainder = self.accessor.rpartition(A.SEPARATOR)
        self.path_accessor = A(self.path)
        self.shows_choice = self._shows_choice(model)
        # A choice of the row's own field: its labels read once (what ``get_FOO_display()`` looks up per call).
        self.labels = None
        if self.shows_choice and not self.path:
            field = model._meta.get_field(self.remainder)
            self.labels = dict(make_hashable(field.flatchoices))
        self.needs_row = False

        self.td = mark_safe(td_attributes(bound_column))
        if column.localize is not None:
            raise NotImplementedError("LeanTable: a column with localize= is not supported yet")

        render = bound_column.render
        self.render_arguments = wanted_arguments(render)
        self.render = render
        self.date_format = None
        self.template = None
        if render == column.render and isinstance(column, tables.TemplateColumn):
            match = _DATE_TEMPLATE.match(column.template_code or "")
            if match and not column.extra_context:
                self.date_format = match.group(1)  # DateColumn / DateTimeColumn: the date filter, without a template
            elif column.template_code:
                self.template = Template(column.template_code)
        elif render == column.render and type(column).render is tables.Column.render:
            self.render = None  # a plain column shows its value
        self.link = column.link if isinstance(column.link, LinkTransform) else None
        self.link_url = _caller(self.link.url) if self.link and callable(self.link.url) else None
        if self.link and self.link.attrs:
            raise NotImplementedError("LeanTable: link attributes are not supported yet")
        arguments = set(self.render_arguments or _ARGUMENTS) if self.render else set()
        self.needs_row = "bound_row" in arguments or self.template is not None

    def _shows_choice(self, model) -> bool:
        """django-tables2 shows a field with choices by its ``get_FOO_display()``: decided here from the model."""
        if model is None or not self.remainder:
            return False
        field = None
        for bit in self.accessor.bits:
            try:
                field = model._meta.get_field(bit)
            except FieldDoesNotExist:
                break
            model = getattr(getattr(field, "remote_field", None), "model", model)
        return bool(getattr(field, "choices", ()))

    def value(self, record):
        if self.labels is not None and isinstance(record, models.Model):
            value = getattr(record, self.remainder)
            return force_str(self.labels.get(make_hashable(value), value), strings_only=True)
        if self.shows_choice:
            try:
                penultimate = self.path_accessor.resolve(record, quiet=True)
            except Exception:
                penultimate = None
            if isinstance(penultimate, models.Model):
                display = getattr(penultimate, f"get_{self.remainder}_display", None)
                if display:
                    return display()
        try:
            return self._resolve(record)
        except Exception:
            return None

    def _resolve(self, record):
        """``Accessor.resolve`` for records that are models: its dictionary lookup fails on a model (an exception
        raised and caught per cell, a third of the cell's time), so attributes are read straight away; anything
        else goes through the accessor."""
        current = record
        for bit in self.bits:
            if not isinstance(current, models.Model):
                return self.accessor.resolve(record)
            current = getattr(current, bit)
            if callable(current):
                if getattr(current, "alters_data", False):
                    raise ValueError(f"refusing to call {bit}: it alters data")
                if not getattr(current, "do_not_call_in_templates", False):
                    current = current()
            if current is None:
                break
        return current

    def cell(self, record, table, bound_row) -> str:
        value = self.value(record)
        if value in self.empty_values:
            return _as_cell(self.default)
        if self.date_format is not None:
            content = date_filter(template_localtime(value), self.date_format) or self.default
        elif self.template is not None:
            context = {
                "default": self.default,
                "column": self.bound_column,
                "record": record,
                "value": value,
                "row_counter": bound_row.row_counter,
            }
            content = self.template.render(Context(context))
        elif self.render is None:
            content = value
        else:
            arguments = self._arguments(value, record, table, bound_row)
            wanted = self.render_arguments
            content = self.render(**(arguments if wanted is None else {k: arguments[k] for k in wanted}))
        if self.link is not None:
            content = self._linked(content, record, value, table, bound_row)
        return _as_cell(content)

    def _arguments(self, value, record, table, bound_row) -> dict:
        """What django-tables2 hands a column's render method and a link's URL callable."""
        return {
            "value": value,
            "record": record,
            "column": self.column,
            "bound_column": self.bound_column,
            "bound_row": bound_row,
            "table": table,
        }

    def _linked(self, content, record, value, table, bound_row):
        link = self.link
        if self.link_url is not None:
            href = self.link_url(self._arguments(value, record, table, bound_row))
        else:
            href = link.compose_url(record=record, bound_column=self.bound_column)
        if href is None:
            return content
        # ``format_html("<a {}>{}</a>", AttributeDict({"href": href}).as_html(), content)``, as one f-string.
        return mark_safe(f'<a href="{escaped(href)}">{escaped(content)}</a>')


def _attributes_html(attrs: dict) -> str:
    """``AttributeDict(attrs).as_html()`` for attributes whose values are already called: ``name="value"`` each,
    escaped, none for a None value or a name django-tables2 keeps for the table's parts (``th``, ``td``…)."""
    return " ".join(
        f'{escaped(name)}="{escaped(value)}"'
        for name, value in attrs.items()
        if name not in AttributeDict.blacklist and value is not None
    )


class ColumnCopies(dict):
    """A table class's ``base_columns`` of which a table takes a copy of each column (``copy.copy``), where
    django-tables2 deep-copied them (the columns, their attributes, accessors and orderings: most of a table's
    construction). What a table changes is a column's own attributes (``visible`` by ``columns.hide``, ``accessor``
    when a column has none), never what they hold: the dictionaries a column keeps are copied when a cell's or a
    header's attributes are made from them. ``keep_column_copies(table_class)`` gives a table class these."""

    def __deepcopy__(self, memo):
        return {name: copy.copy(column) for name, column in self.items()}


def keep_column_copies(table_class):
    """``table_class`` with ``ColumnCopies`` for its ``base_columns`` (a class decorator; a subclass gets
    django-tables2's own copy again unless it says so too)."""
    table_class.base_columns = ColumnCopies(table_class.base_columns)
    return table_class


class LeanTable(tables.Table):
    """A django-tables2 table whose rows are rendered in one pass (see the module's docstring)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.frame_template = self.template_name
        self.template_name = ROW_TEMPLATE

    def row_attributes(self, record) -> str:
        """The ``<tr>``'s attributes as django-tables2 makes them (``Meta.row_attrs`` and even/odd)."""
        attrs = {}
        for key, value in self.row_attrs.items():
            if callable(value):
                wanted = self._row_attr_arguments.get(key)
                if wanted is None:
                    wanted = self._row_attr_arguments[key] = wanted_arguments(value) or ("table", "record")
                value = value(**{name: {"table": self, "record": record}[name] for name in wanted})
            attrs[key] = value
        parity = "odd" if next(self._counter) % 2 else "even"
        attrs["class"] = f"{attrs['class']} {parity}" if attrs.get("class") else parity
        return _attributes_html(attrs)

    def lean_rows(self) -> SafeString:
        """The page's rows, as HTML."""
        self._row_attr_arguments: dict[str, tuple[str, ...]] = {}
        model = self._meta.model
        plans = [_ColumnPlan(self, bound_column, model) for bound_column in self.columns]
        needs_row = any(plan.needs_row for plan in plans)
        rows = self.paginated_rows
        out = []
        for record in rows.data:
            bound_row = BoundRow(record, table=self) if needs_row else None
            if bound_row is not None:
                out.append(f"<tr {self._attributes_of(bound_row)}>")
            else:
                out.append(f"<tr {self.row_attributes(record)}>")
            out.extend(f"<td {plan.td}>{plan.cell(record, self, bound_row)}</td>" for plan in plans)
            out.append("</tr>")
        if not out and self.empty_text:
            out.append(format_html('<tr><td colspan="{}">{}</td></tr>', len(plans), self.empty_text))
        return mark_safe("".join(out))

    @staticmethod
    def _attributes_of(bound_row) -> str:
        return bound_row.attrs.as_html()
