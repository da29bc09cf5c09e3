"""Settings for the archive. Everything deployment-specific comes from the environment."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)

# Serving needs the key (sessions, signed values): without DEBUG the site refuses to start without one
# (congress_site/serving.py, called by wsgi.py and asgi.py). Management commands (imports, exports, backups, the
# index) sign nothing and run without it, as the README shows them.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    # Before haystack: its rebuild_index (build aside, then swap: search stays up) replaces haystack's.
    "documents",
    "haystack",
    "simple_history",
    "tinymce",
    "axes",
]

MIDDLEWARE = [
    # First: it sees the final answer (compressed, Content-Length set) and leaves out the body of a HEAD's.
    "documents.archive.middleware.HeadWithoutBodyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before everything that writes the body: compresses pages, feeds, JSON and the sitemap.
    "documents.archive.middleware.TextGZipMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # JSON errors when JSON was asked for, and CORS on the read-only JSON (documents/opendata).
    "documents.opendata.middleware.JsonApiMiddleware",
    # GET and HEAD only on the public site, answered before a missing form token could be (a 405, not a 403).
    "documents.archive.middleware.PublicMethodsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "congress_site.urls"

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
                "documents.archive.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "congress_site.wsgi.application"
ASGI_APPLICATION = "congress_site.asgi.application"

if not os.environ.get("DATABASE_URL"):
    # The embedded default: a SQLite file under var/, created on first use.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Persistent connections: a new PostgreSQL connection is a new server process, which cost half the
    # throughput when every request opened one (bench/load.py --database postgres measures this against a psycopg
    # pool and against a connection per request). A gunicorn worker serves one request at a time, so each keeps
    # exactly one connection: WORKERS connections, plus the search applier's. The health check (one round trip
    # at the start of a request) replaces a connection the server dropped, e.g. when PostgreSQL restarts.
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "600"))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "0"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while an import or the index writer holds a write transaction. A transaction takes the
    # write lock when it begins (IMMEDIATE), waiting for it up to `timeout` seconds: a deferred one that read first
    # fails at once ("database is locked") when another process wrote meanwhile, whatever the timeout.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "timeout": 20,
         "transaction_mode": "IMMEDIATE"}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The site, the admin included, speaks Simplified Chinese whatever the browser asks for (no LocaleMiddleware).
LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
# Chinese for the few admin strings Django's own catalogue lacks.
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
# Production serving (`make serve` sets STATIC_MANIFEST=1 after `collectstatic`): WhiteNoise serves the hashed
# (cache-busted), compressed files with far-future caching. Development and tests use the files as they are.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
if STATIC_MANIFEST:
    MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
                      "whitenoise.middleware.WhiteNoiseMiddleware")
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))

# Public pages are cached in files every gunicorn worker shares (documents/cache.py says what, and
# documents/cache_invalidation.py when they are retired).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(Path(os.environ.get("CACHE_DIR", VAR_DIR / "cache"))),
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("CACHE_MAX_ENTRIES", "20000"))},
    }
}
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", str(24 * 3600)))

# Search: Whoosh on local disk by default; see README for Elasticsearch.
SEARCH_INDEX_DIR = Path(os.environ.get("SEARCH_INDEX_DIR", VAR_DIR / "whoosh_index"))
HAYSTACK_CONNECTIONS = {
    "default": {
        # Chinese analysis (jieba words + character bigrams); see documents/search/backends/whoosh/backend.py.
        "ENGINE": "documents.search.backends.whoosh.backend.ChineseWhooshEngine",
        "PATH": str(SEARCH_INDEX_DIR),
        # Spelling suggestions split on spaces (useless for Chinese) and cost about 1 s a query.
        "INCLUDE_SPELLING": False,
    },
}
# An OpenSearch cluster instead (docs/search-cluster.md): SEARCH_URL names one node or several, comma-separated (the
# client goes on through the others when one is down); SEARCH_INDEX_PREFIX lets several archives share a cluster.
SEARCH_URL = os.environ.get("SEARCH_URL", "")
if SEARCH_URL:
    HAYSTACK_CONNECTIONS["default"] = {
        "ENGINE": "documents.search.backends.opensearch.OpenSearchEngine",
        "URL": SEARCH_URL,
        "INDEX_PREFIX": os.environ.get("SEARCH_INDEX_PREFIX", "congress"),
    }

# Longest evaluation one search may take (documents/search/language/budget.py): past it the search stops and answers what it
# has found, with a note, well inside gunicorn's 60-second worker timeout.
SEARCH_SECONDS = float(os.environ.get("SEARCH_SECONDS", "1"))

# Writer processes for a full index build of a large archive (rebuild_index, big imports).
SEARCH_BUILD_PROCS = int(os.environ.get("SEARCH_BUILD_PROCS", str(min(2, os.cpu_count() or 1))))

# The site's identity: another city changes these and nothing else.
SITE_NAME = os.environ.get("SITE_NAME", "平顶山市人民代表大会常务委员会")
SITE_SHORT_NAME = os.environ.get("SITE_SHORT_NAME", "平顶山人大")
SITE_COPYRIGHT = os.environ.get("SITE_COPYRIGHT", "© 2004—2026")
SITE_OWNER = os.environ.get("SITE_OWNER", SITE_NAME)
SITE_ICP = os.environ.get("SITE_ICP", "豫ICP备15017033号")
# The column whose latest articles fill the home page's 通知公告 box.
NOTICE_COLUMN_SLUG = os.environ.get("NOTICE_COLUMN_SLUG", "notices")

# Largest file the importers and the admin upload accept.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(50 * 1024 * 1024)))
# Longest time reading one uploaded or attached file may take (documents/ingest/bounded.py): eight times what an
# ordinary 300-page PDF takes, and a quarter of gunicorn's 60-second worker timeout, which a web request must keep.
FILE_READ_SECONDS = float(os.environ.get("FILE_READ_SECONDS", "15"))
# Open data (documents/opendata): the longest a Word or PDF rendering may take (within gunicorn's 60 s), the CJK
# font PDFs embed (Debian's fonts-wqy-zenhei, installed by make), and where the bulk files are written.
DOWNLOAD_RENDER_SECONDS = float(os.environ.get("DOWNLOAD_RENDER_SECONDS", "20"))
PDF_FONT = os.environ.get("PDF_FONT", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
# The site's public address, for files written outside a request (the bulk CSV's links).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
OPEN_DATA_DIR = Path(os.environ.get("OPEN_DATA_DIR", VAR_DIR / "opendata"))
# Uploaded files above 5 MB go to a temporary file instead of memory; a long article body fits in 10 MB of form data.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Staff logins: 5 failures from one address and user lock that pair out for 15 minutes (django-axes).
AUTHENTICATION_BACKENDS = [
    "documents.editorial.auth_backends.AxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "admin/lockout.html"
AXES_RESET_ON_SUCCESS = True

# Production behind an HTTPS proxy (see README): HTTPS=1 turns on secure cookies, redirects and HSTS.
if env_bool("HTTPS"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = True
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# A refused form token gets the site's Chinese 403 page instead of Django's English one.
CSRF_FAILURE_VIEW = "documents.archive.errors.csrf_failure"
X_FRAME_OPTIONS = "DENY"

# Pages load scripts and styles from the site itself only; no inline script anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Article bodies may show images from other http(s) sites (documents.common.sanitize allows them).
        "img-src": [SELF, "http:", "https:", "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"without_traceback": {"()": "congress_site.log_filters.WithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # A request for another Host (a scanner, a misconfigured proxy): one line naming it, not a traceback.
    "loggers": {"django.security.DisallowedHost": {"filters": ["without_traceback"]}},
}
