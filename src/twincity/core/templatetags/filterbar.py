"""The list pages' filter bar, built in Python.

``{% check_dropdown field %}`` is a compact multi-choice filter: a button that opens a menu of checkboxes, the
button reading the choices made. Rendered through templates (a widget template per checkbox, the field
iterated twice) it was a tenth of a list page's time on a cache miss; here it is one pass over the field's
choices (a filter's model choices are read once, in one plain query: ``core.filtersets.read_choices_once``).
"""

from django import forms, template
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def check_dropdown(bound: forms.BoundField) -> str:
    name = bound.html_name
    chosen = {str(v) for v in (bound.value() or ())}
    choices = [(str(value), str(label)) for value, label in bound.field.choices]  # as the widget lists them
    attrs = {k: v for k, v in bound.field.widget.attrs.items() if k != "id"}
    base_id = bound.auto_id or f"id_{name}"
    boxes = format_html_join(
        "",
        '<div class="form-check"><input type="checkbox" name="{}" value="{}"{} id="{}_{}"{}>'
        '<label class="form-check-label" for="{}_{}">{}</label></div>',
        (
            (name, value, flatatt(attrs), base_id, i, " checked" if value in chosen else "", base_id, i, label)
            for i, (value, label) in enumerate(choices)
        ),
    )
    summary = format_html_join("", "{} ", ((label,) for value, label in choices if value in chosen))
    return format_html(
        '<label class="form-label" id="label-{name}">{label}</label>\n<div class="dropdown">\n'
        '  <button class="form-select form-select-sm text-start text-truncate" type="button" '
        'data-bs-toggle="dropdown" data-bs-auto-close="outside" aria-expanded="false" '
        'aria-labelledby="label-{name} filter-{name}" id="filter-{name}" data-summary-of="{name}" '
        'data-summary-empty="{empty}">{summary}</button>\n'
        '  <div class="dropdown-menu p-2 tc-check-menu">\n    {boxes}\n  </div>\n</div>',
        name=name,
        label=bound.label,
        empty=_("All"),
        summary=summary,
        boxes=boxes,
    )
