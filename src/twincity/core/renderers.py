"""The form renderer: Django's own, with its commonest widget templates written in Python.

Every ``<select>`` of a page (a filter bar's sides, series, a form's choices) and every plain ``<input>`` renders
through Django's widget templates: the select's template, an ``{% include %}`` of the option template for every
option and of the attributes template for each. On a list page that was a tenth of the time of a cache miss.
``WidgetRenderer`` writes the same characters in Python for the templates below, text areas, file inputs without a
file yet and the fields' labels (``BoundField.label_tag``); a test renders every widget and label of every form both
ways and compares them byte for byte (``core/tests/test_renderers.py``); every other template, and
a select whose options use another template, goes to Django's renderer as before. The HTML is f-strings with every
text escaped as ``format_html`` escapes it (``core.text.escaped``): ``format_html`` per option and attribute was
most of the renderer's time.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from twincity.core.text import escaped

WIDGETS = "django/forms/widgets/"
OPTION = WIDGETS + "select_option.html"
# Input widgets whose template is ``{% include "…/input.html" %}`` (the renderer strips the templates' newlines).
INPUTS = frozenset(
    WIDGETS + name
    for name in (
        "text.html",
        "number.html",
        "email.html",
        "url.html",
        "search.html",
        "password.html",
        "hidden.html",
        "date.html",
        "time.html",
        "datetime.html",
        "tel.html",
        "file.html",
    )
)
TEXTAREA = WIDGETS + "textarea.html"
CLEARABLE_FILE = WIDGETS + "clearable_file_input.html"
# A field's label (``BoundField.label_tag``): ``<label for=…>`` through ``django/forms/attrs.html``.
LABEL = "django/forms/label.html"


def attributes(attrs: dict) -> str:
    """``django/forms/widgets/attrs.html``: `` name="value"`` each, a bare name for True, nothing for False."""
    return "".join(
        f" {escaped(name)}" if value is True else f' {escaped(name)}="{escaped(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


def _option(option: dict) -> str:
    return (
        f'<option value="{escaped(str(option["value"]))}"{attributes(option["attrs"])}>'
        f"{escaped(option['label'])}</option>\n"
    )


def _select(widget: dict) -> str:
    out = [f'<select name="{escaped(widget["name"])}"{attributes(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{escaped(group_name)}">')
        out.extend("\n  " + _option(option) for option in options)
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


def _input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{escaped(str(widget["value"]))}"'
    return (
        f'<input type="{escaped(widget["type"])}" name="{escaped(widget["name"])}"{value}{attributes(widget["attrs"])}>'
    )


def _textarea(widget: dict) -> str:
    value = widget["value"]
    return (
        f'<textarea name="{escaped(widget["name"])}"{attributes(widget["attrs"])}>\n'
        f"{escaped(value) if value else ''}</textarea>"
    )


def _file(widget: dict) -> str:
    """``clearable_file_input.html`` without a file already there (a new upload): the input alone."""
    return f'<input type="{escaped(widget["type"])}" name="{escaped(widget["name"])}"{attributes(widget["attrs"])}>'


def _label(context: dict) -> str:
    if context["use_tag"]:
        tag = escaped(context["tag"])
        return f"<{tag}{attributes(context['attrs'])}>{escaped(context['label'])}</{tag}>"
    return escaped(context["label"]).strip()  # the renderer strips what the template wrote


def _plain_options(widget: dict) -> bool:
    """Every option of the select uses Django's option template."""
    return all(option["template_name"] == OPTION for _name, group, _index in widget["optgroups"] for option in group)


class WidgetRenderer(DjangoTemplates):
    """``FORM_RENDERER``: selects, plain inputs, text areas, file inputs and labels in Python, everything else
    through Django's templates."""

    def render(self, template_name, context, request=None):
        if not isinstance(context, dict):
            return super().render(template_name, context, request)
        widget = context.get("widget")
        if widget is not None and widget.get("template_name") == template_name:
            if template_name == WIDGETS + "select.html" and _plain_options(widget):
                return mark_safe(_select(widget))
            if template_name in INPUTS:
                return mark_safe(_input(widget))
            if template_name == TEXTAREA:
                return mark_safe(_textarea(widget))
            if template_name == CLEARABLE_FILE and not widget.get("is_initial"):
                return mark_safe(_file(widget))
        elif template_name == LABEL and "use_tag" in context:
            return mark_safe(_label(context))
        return super().render(template_name, context, request)
