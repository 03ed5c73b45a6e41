"""The matter page's side cards (``{% parity_cards %}``), milestone rows (``{% milestone_rows %}``), report cards
(``{% report_cards %}``) and overview (``{% matter_overview %}``), matters/templatetags/matter_page.py: one pass each,
against the template parts they replaced, byte for byte: every branch (a side taking part or not, lagging, each step of
its supervision, with and without units, a leader, a last report, milestones done, overdue and ahead, closable or not,
reports with and without a unit, an author, files, a correction link; a matter with and without its texts, field and
dates, completed or not, on one list or rolled over) and its head (``{% matter_head %}``: each status's steps, for who
may change and approve it or not, archived, a completion waiting), hostile text, both languages; and those of a real
page."""

import datetime as dt
import inspect
import re
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.template import Context, Engine, Template
from django.urls import reverse
from django.utils import translation
from django.utils.functional import SimpleLazyObject

from twincity.matters import services
from twincity.matters.choices import TRANSITION_LABELS, TRANSITIONS
from twincity.matters.models import Matter
from twincity.matters.templatetags import matter_page
from twincity.matters.templatetags.matter_page import (
    MARKED,
    matter_head,
    matter_overview,
    milestone_rows,
    parity_cards,
    report_cards,
)
from twincity.regions.models import Field, Organisation
from twincity.supervision.services import case_of
from twincity.testing import make_matter
from twincity.testkit import HOSTILE

# The milestone rows and report cards of templates/matters/matter_detail.html as they were.
MILESTONES = """{% load i18n %}{% for m in milestones %}
          <tr data-milestone="{{ m.pk }}">
            <td>{{ m.title }}</td><td>{{ m.side_label }}</td>
            <td class="{% if not m.done_date and m.due_date < today %}\
tc-text-red fw-semibold{% endif %}">{{ m.due_date|date:"Y-m-d" }}</td>
            <td>{{ m.done_date|date:"Y-m-d"|default:"—" }}</td><td class="small tc-pre">\
{{ m.evidence|default:"" }}</td>
            <td>{% if not m.done_date and m.closable %}
              <form method="post" action="{{ m.close_address }}" class="d-flex gap-1">\
{% csrf_token %}
                <input type="hidden" name="version" value="{{ m.version }}">
                <input type="date" name="done_date" class="form-control form-control-sm" \
value="{{ today|date:'Y-m-d' }}" required aria-label="{% translate 'Done on' %}">
                <input name="evidence" class="form-control form-control-sm" \
placeholder="{% translate 'Evidence' %}" required aria-label="{% translate 'Evidence' %}">
                <button class="btn btn-sm btn-outline-success" type="submit">\
{% translate "Close the milestone" %}</button>
              </form>{% endif %}
              {% if m.closable %}
              <details class="small mt-1" data-milestone-edit="{{ m.pk }}" \
hx-get="{{ m.edit_address }}" hx-trigger="toggle once" hx-target="find [data-milestone-forms]">\
<summary>{% translate "Edit or archive" %}</summary>
                <div data-milestone-forms><a href="{{ m.edit_address }}">\
{% translate "Edit or archive the milestone" %}</a></div>
              </details>
              {% endif %}</td>
          </tr>
        {% empty %}<tr><td colspan="6" class="text-muted py-3">{% translate "No milestones yet." %}\
</td></tr>{% endfor %}"""
REPORTS = """{% load i18n people %}{% for r in reports %}
    <div class="tc-card mb-2"><div class="tc-card-body">
      <div class="d-flex flex-wrap gap-2 small text-muted mb-1">
        <strong class="text-body">{{ r.side.label }}</strong><span>{{ r.period }}</span><span>\
{{ r.percent_complete }}%</span>
        <span>{{ r.organisation|default:"" }}</span><span>{% if r.author %}{{ r.author|person }}\
{% endif %}</span><span class="ms-auto">{{ r.reported_on|date:"Y-m-d" }}</span>\
{% if r.correctable %}<a href="{{ r.edit_address }}" class="small">{% translate "Correct" %}</a>\
{% endif %}
      </div>
      <div class="tc-pre">{{ r.text }}</div>
      {% for f in r.files %}<a class="small me-2" href="{{ f.address }}"><i class="bi bi-paperclip">\
</i> {{ f.name }} ({{ f.size|filesizeformat }})</a>{% endfor %}
    </div></div>
    {% empty %}<p class="text-muted">{% translate "No progress reported yet." %}</p>{% endfor %}"""

