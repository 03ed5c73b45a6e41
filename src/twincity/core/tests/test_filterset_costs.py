"""Two costs of django-filter left out by every filterset (``core.filtersets.BoundedFilterSet``), with the same
results: the form takes the fields made for its filterset as they are (no deep copy), and a multiple model choice
left empty is known to read nothing without compiling its query."""

import contextlib
import copy
import importlib

import django_filters
import pytest
from django import forms
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models.sql.compiler import SQLCompiler
from django.test import RequestFactory
from django.utils import translation
from django_filters.filters import FilterMethod

from twincity.accounts import access
from twincity.accounts.access import partnerships_for
from twincity.accounts.choices import Action
from twincity.audit.filtersets import ObjectChangeFilterSet
from twincity.audit.models import ObjectChange
from twincity.core.filtersets import BoundedFilterSet, ChoiceRow, SearchableFilterSet, _DoorChoicesWhenAsked
from twincity.core.templatetags.filterbar import check_dropdown
from twincity.matters.filtersets import MatterFilterSet
from twincity.matters.models import Matter
from twincity.meetings.filtersets import SessionFilterSet
from twincity.meetings.models import Session
from twincity.petitions.filtersets import PetitionFilterSet
from twincity.petitions.models import Petition
from twincity.regions.models import Field, Organisation, Region
from twincity.regions.services import add_field
from twincity.testing import build_world, make_matter
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


# ---------------------------------------------------------------------------------------------- the door's choices


def made_with_every_choice(filterset):
    """``filterset`` with its filters' choices made with its form, as django-filter makes them (the reference)."""
    for filter_ in filterset.filters.values():
        if isinstance(filter_, _DoorChoicesWhenAsked):
            filter_.__class__ = next(c for c in type(filter_).__mro__ if not issubclass(c, _DoorChoicesWhenAsked))
    return filterset


def choices_made(monkeypatch):
    """The models whose choices the door was asked for, in order."""
    made = []
    ask = access.restrict

    def counting(queryset, user, action=Action.VIEW):
        made.append(queryset.model)
        return ask(queryset, user, action)

    monkeypatch.setattr(access, "restrict", counting)
    return made


def test_a_filter_bar_makes_the_doors_choices_only_when_it_reads_them(world, monkeypatch):
    """The unit picker (its options load when opened) and the partnership among those the frame read make no
    choices; the sides make theirs when they are listed, a unit chosen is looked up through the door."""
    made = choices_made(monkeypatch)
    ours = filterset(MatterFilterSet, Matter, world.users["office"], partnership=str(world.partnership.pk))
    partnerships_for(ours.request.user)  # the frame's read
    made.clear()
    assert ours.is_valid(), ours.form.errors
    ours.qs  # noqa: B018
    assert made == [Field]  # the fields left empty clean to ``none()`` of their choices
    assert ours.form.fields["organisation"]._queryset is None
    assert ours.form.fields["side"]._queryset is None
    assert ours.form.fields["partnership"]._queryset is None
    assert 'data-options-url="' in str(ours.form["organisation"])  # a picker all the same, and no choices made
    assert made == [Field]
    assert f">{world.tf.display_name}</option>" in str(ours.form["side"])
    assert made == [Field, Region]
    chosen = filterset(MatterFilterSet, Matter, world.users["office"], organisation=str(world.tf_dept.pk))
    assert chosen.is_valid(), chosen.form.errors
    assert chosen.form.cleaned_data["organisation"] == world.tf_dept
    assert Organisation in made


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("persona", ["office", "tf-unit", "outsider"])
def test_the_doors_choices_made_when_read_answer_as_those_made_with_the_form(world, language, persona):
    """Values of every kind (chosen, another partnership's, unknown, past what the database holds, hostile): the form
    renders, cleans and filters as the same form with every choice made when it was made."""
    other = build_world(code_prefix="B")
    cases = [
        {"partnership": str(world.partnership.pk)},
        {"partnership": str(other.partnership.pk), "organisation": str(other.tf_dept.pk)},
        {"partnership": f"0{world.partnership.pk}", "side": str(world.tf.pk), "organisation": str(world.tf_dept.pk)},
        {"side": str(other.tf.pk), "organisation": "99999999999999999999", "field": [str(world.field.pk), HOSTILE]},
        {"side": HOSTILE, "organisation": HOSTILE, "q": HOSTILE, "field": [str(other.field.pk)]},
    ]
    user = world.users[persona]
    for params in cases:
        ours = filterset(MatterFilterSet, Matter, user, **params)
        theirs = made_with_every_choice(filterset(MatterFilterSet, Matter, user, **params))
        with translation.override(language):
            assert ours.is_valid() == theirs.is_valid(), params
            assert ours.form.errors == theirs.form.errors, params
            assert ours.form.as_div() == theirs.form.as_div(), params
            if ours.is_valid():
                assert str(ours.qs.query) == str(theirs.qs.query)
                assert list(ours.qs) == list(theirs.qs)
    assert HOSTILE not in ours.form.as_div()


# ---------------------------------------------------------------------------------------------- the filters' copies


