"""Settings for the web benchmark: the production settings, served over plain http on 127.0.0.1.

Everything comes from ``twincity.settings`` (DEBUG off, manifest static files, the same middleware);
only what a local http benchmark cannot have is switched off through the same environment variables a
deployment uses, and ROOT_URLCONF adds the minimal view the pages are compared with.
"""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/twincity_bench")
os.environ.setdefault("TWINCITY_DEBUG", "false")
os.environ.setdefault("TWINCITY_SECRET_KEY", "bench-only-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("TWINCITY_SSL_REDIRECT", "false")  # no TLS on 127.0.0.1
os.environ.setdefault("TWINCITY_SECURE_COOKIES", "false")  # the session cookie must travel over http
os.environ.setdefault("TWINCITY_HSTS_SECONDS", "0")
os.environ.setdefault("TWINCITY_LOG_LEVEL", "WARNING")
os.environ.setdefault(
    "TWINCITY_STATIC_ROOT", str(__import__("pathlib").Path(__file__).resolve().parents[2] / "var" / "bench-static")
)

from twincity.settings import *  # noqa: F403

ROOT_URLCONF = "bench.web.urls"

# The shared cache of the production profile (issue 12). ``TWINCITY_CACHE_URL``: ``redis://host:port/db`` →
# Django's RedisCache, ``dummy://`` → DummyCache (every request misses), unset → the application's own setting (local
# memory). The application is getting the same setting; until it has it, the benchmark reads the variable itself.
_cache_url = os.environ.get("TWINCITY_CACHE_URL", "")
if _cache_url.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_url}}
elif _cache_url.startswith("dummy://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
elif _cache_url:
    raise ValueError(f"TWINCITY_CACHE_URL: unknown scheme in {_cache_url!r} (redis://, dummy://)")
