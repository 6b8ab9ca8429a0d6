"""Rendering the nginx gateway configuration from the current settings and sites."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings
from django.template import Context, Engine
from django.urls import reverse

from stored_media.authorize_cache import INACTIVE_SECONDS
from stored_media.gateway_hosts import write_hosts_file
from stored_media.media_types import KINDS, MEDIA_CSP
from stored_media.signing import gateway_token


def _lines(*lines: str) -> str:
    return "".join(f"            {line};\n" for line in lines)


def _proxy_headers(host: str) -> str:
    return _lines(
        "proxy_http_version 1.1",
        'proxy_set_header Connection ""',
        f"proxy_set_header Host {host}",
        "proxy_set_header X-Real-IP $remote_addr",
        "proxy_set_header X-Forwarded-For $remote_addr",
        "proxy_set_header X-Forwarded-Proto $scheme",
        # nginx's own id for this request (the client's header is never passed on): the
        # app's log lines and the tasks it queues carry it (shadowvault/request_id.py).
        "proxy_set_header X-Request-ID $request_id",
    )


# The site sees the Host as sent (its port goes into absolute links). The media path sends
# $host, the name nginx itself keys the link check and the authorize cache on: with an
# absolute-form request line (`GET http://a.test/media/…` + `Host: b.test`) $host is a.test,
# and the origin must judge that same site, or b.test's answer is cached for a.test.
PROXY_HEADERS = _proxy_headers("$http_host")
# The media path's answers are cached, headers and all: the origin's X-Request-ID (of the
# request that filled the entry) is dropped, and this request's own id is sent instead.
MEDIA_PROXY_HEADERS = _proxy_headers("$host") + _lines(
    "proxy_hide_header X-Request-ID", "add_header X-Request-ID $request_id always"
)
# A websocket (the watch party's, shadowvault.websockets) needs HTTP/1.1 and the client's
# Upgrade passed on (RFC 6455, section 4.1); Connection from $sv_connection_upgrade, so a
# plain GET there does not claim an upgrade. Host as sent: the origin compares it with Origin.
WEBSOCKET_PROXY_HEADERS = _lines(
    "proxy_http_version 1.1",
    "proxy_set_header Upgrade $http_upgrade",
    "proxy_set_header Connection $sv_connection_upgrade",
    "proxy_set_header Host $http_host",
    "proxy_set_header X-Real-IP $remote_addr",
    "proxy_set_header X-Forwarded-For $remote_addr",
    "proxy_set_header X-Forwarded-Proto $scheme",
    "proxy_set_header X-Request-ID $request_id",
)
MEDIA_GUARDS = _lines(
    f'add_header Content-Security-Policy "{MEDIA_CSP}" always',
    "add_header X-Content-Type-Options nosniff always",
    # As the site's answers (SECURE_REFERRER_POLICY): a link's signature stays ours.
    "add_header Referrer-Policy same-origin always",
)


def _authorize_cache(seconds: str) -> str:
    """The authorize caches' rules (/_authorize, /_authorize_page; the template says why).
    The lock waits as long as the one request it waits for may take (its read timeout), so
    a slow origin under a burst never lets the waiting viewers through to it all at once.
    Which run-out answers may be used while one request refreshes them is the origin's
    `stale-while-revalidate` (stored_media/authorize_cache.py), not `proxy_cache_use_stale
    updating`, which would use any answer, a refusal too, for as long as the origin is down."""
    return _lines(
        f"proxy_cache_valid 200 {seconds}s",
        "proxy_cache_lock on",
        f"proxy_cache_lock_timeout {AUTHORIZE_TIMEOUT}s",
        f"proxy_cache_lock_age {AUTHORIZE_TIMEOUT}s",
        "proxy_cache_background_update on",
        f"proxy_read_timeout {AUTHORIZE_TIMEOUT}s",
    )


AUTHORIZE_TIMEOUT = 10
TEMPLATE = Path(settings.BASE_DIR) / "deploy" / "nginx" / "gateway.conf.tmpl"


@dataclass
class GatewayOptions:
    listen: str = "127.0.0.1:8080"
    site_upstream: str = "127.0.0.1:8000"  # several: "a:8000,b:8000"
    stream_upstream: str = "127.0.0.1:8001"
    run_dir: str = field(default_factory=lambda: str(settings.DATA_DIR / "gateway"))
    cache_dir: str = ""
    cache_size: str = "10g"
    workers: str = "auto"
    access_log: str = "off"
    # A file (default: <run-dir>/error.log) or "stderr", where a container's log collector
    # reads it (docker-compose.yml): a file in the volume left `docker compose logs` silent.
    error_log: str = ""
    mime_types: str = "/etc/nginx/mime.types"
    max_body: str = "100m"
    upload_max_body: str = "0"  # the upload route's body limit; 0: none (chunks are checked)
    # How long an authorize answer is used before one request refreshes it (an unpublish
    # purges the answers it made wrong at once: stored_media/authorize_cache.py).
    authorize_cache_seconds: str = "10"
    page_cache_size: str = "5g"  # ReadVault's page cache (pages and their images)
    user: str = ""  # nginx started as root drops to this user (default: nobody)
    # TLS at the gateway (docs/deploy.md): a certificate chain and its key (certbot's
    # fullchain.pem and privkey.pem); `listen` is then the https address (0.0.0.0:443) and
    # `http_listen` the plain one that redirects and answers certbot's webroot challenges
    # from `acme_root` (default <run-dir>/acme).
    tls_certificate: str = ""
    tls_key: str = ""
    http_listen: str = "0.0.0.0:80"
    acme_root: str = ""
    # The verified hostnames nginx serves (stored_media/gateway_hosts.py); default:
    # <run-dir>/site_hosts.map. Set GATEWAY_HOSTS_FILE to the same path for the app to keep it.
    hosts_file: str = ""
    # One line per answer from the slice or page cache ("media HIT"), read by /metrics
    # (shadowvault/metrics/cache_log.py; the app's GATEWAY_CACHE_LOG names the same file).
    # Default: <run-dir>/cache.log; "off": none.
    cache_log: str = ""


def render(options: GatewayOptions) -> str:
    values = asdict(options)
    values["cache_dir"] = options.cache_dir or str(Path(options.run_dir) / "cache")
    values["error_log"] = options.error_log or str(Path(options.run_dir) / "error.log")
    values["hosts_file"] = hosts_file_of(options)
    values["cache_log"] = cache_log_of(options)
    if options.access_log == "off" and values["cache_log"]:
        # nginx: "off" cancels every access_log of its level, the cache log's too.
        values["access_log"] = "/dev/null"
    if bool(options.tls_certificate) != bool(options.tls_key):
        raise ValueError("TLS needs both a certificate (--tls-certificate) and its key (--tls-key)")
    values["acme_root"] = options.acme_root or str(Path(options.run_dir) / "acme")
    values["site_servers"] = servers(options.site_upstream)
    values["stream_servers"] = servers(options.stream_upstream)
    values.update(
        link_secret=settings.LINK_SECRET,
        gateway_token=gateway_token(),
        media_root=str(settings.MEDIA_ROOT),
        static_root=str(settings.STATIC_ROOT),
        upload_path=reverse("admin:ingest_uploads"),
        proxy_headers=PROXY_HEADERS,
        media_proxy_headers=MEDIA_PROXY_HEADERS,
        websocket_proxy_headers=WEBSOCKET_PROXY_HEADERS,
        media_guards=MEDIA_GUARDS,
        authorize_cache=_authorize_cache(options.authorize_cache_seconds),
        authorize_inactive=f"{INACTIVE_SECONDS}s",
        media_kinds=[
            {"content_type": kind.content_type, "extension": kind.suffix.lstrip(".")}
            for kind in KINDS.values()
        ],
    )
    template = Engine(autoescape=False).from_string(TEMPLATE.read_text())
    return template.render(Context(values))


def servers(upstream: str) -> list[str]:
    """The "host:port" instances of a role, from "a:8000" or "a:8000,b:8000"."""
    found = [server.strip() for server in upstream.split(",") if server.strip()]
    if not found:
        raise ValueError(f"no upstream server in {upstream!r}")
    return found


def cache_log_of(options: GatewayOptions) -> str:
    """The cache log's path, or "" for none."""
    if options.cache_log == "off":
        return ""
    return options.cache_log or str(Path(options.run_dir) / "cache.log")


def hosts_file_of(options: GatewayOptions) -> str:
    return options.hosts_file or str(Path(options.run_dir) / "site_hosts.map")


def write(options: GatewayOptions, output: Path) -> Path:
    """Write the config privately (it holds LINK_SECRET), the hostnames it serves as they
    are now, and make nginx's folders."""
    for folder in ("", "cache", "authorize", "pages", "acme"):
        (Path(options.run_dir) / folder).mkdir(parents=True, exist_ok=True)
    write_hosts_file(Path(hosts_file_of(options)))
    output.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(render(options))
    return output
