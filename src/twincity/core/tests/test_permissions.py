"""Every page as every persona: the access matrix of docs/permissions.md, the outsider included.

The walk is driven by the URL configuration itself: a page added without an entry here fails
``test_every_page_is_in_the_matrix``, so nothing new escapes the check.
"""

import copy
import datetime as dt
import io
from importlib import import_module

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from twincity.accounts.access import can
from twincity.accounts.choices import Action
from twincity.accounts.models import ApiToken
from twincity.api_urls import router
from twincity.audit.context import acting
from twincity.audit.models import AuditEvent
from twincity.core import registry
from twincity.core.services import attach
from twincity.matters import services
from twincity.matters.models import Matter
from twincity.meetings import services as meeting_services
from twincity.meetings.calendars import session_uid
from twincity.meetings.choices import OutcomeKind
from twincity.meetings.models import ActionItem, Session
from twincity.notifications.choices import Channel, DeliveryState, RobotKind
from twincity.notifications.models import Delivery, Robot
from twincity.notifications.services import issue_calendar_token
from twincity.registers.declaration import Declaration
from twincity.supervision import services as supervision
from twincity.supervision.run import supervise
from twincity.supervision.services import case_of
from twincity.supervision.tests.sheetkit import make_case
from twincity.supervision.todos import open_for
from twincity.testing import (
    AUDITORS,
    EDITORS,
    EVERYONE,
    MEMBERS,
    PERSONAS,
    build_second_partnership,
    build_world,
    built_once,
    make_matter,
)

pytestmark = pytest.mark.django_db


# Pages that are not the office's data: the admin (superusers only), i18n and API plumbing.
# Each register declares its own expectations in ``<app>/tests/access.py``: ``scene(world)`` builds its
# entries, ``pages(scene)`` and ``actions(scene)`` say who reaches what, in the format used below.
REGISTER_APPS = ("petitions", "agreements", "visits", "exchanges", "policies", "siting", "indicators")


def register_access_modules():
    return [import_module(f"twincity.{app}.tests.access") for app in REGISTER_APPS]


EXEMPT_PREFIXES = ("admin:", "set_language", "javascript-catalog", "api", "schema", "swagger", "redoc")


def _build_scene() -> dict:
    """Everything the walk visits: a matter with its parts, a meeting, every register's entries, and a second
    partnership with one of everything."""
    world = build_world()
    matter = make_matter(world)
    office = world.users["office"]
    with acting(office):
        ms_lj = services.add_milestone(
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
        upload = SimpleUploadedFile("方案.pdf", b"%PDF-1.4 test", content_type="application/pdf")
        attachment = attach(report, upload, user=office, partnership_id=world.partnership.pk)
    other = build_second_partnership("X")  # one of everything, in a partnership of its own
    other_matter = make_matter(other, title="别的合作机制的事项")
    meeting = _meeting_scene(world)
    sheet = _sheet_scene(world)
    registers = {module.__name__: module.scene(world) for module in register_access_modules()}
    return {
        **_notices_scene(world),
        "registers": registers,
        **meeting,
        "sheet": sheet,
        "world": world,
        "matter": matter,
        "milestone": ms_lj,
        "report": report,
        "attachment": attachment,
        "other": other,
        "other_matter": other_matter,
    }


@pytest.fixture(scope="class")
def built_scene(django_db_setup, django_db_blocker):
    """The scene, built once for each class of tests below; every test runs in a savepoint of it."""
    with built_once(django_db_blocker, _build_scene) as built:
        yield built


@pytest.fixture
def scene(built_scene):
    """The class's scene for this test alone: a copy, so that a test which refreshes an object after a write
    does not hand the next test a version that the rollback has undone."""
    return copy.deepcopy(built_scene)


def _meeting_scene(w):
    """A joint meeting: session 1 hosted by Tianfu (agenda published, a decision whose action a Tianfu
    unit owns), session 2 by Liangjiang (planned), and a Tianfu proposal in the backlog."""

    office = w.users["office"]
    today = timezone.localdate()
    with acting(office):
        series = meeting_services.create_series(partnership=w.partnership, user=office, name="联席会议")
        first = meeting_services.add_session(series, user=office, starts_at=_at(today - dt.timedelta(days=20)))
        second = meeting_services.add_session(series, user=office, starts_at=_at(today + dt.timedelta(days=10)))
        meeting_services.add_item(first, user=office, title="合作事项推进情况", side=w.tf)
        meeting_services.publish_agenda(first, user=office)
        outcome = meeting_services.record_outcome(
            first,
            user=office,
            kind=OutcomeKind.DECISION,
            text="同意",
            action=meeting_services.ActionSpec(title="报送方案", due_date=today, owners=[w.tf_dept]),
        )
        attendance = meeting_services.record_attendance(first, user=office, side=w.tf, name="王主任")
    proposal = meeting_services.propose_item(series, user=w.users["tf-coord"], title="天府提议", side=w.tf)
    return {
        "series": series,
        "session": first,
        "next_session": second,
        "outcome": outcome,
        "meeting_action": outcome.actions.get(),
        "case": case_of(outcome.actions.get()),
        "attendance": attendance,
        "proposal": proposal,
    }


def _notices_scene(w):
    """A group robot of the partnership and a failed delivery (the outbox holds the agenda's e-mails already)."""
    robot = Robot.objects.create(
        partnership=w.partnership, name="两江群", kind=RobotKind.WECOM, webhook_url="http://127.0.0.1:9/robot"
    )
    failed = Delivery.objects.create(
        key="scene:failed",
        kind="agenda_published",
        channel=Channel.ROBOT,
        robot=robot,
        partnership=w.partnership,
        subject="议程已发布",
        state=DeliveryState.FAILED,
        attempts=6,
        last_error="45009 api freq out of limit",
    )
    return {"robot": robot, "failed_delivery": failed}


def _sheet_scene(w):
    """A supervision sheet 督办单 (red) on an item both sides' market-supervision bureaus own."""
    case = make_case(w, due_on=timezone.localdate() - dt.timedelta(days=1))
    supervise(partnership=w.partnership)
    return case.sheet


def _at(day):

    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 30)))