# The loop of templates/matters/matter_detail.html as it was (`{% for half in parity %}` to its `{% endfor %}`).
TEMPLATE = """{% load i18n %}{% for half in parity %}
      <div class="tc-card{% if half.lagging %} tc-lagging{% endif %}" data-side="{{ half.side.code }}">
        <div class="tc-card-header"><span class="tc-side-header">{{ half.side.display_name }}</span>\
{% if half.lagging %}<span class="badge text-bg-danger">{% translate "Lagging" %}</span>{% endif %}</div>
        <div class="tc-card-body">
          {% if half.record %}
          <div class="mb-3">
            <div class="d-flex justify-content-between small mb-1"><span>{% translate "Progress" %}</span>\
<strong data-side-percent="{{ half.side.code }}">{{ half.percent }}%</strong></div>
            <div class="tc-progress"><span data-percent="{{ half.percent }}"></span></div>
          </div>
          {% if half.case_side %}{% with s=half.case_side %}<div class="small mb-2" data-case-step="\
{% if s.completed_at %}reported{% elif s.signed_at %}signed{% else %}waiting{% endif %}">{% translate "Supervision" %}:
            {% if s.completed_at %}<i class="bi bi-check-circle-fill tc-text-green"></i> \
{% translate "Completion reported" %}{% elif s.signed_at %}<i class="bi bi-check-circle"></i> \
{% translate "Signed off" %}{% if s.signed_late %} <span class="badge text-bg-warning">{% translate "late" %}</span>\
{% endif %}{% else %}<i class="bi bi-circle tc-text-grey"></i> {% translate "Not signed off yet" %}{% endif %}
            {% if s.late_feedback_count %}<span class="badge text-bg-warning">\
{% blocktranslate with n=s.late_feedback_count %}{{ n }} late{% endblocktranslate %}</span>{% endif %}
            {% if case %}<a href="{{ case.get_absolute_url }}">{% translate "Details" %}</a>{% endif %}</div>\
{% endwith %}{% endif %}
          <dl class="row small mb-2">
            <dt class="col-4 fw-normal tc-muted-label">{% translate "Lead units" %}</dt><dd class="col-8">\
{% for o in half.leads %}<div>{{ o.display_name }}</div>{% empty %}—{% endfor %}</dd>
            <dt class="col-4 fw-normal tc-muted-label">{% translate "Supporting" %}</dt><dd class="col-8">\
{% for o in half.supports %}<div>{{ o.display_name }}</div>{% empty %}—{% endfor %}</dd>
            <dt class="col-4 fw-normal tc-muted-label">{% translate "Responsible leader" %}</dt><dd class="col-8">\
{{ half.record.responsible_leader|default:"—" }}</dd>
            <dt class="col-4 fw-normal tc-muted-label">{% translate "Last report" %}</dt><dd class="col-8">\
{{ half.record.last_reported_on|date:"Y-m-d"|default:"—" }}</dd>
          </dl>
          {% if half.latest %}<div class="border-start border-3 ps-2 small tc-pre mb-2">\
{{ half.latest.text|truncatechars:240 }}</div>{% endif %}
          <div class="small">
            {% for m in half.milestones %}
              <div class="d-flex gap-2 align-items-center py-1 border-top">
                {% if m.done_date %}<i class="bi bi-check-circle-fill tc-text-green"></i>{% elif m.due_date < today %}\
<i class="bi bi-exclamation-circle-fill tc-text-red"></i>{% else %}<i class="bi bi-circle tc-text-grey"></i>{% endif %}
                <span class="flex-grow-1">{{ m.title }}</span><span class="text-muted">{{ m.due_date|date:"Y-m-d" }}\
</span>
              </div>
            {% empty %}<div class="text-muted">{% translate "No milestones on this side." %}</div>{% endfor %}
          </div>
          {% else %}
          <p class="text-muted small mb-0">{% translate "This side takes no part in the matter." %}</p>
          {% endif %}
        </div>
      </div>
      {% endfor %}"""

