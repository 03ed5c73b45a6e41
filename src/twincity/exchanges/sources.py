"""What the register of secondments tells the rest of the office (imported from ``AppConfig.ready()``): its
menu entry, the dashboard panel of terms ending within 60 days (time to plan the hand-over and the
host's evaluation), and an agenda source for the joint meeting: terms that ended without the host's
evaluation.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from twincity.exchanges.choices import ENDING_SOON_DAYS
from twincity.exchanges.models import Secondment
from twincity.exchanges.querysets import effective_end_expression
from twincity.exchanges.register import secondments
from twincity.meetings.sources import AgendaSource
from twincity.meetings.sources import register as register_source
from twincity.regions.models import Organisation, display_name
from twincity.registers import registry
from twincity.registers.registry import PanelItem

PANEL_LIMIT = 20


UNITS = ("home_organisation", "host_organisation")


def _secondments(partnership_id: int):
    """Live secondments with their two units' names (``<unit>_name``, ``<unit>_name_en``) read for the rows kept: a
    subquery by id per name, not a join to every unit (which hashed all of them before the first twenty were kept)."""
    names = {
        f"{unit}_{name}": Subquery(Organisation.objects.filter(pk=OuterRef(f"{unit}_id")).order_by().values(name))
        for unit in UNITS
        for name in ("name", "name_en")
    }
    return Secondment.objects.filter(partnership_id=partnership_id, archived_at__isnull=True).annotate(**names)


def _who(secondment) -> str:
    return _("%(person)s (%(home)s → %(host)s)") % {
        "person": secondment.person_name,
        "home": display_name(secondment.home_organisation_name, secondment.home_organisation_name_en),
        "host": display_name(secondment.host_organisation_name, secondment.host_organisation_name_en),
    }


# What a line of the panel shows besides the units' names: who, the last day and the link.
SHOWN = ("pk", "person_name", "end_date", "cut_short_on")


@registry.panel_queries
def _panel_queries(partnership_id: int, today: dt.date):
    """Live secondments whose term ends within ``ENDING_SOON_DAYS`` days, soonest first: the columns their lines show
    (``SHOWN`` and the units' names), the first twenty of the partial index secondment_ending."""
    return (_secondments(partnership_id).ending_within(ENDING_SOON_DAYS, today).only(*SHOWN)[:PANEL_LIMIT],)


def panel_items(partnership, today: dt.date, rows: tuple | None = None) -> list[PanelItem]:
    """Live secondments whose term ends within ``ENDING_SOON_DAYS`` days, soonest first."""
    items, address = [], Secondment.addresses()
    (ending,) = _panel_queries(partnership.pk, today, rows)
    for secondment in ending:
        days = (secondment.last_day - today).days
        items.append(
            PanelItem(
                text=_who(secondment),
                url=address(secondment.pk),
                date=secondment.last_day,
                badge=ngettext("in %(days)s day", "in %(days)s days", days) % {"days": days} if days else _("today"),
                tone="danger" if days <= 14 else "warning",
            )
        )
    return items


class EvaluationDue(AgendaSource):
    """Terms that ended before the session and still lack the host's evaluation."""

    key = "secondment_evaluation"
    label = gettext_lazy("Secondment ended: awaiting the host's evaluation")
    order = 70

    def proposals(self, session, since, today):
        due = (
            _secondments(session.partnership_id)
            .filter(rating="")
            .alias(_end=effective_end_expression())
            .filter(_end__lt=session.local_date)
            .select_related("host_side")
            .order_by("_end", "pk")[:20]
        )
        return [
            self.proposal(
                s,
                title=_("Evaluation of the secondment of %(who)s") % {"who": _who(s)},
                reason=_("The term ended on %(date)s; the host has not evaluated it yet.")
                % {"date": s.last_day.isoformat()},
                side_id=s.host_side_id,
            )
            for s in due
        ]


registry.register(secondments)
registry.add_panel(
    registry.DashboardPanel(
        key="secondments_ending",
        title=gettext_lazy("Secondments ending within 60 days"),
        items=panel_items,
        reads=_panel_queries,
        icon="person-badge",
        order=40,
        link=registry.list_link("exchanges:secondment_list", ending_within=ENDING_SOON_DAYS),
    )
)
register_source(EvaluationDue())
