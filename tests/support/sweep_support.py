"""The machinery of the security sweep (tests/test_security_sweep.py).

Routes come from Django's URL resolver, never from a hand-written list, so a new app's
routes are walked as soon as they are included in shadowvault/urls.py. Each request is
recorded as a `Finding` when it answers 5xx or shows another site's marker, so one run
lists every problem at once.
"""

from __future__ import annotations

import asyncio
import os
import re
import traceback
from collections import Counter
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import aclosing, contextmanager
from dataclasses import dataclass, field
from functools import reduce
from itertools import product
from pathlib import Path
from types import GeneratorType
from urllib.parse import quote, unquote, urlencode

from django.http import HttpResponse, QueryDict
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern, RoutePattern

ROOT = Path(__file__).resolve().parents[2]

# Every row that belongs only to Beta carries this in a string a page could show. A title
# hidden on Alpha carries HIDDEN_MARKER instead: Alpha's own admin legitimately lists it
# (the hiding is Alpha's row), but no Alpha page or API answer may.
BETA_MARKER = "zzbeta7f3a"
HIDDEN_MARKER = "zzhidden7f3a"

# Names of query parameters the project's views read (kept by hand: grepping the code misses
# names read through forms and DRF); the test checks the grep finds no name missing here.
QUERY_NAMES = [
    "q", "page", "year", "year_from", "year_to", "genre", "kind", "sort", "ids", "next",
    "season", "episode", "lang", "expires", "md5", "format", "o", "p", "e", "all",
    "_changelist_filters", "_to_field", "_popup", "state__exact", "is_hidden__exact",
    "status", "language", "direction",
    "width", "at", "session", "action",
    "where", "code",
    "days",
    "level", "role", "job", "request_id", "after",
]  # fmt: skip

# Known-nasty values, tried on every route: overflowing and signed numbers, Unicode digits
# (isdigit() is True, int() refuses some), NUL, traversal, markup, a very long value.
HOSTILE = [
    "0",
    "-1",
    str(2**63),
    str(2**64),
    "9" * 40,
    "²",
    "١٢",
    "1.5",
    "\x00",
    "a\x00b",
    "%00",
    "../",
    "..%2f..%2fetc%2fpasswd",
    "%2e%2e",
    "<script>x</script>",
    "' OR 1=1 --",
    "\u202e\ufeff",
    "x" * 4000,
]

# Values for path parameters whose name says nothing about a seeded object.
FIXED_PATH_VALUES = {
    "format": ["json"],
    "app_label": ["streaming", "tenants", "auth"],
    "url": ["nowhere/"],
    "version": ["1"],
    "purpose": ["any", "maskable"],
    "size": ["192", "512"],
    "path": ["logos/none.png"],
    "name": ["film.mp4"],
    "token": ["set-password", "0-0"],
}


@dataclass(frozen=True)
class Route:
    """One URL pattern with the full path template and its parameter names."""

    template: str  # e.g. "media/<int:object_id>/<str:name>" or "api/^titles/(?P<pk>...)/$"
    route: str  # as ResolverMatch.route spells it, to tell which pattern answered a path
    pattern: URLPattern
    params: tuple[str, ...]
    model: type | None  # the admin's model, for `object_id` values

    @property
    def name(self) -> str:
        return "/" + self.template

    @property
    def view(self):
        return self.pattern.callback

    @property
    def is_admin(self) -> bool:
        return self.template.startswith("admin/")

    @property
    def is_format_variant(self) -> bool:
        return "format" in self.params


def discover_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns, [], ""))


def _walk(patterns, pieces: list, prefix: str) -> Iterator[Route]:
    for entry in patterns:
        here = [*pieces, entry.pattern]
        text = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, here, text)
        else:
            model_admin = getattr(entry.callback, "model_admin", None)
            names = tuple(n for piece in here for n in _param_names(piece))
            joined = reduce(lambda inner, outer: _join(outer, inner), map(str, reversed(here)))
            yield Route(text, joined, entry, names, getattr(model_admin, "model", None))


def _join(outer: str, inner: str) -> str:
    # URLResolver joins an include's route to its own with the inner "^" dropped.
    return inner if not outer else outer + inner.removeprefix("^")


def _param_names(pattern) -> list[str]:
    if isinstance(pattern, RoutePattern):
        return list(pattern.converters)
    if isinstance(pattern, RegexPattern):
        return list(pattern.regex.groupindex)
    return []


_ROUTE_PARAM = re.compile(r"<(?:\w+:)?(\w+)>")
_REGEX_PARAM = re.compile(r"\(\?P<(\w+)>(?:[^()]|\([^()]*\))*\)")


