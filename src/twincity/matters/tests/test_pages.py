import datetime as dt
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from twincity.audit.context import acting
from twincity.core.cache import clear_own_cache
from twincity.core.services import archive
from twincity.matters import services
from twincity.matters.models import Matter
from twincity.regions.services import add_field
from twincity.testing import PASSWORD, make_matter

pytestmark = pytest.mark.django_db


def add_matters(world, n, year=2020):
    for i in range(n):
        m = make_matter(world, year=year, title=f"合作事项{i}")
        with acting(world.users["office"]):
            services.add_milestone(
                m, side_id=world.tf.pk, title="节点", due_date=dt.date(year, 6, 1), user=world.users["office"]
            )


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", ["list", "dashboard", "my_work"])
def test_pages_cost_the_same_number_of_queries_for_3_or_30_matters(client_as, world, page):
    urls = {
        "list": reverse("matters:list") + f"?partnership={world.partnership.pk}&year=2020",
        "dashboard": reverse("dashboard", args=[world.partnership.pk]) + "?year=2020",
        "my_work": reverse("workspace:my_work"),
    }
    client = client_as("tf-unit" if page == "my_work" else "office")
    add_matters(world, 3)
    client.get(urls[page])  # per-process caches (content types) are warm in the second count: warm them here too
    clear_own_cache()  # but not the page's own cached figures
    few = count_queries(client, urls[page])
    add_matters(world, 27)
    many = count_queries(client, urls[page])
    assert many == few, f"{page}: {few} queries for 3 matters, {many} for 30"


def test_the_list_filters_by_light_and_finds_chinese_words_inside_sentences(client_as, world):
    make_matter(world, title="建设国家级大数据中心", description="参与全国一体化大数据中心建设试点")
    make_matter(world, title="人力资源合作", due_date=dt.date(2020, 3, 1))
    client = client_as("leader")
    body = client.get(reverse("matters:list") + "?q=大数据").content.decode()
    assert "建设国家级大数据中心" in body
    assert "人力资源合作" not in body
    body = client.get(reverse("matters:list") + "?q=试点").content.decode()
    assert "建设国家级大数据中心" in body
    red = client.get(reverse("matters:list") + "?light=red&year=2020").content.decode()
    assert "人力资源合作" in red  # due 2020-03-01 long ago


def test_an_htmx_request_gets_only_the_table(client_as, world):
    make_matter(world)
    client = client_as("office")
    response = client.get(reverse("matters:list"), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body
    assert 'id="matter-table"' in body


def test_a_stale_edit_shows_both_versions_and_saves_nothing(client_as, world):
    matter = make_matter(world)
    client = client_as("office")
    url = reverse("matters:edit", args=[matter.pk])
    stale_version = matter.version
    services.update_matter(matter, user=world.users["office"], version=matter.version, title="别人先改的标题")
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        title="我的标题",
        version=stale_version,
        start_date="2020-01-01",
        due_date="2020-12-31",
        **{f"lead_{world.tf.pk}": [world.tf_dept.pk], f"lead_{world.lj.pk}": [world.lj_dept.pk]},
    )
    data.pop("field", None)
    response = client.post(url, data)
    assert response.status_code == 409
    body = response.content.decode()
    assert "别人先改的标题" in body
    assert "我的标题" in body
    assert Matter.objects.get(pk=matter.pk).title == "别人先改的标题"


