"""ReadVault's JSON API under /api/v1/comics/ (DRF). Authentication and the default
permission come from settings.REST_FRAMEWORK by dotted path, so the site's API tokens work
here without this package importing them."""