TODAY = dt.date(2026, 6, 1)


def by_template(parity, case, today=TODAY) -> str:
    context = Context({"parity": parity, "case": case, "today": today})
    return Template(TEMPLATE, engine=Engine.get_default()).render(context)


def named(name):
    return SimpleNamespace(display_name=name)


def made_up() -> list[dict]:
    """A card of each kind: hostile everywhere text goes."""
    record = SimpleNamespace(responsible_leader=HOSTILE, last_reported_on=dt.date(2026, 5, 4))
    bare = SimpleNamespace(responsible_leader="", last_reported_on=None)
    milestones = [
        SimpleNamespace(title=HOSTILE, done_date=dt.date(2026, 1, 2), due_date=dt.date(2026, 1, 1)),
        SimpleNamespace(title="逾期", done_date=None, due_date=dt.date(2026, 5, 31)),
        SimpleNamespace(title="将至", done_date=None, due_date=TODAY),
    ]
    steps = [
        SimpleNamespace(
            completed_at=dt.datetime(2026, 5, 1, tzinfo=dt.UTC),
            signed_at=None,
            signed_late=False,
            late_feedback_count=0,
        ),
        SimpleNamespace(
            completed_at=None, signed_at=dt.datetime(2026, 5, 1, tzinfo=dt.UTC), signed_late=True, late_feedback_count=3
        ),
        SimpleNamespace(
            completed_at=None,
            signed_at=dt.datetime(2026, 5, 1, tzinfo=dt.UTC),
            signed_late=False,
            late_feedback_count=0,
        ),
        SimpleNamespace(completed_at=None, signed_at=None, signed_late=False, late_feedback_count=1),
        None,
    ]
    cards = []
    for i, step in enumerate(steps):
        side = SimpleNamespace(code=f"{HOSTILE}{i}", display_name=f"{HOSTILE}侧{i}")
        cards.append(
            {
                "side": side,
                "record": record if i % 2 else bare,
                "leads": [named(HOSTILE), named("天府局")] if i % 2 else [],
                "supports": [] if i % 2 else [named("配合")],
                "milestones": milestones if i < 3 else [],
                "latest": SimpleNamespace(text=HOSTILE * 30) if i % 2 else None,
                "percent": 40 + i,
                "lagging": i % 2 == 0,
                "case_side": step,
            }
        )
    cards.append({"side": SimpleNamespace(code="X", display_name="不参与"), "record": None, "lagging": True})
    return cards


class Case:
    def get_absolute_url(self):
        return f"/supervision/cases/1/?{HOSTILE}"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("case", [Case(), None])
def test_cards_write_what_the_template_wrote(language, case):
    with translation.override(language):
        parity = made_up()
        address = case.get_absolute_url() if case else ""  # the page passes the case's address alone
        ours = parity_cards(parity, address, TODAY)
        assert "&lt;script&gt;" in ours
        assert "<script>" not in ours
        assert ours == by_template(parity, case)
        assert parity_cards([], address, TODAY) == by_template([], case) == ""


