"""ShadowVault settings: everything comes from the environment (see README, "Configuration").

Defaults give the embedded single-machine setup: SQLite under data/, local media storage,
Celery on kombu's filesystem transport, local-memory cache. A bad value stops start-up
with one line naming the setting (shadowvault.config).
"""

from pathlib import Path
from typing import Any

from celery.schedules import crontab

from shadowvault import config, logging_config, task_queues

BASE_DIR = config.BASE_DIR
DATA_DIR = config.default_data_dir(BASE_DIR)
# Read, not exported: importing settings changes nothing in os.environ.
_generated_secrets = config.read_secrets_file(DATA_DIR)

DEBUG = config.boolean("DEBUG", default=False)
SECRET_KEY = config.secret("SECRET_KEY", _generated_secrets)
# Signs media links; shared with the nginx gateway's secure_link_md5 (see deploy/nginx).
LINK_SECRET = config.secret("LINK_SECRET", _generated_secrets)

# Hosts are checked against the tenants' Domain table by tenants.middleware.TenantMiddleware,
# which answers 404 for any hostname no tenant owns. ALLOWED_HOSTS may narrow it further.
ALLOWED_HOSTS = config.string_list("ALLOWED_HOSTS", ["*"])
CSRF_TRUSTED_ORIGINS = config.string_list("CSRF_TRUSTED_ORIGINS", [])
# Peers whose X-Real-IP names the client (shadowvault.client_address): the nginx gateway's
# address. Loopback by default, as gunicorn and uvicorn trust by default: the gateway on this
# machine; a client elsewhere cannot choose its address. Empty: believe no header.
TRUSTED_PROXIES = config.networks("TRUSTED_PROXIES", "127.0.0.1,::1")
# A TLS terminator in front sends X-Forwarded-Proto; links made for mail then say https.
BEHIND_TLS_PROXY = config.boolean("BEHIND_TLS_PROXY", default=False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # HSTS (SecurityMiddleware, on HTTPS answers only): a year, this host alone unless asked.
    SECURE_HSTS_SECONDS = config.integer("SECURE_HSTS_SECONDS", 365 * 24 * 3600, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = config.boolean("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
    SECURE_HSTS_PRELOAD = config.boolean("SECURE_HSTS_PRELOAD", False)
# Media and page links carry their signature in the query string, and so do reset links:
# no other origin may see a URL of ours, not even its origin (docs/security.md).
SECURE_REFERRER_POLICY = "same-origin"

# Sites made in the admin's one form answer at once on "<slug>.<SITES_BASE_DOMAIN>" (a wildcard
# DNS record and certificate are the operator's). Empty: the form asks for it to be set.
SITES_BASE_DOMAIN = config.text("SITES_BASE_DOMAIN", "").strip().lower().rstrip(".")
if SITES_BASE_DOMAIN and not config.is_hostname(SITES_BASE_DOMAIN):
    raise config.ConfigurationError("SITES_BASE_DOMAIN", "expected a hostname such as example.com")
# Custom domains (tenants/custom_domains.py) prove control by a DNS TXT record, asked of these
# nameservers ("address" or "address:port"; empty: the system's), or by a file fetched over
# HTTP on this port (80; tests serve it elsewhere) through ingest's SSRF guard.
DOMAIN_VERIFY_NAMESERVERS = config.address_ports("DOMAIN_VERIFY_NAMESERVERS", 53)
DOMAIN_VERIFY_HTTP_PORT = config.integer("DOMAIN_VERIFY_HTTP_PORT", 80, minimum=1)
DOMAIN_VERIFY_TIMEOUT = config.integer("DOMAIN_VERIFY_TIMEOUT", 5, minimum=1)
# The gateway follows verified domains (stored_media/gateway_hosts.py): the map of hostnames
# it serves is rewritten here on every change, then this command reloads it (empty: none).
GATEWAY_HOSTS_FILE = config.text("GATEWAY_HOSTS_FILE", "")
GATEWAY_RELOAD_COMMAND = config.text("GATEWAY_RELOAD_COMMAND", "")
# The gateway's authorize cache folder, where an unpublish deletes the answers it made wrong
# (stored_media/authorize_cache.py); "" turns the purge off. The default is where
# `manage.py gateway_config` puts it.
GATEWAY_AUTHORIZE_CACHE = config.text(
    "GATEWAY_AUTHORIZE_CACHE", str(DATA_DIR / "gateway" / "authorize")
)

INSTALLED_APPS = [
    "shadowvault.apps.ShadowVaultAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "shadowvault",
    "tenants",
    "stored_media",
    "streaming",
    "readvault",
    "ads",
    "billing",
    "takedowns",
    "console",
    "curation",
    "figures",
    "stremio",
    "parties",
    "audit",
]

MIDDLEWARE = [
    # First: axes, link binding, /readyz and the access log all read the address it settles.
    "shadowvault.client_address.client_address_middleware",
    # Next: every line logged while the request is served carries its id (docs/logs.md).
    "shadowvault.request_id.request_id_middleware",
    "django.middleware.security.SecurityMiddleware",
    "shadowvault.metrics.requests.RequestMetricsMiddleware",  # every answer, by route
    "shadowvault.content_security.ContentSecurityPolicyMiddleware",  # pages load only our own
    "shadowvault.security_headers.PermissionsPolicyMiddleware",  # no camera, microphone...
    "shadowvault.nul_guard.RefuseNulMiddleware",  # before anything reads text into a query
    "shadowvault.static_files.StaticFilesMiddleware",
    "tenants.middleware.TenantMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tenants.middleware.MembershipMiddleware",
    # After the user and their membership are known: what operators and site admins change.
    "audit.recording.audit_middleware",
    # A suspended or closed site's page for every viewer route (operators and /admin/ pass).
    "tenants.site_gate.SiteStateGate",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "shadowvault.urls"
WSGI_APPLICATION = "shadowvault.wsgi.application"
ASGI_APPLICATION = "shadowvault.asgi.application"

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
                "tenants.context_processors.tenant",
            ],
        },
    },
]

