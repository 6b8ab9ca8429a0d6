"""GET /uploads/public/<path>: logos, posters and backdrops, served from the site's own origin.

These files come from operators' uploads and from metadata sources, so a file that a browser
would run (HTML, SVG, XML) must never be answered as such: only the image types below keep
their type, anything else goes out as an opaque download, and every answer carries the same
sandboxing headers as the gateway's location for this folder (deploy/nginx).
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.views.static import serve

IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/gif", "image/avif"})
SANDBOX = "default-src 'none'; sandbox"


def public_upload(request: HttpRequest, path: str) -> HttpResponseBase:
    try:
        response = serve(request, path, document_root=str(settings.MEDIA_ROOT / "public"))
    except OSError as error:
        # A name the file system refuses (ENAMETOOLONG past 255 bytes a part): no such file.
        raise Http404("No such file.") from error
    content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
    if response.status_code == 200 and content_type not in IMAGE_TYPES:
        response["Content-Type"] = "application/octet-stream"
        response["Content-Disposition"] = "attachment"
    response["Content-Security-Policy"] = SANDBOX
    response["X-Content-Type-Options"] = "nosniff"
    return response
