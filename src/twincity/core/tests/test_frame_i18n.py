"""``{% load frame_i18n %}{% translate %}`` (core/templatetags/frame_i18n.py) is Django's ``{% translate %}``: the same
text in every language, a variable's or a filtered text's translation read each time, ``context``, ``noop`` and
``as`` as Django has them."""

import pytest
from django.template import engines
from django.utils import translation

from twincity.core.templatetags import frame_i18n

SOURCES = [
    '{% translate "Sign out" %}',
    "{% trans 'Menu' %}",
    '{% translate "Dashboard" noop %}',
    '{% translate "Sign out"|upper %}',
    '{% translate "May" context "month name" %}',
    '{% translate "Search" as label %}[{{ label }}]',
    '{% translate "100%% <b>\\"done\\"</b> & more" %}',
    '<a title="{% translate "To-do" %}">{% translate "To-do" %}</a>',
    "{% translate word %}",
    "{% translate word|lower %}",
]


def _both(source: str, context=None) -> tuple[str, str]:
    ours = engines["django"].from_string("{% load i18n frame_i18n %}" + source).render(context or {})
    django = engines["django"].from_string("{% load i18n %}" + source).render(context or {})
    return ours, django


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_translation_is_djangos_in_every_language(language):
    with translation.override(language):
        for source in SOURCES:
            for word in ("Sign out", "Menu", "<i>x</i>"):
                for _ in range(2):  # translated, then kept
                    ours, django = _both(source, {"word": word})
                    assert ours == django, (language, source, word)


def test_a_kept_text_follows_the_language_and_a_variable_is_not_kept():
    template = engines["django"].from_string('{% load i18n frame_i18n %}{% translate "Sign out" %}|{% translate w %}')
    with translation.override("zh-hans"):
        chinese = template.render({"w": "Menu"})
    with translation.override("en"):
        english = template.render({"w": "Sign out"})
    assert english == "Sign out|Sign out"
    assert chinese != english
    assert chinese.split("|")[0] != "Sign out"  # the Chinese catalogue has it


def test_the_kept_texts_are_bounded(monkeypatch):
    monkeypatch.setattr(frame_i18n, "MAX_KEPT", 2)
    monkeypatch.setattr(frame_i18n, "_KEPT", {})
    for text in ("Menu", "Search", "To-do", "Sign out"):
        engines["django"].from_string(f'{{% load i18n frame_i18n %}}{{% translate "{text}" %}}').render({})
    assert len(frame_i18n._KEPT) <= 2
