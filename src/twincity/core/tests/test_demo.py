"""The demo a newcomer gets from ``make demo``: the Tianfu–Liangjiang partnership from the article.

The demo is loaded once for the class (``setUpTestData``); each test runs in its own savepoint.
"""

import datetime as dt
import io
import tomllib
from collections import Counter
from fnmatch import fnmatch
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command, get_commands
from django.db import models
from django.http import HttpRequest
from django.test import TestCase, override_settings
from django.utils import timezone

import twincity
from twincity.accounts.models import Membership
from twincity.audit.models import AuditEvent, ObjectChange
from twincity.demo import DEMO_PASSWORD, PARTNERSHIP_NAME, USERNAMES, load_demo
from twincity.matters.choices import Light, MatterStatus
from twincity.matters.models import ListEntry, Matter, ProgressReport
from twincity.meetings.models import ActionItem, Session
from twincity.regions.choices import OrganisationKind
from twincity.regions.models import CounterpartPair, Organisation, Partnership
from twincity.supervision.choices import CaseState, SheetLevel
from twincity.supervision.models import Case, Sheet, Todo


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class TheDemo(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.output = io.StringIO()
        cls.summary = load_demo(stdout=cls.output)
        cls.partnership = Partnership.objects.get(name=PARTNERSHIP_NAME)

    def matters_on(self, year):
        return Matter.objects.filter(entries__year_list__year=year, partnership=self.partnership).distinct()

    def test_the_office_finds_both_new_areas_and_the_units_the_article_names(self):
        assert [r.name for r in self.partnership.sides()] == ["四川天府新区", "重庆两江新区"]
        units = {o.name: o for o in Organisation.objects.filter(region__partnerships=self.partnership)}
        for side in ("天府新区", "两江新区"):
            for department in ("公安分局", "检察院", "市场监管局", "人力资源和社会保障局", "政务服务中心", "教育局"):
                assert f"{side}{department}" in units
            assert units[f"{side}双城办（开放门户办）"].kind == OrganisationKind.JOINT_OFFICE
        assert "四川自贸区法院" in units
        assert "重庆自贸区法院" in units
        assert units["成都科学城"].kind == OrganisationKind.FUNCTION_ZONE
        assert units["成都超级计算中心"].kind == OrganisationKind.MARKET_ENTITY
        assert units["天府新区战略研究局"].contact_name.startswith("高重奎")
        pairs = {(p.first.name, p.second.name) for p in CounterpartPair.objects.filter(partnership=self.partnership)}
        assert ("天府新区市场监管局", "两江新区市场监管局") in pairs
        assert ("四川自贸区法院", "重庆自贸区法院") in pairs

    def test_every_persona_has_an_account_and_the_outsider_has_no_membership(self):
        users = {u.username: u for u in get_user_model().objects.filter(username__in=[*USERNAMES, "admin"])}
        assert set(users) == {*USERNAMES, "admin"}
        roles = {m.user.username: m for m in Membership.objects.filter(partnership=self.partnership)}
        assert set(roles) == set(USERNAMES) - {"outsider"}
        assert roles["tf-coord"].region.code == "TF"
        assert roles["lj-coord"].region.code == "LJ"
        assert roles["tf-unit"].organisation.name == "天府新区市场监管局"
        assert roles["lj-unit"].organisation.name == "两江新区市场监管局"
        assert not Membership.objects.filter(user=users["outsider"]).exists()
        assert users["admin"].is_superuser

    def test_each_persona_signs_in_with_the_password_the_demo_prints(self):
        assert DEMO_PASSWORD in self.output.getvalue()
        for username in [*USERNAMES, "admin"]:
            assert username in self.output.getvalue()
            assert self.client.login(request=HttpRequest(), username=username, password=DEMO_PASSWORD), username
            self.client.logout()
        assert not self.client.login(request=HttpRequest(), username="office", password="wrong-password-2020")

    def test_the_2020_list_has_about_thirty_matters_across_the_articles_fields(self):
        matters = self.matters_on(2020)
        assert 28 <= matters.count() <= 32
        assert len(set(matters.values_list("field__name", flat=True))) >= 8
        titles = set(matters.values_list("title", flat=True))
        assert "共同争取出台打造内陆开放门户指导规划" in titles
        assert "共同争取布局国家重大战备能源和应急物资调度基地" in titles
        assert "强化警务合作" in titles
        assert "打造教育高地" in titles
        assert "成都超级计算中心落户成都科学城" in titles

    def test_unfinished_2020_matters_rolled_into_2021_keeping_their_identity_and_history(self):
        rolled = ListEntry.objects.filter(year_list__year=2020, outcome=ListEntry.Outcome.ROLLED_OVER)
        assert 5 <= rolled.count() <= 7
        for entry in rolled:
            chain = list(entry.matter.entries.order_by("year_list__year"))
            assert [e.year_list.year for e in chain[:2]] == [2020, 2021]
            assert chain[1].reason
            assert entry.matter.reports.filter(reported_on__year=2020).exists()  # its 2020 history came along
        assert self.matters_on(2021).count() > rolled.count()  # and 2021 brought new matters of its own
        assert AuditEvent.objects.filter(verb="matter.rolled_over").count() >= rolled.count()

    def test_the_historical_lists_are_closed_so_nothing_old_turns_red(self):
        old = Matter.objects.filter(partnership=self.partnership, year_list__year__lte=2021).with_light()
        assert set(old.values_list("light", flat=True)) == {Light.GREY}
        completed = old.filter(status=MatterStatus.COMPLETED)
        assert completed.count() >= 20
        assert all(m.completed_on.year <= 2021 for m in completed)
        assert {m.confirmed_by.username for m in completed} == {"leader"}
        assert old.filter(status=MatterStatus.SUSPENDED).count() == 1

    def test_the_current_list_shows_red_yellow_and_green_lights_and_work_due_soon(self):
        current = self.partnership.matter_lists.order_by("-year").first()
        lights = Counter(current.matters.with_light().values_list("light", flat=True))
        assert lights[Light.RED] >= 1
        assert lights[Light.YELLOW] >= 1
        assert lights[Light.GREEN] >= 1
        assert current.matters.filter(status=MatterStatus.PROPOSED).exists()
        assert current.matters.filter(entries__year_list__year=2020).exists()  # long-running work carried on

    def test_the_supervision_record_reads_as_it_happened_with_the_mornings_sheets(self):
        today = timezone.localdate()
        closed = Case.objects.filter(partnership=self.partnership, state=CaseState.CLOSED, kind="action")
        assert closed.count() >= 10
        # Actions verified years ago were closed then, not on the day the demo was loaded.
        assert closed.filter(closed_at__date__lt=today - dt.timedelta(days=365)).count() >= closed.count() // 2
        assert all(c.closed_at >= c.completed_at for c in closed)
        sheets = Sheet.objects.filter(partnership=self.partnership)
        assert sheets.filter(level=SheetLevel.RED).exists()  # the morning's run found the overdue work
        assert Todo.objects.open().filter(partnership=self.partnership).exists()

    def test_the_history_is_stamped_on_the_storys_days_not_on_the_day_the_demo_was_loaded(self):
        """Every accountable time (created, last updated, verified, published, locked, closed, the audit log…) follows
        the story's dates: only what really happens on the day the demo is loaded is stamped that day, the morning's
        supervision run (its sheets and their steps, the cases it touches, its notices, reminders and task)."""
        loaded_on = timezone.localdate()
        happens_today = {
            "supervision.sheet",
            "supervision.sheetstep",
            "supervision.case.last_updated",
            "notifications.notification",
            "notifications.delivery",
            "notifications.reminderlog",
            "django_tasks_database.dbtaskresult",
            "regions.partnership.changed_at",  # a technical mark of the last write (caches), not in the trail
            "meetings.session.starts_at",  # a schedule, not a stamp: the next session may well be today
            "audit.auditevent",  # checked below: the run's events and changes only
            "audit.objectchange",
        }
        stamped_today = {}
        for model in apps.get_models():
            label = model._meta.label_lower
            for field in model._meta.concrete_fields:
                name = f"{label}.{field.name}"
                if not isinstance(field, models.DateTimeField) or label in happens_today or name in happens_today:
                    continue
                count = model._default_manager.filter(**{f"{field.name}__date": loaded_on}).count()
                if count:
                    stamped_today[name] = count
        assert stamped_today == {}
        verbs = set(AuditEvent.objects.filter(time__date=loaded_on).values_list("verb", flat=True))
        assert verbs <= {"sheet.issued", "sheet.raised", "sheet.escalated", "case.opened"}, verbs
        changed = set(
            ObjectChange.objects.filter(time__date=loaded_on).values_list("changed_object_type__model", flat=True)
        )
        assert changed <= {"sheet", "sheetstep", "case"}, changed
        # The story reads in order: the 2020 list was entered in 2020, actions verified within weeks of their session.
        assert not Matter.objects.filter(entries__year_list__year=2020, created__year__gt=2020).exists()
        for action in ActionItem.objects.filter(verified_at__isnull=False).select_related("session"):
            assert 0 <= (timezone.localdate(action.verified_at) - action.session.local_date).days <= 31, action
        for session in Session.objects.filter(agenda_published_at__isnull=False):
            assert timezone.localdate(session.agenda_published_at) < session.local_date
        assert not get_user_model().objects.filter(username__in=USERNAMES, date_joined__year__gt=2020).exists()

    def test_reports_are_attributed_to_the_people_who_file_them(self):
        by_market_bureau = ProgressReport.objects.filter(organisation__name="天府新区市场监管局")
        assert by_market_bureau.count() >= 3
        assert set(by_market_bureau.values_list("author__username", flat=True)) == {"tf-unit"}
        report = by_market_bureau.first()
        change = ObjectChange.objects.get(
            changed_object_type=ContentType.objects.get_for_model(ProgressReport),
            changed_object_id=report.pk,
            action="create",
        )
        assert change.user.username == "tf-unit"

    def test_what_the_article_does_not_say_is_labelled_illustrative(self):
        descriptions = Matter.objects.filter(partnership=self.partnership).values_list("description", flat=True)
        assert all("示例数据" in d for d in descriptions)
        enterprises = Organisation.objects.filter(region__partnerships=self.partnership, name__contains="有限公司")
        assert enterprises.exists()
        assert all("示例企业" in e.name for e in enterprises)
        leaders = self.partnership.matters.values_list("sides__responsible_leader", flat=True)
        assert all(
            leader.endswith(
                ("分管副局长", "分管副主任", "分管副院长", "分管副检察长", "分管副部长", "负责同志", "项目负责人")
            )
            for leader in leaders
        )

    def test_loading_the_demo_again_changes_nothing(self):
        counts = (Matter.objects.count(), Organisation.objects.count(), get_user_model().objects.count())
        changes = ObjectChange.objects.count()
        out = io.StringIO()
        call_command("load_demo", stdout=out)
        assert "already loaded" in out.getvalue() or "已" in out.getvalue()
        assert Partnership.objects.filter(name=PARTNERSHIP_NAME).count() == 1
        assert (Matter.objects.count(), Organisation.objects.count(), get_user_model().objects.count()) == counts
        assert ObjectChange.objects.count() == changes


def test_the_command_is_the_demo_apps_and_the_twincity_command_offers_it():
    """A newcomer finds ``load_demo`` in ``twincity/demo/management/commands/``, not in a domain app."""
    assert get_commands()["load_demo"] == "twincity.demo"


def test_every_part_of_the_demo_ships_its_data_with_the_package():
    """The demo's data files are read at load time: each must be package data, or an installed copy has no demo."""
    root = Path(twincity.__file__).parent
    globs = tomllib.loads((root.parents[1] / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
        "package-data"
    ]["twincity"]
    data_files = sorted(path.relative_to(root).as_posix() for path in root.glob("*/demo.toml"))
    assert "demo/demo.toml" in data_files
    assert "matters/demo.toml" in data_files
    assert [f for f in data_files if not any(fnmatch(f, glob) for glob in globs)] == []
