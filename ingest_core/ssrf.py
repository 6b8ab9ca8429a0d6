"""The SSRF guard: ingest fetches only from public addresses, unless the operator allows a host.

`check_url` resolves the host once and refuses it when any address it resolves to is not a
public one (loopback, private, link-local such as the cloud metadata service, ...).
`guarded_connection` then connects to that checked address, never resolving the name again:
a DNS answer that changes between the check and the connection (DNS rebinding) cannot move
the request onto the private network. The Host header, TLS SNI and certificate check still
use the real host name.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from ingest_core.errors import DownloadFailed, SourceRefused
from shadowvault import stored_settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

DEFAULT_PORTS = {"http": 80, "https": 443}
ALLOW_HINT = (
    "ShadowVault does not fetch from private networks unless INGEST_ALLOWED_HOSTS allows the host"
)
# The address every major cloud serves instance credentials from (AWS, GCP, Azure, ...).
CLOUD_METADATA = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
SHARED_ADDRESS_SPACE = ipaddress.ip_network("100.64.0.0/10")  # RFC 6598, carrier-grade NAT
THIS_NETWORK = ipaddress.ip_network("0.0.0.0/8")  # RFC 791: "this host on this network"
# RFC 6052 / RFC 8215: NAT64 prefixes; the last 32 bits are the IPv4 address reached.
NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


@dataclass(frozen=True)
class CheckedURL:
    url: str
    scheme: str
    host: str
    port: int
    address: str  # the address the host resolved to and was checked; connect only to it


def resolve(host: str, port: int) -> list[str]:
    """Every address the host name resolves to (tests replace this to simulate DNS)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = (info[4][0] for info in infos)
    # IPv4 and IPv6 answers, the only ones for a host name, start with the address as text.
    return [address for address in addresses if isinstance(address, str)]


def check_url(url: str) -> CheckedURL:
    """Refuse a URL ingest must not fetch; otherwise say which address to connect to."""
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        raise SourceRefused(f"refused: {url!r} is not a valid URL") from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise SourceRefused(f"refused: {url!r} is not an http or https URL")
    # urlsplit silently drops tabs and newlines (WHATWG); a URL carrying them is not sent on.
    if any(ch.isspace() or ord(ch) < 32 or ch == "\\" for ch in url):
        raise SourceRefused(f"refused: {url!r} contains spaces, control characters or '\\'")
    if "@" in parts.netloc:
        raise SourceRefused(f"refused: {url} carries a user name or password in the URL")
    try:
        port = parts.port
    except ValueError:
        raise SourceRefused(f"refused: {url} has an invalid port (not in 1-65535)") from None
    port = DEFAULT_PORTS[scheme] if port is None else port
    if not 1 <= port <= 65535:
        raise SourceRefused(f"refused: {url} has port {port}, outside 1-65535")
    host = normalise_host(parts.hostname or "", url)
    return CheckedURL(url, scheme, host, port, check_host(host, port))


def normalise_host(host: str, where: str) -> str:
    """A lower-case ASCII host name (IDNA-encoded), or refuse an empty or invalid one."""
    if not host:
        raise SourceRefused(f"refused: {where} has no host name")
    if host.isascii():
        return host.lower()
    try:
        return host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise SourceRefused(f"refused: {host!r} in {where} is not a valid host name") from None


def check_host(host: str, port: int) -> str:
    """Resolve host once and return the address to connect to, or refuse (also for CONNECT)."""
    if not 1 <= port <= 65535:
        raise SourceRefused(f"refused: port {port} is outside 1-65535")
    addresses = _resolve_once(host, port)
    if host_allowed_by_name(host):
        return addresses[0]
    for address in addresses:
        ip = ipaddress.ip_address(address)
        reason = non_public_reason(ip)
        if reason and not address_allowed(ip):
            subject = f"{address} is" if address == host else f"{host} resolves to {address},"
            raise SourceRefused(f"refused: {subject} {reason}; {ALLOW_HINT}")
    return addresses[0]


def _resolve_once(host: str, port: int) -> list[str]:
    try:
        addresses = resolve(host, port)
    except (socket.gaierror, UnicodeError) as exc:
        # EAI_AGAIN is "temporary failure in name resolution": worth trying later.
        transient = getattr(exc, "errno", None) == socket.EAI_AGAIN
        raise DownloadFailed(f"could not resolve {host}: {exc}", transient=transient) from None
    if not addresses:
        raise DownloadFailed(f"could not resolve {host}: no addresses", transient=True)
    return addresses


def non_public_reason(ip: IPAddress) -> str | None:
    """Why this address is not one ingest may reach on its own, or None for a public one."""
    if isinstance(ip, ipaddress.IPv6Address) and (embedded := _embedded_ipv4(ip)) is not None:
        inner = _own_reason(embedded)
        if inner:
            return f"an IPv6 address embedding {embedded}, {inner}"
        if ip.ipv4_mapped or any(ip in net for net in NAT64):
            return None  # a public IPv4 address reached over IPv6 (dual stack, DNS64)
    return _own_reason(ip)


