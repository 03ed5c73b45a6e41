"""To-do 待办: each persona sees what waits for their desk after an event, and it goes when it is done."""

import datetime as dt
import re
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from twincity.accounts.access import Part, desks
from twincity.audit.context import acting
from twincity.core.registry import frame_counts
from twincity.core.services import update_rows
from twincity.exchanges import services as exchange_services
from twincity.matters import services as matter_services
from twincity.matters.choices import MatterStatus
from twincity.matters.models import Matter
from twincity.meetings import services as meeting_services
from twincity.meetings.choices import OutcomeKind
from twincity.meetings.models import ActionItem
from twincity.petitions import services as petition_services
from twincity.regions.models import Partnership
from twincity.supervision import todos
from twincity.supervision.choices import CaseState, Rating, TodoKind
from twincity.supervision.models import Case, CaseSide, Todo
from twincity.supervision.services import case_of
from twincity.testing import PERSONAS, build_world, make_matter

pytestmark = pytest.mark.django_db

K = TodoKind


def kinds(user) -> dict[str, int]:
    """What waits for ``user`` now: kind → how many."""
    found: dict[str, int] = {}
    for kind in todos.open_for(user).values_list("kind", flat=True):
        found[kind] = found.get(kind, 0) + 1
    return found


def waiting(world, kind) -> set[str]:
    """The personas for whom a to-do of ``kind`` waits now."""
    return {p for p in PERSONAS if kind in kinds(world.users[p])}


def at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 30)))


def held_session(world, *, days_ago: int = 3):
    office = world.users["office"]
    today = timezone.localdate()
    with acting(office):
        series = meeting_services.create_series(partnership=world.partnership, user=office, name="联席会议")
        session = meeting_services.add_session(series, user=office, starts_at=at(today - dt.timedelta(days=days_ago)))
        meeting_services.add_item(session, user=office, title="合作事项推进情况", side=world.tf)
        meeting_services.publish_agenda(session, user=office)
        outcome = meeting_services.record_outcome(
            session,
            user=office,
            kind=OutcomeKind.DECISION,
            text="同意",
            action=meeting_services.ActionSpec(
                title="联合开展市场监管执法",
                due_date=today + dt.timedelta(days=2),
                owners=[world.tf_dept, world.lj_dept],
            ),
        )
    session.refresh_from_db()
    return session, outcome.actions.get()


def snapshot() -> set[tuple]:
    return set(
        Todo.objects.open().values_list(
            "partnership_id",
            "part",
            "scope_id",
            "kind",
            "content_type_id",
            "object_id",
            "title",
            "url",
            "due_on",
            "active_from",
        )
    )


# ------------------------------------------------------------------------------------------------ per event


def test_a_joint_request_waits_for_each_sides_coordinator_until_that_side_endorses(world):
    office = world.users["office"]
    with acting(office):
        petition = petition_services.create_petition(
            partnership=world.partnership,
            user=office,
            title="出台打造内陆开放门户指导规划",
            year=2020,
            text="恳请。",
            target_authority="国家发展改革委",
        )
    assert waiting(world, K.ENDORSE_REQUEST) == {"tf-coord", "lj-coord"}
    with acting(world.users["tf-coord"]):
        petition_services.endorse(petition, user=world.users["tf-coord"], side=world.tf)
    assert waiting(world, K.ENDORSE_REQUEST) == {"lj-coord"}
    done = Todo.objects.get(kind=K.ENDORSE_REQUEST, scope_id=world.tf.pk)
    assert done.done_at is not None  # kept, as the record of when it was done
    with acting(office):
        petition_services.revise_text(petition, user=office, text="恳请出台。")
    assert waiting(world, K.ENDORSE_REQUEST) == {"tf-coord", "lj-coord"}  # a new text needs both again
    for persona, side in (("tf-coord", world.tf), ("lj-coord", world.lj)):
        with acting(world.users[persona]):
            petition_services.endorse(petition, user=world.users[persona], side=side)
    assert waiting(world, K.ENDORSE_REQUEST) == set()


