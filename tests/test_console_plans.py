"""The console's Viewer plans page (console/people/plans.py): the site's plans with their
members and subscribers; a plan made, edited within the site plan (ViewerPlan.clean's own
sentences as form errors), made the default; deleted only when nobody needs it, after its
members are moved; another site's plans answer 404. Billing charges the price as edited."""

from __future__ import annotations

from decimal import Decimal

import pytest

from billing.invoice_models import Invoice
from billing.models import Provider, Subscription
from tenants.models import Membership, SitePlan, ViewerPlan
from tests.support.billing_rows import signed_in

pytestmark = pytest.mark.django_db

PLANS = "/console/plans/"
PAID = {
    "name": "Premium",
    "price": "4.99",
    "currency": "eur",
    "max_height": "1080",
    "downloads": "on",
    "readvault": "on",
}


@pytest.fixture
def small_plan(alpha) -> SitePlan:
    plan = SitePlan.objects.create(
        name="Small", max_height=720, downloads=False, readvault=False, must_show_ads=True
    )
    alpha.plan = plan
    alpha.save(update_fields=["plan"])
    return plan


def test_a_paid_plan_is_made_and_offered_to_viewers(alpha, alpha_admin, alice):
    answer = signed_in(alpha_admin).post(f"{PLANS}new/", PAID)

    plan = ViewerPlan.objects.get(tenant=alpha)
    assert answer.status_code == 302
    assert (plan.name, plan.price, plan.currency, plan.ads) == (
        "Premium", Decimal("4.99"), "EUR", False,
    )  # fmt: skip
    assert "€4.99" in signed_in(alpha_admin).get(PLANS).content.decode()
    assert "Subscribe" in signed_in(alice).get("/billing/").content.decode()


def test_a_plan_beyond_the_site_plan_is_refused_field_by_field(alpha, alpha_admin, small_plan):
    answer = signed_in(alpha_admin).post(f"{PLANS}new/", PAID)

    page = answer.content.decode()
    assert answer.status_code == 400
    assert "The site&#x27;s plan serves up to 720p." in page
    assert "The site&#x27;s plan does not include downloads." in page
    assert "The site&#x27;s plan does not include ReadVault." in page
    assert "The site&#x27;s plan shows ads to every viewer." in page
    assert not ViewerPlan.objects.exists()


def test_editing_a_plan_is_clamped_too(alpha, alpha_admin, small_plan):
    plan = ViewerPlan.objects.create(tenant=alpha, name="Basic", readvault=False)

    answer = signed_in(alpha_admin).post(
        f"{PLANS}{plan.pk}/", {"name": "Basic", "price": "0", "currency": "EUR", "ads": "on",
                               "max_height": "2160"},
    )  # fmt: skip

    plan.refresh_from_db()
    assert answer.status_code == 400
    assert "serves up to 720p" in answer.content.decode()
    assert plan.max_height is None


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"name": "premium"}, "The site has a plan of this name already."),
        ({"price": "-1"}, "greater than or equal to 0"),
        ({"price": "NaN"}, "Enter a number."),
        ({"price": "1" * 30}, "no more than 10 digits"),
        ({"currency": "JPY", "price": "4.99"}, "JPY has no cents: enter a whole amount."),
        ({"currency": "euro"}, "at most 3 characters"),
        ({"currency": "E1R"}, "ISO 4217"),
        ({"max_height": "999"}, "Select a valid choice"),
        ({"name": ""}, "This field is required."),
    ],
)
def test_bad_values_are_form_errors(alpha, alpha_admin, fields, error):
    ViewerPlan.objects.create(tenant=alpha, name="Premium")

    answer = signed_in(alpha_admin).post(f"{PLANS}new/", {**PAID, "name": "Gold", **fields})

    assert answer.status_code == 400
    assert error in answer.content.decode()
    assert ViewerPlan.objects.count() == 1


def test_the_same_name_may_be_used_by_another_site(alpha, beta, alpha_admin):
    ViewerPlan.objects.create(tenant=beta, name="Premium")

    answer = signed_in(alpha_admin).post(f"{PLANS}new/", PAID)

    assert answer.status_code == 302


def test_making_a_plan_the_default_moves_the_default(alpha, alpha_admin):
    free = ViewerPlan.objects.create(tenant=alpha, name="Free", is_default=True)
    premium = ViewerPlan.objects.create(tenant=alpha, name="Premium", price=5)

    answer = signed_in(alpha_admin).post(f"{PLANS}{premium.pk}/default/")

    free.refresh_from_db()
    premium.refresh_from_db()
    assert answer.status_code == 302
    assert (free.is_default, premium.is_default) == (False, True)


