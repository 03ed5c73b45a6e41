"""Index runs' pages: the list, the run form (the office), a run's page and its publication."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django import forms
from django.core.cache import cache
from django.http import Http404
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from twincity.accounts.access import is_office, partnerships_for
from twincity.accounts.choices import Action
from twincity.core.tables import LeanTable
from twincity.core.views import ObjectCreateView, ObjectDetailView, ObjectListView, StepView
from twincity.indicators import jobs, runs
from twincity.indicators.choices import (
    FINISHED_JOB_STATUSES,
    PERIOD_RE,
    Aggregation,
    Normalisation,
    RunStatus,
    Weighting,
)
from twincity.indicators.models import Framework, IndexRun, ReferencePanel
from twincity.regions.models import Partnership, Region


class RunFilterSet(django_filters.FilterSet):
    partnership = django_filters.ModelChoiceFilter(
        queryset=Partnership.objects.all(), label=gettext_lazy("partnership")
    )
    status = django_filters.ChoiceFilter(choices=RunStatus.choices, label=gettext_lazy("status"))
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=gettext_lazy("Search"))

    class Meta:
        model = IndexRun
        fields = ["partnership", "status", "q"]

    @property
    def list_filters(self):
        return [self.form["status"]]


class RunTable(LeanTable):
    title = tables.Column(linkify=lambda record: reverse("indicators:run_detail", args=[record.pk]))
    framework = tables.Column(accessor="framework__name", verbose_name=gettext_lazy("framework"))
    status = tables.Column()
    published_at = tables.DateTimeColumn(format="Y-m-d", verbose_name=gettext_lazy("published at"))
    created = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=gettext_lazy("created"))

    class Meta:
        model = IndexRun
        fields = ("title", "framework", "status", "published_at", "created")
        attrs = {"class": "table table-sm table-hover mb-0", "id": "run-table"}


class RunListView(ObjectListView):
    queryset = IndexRun.objects.select_related("framework").defer("inputs", "results")
    filterset_class = RunFilterSet
    table_class = RunTable
    template_name = "indicators/run_list.html"

    def get_extra_context(self):
        user = self.request.user
        return {"may_run": any(is_office(user, p.pk) for p in partnerships_for(user))}


PERIODS_HELP = gettext_lazy("Years or quarters, separated by commas or spaces: 2019, 2020, 2021")


class RunForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("title"), max_length=200)
    framework = forms.ModelChoiceField(queryset=Framework.objects.none(), label=gettext_lazy("framework"))
    regions = forms.ModelMultipleChoiceField(
        queryset=Region.objects.none(), label=gettext_lazy("regions"), widget=forms.CheckboxSelectMultiple
    )
    periods = forms.CharField(label=gettext_lazy("periods"), help_text=PERIODS_HELP)
    panel = forms.ModelChoiceField(
        queryset=ReferencePanel.objects.none(), label=gettext_lazy("reference panel"), required=False
    )
    normalization = forms.ChoiceField(choices=Normalisation.choices, label=gettext_lazy("normalisation"))
    weighting = forms.ChoiceField(choices=Weighting.choices, label=gettext_lazy("weighting"))
    aggregation = forms.ChoiceField(choices=Aggregation.choices, label=gettext_lazy("aggregation"))
    fit_on = forms.ChoiceField(
        choices=[("pooled", gettext_lazy("All years pooled")), ("period", gettext_lazy("Each period"))],
        label=gettext_lazy("fit bounds and weights on"),
    )
    final_only = forms.BooleanField(label=gettext_lazy("Finalised figures only"), required=False)

    def __init__(self, *args, partnership=None, **kwargs):
        super().__init__(*args, **kwargs)
        live = {"partnership": partnership, "archived_at__isnull": True}
        self.fields["framework"].queryset = Framework.objects.filter(**live)
        self.fields["panel"].queryset = ReferencePanel.objects.filter(**live)
        sides = [s.pk for s in partnership.sides()] if partnership else []
        panel_regions = ReferencePanel.regions.through.objects.filter(referencepanel__partnership=partnership)
        self.fields["regions"].queryset = Region.objects.filter(
            pk__in=[*sides, *panel_regions.values_list("region_id", flat=True)]
        ).order_by("code")
        self.initial.setdefault("regions", sides)

    def clean_regions(self):
        regions = self.cleaned_data["regions"]
        if len(regions) < 2:
            raise forms.ValidationError(_("Choose two regions or more."))
        return regions

    def clean_periods(self):

        items = [p for p in self.cleaned_data["periods"].replace(",", " ").replace("，", " ").split() if p]
        bad = [p for p in items if not PERIOD_RE.match(p)]
        if bad or not items:
            raise forms.ValidationError(
                _("Write each period as 2020, 2020Q1 or 202001: %(bad)s") % {"bad": " ".join(bad)}
            )
        return items


class RunCreateView(ObjectCreateView):
    form_class = RunForm
    template_name = "indicators/run_form.html"

    def get_partnership(self):
        user = self.request.user
        offices = [p for p in partnerships_for(user) if is_office(user, p.pk)]
        chosen = next((p for p in offices if str(p.pk) == self.request.GET.get("partnership")), None)
        if chosen is None and not offices:
            raise Http404
        return chosen or offices[0]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "partnership": self.partnership}

    def create(self, *, partnership, user, title, framework, regions, periods, panel, **options):
        return runs.start_run(
            partnership, framework, title=title, region_ids=[r.pk for r in regions], periods=periods, panel=panel,
            options=options, user=user,
        )  # fmt: skip

    def get_success_url(self):
        return reverse("indicators:run_detail", args=[self.object.pk])


class RunDetailView(ObjectDetailView):
    queryset = IndexRun.objects.select_related("framework", "partnership", "published_by", "created_by")
    template_name = "indicators/run_detail.html"
    page_cache = False  # a run's progress is written by the worker without a stamp (core.cache)
    context_object_name = "run"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        run = self.object
        identical = None
        if run.status == RunStatus.DONE:
            # Regenerating the largest run takes a second: its verdict is kept until the run itself changes.
            key = f"indicators:run-identical:{run.pk}:{run.version}:{run.last_updated.timestamp()}"
            identical = cache.get(key)
            if identical is None:
                try:
                    identical = runs.regenerate(run) == run.results
                except ValueError:
                    identical = False
                cache.set(key, identical, 24 * 3600)
        names = {r.pk: r.label for r in Region.objects.filter(pk__in=run.spec.get("units", []))}
        others = (
            IndexRun.objects.restrict(self.request.user)
            .filter(partnership=run.partnership, status=RunStatus.DONE)
            .exclude(pk=run.pk)
            .only("pk", "title")[:20]
        )
        job = None
        if run.status in (RunStatus.QUEUED, RunStatus.RUNNING) and run.spec.get("job"):
            job = jobs.visible_jobs(self.request.user).filter(pk=run.spec["job"]).first()
        return {
            **context,
            "job": job,
            "finished": job is None or job.status in FINISHED_JOB_STATUSES,
            "may_cancel": job is not None and jobs.may_cancel(self.request.user, job),
            "identical": identical,
            "may_publish": is_office(self.request.user, run.partnership_id)
            and run.status == RunStatus.DONE
            and not run.is_published,
            "may_rerun": is_office(self.request.user, run.partnership_id),
            "regions": [names.get(int(r), r) for r in run.spec.get("regions", [])],
            "panel": ReferencePanel.objects.filter(pk=run.spec.get("panel")).first(),
            "others": others,
            "methods": _methods(run.spec),
        }


def _methods(spec: dict) -> dict:
    """The run's methods in words (the choices' labels), for its page."""

    def label(choices, value):
        return choices(value).label if value in choices.values else value

    return {
        "normalization": label(Normalisation, spec.get("normalization", {}).get("method")),
        "weighting": label(Weighting, spec.get("weighting", {}).get("default")),
        "aggregation": label(Aggregation, spec.get("aggregation", {}).get("default")),
        "fit": _("All years pooled") if spec.get("fit", {}).get("on") == "pooled" else _("Each period"),
    }


def _office(user, run) -> bool:
    return is_office(user, run.partnership_id)


def _entry(run):
    return reverse("indicators:run_detail", args=[run.pk])


urls = [
    path("runs/", RunListView.as_view(), name="run_list"),
    path("runs/new/", RunCreateView.as_view(), name="run_create"),
    path("runs/<int:pk>/", RunDetailView.as_view(), name="run_detail"),
    path(
        "runs/<int:pk>/publish/",
        StepView.as_view(
            queryset=IndexRun.objects.all(),
            action=Action.VIEW,
            allowed=_office,
            entry=_entry,
            run=lambda run, user, data: runs.publish_run(run, user=user),
            done=gettext_lazy("Published. The run is frozen from now on."),
        ),
        name="run_publish",
    ),
    path(
        "runs/<int:pk>/rerun/",
        StepView.as_view(
            queryset=IndexRun.objects.all(),
            action=Action.VIEW,
            allowed=_office,
            entry=_entry,
            run=lambda run, user, data: runs.rerun(run, user=user),
            done=gettext_lazy("Rerun on today's figures: it is the newest run of the list."),
        ),
        name="run_rerun",
    ),
]
