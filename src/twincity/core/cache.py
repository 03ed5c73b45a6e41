"""The one way to cache a rendered piece of a page: keyed on who may see what, never invalidated by hand.

A key is made of

* **what** is cached (the page's path and the piece's name),
* the user's **access scope**: a digest of their active memberships (partnership, role, side, unit) and
  their superuser/staff flags, so two users with different access never share an entry and two with the
  same access do (``scope_signature``),
* the **normalised query** (parameters sorted; an empty one kept, since "all years" is not "the latest";
  ``page``, ``per_page`` and ``sort`` are parameters like the others),
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

import functools
import hashlib
import json
import logging

from django.apps import apps
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import models, transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from twincity.accounts.access import memberships
from twincity.core.services import _stamp_path, forget_touches, move_stamps, touch_once

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
    """The query as a sorted list of (name, sorted values), so that ``?b=1&a=2`` and ``?a=2&b=1`` agree. An empty
    parameter is kept: a list told ``?year=`` shows every year, one told nothing its latest (matters)."""
    return [[name, sorted(v.strip() for v in params.getlist(name))] for name in sorted(params)]


def stamps(partnership_ids, read=()) -> list:
    """[(id, change stamp)] of the partnerships, in one query; ``read``: partnerships read just now, whose stamps are
    taken from them (only the others are queried: none when they are all there)."""
    ids = sorted(set(partnership_ids))
    if not ids:
        return []
    found = {p.pk: p.changed_at for p in read if p.pk in ids and "changed_at" in p.__dict__}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        found.update(_partnerships().filter(pk__in=missing).values_list("pk", "changed_at").order_by("pk"))
    return [(pk, found[pk].isoformat() if found[pk] else "-") for pk in ids if pk in found]


def _stamps_of(request, user, *, frame: bool = False) -> list:
    """The stamps of the user's partnerships, read once per GET request: its page key and its results' key are
    made from the same reading (a GET writes nothing a key depends on; any other request reads them each time).

    ``frame``: the key of a whole page, whose memberships were read just now for it (``page_key``): their
    partnerships, read with them (``accounts.access.memberships``; the frame's list, ``partnerships_for``), give the
    stamps, no query of their own (memberships read before are not trusted for stamps: the user object may have
    outlived a write)."""
    mine = memberships(user)
    ids = sorted({m.partnership_id for m in mine})
    if request.method != "GET":
        return stamps(ids)
    kept = getattr(request, "_twincity_stamps", None)
    if kept is None or kept[0] != ids:
        read = [m.partnership for m in mine] if frame else ()
        kept = request._twincity_stamps = (ids, stamps(ids, read))
    return kept[1]


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
        _stamps_of(request, user),
        list(extra),
    ]
    raw = json.dumps(parts, separators=(",", ":"), default=str, ensure_ascii=False)
    return PREFIX + hashlib.sha256(raw.encode()).hexdigest()


def get_or_render(key: str | None, render, keep=None):
    """The cached value under ``key``, else ``render()`` stored there (always ``render()`` when key is None);
    ``keep(value)`` false leaves a value out of the cache (an error answer).

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
        if keep is not None and not keep(value):
            return value
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
    move_stamps(where)


def stamp_on_user_save(sender, instance, raw: bool = False, update_fields=None, **kwargs) -> None:
    """A person's name shows in lists (owners, the audit log's "who"): a change to their account, other than the
    sign-in time, moves the stamps of the partnerships they belong to."""
    if raw or instance.pk is None:
        return
    if update_fields is not None and set(update_fields) <= {"last_login", "password"}:
        return
    ids = instance.memberships.values("partnership_id") if hasattr(instance, "memberships") else None
    if ids is not None:
        move_stamps(models.Q(pk__in=ids))


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


# ---------------------------------------------------------------------------------------------- whole pages
#
# A page read again with nothing written in between is answered from the cache whole: no query but the
# session, the user, the memberships and the stamps that make the key. The key is the piece key of the page
# (scope, query, language, day, stamps) plus the user themself (their name, badges and to-dos are on every
# page), their own stamp (what is theirs but no partnership's: notices read), and the htmx headers (a fragment
# is another answer than the page). The CSRF tokens a page carries are kept as a mark and replaced by a fresh
# token of the reader's at every answer (``core.context_processors.csrf_token`` records those a rendering gave).

CSRF_MARK = b"\x00twincity-csrf-token\x00"
HTMX_HEADERS = ("HX-Request", "HX-Boosted", "HX-Target", "HX-Trigger-Name", "HX-History-Restore-Request")
KEPT_HEADERS = ("Content-Type", "Content-Language", "Content-Disposition")
USER_STAMP = "tc:user:"
CSRF_TOKENS = "_twincity_csrf_tokens"  # on the request: the tokens its rendering gave out (core.context_processors)


def user_stamp(user_id: int) -> str:
    """The user's own change stamp (a random word in the cache; a new one when it was evicted)."""
    key = f"{USER_STAMP}{user_id}"
    value = cache.get(key)
    if value is None:
        value = get_random_string(12)
        cache.set(key, value, None)
    return value


def bump_user_stamp(user_id: int | None) -> None:
    """Make every page cached for ``user_id`` unreachable: now, and again when the transaction commits (another
    reader may render the old rows in between and store them under the stamp of the first move)."""
    if user_id is None:
        return

    def bump():
        try:
            cache.set(f"{USER_STAMP}{user_id}", get_random_string(12), None)
        except Exception:  # the cache server's own errors: a page may then be stale until the day ends
            logger.warning("cache unavailable: user stamp %s not moved", user_id, exc_info=True)

    bump()  # at once (this connection's next read sees it)
    transaction.on_commit(bump)  # and again at the commit: a page stored in between is then unreachable


def _messages_waiting(request) -> bool:
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0


def page_key(request, what: str) -> str | None:
    """The key of the whole page ``request`` asks for, or None when it is not to be cached (not a GET, a
    superuser, a message waiting to be shown)."""
    if request.method != "GET" or _messages_waiting(request):
        return None
    user = request.user
    fresh = not hasattr(user, "_twincity_memberships")  # read now, for this key (accounts.access.memberships)
    if scope_signature(user) is None:
        return None
    extra = [request.headers.get(name, "") for name in HTMX_HEADERS]
    extra.append(user_stamp(user.pk))
    _stamps_of(request, user, frame=fresh)  # with the memberships' partnerships (kept on the request for the key)
    return piece_key(f"page:{what}:{request.path}", request, per_user=True, extra=extra)


def _entry_of(request, response) -> dict | None:
    """What to store of a page just rendered, or None when it must not be replayed."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return None
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    storage = getattr(request, "_messages", None)
    if storage is not None and getattr(storage, "_queued_messages", None):
        return None  # the view added a message: it belongs to this answer only
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return None  # the view wrote to the session (a key shown once): not a page to replay
    content = response.content
    for token in getattr(request, CSRF_TOKENS, ()):
        content = content.replace(token.encode(), CSRF_MARK)
    headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    return {"content": content, "headers": headers}


def _replayed(request, entry: dict) -> HttpResponse:
    content = entry["content"]
    if CSRF_MARK in content:
        content = content.replace(CSRF_MARK, get_token(request).encode())
    response = HttpResponse(content, headers=entry["headers"])
    response["X-Twincity-Cache"] = "hit"
    return response


def cached_page(request, what: str, respond):
    """The answer of ``respond()`` for this request, from the cache when the same user read the same page with
    nothing written since. ``what`` names the view. Only a 200 without cookies or messages is kept."""
    try:
        key = page_key(request, what)
        entry = cache.get(key) if key is not None else None
    except Exception:  # the cache server's errors: the page is then computed
        logger.warning("cache unavailable: computing %s", request.path, exc_info=True)
        return respond()
    if key is None:
        return respond()
    if entry is not None:
        return _replayed(request, entry)
    response = respond()
    entry = _entry_of(request, response)
    if entry is not None:
        try:
            cache.set(key, entry, TIMEOUT)
        except Exception:  # as above
            logger.warning("cache unavailable: not stored %s", request.path, exc_info=True)
        forget_touches()
    return response


class CachedPageMixin:
    """For a view class: its GET answers go through ``cached_page``. ``page_cache = False`` turns it off (a page
    that shows what no stamp follows, a job's live progress)."""

    page_cache = True

    def dispatch(self, request, *args, **kwargs):
        parent = super()
        if not self.page_cache:
            return parent.dispatch(request, *args, **kwargs)
        what = f"{type(self).__module__}.{type(self).__qualname__}"
        return cached_page(request, what, lambda: parent.dispatch(request, *args, **kwargs))


def cache_page_for_user(view):
    """The same for a view function."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        return cached_page(request, f"{view.__module__}.{view.__qualname__}", lambda: view(request, *args, **kwargs))

    return wrapper


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
