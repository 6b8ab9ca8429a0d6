"""The signed, expiring link in a takedown's reply mail where a counter-notice is filed.

The token is the takedown's id signed with Django's TimestampSigner (SECRET_KEY, a salt of
its own), so it cannot be made up or moved to another takedown, and it expires."""

from __future__ import annotations

from django.core import signing

SALT = "takedowns.counter-notice"
# Long enough for an uploader to hear of the takedown and answer, short enough that an old
# mail does not reopen a long-settled case.
VALID_DAYS = 14


def token_for(takedown_id: int) -> str:
    return signing.TimestampSigner(salt=SALT).sign(str(takedown_id))


def takedown_id_from(token: str) -> int | None:
    """The takedown's id, or None for a bad, foreign or expired token."""
    try:
        value = signing.TimestampSigner(salt=SALT).unsign(token, max_age=VALID_DAYS * 86400)
    except signing.BadSignature:  # SignatureExpired is one too
        return None
    return int(value) if value.isdigit() else None
