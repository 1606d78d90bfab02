"""Settings for Koepel, read from the environment with safe defaults.

With no variable set Koepel runs on SQLite in ``var/`` with DEBUG off. Each integration is off
until its variable is set; a malformed value stops the process instead of being guessed.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from error


DATA_DIR = Path(os.environ.get("KOEPEL_DATA_DIR") or Path.cwd() / "var").resolve()


def _secret_key() -> str:
    """The key from the environment, else one generated once and kept in the data folder."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    key_file = DATA_DIR / "secret-key"
    if key_file.exists():
        return key_file.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.touch(mode=0o600)
    key_file.write_text(key)
    return key


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_FAILURE_VIEW = "koepel.core.views.csrf_failure"
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Second factor at sign-in: authenticator-app codes and one-time recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "koepel.core",
    "koepel.registry",
    "koepel.accounts",
    "koepel.search",
    "koepel.meetings",
    "koepel.advocacy",
    "koepel.library",
    "koepel.reports",
    "koepel.notices",
    "koepel.mywork",
    "koepel.audit",
    "auditlog",
    "koepel.generate",
    "django_tasks",
    "django_tasks_db",
    # The queue of outgoing e-mail (koepel.core.mail); after koepel.core, whose
    # `send-queued-mail` command replaces the one it brings.
    "post_office",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "koepel.api",
    "csp",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The versions of the data a request reads once (koepel.core.caching).
    "koepel.core.caching.RequestScopeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "koepel.core.middleware.ChosenLanguageMiddleware",
    "koepel.registry.middleware.RememberedTermsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # The reader's own CSRF token in the forms of kept parts (koepel.core.caching).
    "koepel.core.caching.FormTokenMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A picker field resolves typed names as the request's user may see them (core/pickers.py).
    "koepel.core.pickers.PickerUserMiddleware",
    # Nothing shown to a signed-in user is kept in any cache (koepel.core.caching).
    "koepel.core.caching.PrivateWhenSignedInMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "koepel.accounts.middleware.SecondFactorMiddleware",
    # On a database without a network, every page leads to the first-run page.
    "koepel.accounts.middleware.FirstRunMiddleware",
    "koepel.audit.middleware.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "koepel.api.middleware.ApiHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a refused sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "koepel.urls"
WSGI_APPLICATION = "koepel.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "koepel.registry.context_processors.network",
                # Forms in kept parts get a stand-in for the reader's token.
                "koepel.core.caching.form_token",
            ],
        },
    },
]

