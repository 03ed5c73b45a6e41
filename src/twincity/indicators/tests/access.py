"""Who reaches which page of the indicator system (walked by core/tests/test_permissions.py).

``pages``: name → (url, personas that get 200; everyone else gets 404; None: not walked as a page).
``actions``: POST-only name → (url, personas allowed to reach the action; everyone else gets 404 and nothing
changes).
"""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.urls import reverse

from twincity.audit.context import acting
from twincity.indicators import exports, imports, policy_effect, runs, services
from twincity.indicators.services import FigureRow
from twincity.policies import services as policy_services
from twincity.regions.models import Region
from twincity.testing import EVERYONE, MEMBERS

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
    with acting(office):
        services.record_observations(
            p,
            [
                FigureRow(element=element, region=region, period=period, value=value)
                for region, base in ((province, 300), (world.tf, 120), (world.lj, 110))
                for period, growth in (("2019", 0), ("2020", 10))
                for element, value in ((gdp, base + growth + (0 if period == "2020" else 1)), (rd, base / 50 + growth))
                if not (element is gdp and period == "2020" and region in (world.tf, world.lj))
            ],
            user=office,
        )
        run = runs.start_run(
            p, framework, title="测算", region_ids=[world.tf.pk, world.lj.pk], periods=["2019", "2020"], panel=panel,
            user=office,
        )  # fmt: skip
        policy = policy_services.create_policy(partnership=p, user=office, side=world.tf, title="人才政策")
        target = policy_effect.add_target(policy, intensity, user=office)
    with acting(lj_unit):
        upload = SimpleUploadedFile("figures.csv", "地区,时期,指标,数值\n两江,2021,GDP,95\n".encode())
        job = imports.start_import(p, lj_unit, upload, imports.Options(layout="long"))
        export = exports.start_export(p, lj_unit, QueryDict(""), 2)
    exports.run_export(export.pk)
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
        "run": run,
        "policy": policy,
        "target": target,
        "job": job,
        "export": export,
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
        # Those who enter figures import them.
        "indicators:import": (at("import"), ENTERING),
        # A job is its starter's (here lj-unit's) and the office's; the list shows each person their own (or none).
        "indicators:job_list": (reverse("indicators:job_list") + f"?partnership={p}", EVERYONE),
        "indicators:job_detail": (reverse("indicators:job_detail", args=[s["job"].pk]), {"office", "lj-unit"}),
        "indicators:job_download": (reverse("indicators:job_download", args=[s["export"].pk]), {"office", "lj-unit"}),
        "indicators:run_list": (reverse("indicators:run_list") + f"?partnership={p}", EVERYONE),
        "indicators:run_create": (reverse("indicators:run_create") + f"?partnership={p}", OFFICE),
        "indicators:run_detail": (reverse("indicators:run_detail", args=[s["run"].pk]), MEMBERS),
        "indicators:run_benchmark": (reverse("indicators:run_benchmark", args=[s["run"].pk]), MEMBERS),
        "indicators:run_compare": (
            reverse("indicators:run_compare") + f"?a={s['run'].pk}&b={s['run'].pk}",
            MEMBERS,
        ),
        "indicators:run_download": (
            reverse("indicators:run_download", args=[s["run"].pk, "gaps", "csv"]),
            MEMBERS,
        ),
        "indicators:run_report": (reverse("indicators:run_report", args=[s["run"].pk]), None),  # a PDF: runs tests
        "indicators:policy_effect": (reverse("indicators:policy_effect", args=[s["policy"].pk]), MEMBERS),
    }


def actions(s) -> dict:
    def at(name, obj):
        return reverse(f"indicators:{name}", args=[obj.pk])

    run, job = s["run"], s["job"]
    return {
        "indicators:run_publish": (at("run_publish", run), OFFICE),
        "indicators:run_rerun": (at("run_rerun", run), OFFICE),
        # Every member reaches the step; the gaps register's rules decide (the office or the side behind).
        "indicators:run_add_gap": (at("run_add_gap", run), MEMBERS),
        # Whoever may edit the policy (the office, its side's coordinator) names the indicators it aims to move.
        "indicators:policy_target_add": (at("policy_target_add", s["policy"]), {"office", "tf-coord"}),
        "indicators:policy_target_remove": (at("policy_target_remove", s["target"]), {"office", "tf-coord"}),
        "indicators:job_apply": (at("job_apply", job), {"office", "lj-unit"}),
        "indicators:job_cancel": (at("job_cancel", job), {"office", "lj-unit"}),
        "indicators:job_remap": (at("job_remap", job), {"office", "lj-unit"}),
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
