"""Template tags for the installable web app (shadowvault/web_app.py)."""

from django import template

from shadowvault import web_app
from tenants.models import Tenant

register = template.Library()


@register.simple_tag
def app_icon_url(tenant: Tenant | None, size: int, purpose: str = "any") -> str:
    """`{% app_icon_url tenant 180 'maskable' %}`: the site's versioned icon URL."""
    return web_app.icon_url(tenant, size, purpose)
