"""Django settings for kzstudy, read from the environment (twelve-factor).

Every value a deployment changes comes from an environment variable; the defaults are safe
for production except where DEBUG is on, which only a developer sets.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env_bool(name: str, default: bool = False) -> bool:
    """Read a boolean environment variable ("1", "true", "yes", "on" mean true)."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable into a list of non-empty items."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (a long random string) or run with DEBUG=1.")
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    # Sessions that carry their user: one query for both on a signed-in request.
    "kzstudy.user_sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "crispy_forms",
    "crispy_bootstrap5",
    "quizzes",
    # The database backend of Django's tasks framework (its queue table and `db_worker`).
    "django_tasks_db",
    # Login throttling (docs/security.md); after the apps whose logins it watches.
    "axes",
]

MIDDLEWARE = [
    # Outermost: every response, even an error page, carries the request's id.
    "kzstudy.request_log.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads a body: one larger than any form or API call needs is a 413.
    "kzstudy.request_limits.RequestBodyLimitMiddleware",
    # Before anything reads cookies, forms or JSON: a NUL character is a 400, never a 500.
    "kzstudy.nul_guard.RejectNulMiddleware",
    # Database and cache outages become 503 + Retry-After, wherever in the request they happen.
    "kzstudy.outage.OutageMiddleware",
    # Outermost of the cookie writers, so it sees every cookie the others set.
    "quizzes.lti.cookies.PartitionedCookiesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, taking the user read with the session row (kzstudy/user_sessions/).
    "kzstudy.user_sessions.middleware.UserSessionAuthenticationMiddleware",
    # A staff page's write spends the API's "writes" budget (quizzes/views/write_limits.py).
    "quizzes.views.write_limits.PageWriteLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Listed after XFrameOptionsMiddleware so it runs first on the way out (see lti/framing.py).
    "quizzes.lti.framing.LtiFramingMiddleware",
    # Last, as django-axes asks: it turns a refused login into the lockout page on the way out.
    "axes.middleware.AxesMiddleware",
]

# Django's message levels as Bootstrap's alert classes: an error is "danger" (Django says "error",
# which Bootstrap does not style), so every page's error messages look like errors.
MESSAGE_TAGS = {40: "danger"}  # django.contrib.messages.ERROR

# The largest request body accepted (kzstudy/request_limits.py): a 5 MB bank import and its
# multipart envelope.
MAX_REQUEST_BODY_BYTES = int(os.environ.get("MAX_REQUEST_BODY_BYTES", str(6 * 1024 * 1024)))

