"""Who reaches which page of the register of siting cases (walked by core/tests/test_permissions.py).

``pages``: name → (url, personas that get 200; everyone else gets 404). ``actions``: POST-only
name → (url, personas allowed to reach the action; everyone else gets 404 and nothing changes).
"""

from django.urls import reverse

from twincity.audit.context import acting
from twincity.siting import services
from twincity.siting.tests.helpers import make_case, meeting_decision
from twincity.testing import EDITORS, EVERYONE, MEMBERS


def scene(world) -> dict:
    """A case both sides bid for, with a meeting decision in its record; and a case only Tianfu bid for."""
    case = make_case(world)
    office = world.users["office"]
    with acting(office):
        record = services.link_negotiation(case, meeting_decision(world), user=office)
    return {
        "world": world,
        "case": case,
        "tf_bid": case.bids.get(side=world.tf),
        "record": record,
        "tf_only": make_case(world, title="只有天府出价的项目", bids=("TF",)),
    }


def pages(s) -> dict:
    case, partnership = s["case"], s["world"].partnership.pk
    return {
        "siting:sitingcase_list": (reverse("siting:sitingcase_list") + f"?partnership={partnership}", EVERYONE),
        "siting:sitingcase": (reverse("siting:sitingcase", args=[case.pk]), MEMBERS),
        "siting:sitingcase_add": (reverse("siting:sitingcase_add") + f"?partnership={partnership}", EDITORS),
        "siting:sitingcase_edit": (reverse("siting:sitingcase_edit", args=[case.pk]), EDITORS),
        "siting:sitingcase_export": (reverse("siting:sitingcase_export") + f"?partnership={partnership}", MEMBERS),
        # Liangjiang has not bid on this one yet: its coordinator and the office may put its bid in.
        "siting:sitingbid_add": (reverse("siting:sitingbid_add", args=[s["tf_only"].pk]), {"office", "lj-coord"}),
        "siting:sitingbid_edit": (reverse("siting:sitingbid_edit", args=[s["tf_bid"].pk]), {"office", "tf-coord"}),
    }


def actions(s) -> dict:
    case = s["case"]
    return {
        "siting:sitingcase_archive": (reverse("siting:sitingcase_archive", args=[case.pk]), EDITORS),
        "siting:sitingbid_withdraw": (
            reverse("siting:sitingbid_withdraw", args=[s["tf_bid"].pk]),
            {"office", "tf-coord"},
        ),
        "siting:link_negotiation": (reverse("siting:link_negotiation", args=[case.pk]), EDITORS),
        "siting:unlink_negotiation": (reverse("siting:unlink_negotiation", args=[s["record"].pk]), EDITORS),
        # The office records what the joint meeting decided; neither side settles a contest it is party to.
        "siting:decide": (reverse("siting:decide", args=[case.pk]), {"office"}),
        "siting:withdraw": (reverse("siting:withdraw", args=[case.pk]), {"office"}),
    }