def hostile_page(world, client, language, **matter_fields):
    """The office's matter page in ``language``: a matter with a hostile milestone (Liangjiang) and report (Tianfu)."""
    matter = make_matter(world, **matter_fields)
    office = world.users["office"]
    services.add_milestone(matter, side_id=world.lj.pk, title=HOSTILE, due_date=dt.date(2020, 6, 1), user=office)
    services.file_progress(
        matter, user=office, side_id=world.tf.pk, period="2020-05", text=HOSTILE, percent_complete=30
    )
    client.force_login(office)
    return client.get(reverse("matters:matter", args=[matter.pk]), headers={"Accept-Language": language})


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_cards_of_a_real_page_are_the_templates(world, client, language):
    with translation.override(language):
        response = hostile_page(world, client, language, title=HOSTILE)
        context = response.context
        case = case_of(context["matter"])  # read as it is, not as the page read it
        cards = by_template(context["parity"], case, context["today"])
        assert cards.count("data-side=") == len(context["parity"]) >= 2
        assert cards.count("data-case-step=") == case.sides.count() >= 2
        assert cards in response.content.decode()


def render(template: str, **context) -> str:
    return Template(template, engine=Engine.get_default()).render(Context(context))


def made_up_milestones() -> list[SimpleNamespace]:
    def milestone(pk, **values):
        fields = {"title": HOSTILE, "side_label": HOSTILE, "due_date": TODAY, "done_date": None, "evidence": ""}
        fields |= {"closable": True, "version": 3, "close_address": f"/close/{pk}?{HOSTILE}"}
        fields |= {"edit_address": f"/edit/{pk}?{HOSTILE}"}
        return SimpleNamespace(pk=pk, **(fields | values))

    return [
        milestone(1),  # due today, closable: both forms
        milestone(2, due_date=dt.date(2026, 5, 31)),  # overdue
        milestone(3, done_date=dt.date(2026, 5, 1), evidence=HOSTILE),  # done: the edit box only
        milestone(4, closable=False, evidence=None),  # another side's
        milestone(5, closable=False, done_date=dt.date(2026, 5, 1), due_date=dt.date(2026, 6, 30)),
    ]


def made_up_reports() -> list[SimpleNamespace]:
    author = get_user_model()(username="login", first_name=HOSTILE, last_name="王")
    side = SimpleNamespace(label=HOSTILE)
    files = [
        SimpleNamespace(address=f"/files/1?{HOSTILE}", name=HOSTILE, size=1536),
        SimpleNamespace(address="/files/2", name="方案.pdf", size=5 * 1024 * 1024),
    ]
    common = {"side": side, "period": HOSTILE, "percent_complete": 40, "text": HOSTILE, "reported_on": TODAY}
    reports = [
        SimpleNamespace(
            organisation=named_unit(HOSTILE),
            author=author,
            correctable=True,
            edit_address=f"/r/1?{HOSTILE}",
            files=files,
            **common,
        ),
        SimpleNamespace(organisation=None, author=None, correctable=False, files=[], **common),
        SimpleNamespace(
            organisation=named_unit("两江局"),
            author=get_user_model()(username=HOSTILE),
            correctable=False,
            files=files[1:],
            **common,
        ),
    ]
    for report in reports:  # the page names the reporting unit as ``unit``; the template read the report's own
        report.unit = report.organisation
    return reports


