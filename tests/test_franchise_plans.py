"""Site plans and viewer plans (tenants.plans): a viewer plan never gives more than its
site plan (a form error, not a 500), a site admin sees only their site's viewer plans, and
the site plan's member cap holds at sign-up and when joining (tenants.member_cap)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from tenants.models import Membership, PendingSignup, SitePlan, Tenant, ViewerPlan
from tests.factories import PASSWORD, make_member

pytestmark = pytest.mark.django_db

VIEWER_PLANS = "/admin/tenants/viewerplan/"


def admin_of(user, host: str) -> Client:
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    return client


def on_plan(site: Tenant, **fields) -> SitePlan:
    plan = SitePlan.objects.create(name=fields.pop("name", "Starter"), **fields)
    site.plan = plan
    site.save(update_fields=["plan"])
    return plan


def plan_form(**fields) -> dict:
    data = {"name": "Premium", "price": "4.99", "currency": "EUR", "max_height": "1080"}
    return {**data, "ads": "", "downloads": "", "readvault": "on", **fields}


def test_existing_sites_have_no_plan_and_are_active(alpha):
    assert (alpha.plan, alpha.state) == (None, "active")


# --- a viewer plan within its site plan -----------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"max_height": "2160"}, "max_height", "serves up to 1080p"),
        ({"downloads": "on"}, "downloads", "does not include downloads"),
        ({"readvault": "on"}, "readvault", "does not include ReadVault"),
        ({"ads": ""}, "ads", "shows ads to every viewer"),
    ],
)
def test_a_viewer_plan_above_the_site_plan_is_a_form_error(
    alpha, alpha_admin, fields, field, message
):
    on_plan(alpha, max_height=1080, downloads=False, readvault=False, must_show_ads=True)
    within = {"ads": "on", "readvault": "", "downloads": ""}

    answer = admin_of(alpha_admin, "a.test").post(
        f"{VIEWER_PLANS}add/", plan_form(**{**within, **fields})
    )

    assert answer.status_code == 200
    assert message in str(answer.context["adminform"].form.errors[field])
    assert not ViewerPlan.objects.exists()


def test_a_viewer_plan_within_the_site_plan_is_saved_for_the_admins_site(alpha, alpha_admin):
    on_plan(alpha, max_height=2160)

    answer = admin_of(alpha_admin, "a.test").post(f"{VIEWER_PLANS}add/", plan_form())

    assert answer.status_code == 302
    plan = ViewerPlan.objects.get()
    assert (plan.tenant, plan.max_height, str(plan.price)) == (alpha, 1080, "4.99")


def test_a_second_default_plan_and_a_bad_currency_are_form_errors(alpha, alpha_admin):
    ViewerPlan.objects.create(tenant=alpha, name="Free", is_default=True)
    client = admin_of(alpha_admin, "a.test")

    second = client.post(f"{VIEWER_PLANS}add/", plan_form(is_default="on"))
    currency = client.post(f"{VIEWER_PLANS}add/", plan_form(currency="eur"))
    same_name = client.post(f"{VIEWER_PLANS}add/", plan_form(name="Free"))

    assert second.status_code == currency.status_code == same_name.status_code == 200
    assert "already has a default plan" in second.content.decode()
    assert "ISO 4217" in currency.content.decode()
    assert ViewerPlan.objects.count() == 1


def test_a_site_admin_sees_no_viewer_plan_of_another_site(alpha, beta, beta_admin):
    theirs = ViewerPlan.objects.create(tenant=alpha, name="Alpha premium")
    ViewerPlan.objects.create(tenant=beta, name="Beta free")
    client = admin_of(beta_admin, "b.test")

    listing = client.get(VIEWER_PLANS)
    change = client.get(f"{VIEWER_PLANS}{theirs.pk}/change/")

    assert listing.status_code == 200
    assert [p.name for p in listing.context["cl"].result_list] == ["Beta free"]
    assert "Alpha premium" not in listing.content.decode()
    assert change.status_code in {302, 403, 404}
    assert "Alpha premium" not in change.content.decode()


def test_site_plans_are_the_operators(alpha_admin, olivia):
    assert admin_of(alpha_admin, "a.test").get("/admin/tenants/siteplan/").status_code == 403
    assert admin_of(olivia, "a.test").get("/admin/tenants/siteplan/").status_code == 200


def test_a_member_on_another_sites_plan_is_a_form_error(alpha, beta, alice, olivia):
    theirs = ViewerPlan.objects.create(tenant=beta, name="Beta premium")
    membership = Membership.objects.get(user=alice)
    membership.viewer_plan = theirs

    with pytest.raises(Exception, match="viewer plan of this member's site"):
        membership.full_clean()


# --- the member cap -------------------------------------------------------------------------


def signup(client: Client, username: str = "carol"):
    return client.post(
        "/account/signup/",
        {
            "username": username,
            "email": f"{username}@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )


def test_sign_up_on_a_full_site_is_a_form_error_and_sends_nothing(alpha, alice, on_alpha):
    on_plan(alpha, max_members=1)

    answer = signup(on_alpha)

    assert answer.status_code == 200
    assert "Alpha is full" in answer.content.decode()
    assert mail.outbox == []
    assert not PendingSignup.objects.exists()


def test_sign_up_under_the_cap_goes_on(alpha, alice, on_alpha):
    on_plan(alpha, max_members=2)

    signup(on_alpha)

    assert len(mail.outbox) == 1


def test_a_site_that_filled_up_before_the_link_is_followed_says_so(alpha, alice, on_alpha):
    on_plan(alpha, max_members=2)
    signup(on_alpha)
    link = re.search(r"(/account/signup/confirm/[^\s]+/)", mail.outbox[-1].body)[1]
    make_member("dave", alpha)

    answer = on_alpha.post(link)

    assert answer.status_code == 409
    assert "Alpha is full" in answer.content.decode()
    assert not get_user_model().objects.filter(username="carol").exists()
    assert PendingSignup.objects.exists()  # kept for when there is room


def test_joining_a_full_site_with_an_existing_account_is_refused(beta, bob, alice, on_beta):
    on_plan(beta, max_members=1)
    on_beta.post("/account/login/", {"username": "alice", "password": PASSWORD})

    answer = on_beta.post("/account/join/")

    assert answer.status_code == 409
    assert "Beta is full" in answer.content.decode()
    assert not Membership.objects.filter(tenant=beta, user=alice).exists()


def test_joining_under_the_cap_works(beta, bob, alice, on_beta):
    on_plan(beta, max_members=2)
    on_beta.post("/account/login/", {"username": "alice", "password": PASSWORD})

    assert on_beta.post("/account/join/").status_code == 302
    assert Membership.objects.filter(tenant=beta, user=alice).exists()
