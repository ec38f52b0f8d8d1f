"""Settings for the knowledge platform.

Everything comes from environment variables (django-environ). The defaults give
the embedded setup of `make run`: a SQLite file, a local-memory cache and
kombu's filesystem broker, so that nothing has to be installed. Production sets
DATABASE_URL (PostgreSQL), REDIS_URL, SECRET_KEY, DEBUG=0 and ALLOWED_HOSTS;
the README lists every variable.
"""

from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

from kpplatform.apps_list import PLATFORM_APPS

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
# Runtime files of the embedded setup: SQLite, broker folders, uploads.
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# --- Core ------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=True)
_INSECURE_DEV_KEY = "django-insecure-dev-only-change-me-in-production-0123456789abcdef"
SECRET_KEY = env.str("SECRET_KEY", default=_INSECURE_DEV_KEY)
# Production (DEBUG=0) must name its hosts: no default there (see
# core/checks.py, which refuses to start without them).
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The default follows PORT, so that `PORT=8080 make run` mails links that work.
SITE_URL = env.str(
    "SITE_URL", default=f"http://127.0.0.1:{env.int('PORT', default=8000)}"
)
_SITE = urlsplit(SITE_URL)
SITE_ID = 1

INSTALLED_APPS = [
    # Project apps first so that their templates override third-party ones
    # (the one list of them: kpplatform/apps_list.py).
    *PLATFORM_APPS,
    # Django
    # django.contrib.admin with the operations console (core/admin_site.py).
    "core.admin_apps.PlatformAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "django.contrib.postgres",
    # Third party
    "allauth",
    "allauth.account",
    "axes",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_celery_results",
    "django_htmx",
    "payments",
    "health_check",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "core.middleware.ViewerTimezoneMiddleware",
    "core.middleware.ErrorPageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, with the session's user kept in the cache (accounts.authcache).
    "accounts.authcache.CachedUserAuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.DailyVisitMiddleware",
    # Axes last: it reads the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kpplatform.urls"
# `{{ form }}` renders Bootstrap markup (core/templates/includes/forms/).
FORM_RENDERER = "core.forms.BootstrapFormRenderer"
WSGI_APPLICATION = "kpplatform.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
            ],
        },
    },
]

# --- Database --------------------------------------------------------------
# An empty DATABASE_URL means the default too (`DATABASE_URL= make test`).
DATABASES = {
    "default": env.db_url_config(
        env.str("DATABASE_URL", default="") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web process and the embedded worker share one file: wait for locks
    # instead of failing, and take the write lock at the start of a transaction.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
    # A database that does not answer fails a request within seconds (the
    # site's 503 page) instead of hanging it (tests/reliability/).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache -----------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="kp"),
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                # A Redis that is down or hangs must not take the pages down:
                # give up within a second and carry on without the cache
                # (sessions fall back to the database, /healthz/ says 503).
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    # One process's memory (`make run`). Django's default of 300 entries is
    # soon full of pages, fragments, sessions and signed-in users, and a full
    # cache drops a third of them at once; 2,000 pages of ~40 kB is ~80 MB.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {
                "MAX_ENTRIES": env.int("LOCMEM_CACHE_MAX_ENTRIES", default=2000)
            },
        }
    }

SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# A web process loads what its first requests would (jieba's dictionary, lazily
# imported modules, compiled templates) in a thread when it starts (core/warmup.py).
WARMUP_ON_START = env.bool("WARMUP_ON_START", default=True)

# --- Auth and accounts (django-allauth, django-axes) ------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Seconds the session's user is kept in the cache between requests instead of
# read from the database each time (accounts/authcache.py; 0: read each time).
# Every save or update of a user makes the kept copy stale at once.
AUTH_USER_CACHE_SECONDS = env.int("AUTH_USER_CACHE_SECONDS", default=300)
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
# Sign-up and password reset answer the same for known and unknown addresses;
# the owner of the address learns by email (allauth sends "account already
# exists" and "unknown account" messages).
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = True
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
# Confirming logs in only the browser that signed up (its session holds the
# pending login), and allauth drops a pending login after ACCOUNT_LOGIN_TIMEOUT
# (15 minutes by default): a learner who read the email later was sent to the
# login page. The pending login now lives as long as the link is valid.
ACCOUNT_LOGIN_TIMEOUT = ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS * 24 * 60 * 60
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# The same for a password reset: the new password logs the person in.
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
ACCOUNT_SIGNUP_REDIRECT_URL = "accounts:onboarding"
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_RATE_LIMITS = {
    # allauth's defaults, stated here so that operators see and tune them.
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
}