def test_minutes_wait_for_each_side_then_the_office_locks_them(world):
    session, _action = held_session(world)
    assert waiting(world, K.CONFIRM_MINUTES) == {"tf-coord", "lj-coord"}
    with acting(world.users["lj-coord"]):
        meeting_services.confirm_minutes(session, user=world.users["lj-coord"], side=world.lj)
    assert waiting(world, K.CONFIRM_MINUTES) == {"tf-coord"}
    assert waiting(world, K.LOCK_MINUTES) == set()
    with acting(world.users["tf-coord"]):
        meeting_services.confirm_minutes(session, user=world.users["tf-coord"], side=world.tf)
    assert waiting(world, K.CONFIRM_MINUTES) == set()
    assert waiting(world, K.LOCK_MINUTES) == {"office"}
    with acting(world.users["office"]):
        meeting_services.lock_minutes(session, user=world.users["office"])
    assert waiting(world, K.LOCK_MINUTES) == set()


def test_an_edit_of_confirmed_minutes_asks_the_sides_again(world):
    session, _action = held_session(world)
    for persona, side in (("tf-coord", world.tf), ("lj-coord", world.lj)):
        with acting(world.users[persona]):
            meeting_services.confirm_minutes(session, user=world.users[persona], side=side)
    with acting(world.users["office"]):
        meeting_services.update_minutes_summary(session, user=world.users["office"], summary="会议纪要（修改）")
    assert waiting(world, K.CONFIRM_MINUTES) == {"tf-coord", "lj-coord"}  # the confirmations were withdrawn
    assert waiting(world, K.LOCK_MINUTES) == set()


def test_the_office_publishes_a_coming_agenda_from_two_weeks_before(world):
    office = world.users["office"]
    today = timezone.localdate()
    with acting(office):
        series = meeting_services.create_series(partnership=world.partnership, user=office, name="联席会议")
        soon = meeting_services.add_session(series, user=office, starts_at=at(today + dt.timedelta(days=10)))
        meeting_services.add_session(series, user=office, starts_at=at(today + dt.timedelta(days=40)))
    assert kinds(office) == {K.PUBLISH_AGENDA: 1}  # the later one waits from its own day - 14
    assert waiting(world, K.PUBLISH_AGENDA) == {"office"}
    with acting(office):
        meeting_services.add_item(soon, user=office, title="议题", side=world.tf)
        meeting_services.publish_agenda(soon, user=office)
    assert waiting(world, K.PUBLISH_AGENDA) == set()
    # The later session's to-do is there, waiting for its day.
    assert Todo.objects.open().filter(kind=K.PUBLISH_AGENDA, active_from=today + dt.timedelta(days=26)).count() == 1


def case_todos(action):
    return Todo.objects.open().filter(content_type__model="case", object_id=case_of(action).pk)


def test_an_action_waits_for_each_owning_side_then_the_office(world):
    """A meeting action is followed by its supervision case: each owning side signs off (acknowledges) and
    reports on its own; one side's step does not clear the other's; then the office rates it."""
    _session, action = held_session(world)
    assert waiting(world, K.SIGN_OFF_CASE) == {"tf-unit", "lj-unit"}
    with acting(world.users["tf-unit"]):
        meeting_services.acknowledge_action(action, user=world.users["tf-unit"])
    assert waiting(world, K.SIGN_OFF_CASE) == {"lj-unit"}  # Liangjiang has not acknowledged yet
    # Due in two days: the report of completion waits for the side that signed off.
    assert waiting(world, K.REPORT_COMPLETION) == {"tf-unit"}
    with acting(world.users["lj-unit"]):
        meeting_services.acknowledge_action(action, user=world.users["lj-unit"])
    assert waiting(world, K.REPORT_COMPLETION) == {"tf-unit", "lj-unit"}
    for persona in ("tf-unit", "lj-unit"):
        with acting(world.users[persona]):
            meeting_services.report_done(action, user=world.users[persona], text="已完成，见附件")
    assert waiting(world, K.REPORT_COMPLETION) == set()
    assert waiting(world, K.RATE_CASE) == {"office"}
    with acting(world.users["office"]):
        meeting_services.verify_action(action, user=world.users["office"], rating=Rating.GOOD)
    assert waiting(world, K.RATE_CASE) == set()
    assert case_todos(action).count() == 0
    assert Todo.objects.open().filter(content_type__model="actionitem").count() == 0  # one set of to-dos, not two


