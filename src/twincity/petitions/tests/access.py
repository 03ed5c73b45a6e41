"""Who reaches which page of the register of joint requests (walked by core/tests/test_permissions.py).

``pages``: name → (url, personas that get 200; everyone else gets 404). ``actions``: POST-only
name → (url, personas allowed to reach the action; everyone else gets 404 and nothing changes).
"""

from django.urls import reverse

from twincity.petitions.tests.test_services import make_petition
from twincity.testing import EDITORS, EVERYONE, MEMBERS


def scene(world) -> dict:
    petition = make_petition(world)
    halves = {half.region_id: half for half in petition.sides.all()}
    return {"world": world, "petition": petition, "tf_half": halves[world.tf.pk], "lj_half": halves[world.lj.pk]}


def pages(s) -> dict:
    p, partnership = s["petition"], s["world"].partnership.pk
    label = "petitions.petition"
    return {
        "petitions:petition_list": (reverse("petitions:petition_list") + f"?partnership={partnership}", EVERYONE),
        "petitions:petition": (reverse("petitions:petition", args=[p.pk]), MEMBERS),
        "petitions:petition_add": (reverse("petitions:petition_add") + f"?partnership={partnership}", EDITORS),
        "petitions:petition_edit": (reverse("petitions:petition_edit", args=[p.pk]), EDITORS),
        "petitions:petition_export": (reverse("petitions:petition_export") + f"?partnership={partnership}", MEMBERS),
        "petitions:petition_import": (reverse("petitions:petition_import") + f"?partnership={partnership}", EDITORS),
        # The shared register pages, walked here once for every register: who may change the entry.
        "registers:follow_up": (reverse("registers:follow_up", args=[label, p.pk]), EDITORS),
    }


def actions(s) -> dict:
    p = s["petition"]
    label = "petitions.petition"
    return {
        "petitions:petition_archive": (reverse("petitions:petition_archive", args=[p.pk]), EDITORS),
        "petitions:revise_text": (reverse("petitions:revise_text", args=[p.pk]), EDITORS),
        "petitions:endorse": (reverse("petitions:endorse", args=[s["tf_half"].pk]), {"office", "tf-coord"}),
        "petitions:submit": (reverse("petitions:submit", args=[p.pk]), EDITORS),
        "petitions:consider": (reverse("petitions:consider", args=[p.pk]), EDITORS),
        "petitions:respond": (reverse("petitions:respond", args=[p.pk]), EDITORS),
        "petitions:withdraw": (reverse("petitions:withdraw", args=[p.pk]), EDITORS),
        "registers:link": (reverse("registers:link", args=[label, p.pk]), EDITORS),
        "registers:upload": (reverse("registers:upload", args=[label, p.pk]), set()),  # requests take no uploads
        "registers:unlink": (None, EDITORS),  # a link of one entry: walked in registers/tests
    }
