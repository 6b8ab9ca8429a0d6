"""The viewer-facing site: home rows, browse, search, title pages, the player.

Views stay thin (parse, authorize, call, render); what rows the home page shows lives in
`home_rows`, filter parsing in `browse_filters`, fetch-and-authorize in `access`.
"""