def test_a_returned_action_waits_for_its_owners_again(world):
    _session, action = held_session(world)
    for persona in ("tf-unit", "lj-unit"):
        with acting(world.users[persona]):
            meeting_services.acknowledge_action(action, user=world.users[persona])
            meeting_services.report_done(action, user=world.users[persona], text="已完成")
    assert waiting(world, K.RATE_CASE) == {"office"}
    with acting(world.users["office"]):
        meeting_services.return_action(action, user=world.users["office"], reason="证据不足")
    assert waiting(world, K.RATE_CASE) == set()
    assert waiting(world, K.REPORT_COMPLETION) == {"tf-unit", "lj-unit"}


def test_leaders_see_what_waits_for_their_decision(world):
    leader = world.users["leader"]
    proposed = make_matter(world, status=MatterStatus.PROPOSED, title="共建西部科学城")
    assert waiting(world, K.APPROVE_MATTER) == {"leader"}
    with acting(leader):
        matter_services.change_status(proposed, MatterStatus.APPROVED, user=leader)
    assert waiting(world, K.APPROVE_MATTER) == set()

    running = make_matter(world, title="共建内陆开放门户")
    for persona, side in (("tf-unit", world.tf), ("lj-unit", world.lj)):
        with acting(world.users[persona]):
            matter_services.file_progress(
                running, user=world.users[persona], side_id=side.pk, period="2020-12", text="完成", percent_complete=100
            )
    assert waiting(world, K.CONFIRM_COMPLETION) == {"leader"}
    running.refresh_from_db()
    with acting(leader):
        matter_services.confirm_completion(running, user=leader, note="同意办结")
    assert waiting(world, K.CONFIRM_COMPLETION) == set()


def test_a_unit_sees_its_progress_report_due_and_a_report_puts_it_off(world):
    matter = make_matter(world)  # running since 2020-01-01, no report yet: both lead units are late
    assert waiting(world, K.REPORT_PROGRESS) == {"tf-unit", "lj-unit"}
    todo = Todo.objects.open().get(kind=K.REPORT_PROGRESS, scope_id=world.tf_dept.pk)
    assert todo.due_on == dt.date(2020, 1, 31)
    with acting(world.users["tf-unit"]):
        matter_services.file_progress(
            matter, user=world.users["tf-unit"], side_id=world.tf.pk, period="本月", text="推进中", percent_complete=30
        )
    assert waiting(world, K.REPORT_PROGRESS) == {"lj-unit"}
    later = Todo.objects.open().get(kind=K.REPORT_PROGRESS, scope_id=world.tf_dept.pk)
    assert later.due_on == timezone.localdate() + dt.timedelta(days=30)  # waiting again a week before that


def test_supervision_cases_wait_for_sign_off_feedback_completion_and_rating(world):
    today = timezone.localdate()
    case = Case.objects.create(
        partnership=world.partnership,
        content_type=ContentType.objects.get_for_model(Matter),
        object_id=1,
        kind="matter",
        code="M-1",
        title="督办事项",
        url="/m/1/",
        assigned_on=today - dt.timedelta(days=5),
        due_on=today + dt.timedelta(days=30),
    )
    tf = CaseSide.objects.create(case=case, side=world.tf, organisation=world.tf_dept, signoff_due_on=today)
    lj = CaseSide.objects.create(case=case, side=world.lj, signoff_due_on=today)  # no unit named: the coordinator
    assert waiting(world, K.SIGN_OFF_CASE) == {"tf-unit", "lj-coord"}
    tf.signed_at, tf.next_feedback_on = timezone.now(), today + dt.timedelta(days=1)
    tf.save()
    assert waiting(world, K.SIGN_OFF_CASE) == {"lj-coord"}
    assert waiting(world, K.GIVE_FEEDBACK) == {"tf-unit"}  # one day before it is due (remind_before_days)
    tf.next_feedback_on = today + dt.timedelta(days=5)
    tf.save()
    assert waiting(world, K.GIVE_FEEDBACK) == set()  # not yet: it waits from its own day
    assert waiting(world, K.REPORT_COMPLETION) == set()  # the due date is a month away
    for side in (tf, lj):
        side.signed_at = side.completed_at = timezone.now()
        side.save()
    case.state, case.completed_at = CaseState.COMPLETED, timezone.now()
    case.save()
    assert waiting(world, K.RATE_CASE) == {"office"}
    assert sum(len(kinds(world.users[p])) for p in PERSONAS if p != "office") == 0
    case.state = CaseState.CLOSED
    case.save()
    assert waiting(world, K.RATE_CASE) == set()


