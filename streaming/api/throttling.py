"""API rate limits: per token, and per client address for everything else.

An app with a token gets API_RATE_PER_TOKEN whatever address it calls from (a phone that
moves between networks keeps its budget); a call without a token (the site's own pages on a
session, anonymous catalogue reads) counts against its address's API_RATE_PER_ADDRESS, the
address shadowvault.client_address settled (X-Real-IP only from the gateway), never a header
the client wrote. Counts live in the default cache: Redis when configured, so every process
shares them; the embedded install's in-process cache counts per process, and has one.
Past the rate the answer is DRF's 429 with Retry-After and a JSON `detail`.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from streaming.models import ApiToken


class _SettingsRate(SimpleRateThrottle):
    """Reads its rate from the settings at each request (DRF reads them once at import)."""

    setting = ""

    def get_rate(self) -> str | None:
        return getattr(settings, self.setting) or None


class TokenRateThrottle(_SettingsRate):
    scope = "api_token"
    setting = "API_RATE_PER_TOKEN"

    def get_cache_key(self, request: Request, view) -> str | None:
        if not isinstance(request.auth, ApiToken):
            return None  # not a token call: the address throttle counts it
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class AddressRateThrottle(_SettingsRate):
    scope = "api_address"
    setting = "API_RATE_PER_ADDRESS"

    def get_cache_key(self, request: Request, view) -> str | None:
        if isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.META["REMOTE_ADDR"]}