class named_unit:  # stands for an Organisation: named by str
    def __init__(self, name):
        self.name = name

    def __str__(self):
        return self.name


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_milestone_rows_write_what_the_template_wrote(language):
    token = SimpleLazyObject(lambda: "tok" + HOSTILE)
    with translation.override(language):
        milestones = made_up_milestones()
        context = Context({"csrf_token": token})
        ours = milestone_rows(context, milestones, TODAY)
        assert "&lt;script&gt;" in ours
        assert "<script>" not in ours
        assert ours == render(MILESTONES, milestones=milestones, today=TODAY, csrf_token=token)
        assert milestone_rows(context, [], TODAY) == render(MILESTONES, milestones=[], today=TODAY)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_report_cards_write_what_the_template_wrote(language):
    with translation.override(language):
        reports = made_up_reports()
        ours = report_cards(reports)
        assert "&lt;script&gt;" in ours
        assert "<script>" not in ours
        assert ours == render(REPORTS, reports=reports)
        assert report_cards([]) == render(REPORTS, reports=[])


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_rows_of_a_real_page_are_the_templates(world, client, language):
    with translation.override(language):
        response = hostile_page(world, client, language)
        context = response.context
        body = response.content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
        rows = render(MILESTONES, milestones=context["milestones"], today=context["today"], csrf_token=token)
        assert rows.count("<tr data-milestone=") == 1
        assert rows in body
        cards = render(REPORTS, reports=context["reports"])
        assert cards.count('<div class="tc-card mb-2">') == 1
        assert cards in body


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_report_cards_name_their_units_as_the_template_did(world, client, language):
    """Reports filed for an owning unit, for a unit of the side that owns nothing of the matter, and for none: each
    card names its unit as the template named the report's own (a hostile name, an English one)."""
    Organisation.objects.filter(pk=world.tf_dept.pk).update(name=HOSTILE, name_en=f"{HOSTILE} bureau")
    Organisation.objects.filter(pk=world.tf_dept2.pk).update(name_en="Education Bureau")
    with translation.override(language):
        matter = make_matter(world)
        office = world.users["office"]
        for unit in (world.tf_dept, world.tf_dept2, None):
            services.file_progress(
                matter,
                user=office,
                side_id=world.tf.pk,
                period="2020-05",
                text="进展",
                percent_complete=30,
                organisation=unit,
            )
        client.force_login(office)
        response = client.get(reverse("matters:matter", args=[matter.pk]), headers={"Accept-Language": language})
        reports = response.context["reports"]
        cards = render(REPORTS, reports=reports)  # each report's own unit, read by the template
        assert [r.organisation_id for r in reports] == [None, world.tf_dept2.pk, world.tf_dept.pk]
        assert ("Education Bureau" in cards) == (language == "en")
        assert "&lt;script&gt;" in cards
        assert cards in response.content.decode()


# The overview tab of templates/matters/matter_detail.html as it was (inside its tab pane, after its heading).
OVERVIEW = """{% load i18n people %}<div class="row g-3">
      <div class="col-lg-8"><div class="tc-card"><div class="tc-card-body">
        <h2 class="h6">{% translate "Goal" %}</h2><p class="tc-pre">{{ matter.goal|default:"—" }}</p>
        <h2 class="h6">{% translate "Description" %}</h2><p class="tc-pre mb-0">{{ matter.description|default:"—" }}</p>
      </div></div></div>
      <div class="col-lg-4"><div class="tc-card"><div class="tc-card-body small">
        <dl class="row mb-0">
          <dt class="col-5 fw-normal tc-muted-label">{% translate "Field" %}</dt><dd class="col-7">\
{{ matter.field|default:"—" }}</dd>
          <dt class="col-5 fw-normal tc-muted-label">{% translate "Start" %}</dt><dd class="col-7">\
{{ matter.start_date|date:"Y-m-d"|default:"—" }}</dd>
          <dt class="col-5 fw-normal tc-muted-label">{% translate "Due" %}</dt><dd class="col-7">\
{{ matter.due_date|date:"Y-m-d"|default:"—" }}</dd>
          <dt class="col-5 fw-normal tc-muted-label">{% translate "Progress" %}</dt><dd class="col-7">\
{{ matter.percent_complete }}%</dd>
          {% if matter.completed_on %}<dt class="col-5 fw-normal tc-muted-label">{% translate "Completed" %}</dt>\
<dd class="col-7">{{ matter.completed_on|date:"Y-m-d" }} · {{ matter.confirmed_by|person }}</dd>{% endif %}
          <dt class="col-5 fw-normal tc-muted-label">{% translate "Lists" %}</dt>
          <dd class="col-7" id="list-chain">{% for e in entries %}<div><span class="font-monospace">\
{{ e.year_list.year }} · {{ e.code }}</span>{% if e.outcome == "rolled_over" %} <span class="badge text-bg-light">\
{% translate "rolled over" %}</span>{% endif %}{% if e.reason %}<div class="text-muted">{{ e.reason }}</div>\
{% endif %}</div>{% endfor %}</dd>
        </dl>
      </div></div></div>
    </div>"""


