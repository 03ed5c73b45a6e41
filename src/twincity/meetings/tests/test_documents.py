"""The meeting pack and the minutes as official documents: real Chinese text in an embedded CJK font.

Each PDF is rendered, turned into images with ``pdftoppm``, and read back with ``pdftotext``; the
Chinese that comes out must be the Chinese that went in. Set ``TWINCITY_UPDATE_DOCS_IMG=1`` to write
the pack's first two pages to ``docs/img/meeting-pack.png`` as well.
"""

import datetime as dt
import io
import os
import re
import subprocess
import zipfile
from pathlib import Path

import numpy as np
import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext, override
from docx import Document
from PIL import Image

from twincity.audit.context import acting
from twincity.matters import services as matter_services
from twincity.meetings import documents
from twincity.meetings.choices import ActionStatus, ItemStatus
from twincity.meetings.models import AgendaItem, MinutesAmendment, Session
from twincity.notifications.tests.meeting_data import TODAY, build_meetings
from twincity.testing import make_matter

pytestmark = pytest.mark.django_db

DOCS_IMG = Path(__file__).resolve().parents[4] / "docs" / "img" / "meeting-pack.png"


CJK = re.compile(r"[\u4e00-\u9fff]")


def zh(msgid: str, **values) -> str:
    """A label as the Chinese documents print it (whatever wording the catalogue gives it, it must be Chinese)."""
    with override("zh-hans"):
        text = gettext(msgid) % values if values else gettext(msgid)
    assert CJK.search(text), f"{msgid!r} has no Chinese translation"
    return squash(text)


def run(*args: str) -> bytes:
    return subprocess.run(args, capture_output=True, check=True, timeout=120).stdout


