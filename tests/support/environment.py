"""Loaded with `-p tests.support.environment`, before pytest-django configures Django.

Tests never read the developer's data/ folder or generated secrets: they get fixed test
secrets and a private temporary data folder (laid out as `manage.py bootstrap` would) unless
the caller set them; metadata lookups on AniList are off.
"""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-secret-key-that-is-long-enough-for-the-check")
os.environ.setdefault("LINK_SECRET", "test-link-secret-that-is-long-enough-for-the-check")
os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="shadowvault-test-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shadowvault.settings")
# Tests never reach AniList (the default), whatever the caller's environment says: imports
# that make a series from names queue a lookup, in this process and in every worker or live
# site a test starts with this environment. Tests that want lookups serve the double
# (tests.support.anilist_double.serving_anilist), which points the settings at it.
os.environ["ANILIST_API_URL"] = "off"
# The live log view's event stream stays open LOG_STREAM_SECONDS (25) for a browser; the
# security sweep reads every route's answer to its end, so here it answers and closes.
# The log view's own tests set the length they need.
os.environ.setdefault("LOG_STREAM_SECONDS", "0")
# The suite calls the API far faster than any app from one address (the sweep, schemathesis):
# no rate limit unless a test sets one (tests/test_api_rate_limits.py does).
os.environ.setdefault("API_RATE_PER_TOKEN", "")
os.environ.setdefault("API_RATE_PER_ADDRESS", "")
(Path(os.environ["DATA_DIR"]) / "media" / "public").mkdir(parents=True, exist_ok=True)