def test_a_host_unit_evaluates_its_seconded_cadre_at_the_end_of_the_term(world):
    office = world.users["office"]
    today = timezone.localdate()

    def second(**dates):
        with acting(office):
            return exchange_services.create_secondment(
                partnership=world.partnership,
                user=office,
                person_name="王某某",
                post="两江新区市场监管局副局长",
                home_organisation=world.lj_dept,
                host_organisation=world.tf_dept,
                **dates,
            )

    ending = second(start_date=today - dt.timedelta(days=300), end_date=today + dt.timedelta(days=5))
    second(start_date=today - dt.timedelta(days=10), end_date=today + dt.timedelta(days=300))  # not yet
    assert waiting(world, K.EVALUATE_SECONDMENT) == {"tf-unit"}  # the host's, not the home unit's
    ending = type(ending).objects.get(pk=ending.pk)
    with acting(office):
        exchange_services.cut_short(ending, user=office, on=today - dt.timedelta(days=1), reason="工作需要")
        exchange_services.evaluate(ending, user=world.users["tf-unit"], rating="excellent", evaluation="表现优秀")
    assert waiting(world, K.EVALUATE_SECONDMENT) == set()


# ------------------------------------------------------------------------------------------------ bulk, rebuild


def test_bulk_writes_keep_the_to_dos(world):
    matter = make_matter(world)
    update_rows(Matter.objects.filter(pk=matter.pk), status=MatterStatus.PROPOSED)
    assert waiting(world, K.APPROVE_MATTER) == {"leader"}
    assert waiting(world, K.REPORT_PROGRESS) == set()  # a proposed matter is not reported on


def test_rebuild_gives_what_the_incremental_updates_gave(world):
    office = world.users["office"]
    held_session(world)
    make_matter(world, status=MatterStatus.PROPOSED, title="共建西部科学城")
    with acting(office):
        petition_services.create_petition(
            partnership=world.partnership,
            user=office,
            title="请求",
            year=2020,
            text="恳请",
            target_authority="国家发展改革委",
        )
    incremental = snapshot()
    assert len(incremental) >= 7
    assert todos.rebuild() == 0  # already in step: nothing to open or close
    Todo.objects.all().delete()
    assert todos.rebuild(world.partnership) == len(incremental)
    assert snapshot() == incremental


def test_rebuild_closes_the_to_dos_of_records_that_are_gone(world):
    matter = make_matter(world, status=MatterStatus.PROPOSED)
    todo = Todo.objects.open().get(kind=K.APPROVE_MATTER)
    Todo.objects.filter(pk=todo.pk).update(object_id=matter.pk + 10_000)  # as if deleted behind the signals' back
    todos.rebuild()
    assert Todo.objects.get(pk=todo.pk).done_at is not None
    assert waiting(world, K.APPROVE_MATTER) == {"leader"}  # the real one was opened again


def test_the_rebuild_command_reports_and_refuses_an_unknown_partnership(world):
    make_matter(world, status=MatterStatus.PROPOSED)
    Todo.objects.all().delete()
    out = StringIO()
    call_command("rebuild_todos", partnership=world.partnership.pk, stdout=out)
    assert "1" in out.getvalue() or "2" in out.getvalue()
    assert waiting(world, K.APPROVE_MATTER) == {"leader"}
    with pytest.raises(CommandError):
        call_command("rebuild_todos", partnership=999_999, stdout=out)


