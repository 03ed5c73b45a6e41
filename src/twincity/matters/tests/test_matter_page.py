"""The matter page on a miss: what it costs, and the milestone forms it loads when they are opened.

"Edit or archive" under a milestone holds a link to ``matters:edit_milestone``; its GET answers the two forms (the
forms alone to htmx, a page of its own without JavaScript), found through the door as the POSTs they lead to."""

import datetime as dt
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from twincity.core.models import Attachment
from twincity.matters import services
from twincity.matters.models import Milestone, ProgressReport
from twincity.matters.services import OwnerSpec
from twincity.supervision.services import case_of
from twincity.testing import PERSONAS, build_second_partnership, make_matter
from twincity.testkit import assert_page

pytestmark = pytest.mark.django_db

# Who may close a Liangjiang milestone may correct and archive it (docs/permissions.md; core/tests/test_permissions).
MAY_EDIT = {"office", "lj-coord", "lj-unit"}
HTMX = {"HX-Request": "true"}


@pytest.fixture
def milestone(world):
    matter = make_matter(world)
    return services.add_milestone(
        matter, side_id=world.lj.pk, title="签署协议", due_date=dt.date(2020, 6, 30), user=world.users["office"]
    )


def edit_url(milestone) -> str:
    return reverse("matters:edit_milestone", args=[milestone.pk])


def matter_url(milestone) -> str:
    return reverse("matters:matter", args=[milestone.matter_id])


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_forms_are_reached_by_exactly_who_may_post_them(client_as, milestone, persona):
    client = client_as(persona)
    expected = 200 if persona in MAY_EDIT else 404
    assert client.get(edit_url(milestone)).status_code == expected
    assert client.get(edit_url(milestone), headers=HTMX).status_code == expected
    # The POST they lead to answers the same people (an empty form: refused with a message, nothing written).
    posted = client.post(edit_url(milestone), {})
    assert posted.status_code == (302 if persona in MAY_EDIT else 404)
    assert Milestone.objects.get(pk=milestone.pk).title == "签署协议"


def test_another_partnership_and_anonymous_visitors_do_not_reach_the_forms(client, milestone):
    other = build_second_partnership()
    client.force_login(other.users["office"])
    assert client.get(edit_url(milestone), headers=HTMX).status_code == 404
    client.logout()
    anonymous = client.get(edit_url(milestone))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))


def test_htmx_gets_the_forms_alone_with_the_milestone_as_it_is_now(world, client_as, milestone):
    services.update_milestone(milestone, user=world.users["office"], version=milestone.version, title="签署合作协议")
    fresh = Milestone.objects.get(pk=milestone.pk)
    body = client_as("lj-unit").get(edit_url(milestone), headers=HTMX).content.decode()
    assert "<html" not in body
    assert f'action="{edit_url(milestone)}"' in body
    assert f'action="{reverse("matters:archive_milestone", args=[milestone.pk])}"' in body
    assert body.count('name="csrfmiddlewaretoken"') == 2
    assert body.count(f'name="version" value="{fresh.version}"') == 2  # the version read now, not the page's
    assert f'id="ms-title-{milestone.pk}"' in body
    assert 'value="签署合作协议"' in body
    assert 'value="2020-06-30"' in body
    # Every side of the partnership to choose from, the milestone's own chosen.
    assert f'<option value="{world.lj.pk}" selected>两江</option>' in body
    assert f'<option value="{world.tf.pk}">天府</option>' in body
    assert f'id="ms-reason-{milestone.pk}"' in body


def test_without_javascript_the_forms_are_a_page_of_their_own(client_as, milestone):
    body = client_as("lj-coord").get(edit_url(milestone)).content.decode()
    assert "<html" in body
    assert f'href="{matter_url(milestone)}#milestones"' in body  # back to the matter
    assert f'id="ms-title-{milestone.pk}"' in body
    assert f'id="ms-reason-{milestone.pk}"' in body


def test_the_page_links_the_forms_and_renders_none_of_them(client_as, milestone):
    body = client_as("lj-unit").get(matter_url(milestone)).content.decode()
    details = re.search(rf'<details[^>]*data-milestone-edit="{milestone.pk}"[^>]*>.*?</details>', body, re.S).group(0)
    assert f'hx-get="{edit_url(milestone)}"' in details
    assert 'hx-trigger="toggle once"' in details
    assert f'<a href="{edit_url(milestone)}">' in details  # without JavaScript: the forms' own page
    assert f'id="ms-title-{milestone.pk}"' not in body
    assert f'id="ms-reason-{milestone.pk}"' not in body
    # The close form stays on the page, as before.
    assert f'action="{reverse("matters:close_milestone", args=[milestone.pk])}"' in body
    # Who may not close the milestone is offered none of it.
    other_side = client_as("tf-unit").get(matter_url(milestone)).content.decode()
    assert f'data-milestone-edit="{milestone.pk}"' not in other_side
    assert reverse("matters:close_milestone", args=[milestone.pk]) not in other_side
    assert f'data-milestone="{milestone.pk}"' in other_side  # but the milestone itself, as to every member


