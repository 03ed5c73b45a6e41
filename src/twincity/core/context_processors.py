from django.conf import settings

from twincity.accounts.access import can_audit, partnerships_for
from twincity.core.registry import menu_entries


def twincity(request):
    """What every page's frame needs: the site name, the user's partnerships for the switcher and the menu
    entries the higher apps registered (``core.registry``: core knows no domain app)."""
    user = getattr(request, "user", None)
    partnerships, audit, registers = [], False, []
    if user is not None and user.is_authenticated:
        partnerships, audit = partnerships_for(user), can_audit(user)
        registers = menu_entries() if partnerships else []
    return {
        "site_name": settings.TWINCITY_SITE_NAME,
        "nav_partnerships": partnerships,
        "nav_can_audit": audit,
        "nav_registers": registers,
    }