# ------------------------------------------------------------------------------------------------ pages and API


def busy_world(world):
    held_session(world, days_ago=1)  # the action decided yesterday: its sign-off is due tomorrow
    make_matter(world, status=MatterStatus.PROPOSED, title="共建西部科学城")
    make_matter(world)
    return world


def test_nobody_sees_another_desks_to_dos_on_the_page_or_through_the_api(world, client_as, api_as):
    busy_world(world)
    all_open = set(Todo.objects.open().values_list("pk", flat=True))
    for persona in PERSONAS:
        user = world.users[persona]
        mine = {(p, part, scope) for p, part, scope in desks(user)}
        rows = api_as(persona).get("/api/todos/", {"limit": 500}).json()["results"]
        assert all((r["partnership"], r["part"], r["scope_id"]) in mine for r in rows), persona
        own = {r["id"] for r in rows}
        for pk in all_open - own:
            assert api_as(persona).get(f"/api/todos/{pk}/").status_code == 404, persona
        page = client_as(persona).get(reverse("supervision:todos"))
        assert page.status_code == 200
        shown = {int(pk) for pk in re.findall(r'data-todo="(\d+)"', page.content.decode())}
        assert shown == own, persona
    assert api_as("outsider").get("/api/todos/").json()["results"] == []
    assert api_as("auditor").get("/api/todos/count/").json() == {"count": 0}


def test_counts_match_the_lists_everywhere(world, client_as, api_as):
    busy_world(world)
    for persona in PERSONAS:
        user = world.users[persona]
        expected = todos.open_for(user).count()
        api = api_as(persona)
        assert api.get("/api/todos/count/").json() == {"count": expected}, persona
        assert api.get("/api/todos/", {"limit": 500}).json()["count"] == expected, persona
        page = client_as(persona).get(reverse("workspace:my_work")).content.decode()
        if expected:
            assert f'data-count="{expected}"' in page, persona  # the badge beside the bell, on every page
        else:
            assert "data-count=" not in page, persona
    assert kinds(world.users["leader"]) == {K.APPROVE_MATTER: 1}


def test_my_work_lists_the_to_dos_grouped_by_kind_with_links(world, client_as):
    busy_world(world)
    page = client_as("lj-coord").get(reverse("workspace:my_work")).content.decode()
    assert 'data-kind="confirm_minutes"' in page
    assert "确认会议纪要" in page or "Confirm the minutes" in page
    session_todo = Todo.objects.open().get(kind=K.CONFIRM_MINUTES, scope_id=world.lj.pk)
    assert f'href="{session_todo.url}"' in page
    assert 'data-kind="approve_matter"' not in page  # the leaders' decision is not the coordinator's
    leader_page = client_as("leader").get(reverse("workspace:my_work")).content.decode()
    assert 'data-kind="approve_matter"' in leader_page


def test_the_to_do_page_filters_by_kind_and_overdue(world, client_as):
    busy_world(world)
    action = ActionItem.objects.get()
    signing = f'href="{action.get_absolute_url()}"'
    client = client_as("lj-unit")  # an action to sign off (not overdue) and a progress report overdue since 2020
    every = client.get(reverse("supervision:todos")).content.decode()
    assert 'data-kind="sign_off_case"' in every
    assert signing in every
    assert 'data-kind="report_progress"' in every
    overdue = client.get(reverse("supervision:todos"), {"overdue": "true"}).content.decode()
    assert 'data-kind="report_progress"' in overdue
    assert signing not in overdue  # the action's sign-off is due in two days
    one_kind = client.get(reverse("supervision:todos"), {"kind": "sign_off_case"}).content.decode()
    assert 'data-kind="sign_off_case"' in one_kind
    assert 'data-kind="report_progress"' not in one_kind
    hostile = client.get(reverse("supervision:todos"), {"kind": "<script>", "overdue": "x" * 5000})
    assert hostile.status_code == 200  # a choice it does not know is a form error, never a server error


