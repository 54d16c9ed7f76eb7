"""Syslead settings: every value comes from the environment, with safe defaults for the embedded
SQLite mode (``make run``). Production sets DEBUG=false, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL."""

import os
import warnings
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from syslead.operations.sentry import init_sentry as _init_sentry

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SYSLEAD_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


DEBUG = env_bool("DEBUG", False)
_INSECURE_KEY = "django-insecure-syslead-local-development-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "").strip()
if not SECRET_KEY:
    if not DEBUG:
        # A known key would let anyone forge sessions, password-reset links and signed values.
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off (the default) Syslead will not start without "
            "one: set SECRET_KEY in the environment to a long random value, e.g. the output of "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))', and keep it secret. "
            "For local development only, set DEBUG=true instead (make run does)."
        )
    SECRET_KEY = _INSECURE_KEY
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # Django's own widget templates, for the form renderer (FORM_RENDERER below).
    "django.forms",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # serves the API docs' Swagger UI from our own static files, not a CDN
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "syslead.core",
    "syslead.accounts",
    "syslead.organisations",
    "syslead.schools",
    "syslead.leaders",
    "syslead.capacity",
    "syslead.brokering",
    "syslead.deployments",
    "syslead.charging",
    "syslead.visits",
    "syslead.invoicing",
    "syslead.evaluation",
    "syslead.reports",
    "syslead.quality",
    "syslead.alliances",
    "syslead.boards",
    "syslead.calendars",
    "syslead.notifications",
    "syslead.casework",
    "syslead.privacy",
    "syslead.invitations",
    "syslead.imports",
    "syslead.documents",
    "syslead.governors",
    "syslead.api",
    "syslead.demo",
    "syslead.operations",
]

MIDDLEWARE = [
    # First: one JSON log line per request (request id, user id, status, duration).
    "syslead.operations.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files are answered here, before the headers below: they may be cached.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "syslead.core.middleware.PrivateNoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After sign-in: the idle and absolute session limits, then two-factor (code or set-up first).
    "syslead.accounts.middleware.SessionLimitsMiddleware",
    "syslead.accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "syslead.urls"
# Forms in the GOV.UK Design System's markup, with its error messages (docs/ux.md, "Forms").
FORM_RENDERER = "syslead.core.govuk_forms.GovukFormRenderer"
WSGI_APPLICATION = "syslead.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "syslead" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "syslead.core.context_processors.navigation",
                "syslead.notifications.context_processors.inbox",
            ],
        },
    },
]

if not os.environ.get("DATABASE_URL"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'syslead.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the task worker and the web server write to the same file without "database is
    # locked"; IMMEDIATE transactions take the write lock up front, so row-locking services
    # serialise instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    # A persistent connection is checked before reuse (the database may have restarted), and a
    # database that does not answer fails the request (and /health/ready) within seconds.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault(
        "connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5)
    )
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_NAME") or None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login attempts: five failures for one e-mail from one address lock it for 15 minutes.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Behind N reverse proxies that each append to X-Forwarded-For, the client is the address N hops
# from the right of that header; with 0 (no proxy) it is REMOTE_ADDR. Addresses further left are
# whatever the client sent, so they are never trusted.
SYSLEAD_TRUSTED_PROXIES = env_int("SYSLEAD_TRUSTED_PROXIES", 0)
if SYSLEAD_TRUSTED_PROXIES < 0:
    raise ImproperlyConfigured("SYSLEAD_TRUSTED_PROXIES is a number of proxies: 0 or more.")
AXES_CLIENT_IP_CALLABLE = "syslead.core.client_ip.client_ip_address"


def mfa_required_from(debug: bool, flag: str | None) -> tuple[bool, bool]:
    """Whether two-factor is required of the roles that need it, and whether the environment's
    ``SYSLEAD_MFA_REQUIRED=false`` was ignored: it is honoured only with DEBUG on (the demo)."""
    asked_off = flag is not None and flag.strip().lower() in {"0", "false", "no", "off"}
    if not asked_off:
        return True, False
    return (False, False) if debug else (True, True)


# Two-factor sign-in (django-otp: an authenticator app, and single-use recovery codes). Required
# for administrators, coordinators, broker leads and safeguarding leads; offered to everyone.
SYSLEAD_MFA_REQUIRED, SYSLEAD_MFA_FLAG_IGNORED = mfa_required_from(
    DEBUG, os.environ.get("SYSLEAD_MFA_REQUIRED")
)
OTP_TOTP_ISSUER = "Syslead"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the Django admin never shows secrets or recovery codes
#: Wrong codes (TOTP or recovery) allowed in one sign-in before the person must start again; each
#: also counts as a failed sign-in for django-axes (and each device slows retries down).
SYSLEAD_MFA_CODE_ATTEMPTS = env_int("SYSLEAD_MFA_CODE_ATTEMPTS", 5)
SYSLEAD_MFA_RECOVERY_CODES = 10

