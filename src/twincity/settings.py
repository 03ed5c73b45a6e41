"""twincity settings: one file, read from environment variables.

Every setting a deployment may change is read through the typed helpers below; the
defaults start a development server on SQLite with no other service. Production
values are documented in docs/deploy.md.
"""

import datetime as dt
import os
import tempfile
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def database_from_url(url: str) -> dict:
    """Turn ``sqlite:///path`` or ``postgres://user:pw@host:port/name`` into a DATABASES entry."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        if parsed.netloc:  # sqlite://relative/path is ambiguous: say so rather than guess
            raise ValueError("Use sqlite:///relative.db or sqlite:////absolute/path.db")
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": unquote(parsed.path[1:]) or ":memory:",
            # Many people write at once: WAL lets readers go on while one writes; every transaction takes the
            # write lock when it begins (IMMEDIATE), so none reads first and then fails to upgrade ("database is
            # locked"); a writer waits for the lock (60 s by default) instead of failing: under a burst the
            # holder shares the process with every other request, and SQLite's waiting is not first-come.
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": env_int("TWINCITY_SQLITE_TIMEOUT", 60),
            },
        }
    if parsed.scheme in {"postgres", "postgresql"}:
        options = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": env_int("TWINCITY_DB_CONN_MAX_AGE", 60),
            "OPTIONS": options,
        }
    raise ValueError(f"Unsupported database URL scheme: {parsed.scheme!r}")


DEBUG = env_bool("TWINCITY_DEBUG", True)
SECRET_KEY = env_str("TWINCITY_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("TWINCITY_SECRET_KEY must be set when TWINCITY_DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-twincity-0123456789"

ALLOWED_HOSTS = env_list("TWINCITY_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("TWINCITY_CSRF_TRUSTED_ORIGINS", [])

DATA_DIR = Path(env_str("TWINCITY_DATA_DIR", str(PROJECT_DIR / "var")))
DATABASES = {"default": database_from_url(env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'twincity.sqlite3'}"))}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Tests use a file too, not shared-cache memory, so that concurrent clients meet SQLite's real locking.
    # One file per test process, in the temporary folder (pytest-django creates and removes it).
    DATABASES["default"]["TEST"] = {"NAME": str(Path(tempfile.gettempdir()) / f"twincity-test-{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def cache_from_url(url: str) -> dict:
    """The cache named by TWINCITY_CACHE_URL: ``redis://host:6379/<db>`` (the shared cache of several workers),
    ``dummy://`` (none), or empty: each process's own memory (the demo, one process). TWINCITY_CACHE_PREFIX
    keeps installations (or test runs) that share one Redis apart."""
    prefix = env_str("TWINCITY_CACHE_PREFIX", "twincity")
    if not url or url.startswith("locmem://"):
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "KEY_PREFIX": prefix}
    scheme = urlparse(url).scheme
    if scheme in {"redis", "rediss", "unix"}:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url, "KEY_PREFIX": prefix}
    if scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ValueError(f"Unsupported cache URL scheme: {scheme!r}")


CACHES = {"default": cache_from_url(env_str("TWINCITY_CACHE_URL", ""))}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_filters",
    "django_tables2",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_tasks_db",
    "twincity.core",
    "twincity.audit",
    "twincity.accounts",
    "twincity.regions",
    "twincity.matters",
    "twincity.meetings",
    "twincity.notifications",
    "twincity.supervision",
    "twincity.registers",
    "twincity.petitions",
    "twincity.agreements",
    "twincity.visits",
    "twincity.exchanges",
    "twincity.policies",
    "twincity.siting",
    "twincity.indicators",
    "twincity.workspace",
    "twincity.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "twincity.audit.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "twincity.accounts.middleware.PasswordChangeRequiredMiddleware",  # after an office reset
    "twincity.core.middleware.PrivateNoStoreMiddleware",
    "twincity.audit.middleware.ChangeContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a lockout flagged during sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "twincity.urls"
WSGI_APPLICATION = "twincity.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "twincity.core.context_processors.twincity",
                "twincity.core.context_processors.csrf_token",  # Django's, remembered for whole cached pages
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sign-in protection (docs/security.md): django-axes watches every path that checks a password (the sign-in
# page, /admin/login/, the API's session sign-in), because it sits first among the backends.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend that counts an attempt before checking its password, so simultaneous guesses cannot all
    # pass axes' check before the first failure is recorded (accounts/signin.py).
    "twincity.accounts.signin.CountedModelBackend",
]
# This many failures for one user name within the window lock that user name out (from every address);
# they are also counted per (user name, address). Never per address alone: a whole office behind one proxy
# shares an address, and one person's typing must not lock out everyone else.
TWINCITY_LOGIN_MAX_FAILURES = env_int("TWINCITY_LOGIN_MAX_FAILURES", 5)
TWINCITY_LOGIN_WINDOW_SECONDS = env_int("TWINCITY_LOGIN_WINDOW_SECONDS", 900)
TWINCITY_BEHIND_PROXY = env_bool("TWINCITY_BEHIND_PROXY")
AXES_FAILURE_LIMIT = TWINCITY_LOGIN_MAX_FAILURES
AXES_COOLOFF_TIME = dt.timedelta(seconds=TWINCITY_LOGIN_WINDOW_SECONDS)
AXES_LOCKOUT_PARAMETERS = ["username", ["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True  # a successful sign-in clears that user's failures, nobody else's
AXES_LOCKOUT_CALLABLE = "twincity.accounts.views.locked_out"  # the page in Chinese and English
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password", "new_password1", "new_password2"]
AXES_VERBOSE = False
# The client address: X-Forwarded-For only when the deployment says a proxy sets it, read from the right so
# that whatever a client writes into the header itself is skipped. TWINCITY_PROXY_COUNT: how many further
# proxies append to the header after the one that adds the client's address (0 for one nginx in front).
AXES_IPWARE_PROXY_COUNT = env_int("TWINCITY_PROXY_COUNT", 0) if TWINCITY_BEHIND_PROXY else None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if TWINCITY_BEHIND_PROXY else ("REMOTE_ADDR",)
)
# API tokens (accounts.ApiToken): shown once, stored as a digest, expire after this many days.
TWINCITY_API_TOKEN_DAYS = env_int("TWINCITY_API_TOKEN_DAYS", 90)
# Password reset by e-mail (Django's PasswordResetView): only where the office has a mail server.
TWINCITY_PASSWORD_RESET_BY_EMAIL = env_bool("TWINCITY_PASSWORD_RESET_BY_EMAIL")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TWINCITY_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("TWINCITY_STATIC_ROOT", str(DATA_DIR / "static")))
# Front-end packages from the npm registry, copied here by `make assets` (never committed, never a CDN).
STATICFILES_DIRS = [BASE_DIR / "static", ("vendor", PROJECT_DIR / "build" / "vendor")]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploads live outside the static tree and are served only through access-checked views.
MEDIA_ROOT = Path(env_str("TWINCITY_MEDIA_ROOT", str(DATA_DIR / "media")))
MEDIA_URL = "/media/"  # never served as such: downloads go through core.views.attachment_download
TWINCITY_UPLOAD_MAX_BYTES = env_int("TWINCITY_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
TWINCITY_UPLOAD_EXTENSIONS = env_list(
    "TWINCITY_UPLOAD_EXTENSIONS", ["pdf", "docx", "xlsx", "pptx", "png", "jpg", "jpeg", "txt", "ofd"]
)
TWINCITY_IMPORT_MAX_BYTES = env_int("TWINCITY_IMPORT_MAX_BYTES", 10 * 1024 * 1024)
# Zip-bomb guards for imported workbooks: total unpacked size, and unpacked/packed ratio of any member.
TWINCITY_IMPORT_MAX_UNPACKED_BYTES = env_int("TWINCITY_IMPORT_MAX_UNPACKED_BYTES", 100 * 1024 * 1024)
TWINCITY_IMPORT_MAX_RATIO = env_int("TWINCITY_IMPORT_MAX_RATIO", 100)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Security. Strict CSP: no inline script or style; every asset is served from this origin.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_SSL_REDIRECT = env_bool("TWINCITY_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("TWINCITY_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("TWINCITY_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TWINCITY_BEHIND_PROXY else None
SILENCED_SYSTEM_CHECKS = ["security.W021"]  # HSTS preload is a choice for each government domain, not ours

# Reminders and calendars (docs/reminders.md).
TWINCITY_BASE_URL = env_str("TWINCITY_BASE_URL", "http://localhost:8000")
TWINCITY_REMINDER_SESSION_DAYS = env_int("TWINCITY_REMINDER_SESSION_DAYS", 3)
TWINCITY_REMINDER_ACTION_DUE_DAYS = env_int("TWINCITY_REMINDER_ACTION_DUE_DAYS", 3)
TWINCITY_REMINDER_ESCALATION_DAYS = env_int("TWINCITY_REMINDER_ESCALATION_DAYS", 7)
TWINCITY_REMINDER_ESCALATION_REPEAT_DAYS = env_int("TWINCITY_REMINDER_ESCALATION_REPEAT_DAYS", 7)
TWINCITY_CALENDAR_PAST_DAYS = env_int("TWINCITY_CALENDAR_PAST_DAYS", 400)

EMAIL_BACKEND = env_str("TWINCITY_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("TWINCITY_FROM_EMAIL", "twincity@localhost")
# SMTP (TWINCITY_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend); docs/notices.md.
EMAIL_HOST = env_str("TWINCITY_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("TWINCITY_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("TWINCITY_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("TWINCITY_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("TWINCITY_EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("TWINCITY_EMAIL_USE_SSL")
EMAIL_TIMEOUT = env_int("TWINCITY_EMAIL_TIMEOUT", 20)

# Notices delivered (docs/notices.md): the outbox is drained by a background worker (``twincity db_worker``),
# enqueued when a notice is written; attempts back off exponentially, then the delivery is marked failed.
TASKS = {
    "default": {
        "BACKEND": env_str("TWINCITY_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
TWINCITY_DELIVERY_MAX_ATTEMPTS = env_int("TWINCITY_DELIVERY_MAX_ATTEMPTS", 6)
TWINCITY_DELIVERY_BACKOFF_SECONDS = env_int("TWINCITY_DELIVERY_BACKOFF_SECONDS", 60)
TWINCITY_ROBOT_TIMEOUT = env_int("TWINCITY_ROBOT_TIMEOUT", 10)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "twincity.accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "twincity.core.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "twincity.core.schema.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"anon": "60/minute"},
    "EXCEPTION_HANDLER": "twincity.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "twincity API",
    "DESCRIPTION": "Key cooperation matters and the partnership they belong to. Same access rules as the pages.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Several apps have a "status" or a "kind": name each choice set after its meaning.
    "ENUM_NAME_OVERRIDES": {
        "MatterStatusEnum": "twincity.matters.choices.MatterStatus",
        "SessionStatusEnum": "twincity.meetings.choices.SessionStatus",
        "MinutesStatusEnum": "twincity.meetings.choices.MinutesStatus",
        "ItemStatusEnum": "twincity.meetings.choices.ItemStatus",
        "ActionStatusEnum": "twincity.meetings.choices.ActionStatus",
        "OrganisationKindEnum": "twincity.regions.choices.OrganisationKind",
        "SeriesKindEnum": "twincity.meetings.choices.SeriesKind",
        "OutcomeKindEnum": "twincity.meetings.choices.OutcomeKind",
        "AgendaChangeKindEnum": "twincity.meetings.choices.AgendaChangeKind",
        "ActionUpdateKindEnum": "twincity.meetings.choices.ActionUpdateKind",
        "RatingEnum": "twincity.supervision.choices.Rating",
        "SecondmentRatingEnum": "twincity.exchanges.choices.Rating",
        "SheetLevelEnum": "twincity.supervision.choices.SheetLevel",
        "PetitionChannelEnum": "twincity.petitions.choices.Channel",
        "NoticeKindEnum": "twincity.notifications.kinds.CHOICES",
        "FigureStatusEnum": "twincity.indicators.choices.ObservationStatus",
        "IndexRunStatusEnum": "twincity.indicators.choices.RunStatus",
    },
}

# Selects and plain inputs rendered in Python, the same HTML as Django's widget templates (core/renderers.py).
FORM_RENDERER = "twincity.core.renderers.WidgetRenderer"

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-hover table-sm align-middle", "thead": {"class": "table-light"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("TWINCITY_LOG_LEVEL", "INFO")},
    "loggers": {
        "jieba": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},  # it logs every layout step at INFO
        "fontTools": {"level": "WARNING"},
    },
}

TWINCITY_SITE_NAME = _("Twin-City Office")
