"""The top bar (``{% frame_nav %}``, core/templatetags/frame_nav.py) against the template it replaced, byte for byte:
every persona, a superuser, a member of two partnerships and someone signed out, in both languages, on every page's
active item, with and without to-dos and unread notices, hostile names, site name and address, under another script
prefix and another current application; the bar's counts in one query, and nothing of one reader's kept for another.
"""

import re
import subprocess

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import add_message, constants
from django.contrib.messages.storage import default_storage
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.template import engines
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import clear_script_prefix, resolve, set_script_prefix
from django.utils import translation
from django.utils.html import escape

from twincity.accounts.access import forget, is_office, partnerships_for
from twincity.accounts.choices import Role
from twincity.accounts.services import add_membership
from twincity.core.registry import frame_counts
from twincity.core.templatetags import frame_nav
from twincity.notifications.models import Notification
from twincity.regions.models import Partnership
from twincity.supervision.todos import count_for
from twincity.testing import PERSONAS, make_user, populate
from twincity.testkit import HOSTILE

pytestmark = pytest.mark.django_db

# templates/base.html and templates/supervision/_menu.html (which it included) as they were, written by the template
# engine tag by tag.
BASE_BEFORE = """{% load static i18n notifications todos frame_urls frame_i18n %}<!doctype html>
{% get_current_language as LANGUAGE_CODE %}
<html lang="{% if LANGUAGE_CODE == 'zh-hans' %}zh-CN{% else %}{{ LANGUAGE_CODE }}{% endif %}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="htmx-config" content='{"includeIndicatorStyles": false, "allowEval": false, "allowScriptTags": false}'>
  <title>{% block title %}{% endblock %} · {{ site_name }}</title>
  <link rel="icon" href="{% static "twincity/favicon.svg" %}" type="image/svg+xml">
  <link rel="stylesheet" href="{% static 'vendor/bootstrap/bootstrap.min.css' %}">
  <link rel="stylesheet" href="{% static 'vendor/bootstrap-icons/bootstrap-icons.min.css' %}">
  <link rel="stylesheet" href="{% static 'vendor/tom-select/tom-select.bootstrap5.min.css' %}">
  <link rel="stylesheet" href="{% static 'twincity/app.css' %}">
  <script src="{% static 'vendor/bootstrap/bootstrap.bundle.min.js' %}" defer></script>
  <script src="{% static 'vendor/tom-select/tom-select.complete.min.js' %}" defer></script>
  <script src="{% static 'django_htmx/htmx-2.min.js' %}" defer></script>
  {% block head %}{% endblock %}
  <script src="{% static 'twincity/app.js' %}" defer></script>
</head>
<body hx-headers='{"X-CSRFToken": "{{ csrf_token }}"}'>
<nav class="navbar navbar-expand-lg navbar-dark tc-navbar">
  <div class="container-fluid">
    <a class="navbar-brand d-flex align-items-center gap-2" href="{% url 'home' %}">
      <span class="tc-logo">双</span><span>{{ site_name }}</span>
    </a>
    {% if user.is_authenticated %}
    <button class="navbar-toggler" type="button" data-bs-toggle="collapse" data-bs-target="#nav" aria-controls="nav" aria-expanded="false" aria-label="{% translate 'Menu' %}">
      <span class="navbar-toggler-icon"></span>
    </button>
    <div class="collapse navbar-collapse" id="nav">
      <ul class="navbar-nav me-auto">
        {% with p=nav_partnerships.0 %}
        {% if p %}
        <li class="nav-item"><a class="nav-link{% if nav == 'dashboard' %} active{% endif %}" href="{% url 'dashboard' p.pk %}"><i class="bi bi-speedometer2"></i> {% translate "Dashboard" %}</a></li>
        <li class="nav-item"><a class="nav-link{% if nav == 'matters' %} active{% endif %}" href="{% url 'matters:list' %}?partnership={{ p.pk }}"><i class="bi bi-list-check"></i> {% translate "Key matters" %}</a></li>
        <li class="nav-item"><a class="nav-link{% if nav == 'meetings' %} active{% endif %}" href="{% url 'meetings:index' %}?partnership={{ p.pk }}" id="nav-meetings"><i class="bi bi-people"></i> {% translate "Joint meetings" %}</a></li>
        {% if nav_registers %}
        <li class="nav-item dropdown">
          <a class="nav-link dropdown-toggle{% if nav_is_register %} active{% endif %}" href="#" role="button" data-bs-toggle="dropdown" aria-expanded="false" id="nav-registers"><i class="bi bi-archive"></i> {% translate "Registers" %}</a>
          <ul class="dropdown-menu">
            {% for r in nav_registers %}<li><a class="dropdown-item" href="{{ r.list_url }}?partnership={{ p.pk }}"><i class="bi bi-{{ r.icon }}"></i> {{ r.label }}</a></li>{% endfor %}
          </ul>
        </li>
        {% endif %}
        <li class="nav-item dropdown">
          <a class="nav-link dropdown-toggle{% if nav == 'supervision' %} active{% endif %}" href="#" role="button" data-bs-toggle="dropdown" aria-expanded="false" id="nav-supervision"><i class="bi bi-flag"></i> {% translate "Supervision" %}</a>
          <ul class="dropdown-menu">{% include "supervision/_menu.html" %}</ul>
        </li>
        <li class="nav-item"><a class="nav-link{% if nav == 'mywork' %} active{% endif %}" href="{% url 'workspace:my_work' %}"><i class="bi bi-person-check"></i> {% translate "My work" %}</a></li>
        <li class="nav-item"><a class="nav-link{% if nav == 'partnership' %} active{% endif %}" href="{% url 'regions:partnership' p.pk %}"><i class="bi bi-diagram-3"></i> {% translate "Partnership" %}</a></li>
        {% if nav_can_audit %}<li class="nav-item"><a class="nav-link{% if nav == 'audit' %} active{% endif %}" href="{% url 'audit:log' %}"><i class="bi bi-journal-text"></i> {% translate "Audit log" %}</a></li>{% endif %}
        {% endif %}
        {% endwith %}
      </ul>
      <form class="d-flex me-2" role="search" action="{% url 'workspace:search' %}" method="get">
        <input class="form-control form-control-sm tc-search" type="search" name="q" maxlength="200" placeholder="{% translate 'Search everything' %}" aria-label="{% translate 'Search' %}">
      </form>
      <ul class="navbar-nav">
        {% open_todos user as todo_count %}
        <li class="nav-item"><a class="nav-link{% if nav == 'todos' %} active{% endif %}" href="{% url 'supervision:todos' %}" id="nav-todo-count" title="{% translate 'To-do' %}"><i class="bi bi-list-check"></i> {% translate "To-do" %}{% if todo_count %} <span class="badge text-bg-warning" data-count="{{ todo_count }}">{{ todo_count }}</span>{% endif %}</a></li>
        {% unread_notifications user as unread %}
        <li class="nav-item"><a class="nav-link{% if nav == 'notifications' %} active{% endif %}" href="{% url 'notifications:list' %}" id="nav-notifications" title="{% translate 'Notifications' %}"><i class="bi bi-bell"></i><span class="visually-hidden">{% translate "Notifications" %}</span>{% if unread %} <span class="badge text-bg-light text-danger">{{ unread }}</span>{% endif %}</a></li>
        <li class="nav-item dropdown">
          <a class="nav-link dropdown-toggle" href="#" role="button" data-bs-toggle="dropdown" aria-expanded="false" title="{{ user.get_full_name|default:user.username }}"><i class="bi bi-person-circle"></i> <span class="tc-user-name">{{ user.get_full_name|default:user.username }}</span></a>
          <ul class="dropdown-menu dropdown-menu-end">
            <li><a class="dropdown-item" href="{% url 'profile' %}">{% translate "My account and API token" %}</a></li>
            <li><a class="dropdown-item" href="{% url 'password_change' %}">{% translate "Change password" %}</a></li>
            <li><a class="dropdown-item" href="{% url 'notifications:preferences' %}">{% translate "My notice preferences" %}</a></li>
            <li><a class="dropdown-item" href="/api/docs/">{% translate "API documentation" %}</a></li>
            {% if user.is_superuser %}<li><a class="dropdown-item" href="{% url 'admin:index' %}">{% translate "System administration" %}</a></li>{% endif %}
            <li><hr class="dropdown-divider"></li>
            <li><form method="post" action="{% url 'logout' %}">{% csrf_token %}<button class="dropdown-item" type="submit">{% translate "Sign out" %}</button></form></li>
          </ul>
        </li>
      </ul>
    </div>
    {% endif %}
    <form class="ms-2 tc-lang" action="{% url 'set_language' %}" method="post">{% csrf_token %}
      <input name="next" type="hidden" value="{{ request.get_full_path }}">
      <div class="btn-group btn-group-sm" role="group" aria-label="{% translate 'Language' %}">
        <button type="submit" name="language" value="zh-hans" class="btn btn-outline-light{% if LANGUAGE_CODE == 'zh-hans' %} active{% endif %}">中文</button>
        <button type="submit" name="language" value="en" class="btn btn-outline-light{% if LANGUAGE_CODE == 'en' %} active{% endif %}">EN</button>
      </div>
    </form>
  </div>
</nav>
<main class="container-fluid py-3 px-lg-4">
  {% if messages %}
  <div class="tc-messages">
    {% for message in messages %}
    <div class="alert alert-{% if message.tags == 'error' %}danger{% else %}{{ message.tags|default:'info' }}{% endif %} alert-dismissible fade show" role="alert">
      {{ message }}
      <button type="button" class="btn-close" data-bs-dismiss="alert" aria-label="{% translate 'Close' %}"></button>
    </div>
    {% endfor %}
  </div>
  {% endif %}
  {% block breadcrumbs %}{% endblock %}
  {% block content %}{% endblock %}
</main>
<footer class="tc-footer text-muted small px-4 py-3">
  twincity · {% translate "Twin-City Office software. Runs without internet access." %}
</footer>
</body>
</html>
"""  # noqa: E501 - as it was, line for line

