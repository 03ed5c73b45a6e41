"""Supervision pages: the to-do list 待办 (see docs/todo.md). Everyone signed in has one: their desks' to-dos."""

from django.urls import path

from twincity.core.views import ObjectListView
from twincity.supervision.models import Todo
from twincity.supervision.todo_lists import TodoFilterSet, TodoTable, desk_names
from twincity.supervision.todos import open_for


class TodoListView(ObjectListView):
    """What waits for me: the open to-dos of my desks, oldest first, filtered by kind and by overdue."""

    queryset = Todo.objects.all()
    filterset_class = TodoFilterSet
    table_class = TodoTable
    template_name = "supervision/todo_list.html"
    # The rows are the user's own desks' (core.cache): the supervision run moves the partnership's stamp when it
    # opens or closes one (supervision.todos._reconcile).
    results_cache = "user"

    def get_queryset(self):
        # Not the door's restrict (a to-do is addressed, not owned): only the caller's own desks, ever.
        return open_for(self.request.user).order_by("active_from", "pk")

    def get_table_kwargs(self):
        return {"desk_names": desk_names(self.request.user)}

    def get_extra_context(self):
        return {"nav": "todos"}


urlpatterns: list = [path("todo/", TodoListView.as_view(), name="todos")]
