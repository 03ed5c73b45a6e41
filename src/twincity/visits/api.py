"""Visits, lessons and gaps over the API: the registers' standard endpoints, a visit's steps, and the
follow-up of lessons and gaps (each entry lists its matters with their state; ``follow_up`` turns it into one)."""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from twincity.accounts.choices import Action
from twincity.core.api import IF_MATCH, RestrictedPrimaryKeyRelatedField, refuse_unless
from twincity.matters.models import Matter
from twincity.matters.services import OwnerSpec
from twincity.regions.models import Organisation, Region
from twincity.registers.api import RegisterSerializer, RegisterViewSet, RegisterWriteSerializer
from twincity.visits import services
from twincity.visits.choices import Topic
from twincity.visits.filtersets import GapFilterSet, LessonFilterSet, VisitFilterSet
from twincity.visits.models import Gap, Lesson, Visit
from twincity.visits.querysets import attach_follow_ups
from twincity.visits.register import visits

# The visit's own fields beyond those every entry has.
OWN_FIELDS = [name for name in services.VISIT_FIELDS if name not in RegisterSerializer.COMMON]


class VisitSerializer(RegisterSerializer):
    topics = serializers.SerializerMethodField()

    class Meta:
        model = Visit
        fields = [*RegisterSerializer.COMMON, *OWN_FIELDS, "topics", "status"]

    def get_topics(self, obj) -> list[str]:
        return obj.topic_values


class VisitWriteSerializer(RegisterWriteSerializer):
    visiting_region = RestrictedPrimaryKeyRelatedField(queryset=Region.objects.all(), required=False)
    host_region = RestrictedPrimaryKeyRelatedField(queryset=Region.objects.all(), required=False)
    topics = serializers.ListField(child=serializers.ChoiceField(choices=Topic.choices), required=False)

    class Meta:
        model = Visit
        fields = ["partnership", *services.VISIT_FIELDS, "topics", "version"]
        extra_kwargs = {"title": {"required": False}, "start_date": {"required": False}}


class VisitViewSet(RegisterViewSet):
    queryset = Visit.objects.select_related("field", "visiting_region", "host_region").prefetch_related("topics")
    serializer_class = VisitSerializer
    write_serializer_class = VisitWriteSerializer
    filterset_class = VisitFilterSet
    register = visits  # held and cancel: its steps

    def create_service(self, **data):
        return services.create_visit(**data)

    def update_service(self, obj, **data):
        return services.update_visit(obj, **data)

    @extend_schema(request=None, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        """Archive the visit (refused while it still has lessons or gaps)."""
        return self.take_step(request, lambda visit, data: services.archive_visit(visit, user=request.user))


class LearningMatterSerializer(serializers.Serializer):
    """A matter following up a lesson or a gap, with its state."""

    id = serializers.IntegerField(source="matter.pk")
    code = serializers.CharField(source="matter.code")
    title = serializers.CharField(source="matter.title")
    relation = serializers.CharField()
    status = serializers.CharField(source="matter.status")
    light = serializers.CharField(source="matter.light")
    percent_complete = serializers.IntegerField(source="matter.percent_complete")


class LearningSerializer(RegisterSerializer):
    follow_up = serializers.SerializerMethodField()

    class Meta:
        fields = [*RegisterSerializer.COMMON, "number", "side", "visit", "text", "follow_up"]

    @extend_schema_field(LearningMatterSerializer(many=True))
    def get_follow_up(self, obj):
        if not hasattr(obj, "follow_up"):  # one entry read alone; a list page attached them all at once
            attach_follow_ups([obj])
        return LearningMatterSerializer(obj.follow_up.links, many=True).data


class LessonSerializer(LearningSerializer):
    class Meta(LearningSerializer.Meta):
        model = Lesson


class GapSerializer(LearningSerializer):
    class Meta(LearningSerializer.Meta):
        model = Gap


class LearningWriteSerializer(RegisterWriteSerializer):
    side = RestrictedPrimaryKeyRelatedField(queryset=Region.objects.all(), required=False)
    visit = RestrictedPrimaryKeyRelatedField(queryset=Visit.objects.all(), required=False, allow_null=True)

    class Meta:
        fields = ["partnership", *services.LEARNING_FIELDS, "version"]
        extra_kwargs = {"title": {"required": False}}


class LessonWriteSerializer(LearningWriteSerializer):
    class Meta(LearningWriteSerializer.Meta):
        model = Lesson


class GapWriteSerializer(LearningWriteSerializer):
    class Meta(LearningWriteSerializer.Meta):
        model = Gap


class LearningFollowUpSerializer(serializers.Serializer):
    """A new key cooperation matter following up the entry."""

    title = serializers.CharField(max_length=300)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    owners = RestrictedPrimaryKeyRelatedField(queryset=Organisation.objects.all(), many=True)
    due_date = serializers.DateField(required=False, allow_null=True)
    goal = serializers.CharField(required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class LearningLinkSerializer(serializers.Serializer):
    matter = RestrictedPrimaryKeyRelatedField(queryset=Matter.objects.all())
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class LearningViewSet(RegisterViewSet):
    """Lessons and gaps alike; a list reads every entry's follow-up in two queries for the whole page."""

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return attach_follow_ups(page) if page is not None else None

    def create_service(self, **data):
        return services.create_learning(self.queryset.model, **data)

    def update_service(self, obj, **data):
        return services.update_learning(obj, **data)

    def _follow_up_step(self, request, run, serializer_class):
        """A step that answers with the entry's follow-up it made (201): ``run(entry, data)`` returns the
        matter now following the entry up. ``take_step`` answers with the entry itself, hence its checks here."""
        entry = self.get_object()
        refuse_unless(request.user, Action.CHANGE, entry)
        serializer = serializer_class(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        matter = run(entry, dict(serializer.validated_data))
        # One live link per matter and entry (registers.services.link_matter keeps the first).
        [link] = [link for link in attach_follow_ups([entry])[0].follow_up.links if link.matter_id == matter.pk]
        return Response(LearningMatterSerializer(link).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=LearningFollowUpSerializer, responses={201: LearningMatterSerializer})
    @action(detail=True, methods=["post"], serializer_class=LearningFollowUpSerializer, url_path="follow-up")
    def follow_up(self, request, pk=None):
        """Turn the entry into a new key cooperation matter, linked as created from it."""

        def run(entry, data):
            owners = [OwnerSpec(unit) for unit in data.pop("owners")]
            return services.follow_up_learning(entry, user=request.user, owners=owners, field=entry.field, **data)

        return self._follow_up_step(request, run, LearningFollowUpSerializer)

    @extend_schema(request=LearningLinkSerializer, responses={201: LearningMatterSerializer})
    @action(detail=True, methods=["post"], serializer_class=LearningLinkSerializer)
    def link(self, request, pk=None):
        """Record that an existing matter serves the entry."""
        return self._follow_up_step(
            request,
            lambda entry, data: services.link_follow_up(entry, user=request.user, **data).matter,
            LearningLinkSerializer,
        )


class LessonViewSet(LearningViewSet):
    queryset = Lesson.objects.select_related("field", "side", "visit")
    serializer_class = LessonSerializer
    write_serializer_class = LessonWriteSerializer
    filterset_class = LessonFilterSet


class GapViewSet(LearningViewSet):
    queryset = Gap.objects.select_related("field", "side", "visit")
    serializer_class = GapSerializer
    write_serializer_class = GapWriteSerializer
    filterset_class = GapFilterSet


ROUTES = [("visits", VisitViewSet, "visit"), ("lessons", LessonViewSet, "lesson"), ("gaps", GapViewSet, "gap")]