MENU_BEFORE = """{% load i18n frame_urls %}{# The supervision menu (base.html): one line per page, each with ?partnership={{ p.pk }}. #}
{# cases #}
<li><a class="dropdown-item" id="nav-cases" href="{% url 'supervision:case_list' %}?partnership={{ p.pk }}"><i class="bi bi-clipboard-check"></i> {% translate "Supervised items" %}</a></li>
{# sheets #}
<li><a class="dropdown-item" href="{% url 'supervision:sheet_list' %}?partnership={{ p.pk }}"><i class="bi bi-file-earmark-text"></i> {% translate "Supervision sheets" %}</a></li>
{# briefing #}
<li><a class="dropdown-item" id="menu-briefing" href="{% url 'supervision:briefings' %}?partnership={{ p.pk }}"><i class="bi bi-newspaper"></i> {% translate "Digests and briefings" %}</a></li>
{# scores #}
<li><a class="dropdown-item" id="menu-scores" href="{% url 'supervision:scores' %}?partnership={{ p.pk }}"><i class="bi bi-bar-chart-line"></i> {% translate "Scoring of units" %}</a></li>
{# to-do #}
<li><a class="dropdown-item" href="{% url 'supervision:todos' %}?partnership={{ p.pk }}" id="nav-todos"><i class="bi bi-list-check"></i> {% translate "To-do" %}</a></li>
{# notices #}{% load notifications %}{% runs_office user p as office_here %}{% if office_here %}
<li><hr class="dropdown-divider"></li>
<li><a class="dropdown-item" href="{% url 'notifications:deliveries' p.pk %}" id="menu-deliveries"><i class="bi bi-send"></i> {% translate "Deliveries" %}</a></li>
<li><a class="dropdown-item" href="{% url 'notifications:robots' p.pk %}" id="menu-robots"><i class="bi bi-robot"></i> {% translate "Group robots" %}</a></li>
{% endif %}
"""  # noqa: E501 - as it was, line for line