# Database: SQLite in the data folder unless DATABASE_URL names another.
if database_url := os.environ.get("DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.parse(database_url, conn_max_age=60, conn_health_checks=True)
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # PostgreSQL compiles a query whose estimated cost is high (a search for a common word)
        # to machine code first; for Koepel's queries that takes longer than running them.
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "koepel.sqlite3"),
            "OPTIONS": {
                # WAL lets readers go on while one writer writes; IMMEDIATE transactions take
                # the write lock up front so concurrent writers wait instead of failing.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# django-axes looks at every sign-in before the password is checked, so a locked-out account
# is refused on the sign-in page and in the back office alike.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
# A person signs in to their own start page; the home page stays the network's front page.
LOGIN_REDIRECT_URL = "mywork:my-work"
LOGOUT_REDIRECT_URL = "registry:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The name an authenticator app shows beside the account (docs/security.md).
OTP_TOTP_ISSUER = os.environ.get("KOEPEL_OTP_ISSUER", "Koepel")

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# The browser libraries Koepel serves itself rather than from a CDN, installed by `make install`
# (`npm ci`, pinned in package-lock.json) into node_modules beside src/; collected and served
# with Koepel's own files under vendor/.
NODE_MODULES = Path(
    os.environ.get("KOEPEL_NODE_MODULES") or PACKAGE_DIR.parents[1] / "node_modules"
)
STATICFILES_DIRS = [
    ("vendor/accessible-autocomplete", NODE_MODULES / "accessible-autocomplete" / "dist"),
]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or DATA_DIR / "media")
MEDIA_URL = "/media/"
# Uploaded documents: outside MEDIA_ROOT and never served by URL, only through the
# visibility check of the download view.
KOEPEL_PRIVATE_ROOT = Path(os.environ.get("KOEPEL_PRIVATE_ROOT") or DATA_DIR / "private")
# Files up to this size are read straight after their upload, for at most so many seconds;
# larger ones, and what is not read by then, by the task worker that `koepel serve` starts
# beside the web server (koepel.library.reading).
KOEPEL_INLINE_EXTRACTION_BYTES = env_int("KOEPEL_INLINE_EXTRACTION_KB", 2048) * 1024
KOEPEL_INLINE_READING_SECONDS = env_int("KOEPEL_INLINE_READING_SECONDS", 5)
# No file is read for longer than this, into more sections or more characters than these:
# such a file is marked as not read, with the reason.
KOEPEL_READING_MAX_SECONDS = env_int("KOEPEL_READING_MAX_SECONDS", 600)
KOEPEL_READING_MAX_SECTIONS = env_int("KOEPEL_READING_MAX_SECTIONS", 10_000)
KOEPEL_READING_MAX_CHARS = env_int("KOEPEL_READING_MAX_CHARS", 10_000_000)
# Whoever reads a file holds it for this long, and renews that as it goes; a file held longer
# lost its reader (a worker that stopped), and the task worker, which looks every so often,
# reads it again.
KOEPEL_READING_LEASE_SECONDS = env_int("KOEPEL_READING_LEASE_SECONDS", 60)
KOEPEL_WORKER_RECOVER_SECONDS = env_int("KOEPEL_WORKER_RECOVER_SECONDS", 30)
# Starting a network (koepel.accounts.setup): while there is none, every page leads to the
# first-run page, which asks for the setup code whose hash is kept here. (The test suite turns
# the leading off for the tests of everything else, which make only the records they need.)
KOEPEL_FIRST_RUN_REDIRECT = True
KOEPEL_SETUP_CODE_FILE = DATA_DIR / "setup-code.sha256"

# Rendered parts of pages and API lists, kept per access and version of the data
# (koepel.core.caching): in this process's memory, or with CACHE_URL=redis://host:6379/0 in
# Redis, shared by every process and server. KOEPEL_CACHE=off renders everything afresh.
KOEPEL_CACHE = env_bool("KOEPEL_CACHE", True)
CACHES: dict[str, dict[str, Any]]
if cache_url := os.environ.get("CACHE_URL"):
    if not cache_url.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(f"CACHE_URL must be a redis:// address, not {cache_url!r}.")
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": cache_url,
            "KEY_PREFIX": "koepel",
        }
    }
else:
    # Each process's own memory, at most KOEPEL_CACHE_MB of kept parts (koepel.core.local_cache).
    CACHES = {
        "default": {
            "BACKEND": "koepel.core.local_cache.BoundedLocMemCache",
            "LOCATION": "koepel",
            "OPTIONS": {
                "MAX_ENTRIES": 5000,
                "MAX_BYTES": env_int("KOEPEL_CACHE_MB", 64) * 1024 * 1024,
            },
        }
    }

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Whitenoise's hashed, compressed files; `koepel serve` collects them again when stale.
    "staticfiles": {"BACKEND": "koepel.core.staticfiles.CollectedStaticFilesStorage"},
    # Uploaded documents, agenda attachments, lobby letters: read only through the views
    # that check visibility first (koepel.core.storage.private_storage).
    "private": {"BACKEND": "koepel.core.storage.PrivateFileSystemStorage"},
}
# With several app servers every one of them must see the same files: set KOEPEL_S3_BUCKET
# and uploads go to S3-compatible object storage (AWS, MinIO, Ceph, …) through
# django-storages, private by default and handed out through the same visibility check.
# The credentials may also come from boto3's own sources (environment, instance role).
if S3_BUCKET := os.environ.get("KOEPEL_S3_BUCKET", ""):
    _s3 = {
        "bucket_name": S3_BUCKET,
        "endpoint_url": os.environ.get("KOEPEL_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("KOEPEL_S3_REGION") or None,
        "access_key": os.environ.get("KOEPEL_S3_ACCESS_KEY_ID") or None,
        "secret_key": os.environ.get("KOEPEL_S3_SECRET_ACCESS_KEY") or None,
        "default_acl": None,  # the bucket's own policy: private
        "querystring_auth": True,
        "file_overwrite": False,
    }
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**_s3, "location": "media"},
    }
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**_s3, "location": "private"},
    }

