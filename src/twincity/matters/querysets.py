import datetime as dt

from django.db.models import Case, CharField, Q, Value, When
from django.db.models.query import ValuesIterable
from django.utils import timezone

from twincity.core.querysets import RestrictedQuerySet
from twincity.matters.choices import ACTIVE_STATUSES, Light


def light_expression(today: dt.date | None = None, prefix: str = ""):
    """The health light as a database expression (see ``matters.health``)."""
    today = today or timezone.localdate()
    p = prefix
    active = Q(**{f"{p}status__in": ACTIVE_STATUSES})
    red = Q(**{f"{p}due_date__lt": today}) | Q(**{f"{p}next_milestone_due__lt": today})
    yellow = Q(**{f"{p}watch_from__lte": today}) | Q(**{f"{p}lag_date__lt": today})
    return Case(
        When(~active, then=Value(Light.GREY)),
        When(red, then=Value(Light.RED)),
        When(yellow, then=Value(Light.YELLOW)),
        default=Value(Light.GREEN),
        output_field=CharField(),
    )


class ListRow:
    """A row of a list as plain attributes (``id`` and ``pk``, the columns read, the annotations): no model instance.
    Building 50 instances of a wide model with most fields deferred (``Model.__init__``, the trail's "before" kept
    by ``from_db``) cost a matter list page more than reading its rows."""

    __slots__ = ("__dict__",)

    def __init__(self, values: dict):
        self.__dict__ = values

    @property
    def pk(self):
        return self.__dict__["id"]

    def __repr__(self) -> str:
        return f"<ListRow {self.__dict__.get('id')}>"


class ListRowIterable(ValuesIterable):
    """``values()`` rows as ``ListRow`` objects, so code written for instances (``row.code``, ``row.pk``) reads them."""

    def __iter__(self):
        for values in super().__iter__():
            yield ListRow(values)


class MatterQuerySet(RestrictedQuerySet):
    def with_light(self, today: dt.date | None = None):
        return self.annotate(light=light_expression(today))

    def list_rows(self, *fields):
        """Only ``fields`` (and ``id``) and the annotations made so far, each row a ``ListRow``: for a list that
        shows its rows' own columns. Later ``values()``/``values_list()`` (counts, ids) read as usual."""
        names = list(dict.fromkeys(("id", *fields, *self.query.annotations)))
        clone = self.values(*names)
        clone._iterable_class = ListRowIterable
        return clone

    def light_is(self, light: str, today: dt.date | None = None):
        return self.alias(_light=light_expression(today)).filter(_light=light)
