"""The one way to cache a rendered piece of a page: keyed on who may see what, never invalidated by hand.

A key is made of

* **what** is cached (the page's path and the piece's name),
* the user's **access scope**: a digest of their active memberships (partnership, role, side, unit) and
  their superuser/staff flags, so two users with different access never share an entry and two with the
  same access do (``scope_signature``),
* the **normalised query** (parameters sorted, empty ones dropped; ``page``, ``per_page`` and ``sort``
  are parameters like the others),
* the **language** and the **day** (lights and "overdue" are computed against today),
* the **change stamps** of the partnerships in the user's scope (``Partnership.changed_at``), which every
  write moves in its own transaction (``core.services.touch``; ``stamp_on_save`` below catches a save that
  no service helper touched).

A write therefore makes every key that could show it unreachable at once, in every worker: nothing is ever
deleted. Superusers read everything, including rows of no partnership, so their pieces are never cached.
A piece whose rows depend on the user themself (their to-dos, the sheets addressed to them) puts the user's
id in its key (``per_user``).
"""

from __future__ import annotations

import hashlib
import json
import logging

from django.apps import apps
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import models
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from twincity.accounts.access import memberships
from twincity.core.services import _stamp_path, forget_touches, touch_once

logger = logging.getLogger(__name__)

# Entries live a day at most: the day is in the key anyway, and a stamp that moved leaves the old entry unread.
TIMEOUT = 24 * 3600


def _partnerships():
    # By name: the partnership lives in regions, a layer above the core (docs/layers.md).
    return apps.get_model("regions", "Partnership")._base_manager


PREFIX = "tc:piece:"


def scope_signature(user) -> str | None:
    """A digest of what the user may reach (None for a superuser or someone signed out: not cached)."""
    if user is None or not user.is_authenticated or not user.is_active or user.is_superuser:
        return None
    rows = sorted((m.partnership_id, str(m.role), m.region_id or 0, m.organisation_id or 0) for m in memberships(user))
    raw = json.dumps([rows, bool(user.is_staff)], separators=(",", ":"))
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def normalised_query(params) -> list:
    """The query as a sorted list of (name, sorted non-empty values), so that ``?b=1&a=`` and ``?b=1`` agree."""
    found = []
    for name in sorted(params):
        values = sorted(v for v in params.getlist(name) if v.strip() != "")
        if values:
            found.append([name, values])
    return found


def stamps(partnership_ids) -> list:
    """[(id, change stamp)] of the partnerships, in one query."""
    ids = sorted(set(partnership_ids))
    if not ids:
        return []
    rows = _partnerships().filter(pk__in=ids).values_list("pk", "changed_at").order_by("pk")
    return [(pk, changed.isoformat() if changed else "-") for pk, changed in rows]


def piece_key(what: str, request, *, per_user: bool = False, extra=()) -> str | None:
    """The cache key of a piece of the page ``request`` asks for, or None when it must not be cached."""
    user = request.user
    scope = scope_signature(user)
    if scope is None:
        return None
    parts = [
        what,
        scope,
        user.pk if per_user else "-",
        normalised_query(request.GET),
        get_language() or "-",
        timezone.localdate().isoformat(),
        stamps(m.partnership_id for m in memberships(user)),
        list(extra),
    ]
    raw = json.dumps(parts, separators=(",", ":"), default=str, ensure_ascii=False)
    return PREFIX + hashlib.sha256(raw.encode()).hexdigest()


def get_or_render(key: str | None, render):
    """The cached value under ``key``, else ``render()`` stored there (always ``render()`` when key is None).

    A cache that does not answer (Redis restarting) costs speed, never the page: the value is then computed."""
    if key is None:
        return render()
    try:
        value = cache.get(key)
    except Exception:  # the cache server's errors (connection, timeout) are the client library's own classes
        logger.warning("cache unavailable: computing %s", key[:40], exc_info=True)
        return render()
    if value is None:
        value = render()
        try:
            cache.set(key, value, TIMEOUT)
        except Exception:  # as above
            logger.warning("cache unavailable: not stored %s", key[:40], exc_info=True)
        forget_touches()
    return value


# ---------------------------------------------------------------------------------------------- the safety net


def _partnership_paths(model: type[models.Model]) -> tuple[str, ...]:
    path = getattr(getattr(model, "Access", None), "partnership", None)
    if path is None:
        return ()
    return (path,) if isinstance(path, str) else tuple(path)


