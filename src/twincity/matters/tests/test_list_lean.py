"""The matter list read leaner, with the same page: the lead units' names read with the rows (``lead_names``, on
PostgreSQL) are those the owners' query reads, and a table copies its columns (``core.tables.ColumnCopies``)
without one table's columns reaching another's."""

import copy
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from twincity.accounts.choices import Action
from twincity.matters.choices import OwnerRole
from twincity.matters.models import Matter
from twincity.matters.services import OwnerSpec
from twincity.matters.tables import MatterTable, _rows_of, lead_names, page_names, rows_queryset
from twincity.regions.models import Organisation
from twincity.testing import make_matter
from twincity.testkit import HOSTILE

pytestmark = pytest.mark.django_db


def the_rows(world):
    return list(rows_queryset().restrict(world.users["office"], Action.VIEW).order_by("code"))


@pytest.fixture
def matters(world):
    """Matters with two lead units (hostile names, an English name and none), one with a supporting unit only (no
    lead), one with the leads in the other order."""
    hostile = Organisation.objects.create(region=world.tf, name=f"单位 {HOSTILE}", name_en=f"Unit {HOSTILE}")
    plain = Organisation.objects.create(region=world.lj, name="两江新区商务局", name_en="")
    make_matter(world, title="两家牵头", owners=[OwnerSpec(hostile), OwnerSpec(plain)])
    make_matter(world, title="顺序相反", owners=[OwnerSpec(plain), OwnerSpec(hostile), OwnerSpec(world.tf_dept)])
    make_matter(world, title="只有配合", owners=[OwnerSpec(world.lj_dept, role=OwnerRole.SUPPORT)])
    return hostile, plain


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_lead_units_read_with_the_rows_are_those_the_owners_query_reads(world, matters, language):
    rows = the_rows(world)
    assert len(rows) == 3
    plain_rows = [copy.copy(row) for row in rows]
    for row in plain_rows:
        vars(row).pop("lead_names", None)  # as SQLite reads them: the owners in a query of their own
    with translation.override(language):
        with CaptureQueriesContext(connection) as queried:
            _fields, by_query = page_names(plain_rows)
        assert any("matters_matterowner" in q["sql"] for q in queried.captured_queries)
        with CaptureQueriesContext(connection) as read:
            _fields, with_rows = page_names(rows)
    if connection.vendor == "postgresql":
        assert all("lead_names" in vars(row) for row in rows)
        assert not any("matters_matterowner" in q["sql"] for q in read.captured_queries)  # no query of its own
    else:
        assert not any("lead_names" in vars(row) for row in rows)  # SQLite: the owners' query
    assert with_rows == by_query
    hostile, plain = matters
    names = {row.title: by_query.get(row.pk, []) for row in rows}
    hostile_name = hostile.name_en if language == "en" else hostile.name
    assert names == {
        "两家牵头": [hostile_name, plain.name],
        "顺序相反": [plain.name, hostile_name, world.tf_dept.name],
        "只有配合": [],
    }


def test_the_lead_names_are_read_with_the_rows_only(world, matters):
    """The annotation reaches neither the count nor the ids of a deep page; on PostgreSQL the rows' query has it."""
    rows = rows_queryset().restrict(world.users["office"], Action.VIEW).order_by("code")
    assert "matters_matterowner" not in str(rows.order_by().values("pk").query)
    assert "matters_matterowner" not in str(rows.values_list("pk", flat=True).query)
    if connection.vendor == "postgresql":
        assert "matters_matterowner" in str(rows.query)
        assert lead_names() is lead_names()  # built once
    else:
        assert "matters_matterowner" not in str(rows.query)


def test_a_list_page_shows_the_same_rows_either_way(client, world, matters):
    """The page's rows, with the lead units read with the rows and in a query of their own, are the same HTML."""
    table = MatterTable(the_rows(world), bulk=True)
    on_screen = str(table.rows_html())
    for row in table.data.data:
        vars(row).pop("lead_names", None)
    assert str(MatterTable(table.data.data, bulk=True).rows_html()) == on_screen
    assert HOSTILE not in on_screen  # escaped
    assert "&lt;script&gt;" in on_screen


def test_tables_copy_their_columns_and_share_none(world, matters):
    rows = list(Matter.objects.with_light())
    office, reader = MatterTable(rows, bulk=True), MatterTable(rows, bulk=False)
    assert next(c.name for c in office.columns) == "pk"
    assert "pk" not in [c.name for c in reader.columns]  # hidden on this table only
    assert "pk" in [c.name for c in MatterTable(rows, bulk=True).columns]
    assert MatterTable.base_columns["pk"].visible
    for name, column in MatterTable.base_columns.items():
        assert office.columns[name].column is not column
        assert office.columns[name].column is not reader.columns[name].column
    # The columns are those deep copies gave (django-tables2's own copy, in a subclass that does not keep copies).
    deep_class = type("DeepCopied", (MatterTable,), {"__module__": __name__})
    assert not isinstance(deep_class.base_columns, type(MatterTable.base_columns))
    for bulk in (True, False):
        deep, lean = deep_class(rows, bulk=bulk), MatterTable(rows, bulk=bulk)
        assert [described(c) for c in deep.columns] == [described(c) for c in lean.columns]
        assert str(deep.rows_html()) == str(lean.rows_html())


def described(bound_column) -> tuple:
    return (
        bound_column.name,
        str(bound_column.header),
        bound_column.attrs["th"].as_html(),
        bound_column.attrs["td"].as_html(),
        bound_column.orderable,
        str(bound_column.order_by),
        bound_column.visible,
    )


