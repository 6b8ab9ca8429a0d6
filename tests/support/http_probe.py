"""Small HTTP helpers for streaming tests (raw http.client: no client-side range magic)."""

from __future__ import annotations

import http.client
from dataclasses import dataclass


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


def fetch(
    port: int,
    path: str,
    headers: dict[str, str] | None = None,
    method: str = "GET",
    host: str = "a.test",
    connection: http.client.HTTPConnection | None = None,
) -> Answer:
    conn = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request(method, path, headers={"Host": host, **(headers or {})})
    response = conn.getresponse()
    body = response.read()
    if connection is None:
        conn.close()
    return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, body)
