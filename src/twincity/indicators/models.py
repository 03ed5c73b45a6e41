"""The indicator system (指标体系、统计体系): statistics from each side, indicators, frameworks and index runs.

In the manner of DHIS2, figures are kept as **observations** of **data elements** (a quantity with a unit,
a definition, a source and a frequency) for a **region** and a **period** (``2020``, ``2020Q1``, ``202001``).
Each side enters and corrects its own region's figures; the office checks and finalises them, and a
finalised figure changes only through a recorded **revision**. **Indicators** are formulas over data
elements (numerator ÷ denominator × factor), computed from the observations, never typed in.

In the manner of COINr, a **framework** is a tree (index → dimensions → indicators) with a direction and a
weight on every node, and an **index run** stores its full specification — framework, regions, periods,
options, reference panel — *and the input values it used*, so that a published run is frozen (later data
changes never change it) and can be regenerated exactly. The computation is ``twincity.analytics``'s.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from twincity.core.models import ChangeLoggedModel, PrimaryModel
from twincity.indicators.choices import (
    AggregationRule,
    Direction,
    Frequency,
    JobKind,
    JobStatus,
    ObservationStatus,
    RunStatus,
)
from twincity.regions.models import BilingualName

VALUE = {"max_digits": 24, "decimal_places": 6}
period_validator = RegexValidator(
    r"^(19|20)\d\d(Q[1-4]|0[1-9]|1[0-2])?$", _("Write a period as 2020, 2020Q1 or 202001.")
)
code_validator = RegexValidator(r"^[A-Za-z0-9_.\-]+$", _("Use letters, digits, '.', '-' and '_' only."))


class DataElement(BilingualName, PrimaryModel):
    """A statistic the office collects (数据项), such as GDP or R&D spending: what it means, in which unit,
    from which source, how often, and how shorter periods add up. ``category_set``/``category`` place it in
    a breakdown (e.g. value added by industry sector: 产业增加值 / 第二产业) for structure measures."""

    partnership = models.ForeignKey(
        "regions.Partnership", on_delete=models.PROTECT, related_name="+", verbose_name=_("partnership")
    )
    code = models.CharField(_("code"), max_length=40, validators=[code_validator])
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    definition = models.TextField(_("definition"), blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.YEAR)
    aggregation = models.CharField(
        _("aggregation"), max_length=10, choices=AggregationRule.choices, default=AggregationRule.SUM
    )
    category_set = models.CharField(_("breakdown"), max_length=50, blank=True)
    category = models.CharField(_("category"), max_length=50, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("data element")
        verbose_name_plural = _("data elements")
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "code"], condition=Q(archived_at__isnull=True), name="indicators_element_code"
            )
        ]

    class Access:
        partnership = "partnership"

    def __str__(self) -> str:
        return f"{self.display_name} ({self.unit})" if self.unit else self.display_name


class ReferencePanel(BilingualName, PrimaryModel):
    """A group of regions an index is fitted on so that its scores mean something (参照组): all provinces,
    all national new areas. Two regions alone give 0/1 min-max scores; a panel gives the frontier."""

    partnership = models.ForeignKey(
        "regions.Partnership", on_delete=models.PROTECT, related_name="+", verbose_name=_("partnership")
    )
    regions = models.ManyToManyField("regions.Region", related_name="+", verbose_name=_("regions"))
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("reference panel")
        verbose_name_plural = _("reference panels")

    class Access:
        partnership = "partnership"


class RegionAlias(ChangeLoggedModel):
    """Another spelling of a region's name met in imported files (两藏 for 西藏, Sichuan for 四川)."""

    partnership = models.ForeignKey(
        "regions.Partnership", on_delete=models.PROTECT, related_name="+", verbose_name=_("partnership")
    )
    alias = models.CharField(_("spelling in files"), max_length=100)
    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+", verbose_name=_("region"))

    class Meta:
        ordering = ["alias"]
        verbose_name = _("region alias")
        verbose_name_plural = _("region aliases")
        constraints = [models.UniqueConstraint(fields=["partnership", "alias"], name="indicators_alias_once")]

    class Access:
        partnership = "partnership"

    def __str__(self) -> str:
        return f"{self.alias} → {self.region}"


