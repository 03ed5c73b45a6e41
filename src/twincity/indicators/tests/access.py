"""Who reaches which page of the indicator system (walked by core/tests/test_permissions.py).

``pages``: name → (url, personas that get 200; everyone else gets 404; None: not walked as a page).
``actions``: POST-only name → (url, personas allowed to reach the action; everyone else gets 404 and nothing
changes). The other parts of the indicator system (imports, runs, benchmarking, policies) add theirs here.
"""

from decimal import Decimal

from django.urls import reverse

from twincity.audit.context import acting
from twincity.indicators import services
from twincity.indicators.services import FigureRow
from twincity.regions.models import Region
from twincity.testing import MEMBERS

OFFICE = {"office"}
ENTERING = {"office", "tf-coord", "lj-coord", "tf-unit", "lj-unit"}


def scene(world) -> dict:
    """Two data elements and an indicator, a framework with its index and a leaf, a reference panel, an alias;
    a Tianfu figure the office finalised and a Liangjiang figure its unit contact entered (provisional)."""
    office = world.users["office"]
    p = world.partnership
    province = Region.objects.create(code=f"IND{p.pk}", name=f"四川{p.pk}", name_en="Sichuan")
    with acting(office):
        gdp = services.create_element(partnership=p, user=office, code="GDP", name="地区生产总值", unit="亿元")
        rd = services.create_element(partnership=p, user=office, code="RD", name="R&D经费", unit="亿元")
        intensity = services.create_indicator(
            partnership=p,
            user=office,
            code="RDI",
            name="研发投入强度",
            numerator=rd,
            denominator=gdp,
            factor=Decimal(100),
        )
        framework = services.create_framework(partnership=p, user=office, code="HQ", name="高质量发展指数")
        top = services.save_node(framework, user=office, code="I", name="指数")
        leaf = services.save_node(framework, user=office, parent=top, code="L1", name="研发", indicator=intensity)
        panel = services.create_panel(partnership=p, user=office, name="参照组", regions=[province, world.tf, world.lj])
        alias = services.set_alias(partnership=p, user=office, alias="天府", region=world.tf)
        final = services.record_observations(
            p, [FigureRow(element=gdp, region=world.tf, period="2020", value="100")], user=office
        ).created[0]
        services.finalise(p, [final], user=office)
    lj_unit = world.users["lj-unit"]
    with acting(lj_unit):
        provisional = services.record_observations(
            p, [FigureRow(element=gdp, region=world.lj, period="2020", value="90")], user=lj_unit
        ).created[0]
    final.refresh_from_db()
    return {
        "world": world,
        "gdp": gdp,
        "indicator": intensity,
        "framework": framework,
        "node": leaf,
        "panel": panel,
        "alias": alias,
        "final": final,
        "provisional": provisional,
    }


def pages(s) -> dict:
    p = s["world"].partnership.pk

    def at(name, *args):
        return reverse(f"indicators:{name}", args=args or [p])

    return {
        "indicators:index": (reverse("indicators:index") + f"?partnership={p}", None),  # a redirect to the home
        "indicators:home": (at("home"), MEMBERS),
        "indicators:element_list": (at("element_list"), MEMBERS),
        "indicators:element_add": (at("element_add"), OFFICE),
        "indicators:element": (at("element", s["gdp"].pk), MEMBERS),
        "indicators:element_edit": (at("element_edit", s["gdp"].pk), OFFICE),
        "indicators:indicator_list": (at("indicator_list"), MEMBERS),
        "indicators:indicator_add": (at("indicator_add"), OFFICE),
        "indicators:indicator": (at("indicator", s["indicator"].pk), MEMBERS),
        "indicators:indicator_edit": (at("indicator_edit", s["indicator"].pk), OFFICE),
        "indicators:framework_list": (at("framework_list"), MEMBERS),
        "indicators:framework_add": (at("framework_add"), OFFICE),
        "indicators:framework": (at("framework", s["framework"].pk), MEMBERS),
        "indicators:framework_edit": (at("framework_edit", s["framework"].pk), OFFICE),
        "indicators:framework_node_add": (at("framework_node_add", s["framework"].pk), OFFICE),
        "indicators:framework_node_edit": (reverse("indicators:framework_node_edit", args=[s["node"].pk]), OFFICE),
        "indicators:panel_list": (at("panel_list"), MEMBERS),
        "indicators:panel_add": (at("panel_add"), OFFICE),
        "indicators:panel_edit": (at("panel_edit", s["panel"].pk), OFFICE),
        "indicators:alias_list": (at("alias_list"), MEMBERS),
        "indicators:observation_list": (at("observation_list"), MEMBERS),
        "indicators:observation_export": (at("observation_export"), MEMBERS),
        # The grid is for those who enter figures: the office, each side's coordinator and unit contact.
        "indicators:observation_entry": (at("observation_entry"), ENTERING),
        "indicators:observation_finalise": (at("observation_finalise"), OFFICE),
        "indicators:observation": (at("observation", s["final"].pk), MEMBERS),
        # TEMPORARY names until the imports and runs parts are merged (their walk replaces these).
        "indicators:import": (None, None),
        "indicators:run_list": (None, None),
    }


def actions(s) -> dict:
    def at(name, obj):
        return reverse(f"indicators:{name}", args=[obj.pk])

    return {
        "indicators:element_archive": (at("element_archive", s["gdp"]), OFFICE),
        "indicators:indicator_archive": (at("indicator_archive", s["indicator"]), OFFICE),
        "indicators:framework_archive": (at("framework_archive", s["framework"]), OFFICE),
        "indicators:alias_remove": (at("alias_remove", s["alias"]), OFFICE),
        "indicators:observation_finalise_run": (at("observation_finalise_run", s["world"].partnership), OFFICE),
        "indicators:observation_finalise_one": (at("observation_finalise_one", s["provisional"]), OFFICE),
        # A final figure is revised by its side (its coordinator; a unit contact for its unit's) or the office.
        "indicators:observation_revise": (at("observation_revise", s["final"]), {"office", "tf-coord"}),
        # A provisional figure is withdrawn by whoever may correct it: its side's coordinator, its unit, the office.
        "indicators:observation_withdraw": (
            at("observation_withdraw", s["provisional"]),
            {"office", "lj-coord", "lj-unit"},
        ),
    }
