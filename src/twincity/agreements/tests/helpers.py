"""Agreements built in code for tests (through the services, as the office would)."""

from __future__ import annotations

import datetime as dt

from twincity.agreements import services
from twincity.agreements.services import PartySpec
from twincity.audit.context import acting
from twincity.regions.models import Organisation, PartnershipRegion, Region


def make_agreement(w, *, user: str = "office", parties=None, **fields):
    """The two market-supervision bureaus' agreement, signed 1 June 2020 for three years."""
    defaults = {
        "title": "深化国家级新区市场监管一体化合作协议",
        "topic": "市场监管",
        "field": w.field,
        "signed_on": dt.date(2020, 6, 1),
        "starts_on": dt.date(2020, 6, 1),
        "expires_on": dt.date(2023, 5, 31),
    }
    defaults.update(fields)
    if parties is None:
        parties = [PartySpec(w.tf_dept, "张局长", "局长"), PartySpec(w.lj_dept, "李局长", "局长")]
    actor = w.users[user]
    with acting(actor):
        return services.create_agreement(partnership=w.partnership, user=actor, parties=parties, **defaults)


def add_third_side(w):
    """A third region joins the partnership, with one unit of its own."""
    w.xk = Region.objects.create(code="XK", name="西部科学城", name_en="Western Science City", short_name="科学城")
    PartnershipRegion.objects.create(partnership=w.partnership, region=w.xk, rotation_order=3)
    w.xk_dept = Organisation.objects.create(region=w.xk, name="西部科学城市场监管局")
    return w.xk
