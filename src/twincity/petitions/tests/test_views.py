"""The register's pages as people use them: list with search and filters, the request's page, its workflow."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from twincity.petitions.choices import PetitionStatus
from twincity.petitions.models import Petition, PetitionSide
from twincity.petitions.tests.test_services import make_petition
from twincity.testkit import assert_page, unchanged

pytestmark = pytest.mark.django_db


def test_the_list_finds_requests_by_chinese_words_and_status(world, client_as):
    make_petition(world)
    make_petition(world, title="参与全国一体化大数据中心建设试点", target_authority="国家发展改革委")
    client = client_as("leader")
    url = reverse("petitions:petition_list") + f"?partnership={world.partnership.pk}"
    body = client.get(url + "&q=大数据中心").content.decode()
    assert "大数据中心建设试点" in body
    assert "内陆开放门户" not in body
    body = client.get(url + "&status=submitted", headers={"HX-Request": "true"}).content.decode()
    assert "大数据中心" not in body
    assert "<html" not in body


def test_the_list_takes_constant_queries(world, client_as):
    for i in range(3):
        make_petition(world, title=f"事项{i}")
    client = client_as("office")
    url = reverse("petitions:petition_list") + f"?partnership={world.partnership.pk}"
    few = assert_page(client, url, contains=["事项0", "事项2"], warm=True)
    for i in range(20):
        make_petition(world, title=f"新增请示{i}")
    many = assert_page(client, url, contains=["事项1", "新增请示0", "新增请示19"])
    assert many.queries == few.queries


def test_both_sides_endorse_on_the_page_then_the_office_submits(world, client_as):
    petition = make_petition(world)
    page = reverse("petitions:petition", args=[petition.pk])
    tf_half, lj_half = petition.sides.order_by("pk")
    client = client_as("tf-coord")
    body = client.get(page).content.decode()
    assert f'data-endorse="{world.tf.code}"' in body
    assert f'data-endorse="{world.lj.code}"' not in body
    with unchanged(Petition, PetitionSide):  # not its side's word
        assert client.post(reverse("petitions:endorse", args=[lj_half.pk])).status_code == 404
    client.post(reverse("petitions:endorse", args=[tf_half.pk]))
    client = client_as("lj-coord")
    client.post(reverse("petitions:endorse", args=[lj_half.pk]))
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.ENDORSED
    response = client.post(
        reverse("petitions:submit", args=[petition.pk]), {"submitted_on": "2020-07-01", "channel": "joint_letter"}
    )
    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.SUBMITTED
    assert petition.submitted_on == dt.date(2020, 7, 1)


def test_submitting_before_both_endorsements_says_why_and_changes_nothing(world, client_as):
    petition = make_petition(world)
    client = client_as("office")
    response = client.post(
        reverse("petitions:submit", args=[petition.pk]),
        {"submitted_on": "2020-07-01", "channel": "joint_letter"},
        follow=True,
    )
    assert "尚未确认" in response.content.decode()
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.DRAFTING


def test_adding_and_editing_through_the_forms(world, client_as):
    client = client_as("tf-coord")
    response = client.post(
        reverse("petitions:petition_add") + f"?partnership={world.partnership.pk}",
        {
            "version": 0,
            "year": 2020,
            "title": "开展现代服务业开放试点",
            "target_authority": "商务部",
            "drafting_units": [world.tf_dept.pk, world.lj_dept.pk],
            "text": "联合申请",
        },
    )
    petition = Petition.objects.get(title="开展现代服务业开放试点")
    assert response.status_code == 302
    assert response["Location"] == petition.get_absolute_url()
    edit = reverse("petitions:petition_edit", args=[petition.pk])
    data = {"version": 1, "year": 2020, "title": "开展现代服务业扩大开放试点", "target_authority": "商务部"}
    assert client.post(edit, data).status_code == 302
    stale = client_as("lj-coord").post(edit, {**data, "title": "别的标题"})
    assert stale.status_code == 409
    petition.refresh_from_db()
    assert petition.title == "开展现代服务业扩大开放试点"


def test_a_follow_up_matter_is_created_from_the_page_and_shows_its_state(world, client_as):
    petition = make_petition(world)
    client = client_as("office")
    url = reverse("registers:follow_up", args=["petitions.petition", petition.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"title": "编制指导规划", "year": 2020, f"units_{world.tf.pk}": [world.tf_dept.pk], f"units_{world.lj.pk}": []},
    )
    assert response.status_code == 302
    body = client.get(petition.get_absolute_url()).content.decode()
    assert "编制指导规划" in body
    assert "tc-follow-up" in body
    assert client_as("leader").get(url).status_code == 404


def test_export_then_import_round_trips_and_a_bad_row_changes_nothing(world, client_as):
    make_petition(world, code="2020-01")
    client = client_as("office")
    exported = client.get(reverse("petitions:petition_export") + f"?partnership={world.partnership.pk}")
    assert exported.status_code == 200
    wb = load_workbook(io.BytesIO(exported.content))
    ws = wb.active
    assert ws["A1"].value == "编号"
    assert ws["A3"].value == "2020-01"
    ws.append(["", 2020, "新的争取事项", "开放", "国家发展改革委", world.tf_dept.name])
    ws.append(["", "二〇二〇", "年度写错的事项", "开放", "国家发展改革委", ""])
    out = io.BytesIO()
    wb.save(out)
    url = reverse("petitions:petition_import") + f"?partnership={world.partnership.pk}"
    upload = SimpleUploadedFile("p.xlsx", out.getvalue())
    response = client.post(url, {"file": upload, "partnership": world.partnership.pk})
    assert response.status_code == 400
    assert "不是整数" in response.content.decode()
    assert not Petition.objects.filter(title="新的争取事项").exists()
    ws.delete_rows(ws.max_row)
    out = io.BytesIO()
    wb.save(out)
    response = client.post(
        url, {"file": SimpleUploadedFile("p.xlsx", out.getvalue()), "partnership": world.partnership.pk}
    )
    assert response.status_code == 302
    assert Petition.objects.filter(title="新的争取事项").count() == 1