def build_path(route: Route, values: dict[str, str]) -> str | None:
    """The request path for these parameter values, or None when the route would not match
    it (a converter refuses the value: then another route or the 404 page answers)."""
    slots: list[str] = []

    def slot(match: re.Match) -> str:
        slots.append(quote(values[match.group(1)], safe="/%"))
        return f"\x00{len(slots) - 1}\x00"

    text = _ROUTE_PARAM.sub(slot, _REGEX_PARAM.sub(slot, route.template))
    # What is left of a regex route is its anchors, escapes and optional slashes.
    text = text.replace("^", "").replace("$", "").replace("/?", "/").replace("\\", "")
    path = "/" + re.sub(r"\x00(\d+)\x00", lambda m: slots[int(m.group(1))], text)
    try:
        match = resolve(unquote(path))
    except Resolver404:
        return None
    return path if match.route == route.route else None


def path_values(route: Route, pool: dict[str, list[str]], hostile: bool) -> Iterator[dict]:
    """Every combination of seeded (Alpha and Beta) values for the route's parameters; or,
    hostile, each parameter in turn through the hostile values with the others seeded (a
    product of hostile values would be thousands of requests for one route). A route
    without parameters gets one empty combination, and no hostile one."""
    real = {name: real_values(route, name, pool) for name in route.params}
    if not hostile:
        yield from (dict(zip(real, combo, strict=True)) for combo in product(*real.values()))
        return
    for name in route.params:
        if name == "format":
            continue  # the suffix's converter takes [a-z0-9]+ only; the view never sees more
        for value in HOSTILE:
            yield {other: values[0] for other, values in real.items()} | {name: value}


def real_values(route: Route, name: str, pool: dict[str, list[str]]) -> list[str]:
    """The seeded values for a parameter: the route's own (`name@url-name`: the first is
    the one query values are tried with), else by its name (and for the admin's object_id,
    its model). A new route's parameter with an unknown name gets "1" and the hostile values:
    seed it in the world fixture of tests/test_security_sweep.py to probe isolation too."""
    key = f"object_id:{route.model._meta.label}" if route.model and name == "object_id" else name
    own = pool.get(f"{name}@{route.pattern.name}")
    return own or pool.get(key) or FIXED_PATH_VALUES.get(name) or ["1"]


@dataclass(frozen=True)
class Role:
    name: str
    user: object | None
    sees_everything_in_admin: bool = False


@dataclass
class Sweep:
    """Sends requests as the roles on Alpha's host and records what went wrong."""

    host: str
    clients: dict[str, Client] = field(default_factory=dict)
    session_keys: dict[str, str | None] = field(default_factory=dict)  # as first signed in
    findings: list[Finding] = field(default_factory=list)
    requests: int = 0
    statuses: Counter = field(default_factory=Counter)  # (first path segment, status)
    secrets: list[str] = field(default_factory=list)  # never shown on this host, like markers

    def client(self, role: Role) -> Client:
        if role.name not in self.clients:
            client = self.clients[role.name] = signed_in_client(role.user, self.host)
            self.session_keys[role.name] = client.session.session_key
        return self.clients[role.name]

    def send(
        self, route: Route, role: Role, method: str, path: str, label: str, **extra
    ) -> HttpResponse:
        self.requests += 1
        client = self.client(role)
        extra.setdefault("HTTP_HOST", self.host)
        if method != "GET":
            extra.setdefault("HTTP_X_CSRFTOKEN", client.csrf)
        response = client.generic(method, path, **extra)
        self.statuses[(route.template.split("/")[0], response.status_code)] += 1
        self.check(route, role, f"{method} {path[:160]}", label, response)
        return response

    def check(self, route: Route, role: Role, request: str, label: str, response) -> None:
        if response.status_code >= 500:
            kind, detail = _exception_text(response)
        elif marker := leaked_marker(
            role, request.split(" ", 1)[1], body_of(response), self.secrets
        ):
            kind, detail = f"shows {marker!r}, a row of another site", ""
        else:
            return
        self.findings.append(
            Finding(route.name, request, role.name, label, response.status_code, kind, detail)
        )


@dataclass(frozen=True)
class Finding:
    route: str
    request: str
    role: str
    value: str
    status: int
    problem: str  # the exception's type and where it was raised, or the marker shown
    detail: str = ""  # the exception's message

    def __str__(self) -> str:
        return (
            f"{self.request} as {self.role} [{self.value}] -> {self.status}: "
            f"{self.problem} {self.detail}"
        )


