"""A matter's sides and milestones carry its list (``MatterSide.year_list``, ``Milestone.year_list``): set by every
service that makes one, moved with the matter when it rolls over, so that a year's figures can read them without
the matters (the dashboard). Each write path is held to the matter's own list."""

import datetime as dt

import pytest

from twincity.audit.context import acting
from twincity.audit.models import ObjectChange
from twincity.matters import services
from twincity.matters.models import Matter, MatterSide, Milestone
from twincity.matters.services import NewMatter, OwnerSpec
from twincity.testing import make_matter

pytestmark = pytest.mark.django_db


def out_of_step() -> list[tuple[str, int]]:
    """The sides and milestones whose list is not their matter's (none, always)."""
    lists = dict(Matter.objects.values_list("pk", "year_list_id"))
    wrong = [("side", s.pk) for s in MatterSide.objects.all() if s.year_list_id != lists[s.matter_id]]
    return wrong + [("milestone", m.pk) for m in Milestone.objects.all() if m.year_list_id != lists[m.matter_id]]


def test_every_way_a_side_or_milestone_is_made_gives_it_the_matters_list(world):
    office = world.users["office"]
    with acting(office):
        made = services.create_matters(
            [
                NewMatter(title="批量一", owners=[OwnerSpec(world.tf_dept), OwnerSpec(world.lj_dept)]),
                NewMatter(title="批量二", owners=[OwnerSpec(world.lj_dept)], leaders={world.tf.pk: "张主任"}),
            ],
            partnership=world.partnership,
            year=2021,
            user=office,
        )
        one_side = make_matter(world, year=2022, owners=[OwnerSpec(world.tf_dept)], leaders={world.tf.pk: "张"})
        assert list(one_side.sides.values_list("region", flat=True)) == [world.tf.pk]
        # A side joins later, when a unit of the other side takes part.
        services.set_owners(one_side, [OwnerSpec(world.tf_dept), OwnerSpec(world.lj_dept)], user=office)
        for matter in (*made, one_side):
            services.add_milestone(
                matter, side_id=world.lj.pk, title="节点", due_date=dt.date(2022, 6, 30), user=office
            )
    assert MatterSide.objects.filter(year_list__year=2021).count() == 4
    assert MatterSide.objects.filter(matter=one_side, year_list=one_side.year_list).count() == 2
    assert Milestone.objects.filter(year_list__year=2021).count() == 2
    assert out_of_step() == []


def test_a_matter_rolling_over_takes_its_sides_and_milestones_with_it(world):
    office = world.users["office"]
    moving = make_matter(world, year=2020, title="跨年事项")
    staying = make_matter(world, year=2020, title="留在本年")
    with acting(office):
        for matter in (moving, staying):
            services.add_milestone(matter, side_id=world.tf.pk, title="节点", due_date=matter.due_date, user=office)
        services.roll_over(moving, to_year=2021, user=office, reason="跨年推进")
    moving.refresh_from_db()
    assert moving.year == 2021
    assert set(MatterSide.objects.filter(matter=moving).values_list("year_list__year", flat=True)) == {2021}
    assert set(Milestone.objects.filter(matter=moving).values_list("year_list__year", flat=True)) == {2021}
    assert set(MatterSide.objects.filter(matter=staying).values_list("year_list__year", flat=True)) == {2020}
    assert out_of_step() == []
    # The move is in each side's and milestone's change record, as a value nobody typed (not shown as an edit).
    side = MatterSide.objects.filter(matter=moving).first()
    change = ObjectChange.objects.filter(changed_object_id=side.pk, changed_object_type__model="matterside").latest(
        "pk"
    )
    assert change.diff() == [("year_list_id", staying.year_list_id, moving.year_list_id)]
    assert change.readable_diff() == []


def test_a_whole_list_rolling_over_moves_every_side_and_milestone(world):
    office = world.users["office"]
    matters = [make_matter(world, year=2020, title=f"事项{n}") for n in range(3)]
    with acting(office):
        for matter in matters:
            services.add_milestone(matter, side_id=world.lj.pk, title="节点", due_date=matter.due_date, user=office)
        services.roll_over_list(matters[0].year_list, to_year=2021, user=office, reason="年终结转")
    assert set(MatterSide.objects.values_list("year_list__year", flat=True)) == {2021}
    assert set(Milestone.objects.values_list("year_list__year", flat=True)) == {2021}
    assert out_of_step() == []
