"""The indicator system's fixed vocabularies."""

import re

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Frequency(models.TextChoices):
    """How often a data element is observed; a period's spelling follows it (2020, 2020Q1, 202001)."""

    YEAR = "year", _("Yearly")
    QUARTER = "quarter", _("Quarterly")
    MONTH = "month", _("Monthly")


class AggregationRule(models.TextChoices):
    """How shorter periods add up to a longer one (months to a year): a flow sums, a rate averages, a stock lasts."""

    SUM = "sum", _("Sum")
    AVERAGE = "average", _("Average")
    LAST = "last", _("Last value")


class ObservationStatus(models.TextChoices):
    """A figure as a side enters it is provisional; the office checks and finalises it."""

    PROVISIONAL = "provisional", _("Provisional")
    FINAL = "final", _("Final")


class Direction(models.IntegerChoices):
    """Whether more is better (a benefit indicator) or worse (a cost indicator such as energy per unit of GDP)."""

    BENEFIT = 1, _("Higher is better")
    COST = -1, _("Lower is better")


class RunStatus(models.TextChoices):
    """Where an index run stands. A finished run may be published; a published run never changes."""

    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class JobKind(models.TextChoices):
    """What a background job does."""

    IMPORT = "import", pgettext_lazy("job", "Import")
    EXPORT = "export", pgettext_lazy("job", "Export")
    RUN = "run", pgettext_lazy("job", "Index run")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


FINISHED_JOB_STATUSES = (JobStatus.DONE, JobStatus.FAILED, JobStatus.CANCELLED)


class Normalisation(models.TextChoices):
    """The engine's normalisations offered to a run (``twincity.analytics.normalize``)."""

    MINMAX = "minmax", _("Min–max")
    ZSCORE = "zscore", _("Z-score")
    RANK = "rank", _("Rank")
    GOALPOSTS = "goalposts", _("Goalposts")


class Weighting(models.TextChoices):
    FIXED = "fixed", _("Weights of the framework")
    EQUAL = "equal", _("Equal")
    ENTROPY = "entropy", _("Entropy")
    CRITIC = "critic", _("CRITIC")


class Aggregation(models.TextChoices):
    ARITHMETIC = "arithmetic", _("Arithmetic mean")
    GEOMETRIC = "geometric", _("Geometric mean")
    HARMONIC = "harmonic", _("Harmonic mean")


class Event(models.TextChoices):
    """The verbs this app logs as named events (``audit.events`` shows their names in histories)."""

    OBSERVATION_ARCHIVED = "observation.archived", _("Figure withdrawn")
    DATAELEMENT_ARCHIVED = "dataelement.archived", _("Data element archived")
    INDICATOR_ARCHIVED = "indicator.archived", _("Indicator archived")
    FRAMEWORK_ARCHIVED = "framework.archived", _("Indicator framework archived")
    OBSERVATION_FINALISED = "observation.finalised", _("Figure finalised")
    OBSERVATION_REVISED = "observation.revised", _("Finalised figure revised")
    OBSERVATIONS_IMPORTED = "observation.imported", _("Figures imported")
    RUN_STARTED = "indexrun.started", _("Index run started")
    RUN_FINISHED = "indexrun.finished", _("Index run finished")
    RUN_PUBLISHED = "indexrun.published", _("Index run published")
    GAP_ADDED = "indexrun.gap_added", _("Gap added to the gaps register")


# A period as the office writes it: a year, a quarter or a month.
PERIOD_RE = re.compile(r"^(?P<year>(19|20)\d\d)(?:Q(?P<quarter>[1-4])|(?P<month>0[1-9]|1[0-2]))?$")


def period_frequency(period: str) -> str | None:
    """The frequency a period is written in (``2020`` year, ``2020Q1`` quarter, ``202001`` month), or None."""
    match = PERIOD_RE.match(period or "")
    if match is None:
        return None
    if match["quarter"]:
        return Frequency.QUARTER
    if match["month"]:
        return Frequency.MONTH
    return Frequency.YEAR