def stamp_on_save(sender, instance, raw: bool = False, **kwargs) -> None:
    """Any save or delete of a row that belongs to a partnership moves that partnership's stamp.

    The services move it already (``lock`` → ``touch``, the bulk helpers); a write that did not — a part
    created beside a locked parent, a row saved by a path no helper covers — is caught here, so a cached
    piece can never outlive a change. ``touch_once`` skips a partnership already touched in the same
    transaction, so a service that locked first pays nothing more."""
    paths = _partnership_paths(sender)
    if raw or not paths:
        return
    if _stamp_path(sender) is not None:
        touch_once(sender, instance)
        return
    # The partnership is reached through a list (a region's partnerships): every partnership the row reaches.
    where = models.Q(pk__in=[])
    for path in paths:
        where |= models.Q(pk__in=sender._base_manager.filter(pk=instance.pk).values(path))
    _partnerships().filter(where).update(changed_at=timezone.now())


def stamp_on_user_save(sender, instance, raw: bool = False, update_fields=None, **kwargs) -> None:
    """A person's name shows in lists (owners, the audit log's "who"): a change to their account, other than the
    sign-in time, moves the stamps of the partnerships they belong to."""
    if raw or instance.pk is None:
        return
    if update_fields is not None and set(update_fields) <= {"last_login", "password"}:
        return
    ids = instance.memberships.values("partnership_id") if hasattr(instance, "memberships") else None
    if ids is not None:
        _partnerships().filter(pk__in=ids).update(changed_at=timezone.now())


def stamp_on_m2m(sender, instance, action: str, **kwargs) -> None:
    """A many-to-many change (a matter's fields of cooperation…) is a write of the row that holds the list."""
    if action in {"post_add", "post_remove", "post_clear"}:
        stamp_on_save(type(instance), instance)


def connect() -> None:
    """Called once by the core app (``CoreConfig.ready``)."""
    from django.contrib.auth import get_user_model  # noqa: PLC0415 - the user model exists only once apps are ready
    from django.db.models.signals import m2m_changed, post_delete, post_save  # noqa: PLC0415 - with the above

    post_save.connect(stamp_on_save, dispatch_uid="twincity_cache_stamp_save")
    post_delete.connect(stamp_on_save, dispatch_uid="twincity_cache_stamp_delete")
    m2m_changed.connect(stamp_on_m2m, dispatch_uid="twincity_cache_stamp_m2m")
    post_save.connect(stamp_on_user_save, sender=get_user_model(), dispatch_uid="twincity_cache_stamp_user")


# ---------------------------------------------------------------------------------------------- lists


class CachedResultsMixin:
    """For ``ObjectListView``: the results of a list (table, pagination, counts) kept in the cache.

    The template wraps those in ``{% cachedpiece "…" %}`` (``core/templatetags/pieces.py``); the view gives the
    key (``results_cache_key`` in the context) and builds its table lazily, so a hit runs neither the count
    nor the rows' query. ``results_cache``: ``"scope"`` (the rows depend only on what the user may reach, the
    query and the data), ``"user"`` (on the user themself too: their own to-dos), ``"off"``; left None, a
    view that writes its own ``get_queryset`` is taken to depend on the user, unless it says ``"scope"``."""

    results_cache: str | None = None

    def results_cache_mode(self) -> str:
        if self.results_cache is not None:
            return self.results_cache
        own = type(self).get_queryset is not CachedResultsMixin._base_get_queryset(type(self))
        return "user" if own else "scope"

    @staticmethod
    def _base_get_queryset(cls):
        # The get_queryset of the first class that mixes this in (ObjectListView): not overridden if it is that.
        for klass in cls.__mro__:
            if CachedResultsMixin in klass.__bases__:
                return klass.__dict__.get("get_queryset")
        return None

    def get_results_cache_key(self) -> str | None:
        if not hasattr(self, "_results_cache_key"):
            mode = self.results_cache_mode()
            key = None
            if mode != "off" and self.request.method in ("GET", "HEAD"):
                what = f"results:{type(self).__module__}.{type(self).__qualname__}:{self.request.path}"
                key = piece_key(what, self.request, per_user=mode == "user")
            self._results_cache_key = key
        return self._results_cache_key

    def get_table(self, **kwargs):
        if self.get_results_cache_key() is None:
            return super().get_table(**kwargs)
        parent = super()
        return SimpleLazyObject(lambda: parent.get_table(**kwargs))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["results_cache_key"] = self.get_results_cache_key()
        return context


def clear_own_cache() -> None:
    """Drop every entry under this process's key prefix, and only those (Redis is shared: ``clear()`` would empty
    the whole database). For the tests."""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        backend.clear()
        return
    client = backend._cache.get_client(None, write=True)
    names = list(client.scan_iter(match=f"{backend.key_prefix}:*", count=1000))
    for start in range(0, len(names), 1000):
        client.delete(*names[start : start + 1000])