DATABASES = {
    "default": config.database("DATABASE_URL", f"sqlite:///{DATA_DIR / 'shadowvault.sqlite3'}")
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = config.url("REDIS_URL", None, {"redis", "rediss"})
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Watch parties (parties/, docs/watch-party.md): websockets through Django Channels on the
# same uvicorn processes. The in-memory channel layer reaches one process's sockets (the
# embedded setup); with a Redis URL (default: REDIS_URL) the layer and the parties' rooms
# live in Redis, so members of one party may sit on different processes.
CHANNEL_LAYER_URL = config.url(
    "CHANNEL_LAYER_URL", REDIS_URL or "memory://", {"memory", "redis", "rediss"}
)
if CHANNEL_LAYER_URL.startswith("redis"):
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [CHANNEL_LAYER_URL], "prefix": "sv:asgi"},
        }
    }
    PARTY_ROOM_REDIS_URL = CHANNEL_LAYER_URL
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    PARTY_ROOM_REDIS_URL = ""
PARTY_ROOM_KEY_PREFIX = "sv:party"  # Redis keys of the parties' rooms; tests use their own

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Login throttling (django-axes): lock a username+address pair after repeated failures.
AXES_FAILURE_LIMIT = config.integer("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = config.integer("LOGIN_COOLOFF_MINUTES", 15, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "shadowvault.client_address.client_address"

EMAIL_URL = config.url("EMAIL_URL", "consolemail://", {"consolemail", "smtp", "smtps", "smtp+tls"})
_email = config.email(EMAIL_URL)
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"] or "localhost"
EMAIL_PORT = _email["EMAIL_PORT"] or 25
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"] or ""
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"] or ""
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = config.text("DEFAULT_FROM_EMAIL", "ShadowVault <noreply@localhost>")

LANGUAGE_CODE = "en-us"
TIME_ZONE = config.text("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT: Path = config.directory("MEDIA_ROOT", DATA_DIR / "media")
MEDIA_URL = "uploads/"
# Media storage and streaming (see README, "Streaming").
MEDIA_STORAGE = config.choice("MEDIA_STORAGE", "local", {"local", "s3", "telegram"})
MEDIA_LINK_LIFETIME = config.integer("MEDIA_LINK_LIFETIME", 6 * 3600, minimum=60)
# Bytes read and sent at a time when Django streams itself (no gateway). Each stalled viewer
# holds about one chunk: 128 KiB keeps 200 slow viewers under 300 MB (bench/stream.py).
STREAM_CHUNK_SIZE = config.integer("STREAM_CHUNK_SIZE", 128 * 1024, minimum=4096)
STREAM_BACKEND_TIMEOUT = config.integer("STREAM_BACKEND_TIMEOUT", 30, minimum=1)
S3_BUCKET = config.text("S3_BUCKET", "")
S3_ENDPOINT_URL = config.url("S3_ENDPOINT_URL", None, {"http", "https"})
S3_ACCESS_KEY_ID = config.text("S3_ACCESS_KEY_ID", "")
S3_SECRET_ACCESS_KEY = config.text("S3_SECRET_ACCESS_KEY", "")
S3_REGION = config.text("S3_REGION", "us-east-1")
TELEGRAM_API_ID = config.integer("TELEGRAM_API_ID", 0, minimum=0)
TELEGRAM_API_HASH = config.text("TELEGRAM_API_HASH", "")
TELEGRAM_SESSIONS = config.string_list("TELEGRAM_SESSIONS", [])
TELEGRAM_BOT_TOKENS = config.string_list("TELEGRAM_BOT_TOKENS", [])
TELEGRAM_CHANNEL = config.text("TELEGRAM_CHANNEL", "")
TELEGRAM_STREAMS_PER_SESSION = config.integer("TELEGRAM_STREAMS_PER_SESSION", 15, minimum=1)
# Telegram caps a document at 2000 MiB (4000 MiB with Premium); larger files become parts.
TELEGRAM_PART_SIZE = config.integer("TELEGRAM_PART_SIZE", 2000 * 1024 * 1024, minimum=1024 * 1024)
TELEGRAM_REQUEST_TIMEOUT = config.integer("TELEGRAM_REQUEST_TIMEOUT", 20, minimum=1)
# getFile requests kept in flight per read: each is a 100-300 ms round trip to a data centre.
TELEGRAM_READ_AHEAD = config.integer("TELEGRAM_READ_AHEAD", 4, minimum=1)
if MEDIA_STORAGE == "s3" and not S3_BUCKET:
    raise config.ConfigurationError("S3_BUCKET", "is required when MEDIA_STORAGE=s3")
if MEDIA_STORAGE == "telegram" and not (TELEGRAM_CHANNEL and TELEGRAM_API_ID):
    raise config.ConfigurationError(
        "TELEGRAM_CHANNEL", "TELEGRAM_CHANNEL and TELEGRAM_API_ID are required for Telegram"
    )

# Concurrent streams (docs/franchise.md, "Concurrent streams"): a player beats every
# STREAM_HEARTBEAT_EVERY seconds while it plays; a session silent for STREAM_SESSION_TTL is
# gone. The store: Redis (with TTLs) when REDIS_URL is set, else the database; or say which.
STREAM_SESSION_TTL = config.integer("STREAM_SESSION_TTL", 90, minimum=2)
STREAM_HEARTBEAT_EVERY = config.integer("STREAM_HEARTBEAT_EVERY", 30, minimum=1)
STREAM_LIMITS_STORE = config.choice("STREAM_LIMITS_STORE", "auto", {"auto", "redis", "database"})
STREAM_LIMITS_KEY_PREFIX = "sv:streams"  # Redis keys; tests use one of their own
if STREAM_HEARTBEAT_EVERY * 2 > STREAM_SESSION_TTL:
    # One lost beat (a network hiccup) must not end a stream that is still playing.
    raise config.ConfigurationError(
        "STREAM_HEARTBEAT_EVERY", "must be at most half of STREAM_SESSION_TTL"
    )
if STREAM_LIMITS_STORE == "redis" and not REDIS_URL:
    raise config.ConfigurationError("STREAM_LIMITS_STORE", "redis needs REDIS_URL")

# Metadata (streaming/metadata): TMDB v3; without a key, titles stay skeletons from file names.
TMDB_API_KEY = config.text("TMDB_API_KEY", "")
TMDB_API_URL = config.url("TMDB_API_URL", "https://api.themoviedb.org/3", {"http", "https"})
TMDB_LANGUAGE = config.text("TMDB_LANGUAGE", "en-US")
TMDB_TIMEOUT = config.integer("TMDB_TIMEOUT", 10, minimum=1)
# Metadata (readvault/metadata): AniList's public GraphQL API needs no key; "off" stops the
# lookups ("match metadata" then says so). Imports never wait on it: the operator asks.
ANILIST_API_URL = (
    ""
    if config.text("ANILIST_API_URL", "") == "off"
    else config.url("ANILIST_API_URL", "https://graphql.anilist.co", {"http", "https"})
)
ANILIST_TIMEOUT = config.integer("ANILIST_TIMEOUT", 10, minimum=1)
ANILIST_TITLE_LANGUAGE = config.choice(
    "ANILIST_TITLE_LANGUAGE", "english", {"english", "romaji", "native"}
)

# Ingest (streaming/ingest, see docs/ingest.md): URLs and files to playable, stored videos.
# Each job works in its own folder under INGEST_WORK_DIR; folders a crash left are swept.
INGEST_WORK_DIR: Path = config.directory("INGEST_WORK_DIR", DATA_DIR / "ingest")
# The admin's "import a folder" lists folders under this one and nothing outside it.
INGEST_IMPORT_DIR: Path = config.directory("INGEST_IMPORT_DIR", DATA_DIR / "import")
INGEST_MAX_BYTES = config.integer("INGEST_MAX_BYTES", 50 * 1024**3, minimum=1024)
# A download stops (and fails) when the work disk would drop below this much free space.
INGEST_MIN_FREE_BYTES = config.integer("INGEST_MIN_FREE_BYTES", 2 * 1024**3, minimum=0)
INGEST_CONNECT_TIMEOUT = config.integer("INGEST_CONNECT_TIMEOUT", 15, minimum=1)
# A server that sends nothing for this long has stalled: the connection is dropped and resumed.
INGEST_STALL_TIMEOUT = config.integer("INGEST_STALL_TIMEOUT", 60, minimum=1)
INGEST_DOWNLOAD_RETRIES = config.integer("INGEST_DOWNLOAD_RETRIES", 5, minimum=0)
# Hosts (names, or IP addresses / CIDR networks) the SSRF guard lets through even when they
# are private, loopback or link-local: e.g. a NAS on the LAN. Empty by default.
INGEST_ALLOWED_HOSTS = config.string_list("INGEST_ALLOWED_HOSTS", [])
# aria2c (Debian package aria2) downloads in parallel segments when installed; "off" never.
# A big file starts on one connection; when that runs slower than INGEST_ARIA2_SLOWER_THAN
# bytes/s (a server capping each connection), aria2c continues it on several. A fast
# connection is kept: aria2c's single-threaded receive path tops out near 0.55 GB/s here,
# where one plain connection reaches 1 GB/s.
INGEST_ARIA2 = config.choice("INGEST_ARIA2", "auto", {"auto", "off"})
INGEST_ARIA2_CONNECTIONS = config.integer("INGEST_ARIA2_CONNECTIONS", 8, minimum=1)
INGEST_ARIA2_SLOWER_THAN = config.integer("INGEST_ARIA2_SLOWER_THAN", 50 * 1024**2, minimum=0)
INGEST_TRANSCODE_PRESET = config.choice(
    "INGEST_TRANSCODE_PRESET",
    "veryfast",
    {"ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower"},
)
INGEST_TRANSCODE_CRF = config.integer("INGEST_TRANSCODE_CRF", 22, minimum=0)
# Longest a processing step may run before it is stopped (Celery soft time limit), seconds.
INGEST_PROCESS_TIME_LIMIT = config.integer("INGEST_PROCESS_TIME_LIMIT", 6 * 3600, minimum=60)
# Progressive renditions (streaming/progressive): a file that needs a video transcode is
# live within seconds as CMAF segments, while the final MP4 is made beside it.
PROGRESSIVE_TRANSCODE = config.boolean("PROGRESSIVE_TRANSCODE", True)
# The final encode writes segments too (one encode for both): while it runs well ahead of
# the viewers, no separate encoder runs for them (streaming/progressive/final_run.py).
PROGRESSIVE_FINAL_SEGMENTS = config.boolean("PROGRESSIVE_FINAL_SEGMENTS", True)
# Encoders one machine runs at once (every worker process counts); more wait their turn.
PROGRESSIVE_ENCODERS = config.integer("PROGRESSIVE_ENCODERS", 2, minimum=1)
PROGRESSIVE_SLOT_DIR: Path = config.directory("PROGRESSIVE_SLOT_DIR", DATA_DIR / "encoder-slots")
# The tallest progressive rendition; the encoder steps down from it when it runs too slowly.
PROGRESSIVE_MAX_HEIGHT = config.integer("PROGRESSIVE_MAX_HEIGHT", 720, minimum=144)
# Seconds made from the start before anyone watches, and kept ahead of each viewer.
PROGRESSIVE_HEAD_SECONDS = config.integer("PROGRESSIVE_HEAD_SECONDS", 12, minimum=4)
PROGRESSIVE_AHEAD_SECONDS = config.integer("PROGRESSIVE_AHEAD_SECONDS", 60, minimum=8)
# How long segments outlive the final MP4 (players move over at their next poll).
PROGRESSIVE_KEEP_SECONDS = config.integer("PROGRESSIVE_KEEP_SECONDS", 300, minimum=0)
# Tests and benches only: seconds the final encode waits before it starts, and a cap on how
# fast progressive encoders read their source (x real time, ffmpeg's -readrate; 0: none), so
# a small test film behaves like a long one on a slow machine.
PROGRESSIVE_FINAL_DELAY = config.integer("PROGRESSIVE_FINAL_DELAY", 0, minimum=0)
PROGRESSIVE_READ_RATE = config.integer("PROGRESSIVE_READ_RATE", 0, minimum=0)
# A running job reports a heartbeat; one silent for this long is taken over by another worker.
INGEST_LEASE_SECONDS = config.integer("INGEST_LEASE_SECONDS", 60, minimum=5)
INGEST_MAX_ATTEMPTS = config.integer("INGEST_MAX_ATTEMPTS", 3, minimum=1)
# How often beat's sweep queues silent jobs again (ingest_core/job_sweep.py): a job whose worker
# died waits up to INGEST_LEASE_SECONDS plus this. bench/load.py shortens both for its run.
INGEST_SWEEP_SECONDS = config.integer("INGEST_SWEEP_SECONDS", 60, minimum=1)
# A job waiting in the queue this long (beyond any retry's backoff, at most 600 s) is queued
# again by the sweep: its message may have gone with a killed worker.
INGEST_REQUEUE_SECONDS = config.integer("INGEST_REQUEUE_SECONDS", 900, minimum=5)
# Resumable uploads from the admin (tus, streaming/uploads; docs/ingest.md): chunks are written
# to one file per upload in this folder; an upload is refused past the cap or when the disk
# would keep less than INGEST_MIN_FREE_BYTES, and swept when nothing arrived for the expiry.
INGEST_UPLOAD_DIR: Path = config.directory("INGEST_UPLOAD_DIR", DATA_DIR / "uploads")
INGEST_UPLOAD_MAX_BYTES = config.integer("INGEST_UPLOAD_MAX_BYTES", 50 * 1024**3, minimum=1024)
INGEST_UPLOAD_EXPIRY_HOURS = config.integer("INGEST_UPLOAD_EXPIRY_HOURS", 24, minimum=1)
# Telegram operators allowed to use the bot's /leech command (numeric Telegram user ids),
# and the bot token the `telegram_bot` command signs in with.
TELEGRAM_OPERATOR_IDS = config.string_list("TELEGRAM_OPERATOR_IDS", [])
TELEGRAM_LEECH_BOT_TOKEN = config.text("TELEGRAM_LEECH_BOT_TOKEN", "")
# The site (a domain name) whose jobs /leech creates; empty: the first active site.
TELEGRAM_LEECH_SITE = config.text("TELEGRAM_LEECH_SITE", "")

# ReadVault page images (readvault/pages/images.py): reading widths in WebP and JPEG, and in
# AVIF too when on (about 1.1 s of CPU a page here); covers and thumbnails always get AVIF.
READVAULT_PAGE_AVIF = config.boolean("READVAULT_PAGE_AVIF", False)

# Sample media made by `manage.py bootstrap` for the demo install (later imported by ingest).
SAMPLE_MEDIA_DIR = DATA_DIR / "sample"

# Celery: the embedded default is kombu's filesystem transport, which needs no broker process
# yet really hands tasks to a separate worker. Set CELERY_BROKER_URL=redis://... at scale.
CELERY_BROKER_URL: str = config.url(
    # "localhost" only names the machine: without a host kombu warns on every connection.
    "CELERY_BROKER_URL",
    "filesystem://localhost/",
    {"filesystem", "redis", "rediss", "memory"},
)
BROKER_DIR = DATA_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem"):
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, Any] = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        # Exchange tables; kombu's default is "control" in the working directory.
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
        "polling_interval": 0.2,
    }
    _default_results = f"file://{DATA_DIR / 'celery-results'}"
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
    _default_results = CELERY_BROKER_URL
