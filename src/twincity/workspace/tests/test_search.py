"""The one search box: matters, meetings, actions and the entries of every register, through the door."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from twincity.matters.models import Matter
from twincity.testing import (
    MEMBERS,
    PERSONAS,
    build_second_partnership,
    build_world,
    built_once,
    make_matter,
    populate,
)
from twincity.workspace.search import register_declarations, search_everything

URL = reverse("workspace:search")


def _scene():
    w = populate(build_world())
    w.other = build_second_partnership()
    r = w.registers
    # What each kind's search should find, by one of its own words: (group key, the object).
    w.findable = {
        "matters": w.matter,
        "actions": w.action,
        "sessions": w.session,
        "series": w.series,
        "petitions.petition": r["petitions"]["petition"],
        "agreements.agreement": r["agreements"]["agreement"],
        "visits.visit": r["visits"]["visit"],
        "exchanges.secondment": r["exchanges"]["secondment"],
        "policies.policy": r["policies"]["policy"],
        "siting.sitingcase": r["siting"]["case"],
    }
    return w


@pytest.fixture(scope="class")
def scene(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker, _scene) as built:
        yield built


def _words(key, obj) -> str:
    if key == "sessions":
        return obj.series.name
    if key == "series":
        return obj.name
    return obj.title


@pytest.mark.django_db
class TestSearch:
    def test_every_register_is_a_source(self, scene):
        keys = {f"{d.model._meta.app_label}.{d.model._meta.model_name}" for d in register_declarations()}
        assert {k for k in scene.findable if "." in k} <= keys

    @pytest.mark.parametrize("persona", sorted(PERSONAS))
    def test_each_kind_is_found_by_members_of_its_partnership_only(self, client, scene, persona):
        client.force_login(scene.users[persona])
        for key, obj in scene.findable.items():
            response = client.get(URL, {"q": _words(key, obj)})
            assert response.status_code == 200
            body = response.content.decode()
            own = obj.get_absolute_url()
            groups = {g.key: g for g in response.context["groups"]}
            if persona in MEMBERS:
                assert key in groups, (persona, key)
                assert own in [h.url for h in groups[key].hits], (persona, key)
                assert f'href="{own}"' in body
            else:
                assert groups == {}, (persona, key)
                assert "search-nothing" in body
            # The same titles exist in the second partnership: none of its rows reach this one's members.
            if persona in MEMBERS:
                assert not [
                    h for g in response.context["groups"] for h in g.hits if h.url in self._other_urls(scene)
                ], (persona, key)

    def _other_urls(self, scene):
        o = scene.other
        return {
            o.matter.get_absolute_url(),
            o.action.get_absolute_url(),
            o.session.get_absolute_url(),
            o.series.get_absolute_url(),
            *(entry.get_absolute_url() for app in o.registers.values() for entry in _entries(app)),
        }

    def test_the_other_partnerships_member_finds_only_theirs(self, client, scene):
        client.force_login(scene.other.users["office"])
        response = client.get(URL, {"q": scene.matter.title})
        hits = [h.url for g in response.context["groups"] for h in g.hits]
        assert scene.other.matter.get_absolute_url() in hits
        assert scene.matter.get_absolute_url() not in hits

    def test_groups_count_and_lead_to_the_list_filtered_by_the_query(self, client, scene):
        client.force_login(scene.users["office"])
        response = client.get(URL, {"q": scene.matter.title})
        (matters,) = [g for g in response.context["groups"] if g.key == "matters"]
        assert matters.count == Matter.objects.filter(partnership=scene.partnership, title=scene.matter.title).count()
        assert matters.more_url.startswith(reverse("matters:list") + "?q=")
        listed = client.get(matters.more_url)
        assert listed.status_code == 200
        assert scene.matter.code in listed.content.decode()
        sessions = client.get(reverse("meetings:index"), {"q": scene.series.name})
        assert sessions.status_code == 200
        assert sessions.context["filterset"].qs.filter(pk=scene.session.pk).exists()
        assert not client.get(reverse("meetings:index"), {"q": "不存在的会议名称"}).context["filterset"].qs.exists()

    def test_an_empty_or_wordless_query_searches_nothing(self, client, scene):
        client.force_login(scene.users["office"])
        for q in ("", "   ", "!!!"):
            response = client.get(URL, {"q": q})
            assert response.status_code == 200
            assert response.context["groups"] == []

    def test_the_top_bar_search_box_leads_here(self, client, scene):
        client.force_login(scene.users["leader"])
        body = client.get(reverse("workspace:my_work")).content.decode()
        assert f'action="{URL}"' in body

    def test_strangers_are_asked_to_sign_in(self, client):
        assert client.get(URL, {"q": "开放"})["Location"].startswith(reverse("login"))

    def test_the_query_count_does_not_grow_with_the_hits(self, scene):
        user = scene.users["office"]
        search_everything(user, "开放")  # warm the per-user caches (memberships)
        with CaptureQueriesContext(connection) as few:
            small = search_everything(user, scene.matter.title)
        for i in range(12):
            populate_more(scene, i)
        with CaptureQueriesContext(connection) as many:
            large = search_everything(user, scene.matter.title)
        assert sum(g.count for g in large) > sum(g.count for g in small)
        assert len(many.captured_queries) == len(few.captured_queries)
        assert len(many.captured_queries) <= 2 * (4 + len(register_declarations())) + 2


def populate_more(scene, i):
    make_matter(scene, title=scene.matter.title)


def _entries(app_scene):
    return [v for k, v in app_scene.items() if k != "world" and hasattr(v, "get_absolute_url")]
