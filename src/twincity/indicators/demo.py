"""The demo's indicator system (指标体系): real province statistics where the shared data folder has them,
illustrative new-area figures 2015–2020, the high-quality-development framework and a published index run.

Real (cited, never committed): the 31 provinces' science & technology figures from 《中国科技统计年鉴》 (the
techme panel, huhuaping/techme, MIT) and their resident population (NBS E0103 via PyPSA-China-PIK, MIT), read
from ``$TWINCITY_SHARED_DATA`` or ``../shared/data`` when the demo loads. Without that folder the demo loads
the illustrative part only and says so.

Illustrative (示意数据（非官方统计）, said in every figure's source and note): Tianfu's and Liangjiang's figures
2015–2020 and those of six other national new areas used as the reference panel. They tell the article's
story: in 2015 the two areas are alike in structure (competing for the same industries: electronics, cars)
and far apart in development, so their coupling coordination is low; by 2020 they have specialised
(Tianfu: electronics, big data, biomedicine; Liangjiang: cars, equipment) and their coordination has risen
class by class (竞争 → 竞合 → 耦合).

Everything is written through the services as the office: ``create_element``, ``create_indicator``,
``create_framework``, ``save_node``, ``create_panel``, ``record_observations``, ``finalise``, and the index run
through ``runs.start_run`` / ``runs.publish_run``.
"""

from __future__ import annotations

import csv
import datetime as dt
import tomllib
from decimal import Decimal
from pathlib import Path

from django.utils.translation import gettext as _

from twincity.analytics.datasets import clean_province_name, shared_data_dir
from twincity.audit.context import acting
from twincity.indicators import policy_effect, runs, services
from twincity.indicators.choices import AggregationRule, ObservationStatus
from twincity.indicators.models import Indicator, Observation
from twincity.indicators.services import FigureRow
from twincity.policies.models import Policy
from twincity.regions.models import Region

DATA = tomllib.loads(Path(__file__).with_name("demo.toml").read_text(encoding="utf-8"))
ILLUSTRATIVE_SOURCE = DATA["illustrative_source"]
ILLUSTRATIVE_NOTE = DATA["illustrative_note"]
YEARS = DATA["years"]
FIRST_SHARED_YEAR = 2010
# When the story has the office build the system (the yearbooks with 2020's figures were out) and publish its run;
# the demo's clock stamps each step with its day (``loader.at``), not the day the demo was loaded.
RECORDED_ON = dt.date(2021, 6, 15)
PUBLISHED_ON = dt.date(2021, 7, 1)


def _say(loader, text: str) -> None:
    out = getattr(loader, "out", None)
    if out is not None:
        out.write(text + "\n")


def _regions() -> tuple[dict[str, Region], dict[str, Region]]:
    """The provinces (by their techme name, and 全国) and the illustrative peers (by code), made if missing."""
    provinces = {}
    for code, short, name, name_en, _pinyin in [*DATA["provinces"], DATA["country"]]:
        region, _created = Region.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "short_name": short}
        )
        provinces[short] = region
    peers = {}
    for code, name, name_en, short in DATA["peers"]:
        region, _created = Region.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "short_name": short}
        )
        peers[code] = region
    return provinces, peers


def _line(first: float, last: float, year: int) -> Decimal:
    """The value of ``year`` on the straight line from 2015's ``first`` to 2020's ``last``."""
    share = (year - YEARS[0]) / (YEARS[-1] - YEARS[0])
    return Decimal(str(round(first + (last - first) * share, 4)))


def illustrative_rows(sides: dict[str, Region], peers: list[Region]) -> list[FigureRow]:
    """The illustrative figures of Tianfu, Liangjiang and the peers for every element and year."""
    rows = []
    for element in DATA["element"]:
        lo15, hi15, lo20, hi20 = element["peers"]
        for year in YEARS:
            period = str(year)
            for key, region in sides.items():
                first, last = element[key]
                rows.append(FigureRow(element["code"], region, period, _line(first, last, year)))
            for i, region in enumerate(peers):
                f = i / (len(peers) - 1)
                first, last = lo15 + (hi15 - lo15) * f, lo20 + (hi20 - lo20) * f
                rows.append(FigureRow(element["code"], region, period, _line(first, last, year)))
    for row in rows:
        row.source, row.note = ILLUSTRATIVE_SOURCE, ILLUSTRATIVE_NOTE
    return rows


