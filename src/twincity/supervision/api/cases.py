"""Supervision API: the supervised items (cases), read-only, and each step as a POST with the pages' rules.

ROUTES are (prefix, viewset, basename), registered by api_urls.py."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from twincity.core.api import RestrictedViewSetMixin
from twincity.supervision import services
from twincity.supervision.choices import Rating
from twincity.supervision.filtersets import CaseFilterSet
from twincity.supervision.models import Case, CaseSide, Evidence, Feedback


class CaseSideSerializer(serializers.ModelSerializer):
    side_name = serializers.CharField(source="side.name", read_only=True)

    class Meta:
        model = CaseSide
        fields = [
            "side",
            "side_name",
            "organisation",
            "signoff_due_on",
            "signed_at",
            "signed_late",
            "next_feedback_on",
            "last_feedback_on",
            "feedback_count",
            "late_feedback_count",
            "completed_at",
            "completion_note",
        ]


class FeedbackSerializer(serializers.ModelSerializer):
    class Meta:
        model = Feedback
        fields = ["id", "side", "organisation", "on", "due_on", "late", "text", "percent_complete"]


class EvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Evidence
        fields = ["id", "side", "kind", "title", "link", "attachment"]


class CaseSerializer(serializers.ModelSerializer):
    sides = CaseSideSerializer(many=True, read_only=True)
    feedback = FeedbackSerializer(many=True, read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "partnership",
            "kind",
            "code",
            "title",
            "url",
            "field",
            "assigned_on",
            "due_on",
            "state",
            "level",
            "next_feedback_on",
            "completed_at",
            "closed_at",
            "rating",
            "review",
            "delay_days",
            "version",
            "sides",
            "feedback",
            "evidence",
        ]


class SideStepSerializer(serializers.Serializer):
    side = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text="The owning side (region id) the step is taken for."
    )


class FeedbackStepSerializer(SideStepSerializer):
    text = serializers.CharField(max_length=5000)
    percent = serializers.IntegerField(min_value=0, max_value=100, required=False, allow_null=True)


class CompletionStepSerializer(SideStepSerializer):
    note = serializers.CharField(max_length=5000)
    links = serializers.ListField(child=serializers.CharField(max_length=500), required=False, max_length=20)


class CloseStepSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=Rating.choices)
    review = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class ReturnStepSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)


class CaseViewSet(RestrictedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Supervised items 督办事项 with each owning side's sign-off, feedback and completion; the steps are POSTs
    (a unit acts for its own side, a coordinator for their side, the office for every side and closes)."""

    queryset = Case.objects.order_by("due_on", "pk")
    serializer_class = CaseSerializer
    filterset_class = CaseFilterSet

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .prefetch_related(
                Prefetch("sides", queryset=CaseSide.objects.select_related("side").order_by("pk")),
                "feedback",
                "evidence",
            )
        )

    def _run(self, request, serializer_class, call):
        case = self.get_object()
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        call(case, request.user, serializer.validated_data)
        return Response(CaseSerializer(self.get_queryset().get(pk=case.pk)).data)

    @extend_schema(request=SideStepSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"], url_path="sign-off", serializer_class=SideStepSerializer)
    def sign_off(self, request, pk=None):
        return self._run(request, SideStepSerializer, lambda c, u, d: services.sign_off(c, d["side"], user=u))

    @extend_schema(request=FeedbackStepSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"], serializer_class=FeedbackStepSerializer)
    def feedback(self, request, pk=None):
        return self._run(
            request,
            FeedbackStepSerializer,
            lambda c, u, d: services.give_feedback(c, d["side"], user=u, text=d["text"], percent=d.get("percent")),
        )

    @extend_schema(request=CompletionStepSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"], url_path="report-completion", serializer_class=CompletionStepSerializer)
    def report_completion(self, request, pk=None):
        return self._run(
            request,
            CompletionStepSerializer,
            lambda c, u, d: services.report_completion(c, d["side"], user=u, note=d["note"], links=d.get("links", ())),
        )

    @extend_schema(request=CloseStepSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"], serializer_class=CloseStepSerializer)
    def close(self, request, pk=None):
        return self._run(
            request,
            CloseStepSerializer,
            lambda c, u, d: services.close_case(c, user=u, rating=d["rating"], review=d["review"]),
        )

    @extend_schema(request=ReturnStepSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"], url_path="return", serializer_class=ReturnStepSerializer)
    def return_case(self, request, pk=None):
        return self._run(
            request, ReturnStepSerializer, lambda c, u, d: services.return_case(c, user=u, reason=d["reason"])
        )


ROUTES: list = [("supervision-cases", CaseViewSet, "case")]
