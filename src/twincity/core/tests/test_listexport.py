"""Export of what is on screen: every list (matters, each register, the meeting actions) as a titled PDF —
the list's name, the partnership, the filters in words, the date, numbered landscape pages — and as
Excel, with the same filters as the screen and through the door."""

import io
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from twincity.core.registry import menu_entries
from twincity.petitions.tests.test_services import make_petition
from twincity.registers.declaration import Declaration
from twincity.testing import build_world, built_once, make_matter, populate


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True)
    return done.stdout.decode()


def pdf_pages(content: bytes) -> list[str]:
    return pdf_text(content).split("\f")


def _scene():
    w = populate(build_world())
    w.red = make_matter(w, title="建设跨区域数据中心集群", status="in_progress")
    w.done = make_matter(w, title="联合举办人才交流大会", status="completed")
    w.second_petition = make_petition(w, title="争取设立国家级金融改革试验区")
    return w


@pytest.fixture(scope="class")
def scene(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker, _scene) as built:
        yield built


@pytest.mark.django_db
class TestListExport:
    def test_the_matter_list_pdf_has_its_title_and_only_the_filtered_rows(self, client, scene):
        client.force_login(scene.users["leader"])
        url = reverse("matters:export_pdf")
        response = client.get(url, {"status": "completed", "partnership": scene.partnership.pk})
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        text = pdf_text(response.content)
        assert "重点合作事项" in text  # the list's name, Chinese first
        assert scene.partnership.display_name in text
        assert "状态" in text  # the filter in words
        assert "已完成" in text
        assert timezone.localdate().isoformat() in text
        assert "—1/1—" in text.replace(" ", "")  # numbered pages
        assert scene.done.title in text
        assert scene.red.title not in text
        assert scene.matter.title not in text

    def test_the_pdf_follows_the_words_searched_and_numbers_every_page(self, client, scene):
        client.force_login(scene.users["office"])
        text = pdf_text(client.get(reverse("matters:export_pdf"), {"q": "数据中心"}).content)
        assert scene.red.title in text
        assert "数据中心" in text.split(scene.red.title)[0]  # the search is said in the title block
        assert scene.done.title not in text
        everything = pdf_pages(client.get(reverse("matters:export_pdf")).content)
        assert "—1/" in everything[0].replace(" ", "")

    def test_the_english_reader_gets_an_english_title(self, client, scene):
        client.force_login(scene.users["office"])
        client.cookies["django_language"] = "en"
        text = pdf_text(client.get(reverse("matters:export_pdf")).content)
        assert "Key cooperation matters" in text

    def test_each_register_has_a_pdf_of_its_list_with_its_filters(self, client, scene):
        client.force_login(scene.users["tf-unit"])
        declarations = [e for e in menu_entries() if isinstance(e, Declaration)]
        assert len({d.app for d in declarations}) == 6
        for declaration in declarations:
            response = client.get(reverse(declaration.url_name("pdf")))
            assert response.status_code == 200, declaration.name
            assert str(declaration.model._meta.verbose_name_plural)[:2] in pdf_text(response.content)
        petitions = reverse("petitions:petition_pdf")
        text = pdf_text(client.get(petitions, {"q": "金融改革"}).content)
        assert scene.second_petition.title in text
        assert scene.registers["petitions"]["petition"].title not in text

    def test_the_list_pages_offer_the_pdf_with_the_screens_filters(self, client, scene):
        client.force_login(scene.users["leader"])
        body = client.get(reverse("matters:list"), {"status": "completed"}).content.decode()
        assert f'href="{reverse("matters:export_pdf")}?status=completed"' in body
        body = client.get(reverse("petitions:petition_list"), {"q": "金融"}).content.decode()
        assert f'href="{reverse("petitions:petition_pdf")}?q=' in body
        body = client.get(reverse("meetings:actions"), {"open": "true"}).content.decode()
        assert f'href="{reverse("meetings:actions_pdf")}?open=true"' in body
        assert f'href="{reverse("meetings:actions_xlsx")}?open=true"' in body

    def test_the_meeting_actions_as_pdf_and_excel_as_on_screen(self, client, scene):
        client.force_login(scene.users["lj-coord"])
        text = pdf_text(client.get(reverse("meetings:actions_pdf")).content)
        assert "会议议定事项" in text or scene.action.title in text
        assert scene.action.title in text
        nothing = client.get(reverse("meetings:actions_pdf"), {"q": "不存在的词语"})
        assert scene.action.title not in pdf_text(nothing.content)
        response = client.get(reverse("meetings:actions_xlsx"), {"q": scene.action.title})
        assert response.status_code == 200
        rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
        assert rows[0][1] == scene.partnership.display_name
        assert any(scene.action.title in (cell or "") for row in rows[3:] for cell in row)

    def test_the_outsider_gets_no_row_and_a_stranger_signs_in(self, client, scene):
        assert client.get(reverse("matters:export_pdf"))["Location"].startswith(reverse("login"))
        client.force_login(scene.users["outsider"])
        for url in (reverse("matters:export_pdf"), reverse("petitions:petition_pdf")):
            response = client.get(url)
            if response.status_code == 200:
                text = pdf_text(response.content)
                assert scene.matter.title not in text
                assert scene.registers["petitions"]["petition"].title not in text
            else:
                assert response.status_code == 404
        assert client.get(reverse("meetings:actions_pdf")).status_code == 404  # meetings are members' only

    def test_an_invalid_filter_is_a_404(self, client, scene):
        client.force_login(scene.users["office"])
        assert client.get(reverse("matters:export_pdf"), {"year": "abc"}).status_code == 404
