"""Who may use the API on a site: anyone may read the catalogue; writing needs membership.

DRF authenticates tokens itself (after our middleware), so membership of the request's site
is checked here too: a token of a user of site A opens nothing on site B.
"""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from tenants.access import is_member


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
