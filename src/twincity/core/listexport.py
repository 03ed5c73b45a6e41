"""A list as leaders want it on paper: the rows on screen, with the same filters and order, as a titled PDF.

The title says what the paper is without the screen beside it: the list's name, the partnership, the
filters in words, the date it was made; every page is numbered ("page 2 of 5"), landscape A4, the
table's header repeated on every page. The text is set in the CJK fonts the meeting papers use
(found by fontconfig among the system fonts, no web fonts; see ``meetings/documents.py``), and
nothing is fetched while rendering (only ``data:`` URLs).

``ListPdfMixin`` turns an ``ObjectListView`` (``core.views``) into the PDF of its list: the same
queryset through the door, the same FilterSet, the same table and sorting, without pagination::

    class MatterPdfView(ListPdfMixin, MatterListView):
        pdf_title = _("Key cooperation matters")
"""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, QuerySet
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django_tables2 import CheckBoxColumn

from twincity.accounts.access import partnerships_for
from twincity.core.text import join_words
from twincity.core.views import XLSX
from twincity.core.xlsx import ExportBook

PDF = "application/pdf"
MAX_ROWS = 5000  # a paper of more rows is not read: the filters narrow it first
_SPACE = re.compile(r"\s+")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return _SPACE.sub(" ", strip_tags(str(value))).strip()


def _display(field, value) -> str:
    """A filter's value as words: choices by their label, records by their name, several joined."""
    if isinstance(value, QuerySet | list | tuple | set):
        return join_words(_display(field, v) for v in value)
    if isinstance(value, Model):
        return str(getattr(value, "display_name", None) or value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    choices = getattr(field, "choices", None)
    if choices is not None and not hasattr(field, "queryset"):
        labels = {str(k): v for k, v in choices if not isinstance(v, list | tuple)}
        return str(labels.get(str(value), value))
    return _text(value)


def filters_in_words(filterset, skip: tuple[str, ...] = ("partnership",)) -> list[tuple[str, str]]:
    """(label, value in words) of each filter the list is narrowed by, in the filter bar's order."""
    if not filterset.is_valid():
        return []
    words = []
    for name, field in filterset.form.fields.items():
        value = filterset.form.cleaned_data.get(name)
        if name in skip or value in (None, "", [], ()) or (hasattr(value, "exists") and not value.exists()):
            continue
        if name == "archived" and value is False:
            continue
        words.append((str(field.label or name), _display(field, value)))
    return words


def table_text(table) -> tuple[list[str], list[list[str]]]:
    """The header and the rows of a django-tables2 table as plain text (each cell's ``value_<name>``,
    else its rendering without markup), its visible columns only, without selection boxes."""
    bound_rows = list(table.rows)
    # What a table prepares before ``render_table`` (counts attached to its records…), on these same records.
    table.page = SimpleNamespace(object_list=bound_rows)
    table.before_render(getattr(table, "request", None))
    columns = [c for c in table.columns if c.visible and not isinstance(c.column, CheckBoxColumn)]
    header = [_text(c.header) for c in columns]
    rows = [[_text(row.get_cell_value(c.name)) for c in columns] for row in bound_rows]
    return header, rows


def render_list_pdf(
    *, title: str, partnership: str, filters: list[tuple[str, str]], header: list[str], rows: list[list[str]]
) -> bytes:
    from weasyprint import HTML  # noqa: PLC0415 - WeasyPrint and its fonts load only when a PDF is made
    from weasyprint.urls import URLFetcher  # noqa: PLC0415 - WeasyPrint and its fonts load only when a PDF is made

    html = render_list_html(title=title, partnership=partnership, filters=filters, header=header, rows=rows)
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf()


def render_list_html(*, title, partnership, filters, header, rows) -> str:
    return render_to_string(
        "core/list_pdf.html",
        {
            "title": title,
            "partnership": partnership,
            "filters": filters,
            "header": header,
            "rows": rows,
            "generated": timezone.localtime(),
        },
    )


class ListPdfMixin:
    """Mixed in before an ``ObjectListView`` subclass: its list, as on screen, as a titled PDF.

    ``pdf_title`` (or ``get_pdf_title()``) names the list; ``pdf_filename`` the file. Invalid filters
    are a 404, as for the Excel export.
    """

    pdf_title = ""
    pdf_filename = "list.pdf"

    def get_pdf_title(self) -> str:
        if not self.pdf_title:
            raise ImproperlyConfigured(f"{type(self).__name__} needs a pdf_title")
        return str(self.pdf_title)

    def get_table_pagination(self, table):
        return False

    def get_pdf_partnership(self) -> str:
        chosen = self.filterset.form.cleaned_data.get("partnership")
        if chosen is None:
            mine = partnerships_for(self.request.user)
            chosen = mine[0] if len(mine) == 1 else None
        return chosen.display_name if chosen is not None else _("All my partnerships")

    def render_to_response(self, context, **response_kwargs):
        if not self.filterset.is_valid():
            raise Http404
        table = context["table"]
        if len(table.rows) > MAX_ROWS:
            return HttpResponse(
                _("More than %(n)s rows: narrow the list with its filters first.") % {"n": MAX_ROWS},
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        header, rows = table_text(table)
        pdf = render_list_pdf(
            title=self.get_pdf_title(),
            partnership=self.get_pdf_partnership(),
            filters=filters_in_words(self.filterset),
            header=header,
            rows=rows,
        )
        response = HttpResponse(pdf, content_type=PDF)
        response["Content-Disposition"] = f'attachment; filename="{self.pdf_filename}"'
        return response


class ListXlsxMixin(ListPdfMixin):
    """Mixed in before an ``ObjectListView`` subclass: its list, as on screen, as an Excel sheet (for a list
    without a workbook of its own): the title, the partnership and the filters above the table's header."""

    xlsx_filename = "list.xlsx"

    def render_to_response(self, context, **response_kwargs):
        if not self.filterset.is_valid():
            raise Http404
        header, rows = table_text(context["table"])
        book = ExportBook()
        sheet = book.sheet(self.get_pdf_title()[:31])
        sheet.append([self.get_pdf_title(), self.get_pdf_partnership()])
        filters = filters_in_words(self.filterset)
        sheet.append(["；".join(f"{label}：{value}" for label, value in filters) or _("none (every row)")])
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        response = HttpResponse(book.save(), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{self.xlsx_filename}"'
        return response
