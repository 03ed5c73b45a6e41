"""What the registers of visits, lessons and gaps tell the rest of the office: their menu entries, a
dashboard panel (visits ahead, and how many lessons and gaps no matter follows up yet) and agenda
sources (lessons and gaps recorded since the last session without follow-up, proposed for the next one)."""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from twincity.meetings.sources import AgendaSource
from twincity.meetings.sources import register as register_source
from twincity.registers import registry
from twincity.visits.choices import VisitStatus
from twincity.visits.models import Gap, Lesson, Visit
from twincity.visits.register import gaps, lessons, visits

LEARNINGS = (Lesson, Gap)


def _live(model, partnership_id: int):
    return model.objects.filter(partnership_id=partnership_id, archived_at__isnull=True)


# The region labels of a planned visit's line (``Region.label``), not the whole regions.
REGION_LABEL = ("name", "name_en", "short_name")


def _counted(entries):
    """How many ``entries`` there are, as the one row ``(partnership, n)`` (no row: none)."""
    return entries.values_list("partnership").annotate(n=Count("*")).order_by()


@registry.panel_queries
def _panel_queries(partnership_id: int, today):
    """The planned visits, soonest first: the columns their lines show, by the partial index visit_planned; and for
    lessons and gaps, how many are live (counted in the index of the live entries, ``<app>_<model>_live_count``: an
    index-only scan) and how many of those a matter follows up (found from the few live links and looked up by id):
    waiting = live − followed up, the verdict of ``followed_up(False)``."""
    planned = (
        _live(Visit, partnership_id)
        .filter(status=VisitStatus.PLANNED)
        .select_related("visiting_region", "host_region")
        .only(
            "pk",
            "title",
            "start_date",
            *(f"{side}__{name}" for side in ("visiting_region", "host_region") for name in REGION_LABEL),
        )
    )
    counts = []
    for model in LEARNINGS:
        live = _live(model, partnership_id)
        counts += [_counted(live), _counted(live.followed_up())]
    return (planned.order_by("start_date")[:5], *counts)


def panel_items(partnership, today, rows: tuple | None = None) -> list[registry.PanelItem]:
    """Planned visits, and the lessons and gaps that no matter follows up yet."""
    planned, *counts = _panel_queries(partnership.pk, today, rows)
    address = Visit.addresses()
    items = [
        registry.PanelItem(
            f"{visit.visiting_region.label} → {visit.host_region.label} {visit.title}",
            address(visit.pk),
            date=visit.start_date,
            badge=_("planned"),
            tone="info",
        )
        for visit in planned
    ]
    for model, live, linked in zip(LEARNINGS, counts[::2], counts[1::2], strict=True):
        total = live[0][1] if live else 0
        waiting = total - (linked[0][1] if linked else 0)
        if waiting:
            meta = model._meta
            items.append(
                registry.PanelItem(
                    _("%(waiting)s of %(total)s %(entries)s without a follow-up matter")
                    % {"waiting": waiting, "total": total, "entries": meta.verbose_name_plural},
                    reverse(f"visits:{meta.model_name}_list") + f"?partnership={partnership.pk}&followed_up=no",
                    badge=_("to follow up"),
                    tone="warning",
                )
            )
    return items


class WithoutFollowUp(AgendaSource):
    """Lessons (or gaps) recorded since the last session that no matter follows up: the meeting decides
    what to do with them (or that nothing is to be done). One source per model, so that the agenda's
    ``source:object`` keys never mix a lesson with a gap."""

    order = 45

    def __init__(self, model, label):
        self.model, self.label = model, label
        self.key = f"{model._meta.model_name}_follow_up"

    def proposals(self, session, since, today):
        waiting = _live(self.model, session.partnership.pk).followed_up(False).select_related("side", "visit")
        if since is not None:
            waiting = waiting.filter(created__date__gte=since)
        result = []
        for entry in waiting.order_by("visit__start_date", "number", "pk")[:10]:
            source = entry.visit.title if entry.visit else _("no visit")
            result.append(
                self.proposal(
                    entry,
                    title=_("%(kind)s: %(title)s") % {"kind": self.model._meta.verbose_name, "title": entry.title},
                    reason=_("Learned by %(side)s (%(source)s); no matter follows it up yet.")
                    % {"side": entry.side.display_name, "source": source},
                    side_id=entry.side_id,
                )
            )
        return result


for _register in (visits, lessons, gaps):
    registry.register(_register)
registry.add_panel(
    registry.DashboardPanel(
        key="visits",
        title=gettext_lazy("Visits, lessons and gaps"),
        items=panel_items,
        reads=_panel_queries,
        icon="airplane",
        order=30,
        link=registry.list_link("visits:visit_list"),
    )
)
register_source(WithoutFollowUp(Lesson, gettext_lazy("Lesson without follow-up")))
register_source(WithoutFollowUp(Gap, gettext_lazy("Gap without follow-up")))