def real_rows(folder: Path, provinces: dict[str, Region]) -> list[FigureRow]:
    """The real province figures of the shared folder (techme tables and the NBS population), cleaned names."""
    real = DATA["real"]
    wanted: dict[tuple[str, str], str] = {}
    for code, _name, _en, _unit, table, block, _set, _cat in real["rows"]:
        if table != "population":
            wanted[(table, block)] = code
    rows: list[FigureRow] = []
    for table in sorted({t for t, _b in wanted}):
        with (folder / "techme_province_sci_tech" / f"{table}.csv").open(encoding="utf-8") as handle:
            for record in csv.DictReader(handle):
                code = wanted.get((table, record["chn_block4"]))
                region = provinces.get(clean_province_name(record["province"]))
                if code is None or region is None or not record["value"]:
                    continue
                rows.append(
                    FigureRow(code, region, str(int(float(record["year"]))), record["value"], real["techme_source"])
                )
    by_pinyin = {p[4]: provinces[p[1]] for p in DATA["provinces"]}
    with (folder / "pypsa_china_population" / "historical_population.csv").open(encoding="utf-8") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    for record in csv.DictReader(lines):
        region = by_pinyin.get(record["region"])
        if region is None:
            continue
        for year, value in record.items():
            if year != "region" and value and year.isdigit() and int(year) >= FIRST_SHARED_YEAR:
                rows.append(FigureRow("NBS.POP", region, year, value, real["population_source"]))
    # A table may repeat a figure (the same province and year twice after the names are cleaned): keep the first.
    seen, unique = set(), []
    for row in rows:
        key = (row.element, row.region.pk, row.period)
        if key not in seen:
            seen.add(key)
            row.note = real["note"]
            unique.append(row)
    return unique


def _elements(partnership, office, with_real: bool) -> dict:
    elements = {}
    for spec in DATA["element"]:
        category_set, category = spec.get("breakdown", ["", ""])
        elements[spec["code"]] = services.create_element(
            partnership=partnership,
            user=office,
            code=spec["code"],
            name=spec["name"][0],
            name_en=spec["name"][1],
            unit=spec["unit"],
            source=ILLUSTRATIVE_SOURCE,
            definition=ILLUSTRATIVE_NOTE,
            aggregation=AggregationRule(spec.get("aggregation", "sum")),
            category_set=category_set,
            category=category,
        )
    if with_real:
        real = DATA["real"]
        for code, name, name_en, unit, table, _block, category_set, category in real["rows"]:
            elements[code] = services.create_element(
                partnership=partnership,
                user=office,
                code=code,
                name=name,
                name_en=name_en,
                unit=unit,
                source=real["population_source"] if table == "population" else real["techme_source"],
                aggregation=AggregationRule.LAST if table == "population" else AggregationRule.SUM,
                category_set=category_set,
                category=category,
            )
    return elements


def _indicator(partnership, office, elements, row):
    code, name, name_en, numerator, denominator, factor, unit, *rest = row
    return services.create_indicator(
        partnership=partnership,
        user=office,
        code=code,
        name=name,
        name_en=name_en,
        numerator=elements[numerator],
        denominator=elements[denominator] if denominator else None,
        factor=Decimal(str(factor)),
        unit=unit,
        direction=rest[0] if rest else 1,
    )


