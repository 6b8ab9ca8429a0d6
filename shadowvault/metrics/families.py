"""The figures processes count as things happen. Labels are bounded sets: a URL pattern's
name (never a raw path), a status code, a storage backend, a Telegram session's index in
the configuration, an S3 operation, a vault, a step and a job state. The names here are the
ones docs/metrics.md lists and deploy/grafana/shadowvault.json charts."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

REQUESTS = Counter(
    "shadowvault_http_requests",
    "Requests Django answered, by URL pattern name and status",
    ["route", "method", "status"],
)
REQUEST_SECONDS = Histogram(
    "shadowvault_http_request_duration_seconds",
    "Time from the request to its answer's headers, by URL pattern name",
    ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)

MEDIA_AUTHORIZATIONS = Counter(
    "shadowvault_media_authorizations",
    "The gateway's auth_request answers, by storage backend and answer",
    ["backend", "answer"],  # answer: sendfile (nginx sends a local file), proxied, refused
)
MEDIA_STREAMS = Gauge(
    "shadowvault_media_streams_active",
    "Media bodies the origin is sending now (slices for the gateway, or whole streams)",
    ["backend"],
    multiprocess_mode="livesum",
)
MEDIA_BYTES = Counter(
    "shadowvault_media_bytes",
    "Media bytes the origin sent (local files nginx sends itself are not counted)",
    ["backend"],
)

TELEGRAM_CALLS = Gauge(
    "shadowvault_telegram_calls_in_flight",
    "Telegram calls in flight, by session (its index in TELEGRAM_SESSIONS + BOT_TOKENS)",
    ["session"],
    multiprocess_mode="livesum",
)
TELEGRAM_FLOOD_WAITS = Counter(
    "shadowvault_telegram_flood_waits", "FLOOD_WAIT answers from Telegram, by session", ["session"]
)
TELEGRAM_FLOOD_SECONDS = Counter(
    "shadowvault_telegram_flood_wait_seconds",
    "Seconds Telegram benched a session for, by session",
    ["session"],
)
S3_ERRORS = Counter(
    "shadowvault_s3_errors",
    "S3 calls that failed (reads, uploads, deletes, checks), by S3 error code or exception",
    ["kind"],  # "SlowDown", "503", "AccessDenied", "EndpointConnectionError", ...
)

INGEST_STEP_SECONDS = Histogram(
    "shadowvault_ingest_step_seconds",
    "Wall time of one run of an ingest step, by vault, step and the job's state after it",
    ["vault", "step", "outcome"],
    buckets=(1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400, 21600),
)
