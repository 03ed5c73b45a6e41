"""``{% dashboard_panels panels %}``: the registers' panels on a partnership's dashboard (``core.registry.panels``:
each panel's key, title, icon, link to all and its items), written in one pass.

With f-strings, every text escaped as a template escapes it (``core.text.escaped``): the template it replaced
(``registers/_dashboard_panels.html``) spent about 2.5 of the dashboard's milliseconds on its thirty-odd lines, in
lookups, conditions and the date filter. ``core/tests/test_dashboard_panels_tag.py`` holds it to that template, byte
for byte (every kind of line, no panel, hostile texts, both languages)."""

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_noop

from twincity.core.text import escaped

register = template.Library()

ALL = gettext_noop("All")  # makemessages reads no call inside an f-string: the link's text marked here


def _day(value) -> str:
    """``{{ value|date:"Y-m-d" }}`` of a date."""
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def _line(item) -> str:
    text = escaped(item.text)
    shown = (
        f'<a class="me-auto text-truncate" href="{escaped(item.url)}">{text}</a>'
        if item.url
        else f'<span class="me-auto text-truncate">{text}</span>'
    )
    date = f'<span class="text-muted text-nowrap">{_day(item.date)}</span>' if item.date else ""
    badge = (
        f'<span class="badge text-bg-{escaped(item.tone)} text-nowrap">{escaped(item.badge)}</span>'
        if item.badge
        else ""
    )
    return (
        '\n    <div class="d-flex gap-2 mb-1 align-items-baseline">\n'
        f"      {shown}\n      {date}\n      {badge}\n    </div>\n    "
    )


@register.simple_tag
def dashboard_panels(panels) -> str:
    if not panels:
        return mark_safe("\n\n")
    every = escaped(gettext(ALL))
    parts = ['\n\n<div class="row g-3 mt-1" id="register-panels">\n  ']
    for panel in panels:
        link = f'<a class="small" href="{escaped(panel["link"])}">{every}</a>' if panel["link"] else ""
        parts.append(
            '\n  <div class="col-md-6 col-xl-4"><div class="tc-card h-100"'
            f' data-panel="{escaped(panel["key"])}"><div class="tc-card-header d-flex align-items-center">\n'
            f'    <span class="me-auto"><i class="bi bi-{escaped(panel["icon"])}"></i>'
            f" {escaped(panel['title'])}</span>\n"
            f'    {link}\n  </div><div class="tc-card-body small">\n    '
        )
        parts.extend(_line(item) for item in panel["items"])
        parts.append("\n  </div></div></div>\n  ")
    parts.append("\n</div>\n\n")
    return mark_safe("".join(parts))  # every text above escaped
