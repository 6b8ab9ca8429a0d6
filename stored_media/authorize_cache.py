"""Purging the gateway's cached authorize answers that an unpublish made wrong.

nginx keeps the origin's answer to its auth_request for a few seconds per site, object and
binding (deploy/nginx/gateway.conf.tmpl, /_authorize and /_authorize_page), and uses a
run-out answer that lets the site serve once more while it asks again. Waiting for that
would let a title that was just hidden, taken down or deleted, or a site just suspended,
keep playing on every open link; so whatever can stop a site serving something calls
`served_less()`, and once the change is committed this module reads the cache's entries and
deletes those whose answer the origin would no longer give. The next request for them asks
the origin again.

nginx open source has no purge command, but a cache entry is one file under the cache
folder (levels=1:2, named by the MD5 of its key) whose header holds its key as a `KEY:` line;
deleting the file makes the next request a miss (nginx finds it gone and fetches anew). The
keys are written for this: "media <host> /media/<id>/<name> <0|1>" and
"page <host> <chapter> <0|1>", the last part the link's binding flag.

The folder is GATEWAY_AUTHORIZE_CACHE (default DATA_DIR/gateway/authorize, where
`manage.py gateway_config` puts it); the app must be allowed to delete nginx's files there
(nginx runs as the app's user, as in docker-compose.yml). Each gateway keeps its own cache:
with gateways on other boxes, only the one whose folder this process sees is purged, and the
others hold a wrong answer for their validity (docs/architecture.md, "Streaming path").

What the origin would answer is decided by the same rules the delivery views use: the site
from the host (tenants.middleware), `StoredObject.objects.visible_on` for media, and for
pages a checker ReadVault registers (`register_checker`), since the core knows no chapters.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

# How long past its validity an answer that lets a site serve something is used once more
# while one request refreshes it in the background: the origin says so on those answers
# (`stale-while-revalidate`, SERVE_CACHE_CONTROL), never on refusals, so a refusal is always
# asked again. Longer than the sv_auth zone keeps an unused entry (INACTIVE_SECONDS), so
# every entry nginx still holds can be refreshed without a viewer waiting, and a crowd finds
# either that or no entry at all (then the cache lock makes it one origin call).
INACTIVE_SECONDS = 300
STALE_SECONDS = INACTIVE_SECONDS + 60
SERVE_CACHE_CONTROL = f"stale-while-revalidate={STALE_SECONDS}"
HEADER_BYTES = 4096  # nginx's entry header (~600 bytes) and the KEY line come first
# A request the origin was answering when the change committed may write its (old) answer
# after the first sweep: the entries found then are deleted once more after this delay.
SECOND_SWEEP_SECONDS = 2.0

# kind ("page") -> (site, ids) -> the ids the site still serves
Checker = Callable[[object, set[int]], set[int]]
_checkers: dict[str, Checker] = {}


def register_checker(kind: str, checker: Checker) -> None:
    """Let the app that owns `kind` entries ("page") say which of them a site still serves.
    Registering again replaces it (ready() may run more than once in tests)."""
    _checkers[kind] = checker


@dataclass(frozen=True)
class Entry:
    path: Path
    kind: str  # "media" or "page"
    host: str
    object_id: int  # the stored object, or the chapter
    bound: bool


def parse_key(key: str) -> tuple[str, str, int, bool] | None:
    """(kind, host, id, bound) of an authorize cache key; None for any other key."""
    parts = key.split(" ")
    if len(parts) != 4 or parts[3] not in {"0", "1"}:
        return None
    kind, host, what, bound = parts
    if kind == "media":
        pieces = what.split("/")  # "", "media", "<id>", "<name>"
        what = pieces[2] if len(pieces) == 4 and pieces[1] == "media" else ""
    if kind not in {"media", "page"} or not what.isascii() or not what.isdigit():
        return None
    return kind, host, int(what), bound == "1"


def read_key(path: Path) -> str | None:
    try:
        with path.open("rb") as handle:
            head = handle.read(HEADER_BYTES)
    except OSError:  # nginx replaced or evicted it meanwhile
        return None
    start = head.find(b"\nKEY: ")
    end = head.find(b"\n", start + 6) if start >= 0 else -1
    return head[start + 6 : end].decode("utf-8", "replace") if end > 0 else None


def entries(folder: Path) -> Iterator[Entry]:
    """The authorize answers cached under `folder` (nothing if it does not exist)."""
    for directory, _folders, files in os.walk(folder):
        for name in files:
            if len(name) != 32:  # nginx's temporary files have other names
                continue
            path = Path(directory) / name
            parsed = parse_key(read_key(path) or "")
            if parsed is not None:
                yield Entry(path, *parsed)


def wrong_entries(found: Iterable[Entry]) -> list[Entry]:
    """The entries whose answer the origin would no longer give: the site is gone, inactive,
    suspended or closed; the object or chapter is no longer served there; or the site now
    binds links and the entry is an unbound link's."""
    from tenants.middleware import tenant_for_host

    by_site: dict[tuple[str, str], list[Entry]] = defaultdict(list)
    for entry in found:
        by_site[(entry.host, entry.kind)].append(entry)
    wrong: list[Entry] = []
    for (host, kind), group in by_site.items():
        site = tenant_for_host(host)
        if site is None or not site.is_active or site.is_unavailable:
            wrong += group
            continue
        served = _served(kind, site, {entry.object_id for entry in group})
        binds = site.bind_media_links_to_ip
        wrong += [e for e in group if e.object_id not in served or (binds and not e.bound)]
    return wrong


