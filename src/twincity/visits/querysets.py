"""Reading visits, lessons and gaps with what the lists show beside them, in a fixed number of queries."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from twincity.core.querysets import RestrictedQuerySet
from twincity.matters.choices import Light, MatterStatus
from twincity.registers.models import MatterLink
from twincity.registers.services import links_for


class VisitQuerySet(RestrictedQuerySet):
    def with_topic(self, topic: str):
        """Visits that looked at ``topic`` (a subquery, so a visit never appears twice)."""
        from twincity.visits.models import VisitTopic  # noqa: PLC0415 - visits.models imports this module

        return self.filter(pk__in=VisitTopic.objects.filter(topic=topic).values("visit_id"))

    def with_counts(self):
        """Each visit with the number of its live lessons and gaps (two correlated subqueries, no join fan-out)."""
        from twincity.visits.models import Gap, Lesson  # noqa: PLC0415 - visits.models imports this module

        def live(model):
            rows = model.objects.filter(visit=OuterRef("pk"), archived_at__isnull=True).order_by()
            return Coalesce(
                Subquery(rows.values("visit").annotate(n=Count("pk")).values("n"), output_field=IntegerField()),
                Value(0),
            )

        return self.annotate(lesson_count=live(Lesson), gap_count=live(Gap))


class LearningQuerySet(RestrictedQuerySet):
    def _live_links(self):
        """The live links of every entry of this kind (one matter following one entry up each)."""
        meta = self.model._meta
        # The content type by its name, not its id: the dashboard's reads keep this statement for the process
        # (``core.reads``), and a database set up again (a test's flush) may number the content types anew.
        return MatterLink.objects.filter(
            content_type__app_label=meta.app_label, content_type__model=meta.model_name, archived_at__isnull=True
        ).order_by()

    def _links(self):
        return self._live_links().filter(object_id=OuterRef("pk"))

    def with_follow_up_count(self):
        """Each entry with the number of matters following it up (sortable and filterable in the list)."""
        counted = self._links().values("object_id").annotate(n=Count("pk")).values("n")
        return self.annotate(
            follow_up_count=Coalesce(Subquery(counted, output_field=IntegerField()), Value(0)),
        )

    def followed_up(self, yes: bool = True):
        """Entries that have (or, with ``yes=False``, still lack) a follow-up matter."""
        linked = self._links().values("object_id")
        return self.filter(Exists(linked)) if yes else self.exclude(Exists(linked))


@dataclass
class FollowUp:
    """What came of one lesson or gap: its linked matters, each loaded with its light and status."""

    links: list = field(default_factory=list)

    @property
    def matters(self) -> list:
        return [link.matter for link in self.links]

    @property
    def count(self) -> int:
        return len(self.links)

    @property
    def lights(self) -> list[tuple[str, str, int]]:
        """(light, its label, how many) of the matters not completed, in the lights' order.

        A completed matter has no light (it is no longer under way): it is counted in ``completed``.
        """
        counted = Counter(m.light for m in self.matters if m.status != MatterStatus.COMPLETED)
        return [(light.value, str(light.label), counted[light]) for light in Light if counted[light]]

    @property
    def completed(self) -> int:
        return sum(1 for m in self.matters if m.status == MatterStatus.COMPLETED)

    @property
    def all_done(self) -> bool:
        return bool(self.links) and self.completed == self.count


def attach_follow_ups(entries) -> list:
    """Give every entry (lessons or gaps, one model) its ``follow_up``: two queries however many entries."""
    entries = list(entries)
    links = links_for(entries)
    for entry in entries:
        entry.follow_up = FollowUp(links.get(entry.pk, []))
    return entries
