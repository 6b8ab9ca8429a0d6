"""Who may use the API on a site: anyone may read the catalogue; writing needs membership.

DRF authenticates tokens itself (after our middleware), so membership of the request's site
is checked here too: a token of a user of site A opens nothing on site B.
"""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from tenants.middleware import membership_for


def is_member(request) -> bool:
    """An active member of the request's site (operators everywhere). The membership is the
    one the middleware cached on the Django request, when it already looked it up."""
    user = request.user
    if not (user and user.is_authenticated and user.is_active) or request.tenant is None:
        return False
    return user.is_superuser or membership_for(request._request, user) is not None


class SiteMemberOrReadOnly(BasePermission):
    message = "Sign in as a member of this site to do that."

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return request.method in SAFE_METHODS
        # A signed-in stranger is refused outright, even for reading.
        return is_member(request)


class SiteMember(BasePermission):
    message = "Sign in as a member of this site to do that."

    def has_permission(self, request, view) -> bool:
        return is_member(request)
