"""Settings, read from the environment with embedded defaults for a one-machine run.

Unset `REDIS_URL` selects the embedded mode: an in-process room store and channel layer
(one server process). Set it to share rooms between any number of server processes.
"""

import os
import secrets
from pathlib import Path
from typing import Final

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean environment variable ("1", "true", "yes", "on" are true)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    """Read an integer environment variable."""
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY") or ""
if not SECRET_KEY:
    # Embedded default: a key kept beside the SQLite file, so sessions survive restarts.
    key_file = BASE_DIR / "var" / "secret_key"
    key_file.parent.mkdir(exist_ok=True)
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
    SECRET_KEY = key_file.read_text().strip()

ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "coworking",
    "rooms",
    "boards",
    "frontend",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "coworking.security.ContentSecurityPolicyMiddleware",
    "coworking.staticfiles.StaticFilesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language of the picker's cookie, else of Accept-Language; then a signed-in
    # person's own (rooms.languages).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "rooms.languages.ProfileLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "coworking.urls"
ASGI_APPLICATION = "asgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL with synchronous=NORMAL: commits are not synced to disk one by one (a power cut may lose
    # the last ones, never the database); connections are kept like PostgreSQL's, since the
    # archive writes many times a second.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Django's four rules, said in this project's catalogs (`rooms/passwords.py`).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "rooms.passwords.SimilarityValidator"},
    {"NAME": "rooms.passwords.MinimumLengthValidator"},
    {"NAME": "rooms.passwords.CommonPasswordValidator"},
    {"NAME": "rooms.passwords.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# Sign-in throttling, counted in the cache over a fixed window of THROTTLE_WINDOW seconds:
# failed sign-ins per account; failed sign-ins, sign-ups and guest joins per address each.
THROTTLE_WINDOW = env_int("THROTTLE_WINDOW", 15 * 60)
LOGIN_FAILURES_PER_ACCOUNT = env_int("LOGIN_FAILURES_PER_ACCOUNT", 5)
ATTEMPTS_PER_ADDRESS = env_int("ATTEMPTS_PER_ADDRESS", 20)
# Invite links stop working after this many days unless their creator chose otherwise.
INVITE_DAYS = env_int("INVITE_DAYS", 7)
LOGIN_REDIRECT_URL = "lobby"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
# The languages pages are shown in, each named in itself (README, "Languages").
LANGUAGES = [
    ("en", "English"),
    ("pt", "Português"),
    ("es", "Español"),
    ("fr", "Français"),
    ("nl", "Nederlands"),
    ("da", "Dansk"),
    ("pl", "Polski"),
    ("el", "Ελληνικά"),
    ("hr", "Hrvatski"),
    ("ar", "العربية"),
    ("zh-hans", "简体中文"),
]
# No LOCALE_PATHS: each app keeps its catalogs in `<app>/locale/`, where Django finds them
# (the browser client's too, in `frontend/locale/`).
LANGUAGE_COOKIE_NAME = "language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE: Final = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Board images: stored through the default storage, served only to people in the room.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "var" / "media")
MEDIA_MAX_BYTES = env_int("MEDIA_MAX_BYTES", 10 * 1024 * 1024)
MEDIA_MAX_PIXELS = env_int("MEDIA_MAX_PIXELS", 40_000_000)
# The largest recording file (`export.jsonl`) that `/recordings/import/` takes.
RECORDING_IMPORT_MAX_BYTES = env_int("RECORDING_IMPORT_MAX_BYTES", 64 * 1024 * 1024)

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # The channel layer's blocking receive waits 5 s: its socket timeout must be longer, and
    # its pool large enough for every socket of a process leaving at once.
    LAYER_OPTIONS = "socket_timeout=30&max_connections=1000"
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [f"{REDIS_URL}{'&' if '?' in REDIS_URL else '?'}{LAYER_OPTIONS}"]},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
# Throttle counts: shared through Redis when there is one, else per process.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# Live documents: limits on what one websocket may send.
# The room store may live on a Redis Cluster (`redis+cluster://host:port`) while the channel
# layer and the cache, which need a plain Redis, use REDIS_URL.
ROOM_STORE_URL = os.environ.get("ROOM_STORE_URL", REDIS_URL)
ROOM_STORE = {
    "BACKEND": "boards.store.redis.RedisRoomStore"
    if ROOM_STORE_URL
    else "boards.store.memory.MemoryRoomStore",
    "URL": ROOM_STORE_URL,
    # A stream is compacted into a keyframe once it holds this many entries.
    "COMPACT_AFTER": env_int("COMPACT_AFTER", 500),
}
# Large enough for a client that re-sends a whole big board after a server lost state.
WS_MAX_FRAME_BYTES = env_int("WS_MAX_FRAME_BYTES", 8 * 1024 * 1024)
WS_RATE_PER_SECOND = env_int("WS_RATE_PER_SECOND", 100)
WS_RATE_BURST = env_int("WS_RATE_BURST", 400)
# Limits: what one socket, one person and one board may take (README, "Limits").
WS_BYTES_PER_SECOND = env_int("WS_BYTES_PER_SECOND", 1024 * 1024)
WS_AWARENESS_BYTES_PER_SECOND = env_int("WS_AWARENESS_BYTES_PER_SECOND", 64 * 1024)
WS_SEND_QUEUE_BYTES = env_int("WS_SEND_QUEUE_BYTES", 16 * 1024 * 1024)
WS_HANDSHAKE_SECONDS = env_int("WS_HANDSHAKE_SECONDS", 30)
WS_SOCKETS_PER_PERSON = env_int("WS_SOCKETS_PER_PERSON", 24)
WS_SOCKETS_PER_ADDRESS = env_int("WS_SOCKETS_PER_ADDRESS", 200)
UPDATE_MAX_STRUCTS = env_int("UPDATE_MAX_STRUCTS", 100_000)
VALUE_MAX_BYTES = env_int("VALUE_MAX_BYTES", 256 * 1024)
VALUE_MAX_DEPTH = env_int("VALUE_MAX_DEPTH", 32)
TYPE_MAX_DEPTH = env_int("TYPE_MAX_DEPTH", 8)
BOARD_MAX_OBJECTS = env_int("BOARD_MAX_OBJECTS", 10_000)
WRITE_BYTES_PER_MINUTE = env_int("WRITE_BYTES_PER_MINUTE", 8 * 1024 * 1024)
CHAT_MAX_LENGTH = 2000
CHAT_RATE = (5, 5.0)  # at most 5 messages in 5 seconds per person
# Messages the live chat document keeps; older ones stay in its history (log and archive).
CHAT_KEEP_MESSAGES = env_int("CHAT_KEEP_MESSAGES", 500)
ROOM_COMMAND_RATE = (20, 10.0)  # room commands (timer, lock, hands...): 20 in 10 s per person
# How long after a person's last socket to a room closes their co-working desk goes.
DESK_LEAVE_SECONDS = env_int("DESK_LEAVE_SECONDS", 15)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Boards show other people's content: no inline script or style, nothing from elsewhere.
# `connect-src` also gets the page's own ws:/wss: origin (coworking.security); `data:` there
# lets the client read images embedded in an imported JSON board.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:", "blob:"],
    "connect-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

# HTTPS: HTTPS=1 turns on redirects, secure cookies and HSTS; each can be set on its own.
HTTPS = env_bool("HTTPS", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", HTTPS)
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", HTTPS)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Behind a proxy that terminates TLS and sets X-Forwarded-Proto (and strips it from clients).
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"daphne": {"level": "WARNING"}, "django.channels.server": {"level": "WARNING"}},
}
