"""A Content-Security-Policy on every answer that sets none of its own: pages may load only
from their own origin. Every asset is ours (tests/test_no_other_origins.py proves the pages
name no other origin), so a policy of 'self' costs nothing and turns an injected reference to
another host into a refused request. Answers with a stricter policy of their own (/media/,
public uploads: a sandbox) keep it. A page that needs one more source for one directive
(a third-party banner's frame) names it with `allow_on_this_page`; only that answer widens.
"""

from __future__ import annotations

import re

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


# A source is one token: a space, ";" or "," in it would add a source or a directive.
_SOURCE = re.compile(r"[^\s;,'\"]+")


def allow_on_this_page(request: HttpRequest, directive: str, *sources: str) -> None:
    """Widen this request's answer by `sources` for one fetch directive ("frame-src"),
    when the middleware writes the policy (a view's own policy is left as it is)."""
    bad = [source for source in sources if not _SOURCE.fullmatch(source)]
    if not re.fullmatch(r"[a-z]+(-[a-z]+)*", directive):
        raise ValueError(f"not a CSP directive: {directive!r}")
    if bad:
        raise ValueError(f"not a CSP source: {bad[0]!r}")
    extra = getattr(request, "_request", request).__dict__.setdefault("_csp_extra", {})
    extra.setdefault(directive, set()).update(sources)


def widened(policy: str, extra: dict[str, set[str]]) -> str:
    """`policy` with each directive of `extra` given those sources too; a directive the
    policy leaves to default-src gets 'self' and them."""
    directives = [part.strip() for part in policy.split(";")]
    for name, sources in sorted(extra.items()):
        added = " ".join(sorted(sources))
        at = next((i for i, d in enumerate(directives) if d.split(" ")[0] == name), None)
        if at is None:
            directives.append(f"{name} 'self' {added}")
        else:
            directives[at] = f"{directives[at]} {added}"
    return "; ".join(directives)


class ContentSecurityPolicyMiddleware(MiddlewareMixin):
    """Adds SITE_POLICY (widened for this page, if it asked) where the view set no policy
    (sync and async alike)."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if HEADER not in response:
            response[HEADER] = widened(SITE_POLICY, request.__dict__.get("_csp_extra", {}))
        return response
