"""The dashboard panel of policy alignment: the same lines as when it read whole alignment groups (the diverging ones,
then those under negotiation, with their figures), in both languages, in one query."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from twincity.audit.context import acting
from twincity.policies import services
from twincity.policies.choices import AlignmentStatus, ToleranceKind
from twincity.policies.models import AlignmentGroup
from twincity.policies.sources import panel_items
from twincity.registers import registry
from twincity.testing import build_world

pytestmark = pytest.mark.django_db

OPEN = (AlignmentStatus.DIVERGING, AlignmentStatus.NEGOTIATING)


def reference(partnership, today) -> list[registry.PanelItem]:
    """The panel as it read whole groups before (the verdict the lean one must keep)."""
    groups = AlignmentGroup.objects.filter(partnership_id=partnership.pk, status__in=OPEN, archived_at__isnull=True)
    return [
        registry.PanelItem(
            f"{g.title}（{g.divergence_display or '—'}）",
            g.get_absolute_url(),
            badge=g.get_status_display(),
            tone="danger" if g.status == AlignmentStatus.DIVERGING else "primary",
        )
        for g in groups.order_by("status", "code", "pk")[:8]
    ]


def group(w, title: str, status: str, divergence: str | None, kind=ToleranceKind.RELATIVE, unit="%", code=""):
    office = w.users["office"]
    with acting(office):
        made = services.create_group(
            partnership=w.partnership,
            user=office,
            title=title,
            term_name=title,
            unit=unit,
            tolerance=Decimal("10"),
            tolerance_kind=kind,
            code=code,
        )
    # The status and divergence the comparison and the negotiation steps set, set directly: the panel only reads them.
    AlignmentGroup.objects.filter(pk=made.pk).update(
        status=status, divergence=None if divergence is None else Decimal(divergence)
    )
    return made


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_panel_lists_the_open_groups_with_their_figures_as_before(world, language, django_assert_num_queries):
    office = world.users["office"]
    for i in range(6):
        group(world, f"协商中{i}", AlignmentStatus.NEGOTIATING, "12.3456", code=f"G{5 - i}")
    group(world, "租金补贴", AlignmentStatus.DIVERGING, "33.3333", code="G9")
    group(world, "人才补贴", AlignmentStatus.DIVERGING, "15.005", kind=ToleranceKind.ABSOLUTE, unit="万元", code="G8")
    group(world, "尚未比较", AlignmentStatus.NEGOTIATING, None, code="G")
    group(world, "已一致", AlignmentStatus.ALIGNED, "0")
    gone = group(world, "已归档的分歧", AlignmentStatus.DIVERGING, "50")
    with acting(office):
        services.archive_group(gone, user=office)
    other = build_world(code_prefix="X")
    group(other, "别处的分歧", AlignmentStatus.DIVERGING, "50")
    with translation.override(language):
        items = panel_items(world.partnership, None)
        assert items == reference(world.partnership, None)
        assert [i.badge for i in items[:3]] == [str(AlignmentStatus.DIVERGING.label)] * 2 + [
            str(AlignmentStatus.NEGOTIATING.label)
        ]
    assert [(i.text, i.tone) for i in items[:4]] == [
        ("人才补贴（15.01 万元）", "danger"),
        ("租金补贴（33.3 %）", "danger"),
        ("尚未比较（—）", "primary"),
        ("协商中5（12.3 %）", "primary"),
    ]  # diverging first, then under negotiation, each by number; eight of nine
    assert len(items) == 8
    with django_assert_num_queries(1):
        panel_items(world.partnership, None)
