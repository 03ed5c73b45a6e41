from django import template

from twincity.supervision.todos import count_for

register = template.Library()


@register.simple_tag
def open_todos(user) -> int:
    """How many to-dos wait for the user's desks now (the 待办 badge): one query on the partial index."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return count_for(user)
