"""The security headers on every answer: Referrer-Policy (same-origin: a signed media or
page link in a URL never reaches another origin), Permissions-Policy (no camera, microphone,
position, payment...; the player's fullscreen, autoplay and picture-in-picture for our own
origin only), nosniff, and HSTS only behind a TLS proxy. No inline script is left for the
Content-Security-Policy to allow. (Media answers through the gateway:
tests/test_metrics_gateway_cache.py.)"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from shadowvault.security_headers import POLICY

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
NOT_OURS = {".venv", "node_modules", ".git", "data"}


def assert_guarded(answer) -> None:
    assert answer["Referrer-Policy"] == "same-origin"
    assert answer["X-Content-Type-Options"] == "nosniff"
    policy = dict(part.split("=", 1) for part in answer["Permissions-Policy"].split(", "))
    for denied in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert policy[denied] == "()", denied
    for kept in ("fullscreen", "autoplay", "picture-in-picture"):
        assert policy[kept] == "(self)", kept
    assert "Strict-Transport-Security" not in answer  # plain HTTP, no TLS proxy


def test_a_page_carries_them(alpha):
    answer = Client(HTTP_HOST="a.test").get("/")

    assert answer.status_code == 200
    assert_guarded(answer)
    assert "script-src" not in answer["Content-Security-Policy"]  # default-src 'self' only


def test_an_api_answer_carries_them(alpha):
    answer = Client(HTTP_HOST="a.test").get("/api/titles/")

    assert answer.status_code == 200
    assert_guarded(answer)


def test_an_error_answer_carries_them(alpha):
    assert_guarded(Client(HTTP_HOST="a.test").get("/no-such-page/"))
    assert_guarded(Client(HTTP_HOST="unknown.test").get("/"))


def test_hsts_is_sent_on_https_behind_a_tls_proxy_only(alpha, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 31536000
    client = Client(HTTP_HOST="a.test")

    over_tls = client.get("/", HTTP_X_FORWARDED_PROTO="https")
    plain = client.get("/")

    assert over_tls["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in plain


def hsts_settings(**env: str) -> list[str]:
    """The HSTS settings a fresh process reads from this environment."""
    code = (
        "from shadowvault import settings as s; "
        "print(getattr(s, 'SECURE_HSTS_SECONDS', 0), "
        "getattr(s, 'SECURE_HSTS_INCLUDE_SUBDOMAINS', False), "
        "getattr(s, 'SECURE_HSTS_PRELOAD', False))"
    )
    names = ("BEHIND_TLS_PROXY", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS")
    base = {k: v for k, v in os.environ.items() if k not in names}
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, "SECRET_KEY": "k" * 40, "LINK_SECRET": "l" * 40, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.split()


def test_hsts_is_set_only_behind_a_tls_proxy_a_year_by_default_and_for_this_host():
    assert hsts_settings() == ["0", "False", "False"]
    assert hsts_settings(BEHIND_TLS_PROXY="true") == ["31536000", "False", "False"]
    assert hsts_settings(BEHIND_TLS_PROXY="true", SECURE_HSTS_SECONDS="600") == [
        "600",
        "False",
        "False",
    ]


def test_the_permissions_policy_is_well_formed():
    for part in POLICY.split(", "):
        assert re.fullmatch(r"[a-z-]+=\((self)?\)", part), part


def test_no_template_has_an_inline_script_or_event_handler():
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")
    handler = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
    folders = [d for d in ROOT.iterdir() if d.is_dir() and d.name not in NOT_OURS]
    templates = [p for d in folders for p in d.rglob("*.html") if "templates" in p.parts]

    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)[:60]}"
        for path in templates
        for pattern in (inline_script, handler)
        for match in pattern.finditer(path.read_text())
    ]

    assert len(templates) > 50
    assert found == []
