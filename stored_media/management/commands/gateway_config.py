"""Render a ready nginx.conf for the gateway (secure_link + slice cache) from the settings."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from stored_media.gateway import GatewayOptions, render, write


class Command(BaseCommand):
    help = (
        "Render the nginx gateway configuration (signed-link check, 1 MiB slice cache, "
        "auth_request to the origin, local files sent by nginx, site and stream upstreams) for "
        "the current settings. Run it again after changing LINK_SECRET or a site's link binding. "
        "Start nginx with: nginx -c <output> -g 'daemon off;'. nginx names the client in "
        "X-Real-IP; the app believes it only from the addresses in TRUSTED_PROXIES (default "
        "127.0.0.1,::1: nginx on the same machine). When nginx reaches the upstreams from "
        "another address, set TRUSTED_PROXIES to that address in the app's environment."
    )

    def add_arguments(self, parser) -> None:
        defaults = GatewayOptions()
        for option in fields(GatewayOptions):
            flag = "--" + option.name.replace("_", "-")
            parser.add_argument(
                flag,
                default=getattr(defaults, option.name),
                help=f"default: {getattr(defaults, option.name) or 'derived'}",
            )
        parser.add_argument("--output", help="Write here (mode 0600) instead of printing.")

    def handle(self, *args, output: str | None = None, **options) -> None:
        chosen = GatewayOptions(**{f.name: options[f.name] for f in fields(GatewayOptions)})
        try:
            render(chosen)
        except ValueError as error:
            raise CommandError(str(error)) from error
        if output:
            path = write(chosen, Path(output))
            self.stdout.write(f"Wrote {path}")
            trusted = ", ".join(str(network) for network in settings.TRUSTED_PROXIES) or "none"
            self.stdout.write(f"The app trusts X-Real-IP from (TRUSTED_PROXIES): {trusted}")
        else:
            self.stdout.write(render(chosen))
