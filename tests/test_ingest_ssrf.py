"""The SSRF guard: ingest reaches public addresses only, unless the operator allows a host.

Addresses are checked after resolving (a name, a decimal IP, an IPv6 wrapper all count by
what they reach); the connection then goes to the checked address with no second lookup,
so DNS rebinding cannot redirect it. The guard proxy applies the same rules to the tools
ingest runs. Names are resolved through `ssrf.resolve`, replaced here to play DNS.
"""

from __future__ import annotations

import socket
import ssl
import urllib.request

import pytest

from ingest_core import ssrf
from ingest_core.errors import DownloadFailed, SourceRefused
from ingest_core.guard_proxy import guarded_proxy
from ingest_core.ssrf import check_host, check_url, guarded_connection
from tests.support.http_sources import (
    MediaFile,
    self_signed_certificate,
    source_server,
    tls_server_context,
)
from tests.support.services import need_binary

PUBLIC = "93.184.215.14"


class FakeDNS:
    """Names resolve to what a test says (a list of answers, one per lookup, the last one
    repeating); other names go to the real resolver. Every lookup is recorded."""

    def __init__(self, real) -> None:
        self.real = real
        self.answers: dict[str, list[list[str]]] = {}
        self.lookups: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.lookups.append(host)
        queue = self.answers.get(host)
        if queue is None:
            return self.real(host, port)
        return queue.pop(0) if len(queue) > 1 else queue[0]


@pytest.fixture
def dns(monkeypatch):
    fake = FakeDNS(ssrf.resolve)
    monkeypatch.setattr(ssrf, "resolve", fake)
    return fake


@pytest.fixture
def source():
    with source_server() as server:
        yield server


def refusal(url: str) -> str:
    with pytest.raises(SourceRefused) as refused:
        check_url(url)
    return str(refused.value)


# --- what is refused ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1/", "127.0.0.1 is a loopback address"),
        ("http://[::1]:8000/", "::1 is a loopback address"),
        ("http://169.254.169.254/latest/meta-data/", "a link-local address (cloud metadata)"),
        ("http://[fe80::1]/", "a link-local address"),
        ("http://10.1.2.3/", "a private address"),
        ("http://172.16.0.1/", "a private address"),
        ("https://192.168.1.10/", "a private address"),
        ("http://100.64.0.1/", "shared address space"),
        ("http://0.0.0.0/", "an unspecified address"),
        ("http://0.1.2.3/", "'this network'"),
        ("http://224.0.0.1/", "a multicast address"),
        ("http://240.0.0.1/", "a reserved address"),
        ("http://[fec0::1]/", "a site-local address"),
        ("http://[fd00:ec2::254]/", "a private address (cloud metadata)"),
        ("http://[::ffff:127.0.0.1]/", "embedding 127.0.0.1, a loopback address"),
        ("http://[::ffff:169.254.169.254]/", "embedding 169.254.169.254, a link-local"),
        ("http://[64:ff9b::a00:1]/", "embedding 10.0.0.1, a private address"),  # NAT64
        ("http://[2002:a00:1::1]/", "embedding 10.0.0.1, a private address"),  # 6to4
    ],
)
def test_it_refuses_non_public_addresses_and_says_why(url, reason):
    message = refusal(url)
    assert reason in message
    assert "unless INGEST_ALLOWED_HOSTS allows the host" in message


def test_the_cloud_metadata_refusal_reads_plainly():
    assert refusal("http://169.254.169.254/") == (
        "refused: 169.254.169.254 is a link-local address (cloud metadata); ShadowVault does "
        "not fetch from private networks unless INGEST_ALLOWED_HOSTS allows the host"
    )


@pytest.mark.parametrize("host", ["2130706433", "0x7f.1", "0177.0.0.1", "127.1"])
def test_it_judges_the_address_a_host_resolves_to_not_how_it_is_spelt(host):
    assert "resolves to 127.0.0.1, a loopback address" in refusal(f"http://{host}/")


def test_a_name_resolving_to_a_private_address_is_refused(dns):
    dns.answers["metadata.example"] = [["169.254.169.254"]]
    message = refusal("http://metadata.example/")
    assert "metadata.example resolves to 169.254.169.254, a link-local address" in message


