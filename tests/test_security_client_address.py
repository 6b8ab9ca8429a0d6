"""The client's address is X-Real-IP only when a trusted proxy (the gateway) sent it.

Behind nginx every connection comes from nginx, so throttling by the peer alone locks a
username for everyone: an attacker at one address could lock out the real user at another.
And believing X-Real-IP from anyone lets an attacker pick a fresh address per guess.
"""

import http.client
import re
from http.cookies import SimpleCookie
from ipaddress import ip_network
from urllib.parse import urlencode

import pytest
from django.conf import settings as django_settings
from django.http import HttpResponse

from shadowvault import client_address as rule
from stored_media.signing import viewer_address
from tests.factories import PASSWORD
from tests.support.live_site import LiveSite, live_site
from tests.support.services import need_binary
from tests.test_settings_refuse_bad_values import start_django

LOOPBACK = [ip_network("127.0.0.1/32"), ip_network("::1/128")]
GATEWAY_NETWORK = [ip_network("10.0.0.0/24")]


@pytest.mark.parametrize(
    ("peer", "real_ip", "trusted", "expected"),
    [
        ("203.0.113.5", "198.51.100.1", LOOPBACK, "203.0.113.5"),  # spoofed from outside
        ("127.0.0.1", "198.51.100.1", LOOPBACK, "198.51.100.1"),  # the local gateway
        ("::1", "2001:db8::7", LOOPBACK, "2001:db8::7"),
        ("::ffff:127.0.0.1", "198.51.100.1", LOOPBACK, "198.51.100.1"),  # dual-stack socket
        ("10.0.0.9", "198.51.100.1", GATEWAY_NETWORK, "198.51.100.1"),  # a CIDR entry
        ("10.0.1.9", "198.51.100.1", GATEWAY_NETWORK, "10.0.1.9"),
        ("127.0.0.2", "198.51.100.1", LOOPBACK, "127.0.0.2"),  # 127.0.0.1 only, not /8
        ("127.0.0.1", "198.51.100.1", [], "127.0.0.1"),  # nobody trusted
        ("127.0.0.1", None, LOOPBACK, "127.0.0.1"),  # a local health check
        ("127.0.0.1", "not an address", LOOPBACK, "127.0.0.1"),
        ("127.0.0.1", "198.51.100.1, 10.0.0.1", LOOPBACK, "127.0.0.1"),  # a list is not one
        ("", "198.51.100.1", LOOPBACK, ""),  # a unix socket has no address
    ],
)
def test_x_real_ip_counts_only_from_a_trusted_peer(peer, real_ip, trusted, expected):
    assert rule.resolve(peer, real_ip, trusted) == expected


def test_the_middleware_settles_the_address_into_remote_addr_and_keeps_the_peer(rf):
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="198.51.100.1")
    seen = {}

    def view(request):
        seen["address"] = rule.client_address(request)
        return HttpResponse()

    rule.client_address_middleware(view)(request)

    assert seen["address"] == "198.51.100.1"
    assert request.META["REMOTE_ADDR"] == "198.51.100.1"
    assert request.META[rule.PEER_KEY] == "127.0.0.1"


def test_a_media_link_cannot_be_bound_to_an_address_the_caller_names(rf):
    # Before: with STREAM_BEHIND_GATEWAY=true any caller of the stream port chose its address.
    request = rf.get("/", REMOTE_ADDR="203.0.113.5", HTTP_X_REAL_IP="198.51.100.1")

    assert viewer_address(request) == "203.0.113.5"


def test_the_default_trusts_only_this_machine():
    assert [str(n) for n in django_settings.TRUSTED_PROXIES] == ["127.0.0.1/32", "::1/128"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("nginx", "'nginx' does not appear to be an IPv4 or IPv6 network"),
        ("10.0.0.5/8", "10.0.0.5/8 has host bits set"),
        ("127.0.0.1,300.1.1.1", "'300.1.1.1' does not appear"),
    ],
)
def test_a_bad_trusted_proxy_stops_start_up_with_one_line(tmp_path, value, expected):
    result = start_django(tmp_path, TRUSTED_PROXIES=value)

    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("configuration error: TRUSTED_PROXIES: expected IP addresses")
    assert expected in lines[0]


def login(client, username, password, peer, real_ip):
    return client.post(
        "/account/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=peer,
        HTTP_X_REAL_IP=real_ip,
    )


def test_failures_from_another_client_of_the_gateway_do_not_lock_the_user_out(on_alpha, alice):
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        login(on_alpha, "alice", "wrong", "127.0.0.1", "203.0.113.5")

    assert login(on_alpha, "alice", "wrong", "127.0.0.1", "203.0.113.5").status_code == 429
    assert login(on_alpha, "alice", PASSWORD, "127.0.0.1", "198.51.100.9").status_code == 302


