"""Settings for okrplatform, read from the environment.

With nothing set, the project runs in its embedded default: a SQLite file in the project root,
Celery tasks executed eagerly in-process, e-mail printed to the console. Production sets
DATABASE_URL, CELERY_BROKER_URL, SECRET_KEY and DEBUG=false (see docker-compose.yml).
"""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from okrplatform.accounts.group_roles import normalise_group_roles

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    """The variable's value; unset and empty both mean the default."""
    return os.environ.get(name) or default


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number such as 0.1, not {raw!r}") from None


def env_json(name: str, default: Any) -> Any:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return json.loads(raw)
    except json.JSONDecodeError as error:
        raise ImproperlyConfigured(f"{name} must be JSON: {error}") from None


DEBUG = env_bool("DEBUG", default=True)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-embedded-default-for-local-development-only"  # noqa: S105

# The address people reach the site at: links in e-mails, and in production the host names the
# site answers to and whether it insists on HTTPS.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
_SITE_HOST = urlsplit(SITE_URL).hostname or "127.0.0.1"
_SITE_IS_HTTPS = SITE_URL.startswith("https://")

# Probes reach the container as 127.0.0.1, so it is allowed beside the site's own name.
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS",
    list(dict.fromkeys([*([] if DEBUG else [_SITE_HOST]), "127.0.0.1", "localhost"])),
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "import_export",
    "simple_history",
    "concurrency",
    "tree_queries",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "mozilla_django_oidc",
    "okrplatform.outbox",
    "okrplatform.org",
    "okrplatform.webhooks",
    "kpis",
    "objectives",
    "alignment",
    "reviews",
    "okrplatform.exchange",
    "okrplatform.demo",
    "okrplatform.accounts",
]

MIDDLEWARE = [
    "okrplatform.logging.RequestLogMiddleware",  # first: the request id covers everything
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "okrplatform.org.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it answers a locked-out sign-in.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "okrplatform.urls"
WSGI_APPLICATION = "okrplatform.wsgi.application"
ASGI_APPLICATION = "okrplatform.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("CONN_MAX_AGE", 0))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # A worker, beat and the web server may write at once; wait for the lock, don't fail.
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not memory, so that a Celery worker process can read what the tests wrote.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".pytest-db.sqlite3")}
elif DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    # No JIT compilation: PostgreSQL compiles a query whose estimated cost is high, and it
    # estimates the recursive walks of the unit tree and the cascade at millions of rows where
    # there are thousands. Compiling took 400 to 500 ms of a 700 ms rollup statement on 2,000
    # units; none of our queries runs long enough to win it back.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "alignment.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First: refuses a sign-in while its person and address are locked out (django-axes).
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Guessing passwords: 10 failures for one person from one address lock that pair out for 15
# minutes (staff unlock in admin, under "Access attempts"). API tokens are not passwords and
# are not counted.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "okrplatform.org.views.signing_in_paused"
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# --- Single sign-on with OpenID Connect (mozilla-django-oidc) ---------------------------------
# On when OIDC_RP_CLIENT_ID is set. Register <SITE_URL>/oidc/callback/ as the redirect URI and
# <SITE_URL>/accounts/login/ as the post-logout redirect URI at the provider; `manage.py
# oidc_endpoints <issuer>` prints the endpoint settings from its discovery document. People are
# matched by e-mail (case-insensitive) or created on first sign-in; OIDC_GROUP_ROLES maps the
# groups in the OIDC_GROUPS_CLAIM claim to roles in units (okrplatform/accounts/group_roles.py).
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT")
OIDC_OP_LOGOUT_ENDPOINT = env_str("OIDC_OP_LOGOUT_ENDPOINT")  # optional: sign out there too
OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env_str("OIDC_RP_SCOPES", "openid email profile")
OIDC_PROVIDER_NAME = env_str("OIDC_PROVIDER_NAME")  # the button says "Sign in with <name>"
OIDC_GROUPS_CLAIM = env_str("OIDC_GROUPS_CLAIM", "groups")
OIDC_GROUP_ROLES = normalise_group_roles(env_json("OIDC_GROUP_ROLES", {}))
OIDC_CREATE_USER = env_bool("OIDC_CREATE_USER", default=True)
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT", 10)
OIDC_USE_PKCE = True
OIDC_STORE_ID_TOKEN = True  # for signing out at the provider
if OIDC_ENABLED:
    _required = {
        "OIDC_RP_CLIENT_SECRET": OIDC_RP_CLIENT_SECRET,
        "OIDC_OP_AUTHORIZATION_ENDPOINT": OIDC_OP_AUTHORIZATION_ENDPOINT,
        "OIDC_OP_TOKEN_ENDPOINT": OIDC_OP_TOKEN_ENDPOINT,
        "OIDC_OP_USER_ENDPOINT": OIDC_OP_USER_ENDPOINT,
        "OIDC_OP_JWKS_ENDPOINT": OIDC_OP_JWKS_ENDPOINT,
    }
    if _missing := [name for name, value in _required.items() if not value]:
        raise ImproperlyConfigured(
            f"Single sign-on (OIDC_RP_CLIENT_ID) also needs {', '.join(_missing)}."
        )
    AUTHENTICATION_BACKENDS.append("okrplatform.accounts.oidc.OIDCBackend")

