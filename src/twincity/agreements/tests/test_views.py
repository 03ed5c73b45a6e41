"""The register's pages as people use them: the list with search and filters, the agreement's page with
its parties, obligations and follow-up matters, the forms, the workflow steps, the dashboard and uploads."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from twincity.agreements import services
from twincity.agreements.choices import AgreementStatus
from twincity.agreements.models import Agreement, Obligation
from twincity.agreements.services import PartySpec
from twincity.agreements.tests.helpers import make_agreement
from twincity.audit.context import acting
from twincity.audit.models import AuditEvent
from twincity.core.models import Attachment
from twincity.matters.models import Matter
from twincity.testkit import assert_page, unchanged

pytestmark = pytest.mark.django_db

D = dt.date


def list_url(world, query: str = "") -> str:
    return reverse("agreements:agreement_list") + f"?partnership={world.partnership.pk}{query}"


def education(world, **fields):
    return make_agreement(
        world,
        title="打造教育高地战略合作协议",
        topic="教育",
        parties=[PartySpec(world.tf_dept2), PartySpec(world.lj_dept2)],
        **fields,
    )


def test_the_list_finds_agreements_by_chinese_words_party_and_state(world, client_as):
    make_agreement(world, expires_on=D(2021, 5, 31))  # past its date: expired, though nobody recorded it
    education(world, expires_on=None)
    client = client_as("leader")
    body = client.get(list_url(world, "&q=教育高地")).content.decode()
    assert "打造教育高地" in body
    assert "市场监管一体化" not in body
    body = client.get(list_url(world, f"&unit={world.lj_dept.pk}")).content.decode()
    assert "市场监管一体化" in body
    assert "打造教育高地" not in body
    body = client.get(list_url(world, "&state=expired"), headers={"HX-Request": "true"}).content.decode()
    assert "市场监管一体化" in body
    assert "打造教育高地" not in body
    assert "<html" not in body
    body = client.get(list_url(world, "&state=in_force")).content.decode()
    assert "打造教育高地" in body
    assert "市场监管一体化" not in body


def test_the_list_shows_what_is_due_for_renewal(world, client_as):
    today = timezone.localdate()
    make_agreement(world, expires_on=today + dt.timedelta(days=30))
    education(world, expires_on=today + dt.timedelta(days=200))
    body = client_as("tf-unit").get(list_url(world, "&expiring=90")).content.decode()
    assert "市场监管一体化" in body
    assert "打造教育高地" not in body


def test_the_list_takes_constant_queries(world, client_as):
    for i in range(3):
        make_agreement(world, title=f"协议{i}")
    client = client_as("office")
    few = assert_page(client, list_url(world), queries=18, contains=["协议0", "协议2"], warm=True)
    for i in range(20):
        make_agreement(world, title=f"补充合作{i}")
    assert_page(client, list_url(world), queries=few.queries, contains=["协议1", "补充合作0", "补充合作19"])


def test_the_agreement_page_shows_parties_state_and_obligations_with_their_matters(world, client_as):
    agreement = make_agreement(world, expires_on=D(2021, 5, 31))
    office = world.users["office"]
    with acting(office):
        obligation = services.add_obligation(agreement, user=office, text="建立执法协作机制", side=world.tf)
        matter = services.follow_up_obligation(obligation, user=office, year=2020)
    body = client_as("auditor").get(agreement.get_absolute_url()).content.decode()
    assert 'data-state="expired"' in body
    assert "张局长" in body
    assert f'id="obligation-{obligation.pk}"' in body
    assert f'data-matter="{matter.code}"' in body
    assert 'id="record-lapse"' not in body
    assert "data-follow-up" not in body


def test_a_coordinator_sees_steps_for_their_own_sides_obligation_only(world, client_as):
    agreement = make_agreement(world)
    office = world.users["office"]
    with acting(office):
        tf = services.add_obligation(agreement, user=office, text="天府任务", side=world.tf)
        lj = services.add_obligation(agreement, user=office, text="两江任务", side=world.lj)
    body = client_as("lj-coord").get(agreement.get_absolute_url()).content.decode()
    assert reverse("agreements:obligation_edit", args=[lj.pk]) in body
    assert reverse("agreements:obligation_edit", args=[tf.pk]) not in body
    assert reverse("registers:follow_up", args=["agreements.obligation", tf.pk]) not in body


def test_adding_and_editing_through_the_forms(world, client_as):
    client = client_as("tf-coord")
    add = reverse("agreements:agreement_add") + f"?partnership={world.partnership.pk}"
    data = {
        "version": 0,
        "title": "人力资源合作战略合作协议",
        "topic": "人力资源",
        "signed_on": "2020-05-20",
        "term_years": 3,
        "party_0_unit": world.tf_dept.pk,
        "party_0_post": "局长",
        "party_1_unit": world.lj_dept.pk,
    }
    response = client.post(add, data)
    agreement = Agreement.objects.get(title="人力资源合作战略合作协议")
    assert response.status_code == 302
    assert response["Location"] == agreement.get_absolute_url()
    assert agreement.expires_on == D(2023, 5, 19)
    assert agreement.parties.get(side=world.tf).signatory_post == "局长"
    edit = reverse("agreements:agreement_edit", args=[agreement.pk])
    assert client.get(edit).status_code == 200
    data = {
        "version": 1,
        "title": "人力资源合作协议",
        "topic": "人力资源",
        "signed_on": "2020-05-20",
        "expires_on": "2023-05-19",
        "party_0_unit": world.tf_dept.pk,
        "party_0_post": "局长",
        "party_1_unit": world.lj_dept.pk,
    }
    assert client.post(edit, data).status_code == 302
    stale = client_as("lj-coord").post(edit, {**data, "title": "别的标题"})
    assert stale.status_code == 409
    agreement.refresh_from_db()
    assert agreement.title == "人力资源合作协议"


def test_a_form_with_one_side_only_says_why_and_saves_nothing(world, client_as):
    client = client_as("office")
    add = reverse("agreements:agreement_add") + f"?partnership={world.partnership.pk}"
    data = {"version": 0, "title": "单方协议", "party_0_unit": world.tf_dept.pk, "party_1_unit": world.tf_dept2.pk}
    response = client.post(add, data)
    assert response.status_code == 200
    assert "至少" in response.content.decode() or "at least two" in response.content.decode()
    assert not Agreement.objects.exists()


def test_the_other_sides_party_cannot_be_changed_through_the_form(world, client_as):
    agreement = make_agreement(world)
    data = {
        "version": agreement.version,
        "title": agreement.title,
        "party_0_unit": world.tf_dept.pk,
        "party_0_post": "局长",
        "party_0_signatory": "王局长",  # Tianfu's signatory, changed by Liangjiang's coordinator
        "party_1_unit": world.lj_dept.pk,
        "party_1_post": "局长",
        "party_1_signatory": "李局长",
    }
    response = client_as("lj-coord").post(reverse("agreements:agreement_edit", args=[agreement.pk]), data)
    assert response.status_code == 200
    assert agreement.parties.get(side=world.tf).signatory == "张局长"


def test_renewal_and_termination_through_the_page(world, client_as):
    agreement = make_agreement(world, expires_on=D(2021, 5, 31))
    client = client_as("lj-coord")
    page = agreement.get_absolute_url()
    assert 'id="record-lapse"' in client.get(page).content.decode()
    response = client.post(reverse("agreements:renew", args=[agreement.pk]), {"new_expires_on": "2024-05-31"})
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.expires_on == D(2024, 5, 31)
    response = client.post(reverse("agreements:terminate", args=[agreement.pk]), {"terminated_on": "2021-09-01"})
    assert response.status_code == 302
    assert Agreement.objects.get().status == AgreementStatus.IN_FORCE  # no reason given: nothing happened
    client.post(reverse("agreements:terminate", args=[agreement.pk]), {"terminated_on": "2021-09-01", "reason": "合并"})
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.TERMINATED
    body = client.get(page).content.decode()
    assert 'data-state="terminated"' in body
    assert "合并" in body
    assert 'id="renew"' not in body


def test_renewing_with_both_a_date_and_a_successor_is_refused_with_the_reason(world, client_as):
    agreement = make_agreement(world)
    successor = education(world)
    client = client_as("office")
    response = client.post(
        reverse("agreements:renew", args=[agreement.pk]),
        {"new_expires_on": "2024-05-31", "successor": successor.pk},
        follow=True,
    )
    assert "续签" in response.content.decode() or "either a new expiry date" in response.content.decode()
    assert Agreement.objects.get(pk=agreement.pk).expires_on == D(2023, 5, 31)
    client.post(reverse("agreements:renew", args=[agreement.pk]), {"successor": successor.pk})
    agreement.refresh_from_db()
    assert (agreement.status, agreement.renewed_by) == (AgreementStatus.RENEWED, successor)
    assert agreement.get_absolute_url() in client.get(successor.get_absolute_url()).content.decode()


def test_obligations_are_recorded_edited_and_archived_on_the_page(world, client_as):
    agreement = make_agreement(world)
    client = client_as("tf-coord")
    client.post(
        reverse("agreements:add_obligation", args=[agreement.pk]),
        {"organisation": world.tf_dept.pk, "text": "建立执法协作机制", "due_date": "2020-12-31"},
    )
    refused = client.post(reverse("agreements:add_obligation", args=[agreement.pk]), {"side": world.lj.pk, "text": "x"})
    assert refused.status_code == 302
    obligation = Obligation.objects.get()
    assert (obligation.side, obligation.due_date) == (world.tf, D(2020, 12, 31))
    response = client.post(
        reverse("agreements:obligation_edit", args=[obligation.pk]), {"version": 1, "text": "建立执法协作与通报机制"}
    )
    assert response["Location"].endswith(f"#obligation-{obligation.pk}")
    stale = client.post(
        reverse("agreements:obligation_edit", args=[obligation.pk]), {"version": 1, "text": "旧版"}, follow=True
    )
    assert "建立执法协作与通报机制" in stale.content.decode()
    assert Obligation.objects.get().text == "建立执法协作与通报机制"
    other_side = client_as("lj-coord").post(reverse("agreements:obligation_archive", args=[obligation.pk]))
    assert other_side.status_code == 404
    assert not Obligation.objects.get().is_archived
    client_as("tf-coord").post(reverse("agreements:obligation_archive", args=[obligation.pk]))
    assert Obligation.objects.get().is_archived


def test_an_obligation_becomes_a_matter_through_the_shared_follow_up_page(world, client_as):
    agreement = make_agreement(world)
    office = world.users["office"]
    with acting(office):
        obligation = services.add_obligation(
            agreement, user=office, text="实现企业登记信息互查", side=world.lj, due_date=D(2020, 12, 31)
        )
    url = reverse("registers:follow_up", args=["agreements.obligation", obligation.pk])
    assert client_as("tf-coord").get(url).status_code == 404  # the other side's obligation
    client = client_as("lj-coord")
    response = client.post(
        url, {"title": "实现企业登记信息互查", "year": 2020, f"units_{world.lj.pk}": [world.lj_dept.pk]}
    )
    assert response.status_code == 302
    assert response["Location"] == obligation.get_absolute_url()
    matter = Matter.objects.get()
    assert matter.field == agreement.field
    # The page went through the register's own service: the matter says what it carries out, and by when.
    assert "实现企业登记信息互查" in matter.description
    assert matter.due_date == D(2020, 12, 31)
    body = client.get(agreement.get_absolute_url()).content.decode()
    assert f'data-matter="{matter.code}"' in body


def test_the_signed_document_is_uploaded_checked_and_withdrawn_on_the_page(world, client_as, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    agreement = make_agreement(world)
    client = client_as("tf-coord")
    upload = reverse("registers:upload", args=["agreements.agreement", agreement.pk])  # the shared page, our rules
    client.post(upload, {"file": SimpleUploadedFile("清单.xlsx", b"PK\x03\x04 workbook")})
    assert not Attachment.objects.exists()
    client.post(upload, {"file": SimpleUploadedFile("协议正本.pdf", b"%PDF-1.4 signed")})
    document = Attachment.objects.get()
    assert AuditEvent.objects.filter(verb="agreement.document_attached").exists()
    body = client_as("leader").get(agreement.get_absolute_url()).content.decode()
    assert reverse("core:attachment", args=[document.pk]) in body
    assert "协议正本.pdf" in body
    assert reverse("agreements:withdraw_document", args=[document.pk]) not in body
    with unchanged(Attachment):  # the leader
        assert client.post(reverse("agreements:withdraw_document", args=[document.pk])).status_code == 404
    client = client_as("tf-coord")
    client.post(reverse("agreements:withdraw_document", args=[document.pk]))
    assert Attachment.objects.get().archived_at is not None
    body = client.get(agreement.get_absolute_url()).content.decode()
    assert f'data-document="{document.pk}"' not in body  # off the card; the history still tells of it


def test_the_dashboard_shows_agreements_expiring_soon_and_those_past_their_date(world, client_as):
    today = timezone.localdate()
    make_agreement(world, title="将到期的协议", expires_on=today + dt.timedelta(days=30))
    make_agreement(world, title="已过期未处理的协议", signed_on=D(2020, 1, 1), expires_on=today - dt.timedelta(days=3))
    make_agreement(world, title="还早的协议", expires_on=today + dt.timedelta(days=200))
    body = client_as("leader").get(reverse("dashboard", args=[world.partnership.pk])).content.decode()
    panel = body[body.index('data-panel="agreements_expiry"') :]
    assert "将到期的协议" in panel
    assert "已过期未处理的协议" in panel
    assert "还早的协议" not in panel
    assert panel.index("已过期未处理的协议") < panel.index("将到期的协议")
    assert "expiring=90" in panel
