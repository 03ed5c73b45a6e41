"""Free text is plain text: whatever is typed, pasted or encoded, nothing stored opens an HTML tag."""

import re

import pytest
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from hypothesis import given, settings
from hypothesis import strategies as st

from twincity.core.text import escaped, join_words, plain

TAG = re.compile(r"<[a-zA-Z/!?]")

HOSTILE = [
    "&lt;img src=x onerror=alert(1)&gt;",
    "<b>&lt;img src=x onerror=alert(1)&gt;</b>",
    "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;",
    "&#60;svg onload=alert(1)&#62;",
    "&#x3C;iframe src=javascript:alert(1)&#x3e;",
    "&lt;!-- x --&gt;&lt;?php ?&gt;&lt;/textarea&gt;",
    "<xmp><img src=x onerror=alert(1)></xmp>",
    "&" + "amp;" * 30 + "lt;img src=x&gt;",
    "&amp;#60;a href=x&amp;#62;",
]

# Pieces that make up markup and its encodings, so that the generated text is mostly near-misses.
PIECES = st.sampled_from(
    [
        "<",
        ">",
        "&",
        ";",
        "#",
        "x",
        "3c",
        "60",
        "lt",
        "gt",
        "amp",
        "img",
        "b",
        "/",
        "!",
        "?",
        "--",
        " ",
        "\r",
        "\n",
        "script",
        "style",
        "a",
        "=",
        '"',
        "'",
        "中",
        "“",
        "\x00",
        "&lt;",
        "&amp;",
        "&#60;",
        "&#x3C;",
        "<b>",
        "</b>",
    ]
)
TEXT = st.one_of(st.text(), st.lists(st.one_of(PIECES, st.text(max_size=3)), max_size=30).map("".join))


@pytest.mark.parametrize("hostile", HOSTILE)
def test_encoded_markup_never_comes_back_as_a_tag(hostile):
    cleaned = plain(hostile)
    assert not TAG.search(cleaned), cleaned
    assert plain(cleaned) == cleaned


def test_an_entity_encoded_image_is_kept_as_harmless_text():
    assert plain("&lt;img src=x onerror=alert(1)&gt;") == "＜img src=x onerror=alert(1)>"
    assert plain("<b>&lt;img src=x&gt;</b>") == "＜img src=x>"


@pytest.mark.parametrize("text", ["A < B", "5<6", "R&D", "“引号”", "<中文>", "AT&T", "a<=b", "x > 3 && y < 4", "100%"])
def test_ordinary_text_is_kept_as_typed(text):
    assert plain(text) == text


def test_entities_become_their_characters_and_tags_are_removed():
    assert plain("AT&amp;T") == "AT&T"
    assert plain("<p>共建<b>内陆</b>开放门户</p><script>alert(1)</script>") == "共建内陆开放门户"


@settings(max_examples=600, deadline=None)
@given(TEXT)
def test_for_any_input_the_result_opens_no_tag_and_cleaning_again_changes_nothing(text):
    cleaned = plain(text)
    assert not TAG.search(cleaned)
    assert plain(cleaned) == cleaned


# ------------------------------------------------------------------------------------------------- the API


@pytest.mark.django_db
def test_a_hostile_matter_title_posted_through_the_api_is_read_back_as_plain_text(api_as, world):
    client = api_as("office")
    created = client.post(
        "/api/matters/",
        {
            "partnership": world.partnership.pk,
            "year": 2020,
            "title": "<b>&lt;img src=x onerror=alert(1)&gt;</b>共建",
            "goal": "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;",
            "owners": [{"organisation": world.tf_dept.pk, "role": "lead"}],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    read = client.get(f"/api/matters/{created.json()['id']}/").json()
    assert read["title"] == "＜img src=x onerror=alert(1)>共建"
    assert not TAG.search(read["goal"])
    assert "script" in read["goal"]


@pytest.mark.django_db
def test_a_hostile_request_title_posted_through_the_api_is_read_back_as_plain_text(api_as, world):
    client = api_as("lj-coord")
    created = client.post(
        "/api/petitions/",
        {
            "partnership": world.partnership.pk,
            "year": 2020,
            "title": "&#60;svg onload=alert(1)&#62;开放试点",
            "target_authority": "<i>&lt;iframe src=javascript:alert(1)&gt;</i>商务部",
            "drafting_units": [world.lj_dept.pk, world.tf_dept.pk],
            "text": "联合申请",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    read = client.get(f"/api/petitions/{created.json()['id']}/").json()
    assert read["title"] == "＜svg onload=alert(1)>开放试点"
    assert read["target_authority"] == "＜iframe src=javascript:alert(1)>商务部"


def test_names_are_listed_as_the_readers_language_lists_them():
    with translation.override("zh-hans"):
        assert join_words(["天府新区", "两江新区"]) == "天府新区、两江新区"
    with translation.override("en"):
        assert join_words(["Tianfu", "Liangjiang"]) == "Tianfu, Liangjiang"
    assert join_words([]) == ""


@pytest.mark.parametrize(
    "value", ["<b>\"&'</b> 天府", mark_safe("<i>ok</i>"), gettext_lazy("Search"), 7, "...", None, mark_safe("&amp;")]
)
def test_escaped_is_what_format_html_makes_of_an_argument(value):
    assert escaped(value) == conditional_escape(value)
    assert type(escaped(value)) in (str, type(conditional_escape(value)))
