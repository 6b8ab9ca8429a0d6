"""Who may do what on the request's site: one place for the role rules."""

from django.http import HttpRequest

from tenants.middleware import membership_for
from tenants.models import Membership, Tenant


def is_operator(request: HttpRequest) -> bool:
    """Operators are superusers: they run the whole installation, every site."""
    user = request.user
    return user.is_active and user.is_superuser


def is_member(request: HttpRequest) -> bool:
    """Signed in as a member of the request's site (operators count everywhere).

    MembershipMiddleware already makes non-members anonymous; the membership it looked up is
    cached on the request, so this costs no query."""
    user = request.user
    if not user.is_authenticated:
        return False
    return user.is_superuser or membership_for(request, user) is not None


def is_site_admin(request: HttpRequest) -> bool:
    """An operator, or a member with the admin role on the request's site."""
    user = request.user
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    membership = membership_for(request, user)
    return membership is not None and membership.is_admin


def may_sign_in(user, tenant: Tenant | None) -> bool:
    """A user signs in on a site only where they are a member (operators everywhere)."""
    return tenant is not None and tenant.role_of(user) is not None


def may_administer(user, tenant: Tenant | None) -> bool:
    return tenant is not None and tenant.role_of(user) == Membership.Role.ADMIN