def test_a_plan_with_members_is_deleted_only_after_they_are_moved(alpha, alice, alpha_admin):
    free = ViewerPlan.objects.create(tenant=alpha, name="Free", is_default=True)
    premium = ViewerPlan.objects.create(tenant=alpha, name="Premium", price=5)
    Membership.objects.filter(user=alice).update(viewer_plan=premium)
    client = signed_in(alpha_admin)

    refused = client.post(f"{PLANS}{premium.pk}/delete/")
    moved = client.post(f"{PLANS}{premium.pk}/move/", {"to": str(free.pk)})
    deleted = client.post(f"{PLANS}{premium.pk}/delete/")

    assert refused.status_code == 400
    assert "1 member is on it" in refused.content.decode()
    assert moved.status_code == 302
    assert Membership.objects.get(user=alice).viewer_plan == free
    assert deleted.status_code == 302
    assert not ViewerPlan.objects.filter(pk=premium.pk).exists()


def test_a_plan_someone_pays_for_cannot_be_deleted(alpha, alice, alpha_admin):
    premium = ViewerPlan.objects.create(tenant=alpha, name="Premium", price=5)
    Subscription.objects.create(
        tenant=alpha, kind="viewer", user=alice, viewer_plan=premium,
        provider=Provider.STRIPE, status="active",
    )  # fmt: skip

    page = signed_in(alpha_admin).get(f"{PLANS}{premium.pk}/delete/").content.decode()
    answer = signed_in(alpha_admin).post(f"{PLANS}{premium.pk}/delete/")

    assert "1 subscription pays for it" in page
    assert answer.status_code == 400
    assert ViewerPlan.objects.filter(pk=premium.pk).exists()


def test_a_plan_only_ever_paid_for_in_the_past_can_be_deleted(alpha, alice, alpha_admin):
    premium = ViewerPlan.objects.create(tenant=alpha, name="Premium", price=5)
    ended = Subscription.objects.create(
        tenant=alpha, kind="viewer", user=alice, viewer_plan=premium, plan_name_then="Premium",
        provider=Provider.STRIPE, status="canceled",
    )  # fmt: skip

    answer = signed_in(alpha_admin).post(f"{PLANS}{premium.pk}/delete/")

    ended.refresh_from_db()
    assert answer.status_code == 302
    assert ended.plan_name == "Premium"


def test_the_default_plan_is_not_deleted(alpha, alpha_admin):
    free = ViewerPlan.objects.create(tenant=alpha, name="Free", is_default=True)

    answer = signed_in(alpha_admin).post(f"{PLANS}{free.pk}/delete/")

    assert answer.status_code == 400
    assert "make another plan the default first" in answer.content.decode()


@pytest.mark.parametrize(
    ("method", "suffix"),
    [("get", ""), ("post", ""), ("post", "default/"), ("post", "delete/"), ("post", "move/")],
)
def test_another_sites_plan_answers_404(alpha, beta, alpha_admin, beta_admin, method, suffix):
    theirs = ViewerPlan.objects.create(tenant=beta, name="Beta plan")
    ours = ViewerPlan.objects.create(tenant=alpha, name="Alpha plan")

    as_alpha = getattr(signed_in(alpha_admin), method)(f"{PLANS}{theirs.pk}/{suffix}", PAID)
    as_beta = getattr(signed_in(beta_admin, "b.test"), method)(f"{PLANS}{ours.pk}/{suffix}", PAID)

    assert (as_alpha.status_code, as_beta.status_code) == (404, 404)
    assert set(ViewerPlan.objects.values_list("name", "is_default")) == {
        ("Beta plan", False), ("Alpha plan", False),
    }  # fmt: skip


def test_members_are_not_moved_to_another_sites_plan(alpha, beta, alice, alpha_admin):
    premium = ViewerPlan.objects.create(tenant=alpha, name="Premium", price=5)
    theirs = ViewerPlan.objects.create(tenant=beta, name="Beta plan")
    Membership.objects.filter(user=alice).update(viewer_plan=premium)

    answer = signed_in(alpha_admin).post(f"{PLANS}{premium.pk}/move/", {"to": str(theirs.pk)})

    assert answer.status_code == 400
    assert Membership.objects.get(user=alice).viewer_plan == premium


def test_billing_charges_the_price_as_edited(alpha, alpha_admin, alice):
    premium = ViewerPlan.objects.create(tenant=alpha, name="Premium", price=5, ads=False)
    signed_in(alpha_admin).post(f"{PLANS}{premium.pk}/", {**PAID, "price": "7.50"})

    answer = signed_in(alice).post(f"/billing/subscribe/{premium.pk}/")

    assert answer.status_code == 302
    assert Invoice.objects.get().total == "€7.50"
