"""The sweep: every route of the site, the admin and the API, with hostile values in every
path parameter, query parameter, header and form body, as four people on Alpha's host:
no answer may be a server error, and none may show a row of another site.

Routes are discovered from the URL resolver (tests/support/sweep_support.py), so ReadVault, OPDS,
Stremio, ads and watch-party routes are walked as soon as they are included. Beta's rows
carry a marker string; a Beta object's id or slug is among the path values, which is how
isolation is probed. Each test collects every finding before it fails, so one run shows
all of them. Everything goes through Django's test client in-process, schemathesis's cases
too: its own WSGI transport would run the request_finished handler that closes the test's
database connection (Django's test client disconnects it).
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import subprocess
import time
import warnings
from collections.abc import Iterator
from itertools import product
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
import schemathesis
from django.http import StreamingHttpResponse
from django.test import Client
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from billing import invoicing
from billing.models import Provider, Subscription
from readvault.models import SeriesHiding, WantToRead
from readvault.opds import app_passwords
from readvault.pages.delivery import serve_page
from readvault.reading.progress import record_page
from stored_media.delivery import stream_media
from stored_media.signing import signed_link
from streaming.models import (
    Comment,
    CommentReport,
    Episode,
    Genre,
    IngestJob,
    MediaFile,
    Season,
    Title,
    TitleHiding,
    WatchlistEntry,
    WatchProgress,
)
from streaming.stream_limits.configured_store import configured_store, session_ttl
from streaming.stream_limits.store import Caps, Playing
from tenants.models import Domain, SitePlan, ViewerPlan
from tenants.site_state_rules import SiteState
from tenants.site_states import change_state
from tests import factories
from tests.factories import (
    PASSWORD,
    comic_chapter,
    comic_series,
    episode_file,
    film_file,
    make_member,
)
from tests.support.ads_rows import sweep_rows as ads_rows
from tests.support.branding_rows import branding_rows
from tests.support.campaign_rows import sweep_pool as campaigns_pool
from tests.support.curation_rows import curation_rows
from tests.support.figures_rows import sweep_pool as figures_pool
from tests.support.party_rows import sweep_rows as party_rows
from tests.support.people_rows import sweep_rows as people_rows
from tests.support.progressive_rows import progressive_film
from tests.support.stremio_rows import sweep_rows as stremio_rows
from tests.support.sweep_support import (
    BETA_MARKER,
    HIDDEN_MARKER,
    HOSTILE,
    QUERY_NAMES,
    STREAMED_BYTES_READ,
    Role,
    Route,
    Sweep,
    body_of,
    build_path,
    discover_routes,
    latin_square_queries,
    names_read,
    path_values,
    real_values,
    summary,
)
from tests.support.takedown_rows import takedown_rows

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


def settle(sweep: Sweep) -> None:
    """Fail with every finding at once: each one in the captured output, grouped in the
    assertion by route and problem."""
    print(f"\n{sweep.requests} requests, {len(sweep.findings)} findings")
    print("answers by first path segment:", sorted(sweep.statuses.items()))
    print("\n".join(map(str, sweep.findings)))
    assert not sweep.findings, f"{len(sweep.findings)} findings:\n{summary(sweep.findings)}"


# --- the world: Alpha's and Beta's rows ----------------------------------------------------


def film(name: str, slug: str, status=Title.Status.PUBLISHED) -> tuple[Title, MediaFile]:
    title = factories.film(name, status, slug=slug, year=1999)
    return title, film_file(title)


@pytest.fixture
def world(alpha, beta, alice, bob, alpha_admin, beta_admin, olivia) -> dict:
    """Shared titles, Alpha's rows, and Beta's rows each carrying BETA_MARKER; a title only
    Beta shows carries HIDDEN_MARKER."""
    drama = Genre.objects.create(name="Drama", slug="drama")
    heat, heat_media = film("Heat", "heat-1995")
    heat.genres.add(drama)
    draft, _ = film("Unfinished", "unfinished", status=Title.Status.DRAFT)
    secret, secret_media = film(f"{HIDDEN_MARKER} Secret", "beta-only-film")
    TitleHiding.objects.create(tenant=alpha, title=secret)
    show = Title.objects.create(
        title="Show", slug="show", kind=Title.Kind.SERIES, status=Title.Status.PUBLISHED
    )
    episode = Episode.objects.create(season=Season.objects.create(title=show, number=1), number=1)
    episode_media = episode_file(episode)
    # ReadVault: a series Alpha shows, a draft, and one only Beta shows (its search source
    # and its series page must keep the last two to themselves on Alpha).
    manga = factories.comic_series("Heat Manga", alternative_titles=["Netsu"], year=1999)
    factories.comic_chapter(manga, "1")
    manga_draft = factories.comic_series("Unfinished Manga", publish=False)
    manga_secret = factories.comic_series(f"{HIDDEN_MARKER} Secret Manga", slug="beta-only-manga")
    SeriesHiding.objects.create(tenant=alpha, series=manga_secret)

    beta.tagline = f"{BETA_MARKER} tagline"
    beta.save(update_fields=["tagline"])
    Domain.objects.create(tenant=beta, hostname=f"{BETA_MARKER}.b.test")
    make_member(f"{BETA_MARKER}_viewer", beta)
    # Plans and states (tenants.plans, tenants.site_states): Beta's site plan, viewer plan and
    # state record carry the marker; Alpha has a viewer plan of its own (no limits in it).
    beta.plan = SitePlan.objects.create(name=f"{BETA_MARKER} plan")
    beta.save(update_fields=["plan"])
    ViewerPlan.objects.create(tenant=beta, name=f"{BETA_MARKER} premium")
    ViewerPlan.objects.create(tenant=alpha, name="Alpha extra", downloads=True)
    change_state(beta, SiteState.PAST_DUE, by=None, reason=f"{BETA_MARKER} unpaid")
    # Billing (billing.models): subscriptions and invoices of Alpha's, and Beta's carrying the
    # marker (among them one billed to alpha_admin, who must not see it on Alpha either).
    billing_pool = billing_rows(alpha, beta, [alice, alpha_admin], [alpha_admin, bob])
    ours = Comment.objects.create(tenant=alpha, user=alice, title=heat, body="Alpha's comment")
    theirs = Comment.objects.create(tenant=beta, user=bob, title=heat, body=f"{BETA_MARKER} c")
    CommentReport.objects.create(comment=theirs, reporter=bob, reason=f"{BETA_MARKER} report")
    our_job = IngestJob.objects.create(
        tenant=alpha, via="admin", source="https://alpha.example/a.mp4", source_kind="url"
    )
    their_job = IngestJob.objects.create(
        tenant=beta,
        via="admin",
        source=f"https://{BETA_MARKER}.example/film.mp4",
        source_kind="url",
        source_name=f"{BETA_MARKER} film",
        error=f"{BETA_MARKER} error",
        log=f"{BETA_MARKER} log",
        state=IngestJob.State.FAILED,
    )
    for user in (bob, olivia, alpha_admin):
        WatchProgress.objects.create(
            tenant=beta, user=user, media_file=secret_media, position_seconds=600
        )
        WatchlistEntry.objects.create(tenant=beta, user=user, title=secret)
    WatchProgress.objects.create(tenant=alpha, user=alice, media_file=heat_media)
    # Streams playing (streaming.stream_limits): alice's on Alpha, and bob's on Beta playing the
    # film only Beta shows; Beta's id must beat, stop and renew nothing on Alpha.
    playing = [
        playing_stream(alpha, alice, heat_media, "alpha"),
        playing_stream(beta, bob, secret_media, "beta"),
    ]
    # Progressive renditions (streaming.models.progressive): a film Alpha shows that plays
    # from its segments only (no final MP4 yet), and one only Beta shows, whose segment and
    # init bytes carry the marker: served on Alpha, they would show it.
    live = progressive_film("Live", slug="live-progressive", year=1999)
    hidden_live = progressive_film(
        f"{HIDDEN_MARKER} Live", slug="beta-only-live", extra=HIDDEN_MARKER.encode()
    )
    TitleHiding.objects.create(tenant=alpha, title=hidden_live.title)
    hidden_segment = hidden_live.progressive.segments.select_related("stored", "init").first()
    segment_objects = [hidden_segment.stored, hidden_segment.init]
    segment_objects.append(live.progressive.segments.select_related("stored").first().stored)
    progressive_first = [str(m.pk) for m in (live, hidden_live, heat_media, secret_media)]
    # ReadVault: a chapter Alpha shows, and one of a series only Beta shows.
    shown_chapter = comic_chapter(comic_series("Sweep Manga"))
    hidden_comic = comic_series(f"{HIDDEN_MARKER} Comic")
    hidden_chapter = comic_chapter(hidden_comic)
    SeriesHiding.objects.create(tenant=alpha, series=hidden_comic)
    # The library admin: a hiding of Beta's own is among SeriesHiding's ids; the cover
    # chooser's pages take a series id and a page id.
    SeriesHiding.objects.create(tenant=beta, series=comic_series("Hidden on Beta"))
    # Reading (the home rows, the series page, the account's Reading tab): Alpha's roles read
    # and keep a series here; their rows on Beta name a series Alpha hides, for Beta only.
    for user in (alice, alpha_admin, olivia):
        record_page(alpha, user, shown_chapter, 0)
        WantToRead.objects.create(tenant=alpha, user=user, series=shown_chapter.series)
    for user in (bob, olivia, alpha_admin):
        record_page(beta, user, hidden_chapter, 0)
        WantToRead.objects.create(tenant=beta, user=user, series=hidden_comic)

    pool = {
        "slug": [
            *(heat.slug, show.slug, secret.slug, draft.slug),
            *(manga.slug, manga_secret.slug, manga_draft.slug),
        ],
        "media_id": [
            str(m.pk) for m in (heat_media, episode_media, secret_media, live, hidden_live)
        ],
        "object_id": [
            *(str(heat_media.stored_id), str(secret_media.stored_id)),
            *(str(obj.pk) for obj in segment_objects),
        ],
        "name": [
            *(heat_media.stored.link_name, secret_media.stored.link_name),
            *(obj.link_name for obj in segment_objects),
        ],
        # The progressive views read on (`at`, headers) only for a file with a rendition.
        "media_id@watch-progressive": progressive_first,
        "media_id@watch-progressive-hls": progressive_first,
        "pk": [str(o.pk) for o in (heat, secret, draft, ours, theirs, our_job, their_job)],
        "title_id": [str(heat.pk), str(secret.pk)],
        "chapter_id": [str(shown_chapter.pk), str(hidden_chapter.pk)],
        "index": ["0", "1"],
        "variant": ["orig", "800.webp", "auto-400"],
        "series_id": [str(shown_chapter.series_id), str(hidden_comic.pk)],
        "page_id": [str(c.pages.get(index=0).pk) for c in (shown_chapter, hidden_chapter)],
        "session_id": playing,
        "uidb64": [urlsafe_base64_encode(force_bytes(u.pk)) for u in (alice, bob)],
    }
    pool.update(admin_object_ids(alpha, beta))
    # OPDS (/opds/key/<key>/...): an app password of Alpha's, and one of Beta's named with the
    # marker, which must open nothing on Alpha.
    pool["key"] = [
        app_passwords.issue(alpha_admin, alpha, "sweep").secret,
        app_passwords.issue(bob, beta, f"{BETA_MARKER} app").secret,
    ]
    pool["page_number"] = ["0", "1"]
    # Reports and takedowns (takedowns.models): one of each site, Beta's with the marker; the
    # counter-notice route gets both takedowns' tokens.
    pool.update(takedown_rows(alpha, beta, heat.pk, secret.pk, BETA_MARKER))
    pool.update(people_rows(alpha, beta, heat, BETA_MARKER))  # the console's people pages
    pool.update(billing_pool)
    pool.update(figures_pool(alpha, beta, heat, secret, HIDDEN_MARKER))  # console figures
    pool.update(curation_rows(alpha, beta, heat, manga, BETA_MARKER))  # home rows, picks
    pool.update(branding_rows(alpha, beta, BETA_MARKER))  # footer links, legal pages
    pool.update(ads_rows(alpha, beta, BETA_MARKER))  # breaks, the tracker, VAST
    pool.update(campaigns_pool(alpha, beta, BETA_MARKER))  # the console's and admin's campaigns
    pool.update(stremio_rows(alpha, beta, alice, bob, heat, show, secret, BETA_MARKER))  # addon
    pool.update(party_rows(alpha, beta, alice, bob, heat_media, secret_media))  # watch parties
    # API tokens the way apps get them, on the site where they are asked for: the roles' own
    # on Alpha, and Beta's (bob's, and one the operator took on Beta), named with the marker.
    tokens = {u.pk: issue_token(u, "a.test") for u in (alpha_admin, olivia)}
    tokens[bob.pk] = issue_token(bob, "b.test", f"{BETA_MARKER} app")
    betas = {tokens[bob.pk], issue_token(olivia, "b.test", f"{BETA_MARKER} app")}
    return {
        "pool": pool,
        "heat": heat,
        "secret": secret,
        "tokens": tokens,
        # Keys that no answer on Alpha may show (one token per user for every site, as DRF's
        # authtoken had, makes the operator's Beta key her Alpha key: that one is hers here).
        "beta_token_keys": sorted(betas - {tokens[alpha_admin.pk], tokens[olivia.pk]}),
    }


def playing_stream(site, user, media, name: str) -> str:
    started = time.time()
    stream = Playing(name, site.pk, f"u{user.pk}", user.pk, media.pk, "Sweep", started, started)
    assert configured_store().start(stream, Caps(None, None), session_ttl()) is None
    return name


def issue_token(user, host: str, name: str = "sweep") -> str:
    answer = Client(HTTP_HOST=host).post(
        "/api/token/", {"username": user.username, "password": PASSWORD, "name": name}
    )
    assert answer.status_code in {200, 201}, answer.content
    return answer.json()["token"]


def billing_rows(alpha, beta, alpha_payers, beta_payers) -> dict[str, list[str]]:
    """A paid plan and invoices on each site (the last, Beta's, paid with a reference that
    carries the marker); the ids of Alpha's first and Beta's last plans and invoices."""
    alpha_plan = ViewerPlan.objects.create(tenant=alpha, name="Alpha premium", price=5)
    beta_plan = ViewerPlan.objects.get(tenant=beta, name=f"{BETA_MARKER} premium")
    invoices = []
    for site, plan, payers in ((alpha, alpha_plan, alpha_payers), (beta, beta_plan, beta_payers)):
        for user in payers:
            subscription = Subscription.objects.create(
                tenant=site, kind="viewer", user=user, viewer_plan=plan, provider=Provider.MANUAL
            )
            line = invoicing.Line(f"{plan.name} for {user}", 500)
            invoices.append(
                invoicing.issue(subscription, [line], currency="EUR", issued_at=timezone.now())
            )
    invoicing.record_payment(
        invoices[-1],
        amount_minor=500,
        paid_at=timezone.now(),
        reference=f"{BETA_MARKER} transfer",
        provider=Provider.MANUAL,
    )
    return {
        "plan_id": [str(alpha_plan.pk), str(beta_plan.pk)],
        "invoice_id": [str(invoices[0].pk), str(invoices[-1].pk)],
    }


def admin_object_ids(alpha, beta) -> dict[str, list[str]]:
    """For each admin's model: a row of Alpha and one of Beta where rows belong to a site,
    else the first and last rows."""
    ids = {}
    for route in discover_routes():
        model = route.model
        if model is None or f"object_id:{model._meta.label}" in ids:
            continue
        rows = model._default_manager.order_by("pk")
        if any(f.name == "tenant" for f in model._meta.fields):
            picked = [rows.filter(tenant=t).first() for t in (alpha, beta)]
        elif model._meta.label == "tenants.Tenant":
            picked = [alpha, beta]
        else:
            picked = [rows.first(), rows.last()]
        ids[f"object_id:{model._meta.label}"] = [str(r.pk) for r in picked if r] or ["1"]
    return ids


@pytest.fixture
def roles(bob, alpha_admin, olivia) -> list[Role]:
    return [
        Role("anonymous", None),
        Role("bob (Beta member)", bob),
        Role("alpha_admin", alpha_admin),
        Role("olivia (operator)", olivia, sees_everything_in_admin=True),
    ]


@pytest.fixture
def sweep(world) -> Iterator[Sweep]:
    # Each 4xx and 5xx is logged with its (long, hostile) path; the findings say it shorter.
    loggers = [logging.getLogger(name) for name in ("django.request", "django.security")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    yield Sweep(host="a.test", secrets=world["beta_token_keys"])
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


def walked_routes() -> list:
    # /readyz asks PostgreSQL, Redis and the broker with timeouts: once per sweep is enough,
    # and it is walked in test_headers; the rest is walked by every test.
    return [r for r in discover_routes() if r.template != "readyz"]


def first_path(route, pool) -> str | None:
    return next(filter(None, (build_path(route, v) for v in path_values(route, pool, False))), None)


# --- the discovery itself -------------------------------------------------------------------


def test_routes_are_discovered_from_the_resolver():
    templates = {r.template for r in discover_routes()}

    assert len(templates) > 150
    assert {"browse/", "title/<slug:slug>/", "admin/streaming/comment/"} <= templates
    assert "api/^titles/(?P<pk>[^/.]+)/$" in templates


def test_every_query_parameter_the_code_reads_is_swept():
    # Names read as GET.get("x") / query_params.get("x") anywhere in the project's code.
    pattern = r"(GET|POST|query_params)\.(get|getlist)\(\"[a-z_]+\"|query_params\[\"[a-z_]+\""
    folders = ["shadowvault", "streaming", "tenants", "readvault", "ads", "billing"]
    found = subprocess.run(
        ["grep", "-rhoE", pattern, "--include=*.py", *folders],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    names = set(re.findall(r"\"([a-z_]+)\"", found))

    assert names - set(QUERY_NAMES) - set(JUNK_FORM) == set()


def test_the_markers_show_where_they_belong(world, bob, olivia):
    """The markers are on pages of Beta (and in the operator's admin): their absence from
    Alpha's answers means something."""
    on_beta = Client(HTTP_HOST="b.test")
    on_beta.force_login(bob)
    operator = Client(HTTP_HOST="a.test")
    operator.force_login(olivia)

    heat = on_beta.get(f"/title/{world['heat'].slug}/").content.decode()
    browse = on_beta.get("/browse/").content.decode()
    jobs = operator.get("/admin/streaming/ingestjob/").content.decode()
    invoice = on_beta.get(f"/billing/invoices/{world['pool']['invoice_id'][1]}/").content.decode()

    assert BETA_MARKER in heat
    assert f"{BETA_MARKER} premium for bob" in invoice  # the page itself, not the footer
    assert HIDDEN_MARKER in browse.lower()
    assert BETA_MARKER in jobs


def test_a_streamed_answer_is_read_to_its_first_mib_without_a_warning():
    """Media answers stream from an async iterator: the checks read the start of one on an
    event loop of their own (Django warns when a response drains one itself) and close the
    stream they cut short."""
    closed = []

    async def film_bytes():
        try:
            for _ in range(64):  # 4 MiB in all
                yield b"x" * 65536
        finally:
            closed.append(True)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        body = body_of(StreamingHttpResponse(film_bytes()))

    assert STREAMED_BYTES_READ < len(body) <= STREAMED_BYTES_READ + 65536
    assert closed == [True]


# --- the walks ------------------------------------------------------------------------------


def test_path_parameters_with_real_and_hostile_values(world, roles, sweep):
    pool = world["pool"]
    for route in walked_routes():
        for hostile in (False, True):
            # Hostile values need not be tried four times: as an anonymous visitor and as
            # the operator (who reaches the deepest code) they go everywhere they can; in
            # the admin a visitor only meets the sign-in redirect.
            who = roles if not hostile else [roles[3]] if route.is_admin else [roles[0], roles[3]]
            for values in path_values(route, pool, hostile):
                if (path := build_path(route, values)) is None:
                    continue
                for role in who:
                    sweep.send(route, role, "GET", path, repr(values)[:80])
                    if route.view in (stream_media, serve_page):
                        # Media and pages are reached through signed links: sign, so the view
                        # goes on to look the object up on this site (Beta's only is not there).
                        sweep.send(route, role, "GET", signed_link(path), "signed")
    settle(sweep)


# The values most likely to get past a check and break what follows it.
SHARP = ["²", "١٢", str(2**63), "-1", "1.5", "x" * 4000]
# The admin's changelist reads these (and its filters) from a copy of GET, out of sight of
# names_read().
CHANGELIST_NAMES = ["q", "o", "p", "e", "all", "_to_field", "_popup"]


def changelist_filters(route) -> set[str]:
    model_admin = route.view.model_admin
    relations = {f.name for f in route.model._meta.fields if f.is_relation}
    return relations | {f"{f}__exact" for f in model_admin.list_filter if isinstance(f, str)}


def test_query_parameters_with_hostile_values(world, roles, sweep):
    """Each name a route reads, alone, with each sharp value (nothing else in the request can
    answer 400 first); then every name of QUERY_NAMES at once, in a Latin square."""
    pool = world["pool"]
    # Beta's rows asked for by id (the seeded ids as a list, Beta's site id, Beta's title's
    # slug): isolation probes, so every role asks them, where hostile values take turns.
    probes = [",".join(pool["pk"]), pool["object_id:tenants.Tenant"][1], pool["slug"][2]]
    # A NUL anywhere refuses the whole request (shadowvault/nul_guard.py), so NUL values get
    # requests of their own instead of masking every other value of the same request.
    spread = [v for v in HOSTILE if "\x00" not in v] + probes
    alone = [v for v in HOSTILE if "\x00" in v][-1:]
    for route in walked_routes():
        if route.is_format_variant or (path := first_path(route, pool)) is None:
            continue
        # In the admin a visitor and a stranger meet only the sign-in redirect.
        who = roles[2:] if route.is_admin else roles
        probe = urlencode(dict.fromkeys(QUERY_NAMES, "1"))
        with names_read() as read:
            for role in who:
                sweep.send(route, role, "GET", f"{path}?{probe}", "probe")
        if (route.pattern.name or "").endswith("_changelist"):
            # The changelist filters by its relations' ids (?tenant=3) and its list_filter.
            read |= set(CHANGELIST_NAMES) | changelist_filters(route)
        for i, name in enumerate(sorted(read)):
            for j, value in enumerate(SHARP):
                role = who[(i + j) % len(who)]  # each role meets each value on some name
                sweep.send(route, role, "GET", f"{path}?{urlencode({name: value})}", name)
            # Not the operator, who may see every site's rows in the admin anyway.
            for value, role in product(probes, [r for r in who if r in roles[1:3]]):
                sweep.send(route, role, "GET", f"{path}?{urlencode({name: value})}", name)
        # Then all names at once, a share of the Latin square's rows per route (the rows
        # differ between neighbouring routes, so together they cover the whole square).
        square = [*latin_square_queries(QUERY_NAMES, spread)]
        share = 6 if route.is_admin else 2
        square = square[route.template.count("/") % share :: share]
        square += [urlencode(dict.fromkeys(QUERY_NAMES, value)) for value in alone]
        for index, query in enumerate(square):
            sweep.send(route, who[index % len(who)], "GET", f"{path}?{query}", f"square #{index}")
    settle(sweep)


HOST_VARIANTS = [
    "a.test:80",
    "a.test:8000",
    "A.TEST.",
    "a.test:99999",
    "a.test:x",
    "a.test@evil.test",
    "evil",
]
JUNK_HEADERS = {
    "HTTP_RANGE": "bytes=99999999999999999999-,5-1,-0," + "0-1," * 300,
    "HTTP_IF_RANGE": '"junk',
    "HTTP_IF_NONE_MATCH": 'W/"x", *, "' + "z" * 2000,
    "HTTP_IF_MODIFIED_SINCE": "Tue, 99 Foo 99999 99:99:99 GMT",
    "HTTP_ACCEPT_LANGUAGE": "xx-YY;q=abc, ²;q=1, " + "a-" * 2000,
    "HTTP_ACCEPT": "application/json;q=x, */*;q=2",
    "HTTP_COOKIE": "sessionid=junk; csrftoken=; =; a; " + "c=" * 500,
    "HTTP_X_REAL_IP": "999.1.1.1",
    "HTTP_X_FORWARDED_FOR": "junk, ::ffff:zz, " + "1.1.1.1, " * 300,
    "HTTP_X_FORWARDED_PROTO": "https, http",
    "HTTP_X_FORWARDED_HOST": "b.test",
    "HTTP_USER_AGENT": "A" * 20_000,
    "HTTP_AUTHORIZATION": "Token \x00 junk",
}
NUL_HEADER = {"HTTP_COOKIE": "sessionid=\x00", "HTTP_X_REAL_IP": "\x00"}
RANGE_HEADERS = [
    {"HTTP_RANGE": "bytes=0-0", "HTTP_IF_RANGE": "Sat, 01 Jan 2000 00:00:00 GMT"},
    {"HTTP_RANGE": "bytes=-1"},
    {"HTTP_RANGE": f"bytes={2**64}-{2**65}"},
    {"HTTP_RANGE": "items=1-2"},
]


def test_hostile_headers(world, roles, sweep):
    pool = world["pool"]
    for route in discover_routes():
        if route.is_format_variant or (path := first_path(route, pool)) is None:
            continue
        variants = [{"HTTP_HOST": host} for host in HOST_VARIANTS] + [JUNK_HEADERS, NUL_HEADER]
        if route.template.startswith(("media/", "pages/")):
            variants += RANGE_HEADERS
        if route.view is serve_page:
            path = signed_link(path)  # so Accept, If-None-Match and the rest reach the view
        for index, headers in enumerate(variants):
            sweep.send(route, roles[index % len(roles)], "GET", path, repr(headers)[:80], **headers)
    settle(sweep)


JUNK_FORM = {
    **dict.fromkeys(QUERY_NAMES, "²"),
    "body": "\u202e" * 3,
    "reason": "x" * 5000,
    "position": "nan",
    "duration": "-inf",
    "wanted": "1",
    "username": "' OR 1=1 --",
    "password": "\t",
    "email": "a@" + "b" * 300,
    "title_id": str(2**63),
    "media_id": "-1",
    "parent": "../",
    "is_hidden": "on",
    "role": "admin",
    "external_id": "tv/-1",
    "token": "\u00b2" * 50,
    "chapter": "-1",
    "series": str(2**64),
    "entry": "\u00b2",
    "age_cap": "99",
}
JUNK_BODY = urlencode(JUNK_FORM)
FORM = "application/x-www-form-urlencoded"


def test_junk_form_posts(world, roles, sweep):
    pool = world["pool"]
    for route in walked_routes():
        for values in path_values(route, pool, False):
            if (path := build_path(route, values)) is None:
                continue
            for role in roles:
                label = repr(values)[:80]
                sweep.send(route, role, "POST", path, label, data=JUNK_BODY, content_type=FORM)
                # A POST may sign the role out (logout, password change): start afresh.
                if sweep.client(role).session.session_key != sweep.session_keys.get(role.name):
                    sweep.clients.pop(role.name)
    settle(sweep)


# The reader's script posts JSON (readvault.reader): hostile JSON bodies as well as forms.
JSON_BODIES = [
    '{"page": -1}', '{"page": 1e999}', '{"page": "\u00b2"}', '{"page": NaN}', '{"page": {}}',
    "[]", "{", '"x"', "null", '{"mode": {"$gt": ""}}', '{"zoom": Infinity}', '{"fit": null}',
    '{"page": ' + "9" * 5000 + "}", "\ufeff{}", '{"a": ' * 2000, "[" * 2000 + "]" * 2000,
]  # fmt: skip
JSON_ROUTES = {"read-progress", "read-settings"}
# ReadVault's reading API takes JSON too (readvault.api.reading): a page, "up to", a series id.
JSON_ROUTES |= {
    "comic-progress-detail", "comic-progress-read", "comic-progress-unread",
    "comic-want-to-read-list",
}  # fmt: skip
JSON_ROUTES |= {"watch-start"}  # the player's start call: {"replaces": "<session id>"}


def test_json_posts_to_the_reader_and_the_reading_api(world, roles, sweep):
    routes = [r for r in walked_routes() if r.pattern.name in JSON_ROUTES]
    assert len(routes) == len(JSON_ROUTES)
    for route in routes:
        for values in path_values(route, world["pool"], False):
            if (path := build_path(route, values)) is None:
                continue
            for role, body in product(roles, JSON_BODIES):
                json_body = {"data": body, "content_type": "application/json"}
                sweep.send(route, role, "POST", path, body[:40], **json_body)
    settle(sweep)


# --- generated values: hypothesis for the HTML routes, schemathesis for the API -------------

# Text a URL can carry: no lone surrogates (they cannot be encoded into a request at all).
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
NUMBERISH = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.from_regex("[0-9\u00b2\u00b3\u00b9\u0660-\u0669\u066b.,+-]{1,8}", fullmatch=True),
)
NASTY = st.one_of(st.sampled_from(HOSTILE), NUMBERISH, TEXT)


