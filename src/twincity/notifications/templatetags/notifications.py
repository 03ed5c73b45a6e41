from django import template

from twincity.accounts.access import is_office
from twincity.notifications.models import Notification

register = template.Library()


@register.simple_tag
def unread_notifications(user) -> int:
    """How many notifications ``user`` has not read (for a badge in the navigation bar)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


@register.simple_tag
def runs_office(user, partnership) -> bool:
    """Does ``user`` run the office of ``partnership`` (the deliveries and robots pages in the menu)?"""
    if partnership is None or not getattr(user, "is_authenticated", False):
        return False
    return is_office(user, partnership.pk)
