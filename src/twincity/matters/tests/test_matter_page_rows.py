"""The matter page's side cards (``{% parity_cards %}``, matters/templatetags/matter_page.py: one pass) against the
template loop they replaced, byte for byte: every branch (a side taking part or not, lagging, each step of its
supervision, with and without units, a leader, a last report, milestones done, overdue and ahead), hostile text,
both languages; and the cards of a real page."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.template import Context, Engine, Template
from django.urls import reverse
from django.utils import translation

from twincity.matters import services
from twincity.matters.templatetags.matter_page import parity_cards
from twincity.testing import make_matter
from twincity.testkit import HOSTILE

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
        ours = parity_cards(parity, case, TODAY)
        assert "&lt;script&gt;" in ours
        assert "<script>" not in ours
        assert ours == by_template(parity, case)
        assert parity_cards([], case, TODAY) == by_template([], case) == ""


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_cards_of_a_real_page_are_the_templates(world, client, language):
    matter = make_matter(world, title=HOSTILE)
    office = world.users["office"]
    services.add_milestone(matter, side_id=world.lj.pk, title=HOSTILE, due_date=dt.date(2020, 6, 1), user=office)
    services.file_progress(
        matter, user=office, side_id=world.tf.pk, period="2020-05", text=HOSTILE, percent_complete=30
    )
    client.force_login(office)
    with translation.override(language):
        response = client.get(reverse("matters:matter", args=[matter.pk]), headers={"Accept-Language": language})
        context = response.context
        cards = by_template(context["parity"], context["case"], context["today"])
        assert cards.count("data-side=") == len(context["parity"]) >= 2
        assert cards in response.content.decode()