# The admin login is not covered by allauth's limits: django-axes locks it.
AXES_ONLY_ADMIN_SITE = True
AXES_HANDLER = "accounts.axes_handler.AdminOnlyDatabaseHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
# Two separate locks: too many failures from one address, or on one account.
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_USERNAME_CALLABLE = "accounts.axes_handler.admin_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/lockout.html"

# --- Email -----------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="知识平台 <no-reply@kpplatform.local>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation --------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
# Public uploads (avatars, course covers).
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Paid media (lesson videos, attachments, submissions) lives outside MEDIA_ROOT
# and is served only by views that ask the access rule (django-sendfile2).
PROTECTED_MEDIA_ROOT = Path(
    env.str("PROTECTED_MEDIA_ROOT", default=str(VAR_DIR / "protected"))
)
SENDFILE_ROOT = str(PROTECTED_MEDIA_ROOT)
SENDFILE_URL = "/protected"
SENDFILE_BACKEND = env.str(
    "SENDFILE_BACKEND", default="django_sendfile.backends.simple"
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "protected": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PROTECTED_MEDIA_ROOT), "base_url": "/protected/"},
    },
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_STORAGE",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
AVATAR_MAX_BYTES = env.int("AVATAR_MAX_BYTES", default=2 * 1024 * 1024)
VIDEO_MAX_BYTES = env.int("VIDEO_MAX_BYTES", default=500 * 1024 * 1024)
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=20 * 1024 * 1024)

# --- Celery ----------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _BROKER_DIR = VAR_DIR / "broker"
    for _folder in ("out", "processed", "control"):
        (_BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
    # kombu's filesystem transport, with messages published atomically.
    CELERY_BROKER_TRANSPORT = "core.broker:Transport"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_BROKER_DIR / "out"),
        "data_folder_out": str(_BROKER_DIR / "out"),
        "processed_folder": str(_BROKER_DIR / "processed"),
        # Exchange tables (worker control, broadcast); by default kombu puts
        # them in a "control" folder in the current directory.
        "control_folder": str(_BROKER_DIR / "control"),
        "store_processed": False,
        # How long an idle consumer waits before it looks at the folder again
        # (kombu's default is a second per message fetch, too slow for a
        # person waiting on their points).
        "polling_interval": env.float("CELERY_FS_POLLING_INTERVAL", default=0.1),
    }
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="django-db")
CELERY_RESULT_EXTENDED = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
# Acknowledge on receipt by default: a task that is not idempotent (an email)
# must not run twice after a redelivery. Idempotent tasks (fulfilment, awards,
# retrain, reconciliation) opt in with core.tasks.IDEMPOTENT: acks_late and
# reject_on_worker_lost, so a killed worker's task runs again on the next one.
CELERY_TASK_ACKS_LATE = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 60 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 55 * 60
# A broker that does not answer must not hang a web request (celery#4556):
# connect and publish give up within seconds; core.tasks.enqueue keeps the
# task in the database outbox and the worker sends it when the broker is back.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", 2.0)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
        # An unacknowledged (acks_late) task of a worker that vanished is
        # delivered again after this long: longer than the longest task.
        "visibility_timeout": env.int(
            "CELERY_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT + 600
        ),
    }

# --- API -------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticatedOrReadOnly",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Counts stop at a thousand rows: a page costs the same at any data size.
    "DEFAULT_PAGINATION_CLASS": "core.pagination.BoundedCountPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # core/throttling.py: per address, per account, writes, searches (429 with
    # Retry-After), counted in the default cache (Redis in production).
    "DEFAULT_THROTTLE_CLASSES": [
        "core.throttling.AnonRateThrottle",
        "core.throttling.UserRateThrottle",
        "core.throttling.WriteRateThrottle",
        "core.throttling.SearchRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_RATE_ANON", default="120/min"),
        "user": env.str("API_RATE_USER", default="600/min"),
        "write": env.str("API_RATE_WRITE", default="60/min"),
        "search": env.str("API_RATE_SEARCH", default="30/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Knowledge platform API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a "kind" choice set: name the community ones.
    "ENUM_NAME_OVERRIDES": {
        "CommunitySpaceKindEnum": "community.models.Space.Kind",
        "CommunityThreadKindEnum": "community.models.Thread.Kind",
        "CommunityPostKindEnum": "community.models.Post.Kind",
        "LessonKindEnum": "courses.models.Lesson.Kind",
        "CommunityVisibilityEnum": "community.models.Visibility",
        "LiveLectureStatusEnum": "live.models.LiveLecture.Status",
        "LiveTicketStatusEnum": "live.models.Ticket.Status",
        "LiveTicketSourceEnum": "live.models.Ticket.Source",
        "LiveBookingStatusEnum": "live.models.Booking.Status",
    },
}