def signed_in_client(user, host: str) -> Client:
    """A client that runs CSRF checks like a browser and passes them with a real token, so
    a POST reaches the view itself."""
    client = Client(HTTP_HOST=host, enforce_csrf_checks=True, raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    client.csrf = _get_new_csrf_string()
    client.cookies["csrftoken"] = client.csrf
    return client


# A marker shows in a page or a JSON answer; a film's bytes hold none, so a streamed answer
# is read no further than this.
STREAMED_BYTES_READ = 1 << 20


def body_of(response) -> bytes:
    """What the checks read of an answer: all of a plain one, the first MiB of a streamed one."""
    if not getattr(response, "streaming", False):
        return response.content
    if response.is_async:
        # Media answers stream from an async iterator. Iterating the response would make
        # Django warn and drain it whole on a loop of its own; read it on one of ours.
        return asyncio.run(_first_bytes_async(response.streaming_content))
    return _first_bytes(response.streaming_content)


def _first_bytes(chunks: Iterable[bytes]) -> bytes:
    read = bytearray()
    for chunk in chunks:
        read += chunk
        if len(read) > STREAMED_BYTES_READ:
            break
    return bytes(read)


async def _first_bytes_async(chunks: AsyncIterator[bytes]) -> bytes:
    read = bytearray()
    # Cut short, it is closed here (and asyncio.run closes the generators under it), so the
    # response's file is closed on the loop that read it.
    async with aclosing(chunks):
        async for chunk in chunks:
            read += chunk
            if len(read) > STREAMED_BYTES_READ:
                break
    return bytes(read)


def leaked_marker(role: Role, path: str, body: bytes, secrets: list[str]) -> str | None:
    """Another site's marker in an answer on Alpha's host. An operator's admin shows every
    site by design, and a site admin's own hidings name the titles they hide."""
    text = body.lower()
    in_admin = path.startswith("/admin/")
    if role.sees_everything_in_admin and in_admin:
        return None
    for marker in (BETA_MARKER, *secrets):
        if marker.lower().encode() in text:
            return marker
    if not in_admin and HIDDEN_MARKER.encode() in text:
        return HIDDEN_MARKER
    return None


def _exception_text(response) -> tuple[str, str]:
    """("ValueError at streaming/api/views.py:126", its message): the last frame in the
    project's own code names the place to fix."""
    exc_info = getattr(response, "exc_info", None)
    if not exc_info:
        return f"status {response.status_code}", ""
    frames = traceback.extract_tb(exc_info[2])
    ours = [f for f in frames if f.filename.startswith(str(ROOT)) and ".venv" not in f.filename]
    ours = ours or frames
    where = f"{os.path.relpath(ours[-1].filename, ROOT)}:{ours[-1].lineno}"
    return f"{exc_info[0].__name__} at {where}", str(exc_info[1])[:160]


@contextmanager
def names_read() -> Iterator[set[str]]:
    """The names views look up one by one in any QueryDict (GET or POST) while this is open:
    which parameters a route really reads, learnt by asking it rather than by grepping.
    Whole-dict walks (a middleware looking at every value, the admin copying GET) are not
    counted: they read every name alike."""
    seen: set[str] = set()
    walking = [0]
    originals = {name: getattr(QueryDict, name) for name in (*_LOOKUPS, *_WALKS)}

    def lookup(original):
        def wrapper(self, key, *args, **kwargs):
            if not walking[0]:
                seen.add(key)
            return original(self, key, *args, **kwargs)

        return wrapper

    def walk(original):
        def wrapper(self, *args, **kwargs):
            walking[0] += 1
            try:
                result = original(self, *args, **kwargs)
                return list(result) if isinstance(result, GeneratorType) else result
            finally:
                walking[0] -= 1

        return wrapper

    for name, original in originals.items():
        setattr(QueryDict, name, lookup(original) if name in _LOOKUPS else walk(original))
    try:
        yield seen
    finally:
        for name, original in originals.items():
            setattr(QueryDict, name, original)


_LOOKUPS = ("__getitem__", "__contains__", "get", "getlist")
# Building a QueryDict and walking all of it ask for names too, but not as a view reading one.
_WALKS = (
    *("__init__", "setlistdefault", "items", "lists", "values", "dict", "copy", "urlencode"),
    *("__copy__", "__deepcopy__"),
)


def latin_square_queries(names: list[str], values: list[str]) -> Iterator[str]:
    """len(values) query strings in which every name meets every value once, each name with
    a different value in the same request (so one name's early 400 masks few others)."""
    for shift in range(len(values)):
        pairs = [(n, values[(i + shift) % len(values)]) for i, n in enumerate(names)]
        yield urlencode(pairs)


def summary(findings: Iterable[Finding]) -> str:
    """One line per (route, problem): how often, as whom, and one request that shows it."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        groups.setdefault((finding.route, finding.problem), []).append(finding)
    lines = []
    for (route, problem), found in sorted(groups.items()):
        roles = sorted({f.role for f in found})
        lines.append(f"{route}: {problem} x{len(found)} as {roles}, e.g. {found[0]}")
    return "\n".join(lines)
