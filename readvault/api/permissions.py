"""Who may use ReadVault's reading API on a site, as StreamVault's API asks (written here:
ReadVault never imports streaming): anyone may read the catalogue, a signed-in stranger
nothing, and a reader's own lists and progress need a member of the site."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission

from readvault import plan_gate
from tenants.access import is_member

MEMBERS_ONLY = "Sign in as a member of this site to do that."


class MemberOrReadOnly(BasePermission):
    message = MEMBERS_ONLY

    def has_permission(self, request: Any, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            return request.method in SAFE_METHODS
        return is_member(request)  # a signed-in stranger is refused, even for reading


class Member(BasePermission):
    message = MEMBERS_ONLY

    def has_permission(self, request: Any, view: Any) -> bool:
        return is_member(request)


class ReadVaultIncluded(BasePermission):
    """The caller's plan includes ReadVault (readvault.plan_gate): checked after DRF has
    found the token's or session's user, whose plan it is."""

    def has_permission(self, request: Any, view: Any) -> bool:
        reason = plan_gate.refusal(request)
        if reason is not None:
            # Raised, not returned: DRF would answer a visitor's refusal with a bare 401.
            raise PermissionDenied(reason)
        return True