# --- Payments (django-payments) ---------------------------------------------
PAYMENT_PROVIDER = env.str("PAYMENT_PROVIDER", default="dummy")
# Callback URLs follow SITE_URL (host and scheme) unless set on their own.
PAYMENT_HOST = env.str("PAYMENT_HOST", default=_SITE.netloc or "127.0.0.1:8000")
PAYMENT_USES_SSL = env.bool("PAYMENT_USES_SSL", default=_SITE.scheme == "https")
# The dummy gateway marks orders paid without money: refused in production
# unless a staging site says so explicitly.
ALLOW_TEST_PAYMENTS = env.bool("ALLOW_TEST_PAYMENTS", default=False)
PAYMENT_MODEL = "commerce.Payment"
PAYMENT_VARIANTS = {
    "dummy": ("commerce.payment_providers.DummyProvider", {}),
    "stripe": (
        "payments.stripe.StripeProviderV3",
        {
            "api_key": env.str("STRIPE_API_KEY", default=""),
            "endpoint_secret": env.str("STRIPE_ENDPOINT_SECRET", default=""),
            "use_token": True,
        },
    ),
}
# Hosted payment pages that a checkout form may post to (CSP form-action).
_PAYMENT_FORM_ACTIONS = env.list(
    "PAYMENT_FORM_ACTIONS", default=["https://checkout.stripe.com"]
)
CURRENCY = env.str("CURRENCY", default="CNY")
PLATFORM_COMMISSION_RATE = Decimal(env.str("PLATFORM_COMMISSION_RATE", default="0.30"))
REFUND_WINDOW_DAYS = env.int("REFUND_WINDOW_DAYS", default=7)
REFUND_MAX_PROGRESS_PERCENT = env.int("REFUND_MAX_PROGRESS_PERCENT", default=30)
PAYOUT_MINIMUM = Decimal(env.str("PAYOUT_MINIMUM", default="100.00"))
ORDER_EXPIRY_MINUTES = env.int("ORDER_EXPIRY_MINUTES", default=30)
# A learning path costs less by the share of its courses the buyer already owns
# (False: the owned courses are only shown on the path page).
LEARNING_PATH_CREDIT_OWNED = env.bool("LEARNING_PATH_CREDIT_OWNED", default=True)
# Members are told this many days before their membership or column ends.
MEMBERSHIP_EXPIRY_NOTICE_DAYS = env.int("MEMBERSHIP_EXPIRY_NOTICE_DAYS", default=7)

# --- Automatic grading (docs/grading.md) ------------------------------------
# "auto": sentence embeddings when the optional packages are installed
# (requirements-embeddings.txt); "off": n-gram and key-point features only.
GRADING_EMBEDDINGS = env.str("GRADING_EMBEDDINGS", default="auto")

# --- Live lectures and consultations (see docs/live.md) ----------------------
# The join link shows this many minutes before the start.
LIVE_JOIN_OPENS_MINUTES = env.int("LIVE_JOIN_OPENS_MINUTES", default=15)
# Reminders: the day before, and this many minutes before the start.
LIVE_REMINDER_SOON_MINUTES = env.int("LIVE_REMINDER_SOON_MINUTES", default=15)
# An expert confirms a paid booking within this many hours (never later than
# the start), or the learner is refunded automatically.
LIVE_BOOKING_CONFIRM_HOURS = env.int("LIVE_BOOKING_CONFIRM_HOURS", default=24)
# Cancellation windows with a full refund, in hours before the start.
LIVE_LEARNER_CANCEL_HOURS = env.int("LIVE_LEARNER_CANCEL_HOURS", default=24)
LIVE_EXPERT_CANCEL_HOURS = env.int("LIVE_EXPERT_CANCEL_HOURS", default=2)
# How far ahead an expert may publish availability, in days.
LIVE_AVAILABILITY_MAX_DAYS = env.int("LIVE_AVAILABILITY_MAX_DAYS", default=60)