def test_a_name_is_refused_when_any_of_its_addresses_is_private(dns):
    dns.answers["mixed.example"] = [[PUBLIC, "10.0.0.7"]]
    assert "mixed.example resolves to 10.0.0.7" in refusal("https://mixed.example/v.mp4")


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.com/film.mkv", "is not an http or https URL"),
        ("file:///etc/passwd", "is not an http or https URL"),
        ("gopher://example.com/", "is not an http or https URL"),
        ("http://user:secret@example.com/", "carries a user name or password"),
        ("http://example.com@10.0.0.1/", "carries a user name or password"),
        ("http:///path-only", "has no host name"),
        ("http://example.com:0/", "has port 0, outside 1-65535"),
        ("http://example.com:70000/", "invalid port"),
        ("http://example.com:http/", "invalid port"),
        ("http://example.com\\@10.0.0.1/", "control characters or '\\'"),
        ("http://example.com/a b", "contains spaces"),
        ("http://exa\nmple.com/", "control characters"),
    ],
)
def test_it_refuses_what_is_not_a_plain_http_url(url, reason):
    assert reason in refusal(url)


def test_an_unresolvable_name_is_a_download_failure_not_a_refusal():
    with pytest.raises(DownloadFailed, match=r"could not resolve no-such-host\.invalid"):
        check_url("http://no-such-host.invalid/film.mp4")


# --- what passes ----------------------------------------------------------------------------