def _served(kind: str, site, ids: set[int]) -> set[int]:
    if kind == "media":
        from stored_media.models import StoredObject

        visible = StoredObject.objects.visible_on(site).filter(pk__in=ids)
        return set(visible.values_list("pk", flat=True))
    checker = _checkers.get(kind)
    return checker(site, ids) if checker is not None else set()  # unknown: ask again


def purge(folder: Path | None = None) -> list[Path]:
    """Delete the wrong answers cached under `folder` (default GATEWAY_AUTHORIZE_CACHE);
    returns the files deleted. A file nginx cannot be made to forget (no permission) is
    logged: its answer then lasts its validity."""
    folder = folder or authorize_cache_folder()
    if folder is None or not folder.is_dir():
        return []
    deleted = []
    for entry in wrong_entries(entries(folder)):
        if _delete(entry.path):
            deleted.append(entry.path)
    return deleted


def _delete(path: Path) -> bool:
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    except OSError as exc:
        logger.error("could not purge the gateway's authorize answer %s: %s", path, exc)
        return False
    return True


def authorize_cache_folder() -> Path | None:
    folder = settings.GATEWAY_AUTHORIZE_CACHE
    return Path(folder) if folder else None


def served_less(**_signal) -> None:
    """Something may have stopped a site serving an object or chapter (unpublished, hidden,
    taken down, deleted, a site suspended): purge the answers it made wrong once the change
    is committed (before that, the origin still reads the old rows), once per transaction.
    Takes a signal's arguments, so a receiver can be this function itself."""
    if authorize_cache_folder() is None:
        return
    # A rolled-back transaction drops its callbacks, this one with them.
    queued = transaction.get_connection().run_on_commit
    if any(callback[1] is _purge_now for callback in queued):
        return
    transaction.on_commit(_purge_now)


def _purge_now() -> None:
    try:
        deleted = purge()
    except Exception:  # the change stands; the answers then last their validity
        logger.exception("purging the gateway's authorize answers failed")
        return
    if deleted:
        timer = threading.Timer(SECOND_SWEEP_SECONDS, _delete_again, args=(deleted,))
        timer.daemon = True
        timer.start()


def _delete_again(paths: list[Path]) -> None:
    for path in paths:
        _delete(path)
