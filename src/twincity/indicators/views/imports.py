"""Pages of figure imports and background jobs: upload, the preview (checked), apply, progress, cancel; the
office's region aliases. The work is ``indicators.imports`` and ``indicators.jobs``; these pages only ask."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from twincity.accounts.access import is_office, may_act_in
from twincity.accounts.choices import Action
from twincity.core.filtersets import StyledFilterSet
from twincity.core.tables import LeanTable
from twincity.core.views import (
    XLSX,
    ObjectDetailView,
    ObjectListView,
    StepView,
    is_fragment_request,
    message_of,
)
from twincity.indicators import imports, jobs
from twincity.indicators.choices import FINISHED_JOB_STATUSES, JobKind, JobStatus
from twincity.indicators.imports import ROLE_LABELS, ROLES, Layout, Options
from twincity.indicators.models import DataElement, Job, RegionAlias
from twincity.indicators.tasks import import_figures
from twincity.regions.models import Partnership, Region


def _partnership(request, pk: int, action: str = Action.REPORT) -> Partnership:
    """The partnership, if the person may report figures in it (else 404: not visible)."""
    partnership = get_object_or_404(Partnership.objects.filter(archived_at__isnull=True), pk=pk)
    if not may_act_in(request.user, action, partnership.pk):
        raise Http404
    return partnership


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File (CSV or Excel .xlsx)"))
    layout = forms.ChoiceField(label=gettext_lazy("Layout"), choices=Layout.choices, initial=Layout.LONG)
    period = forms.CharField(
        label=gettext_lazy("Period (wide by region)"),
        required=False,
        max_length=7,
        help_text=gettext_lazy("The period of every figure in the file, e.g. 2023 or 2023Q4."),
    )
    element = forms.ModelChoiceField(
        label=gettext_lazy("Data element (wide by period)"), queryset=DataElement.objects.none(), required=False
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["element"].queryset = DataElement.objects.filter(partnership=partnership, archived_at__isnull=True)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > imports.max_bytes():
            raise ValidationError(_("The file is too large."))
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".txt", ".xlsx")):
            raise ValidationError(_("Upload a CSV file or an Excel workbook (.xlsx)."))
        return upload


def _run_or_enqueue(job: Job) -> None:
    """A small file is checked or applied now; a large one by the background worker."""

    rows = job.result.get("rows") if job.params.get("stage") == "apply" else None
    if rows is None:
        with job.file.open("rb") as handle:
            rows = imports.count_rows(handle.read(), job.params.get("name", ""))
    if rows > imports.sync_rows():
        transaction.on_commit(lambda: import_figures.enqueue(job.pk))
    else:
        try:
            imports.run_job(job.pk)
        finally:
            jobs.close_side_connection()  # the request's thread keeps no second connection


@login_required
def import_start(request, pk: int):
    partnership = _partnership(request, pk)
    form = UploadForm(request.POST or None, request.FILES or None, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        options = Options(
            layout=data["layout"], period=data["period"] or "", element=data["element"].pk if data["element"] else None
        )
        try:
            job = imports.start_import(partnership, request.user, data["file"], options, language=get_language())
            _run_or_enqueue(job)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, message_of(exc))
        else:
            return redirect("indicators:job_detail", pk=job.pk)
    aliases = RegionAlias.objects.filter(partnership=partnership).select_related("region")
    return render(
        request,
        "indicators/import_start.html",
        {"partnership": partnership, "form": form, "aliases": aliases, "office": is_office(request.user, pk)},
    )


def _job(request, pk: int) -> Job:
    """A job the person sees (their own; the office: all of its partnership's); else 404."""
    return get_object_or_404(jobs.visible_jobs(request.user), pk=pk)


def _job_context(request, job: Job) -> dict:
    result = job.result or {}
    regions = {}
    if result.get("preview"):
        ids = {row["region"] for row in result["preview"]}
        regions = {r.pk: r for r in Region.objects.filter(pk__in=ids)}
    preview = [{**row, "region_name": regions.get(row["region"], row["region"])} for row in result.get("preview", [])]
    header = result.get("header") or []
    mapping = result.get("mapping") or {}
    return {
        "job": job,
        "result": result,
        "preview": preview,
        "problems": result.get("errors") or [],
        "finished": job.status in FINISHED_JOB_STATUSES,
        "may_cancel": jobs.may_cancel(request.user, job),
        "may_apply": job.status == "done"
        and result.get("stage") == "checked"
        and not result.get("error_count")
        and result.get("rows"),
        "mapping_rows": [(role, ROLE_LABELS[role], mapping.get(role)) for role in ROLES],
        "header": list(enumerate(header)),
        "is_long": job.params.get("layout", Layout.LONG) == Layout.LONG,
    }


class JobDetailView(ObjectDetailView):
    """A job's page (the import's preview and outcome); htmx polls its progress fragment while it runs."""

    template_name = "indicators/job_detail.html"
    page_cache = False  # a job's progress is written by the worker without a stamp (core.cache)

    def get_queryset(self):
        return jobs.visible_jobs(self.request.user)

    def get_template_names(self):
        if is_fragment_request(self.request):
            return ["indicators/job_progress.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **_job_context(self.request, self.object)}

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if is_fragment_request(self.request) and context["finished"]:
            response["HX-Refresh"] = "true"  # the whole page then: the preview, the outcome
        return response


def _sees(user, job: Job) -> bool:
    return jobs.visible_jobs(user).filter(pk=job.pk).exists()


def _apply(job: Job, user, data) -> None:
    with transaction.atomic():
        imports.request_apply(job, user)
        _run_or_enqueue(job)


def _applied(job: Job) -> str:
    job.refresh_from_db()
    if job.result.get("stage") == "applied":
        return _("Imported: %(created)s added, %(updated)s updated, %(unchanged)s unchanged.") % job.result["applied"]
    return job.message if job.status == "failed" else ""


def _remap(job: Job, user, data) -> None:
    """The mapping step: say which column is which, and check the file again."""
    with transaction.atomic():
        imports.request_check(job, user, data["mapping"])
        _run_or_enqueue(job)


class MappingForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for role in ROLES:
            self.fields[f"map_{role}"] = forms.IntegerField(required=False, min_value=0)

    def clean(self):
        data = super().clean()
        data["mapping"] = {role: data[f"map_{role}"] for role in ROLES if data.get(f"map_{role}") is not None}
        return data


def _job_url(job: Job) -> str:
    return reverse("indicators:job_detail", args=[job.pk])


JOB_STEPS = {
    "queryset": Job.objects.select_related("partnership"),
    "action": Action.VIEW,
    "allowed": _sees,
    "entry": _job_url,
}
job_apply = StepView.as_view(run=_apply, done=_applied, **JOB_STEPS)
job_remap = StepView.as_view(run=_remap, form_class=MappingForm, **JOB_STEPS)
job_cancel = StepView.as_view(
    run=lambda job, user, data: jobs.cancel(job, user),
    done=gettext_lazy("Cancel requested: the job stops at its next step and writes nothing."),
    **JOB_STEPS,
)


class JobFilterSet(StyledFilterSet):
    partnership = django_filters.NumberFilter(field_name="partnership_id", widget=forms.HiddenInput)
    status = django_filters.ChoiceFilter(choices=JobStatus.choices, label=gettext_lazy("Status"))

    class Meta:
        model = Job
        fields = ["partnership", "status"]


class JobTable(LeanTable):
    title = tables.Column(
        verbose_name=gettext_lazy("Job"), linkify=lambda record: reverse("indicators:job_detail", args=[record.pk])
    )
    kind = tables.Column(verbose_name=gettext_lazy("Kind"))
    status = tables.Column(verbose_name=gettext_lazy("Status"))
    done = tables.Column(verbose_name=gettext_lazy("Progress"), orderable=False)
    created_by = tables.Column(verbose_name=gettext_lazy("Started by"))
    created = tables.DateTimeColumn(verbose_name=gettext_lazy("Created"), format="Y-m-d H:i")

    class Meta:
        model = Job
        fields = ("title", "kind", "status", "done", "created_by", "created")
        attrs = {"class": "table table-sm align-middle mb-0", "id": "job-list"}
        row_attrs = {"data-job": lambda record: record.pk}

    def render_title(self, record):
        return str(record)

    def render_done(self, record):
        return f"{record.done} / {record.total}"


@login_required
def job_download(request, pk: int):
    """The file a finished export job wrote, to whoever sees the job (who asked for it, and the office)."""
    job = _job(request, pk)
    if job.kind != JobKind.EXPORT or job.status != JobStatus.DONE or not job.file:
        raise Http404
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=f"figures-{job.pk}.xlsx", content_type=XLSX)


class JobListView(ObjectListView):
    """The jobs a person sees: their own; the office, all of its partnership's."""

    filterset_class = JobFilterSet
    page_cache = False  # a job's progress is written by the worker without a stamp (core.cache)
    table_class = JobTable
    template_name = "indicators/job_list.html"

    queryset = Job.objects.select_related("created_by")

    def get_queryset(self):
        return super().get_queryset().filter(pk__in=jobs.visible_jobs(self.request.user).values("pk"))


urls: list = [
    path("p/<int:pk>/import/", import_start, name="import"),
    path("jobs/", JobListView.as_view(), name="job_list"),
    path("jobs/<int:pk>/", JobDetailView.as_view(), name="job_detail"),
    path("jobs/<int:pk>/apply/", job_apply, name="job_apply"),
    path("jobs/<int:pk>/download/", job_download, name="job_download"),
    path("jobs/<int:pk>/columns/", job_remap, name="job_remap"),
    path("jobs/<int:pk>/cancel/", job_cancel, name="job_cancel"),
]
