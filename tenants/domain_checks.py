"""The two proofs that whoever adds a custom domain controls it, either one enough:

- DNS: a TXT record `_shadowvault-challenge.<host>` whose text is the token (dnspython; the
  resolver asks DOMAIN_VERIFY_NAMESERVERS when set, else the system's);
- HTTP: `http://<host>/.well-known/shadowvault-verification/<token>` answers 200 with the token,
  fetched through ingest's SSRF guard (ingest_core.guarded_http): a domain pointed at a private
  address cannot make the server probe the private network.

Each answers None for "found" or the sentence saying what was missing, for the owner to read.
"""

from __future__ import annotations

import dns.exception
import dns.resolver
from django.conf import settings
from dns.nameserver import Do53Nameserver

from ingest_core.errors import IngestError
from ingest_core.guarded_http import fetch_bytes

CHALLENGE_LABEL = "_shadowvault-challenge"
WELL_KNOWN = "/.well-known/shadowvault-verification/"
MAX_FILE_BYTES = 1024


def challenge_name(hostname: str) -> str:
    return f"{CHALLENGE_LABEL}.{hostname}"


def well_known_url(hostname: str, token: str) -> str:
    port = settings.DOMAIN_VERIFY_HTTP_PORT
    authority = hostname if port == 80 else f"{hostname}:{port}"
    return f"http://{authority}{WELL_KNOWN}{token}"


def _resolver() -> dns.resolver.Resolver:
    servers = settings.DOMAIN_VERIFY_NAMESERVERS
    resolver = dns.resolver.Resolver(configure=not servers)
    if servers:
        resolver.nameservers = [Do53Nameserver(address, port) for address, port in servers]
    resolver.lifetime = settings.DOMAIN_VERIFY_TIMEOUT
    return resolver


def dns_problem(hostname: str, token: str) -> str | None:
    name = challenge_name(hostname)
    try:
        answer = _resolver().resolve(name, "TXT")
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return f"DNS: no TXT record at {name}."
    except dns.exception.DNSException as exc:
        return f"DNS: asking for {name} failed ({exc.__class__.__name__})."
    texts = {b"".join(record.strings).decode("ascii", "replace").strip() for record in answer}
    return None if token in texts else f"DNS: the TXT record at {name} holds another value."


def http_problem(hostname: str, token: str) -> str | None:
    url = well_known_url(hostname, token)
    try:
        body = fetch_bytes(url, max_bytes=MAX_FILE_BYTES)
    except (IngestError, OSError) as exc:  # refused, unreachable, not 200, too large
        return f"HTTP: {url}: {exc}"
    if body.decode("ascii", "replace").strip() != token:
        return f"HTTP: {url} does not hold the token."
    return None