def reference():
    """The page frame as the template wrote it: ``BASE_BEFORE`` with its supervision menu in place. The three tags it
    called (the to-do count, the unread notices, whether the reader runs the office) find their answers in the
    context, as those tags computed them (``old_answers``)."""
    menu = MENU_BEFORE
    for tag in ("{% load notifications %}", "{% runs_office user p as office_here %}"):
        assert tag in menu
        menu = menu.replace(tag, "")
    text = BASE_BEFORE
    for old, new in (
        (
            "{% load static i18n notifications todos frame_urls frame_i18n %}",
            "{% load static i18n frame_urls frame_i18n %}",
        ),
        ("{% open_todos user as todo_count %}", ""),
        ("{% unread_notifications user as unread %}", ""),
        ('{% include "supervision/_menu.html" %}', menu),
    ):
        assert old in text
        text = text.replace(old, new)
    return engines["django"].from_string(text).template


def old_answers(user) -> dict:
    """What ``open_todos``, ``unread_notifications`` and ``runs_office`` answered (ORM counts, the door)."""
    if not user.is_authenticated:
        return {"todo_count": 0, "unread": 0, "office_here": False}
    mine = partnerships_for(user)
    return {
        "todo_count": count_for(user),
        "unread": Notification.objects.filter(user=user, read_at__isnull=True).count(),
        "office_here": bool(mine) and is_office(user, mine[0].pk),
    }