def test_a_new_x_real_ip_per_guess_does_not_get_past_the_lock(on_alpha, alice):
    for n in range(django_settings.AXES_FAILURE_LIMIT):
        login(on_alpha, "alice", "wrong", "203.0.113.5", f"198.51.100.{n}")

    assert login(on_alpha, "alice", PASSWORD, "203.0.113.5", "198.51.100.99").status_code == 429


# The real thing: nginx (the rendered gateway) in front of the servers docker-compose runs.
# Two clients of the gateway on one machine: connections from two loopback addresses.
ATTACKER, ALICE, FAILURES = "127.0.0.2", "127.0.0.3", 2
ORIGINS = {
    "gunicorn": lambda port: (
        *("-m", "gunicorn", "shadowvault.wsgi:application", "--bind", f"127.0.0.1:{port}"),
        *("--workers", "1", "--access-logfile", "-", "--forwarded-allow-ips", "127.0.0.1"),
    ),
    "uvicorn": lambda port: (
        *("-m", "uvicorn", "shadowvault.asgi:application", "--host", "127.0.0.1"),
        *("--port", str(port), "--no-proxy-headers", "--lifespan", "off"),
    ),
}
ALICE_SETUP = """
import json
from django.contrib.auth.models import User
from tenants.models import Membership, Tenant
user = User.objects.create_user("alice", "alice@example.com", {password!r})
Membership.objects.create(tenant=Tenant.objects.get(), user=user, role="viewer")
print(json.dumps({{"id": user.pk}}))
"""


class Visitor:
    """A client of one server from one loopback address, with its own cookies."""

    def __init__(self, port: int, source: str, headers: dict | None = None) -> None:
        self.port, self.source, self.headers = port, source, headers or {}
        self.cookies = SimpleCookie()

    def request(self, method: str, path: str, body: str = "") -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, source_address=(self.source, 0))
        cookie = "; ".join(f"{k}={m.value}" for k, m in self.cookies.items())
        headers = {**self.headers, "Cookie": cookie}
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body or None, headers=headers)
            response = conn.getresponse()
            for value in response.headers.get_all("Set-Cookie") or []:
                self.cookies.load(value)
            return response.status, response.read().decode()
        finally:
            conn.close()

    def sign_in(self, username: str, password: str) -> int:
        _, page = self.request("GET", "/account/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = {"csrfmiddlewaretoken": token, "username": username, "password": password}
        return self.request("POST", "/account/login/", urlencode(form))[0]


@pytest.fixture(scope="module")
def install(tmp_path_factory):
    need_binary("nginx")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("LOGIN_FAILURE_LIMIT", str(FAILURES))
        with live_site(tmp_path_factory.mktemp("client-address")) as site:
            site.shell_json(ALICE_SETUP.format(password=PASSWORD))
            yield site


@pytest.fixture(params=sorted(ORIGINS))
def gateway(request, install):
    install.manage("axes_reset")
    site = LiveSite(install.data_dir, install.database_url)
    origin_port = site.port
    site.serve_behind_gateway(*ORIGINS[request.param](origin_port))
    yield site, origin_port, request.param
    site.stop()


@pytest.mark.services
# Two live installs (gunicorn, uvicorn) behind the gateway, ~60 s: what they prove (the
# address the lock is keyed on) does not change with the database kind, so the PostgreSQL
# pass leaves them out (the suite's 90-minute budget).
@pytest.mark.own_install
def test_an_attacker_at_one_address_does_not_lock_out_alice_at_another(gateway):
    site, origin_port, server = gateway
    attacker = Visitor(site.port, ATTACKER)
    for _ in range(FAILURES - 1):
        assert attacker.sign_in("alice", "wrong") == 200
    locked = attacker.sign_in("alice", "wrong")  # the failure that reaches the limit locks
    alice = Visitor(site.port, ALICE).sign_in("alice", PASSWORD)
    # Straight to the origin, the attacker's own X-Real-IP is a claim nobody trusts.
    spoofed = Visitor(origin_port, ATTACKER, {"X-Real-IP": "127.0.0.9"}).sign_in("alice", PASSWORD)

    assert (locked, alice, spoofed) == (429, 302, 429), site.logs()
    if server == "gunicorn":  # its access log reads the settled REMOTE_ADDR
        # A JSON log line (docs/logs.md): the access line is its message.
        access_line = rf'(^|"message": "){re.escape(ALICE)} .*POST /account/login/'
        assert re.search(access_line, site.logs(), re.M)
