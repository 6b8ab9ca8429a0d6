"""Where the time of a cold 1 MiB slice goes, for bench/stream.py.

A slice nginx does not hold yet passes through four steps: nginx checks the link and asks the
origin's authorize answer (cached ~10 s per site and object), then asks the origin for the
slice, which fetches it from the backend and streams it back while nginx writes its cache
file. Each step is timed here on its own, on slices nobody asked for before (so no cache and
no read-ahead holds them):

- backend: the bench's own boto3 ranged GET of the slice (whole body), the floor;
- authorize: the origin's answer to nginx's auth_request, asked directly;
- origin: the slice asked directly from the origin with the gateway token, as nginx asks it
  (time to first byte and to the last);
- gateway: the slice through nginx with the link's authorize answer cached, and with a fresh
  link (another `expires`) whose authorize answer is not cached (its entry files deleted
  first, as an unpublish purges them: every link of a site and object shares one answer), so
  nginx asks the origin's authorize answer first.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

MIB = 1024 * 1024
HOST = "localhost"
AUTHORIZE_HEADER = "X-ShadowVault-Authorize"  # stored_media/delivery.py
GATEWAY_HEADER = "X-ShadowVault-Gateway"
SPACING = 8  # slices between two measured ones, more than the origin reads ahead


def gateway_token(link_secret: str) -> str:
    """As stored_media.signing.gateway_token computes it."""
    return hmac.new(link_secret.encode(), b"shadowvault-gateway", "sha256").hexdigest()


def signed_path(uri: str, expires: int, link_secret: str) -> str:
    """nginx's secure_link_md5 "$secure_link_expires$uri <secret>" (unbound link)."""
    digest = hashlib.md5(f"{expires}{uri} {link_secret}".encode(), usedforsecurity=False)
    token = base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode()
    return f"{uri}?md5={token}&expires={expires}"


@dataclass
class Answer:
    status: int
    ttfb_ms: float
    total_ms: float
    body: bytes
    cache: str


class Connection:
    """One keep-alive connection, opened again when the server closed it."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn: http.client.HTTPConnection | None = None

    def get(self, path: str, headers: dict[str, str]) -> Answer:
        for attempt in (1, 2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                    self.conn.connect()
                began = time.perf_counter()
                self.conn.request("GET", path, headers={"Host": HOST, **headers})
                response = self.conn.getresponse()
                first = response.read(1)
                first_byte = time.perf_counter()
                body = first + response.read()
                done = time.perf_counter()
                break
            except (http.client.HTTPException, OSError):
                self.close()
                if attempt == 2:
                    raise
        if response.will_close:
            self.close()
        return Answer(
            response.status,
            (first_byte - began) * 1000,
            (done - began) * 1000,
            body,
            response.getheader("X-Cache-Status") or "-",
        )

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.conn = None


@dataclass
class Breakdown:
    backend_ms: list[float] = field(default_factory=list)
    authorize_ms: list[float] = field(default_factory=list)
    origin_ttfb_ms: list[float] = field(default_factory=list)
    origin_total_ms: list[float] = field(default_factory=list)
    gateway_ttfb_ms: list[float] = field(default_factory=list)
    gateway_total_ms: list[float] = field(default_factory=list)
    fresh_ttfb_ms: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def measure(
    *,
    s3,
    bucket: str,
    key: str,
    size: int,
    uri: str,
    link: str,
    link_secret: str,
    gateway_port: int,
    origin_port: int,
    count: int,
    rng: random.Random,
    expected,
    forget_authorize: Callable[[], None],
) -> Breakdown:
    """`count` rounds, each on three slices never asked before (gateway, fresh-link gateway,
    origin), with the backend's own GET of the gateway's slice. `expected(start, stop)` gives
    the bytes a slice must hold."""
    slices = list(range(0, size // MIB, SPACING))
    rng.shuffle(slices)
    rounds = min(count, len(slices) // 3)
    result = Breakdown()
    gateway, origin = Connection(gateway_port), Connection(origin_port)
    token = gateway_token(link_secret)
    expires = int(time.time()) + 3600
    try:
        for number in range(rounds):
            cached_slice, fresh_slice, origin_slice = slices[3 * number : 3 * number + 3]
            answer = _slice(gateway, link, cached_slice, {}, expected, result, "gateway")
            result.gateway_ttfb_ms.append(answer.ttfb_ms)
            result.gateway_total_ms.append(answer.total_ms)
            fresh = signed_path(uri, expires + number + 1, link_secret)
            forget_authorize()
            answer = _slice(gateway, fresh, fresh_slice, {}, expected, result, "fresh link")
            result.fresh_ttfb_ms.append(answer.ttfb_ms)
            answer = origin.get(link, {AUTHORIZE_HEADER: token})
            if answer.status != 200:
                result.problems.append(f"authorize answered {answer.status}")
            result.authorize_ms.append(answer.total_ms)
            answer = _slice(
                origin, link, origin_slice, {GATEWAY_HEADER: token}, expected, result, "origin"
            )
            result.origin_ttfb_ms.append(answer.ttfb_ms)
            result.origin_total_ms.append(answer.total_ms)
            start = cached_slice * MIB
            began = time.perf_counter()
            body = s3.get_object(Bucket=bucket, Key=key, Range=f"bytes={start}-{start + MIB - 1}")
            body["Body"].read()
            result.backend_ms.append((time.perf_counter() - began) * 1000)
    finally:
        gateway.close()
        origin.close()
    return result


def _slice(connection, path, index, headers, expected, result, name) -> Answer:
    start = index * MIB
    stop = start + MIB
    answer = connection.get(path, {"Range": f"bytes={start}-{stop - 1}", **headers})
    if answer.status != 206 or answer.body != expected(start, stop):
        result.problems.append(f"{name} slice {index}: HTTP {answer.status}, wrong bytes")
    elif name != "origin" and answer.cache != "MISS":
        result.problems.append(f"{name} slice {index} was not a miss ({answer.cache})")
    return answer
