"""Django settings for selfeval's web application, read from the environment.

The store's URL (``SELFEVAL_DB``) names the database that Django shares with the library (its
tables beside the library's ``se_`` tables). Secrets come only from the environment or, for a
single machine, from a key file in the store's data folder. Nothing here is ever logged.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from selfeval.settings import current
from selfeval.web import given_db
from selfeval.web.config import database_from_url, secret_key, store_url

BASE_DIR = Path(__file__).resolve().parent
_settings = current()  # every SELFEVAL_* variable, typed (docs/settings.md)

SELFEVAL_DB = store_url(given_db())  # setup()'s, else $SELFEVAL_DB
DATABASES = {"default": database_from_url(SELFEVAL_DB)}
SECRET_KEY, SECRET_KEY_EPHEMERAL = secret_key()
DEBUG = False
ALLOWED_HOSTS = list(_settings.allowed_hosts)
CSRF_TRUSTED_ORIGINS = list(_settings.csrf_trusted_origins)

# Behind a TLS-terminating reverse proxy (the production recipe), SELFEVAL_HTTPS=1.
HTTPS = _settings.https
# waitress believes the proxy's X-Forwarded-Proto (so a request that came in over TLS is
# secure: no redirect loop) and X-Forwarded-For (the client's address, which sign-in
# throttling and the audit log use) only from the proxy's address, and drops them from anyone
# else. SELFEVAL_TRUSTED_PROXY: the proxy's address (default this machine), or "*".
WAITRESS_PROXY: dict[str, Any] = (
    {
        "trusted_proxy": _settings.trusted_proxy,
        "trusted_proxy_count": 1,
        "trusted_proxy_headers": {"x-forwarded-proto", "x-forwarded-for"},
        "clear_untrusted_proxy_headers": True,
    }
    if HTTPS
    else {}
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",
    "selfeval.web.apps.WebConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "selfeval.web.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "selfeval.web.middleware.RoleMiddleware",
    "selfeval.web.authorities.AuthorityMiddleware",
    "selfeval.web.middleware.AuditChangesMiddleware",
    "selfeval.web.middleware.NoStoreMiddleware",
]

ROOT_URLCONF = "selfeval.web.urls"
WSGI_APPLICATION = "selfeval.web.wsgi.application"
AUTH_USER_MODEL = "web.User"
LOGIN_URL = "sign_in"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "sign_in"

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
                "selfeval.web.roles.context",
            ],
        },
    }
]

# -- accounts ---------------------------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "selfeval.web.passwords.VarietyValidator"},
]
# ModelBackend (passwords; Argon2 runs at sign-in only), reading the signed-in account on
# each request with one plain query (selfeval.web.backends).
AUTHENTICATION_BACKENDS = ["selfeval.web.backends.AccountBackend"]

# Sign-in throttling (selfeval.web.throttle): no lockout, a wait that doubles with each failure
# past the free ones, per address and per account (a browser that has signed in to an account
# before counts only its own failures, so no one else can keep the owner out).
SELFEVAL_SIGNIN_FREE_FAILURES = _settings.signin_free_failures
SELFEVAL_SIGNIN_FREE_FAILURES_PER_ADDRESS = _settings.signin_free_failures_per_address
SELFEVAL_SIGNIN_MAX_DELAY_SECONDS = int(_settings.signin_max_delay_minutes * 60)

# Optional OpenID Connect sign-in (Microsoft Entra ID): set the tenant, client id and secret.
OIDC_ENABLED = bool(_settings.oidc_client_id)
if OIDC_ENABLED:
    _issuer = f"https://login.microsoftonline.com/{_settings.oidc_tenant}"
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.append("selfeval.web.oidc.ExistingAccountsOIDCBackend")
    OIDC_RP_CLIENT_ID = _settings.oidc_client_id
    OIDC_RP_CLIENT_SECRET = _settings.oidc_client_secret
    OIDC_RP_SIGN_ALGO = "RS256"
    OIDC_RP_SCOPES = "openid email profile"
    OIDC_OP_AUTHORIZATION_ENDPOINT = (
        _settings.oidc_authorization_endpoint or f"{_issuer}/oauth2/v2.0/authorize"
    )
    OIDC_OP_TOKEN_ENDPOINT = _settings.oidc_token_endpoint or f"{_issuer}/oauth2/v2.0/token"
    OIDC_OP_USER_ENDPOINT = (
        _settings.oidc_user_endpoint or "https://graph.microsoft.com/oidc/userinfo"
    )
    OIDC_OP_JWKS_ENDPOINT = _settings.oidc_jwks_endpoint or f"{_issuer}/discovery/v2.0/keys"
    OIDC_CREATE_USER = False
    OIDC_USE_PKCE = True

# -- sessions, cookies and headers ------------------------------------------------------------
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"  # Strict would drop the session on the OIDC callback
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Strict"
SESSION_COOKIE_NAME = "selfeval_session"
CSRF_COOKIE_NAME = "selfeval_csrftoken"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
if HTTPS:
    SESSION_COOKIE_NAME = "__Host-selfeval_session"
    CSRF_COOKIE_NAME = "__Host-selfeval_csrftoken"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the proxy's own health check, on plain HTTP
    SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# A strict Content Security Policy: our own scripts and styles only, nothing inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# -- uploads ------------------------------------------------------------------------------------
SELFEVAL_MAX_UPLOAD_BYTES = _settings.max_upload_bytes
SELFEVAL_UPLOAD_EXTENSIONS = (".csv", ".xml", ".xlsx")
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 40
FILE_UPLOAD_HANDLERS = ["selfeval.web.uploads.LimitedUploadHandler"]

# -- static files, served by the app itself (no CDN; the proxy may cache them) -------------------
STATIC_URL = "/static/"
STATIC_ROOT = _settings.static_root
WHITENOISE_USE_FINDERS = STATIC_ROOT is None  # serve straight from the package when not collected
WHITENOISE_AUTOREFRESH = False

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Figures and rendered fragments (web/cached_figures.py). Each process keeps its own, unless
# SELFEVAL_CACHE_DIR names a folder (mode 0700, files 0600: it holds pages of children's lists,
# so put it where the store's data is) that every gunicorn worker then shares.
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": _settings.cache_dir,
            "TIMEOUT": 600,
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
        if _settings.cache_dir
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "TIMEOUT": 600}
    )
}

# Application logs: requests and errors, never request bodies, child identifiers or secrets.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "selfeval.web.logs.RedactFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact"],
        }
    },
    "root": {"handlers": ["console"], "level": _settings.log_level},
    "loggers": {
        "django.security": {"level": "WARNING"},
    },
}
