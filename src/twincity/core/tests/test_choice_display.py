"""``core.tables.choice_display`` is ``get_<field>_display()``: for every field with choices of every model of the
project, every choice, a value that is none of them and an empty one, in both languages (one after the other, so
that names read in one language are not shown in the other)."""

import re

import pytest
from django.apps import apps
from django.utils import translation

from twincity.core.tables import choice_display


def _fields_with_choices():
    for model in apps.get_models():
        if not model.__module__.startswith("twincity."):
            continue
        for field in model._meta.concrete_fields:
            if field.choices and not field.is_relation:
                yield model, field


def test_there_are_fields_with_choices_to_compare():
    assert len(list(_fields_with_choices())) > 10


def test_choice_display_is_djangos_get_display_for_every_field():
    for language in ("zh-hans", "en", "zh-hans"):
        with translation.override(language):
            _compare_every_field()


def _compare_every_field():
    for model, field in _fields_with_choices():
        for value in [choice for choice, _label in field.flatchoices] + ["no-such-choice", None]:
            record = model(**{field.attname: value})
            try:
                expected = getattr(record, f"get_{field.name}_display")()
            except ValueError as refused:  # a model's own method, refusing a value that is no choice
                with pytest.raises(ValueError, match=re.escape(str(refused))):
                    choice_display(record, field.name)
                continue
            assert choice_display(record, field.name) == expected, (model, field.name, value)


def test_a_models_own_get_display_is_asked():
    class Own:
        status = "x"

        def get_status_display(self):
            return "own words"

    assert choice_display(Own(), "status") == "own words"
