"""The shared checks of ``twincity.testkit`` fail where they should: a check that cannot fail checks nothing.

They are tried here on the register of joint requests; every register's tests use them the same way."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from twincity.audit.services import log_event
from twincity.petitions.excel import PetitionWorkbook
from twincity.petitions.models import Petition
from twincity.petitions.tests.test_excel import row as new_request
from twincity.petitions.tests.test_services import make_petition
from twincity.registers.tests.workbooks import typed
from twincity.testkit import Refusal, assert_import_refused, assert_page, unchanged

pytestmark = pytest.mark.django_db


def list_url(world) -> str:
    return reverse("petitions:petition_list") + f"?partnership={world.partnership.pk}"


def test_a_page_check_fails_on_a_404_on_a_missing_row_and_on_too_many_queries(world, client_as):
    make_petition(world, title="参与全国一体化大数据中心建设试点")
    client = client_as("office")
    page = assert_page(client, list_url(world), contains=["大数据中心"], absent=["不存在的事项"], warm=True)
    assert page.response.status_code == 200
    assert page.queries > 0
    assert "大数据中心" in page.body
    with pytest.raises(AssertionError, match="answered 404"):
        assert_page(client, reverse("petitions:petition", args=[Petition.objects.get().pk + 1000]))
    with pytest.raises(AssertionError, match="does not show"):
        assert_page(client, list_url(world), contains=["不存在的事项"])
    with pytest.raises(AssertionError, match="shows"):
        assert_page(client, list_url(world), absent=["大数据中心"])
    with pytest.raises(AssertionError, match="queries, more than"):
        assert_page(client, list_url(world), queries=page.queries - 1, warm=True)


def test_an_unchanged_block_fails_when_a_row_changes_or_the_trail_grows(world):
    petition = make_petition(world)
    with unchanged(Petition):
        Petition.objects.get()  # reading writes nothing
    with pytest.raises(AssertionError, match=r"petitions\.Petition changed"), unchanged(Petition):
        Petition.objects.filter(pk=petition.pk).update(note="悄悄改过")  # no trail, but the row differs
    with pytest.raises(AssertionError, match=r"audit\.AuditEvent changed"), unchanged(Petition):
        log_event("petition.noted", petition, user=world.users["office"])  # the row as it was, but a trail


def test_an_import_check_fails_on_another_reason_and_on_an_import_that_succeeds(world):
    workbook = PetitionWorkbook()

    def import_(content: bytes):
        return lambda: workbook.import_file(
            SimpleUploadedFile("requests.xlsx", content), partnership=world.partnership, user=world.users["office"]
        )

    old_xls = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600
    assert_import_refused(import_(old_xls), [(None, None, Refusal.OLD_XLS)], models=[Petition])
    with pytest.raises(AssertionError):
        assert_import_refused(import_(old_xls), [(None, None, Refusal.NOT_XLSX)], models=[Petition])
    with pytest.raises(AssertionError):  # a file that is imported is no refusal
        assert_import_refused(import_(typed(workbook, new_request(world))), [], models=[Petition])