def test_the_api_refuses_writes_and_the_anonymous(world, api_as, client):
    busy_world(world)
    todo = todos.open_for(world.users["leader"]).get()
    api = api_as("leader")
    before = snapshot()
    for method in ("post", "put", "patch", "delete"):
        assert getattr(api, method)(f"/api/todos/{todo.pk}/", {}, format="json").status_code in (403, 405)
    assert api.post("/api/todos/", {"kind": "approve_matter"}, format="json").status_code == 405
    assert snapshot() == before
    assert client.get("/api/todos/").status_code in (401, 403)
    assert client.get("/api/todos/count/").status_code in (401, 403)


# ------------------------------------------------------------------------------------------------ the one query


def test_the_badge_costs_one_query(world, django_assert_num_queries):
    busy_world(world)
    for persona in ("tf-unit", "lj-coord", "lj-unit", "leader"):
        user = world.users[persona]
        desks(user)  # the memberships are loaded once per request, for the menu already
        with django_assert_num_queries(1):
            count = todos.count_for(user)
        assert count >= 1
        with django_assert_num_queries(1):  # the frame's: with the unread notices, in the same statement
            assert frame_counts(user)["todos"] == count


def test_the_badges_statement_counts_what_count_for_counts(world):
    """``count_query`` (the frame's plain statement) and ``count_for`` (the ORM's) agree for every persona and day:
    to-dos of every desk, done or open, active from yesterday, today or tomorrow, of another partnership."""
    busy_world(world)
    other = build_world(code_prefix="Z")
    busy_world(other)
    user = world.users["lj-coord"]
    today = timezone.localdate()
    content_type = ContentType.objects.get_for_model(Partnership)
    Todo.objects.bulk_create(
        Todo(
            partnership=world.partnership,
            part=part,
            scope_id=scope,
            kind=K.SIGN_OFF_CASE,
            content_type=content_type,
            object_id=1_000 + i,
            title="x",
            active_from=today + dt.timedelta(days=i % 3 - 1),
            done_at=timezone.now() if i % 4 == 0 else None,
        )
        for i, (part, scope) in enumerate(
            [(Part.COORDINATES_SIDES, world.lj.pk), (Part.COORDINATES_SIDES, world.tf.pk), (Part.RUNS_OFFICE, None)] * 4
            + [(Part.SPEAKS_FOR_UNITS, world.lj_dept.pk), (Part.DECIDES, None)] * 4
        )
    )
    assert todos.count_for(user) > 0
    for w in (world, other):
        for persona in PERSONAS:
            user = w.users[persona]
            for day in (today - dt.timedelta(days=1), today, today + dt.timedelta(days=1), None):
                asked = todos.count_query(user, day)
                if asked is None:
                    assert not desks(user), persona
                    assert todos.count_for(user, day) == 0
                    continue
                with connection.cursor() as cursor:
                    cursor.execute(*asked)
                    assert cursor.fetchone()[0] == todos.count_for(user, day), (persona, day)


def test_the_count_uses_the_partial_index(world):
    """On PostgreSQL the plan of the badge's count is an index scan of ``todo_open_desk`` among many to-dos of
    other desks; on SQLite the query planner's answer names the same index."""
    busy_world(world)
    content_type = ContentType.objects.get_for_model(Partnership)
    Todo.objects.bulk_create(
        Todo(
            partnership=world.partnership,
            part=Part.SPEAKS_FOR_UNITS,
            scope_id=1_000_000 + i,
            kind=K.SIGN_OFF_CASE,
            content_type=content_type,
            object_id=i,
            title="x",
            active_from=dt.date(2020, 1, 1),
            done_at=timezone.now() if i % 2 else None,
        )
        for i in range(20_000)
    )
    queryset = todos.open_for(world.users["lj-coord"])
    for sql, params in (queryset.query.sql_with_params(), todos.count_query(world.users["lj-coord"])):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ANALYZE supervision_todo")
            explain = "EXPLAIN" if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN"
            cursor.execute(f"{explain} {sql}", params)
            plan = " ".join(str(part) for row in cursor.fetchall() for part in row)
        assert "todo_open_desk" in plan, plan


