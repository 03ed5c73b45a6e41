"""What policy alignment tells the rest of the office: its two menu entries (policies, alignment groups),
a dashboard panel (groups flagged beyond their tolerance, groups under negotiation) and an agenda source
(the same groups, proposed for the next joint meeting until the sides are aligned again or agree to
differ; see meetings.sources)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from twincity.meetings.sources import AgendaSource
from twincity.meetings.sources import register as register_source
from twincity.policies import views
from twincity.policies.choices import AlignmentStatus
from twincity.policies.models import AlignmentGroup
from twincity.registers import registry

OPEN = (AlignmentStatus.DIVERGING, AlignmentStatus.NEGOTIATING)


def _open_groups(partnership_id: int):
    return AlignmentGroup.objects.filter(
        partnership_id=partnership_id, status__in=OPEN, archived_at__isnull=True
    ).order_by("status", "code", "pk")


# What a line of the panel shows: the title, the divergence in its unit, the status and the link.
SHOWN = ("pk", "title", "status", "divergence", "tolerance_kind", "unit")


@registry.panel_queries
def _panel_queries(partnership_id: int, today):
    """The open groups, diverging first, as the columns their lines show (``SHOWN``)."""
    return (_open_groups(partnership_id).only(*SHOWN)[:8],)


def panel_items(partnership, today, rows: tuple | None = None) -> list[registry.PanelItem]:
    """Groups whose divergence is flagged (red) and groups under negotiation (blue), with the figures."""
    items, address = [], AlignmentGroup.addresses()
    (groups,) = _panel_queries(partnership.pk, today, rows)
    for group in groups:
        diverging = group.status == AlignmentStatus.DIVERGING
        figures = group.divergence_display or "—"
        items.append(
            registry.PanelItem(
                f"{group.title}（{figures}）",
                address(group.pk),
                badge=group.get_status_display(),
                tone="danger" if diverging else "primary",
            )
        )
    return items


class DivergingPolicies(AgendaSource):
    """Alignment groups of the session's partnership that are diverging or under negotiation."""

    key = "policy_divergence"
    label = gettext_lazy("Policy divergence")
    order = 55

    def proposals(self, session, since, today):
        result = []
        for group in _open_groups(session.partnership_id)[:50]:
            figures = {"divergence": group.divergence_display or "—", "tolerance": group.tolerance_display}
            if group.status == AlignmentStatus.DIVERGING:
                title = _("Policy divergence: %(title)s") % {"title": group.title}
                reason = _(
                    "Divergence %(divergence)s beyond the tolerance of %(tolerance)s: negotiate or agree to differ."
                )
            else:
                title = _("Policy negotiation: %(title)s") % {"title": group.title}
                reason = _("Under negotiation (divergence %(divergence)s, tolerance %(tolerance)s).")
            result.append(
                self.proposal(
                    group,
                    title=title,
                    reason=reason % figures,
                )
            )
        return result


registry.register(views.policies)
registry.register(views.groups)
registry.add_panel(
    registry.DashboardPanel(
        key="policies",
        title=gettext_lazy("Policy alignment: divergences"),
        items=panel_items,
        reads=_panel_queries,
        icon="sliders",
        order=50,
        link=registry.list_link("policies:alignmentgroup_list"),
    )
)
register_source(DivergingPolicies())
