"""The Stremio addon (protocol v3): a per-user, per-site addon URL with a revocable token,
serving the site's films and series to the Stremio apps (docs/stremio.md). Stands on
streaming (its access rules, links and plans); nothing below imports it."""
