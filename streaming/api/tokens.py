"""API tokens for apps: issued only to members of the site they are asked on."""

from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.request import Request
from rest_framework.response import Response

from tenants.access import may_sign_in


class SiteTokenView(ObtainAuthToken):
    """POST username and password; answers {"token": ...} for a member of this site."""

    def post(self, request: Request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        if not may_sign_in(user, request.tenant):
            # Same words as a wrong password: nothing said about other sites' accounts.
            return Response(
                {"non_field_errors": ["Unable to log in with provided credentials."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