def _own_reason(ip: IPAddress) -> str | None:
    v4 = ip.version == 4
    checks = (
        (ip in CLOUD_METADATA, f"a {_kind(ip)} address (cloud metadata)"),
        (ip.is_unspecified, "an unspecified address"),
        (ip.is_loopback, "a loopback address"),
        (ip.is_link_local, "a link-local address"),
        (v4 and ip in SHARED_ADDRESS_SPACE, "a shared address space (carrier-grade NAT) address"),
        (v4 and ip in THIS_NETWORK, "a 'this network' (0.0.0.0/8) address"),
        (ip.is_multicast, "a multicast address"),
        (isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local, "a site-local address"),
        (ip.is_reserved, "a reserved address"),
        (ip.is_private, "a private address"),
        (not ip.is_global, "not a public address"),
    )
    return next((reason for matched, reason in checks if matched), None)


def _kind(ip: IPAddress) -> str:
    return "link-local" if ip.is_link_local else "private"


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one stands for (mapped, 6to4, Teredo, NAT64), if any."""
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip.sixtofour:
        return ip.sixtofour
    if ip.teredo:
        return ip.teredo[1]
    if any(ip in net for net in NAT64):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def host_allowed_by_name(host: str) -> bool:
    """INGEST_ALLOWED_HOSTS names: exact (case-insensitive); ".example.org" also subdomains."""
    host = host.lower().rstrip(".")
    for entry in _allowed_entries():
        if _as_network(entry) is not None:
            continue
        if entry.startswith("."):
            if host == entry[1:] or host.endswith(entry):
                return True
        elif host == entry:
            return True
    return False


def address_allowed(ip: IPAddress) -> bool:
    """INGEST_ALLOWED_HOSTS addresses and networks (CIDR) the resolved address falls in."""
    ip = ipaddress.ip_address(str(ip).split("%")[0])
    nets = (_as_network(entry) for entry in _allowed_entries())
    return any(net is not None and net.version == ip.version and ip in net for net in nets)


def allowed_by_operator(checked: CheckedURL) -> bool:
    """Whether the operator listed this host (by name or address) in INGEST_ALLOWED_HOSTS."""
    return host_allowed_by_name(checked.host) or address_allowed(
        ipaddress.ip_address(checked.address.split("%")[0])
    )


def _allowed_entries() -> list[str]:
    # Admin → Settings, else INGEST_ALLOWED_HOSTS; read per check (remembered a few seconds).
    entries = stored_settings.ingest_allowed_hosts()
    return [e.strip().lower().rstrip(".") for e in entries if e.strip()]


def _as_network(entry: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(entry.strip("[]"), strict=False)
    except ValueError:
        return None


def connect_to(address: str, port: int, timeout: float | None) -> socket.socket:
    """A TCP connection to an address checked before: an IP literal, so no DNS lookup.
    A `timeout` of None waits as long as the system does (socket.settimeout)."""
    ip = ipaddress.ip_address(address.split("%")[0])
    family = socket.AF_INET6 if ip.version == 6 else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        target = (address, port, 0, 0) if family == socket.AF_INET6 else (address, port)
        sock.connect(target)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except BaseException:
        sock.close()
        raise
    return sock


def tls_context() -> ssl.SSLContext:
    """Certificate checks as the system trusts them (tests replace this to add their CA)."""
    return ssl.create_default_context()


class GuardedHTTPConnection(http.client.HTTPConnection):
    """HTTPConnection whose Host header names the host but whose socket goes to `address`."""

    def __init__(self, checked: CheckedURL, connect_timeout: float, read_timeout: float):
        super().__init__(checked.host, checked.port, timeout=connect_timeout)
        self.address = checked.address
        self.read_timeout = read_timeout

    def connect(self) -> None:
        self.sock = connect_to(self.address, self.port, self.timeout)
        self.sock.settimeout(self.read_timeout)


class GuardedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to the checked address; SNI and certificate checked against the real host name."""

    def __init__(
        self,
        checked: CheckedURL,
        connect_timeout: float,
        read_timeout: float,
        context: ssl.SSLContext | None = None,
    ):
        context = context or tls_context()
        super().__init__(checked.host, checked.port, timeout=connect_timeout, context=context)
        self.tls = context  # the one the base class keeps as its private _context
        self.address = checked.address
        self.read_timeout = read_timeout

    def connect(self) -> None:
        sock = connect_to(self.address, self.port, self.timeout)
        try:
            self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise
        self.sock.settimeout(self.read_timeout)


def guarded_connection(
    checked: CheckedURL,
    *,
    connect_timeout: float | None = None,
    read_timeout: float | None = None,
    context: ssl.SSLContext | None = None,
) -> http.client.HTTPConnection:
    """An unopened connection to the checked address; timeouts default to the INGEST ones."""
    connect = connect_timeout if connect_timeout is not None else settings.INGEST_CONNECT_TIMEOUT
    read = read_timeout if read_timeout is not None else settings.INGEST_STALL_TIMEOUT
    if checked.scheme == "https":
        return GuardedHTTPSConnection(checked, connect, read, context)
    return GuardedHTTPConnection(checked, connect, read)