def test_the_api_names_each_kind_in_the_readers_language(world, api_as):
    busy_world(world)
    rows = api_as("leader").get("/api/todos/").json()["results"]
    assert rows
    assert {r["kind_label"] for r in rows} == {str(TodoKind(r["kind"]).label) for r in rows}
    assert all(r["kind_label"] != r["kind"] for r in rows)


def test_matters_written_in_bulk_get_their_todos_from_one_reading_of_them(world):
    """``create_matters`` writes the matters, then their sides, then their owners; the to-dos are computed once, at
    the end, from the records with all their parts (each sides' lead units report), not once per write."""
    office = world.users["office"]
    rows = [
        matter_services.NewMatter(
            title=f"共建事项{n}",
            status=MatterStatus.IN_PROGRESS,
            owners=[matter_services.OwnerSpec(world.tf_dept), matter_services.OwnerSpec(world.lj_dept)],
            values={"field": world.field, "start_date": dt.date(2020, 1, 1), "due_date": dt.date(2020, 12, 31)},
        )
        for n in range(12)
    ]
    with acting(office), CaptureQueriesContext(connection) as ctx:
        created = matter_services.create_matters(rows, partnership=world.partnership, year=2020, user=office)
    readings = [q["sql"] for q in ctx.captured_queries if 'FROM "supervision_todo"' in q["sql"]]
    assert len(readings) == 1, readings  # one reconciliation for the 12 matters and their 24 sides and owners
    wanted = {(m.pk, unit.pk) for m in created for unit in (world.tf_dept, world.lj_dept)}
    found = set(
        Todo.objects.open()
        .filter(kind=K.REPORT_PROGRESS, object_id__in=[m.pk for m in created])
        .values_list("object_id", "scope_id")
    )
    assert found == wanted
    # Computed from the matters as written, with the sides and owners they hold: none of them is read back …
    assert not [q for q in ctx.captured_queries if 'FROM "matters_matterside"' in q["sql"]]
    assert not [q for q in ctx.captured_queries if 'FROM "matters_matterowner"' in q["sql"]]
    # … and what they give is what reading them back gives.
    assert todos.rebuild(world.partnership) == 0


def test_a_record_written_again_after_it_was_handed_over_is_read_back(world):
    """``todos.written`` stands in for reading a record back only until the record is written again."""
    office = world.users["office"]
    row = matter_services.NewMatter(
        title="共建事项",
        status=MatterStatus.IN_PROGRESS,
        owners=[matter_services.OwnerSpec(world.tf_dept)],
        values={"field": world.field, "start_date": dt.date(2020, 1, 1), "due_date": dt.date(2020, 12, 31)},
    )
    with acting(office), todos.together():
        [matter] = matter_services.create_matters([row], partnership=world.partnership, year=2020, user=office)
        # Written again behind the object's back (a bulk update): the object handed over is stale now.
        update_rows(Matter.objects.filter(pk=matter.pk), status=MatterStatus.PROPOSED)
    assert waiting(world, K.APPROVE_MATTER) == {"leader"}  # from the matter read back, not the stale object
    assert todos.rebuild(world.partnership) == 0


def test_a_record_without_its_parts_cannot_stand_for_itself(world):
    matter = make_matter(world)
    bare = Matter.objects.get(pk=matter.pk)  # its sides and owners not held
    with todos.together(), pytest.raises(ValueError, match="does not hold its parts"):
        todos.written([bare])


def test_nothing_is_refreshed_when_the_batch_fails(world):
    def failing_batch():
        with todos.together():
            make_matter(world)
            raise RuntimeError("undone by the caller's transaction")

    before = snapshot()
    with pytest.raises(RuntimeError):
        failing_batch()
    # Inside together() nothing was reconciled; the failure leaves it so (the caller's transaction undoes the rest).
    assert snapshot() == before