def pages(s):
    """name → (url, personas that get 200). Everyone else gets 404 (or is sent to sign in when anonymous)."""
    w, m = s["world"], s["matter"]
    p = w.partnership.pk
    return {
        "home": (reverse("home"), None),  # a redirect to one's dashboard, or the welcome page: see below
        "dashboard": (reverse("dashboard", args=[p]), MEMBERS),
        "matters:list": (reverse("matters:list") + f"?partnership={p}", EVERYONE),
        "matters:matter": (reverse("matters:matter", args=[m.pk]), MEMBERS),
        # Its history tab's panel (the page loads it when the tab is shown): whoever reads the matter.
        "matters:history": (reverse("matters:history", args=[m.pk]), MEMBERS),
        "matters:edit": (reverse("matters:edit", args=[m.pk]), EDITORS),
        "matters:roll_over": (reverse("matters:roll_over", args=[m.pk]), EDITORS),
        "matters:add": (reverse("matters:add") + f"?partnership={p}", EDITORS),
        "matters:import": (reverse("matters:import") + f"?partnership={p}", EDITORS),
        "matters:bulk_roll_over": (reverse("matters:bulk_roll_over") + f"?partnership={p}", {"office"}),
        "matters:export": (reverse("matters:export") + f"?partnership={p}", MEMBERS),
        "matters:export_pdf": (reverse("matters:export_pdf") + f"?partnership={p}", MEMBERS),
        "workspace:search": (reverse("workspace:search") + "?q=" + m.title, EVERYONE),
        "workspace:my_work": (reverse("workspace:my_work"), EVERYONE),
        "matters:my_work": (reverse("matters:my_work"), None),  # the old address of my work: a redirect to it
        # The report was filed by the Tianfu side: its coordinator, its unit and the office may correct it.
        "matters:edit_report": (
            reverse("matters:edit_report", args=[s["report"].pk]),
            {"office", "tf-coord", "tf-unit"},
        ),
        # A milestone's edit and archive forms (the matter page loads them when "Edit or archive" is opened): the
        # GET is found as the POST it leads to, by whoever may close the Liangjiang milestone.
        "matters:edit_milestone": (
            reverse("matters:edit_milestone", args=[s["milestone"].pk]),
            {"office", "lj-coord", "lj-unit"},
        ),
        # The progress report's and the new milestone's forms (the matter page loads them when their tab is shown):
        # found as the POSTs they lead to, by whoever speaks for a side and whoever may change the matter.
        "matters:file_progress": (reverse("matters:file_progress", args=[m.pk]), MEMBERS - {"leader", "auditor"}),
        "matters:add_milestone": (reverse("matters:add_milestone", args=[m.pk]), EDITORS),
        "regions:partnerships": (reverse("regions:partnerships"), EVERYONE),
        "regions:partnership": (reverse("regions:partnership", args=[p]), MEMBERS),
        "regions:organisation": (reverse("regions:organisation", args=[w.tf_dept.pk]), MEMBERS),
        "regions:organisation_edit": (
            reverse("regions:organisation_edit", args=[w.tf_dept.pk]),
            {"office", "tf-coord"},
        ),
        "regions:organisation_add": (reverse("regions:organisation_add", args=[p]), EDITORS),
        "regions:settings": (reverse("regions:settings", args=[p]), {"office"}),
        "regions:unit_options": (reverse("regions:unit_options") + f"?partnership={p}", MEMBERS),
        "audit:log": (reverse("audit:log"), AUDITORS),
        "audit:export": (reverse("audit:export"), AUDITORS),
        "core:attachment": (reverse("core:attachment", args=[s["attachment"].pk]), MEMBERS),
        "profile": (reverse("profile"), EVERYONE),
        "password_change": (reverse("password_change"), EVERYONE),
        "password_change_done": (reverse("password_change_done"), EVERYONE),
        # The office resets its people's passwords; the reset by e-mail is public when on (accounts/tests).
        "office_password_reset": (reverse("office_password_reset", args=[p, w.users["tf-unit"].pk]), {"office"}),
        "password_reset": (None, None),
        "password_reset_done": (None, None),
        "password_reset_confirm": (None, None),
        "password_reset_complete": (None, None),
        "meetings:index": (reverse("meetings:index") + f"?partnership={p}", MEMBERS),
        "meetings:actions": (reverse("meetings:actions") + f"?partnership={p}", MEMBERS),
        "meetings:actions_pdf": (reverse("meetings:actions_pdf") + f"?partnership={p}", MEMBERS),
        "meetings:actions_xlsx": (reverse("meetings:actions_xlsx") + f"?partnership={p}", MEMBERS),
        "meetings:series": (reverse("meetings:series", args=[s["series"].pk]), MEMBERS),
        "meetings:series_add": (reverse("meetings:series_add") + f"?partnership={p}", {"office"}),
        "meetings:series_edit": (reverse("meetings:series_edit", args=[s["series"].pk]), {"office"}),
        "meetings:propose": (
            reverse("meetings:propose", args=[s["series"].pk]),
            {"office", "tf-coord", "lj-coord", "tf-unit", "lj-unit"},
        ),
        "meetings:session": (reverse("meetings:session", args=[s["session"].pk]), MEMBERS),
        "meetings:session_edit": (reverse("meetings:session_edit", args=[s["session"].pk]), {"office", "tf-coord"}),
        "meetings:reschedule": (
            reverse("meetings:reschedule", args=[s["next_session"].pk]),
            {"office", "lj-coord"},
        ),
        "meetings:cancel": (reverse("meetings:cancel", args=[s["next_session"].pk]), {"office", "lj-coord"}),
        "meetings:item_edit": (reverse("meetings:item_edit", args=[s["proposal"].pk]), {"office", "tf-coord"}),
        "meetings:outcome_edit": (reverse("meetings:outcome_edit", args=[s["outcome"].pk]), {"office", "tf-coord"}),
        "meetings:action": (reverse("meetings:action", args=[s["meeting_action"].pk]), MEMBERS),
        "meetings:action_edit": (
            reverse("meetings:action_edit", args=[s["meeting_action"].pk]),
            {"office", "tf-coord"},
        ),
        # The papers render PDFs/.docx: their access (members 200, outsiders 404) is walked in
        # meetings/tests/test_documents.py, where a render is affordable.
        "meetings:pack_pdf": (reverse("meetings:pack_pdf", args=[s["session"].pk]), None),
        "meetings:minutes_pdf": (reverse("meetings:minutes_pdf", args=[s["session"].pk]), None),
        "meetings:minutes_docx": (reverse("meetings:minutes_docx", args=[s["session"].pk]), None),
        # Notifications and calendar addresses are personal: every signed-in person has their own pages;
        # one person's notification is a 404 to anyone else (notifications/tests), and the calendar feeds
        # open by their secret address without a sign-in (meetings/tests/test_calendars.py).
        "notifications:list": (reverse("notifications:list"), EVERYONE),
        # Everyone signed in has a to-do page: the to-dos of their own desks (none for the auditor, the outsider).
        "supervision:todos": (reverse("supervision:todos"), EVERYONE),
        "notifications:calendar": (reverse("notifications:calendar"), EVERYONE),
        "notifications:open": (None, None),
        "notifications:feed": (None, None),
        "notifications:series_feed": (None, None),
        # Supervision: scoring of units, digests and briefings (docs/supervision-scoring.md). Every member sees the
        # league table and each unit's score; the briefing is the leaders' and the office's, a side's weekly digest
        # its coordinator's and the office's. The PDFs are walked in supervision/tests/test_digest.py; the menu's
        # line (briefings) is a redirect to the page meant for the member.
        "supervision:scores": (reverse("supervision:scores") + f"?partnership={p}", MEMBERS),
        "supervision:scores_export": (reverse("supervision:scores_export") + f"?partnership={p}", MEMBERS),
        "supervision:score_detail": (
            reverse("supervision:score_detail", args=[w.tf_dept.pk]) + f"?partnership={p}",
            MEMBERS,
        ),
        "supervision:policy": (reverse("supervision:policy", args=[p]), {"office"}),
        "supervision:briefing": (reverse("supervision:briefing") + f"?partnership={p}", {"office", "leader"}),
        "supervision:digest": (reverse("supervision:digest") + f"?partnership={p}", {"office", "tf-coord", "lj-coord"}),
        "supervision:briefing_pdf": (reverse("supervision:briefing_pdf") + f"?partnership={p}", None),
        "supervision:digest_pdf": (reverse("supervision:digest_pdf") + f"?partnership={p}", None),
        "supervision:briefings": (reverse("supervision:briefings") + f"?partnership={p}", None),
        # Each person's own notice preferences; the outbox and the group robots are the office's alone.
        "notifications:preferences": (reverse("notifications:preferences"), EVERYONE),
        "notifications:deliveries": (reverse("notifications:deliveries", args=[p]), {"office"}),
        "notifications:robots": (reverse("notifications:robots", args=[p]), {"office"}),
        "notifications:robot_edit": (reverse("notifications:robot_edit", args=[s["robot"].pk]), {"office"}),
        # Supervised items: every member reads them; the list is empty to the outsider (the door).
        "supervision:case_list": (reverse("supervision:case_list") + f"?partnership={p}", EVERYONE),
        "supervision:case_export": (reverse("supervision:case_export") + f"?partnership={p}", MEMBERS),
        "supervision:case_detail": (reverse("supervision:case_detail", args=[s["case"].pk]), MEMBERS),
        "login": (reverse("login"), None),
        "logout": (None, None),
        "healthz": (reverse("healthz"), None),
        # Supervision sheets: the scene's sheet is owned by both sides, so every member reads it; who reads a
        # sheet of one side only, and the PDF (rendered), are walked in supervision/tests/test_sheets.py.
        "supervision:sheet_list": (reverse("supervision:sheet_list") + f"?partnership={p}", EVERYONE),
        "supervision:sheet_export": (reverse("supervision:sheet_export") + f"?partnership={p}", MEMBERS),
        "supervision:sheet_detail": (reverse("supervision:sheet_detail", args=[s["sheet"].pk]), MEMBERS),
        "supervision:sheet_pdf": (reverse("supervision:sheet_pdf", args=[s["sheet"].pk]), None),
        **_register_expectations(s, "pages"),
        # Each register's list as a PDF (core.listexport): its partnership's members, as its Excel export.
        **{
            d.url_name("pdf"): (reverse(d.url_name("pdf")) + f"?partnership={p}", MEMBERS)
            for d in registry.menu_entries()
            if isinstance(d, Declaration)
        },
    }


