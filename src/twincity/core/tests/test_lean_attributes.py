"""A lean row's ``<tr>`` attributes (``core.tables._attributes_html``) are django-tables2's
``AttributeDict.as_html()``: hostile values escaped, safe ones kept, None and the parts' names left out."""

import pytest
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from django_tables2.utils import AttributeDict

from twincity.core.tables import _attributes_html


@pytest.mark.parametrize(
    "attrs",
    [
        {},
        {"class": "odd"},
        {"data-matter": 7, "class": "tc-row even", "id": None},
        {"title": "<b>\"&'</b> 天府", "data-x": mark_safe("<i>&amp;</i>"), "aria-label": gettext_lazy("Search")},
        {"td": {"class": "x"}, "th": "y", "thead": 1, "_ordering": 2, "class": "odd"},
        {"<odd name>": "v"},
    ],
)
def test_row_attributes_are_django_tables2s(attrs):
    assert _attributes_html(attrs) == AttributeDict(attrs).as_html()
