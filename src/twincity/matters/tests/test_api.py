"""The API as the office's people use it: each persona with their own token, the same rules as the pages."""

import datetime as dt
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from twincity.audit.context import acting
from twincity.audit.models import ObjectChange
from twincity.core.models import Attachment
from twincity.matters import services
from twincity.matters.models import Matter, Milestone, ProgressReport
from twincity.matters.services import OwnerSpec
from twincity.supervision import services as supervision
from twincity.testing import build_world, make_matter

pytestmark = pytest.mark.django_db

LISTS = ["matters", "milestones", "progress-reports", "partnerships", "regions", "organisations"]


@pytest.fixture
def scene(world):
    """A running matter of both sides with a milestone on each side and one Tianfu report."""
    matter = make_matter(world)
    office = world.users["office"]
    with acting(office):
        tf_milestone = services.add_milestone(
            matter, side_id=world.tf.pk, title="完成方案", due_date=dt.date(2020, 6, 1), user=office
        )
        lj_milestone = services.add_milestone(
            matter, side_id=world.lj.pk, title="签署协议", due_date=dt.date(2020, 6, 1), user=office
        )
        report = services.file_progress(
            matter,
            user=world.users["tf-unit"],
            side_id=world.tf.pk,
            period="2020-06",
            text="完成方案",
            percent_complete=40,
        )
    matter.refresh_from_db()
    return {"matter": matter, "tf_milestone": tf_milestone, "lj_milestone": lj_milestone, "report": report}


def detail_urls(scene, world):
    m = scene["matter"]
    return [
        f"/api/matters/{m.pk}/",
        f"/api/milestones/{scene['tf_milestone'].pk}/",
        f"/api/progress-reports/{scene['report'].pk}/",
        f"/api/partnerships/{world.partnership.pk}/",
        f"/api/regions/{world.tf.pk}/",
        f"/api/organisations/{world.tf_dept.pk}/",
    ]


# ------------------------------------------------------------------------------------------------ outsiders


def test_an_outsider_sees_empty_lists_and_a_404_for_every_object(api_as, world, scene):
    client = api_as("outsider")
    for name in LISTS:
        response = client.get(f"/api/{name}/")
        assert response.status_code == 200, name
        assert response.json()["count"] == 0, name
        assert response.json()["results"] == [], name
    for url in detail_urls(scene, world):
        assert client.get(url).status_code == 404, url
    assert client.get("/api/matters/", {"q": "开放门户"}).json()["count"] == 0


def test_an_outsider_cannot_write_to_what_they_cannot_see_and_learns_nothing_from_trying(api_as, world, scene):
    client = api_as("outsider")
    m = scene["matter"]
    assert client.patch(f"/api/matters/{m.pk}/", {"title": "x", "version": m.version}, format="json").status_code == 404
    assert client.post(f"/api/matters/{m.pk}/archive/").status_code == 404
    assert client.post(f"/api/matters/{m.pk}/status/", {"status": "suspended", "version": m.version}).status_code == 404
    close = {"done_date": "2020-06-01", "evidence": "x", "version": 1}
    assert client.post(f"/api/milestones/{scene['tf_milestone'].pk}/close/", close).status_code == 404
    report = {"matter": m.pk, "side": world.tf.pk, "period": "2020-07", "text": "x", "percent_complete": 50}
    response = client.post("/api/progress-reports/", report, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"matter", "side"}
    # The same answer as for an id that does not exist at all: nothing to tell the two apart.
    missing = client.post("/api/progress-reports/", {**report, "matter": 999999, "side": 999999}, format="json")
    assert missing.status_code == 400
    assert set(missing.json()) == {"matter", "side"}
    assert ProgressReport.objects.count() == 1
    assert Matter.objects.get(pk=m.pk).title == m.title


def test_an_outsider_filtering_by_a_partnership_id_gets_no_data(api_as, world, scene):
    response = api_as("outsider").get("/api/matters/", {"partnership": world.partnership.pk})
    assert response.status_code == 400 or response.json()["count"] == 0
    assert "共建内陆开放门户" not in response.content.decode()