def test_the_forms_loaded_on_demand_correct_then_archive_the_milestone(client_as, milestone):
    client = client_as("lj-unit")
    forms = client.get(edit_url(milestone), headers=HTMX).content.decode()
    version = re.search(r'name="version" value="(\d+)"', forms).group(1)
    side = re.search(r'<option value="(\d+)" selected>', forms).group(1)
    edited = client.post(
        edit_url(milestone), {"title": "签署合作协议", "due_date": "2020-09-30", "side": side, "version": version}
    )
    assert edited.status_code == 302
    assert edited["Location"] == matter_url(milestone) + "#milestones"
    page = client.get(matter_url(milestone)).content.decode()
    assert "签署合作协议" in page
    assert "2020-09-30" in page
    forms = client.get(edit_url(milestone), headers=HTMX).content.decode()
    version = re.search(r'name="version" value="(\d+)"', forms).group(1)
    archive_url = re.search(r'<form method="post" action="([^"]+/archive/)"', forms).group(1)
    archived = client.post(archive_url, {"reason": "方案调整", "version": version})
    assert archived.status_code == 302
    assert Milestone.objects.get(pk=milestone.pk).archived_at is not None
    assert f'data-milestone="{milestone.pk}"' not in client.get(matter_url(milestone)).content.decode()


def add_parts(world, matter, n: int) -> None:
    office = world.users["office"]
    for i in range(n):
        side = world.tf if i % 2 else world.lj
        services.add_milestone(matter, side_id=side.pk, title=f"节点{i}", due_date=dt.date(2020, 6, 1), user=office)
        services.file_progress(
            matter, user=office, side_id=side.pk, period=f"2020-0{i % 9 + 1}", text=f"进展{i}", percent_complete=10 + i
        )


# On a miss: the frame's (session, person, memberships with their partnerships and stamps, the badges' counts in one),
# the matter with whether the reader may change and approve it, its sides, owners, halves, milestones and reports (with
# their files) with who may close and correct them, list entries and the supervised item's sides (with the item). A
# unit contact's side is asked of the door once more (may they report for it). The history tab loads when shown (its
# own budget below).
BUDGET = {"office": 13, "lj-unit": 14}  # 17 and 18 before the frame read its partnerships and counts in two, the files
# came with their reports and the item with its sides


@pytest.mark.parametrize("persona", sorted(BUDGET))
def test_the_page_costs_the_same_queries_for_one_or_ten_milestones_and_reports(world, client_as, persona):
    matter = make_matter(world)
    add_parts(world, matter, 1)
    client = client_as(persona)
    url = reverse("matters:matter", args=[matter.pk])
    few = assert_page(client, url, warm=True, queries=BUDGET[persona], contains=["节点0", "进展0"]).queries
    add_parts(world, matter, 9)
    many = assert_page(client, url, warm=True, queries=BUDGET[persona], contains=["节点8", "进展8"]).queries
    assert many == few, f"{few} queries for one milestone and report, {many} for ten"


def test_a_reports_files_come_with_it(world, client_as, settings, tmp_path):
    """Each report once, newest first, with its live files oldest first (an archived one not shown), linked to the
    download; read with the reports: no query more than the budget."""
    settings.MEDIA_ROOT = tmp_path
    matter = make_matter(world)
    add_parts(world, matter, 2)
    office = world.users["office"]

    def report(text: str, *names: str):
        files = [SimpleUploadedFile(name, b"%PDF-1.4 test", content_type="application/pdf") for name in names]
        return services.file_progress(
            matter, user=office, side_id=world.tf.pk, period="2020-10", text=text, percent_complete=40, files=files
        )

    report("附两件", "甲方案.pdf", "乙方案.pdf")
    report("附一件", "丙方案.pdf", "旧方案.pdf")
    Attachment.objects.filter(name="旧方案.pdf").update(archived_at=timezone.now())
    url = reverse("matters:matter", args=[matter.pk])
    page = assert_page(client_as("office"), url, warm=True, queries=BUDGET["office"], absent=["旧方案.pdf"])
    reports = page.response.context["reports"]
    live = matter.reports.filter(archived_at__isnull=True).order_by("-reported_on", "-pk")
    assert [r.pk for r in reports] == [r.pk for r in live]
    report_type = ContentType.objects.get_for_model(ProgressReport)
    for r in reports:
        files = Attachment.objects.filter(content_type=report_type, object_id=r.pk, archived_at__isnull=True)
        expected = [(reverse("core:attachment", args=[a.pk]), a.name, a.size) for a in files.order_by("pk")]
        assert [(f.address, f.name, f.size) for f in r.files] == expected
    assert [len(r.files) for r in reports if r.files] == [1, 2]
    for name in ("甲方案.pdf", "乙方案.pdf", "丙方案.pdf"):
        assert page.body.count(name) == 1
    assert page.body.index("甲方案.pdf") < page.body.index("乙方案.pdf")