def made_up_matters() -> list[SimpleNamespace]:
    """A matter with everything (hostile), a bare one, and one completed (by someone, or by nobody on record)."""
    full = {"goal": HOSTILE, "description": HOSTILE, "field": Field(name=HOSTILE, name_en=f"{HOSTILE} en")}
    full |= {"start_date": dt.date(2026, 1, 2), "due_date": dt.date(2026, 12, 31), "percent_complete": 45}
    bare = {"goal": "", "description": "", "field": None, "start_date": None, "due_date": None, "percent_complete": 0}
    confirmer = get_user_model()(username="login", first_name=HOSTILE, last_name="王")
    return [
        SimpleNamespace(**full, completed_on=None, confirmed_by=None),
        SimpleNamespace(**bare, completed_on=None, confirmed_by=None),
        SimpleNamespace(**full | {"percent_complete": 100}, completed_on=dt.date(2026, 11, 30), confirmed_by=confirmer),
        SimpleNamespace(**bare, completed_on=dt.date(2026, 11, 30), confirmed_by=None),
    ]


# A list entry as the page reads it, (year, code, outcome, reason), and as the template read it (a ListEntry).
CHAINS = [
    [],
    [(2026, "2026-0001", "current", "")],
    [
        (2024, HOSTILE, "rolled_over", HOSTILE),
        (2025, "2025-R0001", "rolled_over", ""),
        (2026, "2026-0012", "current", HOSTILE),
    ],
]