PAGE = engines["django"].from_string(
    "{% extends base %}{% block title %}{{ title }}{% endblock %}{% block content %}<p>{{ title }}</p>{% endblock %}"
)
NAVS = [
    None,
    "dashboard",
    "matters",
    "meetings",
    "supervision",
    "mywork",
    "partnership",
    "audit",
    "todos",
    "notifications",
    "search",
    "indicators",
]
PATH = "/matters/?partnership=1&q=%3Cscript%3E%22%27%26&x=<b>&y=" + "&quot;"


def request_for(user, *, app: str | None = None, message: str = ""):
    request = RequestFactory().get(PATH)
    request.user = user
    request.session = SessionStore()
    request._messages = default_storage(request)
    if message:
        add_message(request, constants.WARNING, message)
    if app:
        request.resolver_match = resolve(app)
    return request


def both(user, nav, *, on_register=False, app=None, message="") -> tuple[str, str]:
    """The page with the frame as written now and as the template wrote it, for the same request and token."""
    context = {"nav": nav, "nav_is_register": on_register, "csrf_token": "a" * 64, "title": HOSTILE}
    base = engines["django"].engine.get_template("base.html")
    now = PAGE.render({**context, "base": base}, request_for(user, app=app, message=message))
    if user.is_authenticated:
        forget(user)  # each rendering reads the reader afresh, as a request does
    before = PAGE.render(
        {**context, "base": reference(), **old_answers(user)}, request_for(user, app=app, message=message)
    )
    return now, before


