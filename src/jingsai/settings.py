"""Settings, read from environment variables (see ``.env.example``).

Production is the default: ``DEBUG`` is off, cookies are secure and HTTPS is
enforced. The demo command sets ``DEBUG=1``; tests use ``jingsai.settings_test``.
"""

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("JINGSAI_DATA_DIR", Path.cwd() / "var")).resolve()

DEBUG = env_bool("DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-demo-key-only-for-debug-mode"  # noqa: S105 (demo only; refused without DEBUG)

# Key of the audit trail's HMAC chain; defaults to SECRET_KEY. Keep it when
# rotating SECRET_KEY, or old records will no longer verify.
AUDIT_HMAC_KEY = os.environ.get("AUDIT_HMAC_KEY", "")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "jingsai.common",
    "jingsai.catalogue",
    "jingsai.organisations",
    "jingsai.people",
    "jingsai.competitions",
    "jingsai.judging",
    "jingsai.worldskills",
    "jingsai.labour",
    "jingsai.skills",
    "jingsai.training",
    "jingsai.innovation",
    "jingsai.honours",
    "jingsai.dashboards",
    "jingsai.certification",
    "jingsai.backoffice",
    "jingsai.portal",
    "jingsai.public",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "jingsai.access.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "jingsai.urls"
WSGI_APPLICATION = "jingsai.wsgi.application"

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
                "jingsai.access.context_processors.navigation",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'jingsai.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA foreign_keys=ON; PRAGMA cache_size=-64000; PRAGMA mmap_size=268435456;"
            ),
        }
    )

# A streaming replica for the pages that only read (public pages, dashboard):
# jingsai.common.replicas. Its tests use the primary (MIRROR).
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["jingsai.common.replicas.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "people.User"
LOGIN_URL = "public:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "public:login"

# Sign-in (jingsai.access.signin): failed attempts throttled per account and per address;
# a second factor (TOTP) for programme admins and chief judges.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("JINGSAI_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("JINGSAI_LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "jingsai.access.signin.lockout"
AXES_CLIENT_IP_CALLABLE = "jingsai.access.signin.client_ip"
AXES_VERBOSE = False  # no user names or addresses in the logs; attempts are in the database
AXES_DISABLE_ACCESS_LOG = True
JINGSAI_TWO_FACTOR = env_bool("JINGSAI_TWO_FACTOR", default=True)
OTP_TOTP_ISSUER = "Jingsai"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
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
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_ROOT = DATA_DIR / "media"  # outside the web root; files are served by views that check access

SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy: scripts, styles, fonts and images from the platform only; no
# inline script or style, no eval, no framing (templates carry no inline code; JSON data
# goes through json_script, which is not executed).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

HTTPS = env_bool("HTTPS", default=not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Personal data (ID numbers, phones) never reaches logs: error reports leave out
# request bodies, and nothing logs query strings with personal data because
# such data never goes into URLs.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "masked": {
            "()": "jingsai.common.logging.MaskingFormatter",
            "format": "{asctime} {levelname} {name}: {message}",
            "style": "{",
        },
        "masked_server": {"()": "jingsai.common.logging.MaskingServerFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "masked"},
        "server": {"class": "logging.StreamHandler", "formatter": "masked_server"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["server"], "level": "INFO", "propagate": False},
        # every sign-in would be logged; attempts are kept in the database instead
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "django.db.backends": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

JINGSAI_PUBLIC_URL = os.environ.get("JINGSAI_PUBLIC_URL", "http://127.0.0.1:8000")  # QR codes
JINGSAI_LIST_PAGE_SIZE = 25
JINGSAI_EXHIBITION_CACHE_SECONDS = int(os.environ.get("JINGSAI_EXHIBITION_CACHE_SECONDS", "120"))
JINGSAI_LIST_COUNT_CAP = 10_000
JINGSAI_EXPORT_ROW_LIMIT = 1_048_575
JINGSAI_IMPORT_MAX_ROWS = int(os.environ.get("JINGSAI_IMPORT_MAX_ROWS", "200000"))
JINGSAI_IMPORT_MAX_BYTES = int(os.environ.get("JINGSAI_IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
JINGSAI_UPLOAD_MAX_BYTES = JINGSAI_IMPORT_MAX_BYTES
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

VERBOSE_NAME = _("Jingsai")

# The open API (jingsai.api, /api/v1/): "ninja" serves its documentation page's
# Swagger UI from its own static files (no CDN), so that page holds under the CSP.
INSTALLED_APPS += ["ninja", "jingsai.api"]
NINJA_PAGINATION_PER_PAGE = 25
NINJA_MAX_PER_PAGE_SIZE = 100
# Its rate limits (jingsai.api.throttling), "requests/period" (s, min, hour, day): callers
# not signed in by address, signed-in callers by user. Counted in the default cache.
JINGSAI_API_RATE_ANON = os.environ.get("JINGSAI_API_RATE_ANON", "60/min")
JINGSAI_API_RATE_USER = os.environ.get("JINGSAI_API_RATE_USER", "600/min")

# The cache (API rate counts, the public exhibition page): Django's local-memory cache,
# private to each process, unless CACHE_URL names a Redis server (redis://, rediss:// with
# TLS, unix:// for a socket) shared by every worker of every application server. Values
# are JSON, and a Redis server down or slow answers as an empty cache (jingsai.common.cache).
if os.environ.get("CACHE_URL"):
    if not os.environ["CACHE_URL"].startswith(("redis://", "rediss://", "unix://")):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("CACHE_URL must be a redis://, rediss:// or unix:// address.")
    CACHES = {
        "default": {
            "BACKEND": "jingsai.common.cache.SharedCache",
            "LOCATION": os.environ["CACHE_URL"],
            "KEY_PREFIX": "jingsai",
            "OPTIONS": {
                "serializer": "jingsai.common.cache.JsonSerializer",
                # seconds: a worker waits no longer for the cache (jingsai.common.cache)
                "socket_connect_timeout": 0.5,
                "socket_timeout": 0.5,
            },
        }
    }