def test_the_supervised_items_steps_come_with_it(world, client_as):
    """Each owning side's step on the matter's case (签收, 反馈, 完成) on its half, with the way to the case."""
    matter = make_matter(world)
    case = case_of(matter)
    sides = list(case.sides.all())
    page = assert_page(
        client_as("office"), reverse("matters:matter", args=[matter.pk]), warm=True, queries=BUDGET["office"]
    )
    assert page.response.context["case_address"] == case.get_absolute_url()
    assert page.body.count('data-case-step="waiting"') == len(sides) >= 2
    assert page.body.count(f'<a href="{case.get_absolute_url()}">') == len(sides)
    for side in sides:
        card = re.search(rf'data-side="{side.side.code}">.*?</div>\n      </div>', page.body, re.S).group(0)
        assert "data-case-step=" in card


# The history panel: the frame's, the matter, its changes (with the records its updates name: a creation's values are
# not shown, so not named), workflow events and notes.
HISTORY_BUDGET = 8  # 11, then 10 and 8: the page key took the partnerships, then the frame its badges in one query


def test_the_history_costs_the_same_queries_for_one_or_ten_milestones_and_reports(world, client_as):
    matter = make_matter(world)
    add_parts(world, matter, 1)
    client = client_as("office")
    url = reverse("matters:history", args=[matter.pk])
    few = assert_page(client, url, warm=True, queries=HISTORY_BUDGET, contains=["节点0"]).queries
    add_parts(world, matter, 9)
    many = assert_page(client, url, warm=True, queries=HISTORY_BUDGET, contains=["节点8"]).queries
    assert many == few == HISTORY_BUDGET


