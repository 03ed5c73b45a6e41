"""Reading visits, lessons and gaps with what the lists show beside them, in a fixed number of queries."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import connections
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
        return MatterLink.objects.filter(
            content_type=ContentType.objects.get_for_model(self.model), archived_at__isnull=True
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

    def follow_up_counts(self) -> tuple[int, int]:
        """(how many of the entries still lack a follow-up matter, how many there are), in one query
        (``FollowUpCounts``)."""
        return FollowUpCounts.of(self).run()[0]


@dataclass(frozen=True)
class FollowUpCounts:
    """The statement that counts, for each queryset of lessons or gaps, how many still lack a follow-up matter and how
    many there are, all at once: ``SELECT (total), (linked), (total), (linked)``, each the ORM's query of the ids
    counted. Made by ``of(*querysets)``, asked by ``run()``; it holds no rows, so it may be kept and asked again.

    The total is counted in the index of the live entries (``<app>_<model>_live_count``: an index-only scan, not
    thousands of rows read whole); the linked ones are found from the few live links (the links' partial unique index
    ``one_live_link_per_matter``) and looked up by id; waiting = total − linked, the same verdict as ``followed_up``.
    Asking "not linked" of each entry instead (``NOT IN``/``NOT EXISTS``) visited every row."""

    sql: str
    params: tuple
    using: str

    @classmethod
    def of(cls, *entries: LearningQuerySet) -> FollowUpCounts:
        parts, params = [], []
        for queryset in entries:
            for ids in (queryset, queryset.followed_up()):
                ids = ids.order_by().values("pk")
                sql, ids_params = ids.query.get_compiler(using=ids.db).as_sql()
                parts.append(f"(SELECT COUNT(*) FROM ({sql}) counted)")
                params.extend(ids_params)
        return cls(f"SELECT {', '.join(parts)}", tuple(params), entries[0].db)

    def run(self) -> list[tuple[int, int]]:
        """(waiting, total) for each queryset, in their order."""
        with connections[self.using].cursor() as cursor:
            cursor.execute(self.sql, self.params)
            row = cursor.fetchone()
        return [(total - linked, total) for total, linked in zip(row[::2], row[1::2], strict=True)]


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
