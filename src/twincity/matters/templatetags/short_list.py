"""``{% short_list items empty %}``: a compact list of matters (code, title, light, the date that falls due first),
linked to each matter's page; ``empty`` shown when there is none. The dashboard's three lists, my work's and a unit's.

Written in one pass with f-strings, every text escaped as a template escapes it (``core.text.escaped``): the template
it replaced (``matters/_matter_rows.html``) spent two of the dashboard's milliseconds on thirty rows, in lookups, the
date filter and ``{% url %}``. ``matters/tests/test_short_list.py`` holds it to that template, byte for byte. The
items are rows of values (the dashboard's ``_rows``: ``get_status_display`` a text) or matters read with their light
(``list_queryset``: ``get_status_display`` a method), looked up as a template looks them up."""

from django import template
from django.utils.safestring import mark_safe

from twincity.core.addresses import addresses_of
from twincity.core.text import escaped
from twincity.matters.templatetags.matter_page import day

register = template.Library()


def _reader(item):
    """``item.name`` as a template reads it: a key of a dict, else an attribute (called when it is a method)."""
    if isinstance(item, dict):
        return lambda name: item.get(name, "")

    def read(name):
        value = getattr(item, name, "")
        return value() if callable(value) else value

    return read


@register.simple_tag
def short_list(items, empty) -> str:
    address = addresses_of("matters:matter")
    parts = ['\n<div class="list-group list-group-flush">\n']
    for item in items:
        read = _reader(item)
        due, step = read("due_date"), read("next_milestone_due")
        shown = day(step) if step and due and step < due else (day(due) or "—")
        parts.append(
            f'\n  <a class="list-group-item list-group-item-action d-flex align-items-center gap-2"'
            f' href="{escaped(address(read("pk")))}">\n'
            f'    <span class="tc-light tc-light-{escaped(read("light"))}"'
            f' title="{escaped(read("get_status_display"))}"></span>\n'
            f'    <span class="font-monospace small text-muted">{escaped(read("code"))}</span>\n'
            f'    <span class="flex-grow-1 text-truncate">{escaped(read("title"))}</span>\n'
            f'    <span class="small text-muted text-nowrap">{shown}</span>\n'
            "  </a>\n"
        )
    if len(parts) == 1:
        parts.append(f'\n  <div class="list-group-item text-muted small py-3">{escaped(empty)}</div>\n')
    parts.append("\n</div>\n")
    return mark_safe("".join(parts))
