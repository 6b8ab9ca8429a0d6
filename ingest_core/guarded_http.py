"""GET through the SSRF guard: every redirect hop is checked and connected to by address.

`open_url` is the one way ingest opens an HTTP response (downloads, posters); `fetch_bytes`
reads a small body (a poster, a subtitle) whole.
"""

from __future__ import annotations

import http.client
import logging
import ssl
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from django.conf import settings

from ingest_core.errors import DownloadFailed, SourceRefused
from ingest_core.http_response import content_length, format_bytes, status_failure
from ingest_core.ssrf import CheckedURL, check_url, guarded_connection

logger = logging.getLogger(__name__)

MAX_REDIRECTS = 10
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
USER_AGENT = "ShadowVault-ingest/1.0"
# RFC 3986 characters a request target may carry as they are; anything else is %-encoded.
PATH_SAFE = "/%:@!$&'()*+,;=~-._"
QUERY_SAFE = PATH_SAFE + "?"


class ConnectionLost(DownloadFailed):
    """The connection failed, dropped or stalled: a resume or a later retry may succeed."""

    transient = True

    def __init__(self, message: str, *, stalled: bool = False) -> None:
        super().__init__(message)
        self.stalled = stalled


@dataclass
class Opened:
    """A response (headers read, body not) with the connection it came on."""

    response: http.client.HTTPResponse
    connection: http.client.HTTPConnection
    url: str  # after redirects
    checked: CheckedURL

    def close(self) -> None:
        self.response.close()
        self.connection.close()


def open_url(url: str, headers: dict[str, str] | None = None) -> Opened:
    """GET url, following up to MAX_REDIRECTS redirects, each hop checked by the SSRF guard.

    Returns any final (non-redirect) response; the caller decides what a status means.
    """
    for _hop in range(MAX_REDIRECTS + 1):
        checked = check_url(url)
        connection = guarded_connection(checked)
        response = _get(connection, checked, headers or {})
        location = response.getheader("Location")
        if response.status not in REDIRECT_STATUSES or not location:
            return Opened(response, connection, url, checked)
        response.close()
        connection.close()
        url = _follow(url, location)
    raise DownloadFailed(f"more than {MAX_REDIRECTS} redirects, the last to {url}")


def _follow(url: str, location: str) -> str:
    try:
        target = urlsplit(urljoin(url, location.strip()))._replace(fragment="")
    except ValueError:
        raise SourceRefused(f"refused: {url} redirects to an invalid URL {location!r}") from None
    if urlsplit(url).scheme == "https" and target.scheme == "http":
        logger.warning("ingest: %s redirects from https to plain http: %s", url, target.geturl())
    return urlunsplit(target)


def request_target(url: str) -> str:
    """The origin-form request target (path and query) of a URL, %-encoded where needed."""
    parts = urlsplit(url)
    target = quote(parts.path or "/", safe=PATH_SAFE)
    return f"{target}?{quote(parts.query, safe=QUERY_SAFE)}" if parts.query else target


def _get(
    connection: http.client.HTTPConnection, checked: CheckedURL, headers: dict[str, str]
) -> http.client.HTTPResponse:
    where = f"{checked.host}:{checked.port}"
    try:
        connection.connect()
    except ssl.SSLCertVerificationError as exc:
        connection.close()
        raise DownloadFailed(f"the TLS certificate of {checked.host} is not valid: {exc}") from None
    except OSError as exc:
        connection.close()
        raise ConnectionLost(f"could not connect to {where} ({checked.address}): {exc}") from None
    sent = {"User-Agent": USER_AGENT, "Accept": "*/*", **headers}
    try:
        connection.request("GET", request_target(checked.url), headers=sent)
        return connection.getresponse()
    except TimeoutError:
        connection.close()
        raise ConnectionLost(
            f"the server at {where} stalled before answering", stalled=True
        ) from None
    except (OSError, http.client.HTTPException) as exc:
        connection.close()
        raise ConnectionLost(f"the connection to {where} failed: {exc!r}") from None


def read_chunk(opened: Opened, buffer: bytearray) -> memoryview:
    """Up to len(buffer) body bytes (empty at the end); a drop or a stall is ConnectionLost."""
    host = opened.checked.host
    try:
        count = opened.response.readinto(buffer)
    except TimeoutError:
        raise ConnectionLost(
            f"the server at {host} stalled: nothing received for {settings.INGEST_STALL_TIMEOUT} s",
            stalled=True,
        ) from None
    except (OSError, http.client.HTTPException) as exc:
        raise ConnectionLost(f"the connection to {host} dropped: {exc!r}") from None
    return memoryview(buffer)[:count]


def fetch_bytes(url: str, max_bytes: int = 10 * 1024 * 1024) -> bytes:
    """The whole body of a small resource (a poster), through the same guard and redirects."""
    opened = open_url(url)
    try:
        response = opened.response
        if response.status != 200:
            raise status_failure(response.status, opened.url)
        declared = content_length(response.getheader("Content-Length"))
        if declared is not None and declared > max_bytes:
            raise _too_large(opened.url, declared, max_bytes)
        try:
            body = response.read(max_bytes + 1)
        except TimeoutError:
            raise ConnectionLost(f"the server at {opened.url} stalled", stalled=True) from None
        except (OSError, http.client.HTTPException) as exc:
            raise ConnectionLost(f"the connection to {opened.url} failed: {exc!r}") from None
    finally:
        opened.close()
    if len(body) > max_bytes:
        raise _too_large(opened.url, len(body), max_bytes)
    if declared is not None and len(body) < declared:
        raise ConnectionLost(f"{opened.url} ended after {len(body)} of {declared} bytes")
    return body


def _too_large(url: str, size: int, limit: int) -> DownloadFailed:
    return DownloadFailed(
        f"{url} is larger than the {format_bytes(limit)} allowed here ({format_bytes(size)})"
    )
