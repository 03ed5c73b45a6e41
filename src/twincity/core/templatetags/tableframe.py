"""The frame of every table (its header row and its numbered pages), built in Python.

django-tables2's Bootstrap template renders the header cell by cell and every sorting and page link through
``{% querystring_replace %}`` (the request's query copied and encoded once per link): about a fifth of a list
page on a cache miss. ``{% table_head table %}`` and ``{% table_pages table %}`` give the same HTML (the same
attributes, links and words; only the whitespace between tags differs) from one copy of the query. The project's
``django_tables2/bootstrap5.html`` uses them; keyset pages ("next" after a cursor) stay in that template.
"""

from django import template
from django.utils.formats import localize
from django.utils.html import escape, format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django_tables2.templatetags.django_tables2 import table_page_range

register = template.Library()


def _linker(request):
    """A function of (name, value) giving ``?<the request's query with name=value>``, escaped, as
    ``{% querystring_replace name=value %}`` does."""
    params = dict(request.GET) if request is not None else {}

    def link(name: str, value) -> str:
        return escape("?" + urlencode({**params, name: value}, doseq=True))

    return link


def _as_html(attrs) -> str:
    """``{{ attrs.as_html }}`` in a template: nothing when the attributes are a plain dict (as the settings' are)."""
    return attrs.as_html() if hasattr(attrs, "as_html") else ""


@register.simple_tag(takes_context=True)
def table_head(context, table) -> str:
    """The ``<thead>`` of django-tables2's Bootstrap 5 template."""
    link = _linker(context.get("request"))
    order_by = table.prefixed_order_by_field
    cells = []
    for column in table.columns:
        header = column.header
        if column.orderable:
            header = format_html('<a href="{}">{}</a>', mark_safe(link(order_by, column.order_by_alias.next)), header)
        cells.append(format_html('<th {} scope="col">{}</th>', mark_safe(column.attrs["th"].as_html()), header))
    return format_html(
        "<thead {}><tr>{}</tr></thead>", mark_safe(_as_html(table.attrs.get("thead"))), mark_safe("".join(cells))
    )


@register.simple_tag(takes_context=True)
def table_pages(context, table) -> str:
    """The numbered pages of django-tables2's Bootstrap 5 template (nothing on a single page)."""
    page = getattr(table, "page", None)
    if not page or table.paginator.num_pages <= 1:
        return ""
    link = _linker(context.get("request"))
    field = table.prefixed_page_field

    # (the item's class, its link's attributes in the package's order, what it says): previous, the numbers with
    # "..." for the gaps, next.
    def to(number, first: str = "href") -> str:
        href = format_html('href="{}"', mark_safe(link(field, number)))
        order = '{} class="page-link"' if first == "href" else 'class="page-link" {}'
        return format_html(order, href)

    items = []
    if page.has_previous():
        arrow = mark_safe('<span aria-hidden="true">&laquo;</span> ')
        items.append(("previous page-item", to(page.previous_page_number()), format_html("{}{}", arrow, _("previous"))))
    if page.has_previous() or page.has_next():
        for number in table_page_range(page, table.paginator):
            css = "page-item active" if page.number == number else "page-item"
            attrs = mark_safe('class="page-link" ') if number == "..." else to(number, first="class")
            items.append((css, attrs, localize(number)))
    if page.has_next():
        arrow = mark_safe(' <span aria-hidden="true">&raquo;</span>')
        items.append(("next page-item", to(page.next_page_number()), format_html("{}{}", _("next"), arrow)))
    html = [format_html('<li class="{}"><a {}>{}</a></li>', css, attrs, text) for css, attrs, text in items]
    return format_html(
        '<nav aria-label="Table navigation"><ul class="pagination justify-content-center">{}</ul></nav>',
        mark_safe("".join(html)),
    )