def as_entries(chain) -> list[SimpleNamespace]:
    return [
        SimpleNamespace(year_list=SimpleNamespace(year=year), code=code, outcome=outcome, reason=reason)
        for year, code, outcome, reason in chain
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("chain", CHAINS)
def test_the_overview_writes_what_the_template_wrote(language, chain):
    with translation.override(language):
        for matter in made_up_matters():
            ours = matter_overview(matter, chain)
            assert "<script>" not in ours
            assert ours == render(OVERVIEW, matter=matter, entries=as_entries(chain))
        assert "&lt;script&gt;" in matter_overview(made_up_matters()[0], chain)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_overview_of_a_real_page_is_the_templates(world, client, language):
    """A rolled-over matter with a hostile goal, description and reason: its overview, with the chain of two lists."""
    with translation.override(language):
        matter = make_matter(world, goal=HOSTILE, description=HOSTILE)
        services.roll_over(matter, to_year=2021, user=world.users["office"], reason=HOSTILE)
        client.force_login(world.users["office"])
        response = client.get(reverse("matters:matter", args=[matter.pk]), headers={"Accept-Language": language})
        entries = matter.entries.select_related("year_list").order_by("year_list__year")
        overview = render(OVERVIEW, matter=response.context["matter"], entries=entries)
        assert overview.count("font-monospace") == 2
        assert "&amp;" in overview
        assert overview in response.content.decode()


# The head of templates/matters/matter_detail.html as it was (the top of its content block, to the tabs).
HEAD = """{% load i18n %}<div class="d-flex flex-wrap align-items-start gap-3 mb-3">
  <div class="me-auto">
    <div class="d-flex align-items-center gap-2 mb-1">
      <span class="font-monospace text-muted" id="matter-code">{{ matter.code }}</span>
      <span class="badge tc-status tc-status-{{ matter.status }}" id="matter-status">\
{{ matter.get_status_display }}</span>
      <span class="tc-light tc-light-{{ verdict.light }}" id="matter-light" data-light="{{ verdict.light }}">\
{{ light_label }}</span>
      {% if matter.is_archived %}<span class="badge text-bg-secondary">{% translate "Archived" %}</span>\
{% endif %}
    </div>
    <h1 class="h4 mb-1">{{ matter.title }}</h1>
    <div class="small text-muted">{% for r in verdict.reasons %}<span class="me-2">{{ r }}</span>{% endfor %}\
</div>
  </div>
  <div class="d-flex flex-wrap align-items-start gap-2">
    {% if can_change %}
      <a class="btn btn-sm btn-outline-primary" href="{{ addresses.edit }}"><i class="bi bi-pencil"></i> \
{% translate "Edit" %}</a>
      {% if matter.status != "completed" and matter.status != "cancelled" %}<a class="btn btn-sm \
btn-outline-secondary" href="{{ addresses.roll_over }}" id="roll-over-link"><i class="bi \
bi-arrow-return-right"></i> {% translate "Roll over" %}</a>{% endif %}
    {% endif %}
    {% for to, label in transitions %}
      <form method="post" action="{{ addresses.change_status }}" data-confirm="{% blocktranslate %}Set the \
status to “{{ label }}”?{% endblocktranslate %}">{% csrf_token %}
        <input type="hidden" name="version" value="{{ matter.version }}"><input type="hidden" name="status" \
value="{{ to }}">
        {% if to == "completed" %}<textarea class="form-control form-control-sm mb-1" name="reason" \
id="confirm-opinion" rows="1" placeholder="{% translate 'Your opinion (required to confirm completion)' %}" \
aria-label="{% translate 'Opinion' %}"></textarea>{% endif %}
        <button class="btn btn-sm {% if to == 'completed' %}btn-success{% elif to == 'cancelled' %}\
btn-outline-danger{% else %}btn-outline-secondary{% endif %}" type="submit" data-transition="{{ to }}">\
{{ label }}</button>
      </form>
    {% endfor %}
    {% if may_reopen %}
      <form method="post" action="{{ addresses.reopen }}" id="reopen-form">{% csrf_token %}
        <input type="hidden" name="version" value="{{ matter.version }}">
        <textarea class="form-control form-control-sm mb-1" name="reason" id="reopen-reason" rows="1" \
placeholder="{% translate 'Why it is reopened' %}" aria-label="{% translate 'Why it is reopened' %}\
"></textarea>
        <button class="btn btn-sm btn-outline-warning" type="submit" data-step="reopen">\
{% translate "Reopen" %}</button>
      </form>
    {% endif %}
    {% if can_change and not matter.is_archived %}
      <form method="post" action="{{ addresses.archive }}" data-confirm="\
{% translate 'Archive this matter? It stays in the history.' %}">{% csrf_token %}<button class="btn btn-sm \
btn-outline-danger" type="submit"><i class="bi bi-archive"></i> {% translate "Archive" %}</button></form>
    {% endif %}
  </div>
</div>

{% if matter.completion_requested_at and matter.status != "completed" %}
<div class="alert alert-info py-2">{% blocktranslate with date=matter.completion_requested_at|date:"Y-m-d" %}\
All sides reported the matter complete on {{ date }}. The office or a leader confirms completion.\
{% endblocktranslate %}</div>
{% endif %}

<ul class="nav nav-tabs mb-3" role="tablist">
  <li class="nav-item" role="presentation"><button class="nav-link active" data-bs-toggle="tab" \
data-bs-target="#parity" type="button" role="tab">{% translate "Both sides" %}</button></li>
  <li class="nav-item" role="presentation"><button class="nav-link" data-bs-toggle="tab" \
data-bs-target="#overview" type="button" role="tab">{% translate "Overview" %}</button></li>
  <li class="nav-item" role="presentation"><button class="nav-link" data-bs-toggle="tab" \
data-bs-target="#milestones" type="button" role="tab" id="tab-milestones">{% translate "Milestones" %} <span \
class="badge text-bg-light">{{ milestones|length }}</span></button></li>
  <li class="nav-item" role="presentation"><button class="nav-link" data-bs-toggle="tab" \
data-bs-target="#progress" type="button" role="tab" id="tab-progress">{% translate "Progress reports" %} \
<span class="badge text-bg-light">{{ reports|length }}</span></button></li>
  <li class="nav-item" role="presentation"><button class="nav-link" data-bs-toggle="tab" \
data-bs-target="#history" type="button" role="tab" id="tab-history">{% translate "History" %}</button></li>
</ul>"""


def made_up_heads() -> list[dict]:
    """The head's context for a matter in each status, with every step its status offers (and one hostile), or none;
    archived or not; a completion waiting (reported late in the evening, UTC: the next day in Beijing) or none."""
    addresses = {name: f"/matters/1/{name}/?{HOSTILE}" for name in ("edit", "roll_over", "change_status", "reopen")}
    addresses["archive"] = f"/matters/1/archive/?{HOSTILE}"
    verdict = SimpleNamespace(light="red", reasons=[HOSTILE, "里程碑逾期"])
    heads = []
    for i, status in enumerate(["proposed", "approved", "in_progress", "suspended", "completed", "cancelled"]):
        may = i % 2 == 0
        matter = Matter(
            code=f"{HOSTILE}{i}",
            title=HOSTILE,
            status=status,
            version=i + 2,
            archived_at=dt.datetime(2026, 5, 1, tzinfo=dt.UTC) if i == 3 else None,
            completion_requested_at=dt.datetime(2026, 5, 31, 20, 0, tzinfo=dt.UTC) if i in (2, 4) else None,
        )
        transitions = [(to, TRANSITION_LABELS[to]) for to in TRANSITIONS.get(status, {})] if may or i == 3 else []
        if i == 2:
            transitions.append(("suspended", HOSTILE))
        heads.append(
            {
                "matter": matter,
                "verdict": verdict if i % 3 else SimpleNamespace(light="grey", reasons=[]),
                "light_label": HOSTILE,
                "addresses": addresses,
                "can_change": may or i == 3,
                "transitions": transitions,
                "may_reopen": status == "completed" and may,
                "milestones": [None] * i,
                "reports": [None] * (5 - i),
            }
        )
    return heads


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_head_writes_what_the_template_wrote(language):
    token = SimpleLazyObject(lambda: "tok" + HOSTILE)
    with translation.override(language):
        for context in made_up_heads():
            ours = matter_head(Context({**context, "csrf_token": token}))
            assert "<script>" not in ours
            assert ours == render(HEAD, **context, csrf_token=token)
        steps = matter_head(Context({**made_up_heads()[2], "csrf_token": token}))
        assert steps.count("data-transition=") == 4
        assert "2026-06-01" in steps  # the completion reported, on the day it was in Beijing


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_head_of_a_real_page_is_the_templates(world, client, language):
    with translation.override(language):
        response = hostile_page(world, client, language, title=HOSTILE)
        body = response.content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
        head = render(HEAD, **{name: response.context[name] for name in made_up_heads()[0]}, csrf_token=token)
        assert head.count("data-transition=") == 3
        assert "&#x27;quoted&#x27;" in head  # the title, escaped (the service kept no tag of it)
        assert head in body


def test_every_text_written_inside_an_f_string_is_marked_for_the_catalogue():
    """makemessages reads no ``_t("…")`` inside an f-string: each text must be in ``MARKED`` (then
    core/tests/test_translations.py holds it to its Chinese), or the next catalogue update would drop it."""
    source = inspect.getsource(matter_page)
    texts = set(re.findall(r"""_t\(\s*["']([^"']+)["']\s*\)""", source))
    texts |= set(re.findall(r'_tab\(\s*"[^"]+",\s*"([^"]+)"', source))
    assert len(texts) > 40
    assert texts - set(MARKED) == set()
