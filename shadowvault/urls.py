from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from shadowvault import health, log_view, public_uploads, web_app
from shadowvault.metrics.view import metrics

urlpatterns = [
    path("", include("streaming.site.urls")),
    path("", include("readvault.site.urls")),
    path("", include("readvault.reader.urls")),
    path("opds/", include("readvault.opds.urls")),
    path("account/", include("tenants.urls")),
    path("billing/", include("billing.urls")),
    path("takedowns/", include("takedowns.urls")),
    path("console/", include("console.urls")),
    path("ads/", include("ads.urls")),  # the player's breaks, the tracker, VAST
    path("stremio/", include("stremio.urls")),  # the Stremio addon (docs/stremio.md)
    path("party/", include("parties.urls")),  # watch parties (the socket: shadowvault.websockets)
    path("legal/", include("tenants.legal_urls")),  # a site's terms, privacy, imprint
    path("account/reading/", include(("readvault.site.account_urls", "reading"))),
    path("account/reader-apps/", include(("readvault.opds.account_urls", "reader-apps"))),
    path("account/stremio/", include(("stremio.account_urls", "stremio-account"))),
    # The operator's live log view (docs/logs.md), inside the admin's sign-in.
    path("admin/logs/", admin.site.admin_view(log_view.log_page), name="admin-logs"),
    path(
        "admin/logs/stream/", admin.site.admin_view(log_view.log_stream), name="admin-logs-stream"
    ),
    path("admin/", admin.site.urls),
    path("api/v1/comics/", include("readvault.api.urls")),
    path("api/", include("streaming.api.urls")),
    # Browsers ask for /favicon.ico on pages that name no icon (the admin's, for one).
    path("favicon.ico", RedirectView.as_view(url=static("img/icon.svg"), permanent=True)),
    path("", include("stored_media.urls")),
    path("", include("readvault.pages.urls")),  # ReadVault's page links, /pages/
    # The installable web app (shadowvault/web_app.py). The worker is served from the root:
    # its scope cannot reach above the folder its script lives in.
    path("manifest.webmanifest", web_app.manifest, name="web-manifest"),
    path("sw.js", web_app.service_worker, name="service-worker"),
    path("offline/", web_app.offline, name="offline"),
    path(
        "app-icons/<slug:version>/<slug:purpose>-<int:size>.png",
        web_app.app_icon,
        name="app-icon",
    ),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics, name="metrics"),  # Prometheus, operators only (docs/metrics.md)
    # Public images (logos, later posters) live under MEDIA_ROOT/public; media files never do:
    # they are reached only through signed links. nginx serves this folder itself at scale.
    path("uploads/public/<path:path>", public_uploads.public_upload, name="public-upload"),
]

handler404 = "shadowvault.views.not_found"
handler500 = "shadowvault.views.server_error"