CELERY_RESULT_BACKEND: str = config.url(
    "CELERY_RESULT_BACKEND", _default_results, {"file", "redis", "rediss", "cache"}
)
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_DEFAULT_QUEUE = "default"
# Queues by kind of work, one table for Celery's routes and every caller that queues a task.
WORKER_QUEUES = task_queues.WORKER_QUEUES
CELERY_TASK_ROUTES = task_queues.celery_routes()
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {
        "task": "shadowvault.tasks.clear_expired_sessions",
        "schedule": 6 * 3600,
    },
    "ingest-sweep": {"task": "streaming.tasks.ingest_sweep", "schedule": INGEST_SWEEP_SECONDS},
    "comic-import-sweep": {
        "task": "readvault.tasks.import_sweep",
        "schedule": INGEST_SWEEP_SECONDS,
    },
    "upload-sweep": {"task": "streaming.tasks.sweep_uploads", "schedule": 3600},
    # Sites (docs/franchise.md): the grace period's end, then a closed site's data.
    "suspend-overdue-sites": {"task": "tenants.tasks.suspend_overdue_sites", "schedule": 900},
    "remove-closed-site-data": {"task": "tenants.tasks.remove_closed_site_data", "schedule": 3600},
    "recheck-pending-domains": {"task": "tenants.tasks.recheck_pending_domains", "schedule": 600},
    # The console's figures (figures.roll_up): yesterday, shortly after midnight UTC.
    "roll-up-figures": {
        "task": "figures.tasks.roll_up_day",
        "schedule": crontab(minute=15, hour=0),
    },
    # Ads (docs/ads.md): impressions past what the frequency caps look back on.
    "prune-ad-impressions": {"task": "ads.tasks.prune_impressions", "schedule": 3600},
    "forget-old-audit-events": {"task": "audit.tasks.forget_old_events", "schedule": 24 * 3600},
}
# The audit log (audit/): what operators and site admins did is kept this many days.
AUDIT_KEEP_DAYS = config.integer("AUDIT_KEEP_DAYS", 365, minimum=1)
# Figures: raw activity is kept this many days (a day can be rolled up again while its rows
# are), and one progress save counts at most this many seconds of watching (figures.recording).
FIGURES_RAW_DAYS = config.integer("FIGURES_RAW_DAYS", 35, minimum=2)
FIGURES_MAX_SECONDS_PER_SAVE = config.integer("FIGURES_MAX_SECONDS_PER_SAVE", 60, minimum=1)
# Ads: one viewer's impressions are kept this many days for the frequency caps (per hour, per
# day, per title in a day); the daily counts (ads.models.CampaignDay) are kept for good.
ADS_IMPRESSIONS_DAYS = config.integer("ADS_IMPRESSIONS_DAYS", 2, minimum=1)

