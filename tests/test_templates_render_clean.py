"""No page shows template syntax: every route of the site, walked with enough rows that each
page has something to render (a second page of every grid, a history, a watchlist, comments,
a series), as a visitor and as a member; no answer may contain `{#`, `{%` or `{{`.

A `{# #}` comment ends at its own line: written over two lines it is printed as text (the
pagination partial did that on every grid). Routes come from the URL resolver, so a new
page is walked as soon as it is routed; the last test checks that every template in
templates/ was rendered by the walk, so a page nobody reaches is named rather than skipped.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.template.loader import render_to_string
from django.test import Client
from django.test.signals import template_rendered
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from streaming.models import (
    Comment,
    Episode,
    Genre,
    Season,
    Title,
    WatchlistEntry,
    WatchProgress,
)
from tests.factories import (
    comic_chapter,
    comic_series,
    episode_file,
    film_file,
    make_site,
    subtitle,
)
from tests.support.sweep_support import build_path, discover_routes, real_values, signed_in_client

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
SYNTAX = re.compile(rb"\{#|\{%|\{\{")
# Enough rows for a second page of every grid (24 a page).
MANY = 30
# Prefixes not walked here: Django's own admin (its templates are Django's), the API (JSON),
# signed media links (bytes), and the worker script (JavaScript, where `{{` is not ours).
NOT_PAGES = ("admin/", "api/", "media/", "[/.]*media/", "sw.js", "uploads/", "app-icons/")
# Templates the walk does not reach, each with the reason; anything else must be rendered.
NOT_WALKED = {
    "500.html": "rendered below without a request, as Django's handler does",
    "503.html": "rendered below without a request, as shadowvault.views.server_error does",
    "_standalone_page.html": "the layout of 500.html and 503.html, rendered below with them",
    "billing/invoice.html": "an invoice exists after a subscription: test_billing_pages.py",
    "billing/refused.html": "a refused checkout (a free plan, not an admin): "
    "test_billing_manual.py",
    "readvault/not_in_plan.html": "a plan without ReadVault: test_franchise_entitlements.py",
    "streaming/above_plan.html": "a title only above the plan's height: "
    "test_franchise_entitlements.py",
    "tenants/site_unavailable.html": "a suspended or closed site: test_franchise_site_states.py",
    # The walk reaches it on SQLite only (the sample id names no visible title on PostgreSQL);
    # every report target is posted in its own tests.
    "takedowns/report_form.html": "a report target's form: test_takedown_reports.py",
    "tenants/legal_page.html": "a legal page with text: test_branding_public.py",
    "curation/_picked_shelf.html": "a hand-picked row on an arranged home page: "
    "test_console_curation.py",
    "registration/password_reset_email.html": "the mail's body, checked from the outbox",
    "registration/password_reset_subject.txt": "the mail's subject, checked from the outbox",
    "web_app/sw.js": "JavaScript (the service worker), not a page",
    "api/redoc.html": "the API's docs page, under api/",
    **{
        f"ads/{name}": "a banner, for a viewer with ads when a campaign runs in the slot: "
        "test_ads_banners.py"
        for name in ["_house_banner.html", "_banner_tag.html"]
    },
    **{
        f"registration/{name}": "invitations: reached with a real token, checked in "
        "test_invitations.py"
        for name in ["invitation.html", "invitation_email.txt", "invitation_subject.txt"]
    },
    **{
        f"registration/{name}": "sign-up by mail: reached by POST, checked in "
        "test_signup_reveals_no_account.py"
        for name in [
            "signup_sent.html",
            "signup_confirm.html",
            "signup_link_unknown.html",
            "signup_taken.html",
            *(
                f"signup_{m}_{p}"
                for m in ("confirm", "existing", "username_taken")
                for p in ("email.txt", "subject.txt")
            ),
        ]
    },
    "registration/join_site.html": "after a sign-in POST, checked in test_joining_another_site.py",
    **{
        f"console/people/{name}": f"a row's page in the console, by its id: {test}"
        for name, test in [
            ("member.html", "test_console_members.py"),
            ("member_remove.html", "test_console_members.py"),
            ("plan_delete.html", "test_console_plans.py"),
            ("report.html", "test_console_moderation.py"),
            ("comment.html", "test_console_moderation.py"),
        ]
    },
    "takedowns/report_sent.html": "after a report POST, checked in test_takedown_reports.py",
    **{
        f"takedowns/{name}": "reached with a takedown's signed link or mailed by a decision, "
        "checked in test_takedown_queue.py"
        for name in [
            "counter_notice.html",
            "counter_notice_sent.html",
            "counter_notice_closed.html",
            "reply_email.txt",
            "takedown_notice_email.txt",
        ]
    },
}


@pytest.fixture
def full_site(alpha, alice) -> dict[str, list[str]]:
    """A site with a second page of everything alice can list, and the path values to reach
    each page."""
    drama = Genre.objects.create(name="Drama", slug="drama")
    films = []
    for number in range(MANY):
        title = Title.objects.create(
            title=f"Film {number}", year=2000 + number, status=Title.Status.PUBLISHED
        )
        title.genres.add(drama)
        media = film_file(title, duration_seconds=600)
        WatchlistEntry.objects.create(tenant=alpha, user=alice, title=title)
        WatchProgress.objects.create(
            tenant=alpha, user=alice, media_file=media, position_seconds=240, duration_seconds=600
        )
        films.append((title, media))
    first, first_media = films[0]
    subtitle(first_media, "en", label="English")
    Comment.objects.create(tenant=alpha, user=alice, title=first, body="A comment.")
    show = Title.objects.create(title="Show", kind=Title.Kind.SERIES, status="published")
    season = Season.objects.create(title=show, number=1)
    episode = Episode.objects.create(season=season, number=1, name="Pilot")
    episode_media = episode_file(episode)
    # A ReadVault series: its page, and a search for "film" shows its card among the films.
    manga = comic_series("Film Manga", alternative_titles=["Eiga"])
    chapter = comic_chapter(manga, "1")
    return {
        "slug": [first.slug, show.slug, manga.slug],
        "chapter_id": [str(chapter.pk)],  # the reader (ids do not restart at 1 on PostgreSQL)
        "media_id": [str(first_media.pk), str(episode_media.pk)],
        "uidb64": [urlsafe_base64_encode(force_bytes(alice.pk))],
        "token": [default_token_generator.make_token(alice)],
    }


@pytest.fixture
def rendered() -> set[str]:
    """The names of the templates rendered while the test runs."""
    names: set[str] = set()

    def seen(sender, template, context, **kwargs) -> None:
        names.add(template.name)

    template_rendered.connect(seen, dispatch_uid="templates-render-clean")
    yield names
    template_rendered.disconnect(dispatch_uid="templates-render-clean")


def page_paths(pool: dict[str, list[str]]) -> list[str]:
    """Every viewer route's path with each seeded value, plus its second page and a search."""
    paths = []
    for route in discover_routes():
        if route.template.startswith(NOT_PAGES):
            continue
        for values in _combinations(route, pool):
            path = build_path(route, values)
            if path:
                paths += [path, f"{path}?page=2", f"{path}?q=film"]
    return paths


