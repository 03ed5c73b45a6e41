"""One search box for the whole office: matters, meetings (series and sessions), meeting actions and the
entries of every register, each through the one door.

The top layer (docs/layers.md) may read every app, so the sources are listed here rather than in a
registry: matters and actions by their stored search documents (``core.search``: jieba words, the
database's full-text index), the registers — whatever ``core.registry`` lists as a register
declaration — the same way, and the meeting series and sessions, which keep no search document and
are few, by their names. Each source is two queries (how many, and the first few), whatever the
number of hits; each group links to its own list filtered by the same words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from twincity.accounts.choices import Action
from twincity.core import registry
from twincity.core import search as fulltext
from twincity.matters.models import Matter
from twincity.meetings.models import ActionItem, MeetingSeries, Session
from twincity.registers.declaration import Declaration

SHOWN = 5  # hits shown per kind; "more" leads to the list
MAX_QUERY = 200


@dataclass
class Hit:
    title: str
    url: str
    code: str = ""
    note: str = ""


@dataclass
class Group:
    key: str
    label: str
    count: int
    hits: list[Hit] = field(default_factory=list)
    more_url: str = ""


def _more(url: str, query: str) -> str:
    return f"{url}?{urlencode({'q': query})}"


def _group(key, label, queryset, query, more_url, hit) -> Group | None:
    count = queryset.count()
    if not count:
        return None
    return Group(key, str(label), count, [hit(o) for o in queryset[:SHOWN]], _more(more_url, query) if more_url else "")


def _matters(user, query):
    rows = fulltext.search(Matter.objects.restrict(user, Action.VIEW).filter(archived_at__isnull=True), query)
    return _group(
        "matters",
        _("Key cooperation matters"),
        rows.only("pk", "code", "title", "year").order_by("-year", "code"),
        query,
        reverse("matters:list"),
        lambda m: Hit(m.title, m.get_absolute_url(), m.code, str(m.year)),
    )


def _actions(user, query):
    rows = fulltext.search(ActionItem.objects.restrict(user, Action.VIEW).filter(archived_at__isnull=True), query)
    return _group(
        "actions",
        _("Meeting actions"),
        rows.only("pk", "code", "title", "due_date").order_by("-due_date", "-pk"),
        query,
        reverse("meetings:actions"),
        lambda a: Hit(a.title, a.get_absolute_url(), a.code, a.due_date.isoformat() if a.due_date else ""),
    )


def _words_q(query: str, *fields: str) -> Q:
    """Every word of the query in one of ``fields`` (for the few rows that keep no search document)."""
    condition = Q()
    for word in query.split():
        any_field = Q()
        for name in fields:
            any_field |= Q(**{f"{name}__icontains": word})
        condition &= any_field
    return condition


def _series(user, query):
    rows = MeetingSeries.objects.restrict(user, Action.VIEW).filter(archived_at__isnull=True)
    rows = rows.filter(_words_q(query, "name", "name_en", "description")).order_by("name", "pk")
    return _group(
        "series",
        _("Meeting series"),
        rows,
        query,
        "",
        lambda s: Hit(str(s), s.get_absolute_url()),
    )


def _sessions(user, query):
    rows = Session.objects.restrict(user, Action.VIEW).filter(archived_at__isnull=True)
    rows = rows.filter(_words_q(query, "series__name", "series__name_en", "venue", "chair", "minutes_summary"))
    rows = rows.select_related("series").order_by("-starts_at", "-pk")
    return _group(
        "sessions",
        _("Meeting sessions"),
        rows,
        query,
        reverse("meetings:index"),
        lambda s: Hit(str(s), s.get_absolute_url(), note=s.starts_at.date().isoformat()),
    )


def register_declarations() -> list[Declaration]:
    """The registers whose entries keep a search document (all six, in the menu's order)."""
    return [
        entry
        for entry in registry.menu_entries()
        if isinstance(entry, Declaration) and any(f.name == "search_document" for f in entry.model._meta.fields)
    ]


def _register(declaration: Declaration, user, query):
    model = declaration.model
    rows = model.objects.restrict(user, Action.VIEW).filter(archived_at__isnull=True)
    rows = fulltext.search(rows, query).only("pk", "code", "title").order_by("-pk")
    return _group(
        f"{model._meta.app_label}.{model._meta.model_name}",
        declaration.label,
        rows,
        query,
        declaration.list_url,
        lambda e: Hit(e.title, e.get_absolute_url(), e.code),
    )


def search_everything(user, query: str) -> list[Group]:
    """What ``user`` may see that matches ``query``, grouped by kind (kinds without a hit left out)."""
    query = (query or "").strip()[:MAX_QUERY]
    if not query or not fulltext.query_words(query):
        return []
    groups = [_matters(user, query), _sessions(user, query), _series(user, query), _actions(user, query)]
    groups.extend(_register(d, user, query) for d in register_declarations())
    return [g for g in groups if g is not None]


@login_required
def search_page(request):
    query = (request.GET.get("q") or "").strip()[:MAX_QUERY]
    groups = search_everything(request.user, query)
    return render(
        request,
        "workspace/search.html",
        {"query": query, "groups": groups, "total": sum(g.count for g in groups), "nav": "search"},
    )
