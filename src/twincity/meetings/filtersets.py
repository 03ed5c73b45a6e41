"""One FilterSet per model, shared by the list pages and the API."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from twincity.core import search
from twincity.core.filtersets import AlreadyReadChoiceFilter, StyledFilterSet, partnerships_read, visible_to_requester
from twincity.meetings.choices import ActionLight, ActionStatus, ItemStatus, OutcomeKind, SeriesKind, SessionStatus
from twincity.meetings.models import ActionItem, AgendaItem, MeetingSeries, Outcome, Session
from twincity.meetings.querysets import action_light_expression
from twincity.regions.models import Organisation, Partnership, Region


class MeetingSeriesFilterSet(StyledFilterSet):
    partnership = AlreadyReadChoiceFilter(  # the partnership asked for, from those the frame read: no query
        queryset=visible_to_requester(Partnership), read=partnerships_read, label=_("Partnership")
    )
    kind = django_filters.MultipleChoiceFilter(choices=SeriesKind.choices, label=_("Kind"))

    class Meta:
        model = MeetingSeries
        fields = ["partnership", "kind"]


class SessionFilterSet(StyledFilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("Search"))
    partnership = AlreadyReadChoiceFilter(  # the partnership asked for, from those the frame read: no query
        queryset=visible_to_requester(Partnership), read=partnerships_read, label=_("Partnership")
    )
    series = django_filters.ModelChoiceFilter(queryset=visible_to_requester(MeetingSeries), label=_("Series"))
    host = django_filters.ModelChoiceFilter(queryset=visible_to_requester(Region), label=_("Host side"))
    status = django_filters.MultipleChoiceFilter(
        choices=SessionStatus.choices, label=_("Status"), widget=forms.CheckboxSelectMultiple, distinct=False
    )
    after = django_filters.DateFilter(
        field_name="starts_at__date", lookup_expr="gte", label=_("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    before = django_filters.DateFilter(
        field_name="starts_at__date",
        lookup_expr="lte",
        label=_("Until"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Session
        fields = ["q", "partnership", "series", "host", "status"]

    def filter_text(self, queryset, name, value):
        """Every word in the series' name, the venue, the chair or the summary (sessions keep no search document)."""
        for word in value.split():
            queryset = queryset.filter(
                Q(series__name__icontains=word)
                | Q(series__name_en__icontains=word)
                | Q(venue__icontains=word)
                | Q(chair__icontains=word)
                | Q(minutes_summary__icontains=word)
            )
        return queryset


class AgendaItemFilterSet(StyledFilterSet):
    series = django_filters.ModelChoiceFilter(queryset=visible_to_requester(MeetingSeries), label=_("Series"))
    session = django_filters.NumberFilter(field_name="session_id", label=_("Session"))
    status = django_filters.MultipleChoiceFilter(choices=ItemStatus.choices, label=_("Status"))

    class Meta:
        model = AgendaItem
        fields = ["series", "session", "status"]


class OutcomeFilterSet(StyledFilterSet):
    session = django_filters.NumberFilter(field_name="session_id", label=_("Session"))
    kind = django_filters.MultipleChoiceFilter(choices=OutcomeKind.choices, label=_("Kind"))

    class Meta:
        model = Outcome
        fields = ["session", "kind"]


class ActionFilterSet(StyledFilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("Search"))
    partnership = AlreadyReadChoiceFilter(  # the partnership asked for, from those the frame read: no query
        queryset=visible_to_requester(Partnership), read=partnerships_read, label=_("Partnership")
    )
    series = django_filters.ModelChoiceFilter(
        queryset=visible_to_requester(MeetingSeries), field_name="session__series", label=_("Series")
    )
    session = django_filters.NumberFilter(field_name="session_id", label=_("Session"))
    status = django_filters.MultipleChoiceFilter(
        choices=ActionStatus.choices, label=_("Status"), widget=forms.CheckboxSelectMultiple, distinct=False
    )
    light = django_filters.MultipleChoiceFilter(
        choices=ActionLight.choices,
        method="filter_light",
        label=_("Light"),
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    open = django_filters.BooleanFilter(method="filter_open", label=_("Open"))
    side = django_filters.ModelChoiceFilter(
        queryset=visible_to_requester(Region), method="filter_side", label=_("Side")
    )
    organisation = django_filters.ModelChoiceFilter(
        queryset=visible_to_requester(Organisation), method="filter_organisation", label=_("Unit")
    )
    due_before = django_filters.DateFilter(
        field_name="due_date", lookup_expr="lte", label=_("Due by"), widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = ActionItem
        fields = ["q", "partnership", "series", "session", "status", "light", "side", "organisation"]

    def filter_text(self, queryset, name, value):
        return search.search(queryset, value)

    def filter_light(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.alias(_light=action_light_expression()).filter(_light__in=value)

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.open() if value else queryset.exclude(pk__in=queryset.open().values("pk"))

    @extend_schema_field(OpenApiTypes.INT)
    def filter_side(self, queryset, name, value):
        return queryset.filter(pk__in=ActionItem.owners.rel.related_model.objects.filter(side=value).values("action"))

    @extend_schema_field(OpenApiTypes.INT)
    def filter_organisation(self, queryset, name, value):
        return queryset.filter(
            pk__in=ActionItem.owners.rel.related_model.objects.filter(organisation=value).values("action")
        )
