"""TLS at the gateway (docs/deploy.md): with a certificate and key, the rendered nginx serves
https (HTTP/2 offered), its plain listener redirects to https and answers certbot's webroot
challenges, and the site behind it sees the request as https. Half a TLS setting is refused
with a message, never a half-working config."""

from __future__ import annotations

import http.client
import socket
import ssl
import subprocess
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.support.services import free_port, need_binary
from tests.support.serving import nginx_gateway, uvicorn_in_thread

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1, as certbot's fullchain.pem and privkey.pem stand."""
    cert, key = folder / "fullchain.pem", folder / "privkey.pem"
    subprocess.run(
        [need_binary("openssl"), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def test_https_redirect_and_certbot_challenge(tmp_path, settings):
    settings.BEHIND_TLS_PROXY = True
    cert, key = self_signed(tmp_path)
    http_port = free_port()
    acme = tmp_path / "acme"
    challenge = acme / ".well-known" / "acme-challenge" / "token-abc"
    challenge.parent.mkdir(parents=True)
    challenge.write_text("token-abc.thumbprint")
    options = {
        "tls_certificate": str(cert),
        "tls_key": str(key),
        "http_listen": f"127.0.0.1:{http_port}",
        "acme_root": str(acme),
    }
    with uvicorn_in_thread() as origin, nginx_gateway(tmp_path, origin, **options) as port:
        context = ssl.create_default_context(cafile=str(cert))  # verifies the chain
        https = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=10)
        https.request("GET", "/healthz")
        assert https.getresponse().status == 200
        offers = ssl.create_default_context(cafile=str(cert))
        offers.set_alpn_protocols(["h2", "http/1.1"])
        with offers.wrap_socket(
            socket.create_connection(("127.0.0.1", port)), server_hostname="127.0.0.1"
        ) as probe:
            assert probe.selected_alpn_protocol() == "h2"
            assert probe.version() in {"TLSv1.2", "TLSv1.3"}

        plain = http.client.HTTPConnection("127.0.0.1", http_port, timeout=10)
        plain.request("GET", "/catalogue/?page=2", headers={"Host": "vault.example"})
        redirect = plain.getresponse()
        redirect.read()
        assert redirect.status == 301
        assert redirect.getheader("Location") == "https://vault.example/catalogue/?page=2"
        plain.request("GET", "/.well-known/acme-challenge/token-abc")
        token = plain.getresponse()
        assert (token.status, token.read()) == (200, b"token-abc.thumbprint")


def test_half_a_tls_setting_is_refused(tmp_path):
    with pytest.raises(CommandError, match="both a certificate"):
        call_command("gateway_config", "--tls-certificate", str(tmp_path / "cert.pem"))
    with pytest.raises(CommandError, match="no upstream server"):
        call_command("gateway_config", "--site-upstream", " , ")