# --- Community (posting limits and automatic holds; see docs/community.md) ---
COMMUNITY_POSTS_PER_MINUTE = env.int("COMMUNITY_POSTS_PER_MINUTE", default=6)
COMMUNITY_POSTS_PER_DAY = env.int("COMMUNITY_POSTS_PER_DAY", default=200)
COMMUNITY_MAX_LINKS = env.int("COMMUNITY_MAX_LINKS", default=5)
COMMUNITY_NEW_ACCOUNT_DAYS = env.int("COMMUNITY_NEW_ACCOUNT_DAYS", default=2)
COMMUNITY_NEW_ACCOUNT_BURST = env.int("COMMUNITY_NEW_ACCOUNT_BURST", default=3)

# --- Recommendations -------------------------------------------------------
RECOMMENDATIONS_TOP_N = env.int("RECOMMENDATIONS_TOP_N", default=20)
RECOMMENDATIONS_KEEP_RUNS = env.int("RECOMMENDATIONS_KEEP_RUNS", default=3)
# Course page views: "auto" counts them in Redis (flushed every minute) when
# REDIS_URL is set, else one UPDATE per view ("database").
RECOMMENDATIONS_VIEW_BUFFER = env.str("RECOMMENDATIONS_VIEW_BUFFER", default="auto")

# --- Analytics (docs/analytics.md) -----------------------------------------
# "auto": through Redis when REDIS_URL is set, else one INSERT per event.
ANALYTICS_EVENT_BUFFER = env.str("ANALYTICS_EVENT_BUFFER", default="auto")
ANALYTICS_REDIS_URL = env.str("ANALYTICS_REDIS_URL", default="")
# Through Redis, a process hands its events over in one RPUSH at most this
# many seconds after the first (0: each at once; analytics/recording.py).
ANALYTICS_REDIS_BATCH_SECONDS = env.float("ANALYTICS_REDIS_BATCH_SECONDS", default=1.0)
# Raw events older than this are deleted every night (the rollups stay).
ANALYTICS_RAW_EVENT_DAYS = env.int("ANALYTICS_RAW_EVENT_DAYS", default=180)
# An enrolment without study for this many days (and not completed) counts as
# dropped when the drop-out model learns from history.
ANALYTICS_DROPOUT_INACTIVE_DAYS = env.int("ANALYTICS_DROPOUT_INACTIVE_DAYS", default=30)

# --- Rewards ---------------------------------------------------------------
# Anti-gaming defaults (staff tune them in the admin's anti-gaming policy).
REWARDS_NEW_ACCOUNT_DAYS = env.int("REWARDS_NEW_ACCOUNT_DAYS", default=7)
REWARDS_NEW_ACCOUNT_VOTE_CAP = env.int("REWARDS_NEW_ACCOUNT_VOTE_CAP", default=10)
# Content quality: Bayesian prior (mean on the 1-5 scale, weight in ratings),
# the weight of one expert review relative to one learner rating, and the share
# of the completion rate in the final score.
REWARDS_QUALITY_PRIOR_MEAN = Decimal(
    env.str("REWARDS_QUALITY_PRIOR_MEAN", default="3.0")
)
REWARDS_QUALITY_PRIOR_WEIGHT = env.int("REWARDS_QUALITY_PRIOR_WEIGHT", default=10)
REWARDS_EXPERT_REVIEW_WEIGHT = env.int("REWARDS_EXPERT_REVIEW_WEIGHT", default=5)
REWARDS_COMPLETION_SHARE = Decimal(env.str("REWARDS_COMPLETION_SHARE", default="0.2"))
REWARDS_CERT_ATTACHMENT_MAX_BYTES = env.int(
    "REWARDS_CERT_ATTACHMENT_MAX_BYTES", default=5 * 1024 * 1024
)

# --- Security --------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# A stale or missing form token: the site's page, in the visitor's language.
CSRF_FAILURE_VIEW = "core.views.csrf_failure"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG
)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts only from our own static files
# (no inline <script>, no on*= attributes: tests/security/test_headers.py
# fails on them). Inline style attributes stay allowed (progress bars, the
# admin). Lesson videos and HLS streams may come from other https hosts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "https:"],
        "font-src": [SELF, "data:"],
        "media-src": [SELF, "https:", "blob:"],
        "connect-src": [SELF, "https:"],
        "worker-src": [SELF, "blob:"],
        "frame-src": [NONE],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF] + _PAYMENT_FORM_ACTIONS,
    }
}
if env.bool("USE_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# /healthz/ must answer plain HTTP probes from the load balancer.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]

# --- Logging ---------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

PLATFORM_NAME = _("Knowledge Platform")
