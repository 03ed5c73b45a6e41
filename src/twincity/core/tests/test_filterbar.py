"""The filter bar's multi-choice menus (``{% check_dropdown %}``, core/templatetags/filterbar.py) against the
template they replaced, on every list page, with and without choices made, in both languages."""

import re

import pytest
from django import forms
from django.template import engines
from django.urls import reverse
from django.utils import translation

from twincity.core.cache import clear_own_cache
from twincity.core.tests.test_tables import (
    list_pages,
    world,  # noqa: F401 (the module's scene)
)

# includes/check_dropdown.html as it was (the rendering through Django's widget templates).
TEMPLATE = (
    '{% load i18n %}<label class="form-label" id="label-{{ field.name }}">{{ field.label }}</label>\n'
    '<div class="dropdown">\n'
    '  <button class="form-select form-select-sm text-start text-truncate" type="button" data-bs-toggle="dropdown" '
    'data-bs-auto-close="outside" aria-expanded="false" '
    'aria-labelledby="label-{{ field.name }} filter-{{ field.name }}" '
    'id="filter-{{ field.name }}" data-summary-of="{{ field.name }}" data-summary-empty="{% translate \'All\' %}">'
    "{% for cb in field %}{% if cb.data.selected %}{{ cb.choice_label }} {% endif %}{% endfor %}</button>\n"
    '  <div class="dropdown-menu p-2 tc-check-menu">\n'
    '    {% for cb in field %}<div class="form-check">{{ cb.tag }}<label class="form-check-label" '
    'for="{{ cb.id_for_label }}">{{ cb.choice_label }}</label></div>{% endfor %}\n'
    "  </div>\n"
    "</div>"
)
TAG = "{% load filterbar %}{% check_dropdown field %}"


def _same(text: str) -> str:
    return re.sub(r"\s*(<[^>]*>)\s*", r"\1", re.sub(r"\s+", " ", text)).strip()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_check_dropdown_is_the_template_it_replaced(client, world, language):  # noqa: F811
    client.force_login(world.users["office"])
    old, new = engines["django"].from_string(TEMPLATE), engines["django"].from_string(TAG)
    seen = set()
    for name, with_pk in list_pages():
        url = reverse(name, kwargs={"pk": world.partnership.pk} if with_pk else None)
        response = client.get(url, headers={"accept-language": language})
        filterset = response.context and response.context.get("filterset")
        if filterset is None:
            continue
        boxes = [
            f for f, field in filterset.form.fields.items() if isinstance(field.widget, forms.CheckboxSelectMultiple)
        ]
        for field_name in boxes:
            choices = [str(value) for value, _label in filterset.form.fields[field_name].choices][:2]
            for chosen in ([], choices[:1], choices):
                query = "&".join(f"{field_name}={value}" for value in chosen)
                clear_own_cache()  # a page read before would come whole from the cache, without its context
                response = client.get(f"{url}?{query}", headers={"accept-language": language})
                bound = response.context["filterset"].form[field_name]
                with translation.override(language):
                    expected, got = old.render({"field": bound}), new.render({"field": bound})
                assert _same(got) == _same(expected), (url, query)
                assert got.count(" checked") == len(chosen), (url, query)
                seen.add(f"{name}:{field_name}")
    assert {"matters:list:status", "matters:list:field", "matters:list:light"} <= seen, seen


class _Hostile(forms.Form):
    pick = forms.MultipleChoiceField(
        label="<i>“选”</i> & co",
        choices=[("a&b", "<b>\"&'</b> 天府"), ("<x>", "二"), ("3", "三")],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input", "data-x": '"q"&'}),
        required=False,
    )


@pytest.mark.parametrize("chosen", [[], ["a&b"], ["a&b", "<x>", "3"]])
def test_a_check_dropdown_escapes_hostile_names_as_the_template_did(chosen):
    bound = _Hostile(data={"pick": chosen})["pick"]
    old, new = engines["django"].from_string(TEMPLATE), engines["django"].from_string(TAG)
    expected, got = old.render({"field": bound}), new.render({"field": bound})
    assert _same(got) == _same(expected)
    for tag in ("<b>", "<i>", "<x>"):
        assert tag not in got