class Observation(PrimaryModel):
    """One figure (指标数据): a data element's value for a region and a period, with its source and status.

    ``side`` is the partnership's side the region belongs to (the side itself or a region under it), kept by
    the services; figures of regions outside both sides (other provinces of a reference panel) have none and
    only the office enters them. ``organisation`` is the unit that reported it: a unit contact enters figures
    of their own side in their unit's name."""

    partnership = models.ForeignKey(
        "regions.Partnership", on_delete=models.PROTECT, related_name="+", verbose_name=_("partnership")
    )
    element = models.ForeignKey(
        DataElement, on_delete=models.PROTECT, related_name="observations", verbose_name=_("data element")
    )
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    period = models.CharField(_("period"), max_length=7, validators=[period_validator])
    value = models.DecimalField(_("value"), **VALUE)
    source = models.CharField(_("source"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ObservationStatus.choices, default=ObservationStatus.PROVISIONAL
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    side = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("side")
    )
    organisation = models.ForeignKey(
        "regions.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reported by"),
    )
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True, editable=False)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        ordering = ["element", "region", "period"]
        verbose_name = _("figure")
        verbose_name_plural = _("figures")
        constraints = [
            models.UniqueConstraint(
                fields=["element", "region", "period"],
                condition=Q(archived_at__isnull=True),
                name="indicators_observation_once",
            )
        ]
        indexes = [models.Index(fields=["partnership", "region", "period"], name="indicators_obs_region")]

    class Access:
        partnership = "partnership"
        regions = "side"
        organisations = "organisation"
        organisation_side = "side"
        # Entering and correcting a figure are both REPORT (coordinators: their side; unit contacts: their
        # side in their unit's name); finalising and revising a final figure are the office's (ADMINISTER).

    def __str__(self) -> str:
        return f"{self.element_id}/{self.region_id}/{self.period}: {self.value}"

    @property
    def is_final(self) -> bool:
        return self.status == ObservationStatus.FINAL


class Revision(ChangeLoggedModel):
    """A recorded change of a finalised figure (修订): the old and new value, why, who and when. A finalised
    figure changes only through one."""

    observation = models.ForeignKey(
        Observation, on_delete=models.PROTECT, related_name="revisions", verbose_name=_("figure")
    )
    old_value = models.DecimalField(_("old value"), **VALUE)
    new_value = models.DecimalField(_("new value"), **VALUE)
    reason = models.CharField(_("reason"), max_length=500)
    revised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("revised by")
    )

    audit_parent_field = "observation"

    class Meta:
        ordering = ["observation", "created"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")

    class Access:
        partnership = "observation__partnership"
        regions = "observation__side"
        organisations = "observation__organisation"
        organisation_side = "observation__side"


class Indicator(BilingualName, PrimaryModel):
    """An indicator (指标) as a formula over data elements: numerator ÷ denominator × factor (as in DHIS2),
    e.g. R&D intensity = R&D spending ÷ GDP × 100. Without a denominator it is the numerator × factor.
    Its values are computed from the observations, never typed in."""

    partnership = models.ForeignKey(
        "regions.Partnership", on_delete=models.PROTECT, related_name="+", verbose_name=_("partnership")
    )
    code = models.CharField(_("code"), max_length=40, validators=[code_validator])
    numerator = models.ForeignKey(DataElement, on_delete=models.PROTECT, related_name="+", verbose_name=_("numerator"))
    denominator = models.ForeignKey(
        DataElement, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("denominator")
    )
    factor = models.DecimalField(_("factor"), max_digits=18, decimal_places=6, default=Decimal(1))
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    direction = models.SmallIntegerField(_("direction"), choices=Direction.choices, default=Direction.BENEFIT)
    definition = models.TextField(_("definition"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "code"], condition=Q(archived_at__isnull=True), name="indicators_indicator_code"
            )
        ]

    class Access:
        partnership = "partnership"

    def __str__(self) -> str:
        return self.display_name


class Framework(BilingualName, PrimaryModel):
    """An indicator framework (指标体系): a tree index → dimensions → indicators, each node with a direction
    and a weight, such as the high-quality-development framework on the five development concepts."""

    partnership = models.ForeignKey(
        "regions.Partnership", on_delete=models.PROTECT, related_name="+", verbose_name=_("partnership")
    )
    code = models.CharField(_("code"), max_length=40, validators=[code_validator])
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("indicator framework")
        verbose_name_plural = _("indicator frameworks")
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "code"], condition=Q(archived_at__isnull=True), name="indicators_framework_code"
            )
        ]

    class Access:
        partnership = "partnership"

    def __str__(self) -> str:
        return self.display_name


