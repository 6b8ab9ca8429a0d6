"""ReadVault's viewer-facing pages (the series page), routed by readvault.site.urls."""
