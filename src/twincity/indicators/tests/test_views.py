"""The statistics pages as each persona uses them: definitions kept by the office, figures entered by each side
on the entry grid, finalised by the office, revised with a reason, exported; the outsider sees nothing."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from twincity.audit.context import acting
from twincity.indicators import services
from twincity.indicators.choices import ObservationStatus
from twincity.indicators.models import DataElement, FrameworkNode, Indicator, Observation, RegionAlias, Revision
from twincity.indicators.tests.helpers import build_statistics, figures
from twincity.testing import MEMBERS, PERSONAS
from twincity.testkit import assert_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build_statistics()


@pytest.fixture
def as_(client, w):
    def login(persona):
        client.force_login(w.users[persona])
        return client

    return login


def home(w, name="home", **query):
    url = reverse(f"indicators:{name}", args=[w.partnership.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def entry_url(w, elements, periods):
    return home(w, "observation_entry") + "?" + "&".join(f"elements={e.pk}" for e in elements) + f"&periods={periods}"


def cell(element, region, period):
    return f"c-{element.pk}-{region.pk}-{period}"


# ---------------------------------------------------------------------------------------------- reading


@pytest.mark.parametrize("persona", sorted(MEMBERS))
def test_every_member_reads_the_home_lists_and_pages(w, as_, persona):
    obs = figures(w, w.users["office"], [(w.gdp, w.tf, "2020", "100"), (w.rd, w.tf, "2020", "2.5")]).created[0]
    client = as_(persona)
    assert_page(client, home(w), contains=["R&amp;D"] if False else [])
    assert_page(client, home(w, "element_list"), contains=["地区生产总值", "R&amp;D经费"])
    assert_page(client, reverse("indicators:element", args=[w.gdp.pk]), contains=["100"])
    assert_page(client, home(w, "indicator_list"), contains=["研发投入强度", "R&amp;D经费 ÷ 地区生产总值 × 100"])
    page = assert_page(client, reverse("indicators:indicator", args=[w.intensity.pk]), contains=["2.5"])
    assert "↑" in page.body
    assert_page(client, home(w, "observation_list"), contains=["100"])
    assert_page(client, reverse("indicators:observation", args=[obs.pk]), contains=["100"])
    assert_page(client, home(w, "framework_list"))
    assert_page(client, home(w, "panel_list"))
    assert_page(client, home(w, "alias_list"))


def test_the_outsider_gets_404_everywhere_including_the_export(w, as_):
    obs = figures(w, w.users["office"], [(w.gdp, w.tf, "2020", "100")]).created[0]
    client = as_("outsider")
    for url in [
        home(w),
        home(w, "element_list"),
        home(w, "observation_list"),
        home(w, "observation_export"),
        home(w, "observation_entry"),
        home(w, "observation_finalise"),
        reverse("indicators:element", args=[w.gdp.pk]),
        reverse("indicators:indicator", args=[w.intensity.pk]),
        reverse("indicators:observation", args=[obs.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("indicators:observation_finalise_one", args=[obs.pk])).status_code == 404
    obs.refresh_from_db()
    assert obs.status == ObservationStatus.PROVISIONAL


def test_the_figures_list_filters_by_element_region_period_status_and_side(w, as_):
    figures(
        w,
        w.users["office"],
        [(w.gdp, w.tf, "2020", "111"), (w.gdp, w.lj, "2020", "222"), (w.rd, w.lj, "2021", "333")],
    )
    client = as_("leader")
    body = client.get(home(w, "observation_list", element=w.gdp.pk)).content.decode()
    assert "111" in body
    assert "222" in body
    assert "333" not in body
    body = client.get(home(w, "observation_list", side=w.lj.pk, period="2021")).content.decode()
    assert "333" in body
    assert "222" not in body
    body = client.get(home(w, "observation_list", status="final")).content.decode()
    assert "111" not in body


def test_the_figures_list_costs_the_same_queries_for_few_and_many_rows(w, as_):
    figures(w, w.users["office"], [(w.gdp, w.tf, "2020", "1")])
    client = as_("lj-coord")
    few = assert_page(client, home(w, "observation_list"), warm=True)
    rows = [(w.gdp, r, str(y), y) for r in (w.tf, w.lj) for y in range(2001, 2020)]
    figures(w, w.users["office"], rows)
    assert_page(client, home(w, "observation_list"), queries=few.queries, contains=["2019"])


# ---------------------------------------------------------------------------------------------- definitions


def test_the_office_adds_edits_and_archives_a_data_element(w, as_):
    client = as_("office")
    response = client.post(
        home(w, "element_add"),
        {
            "code": "POP",
            "name": "常住人口",
            "name_en": "Population",
            "unit": "万人",
            "frequency": "year",
            "aggregation": "last",
            "version": 0,
        },
    )
    element = DataElement.objects.get(code="POP")
    assert response.status_code == 302
    assert response.url == reverse("indicators:element", args=[element.pk])
    edit = reverse("indicators:element_edit", args=[element.pk])
    data = {
        "code": "POP",
        "name": "常住人口数",
        "unit": "万人",
        "frequency": "year",
        "aggregation": "last",
        "version": element.version,
    }
    assert client.post(edit, data).status_code == 302
    assert client.post(edit, {**data, "name": "陈旧"}).status_code == 409  # a stale version: both shown
    element.refresh_from_db()
    assert element.name == "常住人口数"
    assert client.post(reverse("indicators:element_archive", args=[element.pk])).status_code == 302
    element.refresh_from_db()
    assert element.archived_at is not None  # kept, archived


@pytest.mark.parametrize("persona", ["tf-coord", "lj-unit", "leader", "auditor"])
def test_only_the_office_reaches_the_definition_forms(w, as_, persona):
    client = as_(persona)
    for url in [
        home(w, "element_add"),
        home(w, "indicator_add"),
        home(w, "framework_add"),
        home(w, "panel_add"),
        reverse("indicators:element_edit", args=[w.gdp.pk]),
        reverse("indicators:indicator_edit", args=[w.intensity.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("indicators:element_archive", args=[w.gdp.pk])).status_code == 404
    assert client.post(home(w, "alias_list"), {"alias": "川", "region": w.provinces[0].pk}).status_code == 404
    assert not RegionAlias.objects.exists()


def test_the_office_writes_an_indicator_whose_formula_reads_plainly(w, as_):
    client = as_("office")
    response = client.post(
        home(w, "indicator_add"),
        {"code": "GDPPC", "name": "人均产值", "numerator": w.gdp.pk, "factor": "1", "direction": "-1", "version": 0},
    )
    assert response.status_code == 302
    ind = Indicator.objects.get(code="GDPPC")
    page = assert_page(client, reverse("indicators:indicator", args=[ind.pk]), contains=["地区生产总值"])
    assert "↓" in page.body
    assert "×" not in page.body.split('id="formula">')[1].split("<")[0]


def test_the_framework_tree_shows_direction_weight_and_effective_share(w, as_):
    office = w.users["office"]
    with acting(office):
        fw = services.create_framework(partnership=w.partnership, user=office, code="HQ", name="高质量发展")
    client = as_("office")
    add = reverse("indicators:framework_node_add", args=[fw.pk])
    assert (
        client.post(add, {"code": "I", "name": "指数", "direction": "1", "weight": "1", "order": 0}).status_code == 302
    )
    top = FrameworkNode.objects.get(code="I")
    client.post(add, {"parent": top.pk, "code": "D1", "name": "创新", "direction": "1", "weight": "3", "order": 1})
    client.post(add, {"parent": top.pk, "code": "D2", "name": "绿色", "direction": "1", "weight": "1", "order": 2})
    d1 = FrameworkNode.objects.get(code="D1")
    response = client.post(
        add,
        {
            "parent": d1.pk,
            "code": "L1",
            "name": "研发",
            "indicator": w.intensity.pk,
            "direction": "1",
            "weight": "1",
            "order": 0,
        },
    )
    assert response.status_code == 302
    page = assert_page(as_("leader"), reverse("indicators:framework", args=[fw.pk]), contains=["75.0%", "25.0%"])
    assert "研发投入强度" in page.body
    assert as_("leader").get(add).status_code == 404
    # a second index at the top is refused, next to the field
    response = as_("office").post(add, {"code": "I2", "name": "另一个", "direction": "1", "weight": "1", "order": 0})
    assert response.status_code == 200
    assert "I2" not in FrameworkNode.objects.values_list("code", flat=True)


def test_the_office_keeps_panels_and_aliases(w, as_):
    client = as_("office")
    response = client.post(
        home(w, "panel_add"),
        {"name": "全国省份", "regions": [p.pk for p in w.provinces], "version": 0},
    )
    assert response.status_code == 302
    assert_page(client, home(w, "panel_list"), contains=["全国省份", "西藏"])
    assert client.post(home(w, "alias_list"), {"alias": "两藏", "region": w.provinces[3].pk}).status_code == 302
    alias = RegionAlias.objects.get()
    assert client.post(reverse("indicators:alias_remove", args=[alias.pk])).status_code == 302
    assert not RegionAlias.objects.exists()


# ---------------------------------------------------------------------------------------------- entry


def test_the_grid_offers_each_persona_only_the_regions_they_enter_for(w, as_):
    url = entry_url(w, [w.gdp], "2020")
    body = as_("lj-coord").get(url).content.decode()
    assert cell(w.gdp, w.lj, "2020") in body
    assert cell(w.gdp, w.tf, "2020") not in body
    body = as_("office").get(url).content.decode()
    assert cell(w.gdp, w.lj, "2020") in body
    assert cell(w.gdp, w.tf, "2020") in body
    for persona in ("leader", "auditor", "outsider"):
        assert as_(persona).get(url).status_code == 404


def test_a_liangjiang_coordinator_enters_liangjiang_but_not_tianfu(w, as_):
    client = as_("lj-coord")
    url = entry_url(w, [w.gdp], "2020")
    response = client.post(url, {cell(w.gdp, w.lj, "2020"): "1,234.5", f"v{cell(w.gdp, w.lj, '2020')}": "0"})
    assert response.status_code == 302
    obs = Observation.objects.get(region=w.lj)
    assert obs.value == Decimal("1234.5")
    assert obs.status == ObservationStatus.PROVISIONAL
    response = client.post(url, {cell(w.gdp, w.tf, "2020"): "99"})
    assert response.status_code == 404
    assert not Observation.objects.filter(region=w.tf).exists()


def test_a_liangjiang_unit_contact_enters_in_its_units_name(w, as_):
    client = as_("lj-unit")
    client.post(entry_url(w, [w.gdp], "2020"), {cell(w.gdp, w.lj, "2020"): "８８"})  # full-width digits
    obs = Observation.objects.get()
    assert (obs.value, obs.organisation_id, obs.side_id) == (Decimal(88), w.lj_dept.pk, w.lj.pk)


@pytest.mark.parametrize("bad", ["NaN", "1e309", "abc", "1" + "0" * 30, "=1+1"])
def test_a_wrong_cell_is_said_next_to_it_and_nothing_is_written(w, as_, bad):
    client = as_("office")
    url = entry_url(w, [w.gdp, w.rd], "2020")
    response = client.post(url, {cell(w.gdp, w.tf, "2020"): "5", cell(w.rd, w.lj, "2020"): bad})
    assert response.status_code == 400
    body = response.content.decode()
    assert "is-invalid" in body
    assert f'id="{cell(w.rd, w.lj, "2020")}"' in body
    assert not Observation.objects.exists()


def test_a_figure_changed_by_someone_else_since_the_page_loaded_is_not_overwritten(w, as_):
    obs = figures(w, w.users["lj-coord"], [(w.gdp, w.lj, "2020", "100")]).created[0]
    key = cell(w.gdp, w.lj, "2020")
    loaded = {key: "150", f"o{key}": "100", f"v{key}": str(obs.version)}
    figures(w, w.users["office"], [(w.gdp, w.lj, "2020", "120")])  # someone else, meanwhile
    response = as_("lj-coord").post(entry_url(w, [w.gdp], "2020"), loaded)
    assert response.status_code == 400
    assert "120" in response.content.decode()
    obs.refresh_from_db()
    assert obs.value == Decimal(120)
    # a figure someone else added meanwhile to an empty cell is not overwritten either
    key2 = cell(w.gdp, w.lj, "2021")
    figures(w, w.users["office"], [(w.gdp, w.lj, "2021", "7")])
    response = as_("lj-coord").post(entry_url(w, [w.gdp], "2021"), {key2: "8", f"o{key2}": "", f"v{key2}": "0"})
    assert response.status_code == 400
    assert Observation.objects.get(period="2021").value == 7


def test_a_final_figure_is_shown_not_edited_on_the_grid(w, as_):
    obs = figures(w, w.users["office"], [(w.gdp, w.lj, "2020", "100")]).created[0]
    with acting(w.users["office"]):
        services.finalise(w.partnership, [obs], user=w.users["office"])
    body = as_("lj-coord").get(entry_url(w, [w.gdp], "2020")).content.decode()
    assert f'name="{cell(w.gdp, w.lj, "2020")}"' not in body
    assert reverse("indicators:observation", args=[obs.pk]) in body


# ----------------------------------------------------------------------------- finalise, revise, withdraw


def test_the_office_finalises_ticked_figures(w, as_):
    rows = figures(w, w.users["lj-coord"], [(w.gdp, w.lj, "2020", "1"), (w.gdp, w.lj, "2021", "2")]).created
    client = as_("office")
    assert_page(client, home(w, "observation_finalise"), contains=[f'value="{rows[0].pk}"'])
    response = client.post(home(w, "observation_finalise_run"), {"figures": [rows[0].pk]})
    assert response.status_code == 302
    statuses = dict(Observation.objects.values_list("pk", "status"))
    assert statuses == {rows[0].pk: ObservationStatus.FINAL, rows[1].pk: ObservationStatus.PROVISIONAL}


@pytest.mark.parametrize("persona", ["tf-coord", "lj-coord", "lj-unit", "leader", "auditor", "outsider"])
def test_nobody_but_the_office_finalises(w, as_, persona):
    obs = figures(w, w.users["lj-coord"], [(w.gdp, w.lj, "2020", "1")]).created[0]
    client = as_(persona)
    assert client.get(home(w, "observation_finalise")).status_code == 404
    assert client.post(home(w, "observation_finalise_run"), {"figures": [obs.pk]}).status_code == 404
    assert client.post(reverse("indicators:observation_finalise_one", args=[obs.pk])).status_code == 404
    obs.refresh_from_db()
    assert obs.status == ObservationStatus.PROVISIONAL


def test_a_final_figure_is_revised_with_a_reason_and_its_history_shows_it(w, as_):
    obs = figures(w, w.users["lj-coord"], [(w.gdp, w.lj, "2020", "100")]).created[0]
    client = as_("office")
    client.post(reverse("indicators:observation_finalise_one", args=[obs.pk]))
    obs.refresh_from_db()
    url = reverse("indicators:observation_revise", args=[obs.pk])
    client.post(url, {"value": "101", "reason": "", "version": obs.version})
    assert not Revision.objects.exists()  # no reason, no revision
    client.post(url, {"value": "101", "reason": "统计年鉴更正", "version": obs.version})
    revision = Revision.objects.get()
    assert (revision.old_value, revision.new_value) == (Decimal(100), Decimal(101))
    assert_page(as_("auditor"), reverse("indicators:observation", args=[obs.pk]), contains=["统计年鉴更正", "101"])


def test_a_provisional_figure_is_withdrawn_by_its_side_and_kept(w, as_):
    obs = figures(w, w.users["lj-coord"], [(w.gdp, w.lj, "2020", "100")]).created[0]
    assert as_("tf-coord").post(reverse("indicators:observation_withdraw", args=[obs.pk])).status_code == 404
    assert as_("lj-coord").post(reverse("indicators:observation_withdraw", args=[obs.pk])).status_code == 302
    obs.refresh_from_db()
    assert obs.archived_at is not None


# ---------------------------------------------------------------------------------------------- export


def test_the_export_holds_the_filtered_figures_and_no_formula(w, as_):
    office = w.users["office"]
    with acting(office):
        evil = services.create_element(partnership=w.partnership, user=office, code="EVIL", name="=HYPERLINK(1)")
    figures(w, office, [(evil, w.tf, "2020", "5"), (w.gdp, w.lj, "2020", "6")])
    response = as_("leader").get(home(w, "observation_export", element=evil.pk))
    assert response.status_code == 200
    ws = load_workbook(BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][0] == "EVIL"
    cell_ = ws.cell(row=2, column=2)
    assert cell_.data_type == "s"
    assert cell_.value == "=HYPERLINK(1)"


def test_every_persona_is_in_the_walk(w):
    assert set(PERSONAS) >= MEMBERS


@pytest.mark.parametrize("name", ["element_list", "indicator_list", "observation_list"])
def test_a_filter_asked_by_htmx_gets_only_the_table(w, as_, name):
    figures(w, w.users["office"], [(w.gdp, w.tf, "2020", "100")])
    response = as_("leader").get(home(w, name), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<table" in body
    assert "<nav" not in body  # no page around it


def test_the_office_edits_an_indicator_a_framework_a_node_and_a_panel(w, as_):
    office = w.users["office"]
    with acting(office):
        fw = services.create_framework(partnership=w.partnership, user=office, code="HQ", name="高质量发展")
        node = services.save_node(fw, user=office, code="I", name="指数")
        panel = services.create_panel(partnership=w.partnership, user=office, name="参照组", regions=w.provinces[:2])
    client = as_("office")
    response = client.post(
        reverse("indicators:indicator_edit", args=[w.intensity.pk]),
        {
            "code": "RDI",
            "name": "研发强度",
            "numerator": w.rd.pk,
            "denominator": w.gdp.pk,
            "factor": "100",
            "direction": "1",
            "version": w.intensity.version,
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("indicators:framework_edit", args=[fw.pk]),
        {"code": "HQ", "name": "高质量发展指数", "version": fw.version},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("indicators:framework_node_edit", args=[node.pk]),
        {"code": "I", "name": "总指数", "direction": "1", "weight": "1", "order": 0},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("indicators:panel_edit", args=[panel.pk]),
        {"name": "全国", "regions": [p.pk for p in w.provinces], "version": panel.version},
    )
    assert response.status_code == 302
    panel.refresh_from_db()
    node.refresh_from_db()
    assert (panel.name, panel.regions.count(), node.name) == ("全国", 4, "总指数")
    assert Indicator.objects.get(pk=w.intensity.pk).name == "研发强度"
    assert client.post(reverse("indicators:framework_archive", args=[fw.pk])).status_code == 302
    assert client.post(reverse("indicators:indicator_archive", args=[w.intensity.pk])).status_code == 302
    assert_page(client, home(w, "indicator_list"), absent=[reverse("indicators:indicator", args=[w.intensity.pk])])