def reference_rows(table, records, fields, leads_of) -> str:
    """The rows as ``rows_html`` wrote them before its shared texts were escaped once a page: every text escaped
    where it is written."""
    from twincity.core.addresses import address_of  # noqa: PLC0415 - the reference's own, kept apart
    from twincity.core.text import escaped  # noqa: PLC0415
    from twincity.matters.choices import Light  # noqa: PLC0415

    label = {name: escaped(table.columns[name].header) for name in table.sequence if name != "pk"}
    statuses = {value: escaped(name) for value, name in Matter._meta.get_field("status").flatchoices}
    lights = {value: escaped(name) for value, name in Light.choices}
    out = []
    for m in records:
        href = escaped(address_of("matters:matter", m.pk))
        cells = [f'<tr data-matter="{m.pk}">']
        if table.bulk:
            cells.append(
                f'<td class="tc-card-select"><input type="checkbox" name="pk" value="{m.pk}" '
                f'class="form-check-input" aria-label="{escaped(m.code)}"></td>'
            )
        leads = "".join(
            f'<span class="badge text-bg-light border fw-normal">{escaped(n)}</span> ' for n in leads_of.get(m.pk, ())
        )
        status = statuses[m.status] if m.status in statuses else escaped(m.status)
        due = m.due_date.strftime("%Y-%m-%d") if m.due_date else "—"
        nxt = m.next_milestone_due.strftime("%Y-%m-%d") if m.next_milestone_due else "—"
        cells += [
            f'<td class="text-nowrap" data-label="{label["code"]}"><a href="{href}" class="font-monospace">'
            f"{escaped(m.code)}</a></td>",
            f'<td class="tc-card-title" data-label="{label["title"]}"><a href="{href}">{escaped(m.title)}</a></td>',
            f'<td class="text-nowrap" data-label="{label["field"]}">{escaped(fields.get(m.field_id, "—"))}</td>',
            f'<td data-label="{label["lead_units"]}">{leads}</td>',
            f'<td class="text-nowrap" data-label="{label["status"]}"><span class="badge tc-status '
            f'tc-status-{escaped(m.status)}">{status}</span></td>',
            f'<td class="text-nowrap" data-label="{label["light"]}"><span class="tc-light tc-light-'
            f'{escaped(m.light or "")}">{lights[m.light] if m.light else ""}</span></td>',
            f'<td data-label="{label["percent_complete"]}"><div class="d-flex align-items-center gap-2"><div '
            f'class="tc-progress flex-grow-1"><span data-percent="{int(m.percent_complete)}"></span></div><span '
            f'class="small text-muted">{int(m.percent_complete)}%</span></div></td>',
            f'<td class="text-nowrap" data-label="{label["due_date"]}">{due}</td>',
            f'<td class="text-nowrap" data-label="{label["next_milestone_due"]}">{nxt}</td>',
            "</tr>",
        ]
        out.append("".join(cells))
    return "\n".join(out)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("bulk", [True, False])
def test_the_rows_are_those_every_text_escaped_where_written_gives(world, matters, language, bulk):
    """``rows_html`` escapes the texts many rows share once a page (fields, statuses and lights as classes): the
    rows are those escaping each where it is written gives, hostile codes and statuses too, and no light."""
    rows = the_rows(world)
    rows[0].code, rows[0].light = f'T"{HOSTILE}', None
    rows[1].status = HOSTILE  # not one of the choices: as it is, escaped (a light is the database's CASE: one of its)
    rows[2].status = rows[1].status
    rows[2].due_date, rows[2].next_milestone_due = dt.date(987, 6, 5), dt.date(1000, 1, 2)  # years of 3 and 4 digits
    with translation.override(language):
        table = MatterTable(rows, bulk=bulk)
        fields, leads_of = page_names(rows)
        assert str(table.rows_html()) == reference_rows(table, rows, fields, leads_of)
    assert HOSTILE not in str(table.rows_html())


def test_the_rows_query_is_built_once_a_day_and_every_list_reads_a_copy_of_it(world, matters, monkeypatch):
    """``rows_queryset`` copies the day's query (built once: ``_rows_of``): a copy narrowed through the door, sorted or
    read leaves the next copy as built, and the light is the one of the day the list is read on."""
    first = rows_queryset()
    assert first is not rows_queryset()
    assert first.query is not rows_queryset().query
    assert _rows_of(timezone.localdate(), connection.vendor) is _rows_of(timezone.localdate(), connection.vendor)
    assert list(first.restrict(world.users["outsider"], Action.VIEW)) == []  # narrowed: this copy only
    office = rows_queryset().restrict(world.users["office"], Action.VIEW).order_by("code")
    assert [row.title for row in office] == list(Matter.objects.order_by("code").values_list("title", flat=True))
    assert len(list(rows_queryset().restrict(world.users["office"], Action.VIEW))) == 3
    make_matter(world, title="六月到期", start_date=dt.date(2020, 1, 1), due_date=dt.date(2020, 6, 1))
    lights = {}
    for day in (dt.date(2020, 5, 1), dt.date(2020, 7, 1)):
        monkeypatch.setattr(timezone, "localdate", lambda day=day: day)
        rows = rows_queryset().restrict(world.users["office"], Action.VIEW)
        lights[day] = {row.title: row.light for row in rows}
        assert lights[day] == dict(Matter.objects.with_light(day).values_list("title", "light"))
    assert lights[dt.date(2020, 5, 1)]["六月到期"] != lights[dt.date(2020, 7, 1)]["六月到期"] == "red"