# Off: people sign in only through single sign-on; password change and reset are gone.
PASSWORD_SIGN_IN = env_bool("PASSWORD_SIGN_IN", default=True)
if not PASSWORD_SIGN_IN:
    if not OIDC_ENABLED:
        raise ImproperlyConfigured(
            "PASSWORD_SIGN_IN=false needs single sign-on (OIDC_RP_CLIENT_ID …): "
            "nobody could sign in."
        )
    AUTHENTICATION_BACKENDS.remove("django.contrib.auth.backends.ModelBackend")

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "en")
# Only finished translations: a catalogue with no untranslated and no fuzzy message
# (tests/test_translations.py checks it with msgfmt --statistics). English is the source
# language; English (UK) needs no catalogue and gives day-first dates.
LANGUAGES = [
    ("en", _("English (US)")),
    ("en-gb", _("English (UK)")),
    ("de", _("German")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# In development WhiteNoise serves straight from the app and project static folders.
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- E-mail -----------------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "okrplatform <okr@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security (production values when DEBUG is off) -------------------------------------------
# With DEBUG off, a site whose SITE_URL is https:// insists on HTTPS (redirect, secure cookies,
# HSTS); one served over plain http (`DEBUG=0 make serve` on a laptop) works as it is.
_INSIST_ON_HTTPS = not DEBUG and _SITE_IS_HTTPS
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=_INSIST_ON_HTTPS)
# Probed over plain HTTP from inside the container network.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$", r"^readyz/$"]
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=_INSIST_ON_HTTPS)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=_INSIST_ON_HTTPS)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365 if _INSIST_ON_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", default=_INSIST_ON_HTTPS
)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=_INSIST_ON_HTTPS)
if env_bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
# No script runs but our own files: no inline script, no eval (htmx is configured for it in
# base.html). Styles may be inline (progress bars set their width). The Swagger UI page, which
# needs its own inline start-up script, is left out.
_OIDC_ORIGINS = sorted(
    {
        f"{parts.scheme}://{parts.netloc}"
        for parts in map(urlsplit, [OIDC_OP_AUTHORIZATION_ENDPOINT, OIDC_OP_LOGOUT_ENDPOINT])
        if OIDC_ENABLED and parts.scheme and parts.netloc
    }
)
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/api/docs/"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        # Signing in and out with single sign-on is a form whose answer goes to the provider.
        "form-action": [SELF, *_OIDC_ORIGINS],
        "frame-ancestors": [NONE],
    },
}
# The projector's slides may go full screen; nothing else a browser offers is used.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "camera": [],
    "fullscreen": ["self"],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": [],
    "usb": [],
}