# Billing (docs/billing.md): "stripe" when a Stripe key is set, else "manual" (the operator
# records payments in the admin). Keys only from the environment; STRIPE_API_BASE points
# the client at Stripe's API (the tests point it at a local double).
STRIPE_SECRET_KEY = config.text("STRIPE_SECRET_KEY", "")
STRIPE_WEBHOOK_SECRET = config.text("STRIPE_WEBHOOK_SECRET", "")
STRIPE_API_BASE = config.url("STRIPE_API_BASE", "https://api.stripe.com", {"http", "https"})
BILLING_PROVIDER = config.choice(
    "BILLING_PROVIDER", "stripe" if STRIPE_SECRET_KEY else "manual", {"stripe", "manual"}
)
if BILLING_PROVIDER == "stripe" and not STRIPE_SECRET_KEY:
    raise config.ConfigurationError("STRIPE_SECRET_KEY", "is required when BILLING_PROVIDER=stripe")
# Who the operator's invoices to site owners are from.
BILLING_OPERATOR_NAME = config.text("BILLING_OPERATOR_NAME", "ShadowVault")

# Prometheus figures (docs/metrics.md): /metrics answers a signed-in operator, or a scraper
# sending "Authorization: Bearer <METRICS_TOKEN>" (unset: no token works). The gateway's
# cache log (`gateway_config --cache-log`) is read from GATEWAY_CACHE_LOG.
METRICS_TOKEN = config.text("METRICS_TOKEN", "")
METRICS_STATE_DIR: Path = config.directory("METRICS_STATE_DIR", DATA_DIR / "metrics")
GATEWAY_CACHE_LOG = config.text("GATEWAY_CACHE_LOG", str(DATA_DIR / "gateway" / "cache.log"))