def _register_expectations(s, kind: str) -> dict:
    expected = {}
    for module in register_access_modules():
        expected.update(getattr(module, kind)(s["registers"][module.__name__]))
    return expected


# POST-only actions: (url, data, personas allowed to reach the action at all).
def actions(s):
    m = s["matter"]
    return {
        # Whoever speaks for a side: a leader or an auditor files no progress (docs/permissions.md).
        "matters:file_progress": (reverse("matters:file_progress", args=[m.pk]), MEMBERS - {"leader", "auditor"}),
        "matters:add_milestone": (reverse("matters:add_milestone", args=[m.pk]), EDITORS),
        "matters:close_milestone": (
            reverse("matters:close_milestone", args=[s["milestone"].pk]),
            {"office", "lj-coord", "lj-unit"},
        ),
        "matters:edit_milestone": (
            reverse("matters:edit_milestone", args=[s["milestone"].pk]),
            {"office", "lj-coord", "lj-unit"},
        ),
        "matters:archive_milestone": (
            reverse("matters:archive_milestone", args=[s["milestone"].pk]),
            {"office", "lj-coord", "lj-unit"},
        ),
        "matters:change_status": (reverse("matters:change_status", args=[m.pk]), MEMBERS),
        "matters:archive": (reverse("matters:archive", args=[m.pk]), EDITORS),
        "matters:add_note": (reverse("matters:add_note", args=[m.pk]), MEMBERS),
        "matters:bulk_status": (reverse("matters:bulk_status"), EVERYONE),
        "notifications:mark_read": (None, set()),  # the notification's owner only (notifications/tests)
        "notifications:mark_all_read": (reverse("notifications:mark_all_read"), EVERYONE),
        "notifications:calendar_issue": (reverse("notifications:calendar_issue"), EVERYONE),
        "notifications:calendar_revoke": (reverse("notifications:calendar_revoke"), EVERYONE),
        "notifications:retry": (reverse("notifications:retry", args=[s["failed_delivery"].pk]), {"office"}),
        "notifications:robot_test": (reverse("notifications:robot_test", args=[s["robot"].pk]), {"office"}),
        # Meetings: the session's host side (Tianfu for session 1, Liangjiang for session 2) and the office.
        "meetings:generate": (reverse("meetings:generate", args=[s["series"].pk]), {"office"}),
        "meetings:session_add": (reverse("meetings:session_add", args=[s["series"].pk]), {"office"}),
        "meetings:held": (reverse("meetings:held", args=[s["session"].pk]), {"office", "tf-coord"}),
        "meetings:add_proposals": (
            reverse("meetings:add_proposals", args=[s["next_session"].pk]),
            {"office", "lj-coord"},
        ),
        "meetings:add_item": (reverse("meetings:add_item", args=[s["next_session"].pk]), {"office", "lj-coord"}),
        "meetings:schedule_item": (
            reverse("meetings:schedule_item", args=[s["next_session"].pk]),
            {"office", "lj-coord"},
        ),
        "meetings:publish": (reverse("meetings:publish", args=[s["next_session"].pk]), {"office", "lj-coord"}),
        "meetings:attendance_add": (reverse("meetings:attendance_add", args=[s["session"].pk]), {"office", "tf-coord"}),
        "meetings:attendance_remove": (
            reverse("meetings:attendance_remove", args=[s["attendance"].pk]),
            {"office", "tf-coord"},
        ),
        "meetings:outcome_add": (reverse("meetings:outcome_add", args=[s["session"].pk]), {"office", "tf-coord"}),
        "meetings:summary": (reverse("meetings:summary", args=[s["session"].pk]), {"office", "tf-coord"}),
        "meetings:confirm": (reverse("meetings:confirm", args=[s["session"].pk]), {"office", "tf-coord", "lj-coord"}),
        "meetings:lock": (reverse("meetings:lock", args=[s["session"].pk]), {"office", "tf-coord"}),
        "meetings:amend": (reverse("meetings:amend", args=[s["session"].pk]), {"office", "tf-coord"}),
        "meetings:item_move": (reverse("meetings:item_move", args=[s["proposal"].pk]), set()),
        "meetings:item_remove": (reverse("meetings:item_remove", args=[s["proposal"].pk]), set()),
        "meetings:item_withdraw": (reverse("meetings:item_withdraw", args=[s["proposal"].pk]), {"office", "tf-coord"}),
        "meetings:action_step": (
            reverse("meetings:action_step", args=[s["meeting_action"].pk, "acknowledge"]),
            {"office", "tf-coord", "tf-unit"},
        ),
        # A case's steps: every member reaches them (the service says who may take which, as a message);
        # a leader or the office reopens a completed matter.
        **{
            f"supervision:case_{step}": (reverse(f"supervision:case_{step}", args=[s["case"].pk]), MEMBERS)
            for step in ("sign_off", "feedback", "complete", "close", "return")
        },
        "matters:reopen": (reverse("matters:reopen", args=[m.pk]), MEMBERS),
        **_register_expectations(s, "actions"),
    }


