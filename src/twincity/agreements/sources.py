"""What the register of agreements tells the rest of the office (imported from ``AppConfig.ready()``): its
menu entry, the expiry panel of the dashboard and the agenda source of the joint meeting.

The dashboard shows agreements expiring in the next ``DASHBOARD_HORIZON_DAYS`` days and those past
their date but still recorded as in force; the agenda proposes, for a session, every agreement in
force that expires within ``AGENDA_HORIZON_DAYS`` days after it (or already did without a decision),
so that the meeting decides on renewal while there is still time.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from twincity.agreements.choices import AGENDA_HORIZON_DAYS, DASHBOARD_HORIZON_DAYS
from twincity.agreements.models import Agreement
from twincity.agreements.register import agreements
from twincity.meetings.sources import AgendaSource
from twincity.meetings.sources import register as register_source
from twincity.registers import registry
from twincity.registers.registry import PanelItem

PANEL_LIMIT = 20


def _agreements(partnership_id: int):
    return Agreement.objects.filter(partnership_id=partnership_id, archived_at__isnull=True)


# What a line of the panel shows: the number and title (``str``), the date and the link.
SHOWN = ("pk", "code", "title", "expires_on")


@registry.panel_queries
def _panel_queries(partnership_id: int, today: dt.date):
    """The agreements in force due for a decision within the horizon, by their expiry (the lapsed ones, expired before
    today, come first as they did read on their own), as the columns their lines show (``SHOWN``), by the index on
    (partnership, status, expiry)."""
    due = _agreements(partnership_id).due_for_decision(today, DASHBOARD_HORIZON_DAYS)
    return (due.order_by("expires_on", "pk").only(*SHOWN)[:PANEL_LIMIT],)


def panel_items(partnership, today: dt.date, rows: tuple | None = None) -> list[PanelItem]:
    """Lapsed agreements first (still marked in force), then those expiring soonest: one query."""
    items, address = [], Agreement.addresses()
    (due,) = _panel_queries(partnership.pk, today, rows)
    lapsed = _("expired, still marked in force")
    for agreement in due:
        days = agreement.days_left(today)
        if days < 0:
            badge, tone = lapsed, "danger"
        else:
            badge = _("in %(days)s days") % {"days": days} if days else _("today")
            tone = "warning" if days > 30 else "danger"
        items.append(
            PanelItem(text=str(agreement), url=address(agreement.pk), date=agreement.expires_on, badge=badge, tone=tone)
        )
    return items


class ExpiringAgreements(AgendaSource):
    """Agreements in force that expire within 60 days after the session (or already did, undecided)."""

    key = "agreement_expiry"
    label = gettext_lazy("Agreement expiring: decide on renewal")
    order = 50

    def proposals(self, session, since, today):
        agreements = (
            _agreements(session.partnership_id)
            .due_for_decision(session.local_date, AGENDA_HORIZON_DAYS)
            .prefetch_related("parties__organisation")
            .order_by("expires_on", "pk")[:100]
        )
        result = []
        for agreement in agreements:
            parties = "、".join(p.organisation.display_name for p in agreement.parties.all())
            if agreement.expires_on < session.local_date:
                reason = _("Expired on %(date)s and still marked in force; parties: %(parties)s")
            else:
                reason = _("Expires on %(date)s; parties: %(parties)s")
            result.append(
                self.proposal(
                    agreement,
                    title=_("Renew or let lapse: %(agreement)s") % {"agreement": agreement},
                    reason=reason % {"date": agreement.expires_on.isoformat(), "parties": parties},
                    duration_minutes=5,
                )
            )
        return result


registry.register(agreements)
registry.add_panel(
    registry.DashboardPanel(
        key="agreements_expiry",
        title=gettext_lazy("Agreements expiring"),
        items=panel_items,
        reads=_panel_queries,
        icon="hourglass-split",
        order=20,
        link=registry.list_link("agreements:agreement_list", expiring=90),
    )
)
register_source(ExpiringAgreements())
