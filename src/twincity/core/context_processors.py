from django.conf import settings


def twincity(request):
    """What every page's frame needs: the site name and the user's partnerships for the switcher."""
    user = getattr(request, "user", None)
    partnerships, audit, registers = [], False, []
    if user is not None and user.is_authenticated:
        from twincity.accounts.access import can_audit, partnerships_for
        from twincity.registers.registry import registers as all_registers

        partnerships, audit = partnerships_for(user), can_audit(user)
        registers = all_registers() if partnerships else []
    return {
        "site_name": settings.TWINCITY_SITE_NAME,
        "nav_partnerships": partnerships,
        "nav_can_audit": audit,
        "nav_registers": registers,
    }
