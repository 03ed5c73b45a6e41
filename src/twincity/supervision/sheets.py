"""The register of supervision sheets 督办单: its filters, its table, its workbook and a sheet's PDF."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django import forms
from django.db.models import Exists, OuterRef, Prefetch
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from twincity.accounts.choices import Action
from twincity.core.filtersets import StyledFilterSet, visible_to_requester
from twincity.core.tables import LeanTable
from twincity.core.xlsx import HEADER_FILL, HEADER_FONT, ExportBook
from twincity.regions.models import Organisation, Partnership, Region
from twincity.supervision.choices import Escalation, SheetLevel
from twincity.supervision.models import CaseSide, Sheet

LEVEL_BADGE = {SheetLevel.BLUE: "primary", SheetLevel.YELLOW: "warning", SheetLevel.RED: "danger"}


def visible_sheets(queryset, user):
    """The sheets the user may read: through the one door, as every record of a partnership (every member reads
    the partnership's sheets, as its matters and cases; a sheet is addressed to its owners, not hidden from the
    rest — the office's decision, docs/supervision-sheets.md)."""
    return queryset.restrict(user, Action.VIEW)


def sheet_queryset(queryset=None):
    """Sheets with their case and its sides (and their units) loaded: no query per row."""
    queryset = Sheet.objects.all() if queryset is None else queryset
    return queryset.select_related("case", "partnership").prefetch_related(
        Prefetch("case__sides", queryset=CaseSide.objects.select_related("side", "organisation").order_by("pk"))
    )


class SheetFilterSet(StyledFilterSet):
    partnership = django_filters.ModelChoiceFilter(
        queryset=visible_to_requester(Partnership), label=gettext_lazy("Partnership")
    )
    level = django_filters.MultipleChoiceFilter(
        choices=SheetLevel.choices,
        label=gettext_lazy("Colour"),
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    state = django_filters.ChoiceFilter(
        choices=[("open", gettext_lazy("Open")), ("closed", gettext_lazy("Closed"))],
        method="filter_state",
        label=gettext_lazy("State"),
        empty_label=gettext_lazy("All"),
    )
    escalation = django_filters.MultipleChoiceFilter(
        choices=Escalation.choices,
        label=gettext_lazy("Addressed to"),
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    side = django_filters.ModelChoiceFilter(
        queryset=visible_to_requester(Region), method="filter_side", label=gettext_lazy("Side")
    )
    organisation = django_filters.ModelChoiceFilter(
        queryset=visible_to_requester(Organisation), method="filter_organisation", label=gettext_lazy("Unit")
    )
    year = django_filters.NumberFilter(field_name="year", label=gettext_lazy("Year"))

    class Meta:
        model = Sheet
        fields = ["partnership", "level", "state", "escalation", "side", "organisation", "year"]

    def filter_state(self, queryset, name, value):
        if value == "open":
            return queryset.filter(closed_at__isnull=True)
        if value == "closed":
            return queryset.filter(closed_at__isnull=False)
        return queryset

    @extend_schema_field(OpenApiTypes.INT)
    def filter_side(self, queryset, name, value):
        return queryset.filter(Exists(CaseSide.objects.filter(case_id=OuterRef("case_id"), side=value)))

    @extend_schema_field(OpenApiTypes.INT)
    def filter_organisation(self, queryset, name, value):
        return queryset.filter(Exists(CaseSide.objects.filter(case_id=OuterRef("case_id"), organisation=value)))


def level_badge(sheet: Sheet) -> str:
    return format_html(
        '<span class="badge text-bg-{} tc-sheet-{}">{}</span>',
        LEVEL_BADGE.get(sheet.level, "secondary"),
        sheet.level,
        sheet.get_level_display(),
    )


def owners_of(sheet: Sheet) -> list[str]:
    return [
        (s.organisation.display_name if s.organisation_id else str(s.side.short_name or s.side))
        for s in sheet.case.sides.all()
    ]


class SheetTable(LeanTable):
    number = tables.Column(verbose_name=gettext_lazy("Number"), order_by=("year", "number"), accessor="pk")
    level = tables.Column(verbose_name=gettext_lazy("Colour"))
    title = tables.Column(
        verbose_name=gettext_lazy("Supervised item"), accessor="case__title", order_by=("case__title",)
    )
    owners = tables.Column(verbose_name=gettext_lazy("Owners"), accessor="pk", orderable=False, empty_values=())
    due_on = tables.DateColumn(verbose_name=gettext_lazy("Due"), accessor="case__due_on", format="Y-m-d")
    escalation = tables.Column(verbose_name=gettext_lazy("Addressed to"))
    issued_at = tables.DateColumn(verbose_name=gettext_lazy("Issued"), format="Y-m-d")
    closed_at = tables.DateColumn(verbose_name=gettext_lazy("Closed"), format="Y-m-d", default="—")

    class Meta:
        model = Sheet
        fields = ()
        sequence = ("number", "level", "title", "owners", "due_on", "escalation", "issued_at", "closed_at")
        attrs = {"class": "table table-hover table-sm align-middle mb-0", "id": "sheet-table"}
        empty_text = gettext_lazy("No supervision sheets match these filters.")

    def render_number(self, record):
        return format_html('<a href="{}" class="text-nowrap">{}</a>', record.get_absolute_url(), record.display_number)

    def render_level(self, record):
        return level_badge(record)

    def render_title(self, record):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), record.case.title)

    def render_owners(self, record):
        return format_html_join(
            " ", '<span class="badge text-bg-light border fw-normal">{}</span>', ((o,) for o in owners_of(record))
        )


def export_sheets(rows, partnership) -> bytes:
    """The sheets as a workbook (one row a sheet), every cell through the one safe writer."""
    book = ExportBook()
    ws = book.sheet(_("Supervision sheets"))
    headers = [
        _("Number"),
        _("Colour"),
        _("Addressed to"),
        _("Item code"),
        _("Supervised item"),
        _("Owners"),
        _("Due"),
        _("Reason"),
        _("Issued"),
        _("Colour since"),
        _("Escalated"),
        _("Closed"),
    ]
    ws.append([ws.header(h, font=HEADER_FONT, fill=HEADER_FILL) for h in headers])
    for letter, width in zip("ABCDEFGHIJKL", (16, 14, 16, 14, 40, 36, 12, 50, 12, 12, 12, 12), strict=True):
        ws.width(letter, width)
    ws.freeze("A2")

    def day(value):
        return timezone.localdate(value) if value else None

    for sheet in sheet_queryset(rows).order_by("year", "number"):
        ws.append(
            [
                sheet.display_number,
                sheet.get_level_display(),
                sheet.get_escalation_display(),
                sheet.case.code,
                sheet.case.title,
                "、".join(owners_of(sheet)),
                sheet.case.due_on,
                sheet.reason,
                day(sheet.issued_at),
                day(sheet.raised_at),
                day(sheet.escalated_at),
                day(sheet.closed_at),
            ]
        )
    return book.save()


def render_sheet_pdf(sheet: Sheet) -> bytes:
    """The sheet as an official-style document (公文格式, CJK), with its step trail."""
    from weasyprint import HTML  # noqa: PLC0415 - WeasyPrint and its fonts load only when a PDF is made
    from weasyprint.urls import URLFetcher  # noqa: PLC0415 - WeasyPrint and its fonts load only when a PDF is made

    html = render_to_string(
        "supervision/sheet_pdf.html",
        {
            "sheet": sheet,
            "case": sheet.case,
            "sides": list(sheet.case.sides.select_related("side", "organisation").order_by("pk")),
            "steps": list(sheet.steps.order_by("at", "pk")),
            "masthead": sheet.partnership.name,
            "docno": sheet.display_number,
            "today": timezone.localdate(),
        },
    )
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf()
