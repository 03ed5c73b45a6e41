"""What the audit log decides once (per model, per language, per process) and not per row or per page, held to what
it replaces: the readable diff as it was decided per change, the filter bar's labels as Django's template writes
them, the kinds of record named and sorted per page."""

import datetime as dt
import uuid
from decimal import Decimal, InvalidOperation

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy

from twincity.accounts.access import partnerships_for
from twincity.audit.choices import ChangeAction
from twincity.audit.filtersets import ObjectChangeFilterSet, logged_models
from twincity.audit.models import NEVER_SHOWN, ObjectChange, derived_keys, hidden_fields, with_names
from twincity.audit.tables import ObjectChangeTable
from twincity.matters.models import Matter
from twincity.meetings.models import Session
from twincity.petitions.models import Petition
from twincity.regions.models import Partnership
from twincity.testkit import HOSTILE

pytestmark = pytest.mark.django_db

LANGUAGES = ("zh-hans", "en")


def shown_per_change(change, field, value):
    """A value as the log showed it when it decided per change (the code before ``shown_fields``)."""
    if value is None or value == "":
        return "—"
    if isinstance(field, models.DecimalField):
        try:
            return format(Decimal(str(value)).normalize(), "f")
        except (InvalidOperation, ValueError):
            return value
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if field.many_to_one:
        return getattr(change, "_names", {}).get(field.related_model, {}).get(value, value)
    if isinstance(field, models.BooleanField):
        return gettext_lazy("Yes") if value else gettext_lazy("No")
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        moment = parse_datetime(value)
        if moment is not None:
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return moment.strftime("%Y-%m-%d %H:%M")
    return value


def readable_per_change(change, *, derived=False):
    """``readable_diff`` as it was decided per change: the model's fields and hidden keys read for every call."""
    model = change.changed_object_type.model_class()
    if model is None:
        return change.diff()
    fields = {f.attname: f for f in model._meta.concrete_fields}
    hidden = hidden_fields(model)
    if derived:
        hidden = (hidden - derived_keys(model)) | {"version", *NEVER_SHOWN}
    rows = []
    for name, before, after in change.diff():
        field = fields.get(name)
        if field is None or name in hidden:
            continue
        shown_before, shown_after = shown_per_change(change, field, before), shown_per_change(change, field, after)
        if shown_before != shown_after:
            rows.append((str(field.verbose_name), shown_before, shown_after))
    return rows


def plain(rows):
    return [tuple(str(value) for value in row) for row in rows]


def changes(world, *, named=True) -> list[ObjectChange]:
    """Changes of every kind of value: text (hostile), decimals, choices, references, yes/no, times, dates, derived
    values only, keys and versions, an unknown key, a kind of record the code no longer has, nothing at all."""
    kind = ContentType.objects.get_for_model
    matter, session, petition = kind(Matter), kind(Session), kind(Petition)
    gone, _ = ContentType.objects.get_or_create(app_label="retired", model="oldthing")
    before = {"title": HOSTILE, "code": "A-1", "field_id": world.field.pk, "status": "ongoing", "version": 1}
    after = {"title": "新", "code": HOSTILE, "field_id": None, "status": "completed", "version": 2}
    before |= {"percent_complete": "10.0000", "due_date": "2026-01-01", "archived_at": None, "id": 5}
    after |= {"percent_complete": "33.3300", "due_date": None, "archived_at": "2026-05-04T02:30:00Z", "id": 5}
    before |= {"partnership_id": world.partnership.pk, "no_such_field": "x", "search_document": "旧 词"}
    after |= {"partnership_id": None, "no_such_field": "y", "search_document": "新 词"}
    shapes = [
        (matter, before, after),
        (matter, None, {"title": "事项", "partnership_id": world.partnership.pk, "status": "not_a_status"}),
        (matter, {"next_milestone_due": "2031-07-08", "version": 3}, {"next_milestone_due": "2031-07-09"}),
        (matter, {"search_document": "a"}, {"search_document": "b"}),
        (session, {"status": "planned", "venue": ""}, {"status": "held", "venue": HOSTILE}),
        (petition, {"endorsed_at": None, "endorsed_by_id": None}, {"endorsed_at": "2026-01-02T03:04:05Z"}),
        (gone, {"a": 1}, {"a": 2}),
        (matter, None, {"title": "另一个", "partnership_id": 987654}),  # a partnership not the reader's
        (session, {"host_id": None}, {"host_id": world.tf.pk}),
        (matter, None, None),
    ]
    records = [
        ObjectChange(
            pk=n,
            time=dt.datetime(2026, 5, 4, 17, 30, 5, tzinfo=dt.UTC),
            user_name="office",
            request_id=uuid.uuid4(),
            action=ChangeAction.UPDATE,
            changed_object_type=ct,
            changed_object_id=n,
            object_repr=HOSTILE,
            prechange_data=pre,
            postchange_data=post,
        )
        for n, (ct, pre, post) in enumerate(shapes, start=1)
    ]
    return with_names(records) if named else records