def _combinations(route, pool) -> list[dict[str, str]]:
    if not route.params:
        return [{}]
    firsts = {name: real_values(route, name, pool) for name in route.params}
    widest = max(map(len, firsts.values()))
    return [{name: v[min(i, len(v) - 1)] for name, v in firsts.items()} for i in range(widest)]


def syntax_in(response) -> str | None:
    """The first template tag in an HTML answer, with what surrounds it."""
    if "html" not in response.get("Content-Type", ""):
        return None
    found = SYNTAX.search(response.content)
    if found is None:
        return None
    return response.content[max(0, found.start() - 80) : found.end() + 80].decode(errors="replace")


def walk(client: Client, paths: list[str], label: str) -> list[str]:
    problems = []
    for path in paths:
        response = client.get(path, HTTP_HOST="a.test")
        assert response.status_code < 500, f"{path} as {label}: {response.status_code}"
        if shown := syntax_in(response):
            problems.append(f"{path} as {label}: …{shown}…")
    return problems


def console_paths(paths: list[str]) -> list[str]:
    """The site owner's console: walked again as a site admin (visitors and viewers are
    refused there)."""
    return [path for path in paths if path.startswith("/console/")]


def test_no_page_shows_template_syntax(full_site, alice, alpha_admin, rendered):
    paths = page_paths(full_site)
    problems = walk(signed_in_client(None, "a.test"), paths, "visitor")
    problems += walk(signed_in_client(alice, "a.test"), paths, "member")
    problems += walk(signed_in_client(alpha_admin, "a.test"), console_paths(paths), "site admin")

    assert "_pagination.html" in rendered, "no grid had a second page"
    assert not problems, "\n".join(problems)


def test_the_pages_outside_the_walk_show_no_template_syntax(full_site, alpha, alice, rendered):
    """The answers a walk of GET routes does not reach: an unknown host, sign-up closed, a
    locked-out sign-in, the 404 and 500 pages, and the password reset mail."""
    make_site("Closed", "closed.test", signup_mode="closed")
    answers = [
        Client(HTTP_HOST="nowhere.test").get("/"),
        Client(HTTP_HOST="closed.test").get("/account/signup/"),
        Client(HTTP_HOST="a.test").get("/no-such-page/"),
    ]
    locked = Client(HTTP_HOST="a.test")
    for _ in range(10):
        answer = locked.post("/account/login/", {"username": "alice", "password": "wrong"})
    answers.append(answer)
    assert answer.status_code == 429
    Client(HTTP_HOST="a.test").post("/account/password/reset/", {"email": alice.email})
    assert mail.outbox, "no reset mail was sent"
    texts = [a.content.decode() for a in answers]
    texts += [render_to_string("500.html"), render_to_string("503.html")]
    texts += [mail.outbox[0].subject, mail.outbox[0].body]

    assert [SYNTAX.search(t.encode()) for t in texts] == [None] * len(texts), texts
    assert {"tenants/unknown_host.html", "registration/signup_closed.html"} <= rendered
    assert {"registration/locked_out.html", "404.html"} <= rendered


def test_the_walks_render_every_template(full_site, alice, alpha_admin, rendered):
    """A template no test renders is one a broken comment could hide in."""
    paths = page_paths(full_site)
    walk(signed_in_client(None, "a.test"), paths, "visitor")
    walk(signed_in_client(alice, "a.test"), paths, "member")
    walk(signed_in_client(alpha_admin, "a.test"), console_paths(paths), "site admin")
    ours = {
        str(p.relative_to(TEMPLATES))
        for p in TEMPLATES.rglob("*")
        if p.is_file() and not str(p.relative_to(TEMPLATES)).startswith("admin/")
    }

    missing = ours - rendered - set(NOT_WALKED) - OUTSIDE_THE_WALK
    assert not missing, f"templates no walk renders: {sorted(missing)}"


# Rendered by test_the_pages_outside_the_walk_show_no_template_syntax.
OUTSIDE_THE_WALK = {
    "tenants/unknown_host.html",
    "registration/signup_closed.html",
    "registration/locked_out.html",
    "404.html",
}
