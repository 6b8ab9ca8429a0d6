"""No secret reaches a log line: every line is scrubbed as it is formatted (shadowvault.log_format).

Two layers. The configured secrets themselves (SECRET_KEY, LINK_SECRET, storage and payment
keys, the gateway's token, the database password) are replaced wherever they appear. Then
the shapes that carry a per-user secret whose value no setting knows: a media link's
signature, `Authorization` headers, session and CSRF cookies, passwords and tokens in a
query string or a URL's userinfo, the Stremio addon's token and the OPDS app password in
their paths (docs/logs.md, "Redaction").
"""

from __future__ import annotations

import re
from functools import lru_cache

from django.conf import settings

from stored_media.signing import gateway_token

MASK = "[redacted]"
# Shorter values are not secrets worth the false hits (an empty setting, "0").
MIN_SECRET_LENGTH = 8

_SETTINGS_WITH_SECRETS = (
    "SECRET_KEY",
    "LINK_SECRET",
    "S3_SECRET_ACCESS_KEY",
    "TELEGRAM_API_HASH",
    "TELEGRAM_LEECH_BOT_TOKEN",
    "STRIPE_SECRET_KEY",
    "STRIPE_WEBHOOK_SECRET",
    "EMAIL_HOST_PASSWORD",
    "TMDB_API_KEY",
    "METRICS_TOKEN",
)
_SETTINGS_WITH_SECRET_LISTS = ("TELEGRAM_BOT_TOKENS", "TELEGRAM_SESSIONS")

_PATTERNS = [
    # `name=value` in a query string, a form body or a cookie header.
    re.compile(
        r"(?i)(\b(?:md5|signature|sig|token|access_token|api_key|apikey|key|password|passwd"
        r"|secret|sessionid|csrftoken|csrfmiddlewaretoken|addon_token)=)[^&;\s\"',]+"
    ),
    # `Authorization: Token abc`, `Bearer abc`, `Basic abc` (also as a repr'd header dict).
    re.compile(r"(?i)(\bauthorization[\"']?\s*[:=]\s*[\"']?(?:token|bearer|basic)?\s*)[^\s\"',]+"),
    re.compile(r"(?i)(\b(?:token|bearer)\s+)[A-Za-z0-9._~+/=-]{16,}"),
    # A URL's userinfo password: postgres://user:secret@host
    re.compile(r"(://[^/\s:@]*:)[^@\s/]+(@)"),
    # Secrets in paths: the Stremio addon's token, the OPDS app password, and the one-time
    # tokens of invitations, sign-up confirmations and password resets.
    re.compile(
        r"(/stremio/|/opds/key/|/account/invite/|/account/signup/confirm/"
        r"|/account/password/reset/(?!sent/|complete/)[^/\s?\"']+/)(?!\[redacted\])"
        r"(?!sent/|complete/)[^/\s?\"']+"
    ),
]


@lru_cache(maxsize=1)
def _configured_secrets() -> tuple[str, ...]:
    values: list[str] = []
    for name in _SETTINGS_WITH_SECRETS:
        values.append(str(getattr(settings, name, "") or ""))
    for name in _SETTINGS_WITH_SECRET_LISTS:
        values.extend(str(v) for v in getattr(settings, name, []) or [])
    database = settings.DATABASES.get("default", {})
    values.append(str(database.get("PASSWORD") or ""))
    values.append(gateway_token())  # nginx's proof toward the origin, made from LINK_SECRET
    # Longest first: a secret that contains another is masked whole.
    return tuple(sorted({v for v in values if len(v) >= MIN_SECRET_LENGTH}, key=len, reverse=True))


def forget_secrets() -> None:
    """Read the settings again at the next line (tests that change a secret)."""
    _configured_secrets.cache_clear()


def redact(text: str) -> str:
    """`text` with every secret it holds replaced by [redacted]."""
    if not text:
        return text
    for secret in _configured_secrets():
        if secret in text:
            text = text.replace(secret, MASK)
    for pattern in _PATTERNS:
        text = pattern.sub(_masked, text)
    return text


def _masked(match: re.Match) -> str:
    # The name before the value (group 1) stays; so does what follows it (group 2), if any.
    after = match.group(2) if match.re.groups > 1 else ""
    return match.group(1) + MASK + after