def test_the_people_of_another_partnership_see_only_their_own(api_as, world, scene):
    other = build_world(code_prefix="X")
    theirs = make_matter(other, title="别的合作机制的事项")
    client = api_as(other.users["office"])
    body = client.get("/api/matters/").json()
    assert [row["id"] for row in body["results"]] == [theirs.pk]
    for url in detail_urls(scene, world):
        assert client.get(url).status_code == 404, url
    assert client.get("/api/matters/", {"partnership": world.partnership.pk}).status_code == 400


def test_anonymous_callers_are_asked_to_sign_in(client, world, scene):
    for name in LISTS:
        assert client.get(f"/api/{name}/").status_code in (401, 403)
    response = client.get(f"/api/matters/{scene['matter'].pk}/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")


# ------------------------------------------------------------------------------------------------- reading


def test_a_leader_reads_a_matter_with_its_light_and_each_sides_owners_in_rotation_order(api_as, world, scene):
    m = scene["matter"]
    response = api_as("leader").get(f"/api/matters/{m.pk}/")
    assert response.status_code == 200
    data = response.json()
    assert response["ETag"] == f'"{m.version}"'
    assert data["version"] == m.version
    assert data["year"] == 2020
    assert data["code"] == m.code
    assert data["light"] == "red"  # its milestones were due in June 2020
    assert [s["region"] for s in data["sides"]] == [world.tf.pk, world.lj.pk]
    tianfu, liangjiang = data["sides"]
    assert tianfu["percent_complete"] == 40
    assert tianfu["responsible_leader"] == "张主任"
    assert [o["organisation"] for o in tianfu["owners"]] == [world.tf_dept.pk]
    assert [o["organisation"] for o in liangjiang["owners"]] == [world.lj_dept.pk]
    assert data["percent_complete"] == 20


def test_every_member_reads_milestones_and_reports_of_the_whole_partnership(api_as, world, scene):
    for persona in ("office", "tf-coord", "lj-coord", "tf-unit", "lj-unit", "leader", "auditor"):
        client = api_as(persona)
        assert client.get("/api/milestones/").json()["count"] == 2, persona
        reports = client.get("/api/progress-reports/", {"matter": scene["matter"].pk}).json()
        assert [r["id"] for r in reports["results"]] == [scene["report"].pk], persona


def test_the_list_filters_by_year_status_light_and_finds_chinese_words(api_as, world):
    next_year = timezone.localdate().year + 1
    big_data = make_matter(world, title="数字经济合作", description="建设国家级大数据中心")
    later = make_matter(
        world,
        year=next_year,
        title="人才互认",
        start_date=dt.date(next_year, 1, 1),
        due_date=dt.date(next_year, 12, 31),
    )
    proposed = make_matter(world, title="共建开放平台", status="proposed")
    client = api_as("lj-unit")

    def ids(**params):
        response = client.get("/api/matters/", params)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids(q="大数据") == {big_data.pk}
    assert ids(year=next_year) == {later.pk}
    assert ids(year=2020) == {big_data.pk, proposed.pk}
    assert ids(status="proposed") == {proposed.pk}
    assert ids(status=["proposed", "in_progress"]) == {big_data.pk, later.pk, proposed.pk}
    assert ids(light="red") == {big_data.pk}  # due at the end of 2020
    assert ids(light="green") == {later.pk}
    assert ids(light="grey") == {proposed.pk}
    assert ids(partnership=world.partnership.pk, side=world.tf.pk) == {big_data.pk, later.pk, proposed.pk}
    assert client.get("/api/matters/", {"light": "purple"}).status_code == 400


