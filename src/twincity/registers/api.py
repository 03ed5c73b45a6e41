"""What every register's API shares: rows through the door, writes through the register's services.

A register's ``api.py`` declares a serializer for reading (``RegisterSerializer`` subclass), one for
writing, and a ``RegisterViewSet`` subclass naming its ``create_service``/``update_service`` and its
``register`` (the declaration): every step the declaration gives a ``serializer`` becomes a POST action
of the viewset (``step_action``), with its schema. Lists
filter with the register's FilterSet (the same as the page's); edits need the version the client
read (body ``version`` or ``If-Match``); archive is a POST action; nothing is ever deleted.
"""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from twincity.accounts.choices import Action
from twincity.core.api import (
    IF_MATCH,
    RestrictedPrimaryKeyRelatedField,
    RestrictedViewSetMixin,
    VersionField,
    expected_version,
    refuse_unless,
)
from twincity.core.services import lock
from twincity.regions.models import Field, Partnership
from twincity.registers import services


class RegisterSerializer(serializers.ModelSerializer):
    """The fields every entry has, for reading; a register lists its own after these."""

    COMMON = [
        "id",
        "url",
        "partnership",
        "code",
        "title",
        "field",
        "note",
        "version",
        "archived_at",
        "created",
        "last_updated",
    ]
    url = serializers.SerializerMethodField()

    def get_url(self, obj) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(obj.get_absolute_url()) if request else obj.get_absolute_url()


class RegisterWriteSerializer(serializers.ModelSerializer):
    """Input of a create or an edit: the partnership and field are chosen among what the user may see."""

    partnership = RestrictedPrimaryKeyRelatedField(queryset=Partnership.objects.all(), required=False)
    field = RestrictedPrimaryKeyRelatedField(queryset=Field.objects.all(), required=False, allow_null=True)
    version = VersionField()


def step_action(step, answer_serializer):
    """The API action of a declared workflow step: POST ``/<entries>/<pk>/<api_path>/`` with the step's
    serializer as its body; 404 if unseen, 403 if the user may not take it, 400 for a bad body; the entry
    as it is after the step."""
    serializer_class = step.serializer

    def take(self, request, pk=None):
        return self.take_step(
            request,
            lambda obj, data: step.run(obj, request.user, data),
            serializer_class=serializer_class,
            action=step.api_action or step.action,
            code=step.api_status,
        )

    take.__name__ = take.__qualname__ = step.api_name or step.name
    take.__doc__ = step.doc
    options = {"serializer_class": serializer_class} if serializer_class is not None else {}
    if step.api_path:
        options["url_path"] = step.api_path
    take = action(detail=True, methods=["post"], **options)(take)
    return extend_schema(request=serializer_class, responses=answer_serializer)(take)


class RegisterViewSet(
    RestrictedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """List, read, create, edit (PATCH with a version) and archive the entries of one register."""

    write_serializer_class = None
    register = None  # the register's declaration: its archive service and its steps
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_handles_archived = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for step in cls.register.steps if cls.register is not None else ():
            name = step.api_name or step.name
            if step.in_api and name not in cls.__dict__:
                setattr(cls, name, step_action(step, cls.serializer_class))

    def create_service(self, **data):
        raise NotImplementedError

    def update_service(self, obj, **data):
        raise NotImplementedError

    def respond(self, obj, code=status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=obj.pk)
        data = type(self).serializer_class(fresh, context=self.get_serializer_context()).data
        return Response(data, status=code, headers={"ETag": f'"{fresh.version}"'})

    def take_step(
        self, request, run, *, serializer_class=None, action: str = Action.CHANGE, code=status.HTTP_200_OK, answer=None
    ):
        """One workflow step of the entry in the URL: 404 if unseen, 403 if the user may not ``action`` it,
        400 if the body is invalid; then ``run(obj, validated_data)`` (the service) and the entry as it is now,
        or ``answer(result)`` (a Response) for a step that answers with what it made (a matter, a report)."""
        obj = self.get_object()
        refuse_unless(request.user, action, obj)
        data = {}
        if serializer_class is not None:
            serializer = serializer_class(data=request.data, context=self.get_serializer_context())
            serializer.is_valid(raise_exception=True)
            data = dict(serializer.validated_data)
        result = run(obj, data)
        return answer(result) if answer is not None else self.respond(obj, code)

    def create(self, request, *args, **kwargs):
        serializer = self.write_serializer_class(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        partnership = data.pop("partnership", None)
        if partnership is None:
            raise serializers.ValidationError({"partnership": [serializers.Field.default_error_messages["required"]]})
        obj = self.create_service(partnership=partnership, user=request.user, **data)
        return self.respond(obj, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        obj = self.get_object()
        refuse_unless(request.user, Action.CHANGE, obj)
        serializer = self.write_serializer_class(data=request.data, partial=True, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = self.expected_version(data)
        data.pop("version", None)
        data.pop("partnership", None)  # an entry does not move between partnerships
        self.update_service(obj, user=request.user, version=version, **data)
        return self.respond(obj)

    @extend_schema(request=None, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        """Archive the entry (the office's records are never deleted). With If-Match, only the version named:
        someone's change since then is a 409, not archived unseen."""
        archive = self.register.archive if self.register is not None else services.archive_entry

        def run(obj, data):
            version = expected_version(request) if request.headers.get("If-Match") else None
            with transaction.atomic():
                lock(obj, version=version)
                return archive(obj, user=request.user)

        return self.take_step(request, run)
