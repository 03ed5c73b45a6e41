"""Two costs of django-filter left out by every filterset (``core.filtersets.BoundedFilterSet``), with the same
results: the form takes the fields made for its filterset as they are (no deep copy), and a multiple model choice
left empty is known to read nothing without compiling its query."""

import django_filters
import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.db.models.sql.compiler import SQLCompiler
from django.test import RequestFactory
from django.utils import translation

from twincity.audit.filtersets import ObjectChangeFilterSet
from twincity.audit.models import ObjectChange
from twincity.core.filtersets import BoundedFilterSet, SearchableFilterSet
from twincity.matters.filtersets import MatterFilterSet
from twincity.matters.models import Matter
from twincity.meetings.filtersets import SessionFilterSet
from twincity.meetings.models import Session
from twincity.petitions.filtersets import PetitionFilterSet
from twincity.petitions.models import Petition
from twincity.testing import make_matter
from twincity.testkit import HOSTILE

pytestmark = pytest.mark.django_db

FILTERSETS = [
    (MatterFilterSet, Matter),
    (PetitionFilterSet, Petition),
    (SessionFilterSet, Session),
    (ObjectChangeFilterSet, ObjectChange),
]


def filterset(cls, model, user, **params):
    request = RequestFactory().get("/", params)
    request.user = get_user_model().objects.get(pk=user.pk)
    return cls(request.GET, queryset=model.objects.all(), request=request)


@pytest.mark.parametrize(("cls", "model"), FILTERSETS)
def test_the_form_takes_its_filtersets_own_fields_and_no_two_filtersets_share_one(world, cls, model):
    first = filterset(cls, model, world.users["office"])
    second = filterset(cls, model, world.users["office"])
    for name, field in first.form.fields.items():
        assert field is first.filters[name]._field  # the field made for this filterset, as made
        assert field is not second.form.fields[name]
        assert field.widget is not second.form.fields[name].widget
    name = next(iter(first.form.fields))
    first.form.fields[name].widget.attrs["data-only-here"] = "1"
    assert "data-only-here" not in second.form.fields[name].widget.attrs
    assert "data-only-here" not in filterset(cls, model, world.users["office"]).form.fields[name].widget.attrs


class _DeclaringForm(forms.Form):
    note = forms.CharField(required=False)  # declared on the form class: shared by every form of it


class _WithOwnForm(BoundedFilterSet):
    title = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Matter
        fields = ["title"]
        form = _DeclaringForm


def test_a_field_the_form_class_declares_is_copied_as_django_copies_it(world):
    first = _WithOwnForm({"title": "x"}, queryset=Matter.objects.all())
    second = _WithOwnForm({"title": "y"}, queryset=Matter.objects.all())
    assert first.form.fields["note"] is not _DeclaringForm.base_fields["note"]
    assert first.form.fields["note"] is not second.form.fields["note"]
    assert first.form.fields["title"] is first.filters["title"]._field


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_form_renders_and_cleans_as_with_copied_fields(world, language):
    """The filter form with its fields taken as made renders the same HTML and cleans to the same values as the
    same form with Django's deep copies (``BaseForm.__init__``), hostile values too."""
    params = {"q": HOSTILE, "status": ["in_progress", HOSTILE], "field": [str(world.field.pk)], "year": "2020"}
    ours = filterset(MatterFilterSet, Matter, world.users["office"], **params)
    copied = filterset(MatterFilterSet, Matter, world.users["office"], **params)
    form_class = copied.get_form_class()
    form_class.base_fields = dict(form_class.base_fields)  # a plain dict: deep-copied by the form, as Django does
    copied._form = form_class(copied.data, prefix=copied.form_prefix)
    assert type(copied._form.fields) is dict
    with translation.override(language):
        assert ours.form.as_div() == copied.form.as_div()
    assert ours.form.is_valid() == copied.form.is_valid()
    assert ours.form.errors == copied.form.errors


def compiled_during(call) -> int:
    compiled = []
    original = SQLCompiler.as_sql

    def counting(self, *args, **kwargs):
        compiled.append(self.query.model)
        return original(self, *args, **kwargs)

    SQLCompiler.as_sql = counting
    try:
        call()
    finally:
        SQLCompiler.as_sql = original
    return compiled


def test_an_empty_multiple_model_choice_is_known_empty_without_compiling_its_query(world):
    """The field filter left empty cleans to ``none()``: the filter's ``if not value`` reads it without compiling
    the fields' query, and the rows are those django-filter's own filtering gives."""
    make_matter(world, title="一")
    make_matter(world, title="二", field=None)
    ours = filterset(MatterFilterSet, Matter, world.users["office"], partnership=str(world.partnership.pk))
    assert ours.is_valid()
    empty = ours.form.cleaned_data["field"]
    assert empty.query.is_empty()
    compiled = compiled_during(lambda: ours.filter_queryset(ours.queryset.all()))
    assert compiled == []  # nothing compiled: the empty choice is known empty
    theirs = filterset(MatterFilterSet, Matter, world.users["office"], partnership=str(world.partnership.pk))
    assert theirs.is_valid()
    plain = django_filters.FilterSet.filter_queryset(theirs, theirs.queryset.all())
    assert sorted(ours.qs.values_list("pk", flat=True)) == sorted(
        plain.filter(archived_at__isnull=True).values_list("pk", flat=True)
    )
    assert ours.qs.count() == 2
    chosen = filterset(MatterFilterSet, Matter, world.users["office"], field=str(world.field.pk))
    assert chosen.is_valid()
    assert list(chosen.qs.values_list("title", flat=True)) == ["一"]  # a choice made still filters
    assert isinstance(chosen, SearchableFilterSet)