def test_a_public_address_passes_with_the_address_to_connect_to(dns):
    dns.answers["cdn.example"] = [[PUBLIC, "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]]
    checked = check_url("https://CDN.example/films/a.mp4?sig=1")
    assert checked == ssrf.CheckedURL(
        "https://CDN.example/films/a.mp4?sig=1", "https", "cdn.example", 443, PUBLIC
    )


@pytest.mark.parametrize(
    ("allowed", "url"),
    [
        (["nas.lan"], "http://NAS.lan:8080/film.mkv"),
        ([".home.arpa"], "http://media.home.arpa/film.mkv"),
        ([".home.arpa"], "http://home.arpa/film.mkv"),
        (["192.168.1.0/24"], "http://nas.lan/film.mkv"),
        (["192.168.1.20"], "http://192.168.1.20/film.mkv"),
    ],
)
def test_the_operator_can_allow_a_private_host_by_name_or_network(settings, dns, allowed, url):
    dns.answers["nas.lan"] = [["192.168.1.20"]]
    dns.answers["media.home.arpa"] = dns.answers["home.arpa"] = [["192.168.1.30"]]
    settings.INGEST_ALLOWED_HOSTS = allowed
    assert check_url(url).address.startswith("192.168.1.")


@pytest.mark.parametrize(
    ("allowed", "url"),
    [
        (["nas.lan"], "http://other.lan/"),
        (["nas.lan"], "http://evil.nas.lan/"),  # no leading dot: the name only
        ([".home.arpa"], "http://home.arpa.evil.example/"),
        (["192.168.1.0/24"], "http://169.254.169.254/"),
        (["127.0.0.1"], "http://127.0.0.2/"),
    ],
)
def test_an_allowance_covers_that_host_only(settings, dns, allowed, url):
    dns.answers["other.lan"] = dns.answers["evil.nas.lan"] = [["192.168.1.20"]]
    dns.answers["home.arpa.evil.example"] = [["10.9.9.9"]]
    settings.INGEST_ALLOWED_HOSTS = allowed
    refusal(url)


def test_check_host_applies_the_same_rules_without_a_url(settings):
    with pytest.raises(SourceRefused, match="link-local"):
        check_host("169.254.169.254", 80)
    settings.INGEST_ALLOWED_HOSTS = ["127.0.0.1"]
    assert check_host("127.0.0.1", 443) == "127.0.0.1"


# --- connecting to the checked address ------------------------------------------------------


def test_the_connection_goes_to_the_checked_address_even_if_dns_changes(
    settings, dns, source, monkeypatch
):
    """DNS rebinding: the name answers a permitted address for the check, then the metadata
    service. The request must reach the checked address, sending the real Host header."""
    settings.INGEST_ALLOWED_HOSTS = ["127.0.0.1"]
    dns.answers["rebind.example"] = [["127.0.0.1"], ["169.254.169.254"]]
    system_lookups = []
    real_getaddrinfo = socket.getaddrinfo
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda host, *a, **kw: system_lookups.append(host) or real_getaddrinfo(host, *a, **kw),
    )
    source.route("/film.mp4", MediaFile(b"the film"))

    checked = check_url(source.url("/film.mp4", host="rebind.example"))
    connection = guarded_connection(checked)
    connection.request("GET", "/film.mp4")
    response = connection.getresponse()

    assert (response.status, response.read()) == (200, b"the film")
    assert dns.lookups == ["rebind.example"]
    assert "rebind.example" not in system_lookups
    assert source.seen[0].headers["host"] == f"rebind.example:{source.port}"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for media.example, as a CA the client trusts."""
    folder = tmp_path_factory.mktemp("tls")
    return self_signed_certificate(need_binary("openssl"), folder, "media.example")


@pytest.fixture
def tls_source(certificate):
    with source_server(tls=tls_server_context(*certificate)) as server:
        yield server


def test_https_to_the_checked_address_sends_sni_and_verifies_the_real_name(
    settings, dns, tls_source, certificate
):
    settings.INGEST_ALLOWED_HOSTS = ["127.0.0.1"]
    dns.answers["media.example"] = [["127.0.0.1"]]
    tls_source.route("/film.mp4", MediaFile(b"over tls"))
    client = ssl.create_default_context(cafile=str(certificate[0]))

    checked = check_url(tls_source.url("/film.mp4", host="media.example"))
    connection = guarded_connection(checked, context=client)
    connection.request("GET", "/film.mp4")

    assert connection.getresponse().read() == b"over tls"
    assert tls_source.sni_names == ["media.example"]


def test_https_refuses_a_certificate_for_another_name(settings, dns, tls_source, certificate):
    settings.INGEST_ALLOWED_HOSTS = ["127.0.0.1"]
    dns.answers["other.example"] = [["127.0.0.1"]]
    client = ssl.create_default_context(cafile=str(certificate[0]))
    checked = check_url(tls_source.url("/film.mp4", host="other.example"))
    with pytest.raises(ssl.SSLCertVerificationError, match=r"other\.example"):
        guarded_connection(checked, context=client).connect()


# --- the guard proxy for external tools -----------------------------------------------------


def proxy_exchange(proxy_url: str, request: bytes) -> bytes:
    port = int(proxy_url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(request)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
            if request.startswith(b"CONNECT") and b"\r\n\r\n" in received:
                break
        return received


def test_the_proxy_refuses_connect_to_the_metadata_service_and_records_why():
    with guarded_proxy() as proxy:
        answer = proxy_exchange(proxy.url, b"CONNECT 169.254.169.254:443 HTTP/1.1\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 403 Forbidden")
    assert b"169.254.169.254 is a link-local address (cloud metadata)" in answer
    assert len(proxy.refusals) == 1
    assert "cloud metadata" in proxy.refusals[0]


def test_the_proxy_refuses_loopback_unless_allowed(source):
    with guarded_proxy() as proxy:
        target = f"127.0.0.1:{source.port}".encode()
        answer = proxy_exchange(proxy.url, b"CONNECT " + target + b" HTTP/1.1\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 403")
    assert "127.0.0.1 is a loopback address" in proxy.refusals[0]


def test_the_proxy_tunnels_connect_to_an_allowed_host(settings, source):
    settings.INGEST_ALLOWED_HOSTS = ["127.0.0.1"]
    source.route("/film.mp4", MediaFile(b"through the tunnel"))
    with guarded_proxy() as proxy:
        port = int(proxy.url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(f"CONNECT 127.0.0.1:{source.port} HTTP/1.1\r\n\r\n".encode())
            assert sock.recv(4096).startswith(b"HTTP/1.1 200")
            sock.sendall(b"GET /film.mp4 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            answer = b"".join(iter(lambda: sock.recv(65536), b""))
    assert answer.endswith(b"\r\n\r\nthrough the tunnel")
    assert proxy.refusals == []


def test_the_proxy_forwards_plain_http_in_origin_form_with_connection_close(settings, source):
    settings.INGEST_ALLOWED_HOSTS = ["127.0.0.1"]
    source.route("/film.mp4", MediaFile(b"forwarded"))
    with guarded_proxy() as proxy:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": proxy.url}))
        with opener.open(source.url("/film.mp4?x=1"), timeout=5) as response:
            assert response.read() == b"forwarded"
    seen = source.seen[0]
    assert seen.path == "/film.mp4?x=1"
    assert seen.headers["connection"] == "close"
    assert seen.headers["host"] == f"127.0.0.1:{source.port}"
    assert seen.headers["via"] == "1.1 shadowvault-ingest-guard"
    assert "proxy-connection" not in seen.headers


def test_the_proxy_refuses_a_plain_http_request_to_a_private_address():
    with guarded_proxy() as proxy:
        answer = proxy_exchange(
            proxy.url, b"GET http://10.0.0.1/admin HTTP/1.1\r\nHost: 10.0.0.1\r\n\r\n"
        )
    assert answer.startswith(b"HTTP/1.1 403")
    assert b"10.0.0.1 is a private address" in answer
    assert proxy.refusals
