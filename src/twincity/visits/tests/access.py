"""Who reaches which page of the registers of visits, lessons and gaps (walked by core/tests/test_permissions.py).

``pages``: name → (url, personas that get 200; everyone else gets 404). ``actions``: POST-only
name → (url, personas allowed to reach the action; everyone else gets 404 and nothing changes).
The visit is between both sides (both coordinators edit it); the lesson was learned by Liangjiang
and the gap by Tianfu (only that side's coordinator and the office edit each).
"""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from twincity.testing import EDITORS, EVERYONE, MEMBERS
from twincity.visits.models import Gap, Lesson
from twincity.visits.tests.test_services import record, record_visit


def scene(world) -> dict:
    visit = record_visit(world)
    ahead = timezone.localdate() + dt.timedelta(days=20)
    planned = record_visit(world, title="两江新区代表团赴天府新区考察（计划）", start_date=ahead, end_date=None)
    return {
        "world": world,
        "visit": visit,
        "planned": planned,
        "lesson": record(Lesson, world, visit, side=world.lj),
        "gap": record(Gap, world, visit, side=world.tf, title="产业能级方面的差距"),
    }


def pages(s) -> dict:
    p = s["world"].partnership.pk
    q = f"?partnership={p}"
    expected = {
        "visits:visit_list": (reverse("visits:visit_list") + q, EVERYONE),
        "visits:visit": (reverse("visits:visit", args=[s["visit"].pk]), MEMBERS),
        "visits:visit_add": (reverse("visits:visit_add") + q, EDITORS),
        "visits:visit_edit": (reverse("visits:visit_edit", args=[s["visit"].pk]), EDITORS),
        "visits:visit_export": (reverse("visits:visit_export") + q, MEMBERS),
        "visits:visit_import": (reverse("visits:visit_import") + q, EDITORS),
    }
    for kind, editors in (("lesson", {"office", "lj-coord"}), ("gap", {"office", "tf-coord"})):
        entry = s[kind]
        expected.update(
            {
                f"visits:{kind}_list": (reverse(f"visits:{kind}_list") + q, EVERYONE),
                f"visits:{kind}": (reverse(f"visits:{kind}", args=[entry.pk]), MEMBERS),
                f"visits:{kind}_add": (reverse(f"visits:{kind}_add") + q, EDITORS),
                f"visits:{kind}_edit": (reverse(f"visits:{kind}_edit", args=[entry.pk]), editors),
                f"visits:{kind}_export": (reverse(f"visits:{kind}_export") + q, MEMBERS),
            }
        )
    return expected


def actions(s) -> dict:
    return {
        "visits:visit_archive": (reverse("visits:visit_archive", args=[s["visit"].pk]), EDITORS),
        "visits:lesson_archive": (reverse("visits:lesson_archive", args=[s["lesson"].pk]), {"office", "lj-coord"}),
        "visits:gap_archive": (reverse("visits:gap_archive", args=[s["gap"].pk]), {"office", "tf-coord"}),
        "visits:held": (reverse("visits:held", args=[s["planned"].pk]), EDITORS),
        "visits:cancel": (reverse("visits:cancel", args=[s["planned"].pk]), EDITORS),
    }
