"""API tokens for apps: issued only to members of the site they are asked on, for that site."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.response import Response
from rest_framework.views import APIView

from streaming.api.token_store import TokenRefused, issue_token
from tenants.access import may_sign_in
from tenants.request_types import SiteApiRequest


class TokenRequestSerializer(AuthTokenSerializer):
    name = serializers.CharField(
        max_length=100, required=False, help_text="Shown on the account page; default “API”."
    )


class IssuedTokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`.")
    name = serializers.CharField()
    expires_at = serializers.DateTimeField(allow_null=True)


class SiteTokenView(APIView):
    """POST username and password (and a name); answers a new token for this site, shown once.

    It expires after API_TOKEN_LIFETIME_DAYS; the account page lists and revokes tokens."""

    authentication_classes = ()
    permission_classes = ()

    @extend_schema(request=TokenRequestSerializer, responses={200: IssuedTokenSerializer})
    def post(self, request: SiteApiRequest) -> Response:
        given = TokenRequestSerializer(data=request.data, context={"request": request})
        given.is_valid(raise_exception=True)
        user = given.validated_data["user"]
        if not may_sign_in(user, request.tenant):
            # Same words as a wrong password: nothing said about other sites' accounts.
            return Response(
                {"non_field_errors": ["Unable to log in with provided credentials."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            issued = issue_token(user, request.tenant, given.validated_data.get("name") or "API")
        except TokenRefused as error:
            return Response({"detail": str(error)}, status=status.HTTP_400_BAD_REQUEST)
        body = {
            "token": issued.key,
            "name": issued.token.name,
            "expires_at": issued.token.expires_at,
        }
        # 200, as when this answered DRF's one token per user: apps check for it.
        return Response(IssuedTokenSerializer(body).data)
