"""The people and places tests speak of, built in code.

``build_world()`` makes a two-sided partnership (Tianfu 天府 and Liangjiang 两江) with the office,
a few units on each side, and one user per persona:

=========== ====================================================
username    who
=========== ====================================================
office      office admin (runs the joint office)
tf-coord    region coordinator of the Tianfu side
lj-coord    region coordinator of the Liangjiang side
tf-unit     unit contact of a Tianfu department
lj-unit     unit contact of a Liangjiang department
leader      leader (reads everything, confirms completion)
auditor     auditor (reads, plus the audit log)
outsider    signed in, but no membership at all
=========== ====================================================
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import import_module
from types import SimpleNamespace
from typing import Any

from django.contrib.auth import get_user_model
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from twincity.accounts.choices import Role
from twincity.accounts.services import add_membership
from twincity.audit.context import acting
from twincity.core.services import ConflictError
from twincity.matters import services as matter_services
from twincity.matters.services import OwnerSpec, create_matter
from twincity.meetings import services as meeting_services
from twincity.meetings.choices import OutcomeKind
from twincity.regions.choices import DEFAULT_FIELDS, OrganisationKind
from twincity.regions.models import Field, Organisation, Partnership, PartnershipRegion, Region

PASSWORD = "twincity-test-pass-2020"
PERSONAS = ("office", "tf-coord", "lj-coord", "tf-unit", "lj-unit", "leader", "auditor", "outsider")
# Who reaches what, as the permission walks say it (core/tests/test_permissions.py, <app>/tests/access.py).
MEMBERS = frozenset(PERSONAS) - {"outsider"}
EDITORS = frozenset({"office", "tf-coord", "lj-coord"})
AUDITORS = frozenset({"office", "auditor"})
EVERYONE = frozenset(PERSONAS)


def make_user(username: str, *, superuser: bool = False):
    User = get_user_model()
    user = User.objects.create_user(username=username, password=PASSWORD, email=f"{username}@example.org")
    if superuser:
        user.is_superuser = user.is_staff = True
        user.save()
    return user


def build_world(*, code_prefix: str = "") -> SimpleNamespace:
    """A small, complete partnership with one user per persona (see the module docstring)."""
    w = SimpleNamespace()
    p = code_prefix
    w.partnership = Partnership.objects.create(
        name=f"{p}天府新区—两江新区合作机制",
        name_en=f"{p}Tianfu–Liangjiang partnership",
        established_on=dt.date(2020, 3, 1),
    )
    w.tf = Region.objects.create(
        code=f"{p}TF", name="四川天府新区", name_en="Sichuan Tianfu New Area", short_name="天府"
    )
    w.lj = Region.objects.create(
        code=f"{p}LJ", name="重庆两江新区", name_en="Chongqing Liangjiang New Area", short_name="两江"
    )
    PartnershipRegion.objects.create(partnership=w.partnership, region=w.tf, rotation_order=1)
    PartnershipRegion.objects.create(partnership=w.partnership, region=w.lj, rotation_order=2)
    for i, (zh, en) in enumerate(DEFAULT_FIELDS):
        Field.objects.create(partnership=w.partnership, name=zh, name_en=en, order=i)
    w.field = Field.objects.get(partnership=w.partnership, name="开放")
    w.office_unit = Organisation.objects.create(
        region=w.tf, name=f"{p}天府新区双城办", kind=OrganisationKind.JOINT_OFFICE
    )
    w.tf_dept = Organisation.objects.create(
        region=w.tf, name=f"{p}天府新区市场监管局", kind=OrganisationKind.DEPARTMENT
    )
    w.tf_dept2 = Organisation.objects.create(region=w.tf, name=f"{p}天府新区教育局", kind=OrganisationKind.DEPARTMENT)
    w.lj_dept = Organisation.objects.create(
        region=w.lj, name=f"{p}两江新区市场监管局", kind=OrganisationKind.DEPARTMENT
    )
    w.lj_dept2 = Organisation.objects.create(region=w.lj, name=f"{p}两江新区教育局", kind=OrganisationKind.DEPARTMENT)
    w.users = {}
    roles = {
        "office": (Role.OFFICE_ADMIN, {}),
        "tf-coord": (Role.REGION_COORDINATOR, {"region": w.tf}),
        "lj-coord": (Role.REGION_COORDINATOR, {"region": w.lj}),
        "tf-unit": (Role.UNIT_CONTACT, {"organisation": w.tf_dept}),
        "lj-unit": (Role.UNIT_CONTACT, {"organisation": w.lj_dept}),
        "leader": (Role.LEADER, {}),
        "auditor": (Role.AUDITOR, {}),
    }
    for username in PERSONAS:
        user = make_user(f"{p}{username}")
        w.users[username] = user
        if username in roles:
            role, scope = roles[username]
            add_membership(user, w.partnership, role, **scope)
    return w


def make_matter(w: SimpleNamespace, *, year: int = 2020, title: str = "共建内陆开放门户", **kwargs):
    """A running matter led by the market-supervision bureaus of both sides."""

    defaults = {
        "status": "in_progress",
        "field": w.field,
        "start_date": dt.date(year, 1, 1),
        "due_date": dt.date(year, 12, 31),
        "owners": [OwnerSpec(w.tf_dept), OwnerSpec(w.lj_dept)],
        "leaders": {w.tf.pk: "张主任", w.lj.pk: "李主任"},
    }
    defaults.update(kwargs)
    office = w.users["office"]
    with acting(office):
        return create_matter(partnership=w.partnership, year=year, title=title, user=office, **defaults)


def demo_loader(w: SimpleNamespace, units: dict, *, today: dt.date | None = None) -> SimpleNamespace:
    """What the demo's loader hands each register's ``demo.load``, built from the test world (the real
    demo takes seconds): ``units`` maps the demo's unit keys ("tf-market") to units of the world."""
    return SimpleNamespace(
        partnership=w.partnership,
        regions={"TF": w.tf, "LJ": w.lj},
        units=units,
        users=w.users,
        fields={f.name: f for f in Field.objects.filter(partnership=w.partnership)},
        today=today,
        at=lambda when: contextlib.nullcontext(),  # the demo's clock (``demo.clock``): the tests keep the real one
    )


