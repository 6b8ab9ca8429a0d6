"""Named sites and people used across the suite.

Two sites, Alpha (a.test) and Beta (b.test); alice watches on Alpha, bob on Beta, and
each site has its own admin; olivia is an operator (superuser) with no membership at all.
"""

from __future__ import annotations

import os
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from hypothesis import settings as hypothesis_settings

from shadowvault import stored_settings
from tenants.models import Membership, Tenant
from tests.factories import PASSWORD, make_member, make_site
from tests.support.billing_rows import (  # noqa: F401  fixtures for the billing tests
    alpha_site_plan,
    free_plan,
    premium,
    stripe_double,
    webhook,
)
from tests.support.browser import chromium
from tests.support.ingest_helpers import ingest_dirs  # noqa: F401  fixtures for the ingest tests
from tests.support.live_site import live_site
from tests.support.media_factory import test_media  # noqa: F401
from tests.support.services import need, port_open
from tests.support.tmdb_double import API_KEY, TMDBDouble

# Hypothesis' default 200 ms deadline times each example: on two shared cores a busy moment
# fails a correct parser. Speed is measured in bench/, not timed in tests.
hypothesis_settings.register_profile("shadowvault", deadline=None)
hypothesis_settings.load_profile("shadowvault")


@pytest.fixture(autouse=True)
def _private_cache(settings):
    # Cached answers (the home page's biggest genres, TMDB lookups) must not leak from one
    # test into the next: on SQLite a rolled-back test's ids come back in the next one.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"test-{uuid.uuid4()}",
        }
    }


@pytest.fixture(autouse=True)
def _stored_settings():
    # Admin → Settings are remembered per process (shadowvault/stored_settings.py): each test
    # starts from the environment's without asking the database (many tests have none), until
    # a save in the admin (or stored_settings.forget()) makes the next use read it.
    stored_settings.remember(stored_settings.Overrides())
    yield
    stored_settings.forget()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2's deliberate slowness would dominate the suite; what is tested here is who may
    # sign in where, not the hash.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def alpha(db) -> Tenant:
    return make_site("Alpha", "a.test", accent_colour="#ff0066")


@pytest.fixture
def beta(db) -> Tenant:
    return make_site("Beta", "b.test", accent_colour="#00aa55")


@pytest.fixture
def alice(alpha):
    return make_member("alice", alpha)


@pytest.fixture
def bob(beta):
    return make_member("bob", beta)


@pytest.fixture
def alpha_admin(alpha):
    return make_member("alpha_admin", alpha, Membership.Role.ADMIN)


@pytest.fixture
def beta_admin(beta):
    return make_member("beta_admin", beta, Membership.Role.ADMIN)


@pytest.fixture
def olivia(db):
    return get_user_model().objects.create_superuser(
        username="olivia", email="olivia@example.com", password=PASSWORD
    )


@pytest.fixture
def on_alpha(alpha) -> Client:
    return Client(HTTP_HOST="a.test")


@pytest.fixture
def on_beta(beta) -> Client:
    return Client(HTTP_HOST="b.test")


@pytest.fixture
def tmdb(settings):
    """A local double of TMDB v3 (tests/support/tmdb_double.py), the settings pointing at it."""
    # A private cache per test: a cached answer must never hide what the server was asked.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"tmdb-{uuid.uuid4()}",
        }
    }
    with TMDBDouble() as double:
        settings.TMDB_API_KEY = API_KEY
        settings.TMDB_API_URL = double.url
        settings.TMDB_LANGUAGE = "en-US"
        yield double


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium through Playwright, one per test module (tests/support/browser.py)."""
    with chromium() as browser:
        yield browser


@pytest.fixture(scope="session")
def browser_site(tmp_path_factory):
    """One install with the sample film, behind the gateway, for every browser module: its
    migrate, bootstrap, sample ingest and gateway start are paid once a run. Take it through
    a module's own `site` fixture, which calls `reset()` first, so no module sees another's
    rows (tests/support/live_site.py)."""
    with live_site(tmp_path_factory.mktemp("browser-site"), sample=True) as site:
        site.keep_baseline()
        site.serve_behind_gateway()
        yield site


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
    need(port_open(6379), "Redis is not answering on 127.0.0.1:6379")
    return url