# Refusals that are not a 404: the persona sees the object, so the page says why it will not
# (action → persona → status). Everyone else not allowed an action gets 404.
REFUSED: dict[tuple[str, str], int] = {
    # The action's page is open to every member; the step itself is refused with a message on it.
    **{("meetings:action_step", persona): 302 for persona in ("lj-coord", "lj-unit", "leader", "auditor")},
}
# What the walk posts to an action that needs more than nothing to reach its door (to everyone alike).
BODIES = {
    "meetings:schedule_item": lambda s: {"item": s["proposal"].pk},
}


def _names(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{entry.namespace}:" if entry.namespace else ""
            yield from _names(entry.url_patterns, prefix + ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield prefix + entry.name


# Everyone the walks below take round: the personas, and a member of a second partnership (its office admin,
# who runs everything there) to whom this partnership must be as closed as to the outsider.
OTHER = "other-office"
# Endpoints that list the caller's own rows, not the partnership's: prefix → the ids the caller must see.
PERSONAL = {"todos": lambda user: set(open_for(user).values_list("pk", flat=True))}
WALKERS = (*PERSONAS, OTHER)


def _walker(scene, persona):
    return scene["other"].users["office"] if persona == OTHER else scene["world"].users[persona]


def _as_whom(persona: str) -> str:
    """Whose column of the matrix a walker follows: to this partnership, the other's office is an outsider."""
    return "outsider" if persona == OTHER else persona


def _snapshot() -> dict[str, list[str]]:
    """Every row of the office's data (every twincity model, and the users), to show that a refusal wrote
    nothing. API tokens aside: authenticating stamps a token's last use, which is not the office's data."""

    rows = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if model is ApiToken or meta.proxy or not meta.managed:
            continue
        if model.__module__.startswith("twincity.") or meta.label == "auth.User" or meta.auto_created:
            rows[meta.label] = sorted(map(repr, model._base_manager.order_by().values_list()))
    return rows


def _changed(before: dict, after: dict) -> list[str]:
    return sorted(label for label in before if before[label] != after[label])


def _undone_if_done(send):
    """Send a write and undo it if it was taken (a 2xx or 3xx answer): the next request meets the scene as
    built. An answer of 400 or more is kept, so that the walk's last snapshot shows it changed nothing."""
    with transaction.atomic():
        response = send()
        if response.status_code < 400:
            transaction.set_rollback(True)
    return response


class TestPages:
    """Every page as every persona."""

    def test_every_page_is_in_the_matrix(self, scene):
        covered = set(pages(scene)) | set(actions(scene))
        names = {n for n in _names(get_resolver().url_patterns) if not n.startswith(EXEMPT_PREFIXES)}
        assert names - covered == set(), "pages without an access expectation"

    @pytest.mark.parametrize("persona", PERSONAS)
    def test_each_persona_reaches_exactly_the_pages_of_their_role(self, client, scene, persona):
        client.force_login(scene["world"].users[persona])
        for name, (url, allowed) in pages(scene).items():
            if url is None or allowed is None:
                continue
            response = client.get(url)
            expected = 200 if persona in allowed else 404
            assert response.status_code == expected, f"{persona} GET {name} {url}"

    @pytest.mark.parametrize("persona", PERSONAS)
    def test_nobody_reaches_another_partnerships_data(self, client, scene, persona):
        client.force_login(scene["world"].users[persona])
        other = scene["other"]
        for url in (
            reverse("dashboard", args=[other.partnership.pk]),
            reverse("matters:matter", args=[scene["other_matter"].pk]),
            reverse("matters:edit", args=[scene["other_matter"].pk]),
            reverse("regions:partnership", args=[other.partnership.pk]),
            reverse("regions:organisation", args=[other.tf_dept.pk]),
        ):
            assert client.get(url).status_code == 404, f"{persona} {url}"
        listing = client.get(reverse("matters:list") + f"?partnership={other.partnership.pk}")
        assert "别的合作机制的事项" not in listing.content.decode()
        assert other.partnership.name not in listing.content.decode()
        assert other.tf_dept.name not in listing.content.decode()  # not even as a filter choice
        search = client.get(reverse("matters:list") + "?q=合作机制")
        assert "别的合作机制的事项" not in search.content.decode()

    def test_the_outsider_sees_no_row_no_count_no_search_hit(self, client, scene):
        client.force_login(scene["world"].users["outsider"])
        for url in (
            reverse("matters:list"),
            reverse("matters:list") + "?q=内陆开放门户",
            reverse("matters:list") + f"?partnership={scene['world'].partnership.pk}",
        ):
            response = client.get(url, headers={"HX-Request": "true"})
            body = response.content.decode()
            assert response.status_code == 200
            assert "共建内陆开放门户" not in body
            assert scene["matter"].code not in body
        assert client.get(reverse("home")).status_code == 200  # the welcome page, not a dashboard

    def test_anonymous_visitors_are_sent_to_sign_in(self, client, scene):
        for name, (url, allowed) in pages(scene).items():
            if url is None or allowed is None:
                continue
            response = client.get(url)
            assert response.status_code == 302, name
            assert "/accounts/login/" in response["Location"], name
        assert client.get(reverse("healthz")).status_code == 200

    @pytest.mark.parametrize("persona", ["office", "tf-coord", "tf-unit", "leader"])
    def test_the_other_partnerships_register_and_meeting_pages_are_a_404(self, client, scene, persona):
        """Every page of an entry, a meeting or a matter of the other partnership (its register scenes walked
        with the same expectations as ours): a 404 to each member of this one."""
        other = scene["other"]
        client.force_login(scene["world"].users[persona])
        urls = [
            reverse("meetings:series", args=[other.series.pk]),
            reverse("meetings:session", args=[other.session.pk]),
            reverse("meetings:action", args=[other.action.pk]),
            reverse("matters:matter", args=[other.matter.pk]),
        ]
        for module in register_access_modules():
            register_scene = other.registers[module.__name__.split(".")[1]]
            urls += [url for url, _allowed in module.pages(register_scene).values() if url and "?" not in url]
        for url in urls:
            assert client.get(url).status_code == 404, f"{persona} {url}"

    @pytest.mark.parametrize("persona", ["office", "tf-unit", "leader"])
    def test_exports_and_calendar_feeds_hold_nothing_of_the_other_partnership(self, client, scene, persona):

        world, other = scene["world"], scene["other"]
        client.force_login(world.users[persona])
        foreign_names = {other.partnership.name, other.tf_dept.name, other.lj_dept.name, other.tf_dept2.name}
        exports = [reverse("matters:export")]
        for module in register_access_modules():
            register_scene = scene["registers"][module.__name__]
            exports += [
                url.split("?")[0] for name, (url, _a) in module.pages(register_scene).items() if "export" in name
            ]
        for url in exports:
            own = client.get(url, {"partnership": world.partnership.pk})
            assert own.status_code == 200, url
            cells = " ".join(
                str(cell)
                for sheet in load_workbook(io.BytesIO(own.content), read_only=True).worksheets
                for row in sheet.iter_rows(values_only=True)
                for cell in row
                if cell is not None
            )
            assert not any(name in cells for name in foreign_names), url
            assert client.get(url, {"partnership": other.partnership.pk}).status_code in (400, 404), url
        _token, secret = issue_calendar_token(world.users[persona])
        feed = client.get(reverse("notifications:feed", args=[secret])).content.decode()
        for session in Session.objects.filter(series__partnership=other.partnership):
            assert session_uid(session) not in feed
        assert any(session_uid(s) in feed for s in Session.objects.filter(series__partnership=world.partnership))
        series_feed = client.get(reverse("notifications:series_feed", args=[secret, other.series.pk]))
        assert series_feed.status_code == 404


class TestActions:
    """Every POST action as every persona: who reaches it, and that a refusal changes nothing."""

    @pytest.mark.parametrize("persona", sorted(EVERYONE - {"office", "lj-coord", "lj-unit"}))
    def test_only_the_owning_side_closes_a_milestone(self, client, scene, persona):
        client.force_login(scene["world"].users[persona])
        response = client.post(
            reverse("matters:close_milestone", args=[scene["milestone"].pk]),
            {"version": scene["milestone"].version, "done_date": "2020-05-01", "evidence": "协议文本"},
        )
        assert response.status_code == 404
        scene["milestone"].refresh_from_db()
        assert scene["milestone"].done_date is None

    def test_a_unit_contact_closes_its_own_sides_milestone(self, client, scene):
        client.force_login(scene["world"].users["lj-unit"])
        response = client.post(
            reverse("matters:close_milestone", args=[scene["milestone"].pk]),
            {"version": scene["milestone"].version, "done_date": "2020-05-01", "evidence": "协议文本"},
        )
        assert response.status_code == 302
        scene["milestone"].refresh_from_db()
        assert scene["milestone"].done_date == dt.date(2020, 5, 1)

    def test_a_coordinator_cannot_edit_the_other_sides_progress_report(self, scene):
        report = scene["report"]  # filed by the Tianfu side
        with pytest.raises(services.PermissionDenied):
            services.update_progress_report(
                report, user=scene["world"].users["lj-coord"], version=report.version, text="改写"
            )
        report.refresh_from_db()
        assert report.text == "完成方案"
        services.update_progress_report(
            report, user=scene["world"].users["tf-coord"], version=report.version, text="补充说明"
        )
        report.refresh_from_db()
        assert report.text == "补充说明"

    @pytest.mark.parametrize("persona", ["leader", "auditor", "tf-unit"])
    def test_readers_cannot_edit_a_matter(self, client, scene, persona):
        client.force_login(scene["world"].users[persona])
        m = scene["matter"]
        response = client.post(reverse("matters:edit", args=[m.pk]), {"title": "被改了", "version": m.version})
        assert response.status_code == 404
        response = client.post(
            reverse("matters:change_status", args=[m.pk]), {"status": "suspended", "version": m.version}
        )
        assert response.status_code == 403
        assert Matter.objects.get(pk=m.pk).title == m.title
        assert Matter.objects.get(pk=m.pk).status == "in_progress"

    def test_a_leader_confirms_completion_through_the_page(self, client, scene):
        client.force_login(scene["world"].users["leader"])
        m = scene["matter"]
        url = reverse("matters:change_status", args=[m.pk])
        # Without an opinion, and before every owning side has reported completion, it is refused.
        client.post(url, {"status": "completed", "version": m.version})
        assert Matter.objects.get(pk=m.pk).status != "completed"
        case = case_of(m)
        for side in case.sides.all():
            supervision.report_completion(case, side, user=scene["world"].users["office"], note="已完成")
        client.post(url, {"status": "completed", "version": m.version})
        assert Matter.objects.get(pk=m.pk).status != "completed"
        response = client.post(url, {"status": "completed", "version": m.version, "reason": "同意，已核实"})
        assert response.status_code == 302
        assert Matter.objects.get(pk=m.pk).status == "completed"

    def test_the_outsider_cannot_download_an_attachment_and_members_can(self, client, scene):
        url = reverse("core:attachment", args=[scene["attachment"].pk])
        client.force_login(scene["world"].users["outsider"])
        assert client.get(url).status_code == 404
        client.force_login(scene["world"].users["lj-unit"])
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF")
        assert "attachment" in response["Content-Disposition"]

    def test_uploads_of_the_wrong_type_are_refused(self, client, scene):
        client.force_login(scene["world"].users["tf-unit"])
        m = scene["matter"]
        fake = SimpleUploadedFile("evil.pdf", b"<script>alert(1)</script>", content_type="application/pdf")
        response = client.post(
            reverse("matters:file_progress", args=[m.pk]),
            {
                "side": scene["world"].tf.pk,
                "period": "2020-07",
                "percent_complete": 50,
                "text": "进展",
                "files": [fake],
            },
        )
        assert response.status_code == 302
        assert m.reports.count() == 1  # the report with the bad file was not kept either
        exe = SimpleUploadedFile("tool.exe", io.BytesIO(b"MZ").read())
        client.post(
            reverse("matters:file_progress", args=[m.pk]),
            {"side": scene["world"].tf.pk, "period": "2020-07", "percent_complete": 50, "text": "进展", "files": [exe]},
        )
        assert m.reports.count() == 1

    @pytest.mark.parametrize("persona", PERSONAS)
    def test_meeting_actions_are_a_404_for_whoever_may_not_take_them(self, client, scene, persona):
        """Each POST of the meetings, sent by someone outside its allowed set, changes nothing and says 404."""

        client.force_login(scene["world"].users[persona])
        for name, (url, allowed) in actions(scene).items():
            if not name.startswith("meetings:") or persona in allowed:
                continue
            if name == "meetings:action_step":
                continue  # readers reach the action's page; the service refuses the step (tested below)
            assert client.post(url, {}).status_code == 404, f"{persona} POST {name}"
        assert not Session.objects.get(pk=scene["next_session"].pk).agenda_frozen
        if persona not in {"office", "tf-coord", "tf-unit"}:
            step = actions(scene)["meetings:action_step"][0]
            response = client.post(step, {"text": ""})
            assert response.status_code in (302, 404)
            assert ActionItem.objects.get(pk=scene["meeting_action"].pk).status == "assigned"

    @pytest.mark.parametrize("persona", PERSONAS)
    def test_register_actions_are_a_404_for_whoever_may_not_take_them(self, client, scene, persona):
        """Every POST of every register, as every persona who may not take it: 404, and nothing changes."""

        client.force_login(scene["world"].users[persona])
        register_actions = _register_expectations(scene, "actions")
        events = AuditEvent.objects.count()
        for name, (url, allowed) in register_actions.items():
            if url is None or persona in allowed:
                continue
            assert client.post(url, {}).status_code == 404, f"{persona} POST {name}"
        assert AuditEvent.objects.count() == events

    @pytest.mark.parametrize("persona", WALKERS)
    def test_every_post_action_as_every_persona(self, client, scene, persona):
        """Every POST of the matrix, as every persona and as a member of another partnership: whoever may
        take it reaches it (an answer of its own: a form, a message, a refusal with a reason; never a 404
        nor a server error); whoever may not is told 404 (or what REFUSED says); nothing a refusal answers
        is left in the database."""
        client.force_login(_walker(scene, persona))
        before = _snapshot()
        wrong = []
        for name, (url, allowed) in actions(scene).items():
            if url is None:
                continue
            body = BODIES[name](scene) if name in BODIES else {}
            if _as_whom(persona) in allowed:
                with transaction.atomic():  # a step taken is undone: the next action meets the scene as built
                    status = client.post(url, body).status_code
                    transaction.set_rollback(True)
                if status == 404 or status >= 500:
                    wrong.append(f"{name}: {status}, but {persona} may take it")
            else:
                status = client.post(url, body).status_code
                if status != REFUSED.get((name, persona), 404):
                    wrong.append(f"{name}: {status}, but {persona} may not take it")
        assert wrong == [], f"{persona} POST: {wrong}"
        assert _changed(before, _snapshot()) == [], f"a refused POST of {persona} wrote"


# --- The API, and two partnerships side by side: nobody of one sees or touches the other ---------------


def _api(user):

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {ApiToken.issue(user)[1]}")
    return client


def _ids_by_endpoint(user) -> dict[str, set[int]]:
    """What ``user`` sees in every list of the router (archived rows included where a list can show them)."""

    client = _api(user)
    seen = {}
    for prefix, _viewset, _basename in router.registry:
        rows = client.get(f"/api/{prefix}/", {"limit": 500}).json()["results"]
        archived = client.get(f"/api/{prefix}/", {"limit": 500, "archived": "true"})
        if archived.status_code == 200:
            rows += archived.json()["results"]
        seen[prefix] = {row["id"] for row in rows}
    return seen


@pytest.fixture(scope="class")
def built_two_sides(built_scene, django_db_blocker):
    """Each partnership's rows, as its office reads them through the API (once for the class)."""
    world, other = built_scene["world"], built_scene["other"]
    with django_db_blocker.unblock():
        mine, theirs = _ids_by_endpoint(world.users["office"]), _ids_by_endpoint(other.users["office"])
    assert all(mine[prefix].isdisjoint(theirs[prefix]) for prefix in mine)
    assert sum(bool(ids) for ids in theirs.values()) >= len(theirs) - 3  # the other is full (a check on the check)
    return mine, theirs


@pytest.fixture
def two_sides(scene, built_two_sides):
    mine, theirs = built_two_sides
    return scene["world"], scene["other"], mine, theirs


class TestApi:
    """Every endpoint of the router as every persona."""

    def test_every_api_list_is_empty_for_the_outsider_and_closed_to_the_anonymous(self, client, scene):
        """Every endpoint of the router, registers included: with the whole scene in the database, the outsider's
        lists hold no row and the anonymous caller is asked to sign in."""

        outsider = APIClient()
        outsider.credentials(HTTP_AUTHORIZATION=f"Token {ApiToken.issue(scene['world'].users['outsider'])[1]}")
        member = APIClient()
        member.credentials(HTTP_AUTHORIZATION=f"Token {ApiToken.issue(scene['world'].users['auditor'])[1]}")
        seen_by_members = 0
        for prefix, _viewset, _basename in router.registry:
            url = f"/api/{prefix}/"
            assert client.get(url).status_code in (401, 403), url
            response = outsider.get(url)
            assert response.status_code == 200, url
            assert response.json()["results"] == [], url
            seen_by_members += bool(member.get(url).json()["results"])
        assert seen_by_members >= len(router.registry) - 3  # the scene fills nearly every list (a check on the check)

    @pytest.mark.parametrize("persona", PERSONAS)
    def test_no_api_list_shows_a_row_of_the_other_partnership(self, two_sides, persona):
        world, other, mine, theirs = two_sides
        for user, foreign in ((world.users[persona], theirs), (other.users[persona], mine)):
            for prefix, ids in _ids_by_endpoint(user).items():
                assert ids.isdisjoint(foreign[prefix]), f"{user} sees another partnership's {prefix}"

    @pytest.mark.parametrize("persona", PERSONAS)
    def test_every_detail_edit_and_step_of_the_other_partnership_is_a_404_through_the_api(self, two_sides, persona):

        world, _other, _mine, theirs = two_sides
        client = _api(world.users[persona])
        for prefix, viewset, _basename in router.registry:
            steps = [a.url_path for a in viewset.get_extra_actions() if a.detail and "post" in a.mapping]
            for pk in sorted(theirs[prefix])[:2]:
                url = f"/api/{prefix}/{pk}/"
                assert client.get(url).status_code == 404, f"{persona} GET {url}"
                if "patch" in viewset.http_method_names and hasattr(viewset, "partial_update"):
                    response = client.patch(url, {"title": "改了", "version": 1}, format="json", HTTP_IF_MATCH='"1"')
                    assert response.status_code == 404, f"{persona} PATCH {url}"
                for step in steps:
                    assert client.post(f"{url}{step}/", {}, format="json").status_code == 404, f"{persona} {url}{step}/"

    @pytest.mark.parametrize("persona", WALKERS)
    def test_every_endpoint_lists_shows_and_writes_as_the_door_says(self, two_sides, persona):
        """Every endpoint of the router as every persona and a member of another partnership. A member lists
        what the office lists (every member reads the whole partnership) and opens each of it; an edit
        (PATCH) is taken exactly when the door says ``change``, else refused with 403; each step and create
        answers without a server error. To the outsider and the other partnership's member every list
        holds none of this partnership's rows and every detail, edit and step is a 404. No refusal writes."""

        world, other, mine, _theirs = two_sides
        user = world.users.get(persona) if persona != OTHER else other.users["office"]
        member = persona in MEMBERS
        client = _api(user)
        seen = _ids_by_endpoint(user)
        before = _snapshot()
        wrong = []
        for prefix, viewset, _basename in router.registry:
            personal = PERSONAL.get(prefix)
            if personal is not None:  # a list of the caller's own rows: exactly theirs, whoever they are
                if seen[prefix] != personal(user):
                    wrong.append(f"list {prefix}: {sorted(seen[prefix])} of {sorted(personal(user))}")
            elif (seen[prefix] == mine[prefix]) if member else seen[prefix].isdisjoint(mine[prefix]):
                pass
            else:
                wrong.append(f"list {prefix}: {sorted(seen[prefix])} of {sorted(mine[prefix])}")
            steps = [a.url_path for a in viewset.get_extra_actions() if a.detail and "post" in a.mapping]
            writable = "patch" in viewset.http_method_names and hasattr(viewset, "partial_update")
            for pk in sorted(mine[prefix])[:2]:
                url = f"/api/{prefix}/{pk}/"
                status = client.get(url).status_code
                if personal is not None:
                    if status != (200 if pk in seen[prefix] else 404):
                        wrong.append(f"GET {url}: {status} (someone else's to-do?)")
                elif status != (200 if member else 404):
                    wrong.append(f"GET {url}: {status}")
                if writable:
                    obj = viewset.queryset.model._base_manager.get(pk=pk)
                    version = getattr(obj, "version", 1)
                    status = _undone_if_done(
                        lambda url=url, version=version: client.patch(
                            url, {}, format="json", HTTP_IF_MATCH=f'"{version}"'
                        )
                    ).status_code
                    expected = (200 if can(user, Action.CHANGE, obj) else 403) if member else 404
                    if status != expected:
                        wrong.append(f"PATCH {url}: {status}, expected {expected}")
                for step in steps:
                    status = _undone_if_done(
                        lambda url=url, step=step: client.post(f"{url}{step}/", {}, format="json")
                    ).status_code
                    if (status == 404 or status >= 500) if member else status != 404:
                        wrong.append(f"POST {url}{step}/: {status}")
            if "post" in viewset.http_method_names and hasattr(viewset, "create"):
                status = _undone_if_done(
                    lambda prefix=prefix: client.post(f"/api/{prefix}/", {}, format="json")
                ).status_code
                if status >= 500 or status < 400:
                    wrong.append(f"POST /api/{prefix}/ (nothing): {status}")
        assert wrong == [], f"{persona}: {wrong}"
        assert _changed(before, _snapshot()) == [], f"a refused API write of {persona} wrote"


class TestNoticeApi:
    """/api/notices/ (outside the router's walk, which assumes every member reads every row): my preferences are
    mine alone; the outbox and the robots are the office's, and a 404 to everyone else, the other partnership's
    office included. No refusal writes; a robot's secret is never read back."""

    @pytest.mark.parametrize("persona", WALKERS)
    def test_notices_api_as_every_persona(self, scene, persona):
        user = _walker(scene, persona)
        office = _as_whom(persona) == "office"
        client = _api(user)
        robot, failed = scene["robot"], scene["failed_delivery"]
        own = client.get("/api/notices/preferences/")
        assert own.status_code == 200
        assert {row["timing"] for row in own.json()} == {"immediate"}
        before = _snapshot()
        deliveries = client.get("/api/notices/deliveries/").json()["results"]
        robots = client.get("/api/notices/robots/").json()["results"]
        ours = {d["partnership"] for d in deliveries} | {r["partnership"] for r in robots}
        assert (scene["world"].partnership.pk in ours) == office
        assert all("secret" not in r for r in robots)
        expected = 200 if office else 404
        assert client.get(f"/api/notices/deliveries/{failed.pk}/").status_code == expected
        assert client.get(f"/api/notices/robots/{robot.pk}/").status_code == expected
        wrong = []
        for method, url, body in (
            ("post", f"/api/notices/deliveries/{failed.pk}/retry/", {}),
            ("patch", f"/api/notices/robots/{robot.pk}/", {"name": "改了", "version": robot.version}),
            ("post", f"/api/notices/robots/{robot.pk}/test/", {}),
        ):
            status = _undone_if_done(lambda m=method, u=url, b=body: getattr(client, m)(u, b, format="json"))
            if status.status_code != expected:
                wrong.append(f"{method} {url}: {status.status_code}")
        create = _undone_if_done(
            lambda: client.post(
                "/api/notices/robots/",
                {
                    "partnership": scene["world"].partnership.pk,
                    "name": "新群",
                    "kind": "dingtalk",
                    "webhook_url": "https://oapi.dingtalk.com/robot/send?access_token=x",
                    "secret": "SEC",
                },
                format="json",
            )
        )
        if create.status_code != (201 if office else 400):
            wrong.append(f"create: {create.status_code} {create.content[:200]}")
        if office:
            assert "secret" not in create.json()
        assert wrong == [], f"{persona}: {wrong}"
        assert _changed(before, _snapshot()) == [], f"a refused notices API write of {persona} wrote"

    def test_a_persons_preferences_change_only_their_own(self, scene):
        lj, tf = scene["world"].users["lj-coord"], scene["world"].users["tf-coord"]
        client = _api(lj)
        bad = client.post(
            "/api/notices/preferences/", [{"kind": "x", "channel": "email", "timing": "off"}], format="json"
        )
        assert bad.status_code == 400
        digest_in_app = [{"kind": "agenda_published", "channel": "in_app", "timing": "digest"}]
        assert client.post("/api/notices/preferences/", digest_in_app, format="json").status_code == 400
        ok = [{"kind": "agenda_published", "channel": "email", "timing": "digest"}]
        assert client.post("/api/notices/preferences/", ok, format="json").json() == {"changed": 1}
        mine = {(r["kind"], r["channel"]): r["timing"] for r in client.get("/api/notices/preferences/").json()}
        assert mine[("agenda_published", "email")] == "digest"
        theirs = _api(tf).get("/api/notices/preferences/").json()
        assert {r["timing"] for r in theirs} == {"immediate"}
