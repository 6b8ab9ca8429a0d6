"""Permissions-Policy on every answer: the browser features no page of ours uses are off for
the page and every frame in it (an ad's, a banner's), so an injected script or a third-party
frame cannot ask for the camera, the microphone, the position or a payment. What the player
uses stays on for our own origin only: fullscreen, autoplay (the next episode), and
picture-in-picture. The other security headers come from Django's SecurityMiddleware
(nosniff, Referrer-Policy, HSTS behind TLS: settings) and shadowvault.content_security.
"""

from __future__ import annotations

from asgiref.sync import iscoroutinefunction
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from tenants.middleware import DualModeMiddleware

HEADER = "Permissions-Policy"
DENIED = (
    "accelerometer", "ambient-light-sensor", "bluetooth", "camera", "display-capture",
    "geolocation", "gyroscope", "hid", "idle-detection", "magnetometer", "microphone", "midi",
    "payment", "publickey-credentials-get", "screen-wake-lock", "serial", "usb",
    "xr-spatial-tracking",
)  # fmt: skip
OWN_ORIGIN = ("autoplay", "fullscreen", "picture-in-picture")
POLICY = ", ".join([*(f"{name}=()" for name in DENIED), *(f"{name}=(self)" for name in OWN_ORIGIN)])


class PermissionsPolicyMiddleware(DualModeMiddleware):
    """Adds POLICY where the answer has none of its own; natively sync and async (no thread
    hop on the stream processes), and its response hook alone serves the gateway's fast
    paths (shadowvault.gateway_fast_paths.HEADER_MIDDLEWARE)."""

    def __call__(self, request: HttpRequest):
        if iscoroutinefunction(self.get_response):
            return self._acall(request)
        return self.process_response(request, self.get_response(request))

    async def _acall(self, request: HttpRequest) -> HttpResponseBase:
        return self.process_response(request, await self.get_response(request))

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if HEADER not in response:
            response[HEADER] = POLICY
        return response
