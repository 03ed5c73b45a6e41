"""The form renderer (core/renderers.py) writes what Django's widget templates write, byte for byte: made-up
widgets with every kind of attribute, option group and hostile text, and every field of every list page's filters
and of the project's own forms."""

import datetime as dt

import pytest
from django import forms
from django.apps import apps
from django.forms.renderers import DjangoTemplates
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html

from twincity.core.cache import clear_own_cache
from twincity.core.forms import MultipleFileField
from twincity.core.renderers import WidgetRenderer
from twincity.core.tests.test_tables import (
    list_pages,
    world,  # noqa: F401 (the module's scene)
)

HOSTILE = "<b>\"&'</b> 天府"


def both(bound: forms.BoundField) -> tuple[str, str]:
    """The field's widget and its label (``label_tag``), by Django's templates and by ours."""
    form = bound.form
    form.renderer = DjangoTemplates()
    django_html = str(bound) + "|" + bound.label_tag()
    form.renderer = WidgetRenderer()
    ours = str(bound) + "|" + bound.label_tag()
    return django_html, ours


class Sample(forms.Form):
    plain = forms.ChoiceField(choices=[("", "—"), ("a", "A"), (HOSTILE, HOSTILE)], required=False)
    grouped = forms.ChoiceField(choices=[("东", [("1", "一"), ("2", "二")]), ("x", HOSTILE)])
    several = forms.MultipleChoiceField(choices=[("1", "一"), ("2", "二")], widget=forms.SelectMultiple)
    text = forms.CharField(widget=forms.TextInput(attrs={"placeholder": HOSTILE, "data-on": True, "data-off": False}))
    number = forms.IntegerField(min_value=1)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    hidden = forms.CharField(widget=forms.HiddenInput)
    search = forms.CharField(widget=forms.TextInput(attrs={"type": "search"}), required=False)
    email = forms.EmailField(required=False)
    note = forms.CharField(label=HOSTILE, widget=forms.Textarea(attrs={"rows": 2, "placeholder": HOSTILE}))
    upload = forms.FileField(label=" 附件 ", required=False)
    uploads = MultipleFileField(label=format_html("<i>{}</i>", HOSTILE), required=False)
    plain_file = forms.FileField(widget=forms.FileInput(attrs={"accept": ".pdf"}), required=False)
    asked = forms.CharField(label="Why?", label_suffix=" :", required=False)


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"plain": HOSTILE, "grouped": "2", "several": ["1", "2"], "text": HOSTILE, "number": "7", "day": "2026-12-04"},
        {"plain": "nope", "number": "x", "hidden": HOSTILE, "email": "a@b"},
    ],
)
@pytest.mark.parametrize("auto_id", ["id_%s", False])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_made_up_widgets_render_as_djangos(data, auto_id, language):
    """Filled, empty and hostile; with labels as tags and, without ids, as text; a file already there (the clearable
    input's "currently" part) goes to Django's template."""
    with translation.override(language):
        form = Sample(data=data, initial={"day": dt.date(2026, 1, 2), "hidden": 3, "upload": Stored()}, auto_id=auto_id)
        form.required_css_class = "needed"
        for name in form.fields:
            django_html, ours = both(form[name])
            assert ours == django_html, name


class Stored:
    """A file already stored (what a ClearableFileInput shows as "currently")."""

    url = "/files/1"

    def __str__(self):
        return HOSTILE


@pytest.mark.django_db
def test_every_list_filter_renders_as_djangos(client, world):  # noqa: F811
    client.force_login(world.users["office"])
    seen = 0
    for name, with_pk in list_pages():
        url = reverse(name, kwargs={"pk": world.partnership.pk} if with_pk else None)
        clear_own_cache()
        response = client.get(url)
        filterset = response.context and response.context.get("filterset")
        if filterset is None:
            continue
        for field in filterset.form:
            django_html, ours = both(field)
            assert ours == django_html, (url, field.name)
            seen += 1
    assert seen > 50


@pytest.mark.django_db
def test_every_project_form_renders_as_djangos(world):  # noqa: F811
    """Every ModelForm and Form class of the project that builds without arguments, unbound."""
    seen = 0
    for app in apps.get_app_configs():
        if not app.name.startswith("twincity"):
            continue
        try:
            module = __import__(f"{app.name}.forms", fromlist=["*"])
        except ModuleNotFoundError:
            continue
        for value in vars(module).values():
            is_form = isinstance(value, type) and issubclass(value, forms.BaseForm)
            if not is_form or value.__module__ != module.__name__:
                continue
            try:
                form = value()
            except TypeError:
                continue  # it needs its context (a user, a partnership)
            for field in form:
                django_html, ours = both(field)
                assert ours == django_html, (value.__name__, field.name)
                seen += 1
    assert seen > 10
