"""``{% dashboard_panels panels %}`` (core/templatetags/dashboard_panels.py) against the template it replaced
(``registers/_dashboard_panels.html``), byte for byte: lines with and without a link, a date, a badge; a panel with and
without its link to all, with no line; no panel at all; hostile texts; both languages; and the panels of a real
dashboard."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from twincity.core import registry
from twincity.core.registry import PanelItem
from twincity.testkit import HOSTILE

# templates/registers/_dashboard_panels.html as it was.
OLD = """{% load i18n %}{# The registers' panels on the partnership dashboard. \
Expects `register_panels` (registry.panels). #}
{% if register_panels %}
<div class="row g-3 mt-1" id="register-panels">
  {% for panel in register_panels %}
  <div class="col-md-6 col-xl-4"><div class="tc-card h-100" data-panel="{{ panel.key }}">\
<div class="tc-card-header d-flex align-items-center">
    <span class="me-auto"><i class="bi bi-{{ panel.icon }}"></i> {{ panel.title }}</span>
    {% if panel.link %}<a class="small" href="{{ panel.link }}">{% translate "All" %}</a>{% endif %}
  </div><div class="tc-card-body small">
    {% for item in panel.items %}
    <div class="d-flex gap-2 mb-1 align-items-baseline">
      {% if item.url %}<a class="me-auto text-truncate" href="{{ item.url }}">{{ item.text }}</a>\
{% else %}<span class="me-auto text-truncate">{{ item.text }}</span>{% endif %}
      {% if item.date %}<span class="text-muted text-nowrap">{{ item.date|date:"Y-m-d" }}</span>{% endif %}
      {% if item.badge %}<span class="badge text-bg-{{ item.tone }} text-nowrap">{{ item.badge }}</span>{% endif %}
    </div>
    {% endfor %}
  </div></div></div>
  {% endfor %}
</div>
{% endif %}
"""


def old(panels) -> str:
    return Template(OLD).render(Context({"register_panels": panels}))


def new(panels) -> str:
    return Template("{% load dashboard_panels %}{% dashboard_panels register_panels %}").render(
        Context({"register_panels": panels})
    )


def panel(key, items, *, link="/agreements/?partnership=1", title="协议到期", icon="hourglass-split") -> dict:
    return {"key": key, "title": title, "icon": icon, "items": items, "link": link}


PANELS = [
    panel(
        "agreements_expiry",
        [
            PanelItem("成渝协议", "/agreements/1/", dt.date(2026, 12, 1), "已到期", "danger"),
            PanelItem("人才协议", "/agreements/2/", dt.date(2026, 1, 9), gettext_lazy("today"), "warning"),
            PanelItem("无链接的行"),
            PanelItem("只有日期", date=dt.date(2027, 3, 4)),
            PanelItem("只有标记", badge="待办"),
        ],
    ),
    panel(
        "coupling", [PanelItem("D = 0.512", "", badge="良好协调", tone="success")], link="", title=gettext_lazy("All")
    ),
    panel("empty", []),
    panel(
        HOSTILE,
        [PanelItem(HOSTILE, HOSTILE, dt.date(2026, 2, 3), HOSTILE, HOSTILE)],
        link=HOSTILE,
        title=HOSTILE,
        icon=HOSTILE,
    ),
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_panels_as_the_template_wrote_them(language):
    with translation.override(language):
        assert new(PANELS) == old(PANELS)
        assert new(PANELS[:1]) == old(PANELS[:1])
        assert new([]) == old([])
    assert "&lt;script&gt;" in new(PANELS)
    assert "<script>" not in new(PANELS)


@pytest.mark.django_db
def test_a_real_dashboards_panels_as_the_template_wrote_them(world, client_as):
    response = client_as("office").get(reverse("dashboard", args=[world.partnership.pk]))
    panels = registry.panels(world.partnership, timezone.localdate())
    with translation.override("zh-hans"):
        assert new(panels) == old(panels)
    assert new(panels).strip() in response.content.decode() or not panels
