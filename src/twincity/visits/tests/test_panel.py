"""The dashboard panel of visits, lessons and gaps: the same lines as when it read whole visits with their whole
regions and counted each kind in a query of its own, in both languages, now in five reads sent together."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from twincity.audit.context import acting
from twincity.registers import registry
from twincity.registers import services as registers
from twincity.testing import build_world
from twincity.visits import services
from twincity.visits.choices import VisitStatus
from twincity.visits.models import Gap, Lesson, Visit
from twincity.visits.sources import panel_items
from twincity.visits.tests.test_services import follow_up, record, record_visit

pytestmark = pytest.mark.django_db


def reference(partnership, today) -> list[registry.PanelItem]:
    """The panel as it read whole visits and regions before (the verdict the lean one must keep)."""
    planned = Visit.objects.filter(partnership=partnership, archived_at__isnull=True, status=VisitStatus.PLANNED)
    items = [
        registry.PanelItem(
            f"{v.visiting_region.label} → {v.host_region.label} {v.title}",
            v.get_absolute_url(),
            date=v.start_date,
            badge=_("planned"),
            tone="info",
        )
        for v in planned.select_related("visiting_region", "host_region").order_by("start_date")[:5]
    ]
    for model in (Lesson, Gap):
        live = model.objects.filter(partnership=partnership, archived_at__isnull=True)
        waiting, total = live.followed_up(False).count(), live.count()
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


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


@pytest.fixture
def scene(world):
    office = world.users["office"]
    for i, start in enumerate([30, 9, 60, 2, 45, 20]):
        record_visit(
            world,
            title=f"计划考察{i}",
            start_date=days(start),
            end_date=None,
            visiting_region=world.tf if i % 2 else world.lj,
            host_region=world.lj if i % 2 else world.tf,
        )
    gone = record_visit(world, title="已归档的计划考察", start_date=days(1), end_date=None)
    with acting(office):
        services.archive_visit(gone, user=office)
    held = record_visit(world, title="已举行的考察")
    record_visit(build_world(code_prefix="X"), title="别处的计划考察", start_date=days(1), end_date=None)
    lessons = [record(Lesson, world, held, title=f"经验{i}", number=i + 1) for i in range(3)]
    follow_up(world, lessons[0])
    with acting(office):
        registers.archive_entry(lessons[2], user=office)
    record(Gap, world, held, title="差距")
    return world


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_panel_lists_what_it_listed_reading_whole_visits(scene, language):
    world = scene
    with translation.override(language):
        items = panel_items(world.partnership, timezone.localdate())
        assert items == reference(world.partnership, timezone.localdate())
        tf, lj = world.tf.label, world.lj.label
    assert [(i.text, i.date) for i in items[:5]] == [
        (f"{tf} → {lj} 计划考察3", days(2)),
        (f"{tf} → {lj} 计划考察1", days(9)),
        (f"{tf} → {lj} 计划考察5", days(20)),
        (f"{lj} → {tf} 计划考察0", days(30)),
        (f"{lj} → {tf} 计划考察4", days(45)),
    ]  # soonest first, five of six; the archived, the held and the other partnership's left out
    assert items[0].url == Visit.objects.get(title="计划考察3").get_absolute_url()
    assert [i.tone for i in items[5:]] == ["warning", "warning"]
    assert items[5].url == f"{reverse('visits:lesson_list')}?partnership={world.partnership.pk}&followed_up=no"
    assert items[6].url == f"{reverse('visits:gap_list')}?partnership={world.partnership.pk}&followed_up=no"
    if language == "en":
        assert items[0].text.startswith(f"{world.tf.name_en} → {world.lj.name_en} ")


def test_the_panel_takes_five_reads_in_one_round_trip_on_postgresql(scene, django_assert_num_queries):
    panel_items(scene.partnership, timezone.localdate())
    # The planned visits with their regions' names; for each kind, the live entries and those followed up counted.
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 5):
        panel_items(scene.partnership, timezone.localdate())