def test_the_office_creates_a_matter_through_the_form(client_as, world):
    client = client_as("office")
    response = client.post(
        reverse("matters:add") + f"?partnership={world.partnership.pk}",
        {
            "year": 2021,
            "title": "共建西部金融中心",
            "field": world.field.pk,
            "start_date": "2021-01-01",
            "due_date": "2021-12-31",
            "version": 0,
            f"lead_{world.tf.pk}": [world.tf_dept.pk],
            f"support_{world.lj.pk}": [world.lj_dept2.pk],
            f"leader_{world.tf.pk}": "王主任",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    matter = Matter.objects.get(title="共建西部金融中心")
    assert matter.code == "2021-01"
    assert {(o.organisation_id, o.role) for o in matter.owners.all()} == {
        (world.tf_dept.pk, "lead"),
        (world.lj_dept2.pk, "support"),
    }


def test_the_form_refuses_a_due_date_before_the_start(client_as, world):
    client = client_as("office")
    response = client.post(
        reverse("matters:add") + f"?partnership={world.partnership.pk}",
        {
            "year": 2021,
            "title": "x",
            "start_date": "2021-05-01",
            "due_date": "2021-01-01",
            "version": 0,
            f"lead_{world.tf.pk}": [world.tf_dept.pk],
        },
    )
    assert response.status_code == 200
    assert not Matter.objects.exists()
    assert response.context["form"].errors["due_date"]


def test_healthz_answers_with_the_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_every_response_carries_a_strict_content_security_policy(client_as, world):
    response = client_as("office").get(reverse("dashboard", args=[world.partnership.pk]))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "object-src 'none'" in csp
    assert response["X-Request-ID"]


def test_login_is_throttled_after_repeated_failures(client, world):
    for _ in range(5):
        client.post(reverse("login"), {"username": "office", "password": "wrong-password"})
    response = client.post(reverse("login"), {"username": "office", "password": PASSWORD})
    assert response.status_code == 429  # refused, even with the right password (accounts/tests/test_signin.py)
    assert "_auth_user_id" not in client.session


def test_the_dashboard_follows_a_change_at_once_although_its_figures_are_cached(client_as, world):
    today = timezone.localdate()
    matter = make_matter(
        world, year=today.year, start_date=today - dt.timedelta(days=100), due_date=today - dt.timedelta(days=1)
    )
    client = client_as("leader")
    url = reverse("dashboard", args=[world.partnership.pk])
    assert client.get(url).context["by_light"]["red"] == 1
    services.update_matter(
        matter, user=world.users["office"], version=matter.version, due_date=today + dt.timedelta(days=200)
    )
    figures = client.get(url).context
    assert figures["by_light"]["red"] == 0
    assert figures["total"] == 1


def test_a_unit_corrects_its_own_report_and_the_other_side_cannot(client_as, world):
    matter = make_matter(world)
    report = services.file_progress(
        matter, user=world.users["tf-unit"], side_id=world.tf.pk, period="2020-06", text="完成方案", percent_complete=40
    )
    url = reverse("matters:edit_report", args=[report.pk])
    assert client_as("lj-coord").get(url).status_code == 404
    response = client_as("tf-unit").post(
        url, {"version": report.version, "period": "2020-06", "percent_complete": 50, "text": "完成方案并报审"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.text, report.percent_complete) == ("完成方案并报审", 50)
    matter.refresh_from_db()
    assert matter.percent_complete == 25  # the matter's percent follows the correction


class _Cells(HTMLParser):
    """The list's rows as the browser reads them: each cell's text and the attributes of every tag."""

    def __init__(self):
        super().__init__()
        self.rows, self.attrs, self.in_body = [], [], False

    def handle_endtag(self, tag):
        if tag == "tbody":
            self.in_body = False

    def handle_starttag(self, tag, attrs):
        if tag == "tbody":
            self.in_body = True
        if not self.in_body:
            return
        self.attrs.append((tag, dict(attrs)))
        if tag == "tr":
            self.rows.append([])
        elif tag == "td" and self.rows:
            self.rows[-1].append("")

    def handle_data(self, data):
        if self.rows and self.rows[-1]:
            self.rows[-1][-1] += data


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_lists_rows_say_every_text_as_typed_and_nothing_more(client_as, world, language):
    """The matter list's rows are written in Python (``MatterTable.rows_html``): text with the characters HTML gives
    a meaning to shows as typed, in its own cell, and adds no tag or attribute."""
    tricky = "甲 < 乙 & \"丙\" '丁' > 戊 <i>斜</i>"
    world.field.name = world.field.name_en = f"领域 {tricky}"
    world.field.save()
    world.tf_dept.name = world.tf_dept.name_en = f"单位 {tricky}"
    world.tf_dept.save()
    matter = make_matter(world, title='事项 甲 < 乙 & "丙"', code='T"<1>')  # a title loses its tags when stored
    body = client_as("office").get(
        reverse("matters:list") + f"?partnership={world.partnership.pk}&year=2020",
        headers={"accept-language": language},
    )
    assert body.status_code == 200
    cells = _Cells()
    cells.feed(body.content.decode())
    found = [r[r.index(matter.code) :] for r in cells.rows if matter.code in r]  # after the bulk box, if any
    assert len(found) == 1, ([r[:2] for r in cells.rows], matter.code)
    row = found[0]
    assert row[1] == matter.title
    assert row[2] == (world.field.name if language == "zh-hans" else world.field.name_en)
    assert tricky in row[3]
    assert {tag for tag, _attrs in cells.attrs} <= {
        "tbody",
        "tr",
        "td",
        "a",
        "span",
        "div",
        "input",
    }  # no <i> of the names
    links = [a["href"] for tag, a in cells.attrs if tag == "a" and a.get("href", "").startswith("/matters/")]
    assert matter.get_absolute_url() in links


def test_the_rows_name_their_fields_from_the_filter_bar_and_an_archived_field_too(client_as, world):
    """The rows' field names are taken from the field filter's choices, which the page reads for its filter bar
    (``MatterTable.known_fields``): no query of their own; a field no longer offered (archived) is read."""
    old = add_field(world.partnership, user=world.users["office"], name="旧领域", name_en="Old field")
    make_matter(world, title="现行领域的事项")
    make_matter(world, title="旧领域的事项", field=old)
    url = reverse("matters:list") + f"?partnership={world.partnership.pk}&year=2020"
    client = client_as("office")
    client.get(url)

    def fields_read():
        clear_own_cache()
        with CaptureQueriesContext(connection) as ctx:
            body = client.get(url).content.decode()
        return body, [q["sql"] for q in ctx.captured_queries if 'FROM "regions_field"' in q["sql"]]

    body, reads = fields_read()
    assert len(reads) == 1, reads  # the filter's choices, and nothing for the rows
    assert f">{world.field.name}</td>" in body
    assert ">旧领域</td>" in body
    archive(old, user=world.users["office"])
    body, reads = fields_read()
    assert len(reads) == 2, reads  # the choices, and the archived field the rows name
    assert f">{world.field.name}</td>" in body
    assert ">旧领域</td>" in body
    assert f'name="field" value="{old.pk}"' not in body  # no longer offered as a filter
