"""Who reaches which page of the register of agreements (walked by core/tests/test_permissions.py).

``pages``: name → (url, personas that get 200; everyone else gets 404). ``actions``: POST-only
name → (url, personas allowed to reach the action; everyone else gets 404 and nothing changes).
"""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from twincity.agreements import services
from twincity.agreements.tests.helpers import make_agreement
from twincity.audit.context import acting
from twincity.testing import EDITORS, EVERYONE, MEMBERS


def scene(world) -> dict:
    """An agreement of both sides, past its date but still in force, with a Tianfu obligation and a signed file."""
    agreement = make_agreement(world, expires_on=dt.date(2023, 5, 31))
    office = world.users["office"]
    with acting(office):
        obligation = services.add_obligation(agreement, user=office, text="建立执法协作机制", side=world.tf)
        document = services.attach_document(
            agreement, SimpleUploadedFile("协议正本.pdf", b"%PDF-1.4 signed"), user=office
        )
    return {"world": world, "agreement": agreement, "obligation": obligation, "document": document}


def pages(s) -> dict:
    a, partnership = s["agreement"], s["world"].partnership.pk
    return {
        "agreements:agreement_list": (reverse("agreements:agreement_list") + f"?partnership={partnership}", EVERYONE),
        "agreements:agreement": (reverse("agreements:agreement", args=[a.pk]), MEMBERS),
        "agreements:agreement_add": (reverse("agreements:agreement_add") + f"?partnership={partnership}", EDITORS),
        "agreements:agreement_edit": (reverse("agreements:agreement_edit", args=[a.pk]), EDITORS),
        "agreements:agreement_export": (
            reverse("agreements:agreement_export") + f"?partnership={partnership}",
            MEMBERS,
        ),
        "agreements:agreement_import": (
            reverse("agreements:agreement_import") + f"?partnership={partnership}",
            EDITORS,
        ),
    }


def actions(s) -> dict:
    a, ob = s["agreement"], s["obligation"]
    tianfu = {"office", "tf-coord"}  # the obligation is the Tianfu side's
    return {
        "agreements:agreement_archive": (reverse("agreements:agreement_archive", args=[a.pk]), EDITORS),
        "agreements:renew": (reverse("agreements:renew", args=[a.pk]), EDITORS),
        "agreements:terminate": (reverse("agreements:terminate", args=[a.pk]), EDITORS),
        "agreements:record_lapse": (reverse("agreements:record_lapse", args=[a.pk]), EDITORS),
        "agreements:withdraw_document": (reverse("agreements:withdraw_document", args=[s["document"].pk]), EDITORS),
        "agreements:add_obligation": (reverse("agreements:add_obligation", args=[a.pk]), EDITORS),
        "agreements:obligation_edit": (reverse("agreements:obligation_edit", args=[ob.pk]), tianfu),
        "agreements:obligation_archive": (reverse("agreements:obligation_archive", args=[ob.pk]), tianfu),
    }
