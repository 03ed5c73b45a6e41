"""Formula injection: whatever names and texts people give units, fields, sides and entries, no export of the
app writes a cell that Excel or WPS would evaluate. Every export is found by its address (``…export.xlsx``),
so one added later is walked too."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from openpyxl import load_workbook

import twincity
from twincity.audit.context import acting
from twincity.core import xlsx
from twincity.exchanges import demo as exchanges_demo
from twincity.exchanges.tests.test_demo import fake_loader
from twincity.meetings import services as meeting_services
from twincity.meetings.choices import OutcomeKind
from twincity.regions.models import Field, Organisation, Region
from twincity.supervision.run import supervise
from twincity.testing import demo_loader, make_matter

pytestmark = pytest.mark.django_db

HOSTILE = ['=HYPERLINK("http://x.example/","y")', "+1+1", "@SUM(A1)", "-2+3", "＝1+1", "\tcmd", "#N/A"]
FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")


class Units(dict):
    """The demo's unit keys, each made a unit of its side on first use."""

    def __init__(self, world):
        super().__init__()
        self.world = world

    def __missing__(self, key):
        region = self.world.tf if key.startswith("tf") else self.world.lj
        unit = self[key] = Organisation.objects.create(region=region, name=f"{region.short_name}{key}")
        return unit


def export_urls() -> list[str]:
    """Every export the app serves: each named URL whose address ends in export.xlsx."""
    found = []

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, f"{namespace}{p.namespace}:" if p.namespace else namespace)
            elif isinstance(p, URLPattern) and p.name and str(p.pattern).endswith("export.xlsx"):
                found.append(reverse(f"{namespace}{p.name}"))

    walk(get_resolver().url_patterns, "")
    return sorted(found)


@pytest.fixture
def hostile_world(world):
    """Every register holds entries (its demo), then units, fields, sides and titles get hostile names."""
    loader = demo_loader(world, Units(world), today=dt.date(2025, 6, 30))
    for app in ("agreements", "petitions", "policies", "siting", "visits"):
        __import__(f"twincity.{app}.demo", fromlist=["load"]).load(loader)
    exchanges_demo.load(fake_loader(world, dt.date(2025, 6, 30)))
    make_matter(world, title="共建内陆开放门户")
    meeting_action(world)  # the meeting actions' list exports what it shows
    supervise(partnership=world.partnership)  # the supervision sheets of the registers' items due or overdue
    names = iter(f"{HOSTILE[i % len(HOSTILE)]}{i}" for i in range(100_000))
    # Test data planted behind the services' back on purpose: a name a coordinator could give by hand.
    for model in (Organisation, Field):
        for pk in model.objects.values_list("pk", flat=True):
            model.objects.filter(pk=pk).update(name=next(names))
    for region in (world.tf, world.lj):
        Region.objects.filter(pk=region.pk).update(name=next(names), short_name=next(names), name_en=next(names))
    for model in apps.get_models():
        if model.__module__.startswith("twincity.") and any(f.name == "title" for f in model._meta.concrete_fields):
            for pk in model.objects.values_list("pk", flat=True):
                model.objects.filter(pk=pk).update(title=next(names))
    return world


def meeting_action(world):
    office = world.users["office"]
    day = timezone.make_aware(dt.datetime.combine(dt.date(2025, 6, 10), dt.time(9, 30)))
    with acting(office):
        series = meeting_services.create_series(partnership=world.partnership, user=office, name="联席会议")
        session = meeting_services.add_session(series, user=office, starts_at=day)
        meeting_services.add_item(session, user=office, title="合作事项推进情况", side=world.tf)
        meeting_services.publish_agenda(session, user=office)
        meeting_services.record_outcome(
            session,
            user=office,
            kind=OutcomeKind.DECISION,
            text="同意",
            action=meeting_services.ActionSpec(title="报送方案", due_date=dt.date(2025, 7, 1), owners=[world.tf_dept]),
        )


def sheets_xml(content: bytes) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(content))
    return {n: archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/")}


def test_every_export_writes_hostile_names_as_text_never_as_a_formula(hostile_world, client_as):
    client = client_as("office")
    urls = export_urls()
    assert len(urls) >= 10, urls  # the matter list and every register's (visits: also lessons and gaps)
    for url in urls:
        response = client.get(url, {"partnership": hostile_world.partnership.pk})
        assert response.status_code == 200, url
        content = response.content
        for name, xml in sheets_xml(content).items():
            assert not FORMULA.search(xml), f"{url} {name} holds a formula"
        wb = load_workbook(io.BytesIO(content))
        risky = 0
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (url, ws.title, cell.coordinate, cell.value)
                    if isinstance(cell.value, str) and cell.value.startswith(xlsx.FORMULA_STARTS):
                        risky += 1
                        assert cell.data_type == "s", (url, ws.title, cell.coordinate)
                        assert cell.quotePrefix, (url, ws.title, cell.coordinate)
        assert risky, f"{url}: no hostile name reached this export, so it proves nothing"


def test_an_excel_error_word_and_a_lone_equals_sign_stay_text():
    book = xlsx.ExportBook()
    sheet = book.sheet("s")
    sheet.append(
        ["#N/A", "=", "=1+1", "＠x", 5, None, sheet.header("=A1", font=xlsx.HEADER_FONT, fill=xlsx.HEADER_FILL)]
    )
    ws = load_workbook(io.BytesIO(book.save())).worksheets[0]
    assert [(c.value, c.data_type) for c in ws[1]] == [
        ("#N/A", "s"),
        ("=", "s"),
        ("=1+1", "s"),
        ("＠x", "s"),
        (5, "n"),
        (None, "n"),
        ("=A1", "s"),
    ]


def test_no_module_writes_a_workbook_but_through_the_one_safe_writer():
    """``ExportBook`` in core/xlsx.py is the only writer; the analytics command line (results of an analyst's
    own computation, no Django) is the one known exception."""
    root = Path(twincity.__file__).parent
    writers = re.compile(r"\bWorkbook\(|WriteOnlyCell\(|\.to_excel\(|ExcelWriter\(|csv\.writer\(|DictWriter\(")
    allowed = {root / "core" / "xlsx.py", root / "analytics" / "cli.py"}
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts and path not in allowed and writers.search(path.read_text())
    ]
    assert offenders == []
