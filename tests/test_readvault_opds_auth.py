"""Who may read the OPDS catalogue (readvault.opds.auth) and the account's "Reader apps"
tab where app passwords are made and revoked (readvault.opds.account_views): HTTP Basic with
the account's password or an app password, the key inside the URL, the session, and
nothing across sites; failures throttled by django-axes like the sign-in form."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from readvault.models import AppPassword
from readvault.models.reading import app_password_digest
from readvault.opds import app_passwords
from tests.factories import PASSWORD, comic_chapter, comic_series, make_member
from tests.support.opds import basic, get_feed

pytestmark = pytest.mark.django_db


@pytest.fixture
def berserk(alpha):
    series = comic_series("Berserk")
    comic_chapter(series, "1")
    return series


@pytest.fixture
def alice_app(alice, alpha):
    return app_passwords.issue(alice, alpha, "Panels on my iPad")


def assert_challenged(answer, realm: str = "Alpha") -> None:
    assert answer.status_code == 401
    assert answer["WWW-Authenticate"].startswith(f'Basic realm="{realm}"')
    assert b"Sign in" in answer.content


def test_without_credentials_the_catalogue_asks_for_basic(on_alpha, berserk):
    for url in [
        "/opds/",
        "/opds/series/",
        "/opds/series/berserk/",
        "/opds/opensearch.xml",
        "/opds/pages/1/0",
        "/opds/chapters/1/download",
    ]:
        assert_challenged(on_alpha.get(url))


def test_basic_with_the_account_password(on_alpha, alice, berserk):
    feed = get_feed(on_alpha, "/opds/series/", **basic("alice", PASSWORD))
    assert feed.titles() == ["Berserk"]


def test_basic_with_a_wrong_password_or_unknown_user_is_401(on_alpha, alice, berserk):
    for header in [
        basic("alice", "wrong"),
        basic("nobody", PASSWORD),
        basic("alice", ""),
        {"HTTP_AUTHORIZATION": "Basic !!!notbase64"},
        {"HTTP_AUTHORIZATION": "Bearer abc"},
        {"HTTP_AUTHORIZATION": "Basic " + "QQ==" * 2000},
    ]:
        assert_challenged(on_alpha.get("/opds/", **header))


def test_basic_with_an_app_password(on_alpha, alice, alice_app, berserk):
    feed = get_feed(on_alpha, "/opds/series/", **basic("alice", alice_app.secret))
    assert feed.titles() == ["Berserk"]
    alice_app.password.refresh_from_db()
    assert alice_app.password.last_used_at is not None


def test_an_app_password_works_only_with_its_own_username(on_alpha, alpha, alice, alice_app):
    make_member("carol", alpha)
    assert_challenged(on_alpha.get("/opds/", **basic("carol", alice_app.secret)))


def test_last_used_is_written_at_most_every_few_minutes(
    on_alpha, alice, alice_app, django_assert_num_queries
):
    on_alpha.get("/opds/", **basic("alice", alice_app.secret))
    first = AppPassword.objects.get(pk=alice_app.password.pk).last_used_at
    on_alpha.get("/opds/", **basic("alice", alice_app.secret))
    assert AppPassword.objects.get(pk=alice_app.password.pk).last_used_at == first


def test_a_revoked_app_password_opens_nothing(on_alpha, alpha, alice, alice_app):
    app_passwords.revoke(alice, alpha, alice_app.password.pk)
    assert_challenged(on_alpha.get("/opds/", **basic("alice", alice_app.secret)))
    assert_challenged(on_alpha.get(f"/opds/key/{alice_app.secret}/"))


def test_the_key_in_the_url_opens_the_catalogue_and_every_link_keeps_it(
    on_alpha, alice_app, berserk
):
    prefix = f"/opds/key/{alice_app.secret}/"
    feed = get_feed(on_alpha, prefix)
    catalogue_links = [
        link.get("href") for link in feed.links() if link.get("href").startswith("/opds/")
    ]
    assert catalogue_links
    assert all(href.startswith(prefix) for href in catalogue_links)
    series = get_feed(on_alpha, prefix + "series/berserk/")
    for link in series.links():
        if link.get("href").startswith("/opds/"):
            assert link.get("href").startswith(prefix)
    chapter = berserk.chapters.get()
    assert on_alpha.get(f"{prefix}pages/{chapter.pk}/0").status_code == 302


def test_a_key_or_password_opens_its_own_site_only(on_alpha, on_beta, alice_app, bob, beta):
    assert on_alpha.get(f"/opds/key/{alice_app.secret}/").status_code == 200
    assert_challenged(on_beta.get(f"/opds/key/{alice_app.secret}/"), "Beta")
    assert_challenged(on_beta.get("/opds/", **basic("alice", alice_app.secret)), "Beta")
    # The account's own password neither: alice is no member of Beta.
    assert_challenged(on_beta.get("/opds/", **basic("alice", PASSWORD)), "Beta")
    bob_app = app_passwords.issue(bob, beta, "KOReader")
    assert_challenged(on_alpha.get(f"/opds/key/{bob_app.secret}/"))


def test_made_up_keys_are_401_not_500(on_alpha, alpha):
    for key in ["x", "rv_" + "A" * 43, "rv_" + "é" * 43, "rv_" + "A" * 5000]:
        assert_challenged(on_alpha.get(f"/opds/key/{key}/"))
    assert on_alpha.get("/opds/key/%00/").status_code == 400  # the site's NUL guard


def test_a_disabled_account_is_refused(on_alpha, alice, alice_app):
    get_user_model().objects.filter(pk=alice.pk).update(is_active=False)
    assert_challenged(on_alpha.get("/opds/", **basic("alice", alice_app.secret)))
    assert_challenged(on_alpha.get("/opds/", **basic("alice", PASSWORD)))


def test_a_signed_in_browser_reads_the_catalogue_with_its_session(on_alpha, alice, berserk):
    on_alpha.force_login(alice)
    assert get_feed(on_alpha, "/opds/series/").titles() == ["Berserk"]
    # ...and the site's own pages keep working.
    assert on_alpha.get("/manga/berserk/").status_code == 200


def test_a_non_member_session_is_challenged(on_beta, alice, alpha):
    on_beta.force_login(alice)
    assert_challenged(on_beta.get("/opds/"), "Beta")


def test_only_get_and_head(on_alpha, alice):
    on_alpha.force_login(alice)
    assert on_alpha.post("/opds/").status_code == 405
    assert on_alpha.head("/opds/").status_code == 200


def test_failed_basic_sign_ins_are_throttled_like_the_sign_in_form(on_alpha, alice, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert on_alpha.get("/opds/", **basic("alice", "wrong")).status_code == 401
    assert on_alpha.get("/opds/", **basic("alice", "wrong")).status_code == 429
    locked = on_alpha.get("/opds/", **basic("alice", PASSWORD))
    assert locked.status_code == 429
    # The same lock holds on the site's sign-in form.
    form = on_alpha.post("/account/login/", {"username": "alice", "password": PASSWORD})
    assert form.status_code == 429


def test_a_good_password_is_remembered_so_pages_skip_the_slow_hash(
    on_alpha, alice, django_assert_max_num_queries
):
    on_alpha.get("/opds/", **basic("alice", PASSWORD))
    # remembered: the user by id and the membership, no axes bookkeeping
    with django_assert_max_num_queries(4):
        assert on_alpha.get("/opds/", **basic("alice", PASSWORD)).status_code == 200


def test_a_changed_password_ends_the_remembered_one(on_alpha, alice):
    assert on_alpha.get("/opds/", **basic("alice", PASSWORD)).status_code == 200
    alice.set_password("a brand new password 42")
    alice.save()
    assert_challenged(on_alpha.get("/opds/", **basic("alice", PASSWORD)))


# --- The account's "Reader apps" tab ----------------------------------------------------


def test_the_tab_is_for_members_only(on_alpha, alice):
    answer = on_alpha.get("/account/reader-apps/")
    assert answer.status_code == 302
    assert "/login" in answer["Location"]


def test_the_tab_shows_the_catalogue_and_makes_a_password_shown_once(on_alpha, alice):
    on_alpha.force_login(alice)
    page = on_alpha.get("/account/reader-apps/").content.decode()
    assert "http://a.test/opds/" in page
    assert 'aria-current="page">Reader apps<' in page

    made = on_alpha.post("/account/reader-apps/new/", {"name": "KOReader on my Kobo"})
    body = made.content.decode()
    secret = re.search(r"rv_[A-Za-z0-9_-]{43}", body).group(0)
    assert f"http://a.test/opds/key/{secret}/" in body
    stored = AppPassword.objects.get(name="KOReader on my Kobo")
    assert stored.digest == app_password_digest(secret)
    assert secret not in str(AppPassword.objects.values_list().get(pk=stored.pk))
    again = on_alpha.get("/account/reader-apps/").content.decode()
    assert "KOReader on my Kobo" in again
    assert secret not in again
    assert on_alpha.get(f"/opds/key/{secret}/", HTTP_COOKIE="").status_code == 200


def test_a_nameless_password_is_refused_with_a_message(on_alpha, alice):
    on_alpha.force_login(alice)
    answer = on_alpha.post("/account/reader-apps/new/", {"name": "   "})
    assert answer.status_code == 400
    assert not AppPassword.objects.exists()


def test_revoking_from_the_tab(on_alpha, alice, alice_app, alpha):
    on_alpha.force_login(alice)
    answer = on_alpha.post(
        "/account/reader-apps/revoke/", {"password": alice_app.password.pk}, follow=True
    )
    assert "is revoked" in answer.content.decode()
    assert app_passwords.find_live(alice_app.secret, alpha) is None


def test_nobody_revokes_someone_elses_password(on_alpha, alpha, alice_app):
    carol = make_member("carol", alpha)
    on_alpha.force_login(carol)
    for value in [alice_app.password.pk, "abc", "-1", "9" * 30]:
        answer = on_alpha.post("/account/reader-apps/revoke/", {"password": value}, follow=True)
        assert "not one of yours" in answer.content.decode()
    assert app_passwords.find_live(alice_app.secret, alpha) is not None


def test_the_forms_need_their_csrf_token(alpha, alice):
    from django.test import Client

    strict = Client(HTTP_HOST="a.test", enforce_csrf_checks=True)
    strict.force_login(alice)
    assert strict.post("/account/reader-apps/new/", {"name": "x"}).status_code == 403