def test_the_readable_diff_decided_once_per_model_reads_as_decided_per_change_in_each_language(world):
    records = changes(world)
    for language in (*LANGUAGES, LANGUAGES[0]):  # and back: each language's names kept apart
        with translation.override(language):
            for change in records:
                for derived in (False, True):
                    ours = change.readable_diff(derived=derived)
                    assert plain(ours) == plain(readable_per_change(change, derived=derived)), change.pk
                    assert ours == readable_per_change(change, derived=derived), change.pk
                fallback = readable_per_change(change) or readable_per_change(change, derived=True)
                assert plain(change.shown_diff()) == plain(fallback), change.pk
    with translation.override("en"):
        assert ("title", HOSTILE, "新") in records[0].readable_diff()
    with translation.override("zh-hans"):
        title = str(Matter._meta.get_field("title").verbose_name)
        assert (title, HOSTILE, "新") in records[0].readable_diff()
        assert title != "title"


BAR_TEMPLATE = Template(
    '{% for field in filterset.form %}<div class="col-6 col-lg">{{ field.label_tag }}{{ field }}</div>{% endfor %}'
)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "query",
    [
        {},
        {"q": HOSTILE, "user_name": HOSTILE, "action": ["create", "update"], "since": "2026-01-01", "until": "x"},
        {"request_id": HOSTILE, "changed_object_type": "999999999", "action": HOSTILE},
    ],
)
def test_the_filter_bar_in_python_is_djangos_label_and_field_template(world, language, query):
    request = RequestFactory().get("/audit/", query)
    request.user = world.users["auditor"]
    with translation.override(language):
        filterset = ObjectChangeFilterSet(query, queryset=ObjectChange.objects.all(), request=request)
        filterset.is_valid()
        expected = BAR_TEMPLATE.render(Context({"filterset": filterset}))
        assert filterset.bar() == expected
    assert "<script>" not in expected
    assert expected.count("<label ") == len(filterset.form.fields)


def test_a_label_that_ends_in_punctuation_or_with_no_id_is_written_as_django_writes_it(world):
    filterset = ObjectChangeFilterSet({}, queryset=ObjectChange.objects.all())
    filterset.form.fields["q"].label = "Object?"
    filterset.form.fields["user_name"].label = HOSTILE
    filterset.form.fields["request_id"].widget.attrs["id"] = "own<id>"
    filterset.form.auto_id = False  # only the field with an id of its own keeps a <label>
    assert filterset.bar() == BAR_TEMPLATE.render(Context({"filterset": filterset}))
    assert '<label for="own&lt;id&gt;">' in filterset.bar()


def test_the_kinds_named_and_sorted_once_per_language_are_those_of_the_page(world):
    found = ContentType.objects.get_for_models(*logged_models(), for_concrete_models=True)
    logged = [found[model] for model in logged_models()]  # two kinds of the same name: in the models' order
    for language in (*LANGUAGES, LANGUAGES[0]):
        with translation.override(language):
            field = ObjectChangeFilterSet({}, queryset=ObjectChange.objects.all()).form.fields["changed_object_type"]
            choices = list(field.choices)
            expected = sorted(((ct.pk, ct.name) for ct in logged), key=lambda c: str(c[1]))
            assert choices == [("", field.empty_label), ("", "---------"), *expected]
            assert (ContentType.objects.get_for_model(Partnership).pk, str(Partnership._meta.verbose_name)) in choices


def test_the_log_names_the_readers_partnerships_from_those_read_and_every_other_reference_as_with_names_does(world):
    """Names as ``with_names`` gives them, whatever a change refers to (the reader's partnership, another one, a field,
    a side); changes that refer to nothing but the reader's partnerships cost no query."""
    request = RequestFactory().get("/audit/")
    request.user = world.users["auditor"]
    partnerships_for(request.user)  # as the page's frame reads them
    for language in LANGUAGES:
        with translation.override(language):
            ours = changes(world, named=False)
            table = ObjectChangeTable(ours)
            table.paginate(per_page=50)
            table.before_render(request)
            theirs = changes(world)
            assert [plain(c.shown_diff()) for c in ours] == [plain(c.shown_diff()) for c in theirs]
            shown = [row for c in ours for row in plain(c.shown_diff())]
            assert any(world.partnership.display_name in row for row in shown)
            assert any("987654" in row for row in shown)  # not the reader's, named by nobody: its id
            assert any(world.tf.display_name in row for row in shown)
            only_ours = [c for c in changes(world, named=False) if c.pk == 2]  # refers to the reader's partnership only
            table = ObjectChangeTable(only_ours)
            table.paginate(per_page=50)
            with CaptureQueriesContext(connection) as captured:
                table.before_render(request)
            assert captured.captured_queries == []
            assert plain(only_ours[0].shown_diff()) == plain(theirs[1].shown_diff())
            assert any(world.partnership.display_name in row for row in plain(only_ours[0].shown_diff()))
