"""``{% load frame_urls %}{% url %}`` (core/templatetags/frame_urls.py) is Django's ``{% url %}``: the same address
for every name and argument, under another script prefix too, the same refusal of an unknown name, the same
``as`` variable; and an address kept in one prefix is not served in another."""

import pytest
from django.template import engines
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix

from twincity.core.templatetags import frame_urls

CASES = [
    ("home", (), {}),
    ("matters:list", (), {}),
    ("dashboard", (3,), {}),
    ("dashboard", ("12",), {}),
    ("regions:partnership", (), {"pk": 5}),
    ("notifications:deliveries", (7,), {}),
]


def _both(source: str, context=None) -> tuple[str, str]:
    ours = engines["django"].from_string("{% load frame_urls %}" + source).render(context or {})
    django = engines["django"].from_string(source).render(context or {})
    return ours, django


@pytest.mark.parametrize("prefix", ["/", "/office/"])
def test_every_address_is_djangos_under_any_prefix(prefix):
    set_script_prefix(prefix)
    try:
        for name, args, kwargs in CASES:
            for _ in range(2):  # reversed, then kept
                assert frame_urls.reversed_once(name, list(args), kwargs, None) == reverse(
                    name, args=args, kwargs=kwargs
                )
        ours, django = _both("{% url 'dashboard' 4 %} {% url 'matters:list' %}?p=1&x=<")
        assert ours == django
        assert ours.startswith(prefix)
    finally:
        clear_script_prefix()


def test_an_address_with_other_arguments_is_reversed_as_django_does():
    class Key:
        def __str__(self):
            return "9"

    assert frame_urls.reversed_once("dashboard", [Key()], {}, None) == reverse("dashboard", args=["9"])


def test_an_unknown_name_is_refused_and_as_gives_nothing():
    with pytest.raises(NoReverseMatch):
        engines["django"].from_string("{% load frame_urls %}{% url 'no-such-page' %}").render({})
    ours, django = _both("{% url 'no-such-page' as there %}[{{ there }}]{% url 'home' as home %}[{{ home }}]")
    assert ours == django


def test_the_kept_addresses_are_bounded(monkeypatch):
    monkeypatch.setattr(frame_urls, "MAX_KEPT", 3)
    monkeypatch.setattr(frame_urls, "_KEPT", {})
    for pk in range(10):
        assert frame_urls.reversed_once("dashboard", [pk], {}, None) == reverse("dashboard", args=[pk])
        assert len(frame_urls._KEPT) <= 3
