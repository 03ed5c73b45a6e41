"""The list pages' filter bar, built in Python.

``{% check_dropdown field %}`` is a compact multi-choice filter: a button that opens a menu of checkboxes, the
button reading the choices made. Rendered through templates (a widget template per checkbox, the field
iterated twice) it was a tenth of a list page's time on a cache miss; here it is one pass over the field's
choices (a filter's model choices are read once, in one plain query: ``core.filtersets.read_choices_once``), in
f-strings with every text escaped (``core.text.escaped``) and the boxes' shared attributes written once.
"""

from django import forms, template
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from twincity.core.text import escaped

register = template.Library()


@register.simple_tag
def check_dropdown(bound: forms.BoundField) -> str:
    name = escaped(bound.html_name)
    chosen = {str(v) for v in (bound.value() or ())}
    choices = [(str(value), escaped(str(label))) for value, label in bound.field.choices]  # as the widget lists them
    attrs = flatatt({k: v for k, v in bound.field.widget.attrs.items() if k != "id"})
    base_id = escaped(bound.auto_id or f"id_{bound.html_name}")
    boxes = "".join(
        f'<div class="form-check"><input type="checkbox" name="{name}" value="{escaped(value)}"{attrs} '
        f'id="{base_id}_{i}"{" checked" if value in chosen else ""}>'
        f'<label class="form-check-label" for="{base_id}_{i}">{label}</label></div>'
        for i, (value, label) in enumerate(choices)
    )
    summary = "".join(f"{label} " for value, label in choices if value in chosen)
    return mark_safe(
        f'<label class="form-label" id="label-{name}">{escaped(bound.label)}</label>\n<div class="dropdown">\n'
        '  <button class="form-select form-select-sm text-start text-truncate" type="button" '
        'data-bs-toggle="dropdown" data-bs-auto-close="outside" aria-expanded="false" '
        f'aria-labelledby="label-{name} filter-{name}" id="filter-{name}" data-summary-of="{name}" '
        f'data-summary-empty="{escaped(_("All"))}">{summary}</button>\n'
        f'  <div class="dropdown-menu p-2 tc-check-menu">\n    {boxes}\n  </div>\n</div>'
    )  # every text above went through escaped (flatatt escapes its values)