def every_filterset() -> list[type]:
    """Every filterset class of the project (each app's ``filtersets`` module imported)."""
    for app in apps.get_app_configs():
        if app.name.startswith("twincity."):
            with contextlib.suppress(ModuleNotFoundError):
                importlib.import_module(f"{app.name}.filtersets")
    found, todo = [], [BoundedFilterSet]
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if cls._meta.model is not None and cls.__module__.startswith("twincity.") and ".tests" not in cls.__module__:
            found.append(cls)
    return found


def test_every_filterset_takes_its_own_copy_of_each_filter_and_of_its_field_arguments(world):
    classes = every_filterset()
    MatterFilterSet.base_filters["status"].field  # noqa: B018 - a field made on the class's filter (as the schema does)
    assert {MatterFilterSet, PetitionFilterSet, SessionFilterSet, ObjectChangeFilterSet} <= set(classes)
    for cls in classes:
        first = filterset(cls, cls._meta.model, world.users["office"])
        second = filterset(cls, cls._meta.model, world.users["office"])
        for name, filter_ in first.filters.items():
            base = cls.base_filters[name]
            assert filter_ is not base, (cls, name)
            assert filter_ is not second.filters[name], (cls, name)
            assert filter_.extra is not base.extra
            assert filter_.extra is not second.filters[name].extra
            assert filter_.parent is first
            assert filter_.model is cls._meta.model
            # never the class's field (the API's schema makes some): one of its own, when it makes one
            assert vars(filter_).get("_field") is None or vars(filter_)["_field"] is not vars(base).get("_field")
            if isinstance(vars(filter_).get("filter"), FilterMethod):
                assert filter_.filter.f is filter_  # its own filterset's method
        first.form  # noqa: B018 - made from first's filters: second's and the class's keep their arguments
        for name, filter_ in first.filters.items():
            assert filter_._field is not vars(cls.base_filters[name]).get("_field")
        assert all("choices_of" not in f.extra for f in second.filters.values())
        assert all("choices_of" not in f.extra for f in cls.base_filters.values())


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(("cls", "model"), FILTERSETS)
def test_a_filterset_with_its_own_copies_answers_as_with_deep_copies(world, language, cls, model):
    """The same form (hostile values too), the same errors and the same rows as django-filter's deep copies give."""
    params = {
        "q": HOSTILE,
        "status": ["in_progress", HOSTILE],
        "field": [str(world.field.pk)],
        "side": str(world.tf.pk),
    }
    make_matter(world, title="一")
    ours = filterset(cls, model, world.users["office"], **params)
    deep = filterset(cls, model, world.users["office"], **params)
    deep.filters = copy.deepcopy(dict(cls.base_filters))
    for filter_ in deep.filters.values():
        filter_.model, filter_.parent = model, deep
    with translation.override(language):
        assert ours.form.as_div() == deep.form.as_div()
    assert ours.form.errors == deep.form.errors
    if ours.is_valid():
        assert list(ours.qs.values_list("pk", flat=True)) == list(deep.qs.values_list("pk", flat=True))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_choices_listed_as_plain_values_render_as_the_rows_did(world, language):
    """The matter list's sides and fields are listed read as their names (``visible_to_requester(labels=)``): the
    side's select, the fields' menu and the choices are those the rows gave (``str()`` of each), hostile names and
    an English name missing too; a value asked for is still looked up as a row."""
    Region.objects.create(code="H1", name=f"区 {HOSTILE}", name_en=f"Area {HOSTILE}", parent=world.tf)
    Region.objects.create(code="H2", name="没有英文名的区", name_en="", parent=world.lj)
    hostile = add_field(world.partnership, user=world.users["office"], name=f"领域 {HOSTILE}", name_en="")
    add_field(world.partnership, user=world.users["office"], name="英文名", name_en=f"Field {HOSTILE}")
    params = {"side": str(world.tf.pk), "field": [str(hostile.pk)]}
    ours = filterset(MatterFilterSet, Matter, world.users["office"], **params)
    rows = filterset(MatterFilterSet, Matter, world.users["office"], **params)
    for name in ("side", "field"):
        rows.form.fields[name].choices_labels = None  # listed as the rows (model instances)
    with translation.override(language):
        for name in ("side", "field"):
            listed = [(str(value), label) for value, label in ours.form.fields[name].choices]
            assert listed == [(str(value), label) for value, label in rows.form.fields[name].choices]
            assert len(listed) > 3
            assert isinstance(ours.form.fields[name].listed_choices()[0], ChoiceRow)
            assert rows.form.fields[name].listed_choices() is None
        assert str(ours.form["side"]) == str(rows.form["side"])
        assert check_dropdown(ours.form["field"]) == check_dropdown(rows.form["field"])
        assert HOSTILE not in str(ours.form["side"]) + check_dropdown(ours.form["field"])
    assert ours.is_valid(), ours.form.errors
    assert ours.form.cleaned_data["side"] == world.tf  # a value asked for: the row, through the door
    assert list(ours.form.cleaned_data["field"]) == [hostile]
