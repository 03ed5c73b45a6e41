"""Every table's lean rows (core/tables.py) against django-tables2's own cell-by-cell rendering, page by page,
in both languages; and the query count of each list does not grow with its rows."""

import html
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

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
