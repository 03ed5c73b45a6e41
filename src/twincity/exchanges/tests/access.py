"""Who reaches which page of the register of secondments (walked by core/tests/test_permissions.py).

``pages``: name → (url, personas that get 200; everyone else gets 404). ``actions``: POST-only
name → (url, personas allowed to reach the action; everyone else gets 404 and nothing changes).

The scene: a Liangjiang cadre (home: the Liangjiang market-supervision bureau, ``lj-unit``'s unit)
serving in the Tianfu market-supervision bureau (``tf-unit``'s unit); the term is over, so the
host may evaluate it, and it has one periodic report.
"""

from django.urls import reverse

from twincity.audit.context import acting
from twincity.exchanges import services
from twincity.exchanges.tests.test_services import second
from twincity.testing import EDITORS, EVERYONE, MEMBERS

REPORTERS = EDITORS | {"tf-unit", "lj-unit"}  # both units' contacts file and correct reports
HOST = {"office", "tf-coord", "tf-unit"}  # the evaluation is the host's


def scene(world) -> dict:
    secondment = second(world, start=-365, end=-1)
    with acting(world.users["lj-unit"]):
        report = services.file_report(secondment, user=world.users["lj-unit"], period="2020-Q3", text="挂职季度报告")
    return {"world": world, "secondment": secondment, "report": report}


def pages(s) -> dict:
    secondment, report, partnership = s["secondment"], s["report"], s["world"].partnership.pk
    return {
        "exchanges:secondment_list": (reverse("exchanges:secondment_list") + f"?partnership={partnership}", EVERYONE),
        "exchanges:secondment": (reverse("exchanges:secondment", args=[secondment.pk]), MEMBERS),
        "exchanges:secondment_add": (reverse("exchanges:secondment_add") + f"?partnership={partnership}", EDITORS),
        "exchanges:secondment_edit": (reverse("exchanges:secondment_edit", args=[secondment.pk]), EDITORS),
        "exchanges:secondment_export": (
            reverse("exchanges:secondment_export") + f"?partnership={partnership}",
            MEMBERS,
        ),
        "exchanges:secondment_import": (
            reverse("exchanges:secondment_import") + f"?partnership={partnership}",
            EDITORS,
        ),
        "exchanges:report_edit": (reverse("exchanges:report_edit", args=[report.pk]), REPORTERS),
    }


def actions(s) -> dict:
    secondment, report = s["secondment"], s["report"]
    return {
        "exchanges:secondment_archive": (reverse("exchanges:secondment_archive", args=[secondment.pk]), EDITORS),
        "exchanges:file_report": (reverse("exchanges:file_report", args=[secondment.pk]), REPORTERS),
        "exchanges:cut_short": (reverse("exchanges:cut_short", args=[secondment.pk]), EDITORS),
        "exchanges:evaluate": (reverse("exchanges:evaluate", args=[secondment.pk]), HOST),
        "exchanges:report_archive": (reverse("exchanges:report_archive", args=[report.pk]), REPORTERS),
    }
