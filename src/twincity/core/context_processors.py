from django.conf import settings
from django.middleware.csrf import get_token
from django.utils.functional import SimpleLazyObject

from twincity.accounts.access import can_audit, partnerships_for
from twincity.core.cache import CSRF_TOKENS
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


def csrf_token(request) -> dict:
    """``csrf_token`` as Django's own processor gives it, remembered on the request, so that a page stored whole in
    the cache (``core.cache.cached_page``) keeps a mark where its tokens were. Listed after Django's, it wins."""

    def value():
        token = get_token(request)
        request.__dict__.setdefault(CSRF_TOKENS, set()).add(token)
        return token

    return {"csrf_token": SimpleLazyObject(value)}