@pytest.fixture
def readers(world):
    """Every persona with something on their bar: to-dos (``populate``), unread notices, a hostile name; the office
    also in a second partnership whose name comes first; a superuser; someone signed out."""
    populate(world)
    users = {name: world.users[name] for name in PERSONAS}
    users["tf-unit"].first_name = HOSTILE
    users["tf-unit"].save()
    users["lj-coord"].username = "lj<coord>&'\"x"
    users["lj-coord"].save()
    for name in ("office", "tf-unit", "auditor", "outsider"):
        for i in range(3 if name != "auditor" else 1234):
            Notification.objects.create(user=users[name], title=f"{HOSTILE} {i}")
    first = Partnership.objects.create(name="A 先合作机制 <b>", name_en="A first")
    add_membership(users["office"], first, Role.LEADER)
    users["admin"] = make_user("root", superuser=True)
    users["signed out"] = AnonymousUser()
    assert count_for(users["tf-unit"])  # the scene gives them something to do
    assert count_for(users["office"])
    return users


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_bar_is_the_templates_for_every_reader_and_page(readers, language):
    with translation.override(language):
        for name, user in readers.items():
            for nav in NAVS:
                now, before = both(user, nav)
                assert now == before, (name, nav)
            now, before = both(user, None, on_register=True, app="/audit/", message=HOSTILE)
            assert now == before, name
    assert escape(HOSTILE) in now


def test_the_bar_is_the_templates_under_another_prefix_and_site_name(readers):
    set_script_prefix("/office/")
    try:
        with override_settings(TWINCITY_SITE_NAME=HOSTILE):
            for name, user in readers.items():
                now, before = both(user, "matters", app="/matters/")
                assert now == before, name
                assert 'action="/office/i18n/setlang/"' in now, name
    finally:
        clear_script_prefix()


def test_the_counts_are_the_orms_in_one_query(readers):
    for name, user in readers.items():
        if not user.is_authenticated:
            assert frame_counts(user) == {"todos": 0, "unread": 0}
            continue
        answers = old_answers(user)
        with CaptureQueriesContext(connection) as ctx:
            counts = frame_counts(user)
        assert counts == {"todos": answers["todo_count"], "unread": answers["unread"]}, name
        assert len(ctx.captured_queries) <= 1, name


def test_a_page_pays_one_query_for_the_bar_after_its_memberships(readers):
    user = readers["office"]
    request = request_for(user)
    partnerships_for(user)  # read with the memberships, as the page key reads them
    base = engines["django"].engine.get_template("base.html")
    with CaptureQueriesContext(connection) as ctx:
        PAGE.render({"nav": "audit", "base": base, "title": "x"}, request)
    assert len(ctx.captured_queries) == 1, [q["sql"] for q in ctx.captured_queries]  # both counts


def test_nothing_of_one_reader_is_kept_for_another(readers):
    frame_nav._KEPT.clear()
    for user in readers.values():
        both(user, "todos")
    kept = "".join(part for parts in frame_nav._KEPT.values() for part in parts)
    assert escape(HOSTILE) not in kept  # names
    assert "lj&lt;coord" not in kept
    assert "data-count" not in kept  # counts
    assert 'class="badge' not in kept
    assert "csrfmiddlewaretoken" not in kept
    assert "a" * 64 not in kept
    assert "%3Cscript" not in kept  # the address the switcher returns to
    assert "&amp;quot;" not in kept


def test_every_text_of_the_bar_is_found_by_makemessages():
    """Each text the bar says is marked where ``makemessages`` finds it (xgettext reads no call inside an f-string: a
    text only there would leave the catalogue at the next ``make messages``, and the bar would speak English)."""
    extracted = subprocess.run(
        ["xgettext", "--language=Python", "--keyword=_", "--output=-", frame_nav.__file__],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    found = set(re.findall(r'^msgid "(.+)"$', extracted, re.MULTILINE))
    bar = BASE_BEFORE[BASE_BEFORE.index("<nav") : BASE_BEFORE.index("</nav>")] + MENU_BEFORE
    said = set(re.findall(r"{% translate [\"']([^\"']+)[\"'] %}", bar))
    assert len(said) == 26
    assert said <= found, said - found


def test_the_kept_bars_are_bounded(readers, monkeypatch):
    monkeypatch.setattr(frame_nav, "MAX_KEPT", 3)
    monkeypatch.setattr(frame_nav, "_KEPT", {})
    for nav in NAVS:
        now, before = both(readers["office"], nav)
        assert now == before
        assert len(frame_nav._KEPT) <= 3
