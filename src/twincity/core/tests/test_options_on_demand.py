"""A filter bar's unit picker carries "All" and the chosen unit only; its options load when it is opened
(``core.widgets.OptionsOnDemand``, ``regions:unit_options``). Every list page with a unit filter, every persona,
the chosen unit kept, another partnership's unit never named."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.urls import reverse

from twincity.core.cache import clear_own_cache
from twincity.core.tests.test_tables import list_pages
from twincity.core.widgets import OptionsOnDemand
from twincity.regions.models import Organisation
from twincity.testing import build_second_partnership, build_world, built_once, populate

PERSONAS = ["office", "tf-coord", "lj-coord", "tf-unit", "lj-unit", "leader", "auditor"]


@pytest.fixture(scope="module")
def scene(django_db_setup, django_db_blocker):
    def build():
        return {"world": populate(build_world()), "other": build_second_partnership()}

    with built_once(django_db_blocker, build) as built:
        yield built


def unit_filters(client, world):
    """(url, the unit filter's name) of every list page whose filter bar has a single choice of units."""
    found = []
    for name, with_pk in list_pages():
        url = reverse(name, kwargs={"pk": world.partnership.pk} if with_pk else None)
        response = client.get(url)
        filterset = response.context and response.context.get("filterset")
        if filterset is None:
            continue
        for field_name, field in filterset.form.fields.items():
            queryset = getattr(field, "queryset", None)
            if (
                queryset is not None
                and queryset.model is Organisation
                and type(field) is not forms.ModelMultipleChoiceField
            ):
                found.append((url, field_name))
    return found


def select_of(html: str, name: str) -> str:
    match = re.search(rf'<select name="{name}"[^>]*>.*?</select>', html, re.S)
    assert match, f"no select named {name}"
    return match.group(0)


@pytest.mark.django_db
class TestUnitFilters:
    def test_every_unit_filter_loads_its_options_when_opened(self, client, scene):
        world = scene["world"]
        client.force_login(world.users["office"])
        filters = unit_filters(client, world)
        # the matter list writes its own; the action list, the sheets and two registers get theirs from the widget
        assert {url.split("?")[0] for url, _ in filters} >= {
            reverse("meetings:actions"),
            reverse("supervision:sheet_list"),
        }
        assert len(filters) >= 4, filters
        for url, name in filters:
            html = client.get(url).content.decode()
            select = select_of(html, name)
            assert 'data-options-url="/p/units/options/"' in select, url
            assert 'hx-get="/p/units/options/"' in select, url
            assert 'hx-include="closest form"' in select, url
            assert re.findall(r"<option ", select) == ["<option "], (url, select)  # "All" only
            for unit in (world.tf_dept, world.lj_dept2, world.office_unit):
                assert unit.name not in select, (url, unit.name)

    @pytest.mark.parametrize("persona", PERSONAS)
    def test_the_chosen_unit_is_shown_chosen(self, client, scene, persona):
        world = scene["world"]
        client.force_login(world.users[persona])
        for url, name in unit_filters(client, world):
            joiner = "&" if "?" in url else "?"
            clear_own_cache()
            html = client.get(f"{url}{joiner}{name}={world.lj_dept2.pk}").content.decode()
            select = select_of(html, name)
            options = re.findall(r"<option value=\"(\d*)\"( selected)?>([^<]*)</option>", select)
            assert options == [("", "", "全部"), (str(world.lj_dept2.pk), " selected", world.lj_dept2.name)], (
                url,
                select,
            )
            assert f"&quot;selected&quot;: &quot;{world.lj_dept2.pk}&quot;" in select, url

    def test_another_partnerships_unit_is_never_named(self, client, scene):
        world, other = scene["world"], scene["other"]
        client.force_login(world.users["office"])
        for url, name in unit_filters(client, world):
            joiner = "&" if "?" in url else "?"
            clear_own_cache()
            html = client.get(f"{url}{joiner}{name}={other.tf_dept.pk}").content.decode()
            assert other.tf_dept.name not in html, url
            assert re.findall(r"<option ", select_of(html, name)) == ["<option "], url

    def test_hostile_keys_are_not_read(self, client, scene):
        world = scene["world"]
        client.force_login(world.users["office"])
        for url, name in unit_filters(client, world):
            joiner = "&" if "?" in url else "?"
            for value in ("1 OR 1=1", "-1", "99999999999999999999", "<b>x</b>"):
                clear_own_cache()
                response = client.get(f"{url}{joiner}{name}={value}")
                assert response.status_code == 200, (url, value)
                select = select_of(response.content.decode(), name)
                assert re.findall(r"<option ", select) == ["<option "], (url, value)
                assert "<b>x</b>" not in select

    def test_the_options_keep_the_chosen_one(self, client, scene):
        world = scene["world"]
        client.force_login(world.users["tf-unit"])
        url = reverse("regions:unit_options") + f"?partnership={world.partnership.pk}&selected={world.lj_dept2.pk}"
        html = client.get(url, headers={"HX-Request": "true"}).content.decode()
        assert f'<option value="{world.lj_dept2.pk}" selected>{world.lj_dept2.name}</option>' in html
        assert f'<option value="{world.tf_dept.pk}">{world.tf_dept.name}</option>' in html
        # the matter list's own picker still sends its choice as ``organisation``
        url = reverse("regions:unit_options") + f"?partnership={world.partnership.pk}&organisation={world.tf_dept.pk}"
        html = client.get(url).content.decode()
        assert f'<option value="{world.tf_dept.pk}" selected>' in html


def test_the_widget_renders_no_choice_it_was_not_given():
    widget = OptionsOnDemand("/p/units/options/")
    widget.choices = [("1", "a"), ("2", "b")]  # a plain list: no field, no queryset — nothing is read
    html = widget.render("unit", "2")
    assert "<option" not in html
    assert 'data-options-url="/p/units/options/"' in html