def test_the_matter_list_costs_the_same_number_of_queries_for_3_or_30_matters(api_as, world):
    client = api_as("tf-unit")
    office = world.users["office"]

    def add(n):
        for i in range(n):
            matter = make_matter(world, title=f"合作事项{i}")
            with acting(office):
                services.add_milestone(
                    matter, side_id=world.tf.pk, title="节点", due_date=dt.date(2020, 6, 1), user=office
                )
                services.file_progress(
                    matter, user=office, side_id=world.lj.pk, period="2020-06", text="进展", percent_complete=10
                )

    def cost():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/api/matters/", {"year": 2020})
        assert response.status_code == 200
        return len(ctx.captured_queries), response.json()["count"]

    add(3)
    few, n_few = cost()
    add(27)
    many, n_many = cost()
    assert (n_few, n_many) == (3, 30)
    assert many == few, f"{few} queries for 3 matters, {many} for 30"
    assert few <= 8, f"{few} queries for one page of matters"


# ------------------------------------------------------------------------------------------------- writing


def test_a_leader_reads_but_cannot_edit_a_matter(api_as, world, scene):
    m = scene["matter"]
    client = api_as("leader")
    response = client.patch(f"/api/matters/{m.pk}/", {"title": "领导改的", "version": m.version}, format="json")
    assert response.status_code == 403
    assert client.patch(f"/api/matters/{m.pk}/", {"title": "领导改的"}, format="json").status_code == 403
    milestone = {"matter": m.pk, "side": world.tf.pk, "title": "x", "due_date": "2020-09-01"}
    assert client.post("/api/milestones/", milestone, format="json").status_code == 403
    assert client.post(f"/api/matters/{m.pk}/archive/").status_code == 403
    created = {"partnership": world.partnership.pk, "year": 2020, "title": "领导加的"}
    assert client.post("/api/matters/", created, format="json").status_code == 403
    fresh = Matter.objects.get(pk=m.pk)
    assert (fresh.title, fresh.version, fresh.archived_at) == (m.title, m.version, None)
    assert Milestone.objects.filter(matter=m).count() == 2


def test_a_coordinator_cannot_edit_a_matter_its_side_is_not_party_to(api_as, world):
    liangjiang_only = make_matter(
        world, title="两江自己的事项", owners=[OwnerSpec(world.lj_dept)], leaders={world.lj.pk: "李主任"}
    )
    client = api_as("tf-coord")
    assert client.get(f"/api/matters/{liangjiang_only.pk}/").status_code == 200  # every member reads it
    response = client.patch(
        f"/api/matters/{liangjiang_only.pk}/", {"title": "天府改的", "version": liangjiang_only.version}, format="json"
    )
    assert response.status_code == 403
    assert Matter.objects.get(pk=liangjiang_only.pk).title == "两江自己的事项"
    ok = api_as("lj-coord").patch(
        f"/api/matters/{liangjiang_only.pk}/", {"title": "两江改的", "version": liangjiang_only.version}, format="json"
    )
    assert ok.status_code == 200
    assert ok.json()["title"] == "两江改的"


