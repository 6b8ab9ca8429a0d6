"""Who may do what on the request's site: one place for the role rules."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from tenants.middleware import membership_for
from tenants.models import Membership, Tenant

View = Callable[..., HttpResponse]


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


def members_only(refused_post_goes_to: str) -> Callable[[View], View]:
    """A view decorator for a member's own pages: visitors, and people signed in who are not
    members of this site, are sent to sign in. A refused GET comes back to the page; a
    refused POST to the URL named `refused_post_goes_to` (an overview, not an action)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def check(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not is_member(request):
                if request.method != "GET":
                    return redirect_to_login(reverse(refused_post_goes_to))
                return redirect_to_login(request.get_full_path())
            return view(request, *args, **kwargs)

        return check

    return decorate