ROOT_URLCONF = "kzstudy.urls"
WSGI_APPLICATION = "kzstudy.wsgi.application"
ASGI_APPLICATION = "kzstudy.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def database_from_url(url: str) -> dict:
    """Build the default database from a URL, tuned per engine."""
    config = dj_database_url.parse(url)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # Django's backend, with writers queued on a file lock rather than SQLite's busy wait
        # (kzstudy/sqlite_backend). WAL lets readers run beside the writer; IMMEDIATE takes
        # the write lock at BEGIN so workers queue instead of failing with "database is locked".
        config["ENGINE"] = "kzstudy.sqlite_backend"
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            # Seconds a request waits for the write lock before giving up (then: 503).
            "timeout": float(os.environ.get("SQLITE_TIMEOUT", "20")),
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        }
    else:
        # Django's backend, with a health check that drops dead connections and sends nothing
        # while the connection is quiet (kzstudy/postgresql_backend). Behind PgBouncer in
        # transaction mode a cursor may not outlive its transaction (docs/operations.md,
        # capacity); queries are bound client-side, so nothing is prepared.
        config["ENGINE"] = "kzstudy.postgresql_backend"
        config["CONN_HEALTH_CHECKS"] = True
        config["DISABLE_SERVER_SIDE_CURSORS"] = env_bool("PGBOUNCER")
        if not env_bool("PGBOUNCER"):
            # Parameters bound by the server, and a statement run twice on a connection is
            # prepared there: PostgreSQL then plans each hot query of an exam once per
            # connection, not on every save (the attempt flow: 0.33 -> 0.37 of the framework
            # ceiling, issue #12). PgBouncer in transaction mode hands a session's prepared
            # statements to other clients, so behind it queries stay bound client-side.
            config.setdefault("OPTIONS", {}).update(
                server_side_binding=True,
                prepare_threshold=int(os.environ.get("DATABASE_PREPARE_THRESHOLD", "2")),
            )
            # A prepared statement keeps the plan it got when first prepared, and on a fresh
            # database that was when its tables held a few rows: with PostgreSQL's default
            # cost of a random page (4, for spinning disks) the write limit's count of an
            # attempt's steps was planned as a scan of the whole step table, and every answer
            # of an exam then read a table growing with each one (issue #12). At an SSD's 1.1
            # index paths win on much smaller tables (measure.sh's fresh database: from the
            # start), though not on every one; the backend's re-planning every few seconds
            # (kzstudy/postgresql_backend) bounds what a stale plan costs. Empty leaves the
            # server's setting; PgBouncer refuses this startup option, so behind it set it on
            # the database instead (docs/operations.md).
            page_cost = os.environ.get("DATABASE_RANDOM_PAGE_COST", "1.1")
            if page_cost and "options" not in config["OPTIONS"]:
                config["OPTIONS"]["options"] = f"-c random_page_cost={float(page_cost)}"
        # A database host that stops answering (rather than refusing) must become a 503 in
        # seconds, not a request hanging until the app server kills its worker. The URL's own
        # `?connect_timeout=` wins.
        config.setdefault("OPTIONS", {}).setdefault(
            "connect_timeout", int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5"))
        )
    # Persistent connections: on PostgreSQL they roughly double throughput; on SQLite opening
    # one (and Django's set-up of it) costs about a millisecond of CPU, as much as an answer save.
    config["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "600"))
    return config


DATABASE_URL = os.environ.get("DATABASE_URL", "")
if not DATABASE_URL:
    VAR_DIR.mkdir(exist_ok=True)
    DATABASE_URL = f"sqlite:///{VAR_DIR / 'kzstudy.sqlite3'}"
DATABASES = {"default": database_from_url(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
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

# The axes backend comes first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "quizzes:home"
LOGOUT_REDIRECT_URL = "quizzes:home"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Writes per learner: the API's other writes (authoring, tokens) go through DRF's "writes"
# throttle and the cache; a learner's attempt writes (starts, answer saves, practice checks)
# and flashcard ratings are counted inside their own queries from the rows already written, so
# the hot path of an exam pays no cache write for its limit (docs/operations.md).
API_WRITE_RATE = os.environ.get("API_WRITE_RATE", "300/minute")
ATTEMPT_WRITE_RATE = os.environ.get("ATTEMPT_WRITE_RATE", API_WRITE_RATE)

REST_FRAMEWORK = {
    # Bearer first, so an anonymous request gets 401 with a WWW-Authenticate header.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "quizzes.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        # A `read` bearer token only reads (docs/api.md); views that set their own keep it.
        "quizzes.api.permissions.TokenScopeAllows",
    ],
    "DEFAULT_PAGINATION_CLASS": "quizzes.api.pagination.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "quizzes.api.exceptions.handler",
    "DEFAULT_THROTTLE_RATES": {"writes": API_WRITE_RATE},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # DRF's own, but too-deep JSON is a 400 rather than an unhandled RecursionError.
    "DEFAULT_PARSER_CLASSES": [
        "quizzes.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}

SPECTACULAR_SETTINGS = {
    "TITLE": "kzstudy API",
    "DESCRIPTION": "Study material, quizzes and attempts. Authenticate with the browser session "
    "(with CSRF) or `Authorization: Bearer <token>`.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Choice sets that share a field name get names of their own, not hashed ones.
    "ENUM_NAME_OVERRIDES": {
        "GradeNoticeKindEnum": "quizzes.api.serializers.GRADE_NOTICE_KINDS",
        "CardKindEnum": "quizzes.models.CardKind",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "quizzes.api.schema.add_error_responses",
        "quizzes.api.schema_links.add_attempt_links",
    ],
}

# Shared state (throttle counters, pending LTI choices, tokens) lives outside any one server,
# so several app servers agree. Without REDIS_URL: in the database (`createcachetable` makes
# the table; make run, deploys), through a backend that does not count the whole table on
# every write (kzstudy/cache.py). With REDIS_URL: Django's Redis cache, and sessions read from
# it (`cached_db`: still written to the database, so a Redis restart signs nobody out, and while
# Redis is down sessions are served from the database alone).
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # A Redis host that stops answering (rather than refusing) must not hold requests:
            # past these it is an outage like a refused connection (kzstudy/outage.py).
            "OPTIONS": {
                "socket_connect_timeout": float(os.environ.get("REDIS_CONNECT_TIMEOUT", "1")),
                "socket_timeout": float(os.environ.get("REDIS_TIMEOUT", "2")),
            },
        }
    }
    SESSION_ENGINE = "kzstudy.user_sessions.backends.cached_db"
else:
    SESSION_ENGINE = "kzstudy.user_sessions.backends.db"
    CACHES = {
        "default": {
            "BACKEND": "kzstudy.cache.DatabaseCache",
            "LOCATION": "kzstudy_cache",
            # Culled (expired entries first) past 100,000 entries, checked on one write in 500:
            # a pending deep-linking choice or an access token is not dropped under load.
            "OPTIONS": {"MAX_ENTRIES": 100_000, "CULL_EVERY": 500},
        }
    }

# Login throttling with django-axes (docs/security.md), for /accounts/login/ and /admin/login/
# alike: 5 failures for one username from one address lock that pair out for 15 minutes, a
# success clears the count, and the lock answers 429 with templates/registration/lockout.html.
# Attempts are counted in the database (axes' default handler), written only on login attempts.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
# Days the records of sign-ins (and failed ones) are kept; the worker prunes older ones daily.
SIGN_IN_LOGS_KEEP_DAYS = int(os.environ.get("SIGN_IN_LOGS_KEEP_DAYS", "30"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# No start-up banner on stderr: commands answer with their own one-line errors there.
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "kzstudy.login_throttle.lockout_response"
# The client's address: REMOTE_ADDR, or, behind TRUSTED_PROXY_COUNT proxies that each append to
# X-Forwarded-For, the address the outermost of them saw. Never a header a client could forge.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "kzstudy.login_throttle.client_ip"

# Where `import_article` and `validate_content` look for the article when no path is given.
KZSTUDY_ARTICLE_DIR = Path(
    os.environ.get("KZSTUDY_ARTICLE_DIR", BASE_DIR.parent / "shared" / "article")
)

# Security: strict by default, relaxed only for local development.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
# Inside an LMS frame the session and CSRF cookies are third-party: over HTTPS they must be
# SameSite=None (with Secure) or the browser drops them. Plain-HTTP development keeps Lax.
SESSION_COOKIE_SAMESITE = "None" if SESSION_COOKIE_SECURE else "Lax"
CSRF_COOKIE_SAMESITE = "None" if CSRF_COOKIE_SECURE else "Lax"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Load balancers probe health over plain HTTP on the servers' own addresses.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if env_bool("BEHIND_TLS_PROXY"):
    # Only behind a proxy that sets this header itself; otherwise clients could spoof HTTPS.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Outbound HTTP: every request to a URL from outside (platforms' configuration, keys, tokens,
# grades, rosters) goes through quizzes/outbound.py under this policy (docs/security.md).
# Plain http (local test platforms only); LTI_ALLOW_HTTP is the older name.
OUTBOUND_ALLOW_HTTP = env_bool("OUTBOUND_ALLOW_HTTP", env_bool("LTI_ALLOW_HTTP", DEBUG))
# Loopback, private, link-local and shared addresses: refused unless this is on (tests, a
# developer's local LMS) or the address is in one of OUTBOUND_ALLOWED_NETWORKS (CIDR list).
OUTBOUND_ALLOW_PRIVATE_NETWORKS = env_bool("OUTBOUND_ALLOW_PRIVATE_NETWORKS")
OUTBOUND_ALLOWED_NETWORKS = env_list("OUTBOUND_ALLOWED_NETWORKS")
# Seconds to connect, between bytes (LTI_HTTP_TIMEOUT is the older name), for a whole answer.
OUTBOUND_CONNECT_TIMEOUT = float(os.environ.get("OUTBOUND_CONNECT_TIMEOUT", "5"))
OUTBOUND_TIMEOUT = float(
    os.environ.get("OUTBOUND_TIMEOUT", os.environ.get("LTI_HTTP_TIMEOUT", "10"))
)
OUTBOUND_TOTAL_TIMEOUT = float(os.environ.get("OUTBOUND_TOTAL_TIMEOUT", "30"))
# Reading stops past this many bytes (a roster page is the largest answer expected).
OUTBOUND_MAX_RESPONSE_BYTES = int(os.environ.get("OUTBOUND_MAX_RESPONSE_BYTES", str(5 * 2**20)))

# LTI 1.3 (docs/lti.md).
# The older name of OUTBOUND_ALLOW_HTTP, still read by `lti_add_platform`.
LTI_ALLOW_HTTP = OUTBOUND_ALLOW_HTTP
# Mark SameSite=None cookies Partitioned (CHIPS), so browsers blocking third-party cookies keep
# them inside the LMS's frame; see quizzes/lti/cookies.py.
LTI_PARTITIONED_COOKIES = env_bool("LTI_PARTITIONED_COOKIES", True)
# Whether platforms may register themselves at /lti/register/ without a one-time registration
# link (Moodle, Canvas); they then await a site admin's approval. Off: links and by hand only.
LTI_DYNAMIC_REGISTRATION = env_bool("LTI_DYNAMIC_REGISTRATION", True)
# While this many self-registered platforms await approval, registration without a link pauses.
LTI_MAX_PENDING_PLATFORMS = int(os.environ.get("LTI_MAX_PENDING_PLATFORMS", "20"))
# Extra origins allowed to frame kzstudy, e.g. "https://*.instructure.com" for Canvas.
LTI_FRAME_ANCESTORS = env_list("LTI_FRAME_ANCESTORS")
# Grade delivery: first retry after this many seconds, doubling, at most an hour apart, until
# the grade is LTI_RETRY_HOURS old (7 days: an LMS outage or maintenance window strands no
# grade); only then is it failed (docs/lti.md). LTI_MAX_TRIES is no longer read.
LTI_RETRY_BASE_SECONDS = float(os.environ.get("LTI_RETRY_BASE_SECONDS", "30"))
LTI_RETRY_HOURS = float(os.environ.get("LTI_RETRY_HOURS", "168"))

# Background work runs on Django's tasks framework (docs/operations.md, workers). The default is
# django-tasks-db's database backend, run by `manage.py run_worker`; a site may name another
# backend's class here (Celery, RQ…) and run that backend's workers instead.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
# The periodic schedule (quizzes/periodic.py): sweep the grade outbox and close overdue attempts
# every so many seconds; finished task rows are kept this many days.
TASK_GRADE_SWEEP_SECONDS = float(os.environ.get("TASK_GRADE_SWEEP_SECONDS", "15"))
TASK_OVERDUE_SWEEP_SECONDS = float(os.environ.get("TASK_OVERDUE_SWEEP_SECONDS", "60"))
# How often the worker computes again the item analyses of quizzes whose grades changed.
TASK_ITEM_ANALYSIS_SWEEP_SECONDS = float(os.environ.get("TASK_ITEM_ANALYSIS_SWEEP_SECONDS", "300"))
# How often the worker makes the flashcards a submitted attempt should have given and did not
# (an outage just after its commit; a review that opened later, when the quiz closed), looking
# back this many hours for what may have opened a review. The sweep runs far more often than
# that, so nothing is missed while a worker runs.
TASK_STUDY_CARDS_SWEEP_SECONDS = float(os.environ.get("TASK_STUDY_CARDS_SWEEP_SECONDS", "300"))
STUDY_CARDS_REPAIR_HOURS = float(os.environ.get("STUDY_CARDS_REPAIR_HOURS", "24"))
# How often the worker deletes from Redis the cached sessions changed or signed out while it was
# out of reach (kzstudy/user_sessions/backends/cached_db.py): a sign-out holds everywhere within
# this long of Redis answering again.
TASK_STALE_SESSIONS_SWEEP_SECONDS = float(os.environ.get("TASK_STALE_SESSIONS_SWEEP_SECONDS", "10"))
TASK_RESULTS_KEEP_DAYS = int(os.environ.get("TASK_RESULTS_KEEP_DAYS", "7"))

# The article an LTI course studies when a platform creates one (empty: the first loaded).
KZSTUDY_LTI_ARTICLE = os.environ.get("KZSTUDY_LTI_ARTICLE", "")

# Logs: plain text, or one JSON object a line with LOG_FORMAT=json; both carry the request id
# (docs/operations.md). A database outage is logged as one warning, not a traceback.
LOG_FORMAT = "json" if os.environ.get("LOG_FORMAT", "").strip().lower() == "json" else "text"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "kzstudy.request_log.RequestIdFilter"},
        "not_outage": {"()": "kzstudy.outage.OutageLogFilter"},
    },
    "formatters": {
        "text": {"format": "%(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "kzstudy.request_log.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "loggers": {"django.request": {"filters": ["not_outage"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
