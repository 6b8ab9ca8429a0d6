from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from tenants.entitlements import entitlements_for
from tenants.middleware import membership_for
from tenants.models import Membership


def tenant(request: HttpRequest) -> dict:
    """The site's branding, the viewer's role, and what their plan allows (tenants.entitlements:
    `entitlements.ads` is what the ads slice reads; worked out only if a template asks)."""
    current = getattr(request, "tenant", None)
    user = getattr(request, "user", None)
    is_site_admin = False
    if current is not None and user is not None and user.is_authenticated:
        membership = membership_for(request, user)
        is_site_admin = user.is_superuser or bool(membership and membership.is_admin)
    allowed = SimpleLazyObject(lambda: entitlements_for(request)) if current is not None else None
    return {
        "tenant": current,
        "is_site_admin": is_site_admin,
        "roles": Membership.Role,
        "entitlements": allowed,
    }
