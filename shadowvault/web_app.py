"""The site as an installable web app: manifest, icons, service worker and offline page.

Every site (tenant) is its own origin, so each gets its own manifest, icons in its accent and
its own service worker cache. The worker keeps only the shell: the site's own CSS and
scripts, the icons and the offline page. Pages, media and everything private always come
from the network (templates/web_app/sw.js says how).
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import get_template, render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_GET

from shadowvault.app_icon import PURPOSES, SIZES, draw_icon, icon_version
from tenants.models import Tenant
from tenants.request_types import SiteRequest

# The shell's static files, by their names under static/ (static() gives their URLs, hashed
# ones too should the storage ever add hashes).
SHELL_STATIC = ("css/site.css", "js/site.js", "js/typeahead.js", "img/icon.svg")
# Templates whose change changes the shell: the worker itself and the offline page.
SHELL_TEMPLATES = ("web_app/sw.js", "web_app/offline.html", "base.html")
# Requests under these paths never touch the worker's cache: signed media (range requests
# that a cache would break and that carry expiring links), the API, the admin, the viewer's
# own pages and the player, and typeahead answers. The worker lets the browser fetch them.
PRIVATE_PREFIXES = ("/media/", "/api/", "/admin/", "/account/", "/watch/", "/search/typeahead")
# Chromium installs an app whose manifest has a 192 px and a 512 px icon; the maskable pair
# lets Android launchers cut their own shape without clipping the mark.
MANIFEST_ICONS = ((192, "any"), (512, "any"), (192, "maskable"), (512, "maskable"))
# iOS ignores the manifest's icons and adds black behind transparency: a full-bleed 180 px.
TOUCH_ICON = (180, "maskable")
BACKGROUND = "#07070b"  # site.css --bg: the splash screen matches the first paint
DESCRIPTION = "Films, series and comics."  # base.html's meta description without a tagline
# Launchers cut longer names under the icon.
SHORT_NAME_LENGTH = 12
# The icon's URL carries its version, so its bytes never change under one URL.
ICON_MAX_AGE = 365 * 24 * 3600
MANIFEST_MAX_AGE = 3600


def icon_url(tenant: Tenant | None, size: int, purpose: str) -> str:
    """The versioned URL of the site's icon; a request without a site gets the defaults."""
    tenant = tenant or Tenant()
    version = icon_version(tenant.accent_colour, tenant.accent_colour_2)
    return reverse("app-icon", kwargs={"version": version, "purpose": purpose, "size": size})


def short_name(name: str) -> str:
    if len(name) <= SHORT_NAME_LENGTH:
        return name
    return name.split()[0][:SHORT_NAME_LENGTH]


@require_GET
def manifest(request: SiteRequest) -> JsonResponse:
    tenant = request.tenant
    icons = [
        {
            "src": icon_url(tenant, size, purpose),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": purpose,
        }
        for size, purpose in MANIFEST_ICONS
    ]
    data = {
        "id": "/",
        "name": tenant.name,
        "short_name": short_name(tenant.name),
        "description": tenant.tagline or DESCRIPTION,
        "lang": "en",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": BACKGROUND,
        "theme_color": tenant.accent_colour,
        "icons": icons,
    }
    response = JsonResponse(data, content_type="application/manifest+json")
    response["Cache-Control"] = f"public, max-age={MANIFEST_MAX_AGE}"
    return response


@require_GET
def app_icon(request: SiteRequest, version: str, purpose: str, size: int) -> HttpResponse:
    tenant = request.tenant
    current = icon_version(tenant.accent_colour, tenant.accent_colour_2)
    # An old version is a 404, never today's picture under yesterday's immutable URL.
    if version != current or purpose not in PURPOSES or size not in SIZES:
        raise Http404("No such icon.")
    png = draw_icon(size, purpose, tenant.accent_colour, tenant.accent_colour_2)
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = f"public, max-age={ICON_MAX_AGE}, immutable"
    return response


@require_GET
def service_worker(request: SiteRequest) -> HttpResponse:
    shell = shell_urls(request.tenant)
    # Rendered without the request: the script is the same for every viewer of a site and
    # must carry nothing of anyone's session.
    script = render_to_string(
        "web_app/sw.js",
        {
            "version": shell_version(request.tenant, shell),
            "shell": json.dumps(shell),
            "offline_url": json.dumps(reverse("offline")),
            "private": json.dumps(PRIVATE_PREFIXES),
        },
    )
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    # The browser checks for a new worker on navigations; it must ask us every time.
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """What the service worker shows for a page it cannot fetch. It is cached for everyone who
    uses this browser, so the template shows the site's name and nothing of the viewer's."""
    return render(request, "web_app/offline.html")


def shell_urls(tenant: Tenant) -> list[str]:
    icons = [icon_url(tenant, size, purpose) for size, purpose in MANIFEST_ICONS]
    # The offline page shows the logo; it is public (uploads/public), like the icons.
    logo = [tenant.logo.url] if tenant.logo else []
    return [*(static(name) for name in SHELL_STATIC), *icons, *logo, reverse("offline")]


def shell_version(tenant: Tenant, shell: list[str]) -> str:
    """Names the worker's cache: another file, template or URL, or other branding on the
    offline page, gives another version, so the browser installs a new worker that fetches
    the new shell."""
    branding = [tenant.name, tenant.tagline, tenant.accent_colour, tenant.accent_colour_2]
    digest = hashlib.sha256(json.dumps([shell, branding]).encode())
    digest.update(_files_digest().encode())
    return digest.hexdigest()[:16]


def _files_digest() -> str:
    # Read once per process in production (a deploy restarts the processes); in development
    # files change under a running server, so they are read each time.
    return _read_files_digest.__wrapped__() if settings.DEBUG else _read_files_digest()


@lru_cache(maxsize=1)
def _read_files_digest() -> str:
    digest = hashlib.sha256()
    for name in SHELL_STATIC:
        found = finders.find(name)
        if found is None:
            raise ImproperlyConfigured(f"the service worker's shell names {name}, not found")
        digest.update(Path(found).read_bytes())
    for name in SHELL_TEMPLATES:
        # Django's template backends all give the origin; the stubs' protocol leaves it out.
        origin = get_template(name).origin  # type: ignore[attr-defined]
        digest.update(Path(origin.name).read_bytes())
    return digest.hexdigest()
