"""``{% load frame_urls %}{% url %}`` (core/templatetags/frame_urls.py) is Django's ``{% url %}``: the same address
for every name and argument, under another script prefix too, the same refusal of an unknown name, the same
``as`` variable; and an address kept in one prefix is not served in another."""

import pytest
from django.apps import apps
from django.template import engines
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix

from twincity.core import addresses

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
                assert addresses.reversed_once(name, list(args), kwargs, None) == reverse(
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

    assert addresses.reversed_once("dashboard", [Key()], {}, None) == reverse("dashboard", args=["9"])


def test_an_unknown_name_is_refused_and_as_gives_nothing():
    with pytest.raises(NoReverseMatch):
        engines["django"].from_string("{% load frame_urls %}{% url 'no-such-page' %}").render({})
    ours, django = _both("{% url 'no-such-page' as there %}[{{ there }}]{% url 'home' as home %}[{{ home }}]")
    assert ours == django


def test_the_kept_addresses_are_bounded(monkeypatch):
    monkeypatch.setattr(addresses, "MAX_KEPT", 3)
    monkeypatch.setattr(addresses, "_KEPT", {})
    for pk in range(10):
        assert addresses.reversed_once("dashboard", [pk], {}, None) == reverse("dashboard", args=[pk])
        assert len(addresses._KEPT) <= 3


def _register_models():
    """Every register's model (by its ``get_absolute_url``: core imports no register)."""
    return [
        m
        for m in apps.get_models()
        if getattr(getattr(m, "get_absolute_url", None), "__qualname__", "") == "RegisterEntry.get_absolute_url"
    ]


@pytest.mark.parametrize("prefix", ["/", "/office/"])
def test_an_objects_address_is_reverses_for_every_register(prefix):
    models = _register_models()
    assert len(models) >= 5
    set_script_prefix(prefix)
    try:
        for model in models:
            name = f"{model._meta.app_label}:{model._meta.model_name}"
            for pk in (0, 1, 7, 98765, 987654321, 2**63 - 1):
                expected = reverse(name, args=[pk])
                assert addresses.address_of(name, pk) == expected, (name, pk)
                assert model(pk=pk).get_absolute_url() == expected
            page = addresses.addresses_of("matters:matter")  # a page of rows: read once, then per id
            for pk in (0, 1, 41001, 2**63 - 1):
                assert page(pk) == reverse("matters:matter", args=[pk])
    finally:
        clear_script_prefix()


def test_an_address_of_anything_but_a_plain_id_is_reverses():
    assert addresses.address_of("dashboard", "12") == reverse("dashboard", args=["12"])
    with pytest.raises(NoReverseMatch):
        addresses.address_of("dashboard", -1)


def test_a_quoted_name_in_a_template_is_reversed_once(monkeypatch):
    """A name quoted in the template comes as a ``SafeString``: it is kept as the plain name it is."""
    calls = []

    def counted(*args, **kwargs):
        calls.append(args)
        return reverse(*args, **kwargs)

    monkeypatch.setattr(addresses, "_KEPT", {})
    monkeypatch.setattr(addresses, "reverse", counted)
    page = engines["django"].from_string("{% load frame_urls %}{% url 'dashboard' 4 %} {% url 'matters:list' %}")
    first, second = page.render({}), page.render({})
    assert first == second == f"{reverse('dashboard', args=[4])} {reverse('matters:list')}"
    assert len(calls) == 2  # once each, not again for the second page
