"""Fetch a VAST document, or ping a tracking URL, through ingest's SSRF guard, quickly.

An ad tag names any URL an ad network (or a site owner) chose, so each hop is checked like an
ingest source (`ingest_core.ssrf.check_url`: public addresses only, unless the operator's
INGEST_ALLOWED_HOSTS says so) and connected to by the checked address. Timeouts are short:
the content never waits on an ad.
"""

from __future__ import annotations

import http.client
import logging
import time
from urllib.parse import urljoin

from ads.vast.errors import MalformedXml, NoAds, WrapperTimeout
from ingest_core.errors import IngestError
from ingest_core.guarded_http import request_target
from ingest_core.ssrf import check_url, guarded_connection

logger = logging.getLogger(__name__)

USER_AGENT = "ShadowVault-VAST/1.0"
MAX_REDIRECTS = 3
REDIRECTS = {301, 302, 303, 307, 308}
CHUNK = 64 * 1024


def fetch_vast(url: str, *, timeout: float, max_bytes: int) -> bytes:
    """The body of a VAST tag; WrapperTimeout (301) when it is unreachable, slow or not 200,
    MalformedXml (100) past max_bytes, NoAds (303) for 204 No Content (a network's no-fill)."""
    deadline = time.monotonic() + timeout
    try:
        response, connection = _open(url, deadline)
    except (IngestError, OSError, http.client.HTTPException) as exc:
        raise WrapperTimeout(f"the VAST tag {url} could not be fetched: {exc}") from None
    try:
        if response.status == 204:
            raise NoAds(f"the VAST tag {url} answered 204 No Content")
        if response.status != 200:
            raise WrapperTimeout(f"the VAST tag {url} answered HTTP {response.status}")
        return _read(response, url, deadline, max_bytes)
    finally:
        connection.close()


def ping(url: str, *, timeout: float) -> bool:
    """GET a tracking or error URL, best effort: True when it answered 2xx, never raises."""
    try:
        response, connection = _open(url, time.monotonic() + timeout)
        connection.close()
    except (IngestError, OSError, http.client.HTTPException) as exc:
        logger.info("ads: the tracking URL %s did not answer: %s", url, exc)
        return False
    return 200 <= response.status < 300


def _open(url: str, deadline: float) -> tuple[http.client.HTTPResponse, http.client.HTTPConnection]:
    for _hop in range(MAX_REDIRECTS + 1):
        checked = check_url(url)
        left = max(deadline - time.monotonic(), 0.01)
        connection = guarded_connection(checked, connect_timeout=left, read_timeout=left)
        try:
            connection.request(
                "GET", request_target(checked.url), headers={"User-Agent": USER_AGENT}
            )
            response = connection.getresponse()
        except Exception:
            connection.close()
            raise
        location = response.getheader("Location")
        if response.status not in REDIRECTS or not location:
            return response, connection
        connection.close()
        url = urljoin(url, location.strip())
    raise WrapperTimeout(f"more than {MAX_REDIRECTS} redirects, the last to {url}")


def _read(response: http.client.HTTPResponse, url: str, deadline: float, limit: int) -> bytes:
    # A per-read timeout alone lets a server trickle a byte a second for ever: check the
    # deadline between reads as well, and read what has arrived (read1), not a full chunk.
    body = bytearray()
    try:
        while chunk := response.read1(CHUNK):
            body += chunk
            if len(body) > limit:
                raise MalformedXml(f"the VAST tag {url} is larger than {limit} bytes")
            if time.monotonic() > deadline:
                raise WrapperTimeout(f"the VAST tag {url} took longer than its timeout")
    except (OSError, http.client.HTTPException) as exc:
        raise WrapperTimeout(f"the VAST tag {url} stalled or dropped: {exc}") from None
    return bytes(body)
