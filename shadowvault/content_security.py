"""A Content-Security-Policy on every answer that sets none of its own: pages may load only
from their own origin. Every asset is ours (tests/test_no_other_origins.py proves the pages
name no other origin), so a policy of 'self' costs nothing and turns an injected reference to
another host into a refused request. Answers with a stricter policy of their own (/media/,
public uploads: a sandbox) keep it.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.deprecation import MiddlewareMixin

HEADER = "Content-Security-Policy"


def _policy(form_targets: tuple[str, ...] = ()) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            "img-src 'self' data: blob:",
            # The player plays through Media Source Extensions: a blob: URL on the <video>.
            "media-src 'self' blob:",
            "worker-src 'self' blob:",
            # Inline style attributes (progress bars), the admin's and Redoc's <style> elements.
            # Scripts get no such exception: every script is a static file.
            "style-src 'self' 'unsafe-inline'",
            "object-src 'none'",
            "base-uri 'self'",
            " ".join(["form-action 'self'", *form_targets]),
        ]
    )


SITE_POLICY = _policy()


def policy_allowing_forms_to(*origins: str) -> str:
    """SITE_POLICY, with forms (and the redirects that answer them) allowed to `origins` too:
    for a page whose form is answered by a redirect to a payment provider's own page."""
    return _policy(tuple(origins))


class ContentSecurityPolicyMiddleware(MiddlewareMixin):
    """Adds SITE_POLICY where the view set no policy (sync and async alike)."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if HEADER not in response:
            response[HEADER] = SITE_POLICY
        return response
