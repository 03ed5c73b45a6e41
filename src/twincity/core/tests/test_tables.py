"""Every table's lean rows (core/tables.py) against django-tables2's own cell-by-cell rendering, page by page,
in both languages; and the query count of each list does not grow with its rows."""

import html
import re
from pathlib import Path

import django_tables2
import pytest
from django.template import engines
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from twincity.core.pagination import CappedPaginator
from twincity.core.tables import ROW_TEMPLATE, LeanTable
from twincity.core.views import ObjectListView
from twincity.testing import build_world, built_once, populate


def list_pages():
    """(url name, needs the partnership's pk) of every list page made of a table."""

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + (f"{p.namespace}:" if p.namespace else ""))
            elif isinstance(p, URLPattern) and p.name:
                view = getattr(p.callback, "view_class", None)
                if view is not None and issubclass(view, ObjectListView):
                    yield prefix + p.name, "<int:pk>" in str(p.pattern)

    return sorted(set(walk(get_resolver().url_patterns)))


def _normalised(text: str) -> str:
    text = re.sub(r' data-label="[^"]*"', "", text)
    text = re.sub(r"\s+>", ">", text)
    return re.sub(r">\s+<", "><", text).strip()


def _tbody(text: str) -> str:
    return _normalised(re.search(r"<tbody.*?</tbody>", text, re.S).group(0))


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker, lambda: populate(build_world())) as w:
        yield w


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_table_renders_as_django_tables2_does(client, world, language):
    client.force_login(world.users["office"])
    compared = {}
    for name, with_pk in list_pages():
        url = reverse(name, kwargs={"pk": world.partnership.pk} if with_pk else None)
        response = client.get(url, headers={"accept-language": language})
        assert response.status_code == 200, url
        table = response.context and response.context.get("table")  # an export has none
        if not isinstance(table, LeanTable):
            continue
        request = response.wsgi_request
        with translation.override(language):
            table.template_name = table.frame_template
            before = table.as_html(request)
            table.template_name = ROW_TEMPLATE
            after = table.as_html(request)
        assert _tbody(after) == _tbody(before), url
        headers = [str(column.header) for column in table.columns]
        labels = [html.unescape(label) for label in re.findall(r'<td [^>]*data-label="([^"]*)"', after)]
        rows = len(table.paginated_rows)
        if rows:
            assert labels == headers * rows, url
        compared[table.__class__.__name__] = rows  # the view hands a lazy table (core/cache.py)
    lean = {cls.__name__ for cls in _subclasses(LeanTable) if cls.__module__.startswith("twincity")}
    assert set(compared) >= lean - {"RegisterTable", "LearningTable", "_Table"}, lean - set(compared)
    # The scene has rows for every table but these (their own tests fill them): they are compared empty.
    empty = {name for name, rows in compared.items() if not rows}
    assert empty <= {"SheetTable", "TodoTable", "RunTable", "JobTable"}, empty


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


# ----------------------------------------------------------------------------- the frame: header row and pages


def _package_template():
    """django-tables2's own Bootstrap 5 template (the project's file of the same name overrides it)."""
    path = Path(django_tables2.__file__).parent / "templates" / "django_tables2" / "bootstrap5.html"
    return engines["django"].from_string(path.read_text())


def _part(pattern: str, text: str) -> str:
    """The part of the page, with the whitespace between tags and around text dropped (a browser shows the same)."""
    found = re.search(pattern, text, re.S)
    if not found:
        return ""
    return re.sub(r"\s*(<[^>]*>)\s*", r"\1", re.sub(r"\s+", " ", found.group(0)).replace(" >", ">")).strip()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_tables_header_and_pages_are_django_tables2s(client, world, language):
    """``{% table_head %}`` and ``{% table_pages %}`` (core/templatetags/tableframe.py) give the package's HTML:
    every list's header row with its sorting links, and its numbered pages (first, middle with both gaps, last),
    sorted and not, in both languages."""
    client.force_login(world.users["office"])
    package = _package_template()
    compared = set()
    for name, with_pk in list_pages():
        url = reverse(name, kwargs={"pk": world.partnership.pk} if with_pk else None)
        for query in ("", "?sort=-code&q="):
            response = client.get(url + query, headers={"accept-language": language})
            assert response.status_code == 200, url
            table = response.context and response.context.get("table")
            if table is None:
                continue
            request = response.wsgi_request
            rows = len(table.rows)
            for page in sorted({1, 2, rows // 2, rows - 1, rows} - {0}):
                table.paginate(paginator_class=CappedPaginator, per_page=1, page=page)
                with translation.override(language):
                    ours = table.as_html(request)
                    theirs = package.render({"table": table}, request)
                for pattern in (r"<thead.*?</thead>", r'<nav aria-label="Table navigation">.*?</nav>'):
                    assert _part(pattern, ours) == _part(pattern, theirs), (url + query, page, pattern)
                assert "<thead" in ours, url
                if rows > 1:
                    assert 'aria-label="Table navigation"' in ours, (url, page)
            compared.add(table.__class__.__name__)  # the view hands a lazy table (core/cache.py)
    assert {"MatterTable", "SessionTable", "ObjectChangeTable"} <= compared, compared
