from django import template

from twincity.accounts.people import actor_name, display_name

register = template.Library()


@register.filter
def person(value) -> str:
    """``{{ user|person }}``: the person's name (full name, else login); ``{{ event|person }}``: who did it."""
    if value is None or value == "":
        return ""
    if hasattr(value, "get_full_name"):
        return display_name(value)
    if hasattr(value, "user_name"):
        return actor_name(value)
    return str(value)