def save(pdf: bytes, tmp_path: Path, name: str = "doc.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(pdf)
    return path


def pdf_text(path: Path) -> str:
    return run("pdftotext", "-enc", "UTF-8", str(path), "-").decode("utf-8")


def squash(text: str) -> str:
    """Text as extracted, without the spaces and line breaks the layout puts between characters."""
    return re.sub(r"\s+", "", text)


def pages(path: Path) -> int:
    return int(re.search(r"Pages:\s+(\d+)", run("pdfinfo", str(path)).decode()).group(1))


def assert_cjk_fonts_embedded(path: Path) -> None:
    """Every font is embedded with a Unicode map, and the Chinese is set in a CJK font (not boxes)."""
    rows = run("pdffonts", str(path)).decode().splitlines()[2:]
    assert rows, "no fonts at all"
    assert any("CJK" in row or "Han" in row or "Song" in row for row in rows), rows
    for row in rows:
        assert row.split()[-5:-2] == ["yes", "yes", "yes"], row  # emb, sub, uni


def to_png(path: Path, tmp_path: Path, page: int) -> Image.Image:
    prefix = tmp_path / f"page{page}"
    run("pdftoppm", "-png", "-r", "60", "-f", str(page), "-l", str(page), "-singlefile", str(path), str(prefix))
    return Image.open(f"{prefix}.png").convert("RGB")


def red_pixels(image: Image.Image) -> int:
    rgb = np.asarray(image, dtype=np.int16)
    return int(((rgb[..., 0] > 180) & (rgb[..., 1] < 80) & (rgb[..., 2] < 80)).sum())


def test_the_pack_gives_the_agenda_a_page_per_red_matter_and_the_actions_in_chinese(world, tmp_path):
    m = build_meetings(world)
    path = save(documents.render_pack_pdf(m.s2, today=TODAY), tmp_path)
    assert pages(path) == 3  # agenda; the one red matter; the actions
    text = squash(pdf_text(path))
    assert "天府新区—两江新区合作机制" in text  # the masthead
    assert zh("Meeting pack") in text
    assert zh("Agenda") in text
    for item in m.items:
        assert squash(item.title) in text
    # The red matter's page: code and title, both sides, the overdue milestone, the latest report.
    page2 = squash(run("pdftotext", "-f", "2", "-l", "2", "-enc", "UTF-8", str(path), "-").decode())
    assert f"{m.red_matter.code}共建西部陆海新通道物流枢纽" in page2
    assert "天府新区市场监管局" in page2
    assert "两江新区市场监管局" in page2
    assert "完成枢纽选址论证" in page2
    assert "40%" in page2
    assert "两江新区已完成物流园区规划初稿" in page2
    # The green matter is on the agenda but has no page of its own (three pages in all).
    assert "两地政务服务" not in page2
    # Actions since the last session: the two still open and the one verified since, with their state.
    page3 = squash(run("pdftotext", "-f", "3", "-l", "3", "-enc", "UTF-8", str(path), "-").decode())
    assert "制定两地市场准入统一标准清单" in page3
    assert "报送共建物流枢纽选址比选报告" in page3
    assert "建立双城办联络员制度" in page3
    with override("zh-hans"):
        assert squash(str(ActionStatus.VERIFIED.label)) in page3
    assert "—1—" in text
    assert "—3—" in text
    assert "\ufffd" not in text
    assert_cjk_fonts_embedded(path)
    first = to_png(path, tmp_path, 1)
    assert abs(first.size[0] - 496) <= 1
    assert abs(first.size[1] - 702) <= 1
    assert red_pixels(first) > 1000  # the red masthead and rule
    if os.environ.get("TWINCITY_UPDATE_DOCS_IMG"):
        run("pdftoppm", "-png", "-r", "90", "-f", "1", "-l", "2", str(path), str(tmp_path / "docs"))
        left, right = (Image.open(tmp_path / f"docs-{p}.png").convert("RGB") for p in (1, 2))
        sheet = Image.new("RGB", (left.width * 2 + 30, left.height + 20), (200, 200, 200))
        sheet.paste(left, (10, 10))
        sheet.paste(right, (left.width + 20, 10))
        sheet.save(DOCS_IMG, optimize=True)


def test_the_minutes_carry_attendance_the_numbered_decisions_and_the_actions_in_chinese(world, tmp_path):
    m = build_meetings(world)
    path = save(documents.render_minutes_pdf(m.s2), tmp_path)
    text = squash(pdf_text(path))
    assert zh("Minutes of %(title)s", title="") in text
    assert zh("Draft: not yet confirmed by every side") in text
    assert squash(m.decision.text) in text
    assert zh("Decision %(number)s", number=1) in text
    assert "梳理两地一网通办事项清单" in text
    assert "2020-07-10" in text
    assert "李主任" in text
    assert "两江新区管委会副主任" in text
    assert "赵科长" in text
    assert_cjk_fonts_embedded(path)
    assert red_pixels(to_png(path, tmp_path, 1)) > 1000


def test_locked_minutes_show_their_amendments_and_no_draft_mark(world, tmp_path):
    m = build_meetings(world)
    m.s2.minutes_status = "locked"
    m.s2.save()
    MinutesAmendment.objects.create(
        session=m.s2,
        outcome=m.decision,
        text="方案报送时间调整为八月中旬。",
        reason="领导小组会议改期",
        on=TODAY,
        author=world.users["office"],
    )
    text = squash(pdf_text(save(documents.render_minutes_pdf(m.s2), tmp_path)))
    assert zh("Draft: not yet confirmed by every side") not in text
    assert "方案报送时间调整为八月中旬。" in text
    assert "领导小组会议改期" in text


def test_the_minutes_export_to_word_in_the_official_layout(world):
    m = build_meetings(world)
    payload = documents.render_minutes_docx(m.s2)
    doc = Document(io.BytesIO(payload))
    paragraphs = [p.text for p in doc.paragraphs]
    assert paragraphs[0] == "天府新区—两江新区合作机制"
    assert any(zh("Minutes of %(title)s", title="") in p for p in paragraphs)
    assert any(m.decision.text in p and zh("Decision %(number)s: %(text)s", number=1, text="") in p for p in paragraphs)
    assert any("梳理两地一网通办事项清单" in p for p in paragraphs)
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    masthead = doc.paragraphs[0].runs[0]
    assert str(masthead.font.color.rgb) == "D40000"
    xml = zipfile.ZipFile(io.BytesIO(payload)).read("word/footer1.xml").decode()
    assert "PAGE" in xml
    assert "— " in xml
    assert 'w:eastAsia="仿宋"' in zipfile.ZipFile(io.BytesIO(payload)).read("word/document.xml").decode()


def test_the_papers_are_served_to_members_and_are_a_404_for_outsiders(world, client_as):
    m = build_meetings(world)
    names = ("meetings:pack_pdf", "meetings:minutes_pdf", "meetings:minutes_docx")
    outsider = client_as("outsider")
    for name in names:
        assert outsider.get(reverse(name, args=[m.s2.pk])).status_code == 404
    contact = client_as("lj-unit")
    response = contact.get(reverse("meetings:pack_pdf", args=[m.s2.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    response = contact.get(reverse("meetings:minutes_docx", args=[m.s2.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.startswith(b"PK")


def test_sessions_and_sections_are_numbered_in_chinese():
    assert [documents.chinese_number(n) for n in (1, 10, 12, 20, 21, 99, 100, 105, 110)] == [
        "一",
        "十",
        "十二",
        "二十",
        "二十一",
        "九十九",
        "一百",
        "一百零五",
        "一百一十",
    ]


def test_the_packs_queries_do_not_grow_with_its_pages(world, django_assert_num_queries):
    m = build_meetings(world)
    with CaptureQueriesContext(connection) as one:
        data = documents.pack_data(m.s2, today=TODAY)
    assert len(data.red_pages) == 1
    office = world.users["office"]
    for n in range(3):
        matter = make_matter(world, title=f"又一项逾期事项{n}", due_date=dt.date(2020, 5, 1))
        with acting(office):
            matter_services.file_progress(
                matter, user=office, side_id=world.tf.pk, period="2020-05", text="进展", percent_complete=10
            )
        AgendaItem.objects.create(
            series=m.series,
            partnership=world.partnership,
            session=m.s2,
            status=ItemStatus.ON_AGENDA,
            order=10 + n,
            title=matter.title,
            matter=matter,
        )
    with django_assert_num_queries(len(one.captured_queries)):
        data = documents.pack_data(m.s2, today=TODAY)
    assert len(data.red_pages) == 4


def test_a_session_with_nothing_on_it_yet_still_gets_its_papers(world, tmp_path):
    m = build_meetings(world)
    bare = Session.objects.create(
        series=m.series, partnership=world.partnership, number=9, host=world.tf, starts_at=m.s3.starts_at
    )
    pack = save(documents.render_pack_pdf(bare, today=TODAY), tmp_path, "pack.pdf")
    text = squash(pdf_text(pack))
    assert zh("No items on the agenda.") in text
    assert zh("Draft agenda: not yet published.") in text
    assert "制定两地市场准入统一标准清单" in text  # still open: it is followed up until verified
    minutes = save(documents.render_minutes_pdf(bare), tmp_path, "minutes.pdf")
    assert pages(minutes) == 1
    assert documents.render_minutes_docx(bare).startswith(b"PK")


def test_a_worker_opens_the_fonts_once_and_its_first_pack_still_sets_the_chinese_in_a_cjk_font(world, tmp_path):
    """The first pack of a worker used to take 6.5 s: WeasyPrint, fontconfig and the CJK faces were loaded for it.
    The worker now warms up when it starts, and every paper of the process shares one font configuration. No
    glyph may be lost on the way: the pack read back is still all Chinese, in an embedded CJK font."""
    m = build_meetings(world)
    documents.warm_up()
    fonts = documents._FONTS
    assert fonts is not None
    path = save(documents.render_pack_pdf(m.s2, today=TODAY), tmp_path)
    assert documents._FONTS is fonts  # loaded once, not per paper
    documents.warm_up()
    assert documents._FONTS is fonts
    text = squash(pdf_text(path))
    assert "天府新区—两江新区合作机制" in text
    for item in m.items:
        assert squash(item.title) in text
    assert "\ufffd" not in text
    assert_cjk_fonts_embedded(path)
    # The minutes share the same configuration and keep their Chinese too.
    minutes = save(documents.render_minutes_pdf(m.s1), tmp_path, "minutes.pdf")
    assert documents._FONTS is fonts
    assert "\ufffd" not in pdf_text(minutes)
    assert_cjk_fonts_embedded(minutes)


def test_the_warm_up_sample_uses_every_style_of_the_papers():
    """The sample a worker renders when it starts covers each family and weight the papers ask for, so that the
    first pack opens no face of its own (a style added to document.css must be added to the sample too)."""

    sample = render_to_string("meetings/pdf/warm_up.html", {"masthead": "双城办"})
    for marker in ("tc-masthead", "tc-title", "tc-subtitle", "<h2>", "<h3>", "<table>", "<th>", "<strong>", "tc-red"):
        assert marker in sample, marker
    assert CJK.search(sample)
