"""The table frame's pieces (core/templatetags/tableframe.py) against what they stand for: a page or sorting link
is ``{% querystring_replace %}``'s (the query encoded whole, escaped), whatever the query holds."""

import pytest
from django.test import RequestFactory
from django.utils import translation
from django.utils.formats import localize
from django.utils.html import escape
from django.utils.http import urlencode

from twincity.core.templatetags.tableframe import _linker, page_number

QUERIES = [
    "",
    "page=3",
    "a=1&page=2&b=x&b=y",
    "b=&a=%E5%A4%A9&sort=-code",
    "page=1&page=2&z=%3Cb%3E%22%26%27",
    "sort=a&page=4&sort=b",
    "q=%E6%95%B0%E6%8D%AE+%E4%B8%AD%E5%BF%83&after=abc",
]


@pytest.mark.parametrize("query", QUERIES)
def test_every_link_is_the_whole_query_with_one_value_replaced(query):
    request = RequestFactory().get("/list/?" + query)
    params, link = dict(request.GET), _linker(request)
    for name in ("page", "sort", "per_page"):
        for value in (1, 12, "-code", "..."):
            assert link(name, value) == escape("?" + urlencode({**params, name: value}, doseq=True)), (name, value)


def test_a_link_without_a_request_is_the_value_alone():
    assert _linker(None)("page", 2) == "?page=2"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("separated", [False, True])
def test_a_page_number_reads_as_localize_writes_it(settings, language, separated):
    settings.USE_THOUSAND_SEPARATOR = separated
    with translation.override(language):
        for number in [*range(1200), 9999, 10000, 123456, "...", "<1>"]:
            assert page_number(number) == escape(localize(number)), number