# Security. Behind TLS (production) set KOEPEL_HTTPS=true; a local `make run` serves plain
# HTTP on the loopback address and would lose its session with secure-only cookies.
HTTPS = env_bool("KOEPEL_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("KOEPEL_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("KOEPEL_HSTS_SECONDS", 31_536_000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
# Asking browsers to preload HSTS binds the whole domain and its subdomains to HTTPS for
# months, past removing the header: a choice for whoever runs the domain, so it is opt-in
# (docs/deployment.md). Django's check --deploy warns about it being off (security.W021).
SECURE_HSTS_PRELOAD = HTTPS and env_bool("KOEPEL_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = ["security.W021"]
# The audit trail stores a related record by its name at the time (a person, a body), so the
# trail reads well after the record is renamed or removed.
AUDITLOG_USE_FK_STRING_REPRESENTATION = True

# Behind our own reverse proxy: trust its X-Forwarded-Proto, and the client address it adds
# to X-Forwarded-For (for the audit trail).
KOEPEL_BEHIND_PROXY = env_bool("KOEPEL_BEHIND_PROXY", False)
if KOEPEL_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True  # no script of ours reads it: forms carry the token
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Content Security Policy: scripts, styles, fonts and pictures come from this site alone, and
# nothing inline runs or applies; the pages carry no inline script or style. Pictures may also
# be data: URLs (the admin's and the browser's own icons). No page of ours may be framed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Lockout after repeated failed sign-ins (django-axes). Counted per user name and client address
# together: wrong passwords from one place pause that name from that place only, so nobody
# elsewhere can lock a person (or the network office) out, and one mistyping colleague does not
# lock out the others behind the same town-hall address. Changing browsers does not help: the
# failures of every browser at one address add up. Attempts during a lockout do not lengthen
# it, so the time the page names is the time it ends. The address is read as the audit trail
# reads it (koepel.core.clients).
AXES_FAILURE_LIMIT = env_int("KOEPEL_LOCKOUT_ATTEMPTS", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("KOEPEL_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "koepel.core.clients.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "koepel.accounts.lockouts.lockout_response"
AXES_VERBOSE = False

# Links by e-mail to choose a password (koepel.accounts.services): an invitation to a new
# account works this many days, a link for a forgotten password this many seconds (Django's
# own setting; two hours). Each works once. Reset links are asked for at most this many times
# an hour per address typed and per client address, whether an account has the address or not.
KOEPEL_INVITATION_DAYS = env_int("KOEPEL_INVITATION_DAYS", 7)
PASSWORD_RESET_TIMEOUT = env_int("KOEPEL_PASSWORD_RESET_MINUTES", 120) * 60
KOEPEL_RESET_LIMIT_PER_ADDRESS = env_int("KOEPEL_RESET_LIMIT_PER_ADDRESS", 3)
KOEPEL_RESET_LIMIT_PER_CLIENT = env_int("KOEPEL_RESET_LIMIT_PER_CLIENT", 10)

# Signing in through the network's own identity provider (OpenID Connect; docs/security.md and
# docs/deployment.md). Off until KOEPEL_OIDC_ISSUER is set: then the client id, its secret and
# the provider's name (on the button "Inloggen via ...") are needed too. The endpoints come from
# the issuer's discovery document. Office and secretaries skip Koepel's own second step only
# when the provider says it asked for a second factor: an `amr` value in KOEPEL_OIDC_MFA_AMR
# (RFC 8176) or an `acr` value in KOEPEL_OIDC_MFA_ACR.
KOEPEL_OIDC_ISSUER = os.environ.get("KOEPEL_OIDC_ISSUER", "").strip().rstrip("/")
KOEPEL_OIDC_CLIENT_ID = os.environ.get("KOEPEL_OIDC_CLIENT_ID", "")
KOEPEL_OIDC_CLIENT_SECRET = os.environ.get("KOEPEL_OIDC_CLIENT_SECRET", "")
KOEPEL_OIDC_PROVIDER_NAME = os.environ.get("KOEPEL_OIDC_PROVIDER_NAME", "")
KOEPEL_OIDC_MFA_AMR = env_list(
    "KOEPEL_OIDC_MFA_AMR", ["mfa", "mca", "otp", "hwk", "swk", "sc", "sms", "tel"]
)
KOEPEL_OIDC_MFA_ACR = env_list("KOEPEL_OIDC_MFA_ACR", [])
if KOEPEL_OIDC_ISSUER and not (
    KOEPEL_OIDC_CLIENT_ID and KOEPEL_OIDC_CLIENT_SECRET and KOEPEL_OIDC_PROVIDER_NAME
):
    raise ImproperlyConfigured(
        "KOEPEL_OIDC_ISSUER needs KOEPEL_OIDC_CLIENT_ID, KOEPEL_OIDC_CLIENT_SECRET and "
        "KOEPEL_OIDC_PROVIDER_NAME as well."
    )
# What mozilla-django-oidc reads: the code flow with PKCE, ID tokens signed with the provider's
# keys (RS256, from its JWKS), and a provider that answers within ten seconds.
OIDC_RP_CLIENT_ID = KOEPEL_OIDC_CLIENT_ID
OIDC_RP_CLIENT_SECRET = KOEPEL_OIDC_CLIENT_SECRET
OIDC_RP_SIGN_ALGO = os.environ.get("KOEPEL_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email"
OIDC_USE_PKCE = True
OIDC_TIMEOUT = env_int("KOEPEL_OIDC_TIMEOUT", 10)
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc-callback"

KOEPEL_MAX_UPLOAD_BYTES = env_int("KOEPEL_MAX_UPLOAD_MB", 25) * 1024 * 1024
# How long personal data is kept after a person's last role ended; `koepel anonymise-expired`
# removes contact details and the account after that (docs/security.md). Two years by default.
KOEPEL_RETENTION_DAYS = env_int("KOEPEL_RETENTION_DAYS", 730)
if KOEPEL_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("KOEPEL_RETENTION_DAYS must be at least 1.")
# Small uploads stay in memory; larger ones go to a temporary file that stops growing at the
# limit above.
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "koepel.core.uploads.CappedUploadHandler",
]
# The address of this site as seen from outside, for links in e-mails and calendar feeds.
KOEPEL_BASE_URL = os.environ.get("KOEPEL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# E-mail: every message waits in a queue in the database and the task worker sends it
# (koepel.core.mail), so no page waits for a mail server. The worker delivers by SMTP when
# EMAIL_HOST is set, else into files in the data folder.
EMAIL_BACKEND = "koepel.core.mail.QueueBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
# Seconds a mail server may take to answer before the attempt counts as failed.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
EMAIL_FILE_PATH = DATA_DIR / "mail"
# The sender of every mail ("Netwerkbureau G40 <koepel@g40.example>"), and where a reply goes
# (one or more addresses, separated by commas; none: to the sender).
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "koepel@localhost")
KOEPEL_REPLY_TO = env_list("KOEPEL_REPLY_TO", [])
# How long the link in an invitation mail answers the invitation without signing in.
KOEPEL_ANSWER_LINK_DAYS = env_int("KOEPEL_ANSWER_LINK_DAYS", 90)
# The address the accessibility statement gives for problems (/toegankelijkheid/); without
# it the statement points to the network's website.
KOEPEL_ACCESSIBILITY_CONTACT = os.environ.get("KOEPEL_ACCESSIBILITY_CONTACT", "")
POST_OFFICE = {
    "BACKENDS": {
        "default": (
            "django.core.mail.backends.smtp.EmailBackend"
            if EMAIL_HOST
            else "django.core.mail.backends.filebased.EmailBackend"
        )
    },
    # A message that fails is tried again after the interval, this many times, and is then
    # marked failed for the network office to see (and send again) in the back office.
    "MAX_RETRIES": env_int("KOEPEL_MAIL_RETRIES", 12),
    "RETRY_INTERVAL": timedelta(minutes=env_int("KOEPEL_MAIL_RETRY_MINUTES", 15)),
    # Attachments (a meeting's .ics) wait beside the uploads, never served by URL.
    "FILE_STORAGE": "private",
    "LOG_LEVEL": 2,  # record every attempt, the successful ones as well
    # One connection to the mail server at a time, used for the whole batch: a network's mail
    # is a few hundred messages at most, and mail servers limit connections per sender.
    "THREADS_PER_PROCESS": 1,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "filters": {"refusals": {"()": "koepel.core.log_filters.RefusalsWithoutTraceback"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # A refused request (403) is one line, without a traceback.
        "django.request": {"filters": ["refusals"]},
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint reports every step of a PDF at INFO; the worker log needs only problems.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # django-axes notes every successful sign-in at INFO; failures and lockouts are WARNING.
        "axes": {"level": "WARNING"},
        # Given a handler here, django-post-office does not set up logging of its own.
        "post_office": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}


# A list counts its rows up to this number; a longer one says "more than 1,000" and its pages
# have no last number (koepel.core.pagination). Counting stops there however large the data.
KOEPEL_COUNT_CAP = 1000

# The API (NL API Design Rules): JSON only, personal tokens, errors as problem+json.
KOEPEL_API_VERSION = "1.1.0"
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["koepel.api.authentication.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["koepel.api.permissions.ReadOrSignedIn"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "koepel.api.pagination.Pages",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "koepel.api.pagination.Ordering",
    ],
    "ORDERING_PARAM": "sorteer",
    "DEFAULT_SCHEMA_CLASS": "koepel.api.schema.DutchAutoSchema",
    "EXCEPTION_HANDLER": "koepel.api.problems.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_THROTTLE_RATES": {},
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Koepel API",
    "DESCRIPTION": (
        "De gegevens van een netwerk van gemeenten: gemeenten, organisaties, personen, "
        "gremia, rollen, deelnames, bijeenkomsten, lobbydossiers, lobbyacties, mijlpalen, "
        "documenten en jaarverslagen, en zoeken daarin. Lezen mag iedereen, voor zover de "
        "gegevens openbaar zijn; met een persoonlijke API-sleutel ziet en wijzigt u wat uw "
        "account op de pagina's mag zien en wijzigen. Elke wijziging vraagt de ETag die u "
        "het laatst las in een If-Match-kop."
    ),
    "VERSION": KOEPEL_API_VERSION,
    # The makers of Koepel answer for the API's shape; a network names its own office in the
    # pages. Fixed here so the published document is the same on every installation.
    "CONTACT": {
        "name": "Koepel maintainers",
        "url": "https://github.com/koepel-nl/koepel",
        "email": "maintainers@koepel.example",
    },
    "LICENSE": {"name": "EUPL-1.2", "url": "https://eupl.eu/1.2/nl/"},
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "DossierStatusEnum": "koepel.advocacy.models.DossierStatus",
        "RenderStatusEnum": "koepel.reports.models.RenderStatus",
        "SectionStatusEnum": "koepel.reports.models.SectionStatus",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "koepel.api.schema.describe_conventions",
    ],
}
