"""Supervision pages: the register of sheets 督办单, a sheet's page with its trail, its PDF and the workbook."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import path

from twincity.core.views import ExportView, ObjectDetailView, ObjectListView
from twincity.supervision.models import Sheet
from twincity.supervision.sheets import (
    SheetFilterSet,
    SheetTable,
    export_sheets,
    level_badge,
    render_sheet_pdf,
    sheet_queryset,
    visible_sheets,
)


class SheetListView(ObjectListView):
    queryset = Sheet.objects.all()
    filterset_class = SheetFilterSet
    table_class = SheetTable
    template_name = "supervision/sheet_list.html"

    def get_queryset(self):
        return sheet_queryset(visible_sheets(Sheet.objects.all(), self.request.user))

    def get_extra_context(self):
        return {"nav": "supervision"}


class SheetExportView(ExportView):
    queryset = Sheet.objects.all()
    filterset_class = SheetFilterSet
    filename = "supervision-sheets.xlsx"

    def get_queryset(self):
        return visible_sheets(Sheet.objects.all(), self.request.user)

    def export(self, rows, partnership) -> bytes:
        return export_sheets(rows, partnership)


class SheetDetailView(ObjectDetailView):
    template_name = "supervision/sheet_detail.html"
    context_object_name = "sheet"

    def get_queryset(self):
        return sheet_queryset(visible_sheets(Sheet.objects.all(), self.request.user))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sheet = self.object
        context.update(
            nav="supervision",
            badge=level_badge(sheet),
            steps=list(sheet.steps.order_by("at", "pk")),
            sides=list(sheet.case.sides.all()),
        )
        return context


class SheetPdfView(SheetDetailView):
    def get(self, request, *args, **kwargs):
        sheet = self.get_object()
        response = HttpResponse(render_sheet_pdf(sheet), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="sheet-{sheet.year}-{sheet.number}.pdf"'
        return response


urlpatterns = [
    path("sheets/", SheetListView.as_view(), name="sheet_list"),
    path("sheets/export.xlsx", SheetExportView.as_view(), name="sheet_export"),
    path("sheets/<int:pk>/", SheetDetailView.as_view(), name="sheet_detail"),
    path("sheets/<int:pk>/pdf/", SheetPdfView.as_view(), name="sheet_pdf"),
]
