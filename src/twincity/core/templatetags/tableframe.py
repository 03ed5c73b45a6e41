"""The frame of every table (its header row and its numbered pages), built in Python.

django-tables2's Bootstrap template renders the header cell by cell and every sorting and page link through
``{% querystring_replace %}`` (the request's query copied and encoded once per link): about a fifth of a list
page on a cache miss. ``{% table_head table %}`` and ``{% table_pages table %}`` give the same HTML (the same
attributes, links and words; only the whitespace between tags differs) from one copy of the query. The project's
``django_tables2/bootstrap5.html`` uses them; keyset pages ("next" after a cursor) stay in that template.

Each tag is plain f-strings, every text in them escaped by ``escaped`` (what ``format_html`` does to an argument):
``format_html`` per cell and per page link was a tenth of the frame's time.
"""

import html

from django import template
from django.utils.formats import localize
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django_tables2.templatetags.django_tables2 import table_page_range

from twincity.core.text import escaped

register = template.Library()


def _linker(request):
    """A function of (name, value) giving ``?<the request's query with name=value>``, escaped, as
    ``{% querystring_replace name=value %}`` does. The rest of the query is encoded once per name: the encoded
    parameters before and after ``name`` (in the query's order, ``name`` last when the query lacks it)."""
    params = dict(request.GET) if request is not None else {}
    around: dict[str, tuple[str, str]] = {}

    def link(name: str, value) -> str:
        if name not in around:
            keys = list(params)
            at = keys.index(name) if name in params else len(keys)
            around[name] = (
                urlencode({k: params[k] for k in keys[:at]}, doseq=True),
                urlencode({k: params[k] for k in keys[at + 1 :]}, doseq=True),
            )
        before, after = around[name]
        query = "&".join(part for part in (before, urlencode({name: value}, doseq=True), after) if part)
        return html.escape("?" + query)

    return link


def _as_html(attrs) -> str:
    """``{{ attrs.as_html }}`` in a template: nothing when the attributes are a plain dict (as the settings' are)."""
    return attrs.as_html() if hasattr(attrs, "as_html") else ""


def page_number(number) -> str:
    """``{{ p }}`` of a page link (``localize``), escaped. A page number under 1,000 is its digits in every language
    (Django's formats group digits by three or four): written so, without ``localize``'s look-ups of the language's
    formats (a tenth of a millisecond for a row of page links)."""
    if type(number) is int and 0 <= number < 1000:
        return str(number)
    return escaped(localize(number))


@register.simple_tag(takes_context=True)
def table_head(context, table) -> str:
    """The ``<thead>`` of django-tables2's Bootstrap 5 template."""
    link = _linker(context.get("request"))
    order_by = table.prefixed_order_by_field
    cells = []
    for column in table.columns:
        header = escaped(column.header)
        if column.orderable:
            header = f'<a href="{link(order_by, column.order_by_alias.next)}">{header}</a>'
        cells.append(f'<th {column.attrs["th"].as_html()} scope="col">{header}</th>')
    return mark_safe(f"<thead {_as_html(table.attrs.get('thead'))}><tr>{''.join(cells)}</tr></thead>")


@register.simple_tag(takes_context=True)
def table_pages(context, table) -> str:
    """The numbered pages of django-tables2's Bootstrap 5 template (nothing on a single page)."""
    page = getattr(table, "page", None)
    if not page or table.paginator.num_pages <= 1:
        return ""
    link = _linker(context.get("request"))
    field = table.prefixed_page_field

    # (the item's class, its link's attributes in the package's order, what it says, escaped): previous, the
    # numbers with "..." for the gaps, next.
    items = []
    if page.has_previous():
        href = link(field, page.previous_page_number())
        previous = escaped(_("previous"))  # outside the f-string, where makemessages reads it
        text = f'<span aria-hidden="true">&laquo;</span> {previous}'
        items.append(("previous page-item", f'href="{href}" class="page-link"', text))
    if page.has_previous() or page.has_next():
        for number in table_page_range(page, table.paginator):
            css = "page-item active" if page.number == number else "page-item"
            attrs = 'class="page-link" ' if number == "..." else f'class="page-link" href="{link(field, number)}"'
            items.append((css, attrs, page_number(number)))
    if page.has_next():
        href = link(field, page.next_page_number())
        following = escaped(_("next"))
        text = f'{following} <span aria-hidden="true">&raquo;</span>'
        items.append(("next page-item", f'href="{href}" class="page-link"', text))
    html_items = "".join(f'<li class="{css}"><a {attrs}>{text}</a></li>' for css, attrs, text in items)
    return mark_safe(
        f'<nav aria-label="Table navigation"><ul class="pagination justify-content-center">{html_items}</ul></nav>'
    )
