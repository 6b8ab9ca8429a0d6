"""Loaded with `-p tests.environment`, before pytest-django configures Django.

Tests never read the developer's data/ folder or generated secrets: they get fixed test
secrets and a private temporary data folder unless the caller set them.
"""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-secret-key-that-is-long-enough-for-the-check")
os.environ.setdefault("LINK_SECRET", "test-link-secret-that-is-long-enough-for-the-check")
os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="shadowvault-test-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shadowvault.settings")
