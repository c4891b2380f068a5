"""Settings shared by every environment.

Fails closed: DEBUG is off and there is no SECRET_KEY here; dev.py and test.py set their own,
production.py refuses to start without one. Every environment variable the project reads is
listed in ENVIRONMENT_VARIABLES below and in .env.example.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.conf import global_settings
from django.conf.locale import LANG_INFO
from django.utils.translation import gettext_lazy as _

from website import content_security

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent

# The one typed list of environment variables (name, meaning). Keep .env.example in step.
ENVIRONMENT_VARIABLES = {
    "DJANGO_SECRET_KEY": "secret key; required in production",
    "DATABASE_URL": "database URL, e.g. postgres://user:pass@host/db; SQLite file by default",
    "ALLOWED_HOSTS": "comma-separated host names served in production",
    "ELASTICSEARCH_URL": "Elasticsearch 8 node; the database search backend when empty",
    "EMAIL_HOST": "production: SMTP host; mail goes to the console when empty",
    "EMAIL_URL_HOST": "older name of EMAIL_HOST, read when EMAIL_HOST is empty",
    "BRUG_BASE_URL": "public base URL: e-mails, the admin, canonical links, the sitemap",
    "MAP_TILE_URL": "map tile URL template (its host is allowed in the CSP's img-src)",
    "MAP_TILE_ATTRIBUTION": "attribution shown on the map",
    "GEOCODER": "online geocoder for street addresses: nominatim, photon or empty (postcodes only)",
    "GEOCODER_DOMAIN": "host[:port] of the online geocoder; geopy's default when empty",
    "GEOCODER_SCHEME": "https (default) or http",
    "GEOCODER_USER_AGENT": "user agent sent to the online geocoder (its usage policy asks)",
    "BRUG_VERIFICATION_PERIOD_DAYS": "days after which an unverified listing is stale (182)",
    "BRUG_REFERRAL_ANSWER_DAYS": "working days to answer a referral before reminders (3)",
    "BRUG_REFERRAL_RETENTION_DAYS": "days closed referrals keep client data (365)",
    "BRUG_FIGURES_CACHE_SECONDS": "seconds the managers' figures are cached (300; 0: never)",
    "BRUG_PUBLIC_CACHE_SECONDS": "seconds a public page is kept in the shared cache (300; 0: off)",
    "BRUG_CARD_CACHE_SECONDS": "seconds a result card is kept in the shared cache (300; 0: off)",
    "BRUG_CASELOAD_THRESHOLD": "open referrals from which a caseload is flagged (20)",
    "BRUG_SSL_REDIRECT": "production: 0 when the proxy itself redirects HTTP to HTTPS (1)",
    "BRUG_HSTS_PRELOAD": "production: 1 to ask browsers' HSTS preload list (0)",
    "BRUG_TRUSTED_PROXIES": "reverse proxies in front that append X-Forwarded-For (0: none)",
    "EMAIL_PORT": "production: SMTP port (587)",
    "EMAIL_HOST_USER": "production: SMTP user name (none when empty)",
    "EMAIL_HOST_PASSWORD": "production: SMTP password",
    "EMAIL_USE_TLS": "production: 1 for STARTTLS on the SMTP connection (1 unless SSL)",
    "EMAIL_USE_SSL": "production: 1 for implicit TLS, e.g. port 465 (0; not with EMAIL_USE_TLS)",
    "DEFAULT_FROM_EMAIL": "production: sender of the site's e-mails (Brug <noreply@brug.invalid>)",
    "SERVER_EMAIL": "production: sender of error reports to the admins (DEFAULT_FROM_EMAIL)",
    "BRUG_LOG_LEVEL": "production: level of the JSON log lines on stdout (INFO)",
    "REDIS_URL": "production: Redis for the shared cache, e.g. redis://127.0.0.1:6379/0 "
    "(the database's cache table when empty)",
    "BRUG_SEARCH_REPLICAS": "replicas of each shard of a new search index (0; 1 on a cluster)",
    "BRUG_TASK_LEASE_SECONDS": "seconds after which a RUNNING task counts as abandoned (3600)",
    "BRUG_ALLOW_DEBUG_JOBS": "1 lets the periodic commands run with DEBUG on (not in production)",
}

DEBUG = False
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h]

INSTALLED_APPS = [
    "website",
    "directory",
    "search",
    "hsds",
    "referrals",
    "wagtail.contrib.simple_translation",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.contrib.redirects",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.locales",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "ninja",  # the API docs' Swagger UI from our static files (a CDN page breaks under CSP)
    "axes",
    "django_tasks",
    "django_tasks_db",  # the database tasks backend's table and `manage.py db_worker`
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    # First: every later log line of the request carries its id (website/request_id.py).
    "website.request_id.RequestIdMiddleware",
    # The public revision (the ETag's, the kept cards' and labels' key) read once per request.
    "search.entries_cache.OneRevisionPerRequest",
    "django.middleware.security.SecurityMiddleware",
    # The Content-Security-Policy header on every response (website/content_security.py).
    "csp.middleware.CSPMiddleware",
    "website.content_security.WagtailAdminMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # HTML and JSON gzipped (static files come compressed from WhiteNoise above), except for
    # people signed in (BREACH; website/compression.py).
    "website.compression.PublicGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "website.middleware.LocaleMiddleware",  # Django's, but an admin 404 stays a 404
    # ETag on anonymous public pages and the API, revalidated; 304 before the view.
    # After the language is active: the language prefix of a URL resolves only then.
    "website.http_caching.PublicCachingMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A public page that shows a signed-in person's own actions is never shared-cached.
    "directory.private_pages.PrivateWhenPersonalMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Sign-in is rate-limited against password guessing (django-axes): after 5 failed attempts
# for one account from one address, that pair is locked out for 15 minutes.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "directory.views.locked_out"
AXES_VERBOSE = False
# Failed attempts are rows in the database (axes' own default, said here because it matters):
# every gunicorn worker and every machine counts the same five.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
# The client's address behind BRUG_TRUSTED_PROXIES reverse proxies (core/client_address.py):
# axes and every rate limit count the same address. Axes' own ipware settings say the same,
# for the day the callable goes (ipware is not installed, so axes uses the callable).
BRUG_TRUSTED_PROXIES = int(os.environ.get("BRUG_TRUSTED_PROXIES") or "0")
AXES_CLIENT_IP_CALLABLE = "core.client_address.client_address"
AXES_IPWARE_PROXY_COUNT = BRUG_TRUSTED_PROXIES or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if BRUG_TRUSTED_PROXIES else ("REMOTE_ADDR",)
)

ROOT_URLCONF = "website.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "website.context_processors.site_chrome",
            ],
        },
    },
]

WSGI_APPLICATION = "website.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The figures' covering index (INCLUDE columns) is a PostgreSQL speed-up; SQLite builds a plain
# index on the key instead, which is what we want there.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages. Content languages are Wagtail locales: every page exists in each (translated, or
# an alias showing the original). The interface, the taxonomy and search speak every language in
# LANGUAGES; one that is not a content language shows pages in their original language
# (core/languages.py). Adding a language: docs/operations.md, "Adding a language".
LANGUAGE_CODE = "nl"
WAGTAIL_CONTENT_LANGUAGES = [
    ("nl", "Nederlands"),
    ("fr", "Français"),
    ("en", "English"),
    ("ar", "العربية"),
]
# The main languages of people seeking protection in Belgium, each named in its own script.
LANGUAGES = [
    *WAGTAIL_CONTENT_LANGUAGES,
    ("uk", "Українська"),
    ("ru", "Русский"),
    ("fa", "دری / فارسی"),
    ("ps", "پښتو"),
    ("ti", "ትግርኛ"),
    ("so", "Soomaali"),
    ("tr", "Türkçe"),
    ("es", "Español"),
]
# Django knows neither Pashto, Tigrinya nor Somali, nor that Pashto is written right to left.
EXTRA_LANG_INFO = {
    "ps": {"bidi": True, "code": "ps", "name": "Pashto", "name_local": "پښتو"},
    "ti": {"bidi": False, "code": "ti", "name": "Tigrinya", "name_local": "ትግርኛ"},
    "so": {"bidi": False, "code": "so", "name": "Somali", "name_local": "Soomaali"},
}
LANG_INFO.update(EXTRA_LANG_INFO)
LANGUAGES_BIDI = [*global_settings.LANGUAGES_BIDI, "ps"]
WAGTAIL_I18N_ENABLED = True
# New pages get an alias in every other locale, so every URL exists in every language and an
# untranslated page shows its original content with a note instead of a 404.
WAGTAILSIMPLETRANSLATION_SYNC_PAGE_TREE = True
# Brug's catalogues, then Django's own strings for languages Django ships none for
# (scripts/i18n/django_core.py), with their date formats.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_django"]
# Belgian conventions for the content languages (day before month, 24 hours; website/formats).
FORMAT_MODULE_PATH = ["website.formats"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATICFILES_DIRS = [PROJECT_DIR / "static"]
STATIC_ROOT = BASE_DIR / "static_collected"
STATIC_URL = "/static/"
MEDIA_ROOT = BASE_DIR / "media"
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Wagtail
WAGTAIL_SITE_NAME = "Brug"
WAGTAILADMIN_BASE_URL = os.environ.get("BRUG_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "txt", "xlsx"]
# The admin speaks the content languages (Wagtail's own admin catalogues cover these).
WAGTAILADMIN_PERMITTED_LANGUAGES = WAGTAIL_CONTENT_LANGUAGES
WAGTAIL_ENABLE_UPDATE_CHECK = False
# The admin's date pickers write day/month/year, which every admin language's input formats
# read day first (website/formats); ISO dates are always accepted too.
WAGTAIL_DATE_FORMAT = "%d/%m/%Y"
WAGTAIL_DATETIME_FORMAT = "%d/%m/%Y %H:%M"
WAGTAIL_TIME_FORMAT = "%H:%M"

# Background work (index updates, e-mail, the periodic jobs) goes through django-tasks. Here
# and in the tests a task runs at once, inside the request that enqueued it; production
# queues it in the database for `manage.py db_worker` (docs/architecture.md, "Background work").
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# A task row RUNNING for longer than this is taken as abandoned by a worker that died and is
# run again (website/management/commands/db_worker.py; every task is safe to repeat).
# The settings the periodic commands ask for when they refuse DEBUG (core/periodic.py).
BRUG_PRODUCTION_SETTINGS = "website.settings.production"
BRUG_TASK_LEASE_SECONDS = int(os.environ.get("BRUG_TASK_LEASE_SECONDS") or "3600")

# Every e-mail is queued as a task (core/mail_queue.py), which hands it to the delivery
# backend: the console here, SMTP in production. Failed deliveries are tried again after
# these many seconds (then the task fails, logged).
EMAIL_BACKEND = "core.mail_queue.QueueingEmailBackend"
BRUG_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.console.EmailBackend"
BRUG_EMAIL_RETRY_DELAYS = (60, 300, 1800, 7200)
DEFAULT_FROM_EMAIL = "Brug <noreply@brug.invalid>"
# Moderation notices (submitted, approved, changes requested) come from Wagtail, in each
# recipient's admin language.
WAGTAILADMIN_NOTIFICATION_FROM_EMAIL = DEFAULT_FROM_EMAIL
WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS = False
WAGTAIL_PASSWORD_RESET_ENABLED = True
# Sign-in without "Remember me" and a rate-limited password reset (directory/accounts.py):
# reset mails per client address and per e-mail address an hour; over either limit no mail
# goes out, and the page says the same as always.
WAGTAILADMIN_USER_LOGIN_FORM = "directory.accounts.LoginForm"
WAGTAILADMIN_USER_PASSWORD_RESET_FORM = "directory.accounts.PasswordResetForm"  # noqa: S105
BRUG_PASSWORD_RESET_RATE_PER_HOUR = 5
BRUG_PASSWORD_RESET_ACCOUNT_RATE_PER_HOUR = 3

# Where the directory's organisation list may be created: under the home page of each
# language (website.HomePage). The directory reads it from here, so it names no app above it.
BRUG_ORGANISATION_INDEX_PARENT_PAGE_TYPES = ["website.HomePage"]

# Self-service (directory/invitations.py, directory/verification.py, directory/suggestions.py)
BRUG_INVITATION_VALID_DAYS = 7
BRUG_VERIFICATION_PERIOD_DAYS = int(os.environ.get("BRUG_VERIFICATION_PERIOD_DAYS", "182"))
BRUG_VERIFICATION_LINK_DAYS = 30
BRUG_SUGGESTION_MIN_SECONDS = 3
BRUG_SUGGESTION_RATE_PER_HOUR = 5
# Client feedback (directory/feedback.py): anonymous answers, aggregates only from this many.
BRUG_FEEDBACK_MIN_ANSWERS = 5
BRUG_FEEDBACK_RATE_PER_HOUR = 10
BRUG_FEEDBACK_MIN_SECONDS = 2
BRUG_FEEDBACK_RETENTION_DAYS = 730

# Map tiles are the one outside resource; everything else is served from our static files.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "&copy; OpenStreetMap contributors")

# Where a result's "open in a map" link goes (works without JavaScript; phones offer their
# map app). {lat} and {lon} are filled in.
BRUG_EXTERNAL_MAP_URL = "https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"

# Referrals: working days before a sent referral counts as overdue and its receiver is
# reminded (the curators are told after twice as long); days a closed referral keeps its
# client data before `anonymise_referrals` removes it.
BRUG_REFERRAL_ANSWER_DAYS = int(os.environ.get("BRUG_REFERRAL_ANSWER_DAYS", "3"))
BRUG_REFERRAL_RETENTION_DAYS = int(os.environ.get("BRUG_REFERRAL_RETENTION_DAYS", "365"))

# The managers' figures (referrals.analytics): recomputed at most every this many seconds;
# a caseload from this many open referrals is flagged (a manager can change it on the page);
# a search that found nothing is shown once it was made this many times.
BRUG_FIGURES_CACHE_SECONDS = int(os.environ.get("BRUG_FIGURES_CACHE_SECONDS", "300"))
# An anonymous public page or API answer is kept in the shared cache this many seconds (at
# most 300; 0: never), under its ETag (website/http_caching.py): a publish shows at once.
BRUG_PUBLIC_CACHE_SECONDS = int(os.environ.get("BRUG_PUBLIC_CACHE_SECONDS", "300"))
# A search result's card (the page's HTML, the API's fields) as every visitor who cannot refer
# from it sees it, kept this many seconds (at most 300; 0: never) under the directory's
# revision (search/cards.py): a publish shows at once.
BRUG_CARD_CACHE_SECONDS = int(os.environ.get("BRUG_CARD_CACHE_SECONDS", "300"))
BRUG_CASELOAD_THRESHOLD = int(os.environ.get("BRUG_CASELOAD_THRESHOLD", "20"))
BRUG_UNMET_QUERY_MIN_COUNT = 2
# The search entries' state (search.entries_cache: the vocabularies' and the public ETag's
# key) is read again at most every this many seconds per process: at 100,000 services its
# COUNT cost 30 ms of every public request. An index change shows this much later.
BRUG_ENTRIES_STATE_SECONDS = 1.0

# A GeoJSON file of municipality boundaries for the managers' gaps map (directory/boundaries.py;
# none ship with Brug): without one, the map draws a circle per municipality.
BRUG_MUNICIPALITY_BOUNDARIES = os.environ.get("BRUG_MUNICIPALITY_BOUNDARIES", "")

# Geocoding (directory.geocoding): the offline gazetteer always; an online geocoder for street
# addresses only when configured, rate-limited, never blocking a save.
BRUG_GEOCODER_COUNTRIES = ("BE", "NL")  # preferred first when a postcode or name is in both
BRUG_GEOCODER = os.environ.get("GEOCODER", "")
BRUG_GEOCODER_DOMAIN = os.environ.get("GEOCODER_DOMAIN", "")
BRUG_GEOCODER_SCHEME = os.environ.get("GEOCODER_SCHEME", "https")
BRUG_GEOCODER_USER_AGENT = os.environ.get("GEOCODER_USER_AGENT", "brug-directory")
BRUG_GEOCODER_TIMEOUT = 3  # seconds; a slow geocoder must not hold up an editor's save
BRUG_GEOCODER_MIN_DELAY = 1.0  # seconds between requests (Nominatim's usage policy)

# Shown in the page footer when the database holds demo data (set by load_demo's caller).
BRUG_DEMO_NOTICE = _("Demo data: the organisations and services shown here are examples.")

# Sessions are the admin's only (public pages set no cookie), and the admin shows referral
# data: a session ends when the browser closes and, on the server, 12 hours after it was
# last saved. Django rotates the session key on sign-in and a password change signs out
# every other session (the session keeps a hash of the password).
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "SAMEORIGIN"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = content_security.policy(MAP_TILE_URL)
# The admin's avatars from this server only (no Gravatar requests; CSP allows no other host).
WAGTAIL_GRAVATAR_PROVIDER_URL = None

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
BRUG_SEARCH_BACKEND = "search.backends.database.DatabaseBackend"

# Elasticsearch is switched on by its variable; the database backend serves otherwise (and
# whenever the node is unreachable).
ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
BRUG_SEARCH_INDEX = os.environ.get("BRUG_SEARCH_INDEX", "brug-services")
# Seconds after which the worker tries again an Elasticsearch write (or rebuild) that failed;
# the outbox keeps the change meanwhile and after the last try (`search_index replay` runs
# every few minutes). Never a wait inside a request.
BRUG_SEARCH_RETRY_DELAYS = (5, 30, 120, 600)
# Seconds each kind of Elasticsearch request may take: a search fails fast (the database
# answers), one service's write a little slower, a whole index's bulk fill or refresh minutes.
# Copies of each shard on other nodes: 0 for one node (a replica could never be placed, and
# the cluster would stay yellow), 1 on a cluster so that losing a node loses no document.
BRUG_SEARCH_REPLICAS = int(os.environ.get("BRUG_SEARCH_REPLICAS") or "0")
BRUG_ELASTICSEARCH_TIMEOUTS = {"search": 5, "write": 10, "bulk": 120, "refresh": 120, "alias": 30}
if ELASTICSEARCH_URL:
    BRUG_SEARCH_BACKEND = "search.backends.elasticsearch.ElasticsearchBackend"