# Sessions end after this much inactivity, and at this long after signing in whatever happens.
SYSLEAD_SESSION_IDLE_MINUTES = env_int("SYSLEAD_SESSION_IDLE_MINUTES", 30)
SYSLEAD_SESSION_MAX_HOURS = env_int("SYSLEAD_SESSION_MAX_HOURS", 12)
# API bearer tokens stop working this many days after they are issued (unless issued shorter).
SYSLEAD_API_TOKEN_DAYS = env_int("SYSLEAD_API_TOKEN_DAYS", 90)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
#: `collectstatic` has written its manifest: serve the hashed, compressed copies.
STATIC_COLLECTED = (STATIC_ROOT / "staticfiles.json").exists()
#: Where uploaded files (scans of signatures on paper) are kept by the default storage.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "media")
MEDIA_URL = "media/"
#: The largest document a person may upload to a request or an agreement (docs/documents.md).
#: Files are not held to DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB, the rest of a form's body): an
#: upload above FILE_UPLOAD_MAX_MEMORY_SIZE (Django's default, 2.5 MB) streams to a temporary
#: file, and the documents service refuses one above this limit with a message.
SYSLEAD_DOCUMENT_MAX_BYTES = env_int("SYSLEAD_DOCUMENT_MAX_BYTES", 20 * 1024 * 1024)
STORAGES = {
    # Uploaded or generated files go through Django's storage API (today Syslead keeps its
    # generated PDFs and exports in the database, so no process depends on a local disk).
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Without DEBUG, the hashed and compressed files `collectstatic` writes; before it has
        # run (a fresh checkout with DEBUG=false) plain names, so pages still render.
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "syslead.operations.staticfiles.CollectedStaticFilesStorage"
        )
    },
}
# Before `collectstatic` there is no STATIC_ROOT; WhiteNoise then serves from the finders. After
# it (production), only the collected files, with far-future cache headers on hashed names.
WHITENOISE_USE_FINDERS = DEBUG or not STATIC_COLLECTED
# Only the hashed copies are kept and compressed (every page asks for them by their hashed name),
# and source maps (for developers, megabytes each) are not compressed: collectstatic is quicker.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [
    *("jpg", "jpeg", "png", "gif", "webp", "zip", "gz", "tgz", "bz2", "tbz", "xz", "br"),
    *("woff", "woff2", "mp4", "webm", "map"),
]
warnings.filterwarnings("ignore", message="No directory at")
WHITENOISE_MANIFEST_STRICT = False

# E-mail: printed to the console locally; SMTP in production (EMAIL_URL-style variables).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Syslead <no-reply@syslead.example>")

# Background tasks: stored in the database, run by `manage.py db_worker`.
TASKS = {
    "default": {
        # django-tasks-db's queue, also storing the id of the request that enqueued each task.
        "BACKEND": os.environ.get(
            "TASKS_BACKEND", "syslead.operations.tasks_backend.DatabaseBackend"
        ),
    }
}

DATABASE_CACHE_TABLE = "syslead_cache"


def caches_from(redis_url: str) -> dict[str, dict[str, object]]:
    """Redis when ``REDIS_URL`` is set; otherwise the database (the table is made by the
    operations app's migrations). Either way every web process and worker shares one cache."""
    if redis_url:
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": redis_url,
                "KEY_PREFIX": "syslead",
            }
        }
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": DATABASE_CACHE_TABLE,
        }
    }


CACHES = caches_from(os.environ.get("REDIS_URL", "").strip())

# Periodic jobs (`manage.py run_scheduler`): local times of the daily ones, and the task
# worker's heartbeat, which /health/ready wants no older than SYSLEAD_WORKER_HEARTBEAT_MAX_AGE.
SYSLEAD_REMINDERS_AT = os.environ.get("SYSLEAD_REMINDERS_AT", "07:00")
SYSLEAD_RETENTION_AT = os.environ.get("SYSLEAD_RETENTION_AT", "02:30")
SYSLEAD_HEARTBEAT_EVERY_SECONDS = env_int("SYSLEAD_HEARTBEAT_EVERY_SECONDS", 30)
SYSLEAD_WORKER_HEARTBEAT_MAX_AGE = env_int("SYSLEAD_WORKER_HEARTBEAT_MAX_AGE", 60)

# Security: cookies and headers are strict by default outside DEBUG; TLS redirect and HSTS are
# switched on by the deployment, where a proxy terminates TLS.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * SYSLEAD_SESSION_MAX_HOURS
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# A load balancer probes the health endpoints over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^health/"]
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy: scripts, styles, images and connections from Syslead itself only; no
# inline script, no eval, no plugins, no framing. Inline style *attributes* are allowed (bar
# widths, Swagger UI) but not <style> elements: htmx's own indicator styles are switched off in
# base.html's htmx-config and live in syslead.css instead.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Logs: one JSON object per line on standard error (LOG_FORMAT=plain for people reading a
# terminal), each with the request id of the request or task it belongs to.
LOG_LEVEL = os.environ.get("LOG_LEVEL", "WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "syslead.operations.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "syslead.operations.logs.JsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "plain" if os.environ.get("LOG_FORMAT") == "plain" else "json",
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Every request, and every task started and finished, whatever LOG_LEVEL says.
        "syslead.request": {"level": os.environ.get("REQUEST_LOG_LEVEL", "INFO")},
        "syslead.scheduler": {"level": "INFO"},
        "django_tasks": {"level": "INFO"},
        "django_tasks_db": {"level": "INFO"},
    },
}

# Errors to Sentry when SENTRY_DSN is set (no personal data is sent); nothing otherwise.
SENTRY_ENABLED = _init_sentry(os.environ)

# Where the shipped open data lives (compressed copies of the files credited on "About the data").
SYSLEAD_DATA_DIR = BASE_DIR / "data"
