"""`Authorization: Token <key>` for the API: live tokens of this site only.

A refused token is a 401 whose JSON says why (unknown, revoked, expired, another site's), so
an app knows to ask for a new one. Requests without a token header are left to the next
authenticator (the session), and then to the permissions, as before.
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from streaming.api.token_store import find_token, note_use
from tenants.request_types import tenant_of

KEYWORD = b"token"


class ApiTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request):
        words = get_authorization_header(request).split()
        if not words or words[0].lower() != KEYWORD:
            return None
        if len(words) != 2:
            raise AuthenticationFailed("Send the token as `Authorization: Token <key>`.")
        token = find_token(words[1].decode("latin-1"))
        if token is None:
            raise AuthenticationFailed("Unknown token.")
        if token.revoked_at is not None:
            raise AuthenticationFailed("This token was revoked; create a new one.")
        if token.is_expired:
            raise AuthenticationFailed(
                f"This token expired at {token.expires_at:%Y-%m-%d %H:%M} UTC; create a new one."
            )
        if token.tenant_id != getattr(tenant_of(request), "pk", None):
            raise AuthenticationFailed("This token was issued for another site.")
        if not token.user.is_active:
            raise AuthenticationFailed("This account is disabled.")
        note_use(token)
        return token.user, token

    def authenticate_header(self, request: Request) -> str | None:
        # DRF answers 401 (not 403) only when the first authenticator names a scheme. Name it
        # only for requests that sent a token: a visitor without one keeps the 403 with the
        # permission's message that the API has always given.
        words = get_authorization_header(request).split()
        if words and words[0].lower() == KEYWORD:
            return 'Token realm="api"'
        return None


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes the token (drf-spectacular finds it by class)."""

    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema) -> dict:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>`: from POST /api/token/ or the account page.",
        }
