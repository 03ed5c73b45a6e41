"""What the register of siting cases tells the rest of the office: its menu entry, a dashboard panel
(contested cases still open, and decisions of the last half year) and an agenda source (a case under
negotiation is proposed for the next joint meeting until it is decided or withdrawn)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from twincity.meetings.sources import AgendaSource
from twincity.meetings.sources import register as register_source
from twincity.registers import registry
from twincity.siting import views
from twincity.siting.choices import OPEN_STATUSES, CaseStatus
from twincity.siting.models import SitingBid, SitingCase

RECENT_DECISIONS = dt.timedelta(days=183)


def _live(partnership):
    return SitingCase.objects.filter(partnership=partnership, archived_at__isnull=True)


def _with_live_bids(cases):
    live = SitingBid.objects.filter(withdrawn_on__isnull=True).select_related("side").order_by("pk")
    return cases.prefetch_related(Prefetch("bids", queryset=live, to_attr="live_bids"))


def _bids_text(case) -> str:
    return "；".join(f"{bid.side.label}：{bid.candidate_site}" for bid in case.live_bids)


@registry.panel_queries
def _panel_queries(partnership_id: int, today):
    """Cases still open or under negotiation (under negotiation first), then the decisions of the last half year: the
    columns their lines show, each part the first entries of its partial index (sitingcase_pending,
    sitingcase_decided)."""
    live = SitingCase.objects.filter(partnership_id=partnership_id, archived_at__isnull=True)
    pending = live.filter(status__in=OPEN_STATUSES).order_by("status", "created").only("pk", "title", "status")
    decided = (
        live.filter(status=CaseStatus.DECIDED, decided_on__gte=today - RECENT_DECISIONS)
        .select_related("decided_side")
        .only("pk", "title", "decided_on", *(f"decided_side__{name}" for name in ("name", "name_en", "short_name")))
        .order_by("-decided_on")
    )
    return pending[:5], decided[:3]


def panel_items(partnership, today, rows: tuple | None = None) -> list[registry.PanelItem]:
    """Cases still open or under negotiation, then the decisions of the last half year."""
    items, address = [], SitingCase.addresses()
    pending, decided = _panel_queries(partnership.pk, today, rows)
    for case in pending:
        tone = "warning" if case.status == CaseStatus.NEGOTIATING else "secondary"
        items.append(registry.PanelItem(case.title, address(case.pk), badge=case.get_status_display(), tone=tone))
    for case in decided:
        badge = _("to %(side)s") % {"side": case.decided_side.label}
        items.append(
            registry.PanelItem(case.title, address(case.pk), date=case.decided_on, badge=badge, tone="success")
        )
    return items


class CasesUnderNegotiation(AgendaSource):
    """Siting cases under negotiation: the joint meeting is where they are settled."""

    key = "siting_case"
    label = gettext_lazy("Siting case under negotiation")
    order = 60

    def proposals(self, session, since, today):
        cases = _with_live_bids(_live(session.partnership_id).filter(status=CaseStatus.NEGOTIATING))
        result = []
        for case in cases.order_by("created", "pk")[:20]:
            bids = _bids_text(case)
            result.append(
                self.proposal(
                    case,
                    title=_("Siting of %(title)s") % {"title": case.title},
                    reason=_("Bids: %(bids)s") % {"bids": bids} if bids else "",
                    duration_minutes=15,
                )
            )
        return result


registry.register(views.cases)
registry.add_panel(
    registry.DashboardPanel(
        key="siting",
        title=gettext_lazy("Siting cases"),
        items=panel_items,
        reads=_panel_queries,
        icon="geo-alt",
        order=60,
        link=registry.list_link("siting:sitingcase_list"),
    )
)
register_source(CasesUnderNegotiation())
