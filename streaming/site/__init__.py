"""The viewer-facing site: home rows, browse, search, title pages, the player.

Views stay thin (parse, authorize, call, render); what rows the home page shows lives in
`home_rows`, filter parsing in `browse_filters`, fetch-and-authorize in `access`. The JSON
API (streaming.api) is the same site's other face and loads and filters through those two.
"""