# The progress report's and the new milestone's forms load when their box is shown (the step's own address, GET),
# found through the door as the POST: who may report for a side, who may change the matter.
MAY_REPORT = {"office", "tf-coord", "lj-coord", "tf-unit", "lj-unit"}
MAY_CHANGE = {"office", "tf-coord", "lj-coord"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_step_forms_are_reached_by_exactly_who_may_post_them(world, client_as, persona):
    matter = make_matter(world)
    client = client_as(persona)
    for name, allowed in (("matters:file_progress", MAY_REPORT), ("matters:add_milestone", MAY_CHANGE)):
        url = reverse(name, args=[matter.pk])
        expected = 200 if persona in allowed else 404
        assert client.get(url).status_code == expected, name
        assert client.get(url, headers=HTMX).status_code == expected, name
        assert client.post(url, {}).status_code == (302 if persona in allowed else 404), name


def test_the_page_offers_the_step_forms_and_renders_neither(world, client_as):
    matter = make_matter(world)
    page = client_as("tf-unit").get(reverse("matters:matter", args=[matter.pk])).content.decode()
    progress = reverse("matters:file_progress", args=[matter.pk])
    box = re.search(r'<div class="tc-card-body" id="progress-box"[^>]*>.*?</div>', page, re.S).group(0)
    assert f'hx-get="{progress}"' in box
    assert 'hx-trigger="intersect once"' in box
    assert f'<a href="{progress}">' in box  # without JavaScript: the form's own page
    assert 'id="progress-form"' not in page
    assert 'name="percent_complete"' not in page
    assert 'id="milestone-add"' not in page  # a unit contact adds no milestone
    office = client_as("office").get(reverse("matters:matter", args=[matter.pk])).content.decode()
    assert f'hx-get="{reverse("matters:add_milestone", args=[matter.pk])}"' in office
    assert 'name="due_date"' not in office.split('id="milestone-add"')[1].split("</div></div>")[0]


def test_the_progress_form_offers_the_readers_sides_that_take_part(world, client_as):
    matter = make_matter(world)
    url = reverse("matters:file_progress", args=[matter.pk])
    fragment = client_as("tf-unit").get(url, headers=HTMX).content.decode()
    assert "<html" not in fragment
    assert f'action="{url}"' in fragment
    assert 'id="progress-form"' in fragment
    assert 'enctype="multipart/form-data"' in fragment
    assert fragment.count('name="csrfmiddlewaretoken"') == 1
    assert re.findall(r'<option value="(\d+)"', fragment) == [str(world.tf.pk)]
    office = client_as("office").get(url, headers=HTMX).content.decode()
    assert re.findall(r'<option value="(\d+)"', office) == [str(world.tf.pk), str(world.lj.pk)]
    page = client_as("tf-unit").get(url).content.decode()
    assert "<html" in page
    assert f'href="{reverse("matters:matter", args=[matter.pk])}#progress"' in page
    assert 'id="progress-form"' in page


def test_a_closed_matter_offers_no_progress_form(world, client_as):
    matter = make_matter(world, status="cancelled")
    client = client_as("tf-unit")
    assert "progress-box" not in client.get(reverse("matters:matter", args=[matter.pk])).content.decode()
    fragment = client.get(reverse("matters:file_progress", args=[matter.pk]), headers=HTMX).content.decode()
    assert 'id="progress-form"' not in fragment
    assert "已办结的事项不再接受进展报告。" in fragment


def test_the_milestone_form_offers_the_sides_that_take_part(world, client_as):
    matter = make_matter(world, owners=[OwnerSpec(world.lj_dept)], leaders={world.lj.pk: "李主任"})
    url = reverse("matters:add_milestone", args=[matter.pk])
    fragment = client_as("office").get(url, headers=HTMX).content.decode()
    assert "<html" not in fragment
    assert f'action="{url}"' in fragment
    assert re.findall(r'<option value="(\d+)"', fragment) == [str(world.lj.pk)]
    assert 'name="title"' in fragment
    assert 'name="due_date"' in fragment
    posted = client_as("office").post(url, {"side": world.lj.pk, "title": "签约", "due_date": "2020-08-01"})
    assert posted.status_code == 302
    assert Milestone.objects.filter(matter=matter, title="签约").exists()


# The history tab (changes, workflow events, notes and the note form) loads when the tab is shown: the matter's own
# history address, found through the door as the page, by whoever reads the matter.
MEMBERS = set(PERSONAS) - {"outsider"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_history_is_read_by_exactly_who_reads_the_matter(world, client_as, persona):
    matter = make_matter(world)
    client = client_as(persona)
    url = reverse("matters:history", args=[matter.pk])
    expected = 200 if persona in MEMBERS else 404
    assert client.get(url).status_code == expected
    assert client.get(url, headers=HTMX).status_code == expected
    assert client.get(reverse("matters:matter", args=[matter.pk])).status_code == expected


def test_the_page_links_its_history_and_renders_none_of_it(world, client_as):
    matter = make_matter(world)
    client = client_as("lj-unit")
    client.post(reverse("matters:add_note", args=[matter.pk]), {"text": "已电话联系牵头单位"})
    page = client.get(reverse("matters:matter", args=[matter.pk])).content.decode()
    url = reverse("matters:history", args=[matter.pk])
    panel = re.search(r'<div id="history-panel"[^>]*>.*?</div>', page, re.S).group(0)
    assert f'hx-get="{url}"' in panel
    assert 'hx-trigger="intersect once"' in panel
    assert 'hx-swap="outerHTML"' in panel
    assert f'<a href="{url}">' in panel  # without JavaScript: the history's own page
    assert "已电话联系牵头单位" not in page
    assert 'class="tc-timeline' not in page
    assert reverse("matters:add_note", args=[matter.pk]) not in page


def test_the_history_panel_holds_the_changes_events_notes_and_the_note_form(world, client_as):
    matter = make_matter(world, title="共建内陆开放门户")
    client = client_as("lj-unit")
    note = reverse("matters:add_note", args=[matter.pk])
    answer = client.post(note, {"text": "已电话联系牵头单位"})
    assert answer["Location"] == reverse("matters:matter", args=[matter.pk]) + "#history"
    url = reverse("matters:history", args=[matter.pk])
    panel = client.get(url, headers=HTMX).content.decode()
    assert "<html" not in panel
    assert panel.startswith('<div class="row g-3">')
    assert 'class="tc-timeline' in panel
    assert "共建内陆开放门户" in panel  # the matter's creation among its changes
    assert "已电话联系牵头单位" in panel
    assert f'<form method="post" action="{note}">' in panel
    assert panel.count('name="csrfmiddlewaretoken"') == 1
    page = client.get(url).content.decode()
    assert "<html" in page
    assert f'href="{reverse("matters:matter", args=[matter.pk])}#history"' in page
    assert "已电话联系牵头单位" in page