class FrameworkNode(BilingualName, ChangeLoggedModel):
    """A node of a framework's tree: the index (no parent), a dimension, or an indicator (a leaf naming its
    ``indicator``). ``direction`` of a leaf defaults to its indicator's; ``weight`` is relative to its siblings."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="nodes")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children")
    code = models.CharField(_("code"), max_length=40, validators=[code_validator])
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("indicator")
    )
    direction = models.SmallIntegerField(_("direction"), choices=Direction.choices, default=Direction.BENEFIT)
    weight = models.DecimalField(_("weight"), max_digits=9, decimal_places=4, default=Decimal(1))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    audit_parent_field = "framework"

    class Meta:
        ordering = ["framework", "order", "pk"]
        verbose_name = _("framework node")
        verbose_name_plural = _("framework nodes")
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="indicators_node_code")]

    class Access:
        partnership = "framework__partnership"


class IndexRun(PrimaryModel):
    """A run of a framework (测算): its full specification (``spec``: the engine's ``IndexSpec`` plus the
    regions, periods and reference panel chosen), the input values it used (``inputs``), and its results.

    A published run is frozen: nothing about it changes afterwards, and ``regenerate`` recomputes its
    results from ``spec`` and ``inputs`` exactly. A run on today's data is a new run."""

    partnership = models.ForeignKey(
        "regions.Partnership", on_delete=models.PROTECT, related_name="+", verbose_name=_("partnership")
    )
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="runs", verbose_name=_("framework"))
    title = models.CharField(_("title"), max_length=200)
    spec = models.JSONField(_("specification"), default=dict)
    inputs = models.JSONField(_("input values"), default=dict, editable=False)
    results = models.JSONField(_("results"), default=dict, editable=False)
    data_sha256 = models.CharField(_("data fingerprint"), max_length=64, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    error = models.TextField(_("error"), blank=True, editable=False)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    note = models.TextField(_("note"), blank=True)

    # The results are large and derived from spec + inputs: the trail records the spec, status and dates.
    audit_exclude = (*ChangeLoggedModel.audit_exclude, "inputs", "results")

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("index run")
        verbose_name_plural = _("index runs")

    class Access:
        partnership = "partnership"

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Job(ChangeLoggedModel):
    """A long task a person started (a large import, export or index run), done by the background worker:
    its progress, its outcome, and a cancel request the worker honours between chunks."""

    partnership = models.ForeignKey(
        "regions.Partnership", on_delete=models.PROTECT, related_name="+", verbose_name=_("partnership")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=JobKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    title = models.CharField(_("title"), max_length=200, blank=True)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    message = models.TextField(_("message"), blank=True)
    params = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    file = models.FileField(upload_to="indicator-jobs/%Y/%m/", blank=True, max_length=300)
    cancel_requested = models.BooleanField(_("cancel requested"), default=False)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("started by")
    )

    audit_exclude = (*ChangeLoggedModel.audit_exclude, "done", "total", "message", "result", "params")

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")

    class Access:
        partnership = "partnership"

    def __str__(self) -> str:
        return self.title or self.get_kind_display()

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0


class PolicyTarget(ChangeLoggedModel):
    """An indicator a policy or standard of the policies register aims to move (政策考核): its page shows the
    indicator for each side before and after the policy took effect."""

    policy = models.ForeignKey("policies.Policy", on_delete=models.CASCADE, related_name="+", verbose_name=_("policy"))
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+", verbose_name=_("indicator"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    audit_parent_field = "policy"

    class Meta:
        ordering = ["policy", "indicator"]
        verbose_name = _("indicator a policy aims to move")
        verbose_name_plural = _("indicators policies aim to move")
        constraints = [models.UniqueConstraint(fields=["policy", "indicator"], name="indicators_policy_target_once")]

    class Access:
        partnership = "policy__partnership"
        regions = "policy__side"


class GapSource(ChangeLoggedModel):
    """Where a gap of the visits register came from when it was added from a run's gap table: the indicator,
    the run, the side found behind and the normalised gap at the time."""

    gap = models.OneToOneField("visits.Gap", on_delete=models.CASCADE, related_name="+", verbose_name=_("gap"))
    run = models.ForeignKey(IndexRun, on_delete=models.PROTECT, related_name="+", verbose_name=_("index run"))
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+", verbose_name=_("indicator"))
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("behind"))
    period = models.CharField(_("period"), max_length=7)
    gap_value = models.FloatField(_("normalised gap"))

    audit_parent_field = "gap"

    class Meta:
        verbose_name = _("gap source")
        verbose_name_plural = _("gap sources")

    class Access:
        partnership = "run__partnership"
