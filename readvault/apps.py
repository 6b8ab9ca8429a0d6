from django.apps import AppConfig


class ReadVaultConfig(AppConfig):
    """ReadVault, manga and comics: series, volumes, chapters and pages. Its archives and
    page images are stored and delivered through the media core (stored_media)."""

    name = "readvault"
    verbose_name = "ReadVault"

    def ready(self) -> None:
        # Everything this app wires into Django is connected here, not as a side effect of
        # importing a module.
        from django.contrib import admin

        from readvault.catalogue import admin as catalogue_admin
        from readvault.importing import admin as import_admin
        from readvault.plan_gate import servable_objects_rule
        from stored_media.owners import register_owner

        register_owner(self.label, servable_objects_rule)
        catalogue_admin.register(admin.site)
        import_admin.register(admin.site)
        self._connect_search()
        self._connect_gateway_pages()
        self._connect_site_sections()
        self._connect_reader_apps()  # after "Reading": the tabs show in registration order
        self._keep_last_chapter_at()
        self._connect_authorize_purge()

    def _connect_authorize_purge(self) -> None:
        # Hiding a series or a chapter reaches the gateway's cached page answers at once.
        from readvault.catalogue import purge_hooks

        purge_hooks.connect()

    def _keep_last_chapter_at(self) -> None:
        # Series.last_chapter_at follows chapters added and deleted (merges refresh it).
        from readvault.catalogue import newest_chapter

        newest_chapter.connect()

    def _connect_search(self) -> None:
        # The "manga" source of the site's one search box, and SQLite's search triggers put
        # back after migrations (readvault.search).
        from readvault.plan_gate import includes_readvault
        from readvault.search import signals
        from readvault.search.covers import decorate_series_hits
        from readvault.search.series import KIND, LABEL, search_series, typeahead_series
        from shadowvault.search_sources import register_search_source

        register_search_source(
            KIND,
            search_series,
            typeahead_series,
            label=LABEL,
            decorate_fn=decorate_series_hits,
            shown_to=includes_readvault,
        )
        signals.connect()

    def _connect_gateway_pages(self) -> None:
        # nginx's page requests skip the middleware (shadowvault.gateway_fast_paths).
        from readvault.pages.fast_path import PREFIX, serve_gateway_page
        from shadowvault.gateway_fast_paths import register_gateway_path

        register_gateway_path(PREFIX, serve_gateway_page)

    def _connect_site_sections(self) -> None:
        # ReadVault's rows on the home page and its "Reading" tab on the account pages.
        from readvault.plan_gate import includes_readvault
        from readvault.site.home_sections import continue_reading_section, new_chapters_section
        from shadowvault.site_sections import (
            AccountTab,
            register_account_tab,
            register_home_section,
        )

        register_home_section("readvault-continue", continue_reading_section, order=10)
        register_home_section("readvault-new-chapters", new_chapters_section, order=20)
        register_account_tab(
            AccountTab(
                "Reading",
                "reading:overview",
                ("reading:history", "reading:history-clear"),
                shown_to=includes_readvault,
            )
        )

    def _connect_reader_apps(self) -> None:
        # The account's "Reader apps" tab: app passwords for OPDS apps (readvault.opds).
        from readvault.plan_gate import includes_readvault
        from shadowvault.site_sections import AccountTab, register_account_tab

        register_account_tab(
            AccountTab(
                "Reader apps",
                "reader-apps:list",
                ("reader-apps:create",),
                shown_to=includes_readvault,
            )
        )
