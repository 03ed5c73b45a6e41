"""Pages of figure imports and background jobs: upload, the preview (checked), apply, progress, cancel; the
office's region aliases. The work is ``indicators.imports`` and ``indicators.jobs``; these pages only ask."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from twincity.accounts.access import is_office, may_act_in
from twincity.accounts.choices import Action
from twincity.core.views import is_fragment_request, message_of
from twincity.indicators import imports, jobs, services
from twincity.indicators.choices import FINISHED_JOB_STATUSES
from twincity.indicators.imports import ROLE_LABELS, ROLES, Layout, Options
from twincity.indicators.models import DataElement, Job, RegionAlias
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
    from twincity.indicators.tasks import import_figures  # noqa: PLC0415

    rows = job.result.get("rows") if job.params.get("stage") == "apply" else None
    if rows is None:
        with job.file.open("rb") as handle:
            rows = imports.count_rows(handle.read(), job.params.get("name", ""))
    if rows > imports.sync_rows():
        transaction.on_commit(lambda: import_figures.enqueue(job.pk))
    else:
        imports.run_job(job.pk)


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


@login_required
def job_detail(request, pk: int):
    job = _job(request, pk)
    context = _job_context(request, job)
    if is_fragment_request(request):
        response = render(request, "indicators/job_progress.html", context)
        if context["finished"]:
            response["HX-Refresh"] = "true"  # the whole page: the preview, the outcome
        return response
    return render(request, "indicators/job_detail.html", context)


@login_required
@require_POST
def job_apply(request, pk: int):
    job = _job(request, pk)
    try:
        with transaction.atomic():
            imports.request_apply(job, request.user)
            _run_or_enqueue(job)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, message_of(exc))
    else:
        job.refresh_from_db()
        if job.result.get("stage") == "applied":
            applied = job.result["applied"]
            messages.success(
                request,
                _("Imported: %(created)s added, %(updated)s updated, %(unchanged)s unchanged.") % applied,
            )
        elif job.status == "failed":
            messages.error(request, job.message)
    return redirect("indicators:job_detail", pk=job.pk)


@login_required
@require_POST
def job_remap(request, pk: int):
    """The mapping step: say which column is which, and check the file again."""
    job = _job(request, pk)
    if job.created_by_id != request.user.pk or job.status not in FINISHED_JOB_STATUSES:
        raise Http404
    mapping = {}
    for role in ROLES:
        value = request.POST.get(f"map_{role}", "")
        if value.isdigit():
            mapping[role] = int(value)
    job.params = {**job.params, "mapping": mapping, "stage": "check"}
    job.status = "queued"
    from twincity.core.services import save_fields  # noqa: PLC0415

    save_fields(job, ["params", "status"])
    _run_or_enqueue(job)
    return redirect("indicators:job_detail", pk=job.pk)


@login_required
@require_POST
def job_cancel(request, pk: int):
    job = _job(request, pk)
    try:
        jobs.cancel(job, request.user)
    except PermissionDenied as exc:
        messages.error(request, message_of(exc))
    else:
        messages.info(request, _("Cancel requested: the job stops at its next step and writes nothing."))
    return redirect("indicators:job_detail", pk=job.pk)


@login_required
def job_list(request):
    queryset = jobs.visible_jobs(request.user)
    wanted = request.GET.get("partnership", "")
    if wanted.isdigit():
        queryset = queryset.filter(partnership_id=int(wanted))
    return render(request, "indicators/job_list.html", {"jobs": queryset[:200]})


class AliasForm(forms.Form):
    alias = forms.CharField(label=gettext_lazy("Spelling met in files"), max_length=100)
    region = forms.ModelChoiceField(label=gettext_lazy("Region"), queryset=Region.objects.filter(archived_at=None))


@login_required
def aliases(request, pk: int):
    """The office's list of other spellings of region names (两藏 → 西藏)."""
    partnership = _partnership(request, pk, Action.ADMINISTER)
    form = AliasForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_alias(partnership=partnership, user=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, message_of(exc))
        else:
            messages.success(request, _("The spelling is saved."))
            return redirect(reverse("indicators:import_aliases", args=[pk]))
    rows = RegionAlias.objects.filter(partnership=partnership).select_related("region")
    return render(request, "indicators/import_aliases.html", {"partnership": partnership, "form": form, "rows": rows})


urls: list = [
    path("p/<int:pk>/import/", import_start, name="import"),
    path("p/<int:pk>/import/aliases/", aliases, name="import_aliases"),
    path("jobs/", job_list, name="job_list"),
    path("jobs/<int:pk>/", job_detail, name="job_detail"),
    path("jobs/<int:pk>/apply/", job_apply, name="job_apply"),
    path("jobs/<int:pk>/columns/", job_remap, name="job_remap"),
    path("jobs/<int:pk>/cancel/", job_cancel, name="job_cancel"),
]