# --- REST framework ---------------------------------------------------------------------------
# A filter's "no choice" is a word in the reader's language, not "---------".
FILTERS_EMPTY_CHOICE_LABEL = _("Any")

REST_FRAMEWORK = {
    # Token first: an anonymous request is answered 401 with ``WWW-Authenticate: Token``.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "okrplatform.org.api.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "okrplatform.api.RulesPermission",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "okrplatform.filters.StrictFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    # Bodies are JSON (the import alone takes a multipart file): anything else is 415.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "okrplatform.api.Pagination",
    "EXCEPTION_HANDLER": "okrplatform.api_errors.exception_handler",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": ["okrplatform.api.TokenWriteThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token_writes": env_str("API_WRITE_THROTTLE", "600/minute")},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # JSON only: no ?format= switch to other renderers.
    "URL_FORMAT_OVERRIDE": None,
}
# The schema and its docs need sign-in (a session or a token) unless API_DOCS_PUBLIC opens them.
API_DOCS_PUBLIC = env_bool("API_DOCS_PUBLIC", default=False)
SPECTACULAR_SETTINGS = {
    "SERVE_PERMISSIONS": [
        "rest_framework.permissions.AllowAny"
        if API_DOCS_PUBLIC
        else "rest_framework.permissions.IsAuthenticated"
    ],
    "TITLE": "okrplatform API",
    "DESCRIPTION": (
        "Objectives, key results, check-ins, KPIs and their measurements, interventions, "
        "tensions, reviews and decisions. Authenticate with `Authorization: Token <key>`. "
        "Lists are paginated (`page`, `page_size` up to 500), filtered and ordered "
        "(`ordering`). The same role rules hold as in the app: a person sees the units they "
        "belong to, those below and those above, and changes what their role allows. "
        "Version 1 answers at `/api/v1/` (canonical: links in answers point there); `/api/` "
        "is its alias and answers the same. A later version will get its own prefix while "
        "this one stays."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "CheckInSourceEnum": "objectives.models.CheckIn.Source",
        "MeasurementSourceEnum": "kpis.models.DataSource",
        "WebhookEventTypeEnum": "okrplatform.webhooks.models.EventType",
    },
    "PREPROCESSING_HOOKS": ["okrplatform.api_schema.canonical_paths_only"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "okrplatform.api_schema.describe_errors",
        "okrplatform.api_schema.state_the_rules",
        "okrplatform.api_schema.describe_common_fields",
    ],
}