def test_html_routes_with_generated_values(world, roles, sweep):
    pool = world["pool"]
    routes = [r for r in walked_routes() if not r.template.startswith("api/")]

    @settings(
        derandomize=True,
        max_examples=250,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def walk(data):
        route = data.draw(st.sampled_from(routes), label="route")
        values = {
            n: data.draw(st.sampled_from(real_values(route, n, pool)) | NASTY) for n in route.params
        }
        path = build_path(route, values) or first_path(route, pool)
        if path is None:
            return
        query = data.draw(st.dictionaries(st.sampled_from(QUERY_NAMES), NASTY, max_size=4))
        role = data.draw(st.sampled_from(roles), label="role")
        if data.draw(st.booleans(), label="post"):
            body = urlencode(data.draw(st.dictionaries(st.sampled_from(list(JUNK_FORM)), NASTY)))
            sweep.send(route, role, "POST", path, repr(values)[:80], data=body, content_type=FORM)
            sweep.clients.pop(role.name)  # a POST may have signed the role out
        else:
            sweep.send(route, role, "GET", f"{path}?{urlencode(query)}", repr(query)[:80])

    walk()
    settle(sweep)


def test_api_operations_from_the_openapi_schema(world, roles, sweep):
    """schemathesis generates valid and invalid requests for each operation of the API's
    OpenAPI schema (drf-spectacular's /api/schema/); each is sent in-process through
    Django's test client, as each role, with a token where the role has one."""
    answer = sweep.client(roles[0]).get("/api/schema/", {"format": "json"}, HTTP_HOST="a.test")
    assert answer.status_code == 200
    schema = schemathesis.openapi.from_dict(answer.json())
    by_path = {r.route.removeprefix("^"): r for r in walked_routes()}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            route = route_of(operation, by_path)
            send_cases(sweep, roles, operation, mode, route, world["pool"], world["tokens"])
    settle(sweep)


def route_of(operation, by_path) -> Route:
    """The resolver's route of a schema operation ("/api/titles/{id}/" is the route
    "api/titles/(?P<pk>[^/.]+)/$"), for the findings' names."""
    path = re.sub(r"{[^}]+}", "x", operation.path.lstrip("/"))
    for route, found in by_path.items():
        if re.fullmatch(re.sub(r"\(\?P<\w+>[^)]*\)", "[^/]+", route).rstrip("$"), path):
            return found
    raise AssertionError(f"{operation.path} of the schema is no route of the resolver")


def send_cases(sweep, roles, operation, mode, route, pool, tokens) -> None:
    @settings(
        derandomize=True,
        max_examples=6,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.generate],
    )
    @given(
        case=operation.as_strategy(generation_mode=mode),
        role=st.sampled_from(roles),
        real=st.just("") | st.sampled_from(pool["pk"]),  # as generated, or Alpha's or Beta's
    )
    def send(case, role, real):
        kwargs = case.as_transport_kwargs(base_url="http://a.test")
        url = urlsplit(kwargs["url"])
        query = urlencode(kwargs.get("params") or {}, doseq=True)
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in kwargs["headers"].items()}
        extra.pop("HTTP_HOST", None)
        if role.user is not None:
            extra["HTTP_AUTHORIZATION"] = f"Token {tokens[role.user.pk]}"
        if real and case.path_parameters:
            case.path_parameters = dict.fromkeys(case.path_parameters, real)
        body, content_type = request_body(kwargs)
        path = f"{url.path}?{query}" if query else url.path
        sweep.send(
            route, role, case.method.upper(), path, f"{mode.value}", data=body,
            content_type=content_type, **extra,
        )  # fmt: skip

    # Unsatisfiable: nothing of this operation can be made invalid (no parameters, no body).
    with contextlib.suppress(Unsatisfiable):
        send()


def request_body(kwargs: dict) -> tuple[bytes | str, str]:
    content_type = kwargs["headers"].get("Content-Type", "application/octet-stream")
    if "json" in kwargs:
        return json.dumps(kwargs["json"]), "application/json"
    data = kwargs.get("data")
    if isinstance(data, dict):
        return urlencode(data, doseq=True), FORM
    return data or b"", content_type