def test_a_coordinator_edits_a_matter_of_its_side_and_the_change_is_attributed_to_them(api_as, world, scene):
    m = scene["matter"]
    response = api_as("tf-coord").patch(
        f"/api/matters/{m.pk}/",
        {
            "title": "共建内陆开放门户（修订）",
            "version": m.version,
            "owners": [
                {"organisation": world.tf_dept.pk, "role": "lead"},
                {"organisation": world.tf_dept2.pk, "role": "support"},
                {"organisation": world.lj_dept.pk, "role": "lead"},
            ],
            "leaders": [{"region": world.tf.pk, "name": "王主任"}],
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["title"] == "共建内陆开放门户（修订）"
    assert data["version"] == m.version + 1
    assert response["ETag"] == f'"{m.version + 1}"'
    tianfu = data["sides"][0]
    assert tianfu["responsible_leader"] == "王主任"
    assert {(o["organisation"], o["role"]) for o in tianfu["owners"]} == {
        (world.tf_dept.pk, "lead"),
        (world.tf_dept2.pk, "support"),
    }
    change = ObjectChange.objects.filter(
        changed_object_type=ContentType.objects.get_for_model(Matter),
        changed_object_id=m.pk,
        postchange_data__title="共建内陆开放门户（修订）",
    ).get()
    assert change.user == world.users["tf-coord"]


def test_two_people_editing_from_the_same_version_the_second_is_refused_and_nothing_is_overwritten(
    api_as, world, scene
):
    m = scene["matter"]
    office, coordinator = api_as("office"), api_as("tf-coord")
    seen = coordinator.get(f"/api/matters/{m.pk}/").json()["version"]
    first = office.patch(f"/api/matters/{m.pk}/", {"title": "办公室的标题", "version": seen}, format="json")
    assert first.status_code == 200
    second = coordinator.patch(
        f"/api/matters/{m.pk}/", {"title": "协调人的标题", "goal": "新目标", "version": seen}, format="json"
    )
    assert second.status_code == 409
    body = second.json()
    assert body["current_version"] == seen + 1
    assert body["your_version"] == seen
    assert body["conflicting_fields"] == ["title"]
    assert "title" in body["changed_fields"]
    assert body["current"]["title"] == "办公室的标题"
    assert str(seen + 1) in body["detail"]
    fresh = Matter.objects.get(pk=m.pk)
    assert (fresh.title, fresh.goal, fresh.version) == ("办公室的标题", m.goal, seen + 1)


def test_an_update_that_does_not_say_which_version_it_edited_is_refused(api_as, world, scene):
    m = scene["matter"]
    client = api_as("office")
    response = client.patch(f"/api/matters/{m.pk}/", {"title": "没有版本"}, format="json")
    assert response.status_code == 428
    assert response.json()["detail"]
    assert Matter.objects.get(pk=m.pk).title == m.title
    status_change = client.post(f"/api/matters/{m.pk}/status/", {"status": "suspended"})
    assert status_change.status_code == 428
    close = {"done_date": "2020-06-01", "evidence": "方案已印发"}
    assert client.post(f"/api/milestones/{scene['tf_milestone'].pk}/close/", close).status_code == 428
    assert Matter.objects.get(pk=m.pk).status == "in_progress"


def test_the_version_may_come_as_an_if_match_header(api_as, world, scene):
    m = scene["matter"]
    client = api_as("office")
    etag = client.get(f"/api/matters/{m.pk}/")["ETag"]
    ok = client.patch(f"/api/matters/{m.pk}/", {"title": "按版本修改"}, format="json", HTTP_IF_MATCH=etag)
    assert ok.status_code == 200
    assert ok.json()["version"] == m.version + 1
    stale = client.patch(f"/api/matters/{m.pk}/", {"title": "旧版本"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 409
    mixed = client.patch(
        f"/api/matters/{m.pk}/", {"title": "x", "version": m.version + 1}, format="json", HTTP_IF_MATCH=etag
    )
    assert mixed.status_code == 400
    assert Matter.objects.get(pk=m.pk).title == "按版本修改"


def test_the_office_adds_a_matter_and_gets_it_back_with_its_sides(api_as, world):
    response = api_as("office").post(
        "/api/matters/",
        {
            "partnership": world.partnership.pk,
            "year": 2021,
            "title": "共建国家战略能源和应急物资储备基地",
            "field": world.field.pk,
            "start_date": "2021-01-01",
            "due_date": "2021-12-31",
            "owners": [{"organisation": world.lj_dept.pk}, {"organisation": world.tf_dept.pk}],
            "leaders": [{"region": world.lj.pk, "name": "李主任"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["year"] == 2021
    assert data["code"] == "2021-01"
    assert data["status"] == "proposed"
    assert [s["region"] for s in data["sides"]] == [world.tf.pk, world.lj.pk]
    assert data["sides"][1]["responsible_leader"] == "李主任"
    assert (
        ObjectChange.objects.filter(changed_object_id=data["id"], action="create").first().user == world.users["office"]
    )


def test_a_matter_cannot_take_a_field_or_units_of_a_partnership_the_user_cannot_see(api_as, world):
    other = build_world(code_prefix="X")
    response = api_as("office").post(
        "/api/matters/",
        {
            "partnership": world.partnership.pk,
            "year": 2021,
            "title": "越界",
            "field": other.field.pk,
            "owners": [{"organisation": other.tf_dept.pk}],
        },
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"field", "owners"}
    assert not Matter.objects.filter(title="越界").exists()


def test_a_coordinator_cannot_add_a_matter_only_the_other_side_owns(api_as, world):
    response = api_as("tf-coord").post(
        "/api/matters/",
        {
            "partnership": world.partnership.pk,
            "year": 2021,
            "title": "只有两江",
            "owners": [{"organisation": world.lj_dept.pk}],
        },
        format="json",
    )
    assert response.status_code == 403
    assert not Matter.objects.filter(title="只有两江").exists()


def test_the_workflow_moves_through_the_api_and_completion_needs_a_leader(api_as, world, scene):
    m = scene["matter"]
    coordinator = api_as("tf-coord")
    refused = coordinator.post(f"/api/matters/{m.pk}/status/", {"status": "completed", "version": m.version})
    assert refused.status_code == 403
    invalid = coordinator.post(f"/api/matters/{m.pk}/status/", {"status": "proposed", "version": m.version})
    assert invalid.status_code == 400
    assert invalid.json()["non_field_errors"]
    no_opinion = api_as("leader").post(f"/api/matters/{m.pk}/status/", {"status": "completed", "version": m.version})
    assert no_opinion.status_code == 400
    assert "reason" in no_opinion.json()
    case = supervision.case_of(m)
    for side in case.sides.all():  # every owning side reports its part first
        supervision.report_completion(case, side, user=world.users["office"], note="已完成")
    confirmed = api_as("leader").post(
        f"/api/matters/{m.pk}/status/", {"status": "completed", "reason": "验收通过", "version": m.version}
    )
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["status"] == "completed"
    assert confirmed.json()["light"] == "grey"


def test_the_office_archives_a_matter_which_then_leaves_the_list(api_as, world, scene):
    m = scene["matter"]
    client = api_as("office")
    response = client.post(f"/api/matters/{m.pk}/archive/")
    assert response.status_code == 200
    assert response.json()["archived_at"]
    assert client.get("/api/matters/").json()["count"] == 0
    assert client.get("/api/matters/", {"archived": "true"}).json()["count"] == 1
    assert client.get(f"/api/matters/{m.pk}/").status_code == 200  # still on record
    assert client.delete(f"/api/matters/{m.pk}/").status_code == 405


# ------------------------------------------------------------------------------------- milestones, reports


def test_a_unit_contact_files_progress_for_its_own_side_but_not_for_the_other(api_as, world, scene):
    m = scene["matter"]
    client = api_as("tf-unit")
    own = client.post(
        "/api/progress-reports/",
        {"matter": m.pk, "side": world.tf.pk, "period": "2020-07", "text": "方案已报批", "percent_complete": 60},
        format="json",
    )
    assert own.status_code == 201, own.content
    data = own.json()
    assert (data["organisation"], data["author"], data["percent_complete"]) == (world.tf_dept.pk, "tf-unit", 60)
    other = client.post(
        "/api/progress-reports/",
        {"matter": m.pk, "side": world.lj.pk, "period": "2020-07", "text": "替两江报", "percent_complete": 90},
        format="json",
    )
    assert other.status_code == 403
    speaking_for_them = client.post(
        "/api/progress-reports/",
        {
            "matter": m.pk,
            "side": world.lj.pk,
            "organisation": world.lj_dept.pk,
            "period": "2020-07",
            "text": "冒名",
            "percent_complete": 90,
        },
        format="json",
    )
    assert speaking_for_them.status_code == 403
    assert set(ProgressReport.objects.values_list("text", flat=True)) == {"完成方案", "方案已报批"}
    assert api_as("office").get(f"/api/matters/{m.pk}/").json()["sides"][0]["percent_complete"] == 60


def test_a_report_carries_its_attachments_and_a_file_of_the_wrong_type_saves_nothing(api_as, world, scene):
    m = scene["matter"]
    client = api_as("tf-unit")
    pdf = SimpleUploadedFile("方案.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = client.post(
        "/api/progress-reports/",
        {
            "matter": m.pk,
            "side": world.tf.pk,
            "period": "2020-08",
            "text": "附方案",
            "percent_complete": 70,
            "files": [pdf],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    [attachment] = response.json()["attachments"]
    assert attachment["name"] == "方案.pdf"
    assert attachment["url"].endswith(f"/files/{attachment['id']}/")
    listed = client.get("/api/progress-reports/", {"matter": m.pk}).json()["results"]
    assert [len(r["attachments"]) for r in listed] == [1, 0]
    exe = io.BytesIO(b"MZ...")
    exe.name = "tool.exe"
    refused = client.post(
        "/api/progress-reports/",
        {
            "matter": m.pk,
            "side": world.tf.pk,
            "period": "2020-09",
            "text": "带病毒",
            "percent_complete": 80,
            "files": [exe],
        },
        format="multipart",
    )
    assert refused.status_code == 400
    assert not ProgressReport.objects.filter(period="2020-09").exists()
    assert Attachment.objects.count() == 1


def test_a_unit_contact_closes_a_milestone_of_its_side_but_not_one_of_the_other(api_as, world, scene):
    client = api_as("tf-unit")
    tf_ms, lj_ms = scene["tf_milestone"], scene["lj_milestone"]
    payload = {"done_date": "2020-06-01", "evidence": "方案已印发"}
    refused = client.post(f"/api/milestones/{lj_ms.pk}/close/", {**payload, "version": lj_ms.version})
    assert refused.status_code == 403
    closed = client.post(f"/api/milestones/{tf_ms.pk}/close/", {**payload, "version": tf_ms.version})
    assert closed.status_code == 200, closed.content
    assert closed.json()["done_date"] == "2020-06-01"
    assert closed.json()["is_open"] is False
    again = client.post(f"/api/milestones/{tf_ms.pk}/close/", {**payload, "version": tf_ms.version})
    assert again.status_code == 409
    assert again.json()["current_version"] == tf_ms.version + 1
    assert Milestone.objects.get(pk=lj_ms.pk).done_date is None


def test_a_coordinator_adds_a_milestone_to_its_sides_matter(api_as, world, scene):
    m = scene["matter"]
    response = api_as("lj-coord").post(
        "/api/milestones/", {"matter": m.pk, "side": world.lj.pk, "title": "联合发布", "due_date": "2020-11-30"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["side"] == world.lj.pk
    assert response.json()["is_open"] is True
    open_lj = api_as("leader").get("/api/milestones/", {"matter": m.pk, "side": world.lj.pk, "open": "true"}).json()
    assert {row["title"] for row in open_lj["results"]} == {"签署协议", "联合发布"}


# ------------------------------------------------------------------------------------------ schema and docs


def test_the_openapi_schema_generates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    assert "/api/matters/{id}/status/" in (tmp_path / "schema.yml").read_text()


def test_the_schema_answers_a_signed_in_user_and_not_an_anonymous_one(api_as, client, world):
    response = api_as("leader").get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert "/api/progress-reports/" in response.json()["paths"]
    assert client.get("/api/schema/").status_code in (401, 403)


def test_the_docs_page_needs_a_sign_in_and_loads_only_scripts_of_this_site(client_as, client, world):
    anonymous = client.get("/api/docs/")
    assert anonymous.status_code == 302
    assert "/accounts/login/" in anonymous["Location"]
    response = client_as("tf-unit").get("/api/docs/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    scripts = [chunk.split(">", 1)[0] for chunk in body.split("<script")[1:]]
    assert scripts
    assert all('src="/static/' in tag for tag in scripts), scripts  # no inline script, no CDN
    assert "<style" not in body
    assert "//cdn" not in body
    for asset in (
        "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
        "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css",
        "twincity/api-docs.js",
    ):
        assert f"/static/{asset}" in body
        assert finders.find(asset), f"{asset} is not installed with the app"