# Throttling counts in the cache: shared across workers when CACHE_URL points at Redis.
CACHE_URL = env_str("CACHE_URL")
CACHES = {
    "default": {
        "BACKEND": "okrplatform.cache.DegradingRedisCache",
        "LOCATION": CACHE_URL,
        # A Redis that is away costs each request at most this, then the cache is skipped.
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
# API list pages cached until the next write (okrplatform/api_cache.py): only where every
# process shares the cache, or a worker's writes would go unseen.
API_LIST_CACHE = env_bool("API_LIST_CACHE", bool(CACHE_URL))

# --- Outbound webhooks (okrplatform/webhooks/) -----------------------------------------------
# Targets on loopback, private, link-local or reserved addresses are refused (no request to the
# inside of the network on someone's behalf) unless this opens them: for an intranet receiver,
# and for the tests' receiver on 127.0.0.1.
WEBHOOKS_ALLOW_PRIVATE_TARGETS = env_bool("WEBHOOKS_ALLOW_PRIVATE_TARGETS", default=False)
# Empty: any host that passes the guard above. Otherwise the only hosts webhooks go to
# (e.g. hooks.slack.com,example.webhook.office.com): an egress allow-list.
WEBHOOKS_TARGET_HOSTS = env_list("WEBHOOKS_TARGET_HOSTS", [])
# How often a delivery is tried, and the first wait: it doubles after each failure, up to an hour.
WEBHOOKS_TRIES = env_int("WEBHOOKS_TRIES", 8)
WEBHOOKS_BACKOFF_SECONDS = env_float("WEBHOOKS_BACKOFF_SECONDS", 30.0)
# A receiver has this long to accept the connection and then to answer.
WEBHOOKS_CONNECT_TIMEOUT = env_float("WEBHOOKS_CONNECT_TIMEOUT", 3.0)
WEBHOOKS_READ_TIMEOUT = env_float("WEBHOOKS_READ_TIMEOUT", 10.0)

# --- Celery -----------------------------------------------------------------------------------
# Unset broker: the embedded default runs every task eagerly, in the process that enqueues it.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://localhost/"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# At-least-once delivery: a task is acknowledged only after it ran, and re-queued when its worker
# dies; every task is idempotent, so running one twice applies its effect once.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # An unacknowledged task is redelivered after this long; longer than any task may run.
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 60 * 60),
    # Handing a task to a broker that is away gives up at once: the outbox keeps it, and a
    # request never waits for the broker (okrplatform/outbox/relay.py).
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.1,
    "interval_max": 0.2,
}
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Beat's schedule file in dbm.dumb, not Python 3.13's WAL-mode dbm.sqlite3 (okrplatform/beat.py).
CELERY_BEAT_SCHEDULER = "okrplatform.beat:FileScheduler"
CELERY_BEAT_SCHEDULE = {
    # Work written down while the broker was away reaches it within seconds of its return.
    "relay-outbox": {"task": "okrplatform.outbox.tasks.relay_outbox", "schedule": 5.0},
    "recompute-all-rollups": {
        "task": "objectives.tasks.recompute_rollups",
        "schedule": crontab(minute="*/15"),
    },
    "evaluate-kpi-health": {
        "task": "kpis.tasks.evaluate_kpi_health",
        "schedule": crontab(minute=5),
    },
    "weekly-check-in-digest": {
        "task": "objectives.tasks.send_check_in_reminders",
        "schedule": crontab(minute=0, hour=7, day_of_week="mon"),
    },
    "weekly-stale-kpi-digest": {
        "task": "kpis.tasks.send_stale_kpi_reminders",
        "schedule": crontab(minute=15, hour=7, day_of_week="mon"),
    },
}

# Celery keeps Django's logging below instead of setting up its own, so workers log alike.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Logs ---------------------------------------------------------------------------------
# JSON, one object a line (time, level, logger, message, request_id, user, …), for a log
# collector; text for people reading a terminal. okrplatform/logging.py says what goes in.
LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "okrplatform.logging.RequestContextFilter"}},
    "formatters": {
        "json": {"()": "okrplatform.logging.JSONFormatter"},
        "text": {"format": "%(asctime)s %(levelname)-7s %(name)s %(context)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_context"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # runserver logs each request itself; the app's own line is for production.
        "okrplatform.requests": {"level": "WARNING" if DEBUG else "INFO"},
        # Run in-process (the embedded default), every task would log twice per request.
        "celery.app.trace": {"level": "WARNING" if CELERY_TASK_ALWAYS_EAGER else "INFO"},
        # django-axes says hello at every start and logs each failed sign-in at INFO; the
        # lockouts (WARNING) are what an operator needs.
        "axes": {"level": "WARNING"},
    },
}

# --- Errors to Sentry (or a Sentry-compatible service such as GlitchTip) --------------------
SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env_str("SENTRY_ENVIRONMENT", "production"),
        release=env_str("SENTRY_RELEASE") or None,
        traces_sample_rate=env_float("SENTRY_TRACES_SAMPLE_RATE", 0.0),
        send_default_pii=False,  # no names, e-mail addresses, cookies or IP addresses
        integrations=[DjangoIntegration(), CeleryIntegration()],
    )
