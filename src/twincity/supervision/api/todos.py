"""Supervision API: to-dos. ``/api/todos/`` lists the caller's own open to-dos (never another desk's);
``/api/todos/count/`` says how many. ROUTES are (prefix, viewset, basename), registered by api_urls.py."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from twincity.core.api import AuditedAPIMixin
from twincity.supervision.choices import TodoKind
from twincity.supervision.models import Todo
from twincity.supervision.todo_lists import TodoFilterSet
from twincity.supervision.todos import open_for


class TodoSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=TodoKind.choices, read_only=True)
    kind_label = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Todo
        fields = [
            "id",
            "partnership",
            "part",
            "scope_id",
            "kind",
            "kind_label",
            "title",
            "url",
            "due_on",
            "active_from",
            "overdue",
        ]
        read_only_fields = fields

    def get_kind_label(self, todo) -> str:
        """The kind in the reader's language (待办的类型)."""
        return str(TodoKind(todo.kind).label) if todo.kind in TodoKind.values else todo.kind

    def get_overdue(self, todo) -> bool:
        return todo.due_on is not None and todo.due_on < timezone.localdate()


class TodoViewSet(AuditedAPIMixin, viewsets.ReadOnlyModelViewSet):
    """To-dos 待办: what waits for the caller's desks (the office, the leaders, a side's coordinator, a unit),
    oldest first. Only the caller's own; another desk's to-do is a 404."""

    queryset = Todo.objects.all()
    serializer_class = TodoSerializer
    filterset_class = TodoFilterSet

    def get_queryset(self):
        return open_for(self.request.user).order_by("active_from", "pk")

    @extend_schema(
        responses=inline_serializer("TodoCount", fields={"count": serializers.IntegerField()}),
        filters=False,
    )
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def count(self, request):
        """How many to-dos wait for the caller now (the number on the menu's badge)."""
        return Response({"count": self.get_queryset().count()})


ROUTES: list = [("todos", TodoViewSet, "todo")]
