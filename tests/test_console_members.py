"""The console's Members page (console/people/members.py): the site's members a page at a
time, searched and filtered, with the plan's member cap; a member's role and viewer plan
changed, or the member removed after a confirmation; never the site's last admin; another
site's members answer 404."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from tenants.models import Membership, SitePlan, ViewerPlan
from tests.factories import make_member
from tests.support.billing_rows import signed_in

pytestmark = pytest.mark.django_db

MEMBERS = "/console/members/"


def listed(page: str) -> set[str]:
    """The members the list links to."""
    return set(re.findall(r'href="/console/members/\d+/">([^<]+)</a>', page))


def membership(user, site) -> Membership:
    return Membership.objects.get(user=user, tenant=site)


def test_the_list_names_each_member_with_role_and_plan_and_leaves_operators_out(
    alpha, alice, alpha_admin, olivia, bob
):
    premium = ViewerPlan.objects.create(tenant=alpha, name="Premium", price=5)
    Membership.objects.filter(user=alice).update(viewer_plan=premium)

    page = signed_in(alpha_admin).get(MEMBERS).content.decode()

    assert "alice" in page
    assert "alice@example.com" in page
    assert "Premium" in page
    assert "alpha_admin" in page
    assert "Site admin" in page
    assert "olivia" not in page  # an operator without a membership is no member
    assert "bob" not in page  # Beta's
    assert "<strong>2</strong> members" in page


def test_the_count_shows_the_site_plans_member_cap(alpha, alice, alpha_admin):
    alpha.plan = SitePlan.objects.create(name="Small", max_members=500)
    alpha.save(update_fields=["plan"])

    page = signed_in(alpha_admin).get(MEMBERS).content.decode()

    assert "<strong>2</strong> of 500 members" in page


def test_search_and_filters_narrow_the_list(alpha, alice, alpha_admin):
    premium = ViewerPlan.objects.create(tenant=alpha, name="Premium", price=5)
    carol = make_member("carol", alpha)
    Membership.objects.filter(user=carol).update(viewer_plan=premium)
    client = signed_in(alpha_admin)

    def names(query: dict) -> set[str]:
        return listed(client.get(MEMBERS, query).content.decode())

    assert names({"q": "CAROL@example"}) == {"carol"}
    assert names({"role": "admin"}) == {"alpha_admin"}
    assert names({"plan": str(premium.pk)}) == {"carol"}
    assert names({"plan": "default", "role": "viewer"}) == {"alice"}


@pytest.mark.parametrize(
    "query",
    [
        {"role": "owner"},
        {"plan": "²"},
        {"plan": str(2**64)},
        {"q": "x" * 4000},
        {"page": "١٢"},
        {"page": "-1"},
        {"page": "\u202e"},
    ],
)
def test_hostile_filters_are_left_out_not_a_server_error(alpha, alpha_admin, query):
    answer = signed_in(alpha_admin).get(MEMBERS, query)

    assert answer.status_code == 200
    assert "alpha_admin" in answer.content.decode()


def test_the_list_pages_fifty_at_a_time(alpha, alpha_admin):
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"m{n:03}", email=f"m{n}@example.com") for n in range(60)
    )
    Membership.objects.bulk_create(Membership(tenant=alpha, user=u) for u in users)

    first = signed_in(alpha_admin).get(MEMBERS).content.decode()
    second = signed_in(alpha_admin).get(MEMBERS, {"page": "2"}).content.decode()

    assert "<strong>61</strong> members" in first
    assert "Page 1 of 2" in first
    assert "m000" in listed(first)
    assert "m059" not in listed(first)
    assert listed(second) == {f"m{n:03}" for n in range(49, 60)}  # alpha_admin comes first


def test_a_site_admin_changes_a_members_role_and_plan(alpha, alice, alpha_admin):
    premium = ViewerPlan.objects.create(tenant=alpha, name="Premium", price=5)
    mine = membership(alice, alpha)
    client = signed_in(alpha_admin)

    answer = client.post(f"{MEMBERS}{mine.pk}/", {"role": "admin", "viewer_plan": str(premium.pk)})

    mine.refresh_from_db()
    assert answer.status_code == 302
    assert (mine.role, mine.viewer_plan) == ("admin", premium)
    page = client.get(answer["Location"]).content.decode()
    assert "alice: saved." in page


def test_another_sites_plan_is_not_one_of_the_choices(alpha, beta, alice, alpha_admin):
    theirs = ViewerPlan.objects.create(tenant=beta, name="Beta premium")
    mine = membership(alice, alpha)

    answer = signed_in(alpha_admin).post(
        f"{MEMBERS}{mine.pk}/", {"role": "viewer", "viewer_plan": str(theirs.pk)}
    )

    mine.refresh_from_db()
    assert answer.status_code == 400
    assert "Select a valid choice" in answer.content.decode()
    assert mine.viewer_plan is None


@pytest.mark.parametrize(
    "data", [{"role": "owner"}, {"role": "x" * 4000}, {"role": "viewer", "viewer_plan": "²"}, {}]
)
def test_bad_input_is_a_form_error(alpha, alice, alpha_admin, data):
    mine = membership(alice, alpha)

    answer = signed_in(alpha_admin).post(f"{MEMBERS}{mine.pk}/", data)

    assert answer.status_code == 400
    assert membership(alice, alpha).role == "viewer"


def test_the_last_admin_cannot_be_demoted(alpha, alpha_admin):
    mine = membership(alpha_admin, alpha)

    answer = signed_in(alpha_admin).post(f"{MEMBERS}{mine.pk}/", {"role": "viewer"})

    assert answer.status_code == 400
    assert "alpha_admin is Alpha&#x27;s last admin" in answer.content.decode()
    assert membership(alpha_admin, alpha).role == "admin"


def test_an_admin_who_demotes_themselves_leaves_the_console(alpha, alpha_admin):
    make_member("second_admin", alpha, Membership.Role.ADMIN)
    mine = membership(alpha_admin, alpha)
    client = signed_in(alpha_admin)

    answer = client.post(f"{MEMBERS}{mine.pk}/", {"role": "viewer"})

    assert (answer.status_code, answer["Location"]) == (302, "/")
    assert membership(alpha_admin, alpha).role == "viewer"
    assert client.get(MEMBERS).status_code == 403


def test_removing_asks_first_then_keeps_the_account(alpha, alice, alpha_admin):
    mine = membership(alice, alpha)
    client = signed_in(alpha_admin)

    confirm = client.get(f"{MEMBERS}{mine.pk}/remove/")
    assert Membership.objects.filter(pk=mine.pk).exists()
    answer = client.post(f"{MEMBERS}{mine.pk}/remove/")

    assert "Remove alice from Alpha?" in confirm.content.decode()
    assert (answer.status_code, answer["Location"]) == (302, MEMBERS)
    assert not Membership.objects.filter(pk=mine.pk).exists()
    assert get_user_model().objects.filter(username="alice").exists()
    assert "alice is no longer a member of Alpha." in client.get(MEMBERS).content.decode()


def test_the_last_admin_cannot_be_removed(alpha, alpha_admin, olivia):
    mine = membership(alpha_admin, alpha)

    confirm = signed_in(olivia).get(f"{MEMBERS}{mine.pk}/remove/").content.decode()
    answer = signed_in(olivia).post(f"{MEMBERS}{mine.pk}/remove/")

    assert "last admin" in confirm
    assert "<button" not in confirm.split("remove-title")[1]
    assert answer.status_code == 400
    assert Membership.objects.filter(pk=mine.pk).exists()


@pytest.mark.parametrize("suffix", ["", "remove/"])
def test_another_sites_member_answers_404(alpha, beta, bob, alpha_admin, beta_admin, suffix):
    theirs = membership(bob, beta)
    alice = make_member("alice", alpha)
    ours = membership(alice, alpha)

    as_alpha = signed_in(alpha_admin)
    as_beta = signed_in(beta_admin, "b.test")

    assert as_alpha.get(f"{MEMBERS}{theirs.pk}/{suffix}").status_code == 404
    assert as_alpha.post(f"{MEMBERS}{theirs.pk}/{suffix}", {"role": "admin"}).status_code == 404
    assert as_beta.post(f"{MEMBERS}{ours.pk}/{suffix}", {"role": "admin"}).status_code == 404
    assert Membership.objects.filter(pk=theirs.pk, role="viewer").exists()
    assert Membership.objects.filter(pk=ours.pk, role="viewer").exists()


def test_a_member_without_the_admin_role_changes_nobody(alpha, alice, alpha_admin):
    theirs = membership(alpha_admin, alpha)

    answer = signed_in(alice).post(f"{MEMBERS}{theirs.pk}/", {"role": "viewer"})

    assert answer.status_code == 403
    assert membership(alpha_admin, alpha).role == "admin"


def test_a_narrowed_list_offers_the_way_back_to_everyone(alpha_admin):
    client = signed_in(alpha_admin)

    whole = client.get("/console/members/").content.decode()
    narrowed = client.get("/console/members/?q=alpha").content.decode()

    assert ">Everyone</a>" not in whole
    assert ">Everyone</a>" in narrowed
