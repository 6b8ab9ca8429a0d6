"""The hostnames the nginx gateway serves: every verified Domain (tenants), as a map file the
gateway config includes (deploy/nginx/gateway.conf.tmpl). When a domain is verified, renamed
or removed the file is rewritten and the gateway reloaded (GATEWAY_HOSTS_FILE,
GATEWAY_RELOAD_COMMAND), so a new custom domain is served without re-rendering the config by
hand. Any other hostname gets nginx's 404 before it reaches Python; the health checks answer
on every host (probes address the process, not a site)."""

from __future__ import annotations

import logging
import os
import shlex
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import transaction

from tenants.models import Domain

logger = logging.getLogger(__name__)

# A change to anything else (the last check's time and result) leaves the map as it is.
ROUTING_FIELDS = frozenset({"hostname", "state"})


def verified_hostnames() -> list[str]:
    verified = Domain.objects.filter(state=Domain.State.VERIFIED)
    return sorted(verified.values_list("hostname", flat=True))


def hosts_map(hostnames: list[str]) -> str:
    """nginx `map` entries. Hostnames passed hostname_validator ([a-z0-9.-]); quoted anyway."""
    return "".join(f'"{hostname}" 1;\n' for hostname in hostnames)


def write_hosts_file(path: Path) -> Path:
    """Replace the file in one step (a rename), so a reloading nginx never reads half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, scratch = tempfile.mkstemp(dir=path.parent, prefix=".hosts-")
    with os.fdopen(fd, "w") as handle:
        handle.write(hosts_map(verified_hostnames()))
    os.chmod(scratch, 0o644)
    os.replace(scratch, path)
    return path


def refresh() -> None:
    """Rewrite the configured hosts file and reload the gateway. A failed reload is logged,
    not raised: the domain change stands, and the next change (or a restart) catches up."""
    if not settings.GATEWAY_HOSTS_FILE:
        return
    write_hosts_file(Path(settings.GATEWAY_HOSTS_FILE))
    command = settings.GATEWAY_RELOAD_COMMAND
    if not command:
        return
    try:
        subprocess.run(shlex.split(command), check=True, capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as exc:
        logger.error("gateway reload (%s) failed: %s", command, exc)


def domain_changed(sender, instance: Domain, update_fields=None, **kwargs) -> None:
    """post_save / post_delete of a Domain: refresh once the change is committed."""
    if not settings.GATEWAY_HOSTS_FILE:
        return
    if update_fields is not None and not ROUTING_FIELDS & set(update_fields):
        return
    transaction.on_commit(refresh)
