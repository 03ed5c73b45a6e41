"""What the register of joint requests tells the rest of the office: its menu entry, a dashboard
panel (requests waiting for a side's endorsement or for the authority's answer) and an agenda source
(requests awaiting endorsement, proposed for the next joint meeting)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from twincity.meetings.sources import AgendaSource
from twincity.meetings.sources import register as register_source
from twincity.petitions.choices import AWAITING_ANSWER, PetitionStatus
from twincity.petitions.models import Petition
from twincity.petitions.register import petitions
from twincity.registers import registry


def _waiting(partnership):
    return Petition.objects.filter(partnership=partnership, archived_at__isnull=True)


@registry.panel_queries
def _panel_queries(partnership_id: int, today):
    """Requests in drafting that still lack an endorsement, and submitted ones without an answer: the id, title and
    date each shows, not the whole request (its text, response and search words)."""
    waiting = Petition.objects.filter(partnership_id=partnership_id, archived_at__isnull=True)
    drafting = waiting.filter(status=PetitionStatus.DRAFTING)
    # The requests lacking an endorsement by id (a semi-join), not the join to their sides made DISTINCT: that sorted
    # every drafting request's whole row before keeping five.
    unendorsed = drafting.filter(sides__endorsed_text__isnull=True).values("pk")
    return (
        drafting.filter(pk__in=unendorsed).order_by("-year", "code").only("pk", "title")[:5],
        # Served by the partial index petition_awaiting_answer: the five earliest are its first five entries.
        waiting.filter(status__in=AWAITING_ANSWER).order_by("submitted_on").only("pk", "title", "submitted_on")[:5],
    )


def panel_items(partnership, today, rows: tuple | None = None) -> list[registry.PanelItem]:
    """Requests in drafting that still lack an endorsement, and submitted ones without an answer."""
    unendorsed, pending = _panel_queries(partnership.pk, today, rows)
    address = Petition.addresses()
    badge = _("awaiting endorsement")
    items = [registry.PanelItem(p.title, address(p.pk), badge=badge, tone="warning") for p in unendorsed]
    badge = _("awaiting the answer")
    items.extend(registry.PanelItem(p.title, address(p.pk), date=p.submitted_on, badge=badge) for p in pending)
    return items


class AwaitingEndorsement(AgendaSource):
    """Joint requests in drafting that one side has not endorsed yet: the meeting is where it gets unblocked."""

    key = "petition_endorsement"
    label = gettext_lazy("Joint request awaiting endorsement")
    order = 40

    def proposals(self, session, since, today):
        waiting = (
            _waiting(session.partnership)
            .filter(status=PetitionStatus.DRAFTING, sides__endorsed_text__isnull=True)
            .distinct()
            .order_by("-year", "code")
        )
        return [
            self.proposal(
                p,
                title=_("Joint request: %(title)s") % {"title": p.title},
                reason=_("Awaiting the endorsement of every side before it can be submitted to %(authority)s.")
                % {"authority": p.target_authority},
            )
            for p in waiting[:10]
        ]


registry.register(petitions)
registry.add_panel(
    registry.DashboardPanel(
        key="petitions",
        title=gettext_lazy("Joint requests to higher authorities"),
        items=panel_items,
        reads=_panel_queries,
        icon="send",
        order=10,
        link=registry.list_link("petitions:petition_list"),
    )
)
register_source(AwaitingEndorsement())
