"""Supervision API: the scores of units (the league table) and the monthly briefing as JSON.

``/api/supervision-scores/?partnership=&start=&end=&by=unit|side|field`` lists the league table of one partnership
(every member sees it; default: the user's first partnership, this year, per unit); ``/api/supervision-scores/<id>/``
is one row of it (the unit's, side's or field's id), with the cases behind it (``record``) only for whom the unit's
page shows them. ``/api/supervision-scores/briefing/?partnership=&month=YYYY-MM`` is the monthly briefing, for the
leaders and the office (anyone else: 404). ROUTES are (prefix, viewset, basename), registered by api_urls.py.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from twincity.accounts.access import partnerships_for
from twincity.core.filtersets import DB_INT_MAX
from twincity.regions.models import Organisation
from twincity.supervision import digests, scoring
from twincity.supervision.models import SupervisionPolicy
from twincity.supervision.views.digests import reads_briefing
from twincity.supervision.views.scoring import sees_record


class ScoreRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    side = serializers.CharField()
    score = serializers.FloatField(allow_null=True)
    rank = serializers.IntegerField(allow_null=True)
    items = serializers.IntegerField()
    closed = serializers.IntegerField()
    closed_on_time = serializers.IntegerField()
    overdue_open = serializers.IntegerField()
    average_delay = serializers.FloatField(allow_null=True)
    rated = serializers.IntegerField()
    red = serializers.IntegerField()
    feedback_given = serializers.IntegerField()
    feedback_late = serializers.IntegerField()
    feedback_missed = serializers.IntegerField()
    components = serializers.DictField(child=serializers.FloatField(allow_null=True))
    formula = serializers.CharField()


class PeriodSerializer(serializers.Serializer):
    partnership = serializers.IntegerField(required=False, min_value=1, max_value=DB_INT_MAX)
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)
    by = serializers.ChoiceField(choices=list(scoring.GROUPINGS), required=False, default=scoring.UNIT)

    def validate(self, attrs):
        start, end = scoring.year_period()
        attrs.setdefault("start", start)
        attrs.setdefault("end", end)
        if attrs["end"] < attrs["start"]:
            raise ValidationError({"end": _("The period ends before it begins.")})
        if (attrs["end"] - attrs["start"]).days > 366 * 3:
            raise ValidationError({"end": _("A period is at most three years long.")})
        return attrs


PARAMETERS = [
    OpenApiParameter("partnership", OpenApiTypes.INT, description="partnership id (default: your first)"),
    OpenApiParameter("start", OpenApiTypes.DATE),
    OpenApiParameter("end", OpenApiTypes.DATE),
    OpenApiParameter("by", OpenApiTypes.STR, enum=list(scoring.GROUPINGS)),
]


class ScoreViewSet(viewsets.GenericViewSet):
    """The scoring of units 绩效评价: the league table of a partnership for a period, with each row's formula."""

    serializer_class = ScoreRowSerializer
    queryset = Organisation.objects.none()  # for the schema's path parameter; rows are computed, not stored
    filter_backends: list = []
    lookup_value_regex = r"[0-9]{1,18}"

    def _period(self):
        params = PeriodSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        mine = partnerships_for(self.request.user)
        wanted = data.get("partnership")
        partnership = next((p for p in mine if p.pk == wanted), None) if wanted else (mine[0] if mine else None)
        return partnership, data

    def _rows(self, partnership, data):
        if partnership is None:
            return []
        return scoring.score_table(
            partnership.pk,
            start=data["start"],
            end=data["end"],
            by=data["by"],
            policy=SupervisionPolicy.of(partnership.pk),
        )

    @extend_schema(parameters=PARAMETERS)
    def list(self, request):
        partnership, data = self._period()
        rows = [r.as_dict() for r in self._rows(partnership, data)]
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ScoreRowSerializer(page, many=True).data)

    @extend_schema(parameters=PARAMETERS)
    def retrieve(self, request, pk=None):
        partnership, data = self._period()
        if partnership is None or int(pk) > DB_INT_MAX:
            raise NotFound
        row = next((r for r in self._rows(partnership, data) if r.key == int(pk)), None)
        if row is None:
            raise NotFound
        body = dict(ScoreRowSerializer(row.as_dict()).data)
        if data["by"] == scoring.UNIT:
            unit = Organisation.objects.select_related("region").get(pk=row.key)
            if sees_record(request.user, partnership, unit):
                cases = scoring.unit_cases(partnership.pk, unit.pk, start=data["start"], end=data["end"])
                body["record"] = [
                    {
                        "id": c.pk,
                        "code": c.code,
                        "title": c.title,
                        "url": c.url,
                        "due_on": c.due_on.isoformat(),
                        "state": c.state,
                        "delay_days": c.delay_days,
                        "rating": c.rating,
                        "sheet_level": getattr(getattr(c, "sheet", None), "level", None),
                    }
                    for c in cases
                ]
        return Response(body)

    @extend_schema(
        parameters=[
            OpenApiParameter("partnership", OpenApiTypes.INT),
            OpenApiParameter("month", OpenApiTypes.STR, description="YYYY-MM (default: this month)"),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=False, methods=["get"])
    def briefing(self, request):
        """The monthly briefing (the leaders' and the office's): what turned red, closed, falls due; open sheets
        by colour; the league table's top and bottom."""
        partnership, _data = self._period()
        if partnership is None or not reads_briefing(request.user, partnership.pk):
            raise NotFound
        text = request.query_params.get("month", "")
        try:
            month = dt.date.fromisoformat(f"{text}-01") if text else timezone.localdate().replace(day=1)
        except ValueError:
            raise ValidationError({"month": _("Give the month as YYYY-MM.")}) from None
        return Response(digests.as_json(digests.monthly(partnership, month)))


ROUTES = [("supervision-scores", ScoreViewSet, "supervision-score")]