# JSON API (streaming/api): session auth for the site's own pages, tokens for apps.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First, so a refused token is a 401 (streaming/api/authentication.py).
        "streaming.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["streaming.api.permissions.SiteMemberOrReadOnly"],
    # API_RATE_PER_TOKEN for token calls, API_RATE_PER_ADDRESS for the rest (429 past it).
    "DEFAULT_THROTTLE_CLASSES": [
        "streaming.api.throttling.TokenRateThrottle",
        "streaming.api.throttling.AddressRateThrottle",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 24,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # DRF's own three, with a JSON parser that answers deep nesting with a 400 (not a 500).
    "DEFAULT_PARSER_CLASSES": [
        "shadowvault.api_parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
# API calls a token (any address) or an address (calls without a token) may make, as
# "<count>/<second|minute|hour|day>"; empty: no limit. PeerTube's default is 50 per 10 s an
# address; the player saves progress every 10 s, so a household behind one address fits.
API_RATE_PER_TOKEN = config.rate("API_RATE_PER_TOKEN", "600/minute")
API_RATE_PER_ADDRESS = config.rate("API_RATE_PER_ADDRESS", "300/minute")
# Days a new API token works (0: until revoked); a password change revokes them all.
API_TOKEN_LIFETIME_DAYS = config.integer("API_TOKEN_LIFETIME_DAYS", 90, minimum=0)
SPECTACULAR_SETTINGS = {
    "TITLE": "ShadowVault API",
    "DESCRIPTION": "Catalogue, progress, watchlist and comments of one site (the request's host).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Served from our own static files, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The system's fonts: Redoc's defaults (Montserrat, Roboto) would come from Google Fonts.
    "REDOC_UI_SETTINGS": {
        "theme": {
            "typography": {
                "fontFamily": "system-ui, sans-serif",
                "headings": {"fontFamily": "system-ui, sans-serif"},
                "code": {"fontFamily": "ui-monospace, monospace"},
            }
        }
    },
}

# Logs (docs/logs.md): one JSON object a line on the console by default, which is what a log
# collector (journald, docker) reads; `manage.py runall` (make run) asks its processes for
# plain text, for a person at the terminal, unless LOG_FORMAT is set. Every process also
# writes JSON lines to LOG_DIR/<role>-<pid>.jsonl ("off": none) for the admin's live log view.
LOG_LEVEL = config.text("LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise config.ConfigurationError(
        "LOG_LEVEL", "expected one of CRITICAL, DEBUG, ERROR, INFO, WARNING"
    )
LOG_FORMAT = config.choice("LOG_FORMAT", "json", {"json", "plain"})
LOG_DIR: Path | None = (
    None if config.text("LOG_DIR", "") == "off" else config.directory("LOG_DIR", DATA_DIR / "logs")
)
LOG_FILE_MAX_BYTES = config.integer("LOG_FILE_MAX_BYTES", 5 * 1024**2, minimum=64 * 1024)
LOG_FILE_KEEP_DAYS = config.integer("LOG_FILE_KEEP_DAYS", 7, minimum=1)
# One live-tail response lasts this long, then the browser reconnects where it stopped: a
# gunicorn sync worker is held while it is open. 0: answer the lines there are and close.
LOG_STREAM_SECONDS = config.integer("LOG_STREAM_SECONDS", 25, minimum=0)
LOGGING = logging_config.logging_dict(
    LOG_LEVEL,
    LOG_FORMAT,
    str(LOG_DIR) if LOG_DIR else None,
    LOG_FILE_MAX_BYTES,
    LOG_FILE_KEEP_DAYS,
)