REGISTER_APPS = ("petitions", "agreements", "visits", "exchanges", "policies", "siting", "indicators")


def populate(w: SimpleNamespace) -> SimpleNamespace:
    """Fill a world with one of everything: a matter with a milestone and a report, a joint meeting (a held
    session with a decision and its action, a planned one) and the entries of each register's access scene.

    Returns the world with ``matter``, ``milestone``, ``report``, ``series``, ``session``, ``next_session``,
    ``outcome``, ``action`` and ``registers`` (app label → that register's scene) set on it.
    """
    # Function-level imports: this module is imported by conftest before the apps' test modules, and the
    # registers' scenes live beside their tests (<app>/tests/access.py).

    office = w.users["office"]
    w.matter = make_matter(w)
    today = timezone.localdate()

    def at(day):
        return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 30)))

    with acting(office):
        w.milestone = matter_services.add_milestone(
            w.matter, side_id=w.lj.pk, title="签署协议", due_date=dt.date(2020, 6, 1), user=office
        )
        w.report = matter_services.file_progress(
            w.matter, user=w.users["tf-unit"], side_id=w.tf.pk, period="2020-06", text="完成方案", percent_complete=40
        )
        w.series = meeting_services.create_series(partnership=w.partnership, user=office, name="联席会议")
        w.session = meeting_services.add_session(w.series, user=office, starts_at=at(today - dt.timedelta(days=20)))
        w.next_session = meeting_services.add_session(
            w.series, user=office, starts_at=at(today + dt.timedelta(days=10))
        )
        meeting_services.add_item(w.session, user=office, title="合作事项推进情况", side=w.tf)
        meeting_services.publish_agenda(w.session, user=office)
        w.outcome = meeting_services.record_outcome(
            w.session,
            user=office,
            kind=OutcomeKind.DECISION,
            text="同意",
            action=meeting_services.ActionSpec(title="报送方案", due_date=today, owners=[w.tf_dept]),
        )
        w.action = w.outcome.actions.get()
    w.registers = {app: import_module(f"twincity.{app}.tests.access").scene(w) for app in REGISTER_APPS}
    return w


def build_second_partnership(code_prefix: str = "X") -> SimpleNamespace:
    """Another partnership beside ``build_world()``'s: its own regions, units, one member of each role
    (usernames prefixed, as "Xoffice"), and one of everything (see ``populate``). Nobody of one may see
    or touch the other."""
    return populate(build_world(code_prefix=code_prefix))


@contextmanager
def built_once(django_db_blocker, build: Callable[[], Any]) -> Iterator[Any]:
    """What ``build()`` makes, built once for a whole class (or module) of tests and undone at its end.

    A transaction is opened around the scope and the data built in it; each test's own transaction
    (pytest-django's ``db``, a ``TestCase`` atomic) is then a savepoint inside it, rolled back after the
    test, so every test starts from the data exactly as built, as if it had built it itself. Only for
    tests that need no real commit: not with ``transactional_db``, ``live_server`` or ``race``.
    Use it from a fixture of class or module scope that asks for ``django_db_setup`` and
    ``django_db_blocker`` (docs/testing.md)::

        @pytest.fixture(scope="class")
        def built_scene(django_db_setup, django_db_blocker):
            with built_once(django_db_blocker, make_scene) as scene:
                yield scene
    """
    with django_db_blocker.unblock():
        scope = transaction.atomic()
        scope.__enter__()
        try:
            data = build()
        except BaseException as exc:
            scope.__exit__(type(exc), exc, exc.__traceback__)
            raise
    try:
        yield data
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            scope.__exit__(None, None, None)


def race(*clients, timeout: float = 120) -> list[BaseException]:
    """Run each callable at once in a thread with its own database connection, as separate people's
    requests would; wait for all of them and return what they raised."""

    errors: list[BaseException] = []

    def run(client):
        try:
            client()
        except BaseException as exc:
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    if any(thread.is_alive() for thread in threads):
        raise AssertionError("a racing client did not finish in time")
    return errors


class Editor:
    """Someone at a form: reads the record, edits one field from the version read, again and again;
    a refused stale edit (ConflictError) is simply tried again next round. Remembers what was
    acknowledged and every version it read, so a race can check that nothing it was told is lost."""

    def __init__(self, load, update, *, field: str = "title", rounds: int = 10):
        self.load, self.update, self.field, self.rounds = load, update, field, rounds
        self.acknowledged: list[tuple[int, str]] = []
        self.seen_versions: list[int] = []

    def __call__(self) -> None:

        for i in range(self.rounds):
            current = self.load()
            self.seen_versions.append(current.version)
            value = f"第{i}次修改"
            try:
                done = self.update(current, version=current.version, **{self.field: value})
            except ConflictError:
                continue
            self.acknowledged.append((done.version, value))

    def assert_nothing_lost(self, final) -> None:
        assert self.acknowledged, "the editor never got an edit through"
        last_version, last_value = max(self.acknowledged)
        assert getattr(final, self.field) == last_value
        assert final.version >= last_version
        assert self.seen_versions == sorted(self.seen_versions), "a version went backwards"