def _framework(partnership, office, elements):
    spec = DATA["framework"]
    framework = services.create_framework(
        partnership=partnership,
        user=office,
        code=spec["code"],
        name=spec["name"],
        name_en=spec["name_en"],
        description=spec["description"],
    )
    top = services.save_node(framework, user=office, code="INDEX", name=spec["name"], name_en=spec["name_en"])
    for d_order, dimension in enumerate(DATA["dimension"]):
        node = services.save_node(
            framework,
            user=office,
            parent=top,
            code=dimension["code"],
            name=dimension["name"][0],
            name_en=dimension["name"][1],
            order=d_order,
        )
        for order, row in enumerate(dimension["indicators"]):
            indicator = _indicator(partnership, office, elements, row)
            services.save_node(
                framework,
                user=office,
                parent=node,
                code=row[0],
                name=row[1],
                name_en=row[2],
                indicator=indicator,
                weight=Decimal(str(row[8])),
                order=order,
            )
    return framework


def load(loader) -> None:
    """Load the indicator system's demo into the demo partnership (see the module docstring)."""
    office = loader.users["office"]
    partnership = loader.partnership
    folder = shared_data_dir()
    sides = {"TF": loader.regions["TF"], "LJ": loader.regions["LJ"]}
    with acting(office), loader.at(RECORDED_ON):
        provinces, peers_by_code = _regions()
        peers = [peers_by_code[p[0]] for p in DATA["peers"]]
        elements = _elements(partnership, office, folder is not None)
        framework = _framework(partnership, office, elements)
        names = DATA["panels"]
        services.create_panel(
            partnership=partnership,
            user=office,
            name=names["provinces"][0],
            name_en=names["provinces"][1],
            regions=[r for short, r in provinces.items() if short != "全国"],
            description=DATA["real"]["techme_source"],
        )
        new_areas = services.create_panel(
            partnership=partnership,
            user=office,
            name=names["new_areas"][0],
            name_en=names["new_areas"][1],
            regions=[*sides.values(), *peers],
            description=ILLUSTRATIVE_NOTE,
        )
        rows = illustrative_rows(sides, peers)
        if folder is not None:
            for row in DATA["real"]["real_indicators"]:
                _indicator(partnership, office, elements, row)
            rows += real_rows(folder, provinces)
        services.record_observations(partnership, rows, user=office)
        services.finalise(
            partnership,
            Observation.objects.filter(partnership=partnership, status=ObservationStatus.PROVISIONAL).values_list(
                "pk", flat=True
            ),
            user=office,
        )
        _policy_targets(partnership, office)
    with acting(office), loader.at(PUBLISHED_ON):
        _run(partnership, framework, [*sides.values(), *peers], new_areas, office)
    _say(
        loader,
        _("Indicator system: %(figures)s figures, %(indicators)s indicators in the framework “%(framework)s”.")
        % {
            "figures": len(rows),
            "indicators": sum(len(d["indicators"]) for d in DATA["dimension"]),
            "framework": framework,
        },
    )
    if folder is None:
        _say(
            loader,
            _(
                "The shared data folder (../shared/data or $TWINCITY_SHARED_DATA) is absent: only the "
                "illustrative new-area figures (示意数据) were loaded, no real province statistics."
            ),
        )
    else:
        _say(loader, _("Real province statistics loaded from %(folder)s (cited, not copied).") % {"folder": folder})


def _policy_targets(partnership, office) -> None:
    """Name the indicators the demo's policies aim to move (policies missing from the demo are passed over)."""
    policies = {p.code: p for p in Policy.objects.filter(partnership=partnership, archived_at__isnull=True)}
    indicators = {i.code: i for i in Indicator.objects.filter(partnership=partnership, archived_at__isnull=True)}
    for code, indicator, note in DATA["policy_targets"]:
        if code in policies:
            policy_effect.add_target(policies[code], indicators[indicator], user=office, note=note)


def _run(partnership, framework, regions, panel, office):
    """The published demo run of the framework over the new areas 2015–2020."""
    spec = DATA["run"]
    run = runs.start_run(
        partnership,
        framework,
        title=spec["title"],
        region_ids=[r.pk for r in regions],
        periods=[str(y) for y in YEARS],
        panel=panel,
        user=office,
    )
    runs.publish_run(run, user=office)
    return run
