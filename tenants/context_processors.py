from django.http import HttpRequest

from tenants.middleware import membership_for
from tenants.models import Membership


def tenant(request: HttpRequest) -> dict:
    """The site's branding and the viewer's role, for every template."""
    current = getattr(request, "tenant", None)
    user = getattr(request, "user", None)
    is_site_admin = False
    if current is not None and user is not None and user.is_authenticated:
        membership = membership_for(request, user)
        is_site_admin = user.is_superuser or bool(membership and membership.is_admin)
    return {"tenant": current, "is_site_admin": is_site_admin, "roles": Membership.Role}
