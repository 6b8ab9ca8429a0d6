"""Comments: plain text, one level of replies, limits, reports, moderation, per site."""

import pytest
from django.core.cache import cache
from django.test import Client

from streaming.models import Comment, Title
from streaming.viewer.comments import (
    AUTO_HIDE_REPORTS,
    RATE_LIMIT,
    CommentRejected,
    post_comment,
    report_comment,
)
from tests import factories
from tests.factories import make_member


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def film(db) -> Title:
    return factories.film("Heat")


def test_a_comment_and_a_reply_are_posted_on_the_site(alpha, alice, alpha_admin, film):
    first = post_comment(alpha, alice, film, "  Great film  ")
    reply = post_comment(alpha, alpha_admin, film, "Agreed", parent=first)

    assert (first.body, first.tenant, first.title) == ("Great film", alpha, film)
    assert list(first.replies.all()) == [reply]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Write something first"),
        ("   \x00 ", "Write something first"),
        ("x" * (Comment.MAX_LENGTH + 1), "limited to 2000 characters"),
    ],
)
def test_empty_and_overlong_comments_are_refused(alpha, alice, film, body, message):
    with pytest.raises(CommentRejected, match=message):
        post_comment(alpha, alice, film, body)

    assert not Comment.objects.exists()


def test_replies_go_one_level_deep(alpha, alice, film):
    first = post_comment(alpha, alice, film, "one")
    reply = post_comment(alpha, alice, film, "two", parent=first)

    with pytest.raises(CommentRejected, match="one level deep"):
        post_comment(alpha, alice, film, "three", parent=reply)


def test_a_reply_must_be_on_the_same_page_and_site(alpha, beta, alice, bob, film):
    other = factories.film("Other")
    first = post_comment(alpha, alice, film, "one")

    with pytest.raises(CommentRejected, match="another page"):
        post_comment(alpha, alice, other, "misplaced", parent=first)
    with pytest.raises(CommentRejected, match="one level deep"):
        post_comment(beta, bob, film, "cross-site", parent=first)


def test_commenting_too_fast_is_refused_with_a_reason(alpha, alice, film):
    for n in range(RATE_LIMIT):
        post_comment(alpha, alice, film, f"comment {n}")

    with pytest.raises(CommentRejected, match="too fast"):
        post_comment(alpha, alice, film, "one more")


def test_episodes_take_comments_too(alpha, alice):
    show = factories.series("Show", {1: [1]}, status=Title.Status.DRAFT, with_files=False)
    episode = show.seasons.get().episodes.get()

    comment = post_comment(alpha, alice, episode, "What an ending")

    assert (comment.episode, comment.title) == (episode, None)


def test_enough_reports_hide_a_comment_and_reporting_twice_counts_once(alpha, alice, film):
    comment = post_comment(alpha, alice, film, "spam spam")
    reporters = [make_member(f"r{n}", alpha) for n in range(AUTO_HIDE_REPORTS)]

    for reporter in reporters[:-1]:
        report_comment(alpha, reporter, comment)
        report_comment(alpha, reporter, comment)
    comment.refresh_from_db()
    assert not comment.is_hidden
    report_comment(alpha, reporters[-1], comment, "spam")

    comment.refresh_from_db()
    assert comment.is_hidden
    assert not Comment.objects.for_tenant(alpha).shown().exists()


def test_a_site_admin_moderates_only_their_own_sites_comments(
    alpha, beta, alice, bob, alpha_admin, film
):
    ours = post_comment(alpha, alice, film, "ours")
    theirs = post_comment(beta, bob, film, "theirs")
    client = Client(HTTP_HOST="a.test")
    client.force_login(alpha_admin)

    listed = client.get("/admin/streaming/comment/").context["cl"].result_list
    client.post(
        "/admin/streaming/comment/",
        {"action": "hide", "_selected_action": [ours.pk, theirs.pk]},
    )

    assert list(listed) == [ours]
    assert Comment.objects.get(pk=ours.pk).is_hidden
    assert not Comment.objects.get(pk=theirs.pk).is_hidden
