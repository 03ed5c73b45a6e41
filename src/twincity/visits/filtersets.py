import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from twincity.core.filtersets import visible_to_requester
from twincity.regions.models import Region
from twincity.registers.filtersets import RegisterFilterSet
from twincity.visits.choices import Topic, VisitLevel, VisitStatus
from twincity.visits.models import Gap, Lesson, Visit


class VisitFilterSet(RegisterFilterSet):
    year = django_filters.NumberFilter(field_name="start_date", lookup_expr="year", label=_("Year"))
    side = django_filters.ModelChoiceFilter(
        queryset=visible_to_requester(Region), method="filter_side", label=_("Side taking part")
    )
    topic = django_filters.ChoiceFilter(
        choices=Topic.choices, method="filter_topic", label=_("Topic"), empty_label=_("All")
    )
    level = django_filters.MultipleChoiceFilter(
        choices=VisitLevel.choices, distinct=False, label=_("Level"), widget=forms.CheckboxSelectMultiple
    )
    status = django_filters.MultipleChoiceFilter(
        choices=VisitStatus.choices, distinct=False, label=_("Status"), widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Visit
        fields = ["q", "partnership", "year", "side", "topic", "level", "status", "field"]

    @extend_schema_field(OpenApiTypes.INT)  # the id of a side (region)
    def filter_side(self, queryset, name, value):
        return queryset.filter(Q(visiting_region=value) | Q(host_region=value))

    def filter_topic(self, queryset, name, value):
        return queryset.with_topic(value)


class LearningFilterSet(RegisterFilterSet):
    """The filters of lessons and gaps alike: the side that learned it, its visit, whether it was followed up."""

    side = django_filters.ModelChoiceFilter(queryset=visible_to_requester(Region), label=_("Side that learned it"))
    visit = django_filters.ModelChoiceFilter(queryset=visible_to_requester(Visit), label=_("Source visit"))
    followed_up = django_filters.ChoiceFilter(
        choices=[("yes", _("Followed up by a matter")), ("no", _("Not followed up yet"))],
        method="filter_followed_up",
        label=_("Follow-up"),
        empty_label=_("All"),
    )

    def filter_followed_up(self, queryset, name, value):
        return queryset.followed_up(value == "yes")


class LessonFilterSet(LearningFilterSet):
    class Meta:
        model = Lesson
        fields = ["q", "partnership", "side", "visit", "followed_up", "field"]


class GapFilterSet(LearningFilterSet):
    class Meta:
        model = Gap
        fields = ["q", "partnership", "side", "visit", "followed_up", "field"]
