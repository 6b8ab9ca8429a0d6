"""Stripe through its local double (tests/support/stripe_double.py): a viewer subscribes
with Checkout and loses the ads; events are applied once, in order whatever order they
arrive in, and only when Stripe signed them; a site's failed renewal makes it past due with
a grace period, and the payment makes it active again.

What the double stands for: Stripe's API answering the official `stripe` package
(Checkout Sessions, the Billing Portal, subscriptions), and Stripe's webhook deliveries
signed with the endpoint secret (`Stripe-Signature`)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from billing.invoice_models import Invoice, InvoiceStatus, Payment
from billing.models import ProviderEvent, Status, Subscription, SubscriptionChange
from tenants.entitlements import entitlements
from tenants.models import Membership, SiteStateChange
from tenants.site_state_rules import SiteState
from tests.support.billing_rows import signed_in
from tests.support.stripe_double import signature

pytestmark = pytest.mark.django_db


def membership_of(user, site) -> Membership:
    return Membership.objects.select_related("viewer_plan").get(user=user, tenant=site)


def subscribe(client, path: str, double) -> str:
    """Subscribe through the site; the Checkout Session Stripe made."""
    answer = client.post(path)
    assert answer.status_code == 302, answer.content
    session_id = answer["Location"].rsplit("/", 1)[1]
    assert session_id in double.sessions
    return session_id


@pytest.fixture
def alice_paid(alice, alpha, premium, stripe_double, webhook) -> Subscription:
    """alice subscribed to Premium and paid through Checkout; every event delivered."""
    session = subscribe(signed_in(alice), f"/billing/subscribe/{premium.pk}/", stripe_double)
    for answer in webhook.send_all(stripe_double.complete_checkout(session)):
        assert answer.status_code == 200, answer.content
    return Subscription.objects.get(user=alice)


def test_a_checkout_asks_stripe_for_the_plan_in_the_sites_currency(alice, premium, stripe_double):
    session_id = subscribe(signed_in(alice), f"/billing/subscribe/{premium.pk}/", stripe_double)

    session = stripe_double.sessions[session_id]
    _, _, sent = stripe_double.requests[-1]
    price = sent["line_items"][0]["price_data"]
    ours = Subscription.objects.get(user=alice)
    assert (price["unit_amount"], price["currency"], price["recurring"]["interval"]) == (
        "499", "eur", "month",
    )  # fmt: skip
    assert session["metadata"]["shadowvault_subscription"] == str(ours.pk)
    assert session["metadata"]["site"] == str(premium.tenant_id)
    assert session["_subscription_metadata"]["plan"] == str(premium.pk)
    assert session["customer_email"] == alice.email
    assert ours.status == Status.INCOMPLETE


def test_a_paid_checkout_gives_the_viewer_the_plan_without_ads(alice, alpha, alice_paid, premium):
    membership = membership_of(alice, alpha)

    assert alice_paid.status == Status.ACTIVE
    assert alice_paid.provider_subscription_id.startswith("sub_")
    assert alice_paid.current_period_end > timezone.now() + timedelta(days=29)
    assert membership.viewer_plan == premium
    assert entitlements(alpha, membership, "viewer").ads is False
    invoice = Invoice.objects.get(subscription=alice_paid)
    assert (invoice.status, invoice.amount_minor, invoice.currency) == ("paid", 499, "EUR")
    assert invoice.payments.get().reference.startswith("Stripe DBL-")


def test_the_free_plan_shows_ads_before_paying(alice, alpha, free_plan):
    assert entitlements(alpha, membership_of(alice, alpha), "viewer").ads is True


def test_a_repeated_event_is_applied_once(alice_paid, stripe_double, webhook):
    renewal = stripe_double.fail_payment(alice_paid.provider_subscription_id, int(time.time()) + 5)
    failed = renewal[0]
    changes = SubscriptionChange.objects.count()

    first = webhook.send(failed)
    again = webhook.send(failed)

    assert first.status_code == again.status_code == 200
    assert again.json()["outcome"] == "Already handled."
    assert ProviderEvent.objects.filter(event_id=failed["id"]).count() == 1
    assert SubscriptionChange.objects.count() == changes + 1
    assert Invoice.objects.filter(provider_invoice_id=failed["data"]["object"]["id"]).count() == 1


def test_a_repeated_payment_records_one_payment(alice_paid, stripe_double, webhook):
    at = int(time.time()) + 5
    stripe_double.fail_payment(alice_paid.provider_subscription_id, at)
    paid = stripe_double.pay_invoice(
        stripe_double.open_invoice_of(alice_paid.provider_subscription_id), at + 5
    )
    payments = Payment.objects.count()

    webhook.send_all([paid[0], paid[0], paid[0]])

    assert Payment.objects.count() == payments + 1


def test_updated_arriving_before_created_leaves_the_subscription_active(
    alice, alpha, premium, stripe_double, webhook
):
    session = subscribe(signed_in(alice), f"/billing/subscribe/{premium.pk}/", stripe_double)
    created, invoice_paid, updated, completed = stripe_double.complete_checkout(
        session, at=int(time.time()) - 10
    )
    updated["created"] += 2  # Stripe's "updated" is at least as new as its "created"

    for evt in (updated, completed, invoice_paid, created):
        assert webhook.send(evt).status_code == 200

    ours = Subscription.objects.get(user=alice)
    assert ours.status == Status.ACTIVE
    assert membership_of(alice, alpha).viewer_plan == premium


def test_deleted_arriving_before_an_older_update_stays_canceled(
    alice, alpha, alice_paid, stripe_double, webhook, free_plan
):
    now = int(time.time())
    older = stripe_double.fail_payment(alice_paid.provider_subscription_id, now + 10)[1]
    deleted = stripe_double.cancel(alice_paid.provider_subscription_id, now + 20)[0]

    webhook.send(deleted)
    webhook.send(older)  # past_due, said ten seconds before the cancellation

    alice_paid.refresh_from_db()
    assert alice_paid.status == Status.CANCELED
    membership = membership_of(alice, alpha)
    assert membership.viewer_plan is None  # the site's default plan: ads again
    assert entitlements(alpha, membership, "viewer").ads is True
    assert alice_paid.changes.first().effect.endswith("Premium → the site's default.")


def test_an_older_payment_failure_does_not_undo_a_newer_payment(alice_paid, stripe_double, webhook):
    at = int(time.time()) + 5
    failed, _ = stripe_double.fail_payment(alice_paid.provider_subscription_id, at)
    paid = stripe_double.pay_invoice(
        stripe_double.open_invoice_of(alice_paid.provider_subscription_id), at + 60
    )

    webhook.send_all(paid)
    webhook.send(failed)

    alice_paid.refresh_from_db()
    assert alice_paid.status == Status.ACTIVE


@pytest.mark.parametrize(
    "how",
    ["wrong secret", "body changed", "too old", "no header", "no v1"],
)
def test_a_bad_or_old_signature_is_refused_and_changes_nothing(
    how, alice_paid, stripe_double, webhook
):
    evt = stripe_double.cancel(alice_paid.provider_subscription_id, int(time.time()) + 5)[0]
    body = webhook_body(evt)
    header = {
        "wrong secret": signature(body, "whsec_not_ours"),
        "body changed": signature(body),  # signed as sent by Stripe, then altered
        "too old": signature(body, at=int(time.time()) - 301),
        "no header": None,
        "no v1": signature(body).replace("v1=", "v0="),
    }[how]
    if how == "body changed":
        body = body.replace(b"canceled", b"active")
    events = ProviderEvent.objects.count()
    extra = {"HTTP_STRIPE_SIGNATURE": header} if header else {}

    answer = webhook.client.post(
        "/billing/webhooks/stripe/", body, content_type="application/json", **extra
    )

    assert answer.status_code == 400
    alice_paid.refresh_from_db()
    assert alice_paid.status == Status.ACTIVE
    assert ProviderEvent.objects.count() == events


def webhook_body(evt: dict) -> bytes:
    import json

    return json.dumps(evt).encode()


def test_a_signed_event_naming_another_sites_subscription_by_metadata_touches_nothing(
    alice_paid, beta, bob, stripe_double, webhook
):
    """Metadata is believed only together with the row's own site: an event whose metadata
    names Alpha's subscription with Beta's site id is not applied, even correctly signed."""
    evt = stripe_double.cancel(alice_paid.provider_subscription_id, int(time.time()) + 5)[0]
    forged = evt["data"]["object"]
    forged["id"] = "sub_test_forged"
    forged["metadata"]["site"] = str(beta.pk)

    answer = webhook.send(evt)

    assert answer.status_code == 200
    assert answer.json()["outcome"] == "No subscription of ours is named."
    alice_paid.refresh_from_db()
    assert alice_paid.status == Status.ACTIVE


def test_an_unsigned_event_cannot_touch_another_sites_rows(alice_paid, stripe_double, webhook):
    evt = stripe_double.cancel(alice_paid.provider_subscription_id, int(time.time()) + 5)[0]

    answer = webhook.send(evt, secret="whsec_forger")

    assert answer.status_code == 400
    alice_paid.refresh_from_db()
    assert alice_paid.status == Status.ACTIVE


def test_a_failed_site_renewal_makes_the_site_past_due_then_paid_makes_it_active(
    alpha, alpha_admin, alpha_site_plan, stripe_double, webhook
):
    session = subscribe(signed_in(alpha_admin), "/billing/subscribe/site/", stripe_double)
    webhook.send_all(stripe_double.complete_checkout(session))
    ours = Subscription.objects.get(kind="site")
    now = int(time.time())

    webhook.send_all(stripe_double.fail_payment(ours.provider_subscription_id, now + 10))

    alpha.refresh_from_db()
    assert alpha.state == SiteState.PAST_DUE
    assert timedelta(days=13) < alpha.grace_ends_at - timezone.now() <= timedelta(days=14)
    failed = SiteStateChange.objects.filter(tenant=alpha).order_by("-at", "-pk").first()
    assert failed.by is None
    assert failed.reason == "Stripe: invoice DBL-0002 payment failed."
    assert (
        Invoice.objects.get(provider_invoice_id__isnull=False, status=InvoiceStatus.OPEN).issuer
        == "operator"
    )

    invoice = stripe_double.open_invoice_of(ours.provider_subscription_id)
    webhook.send_all(stripe_double.pay_invoice(invoice, now + 20))

    alpha.refresh_from_db()
    assert alpha.state == SiteState.ACTIVE
    paid = SiteStateChange.objects.filter(tenant=alpha).order_by("-at", "-pk").first()
    assert (paid.from_state, paid.reason) == (SiteState.PAST_DUE, "Stripe: invoice DBL-0002 paid.")


def test_the_portal_sends_the_subscriber_to_stripe(alice, alice_paid, stripe_double):
    answer = signed_in(alice).post("/billing/manage/")

    assert answer.status_code == 302
    assert answer["Location"].startswith("https://billing.stripe.com/p/session/")
    _, _, sent = stripe_double.requests[-1]
    assert sent["customer"] == alice_paid.provider_customer_id


def test_stripe_refusing_the_key_is_a_message_not_a_500(alice, premium, stripe_double, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_wrong"

    answer = signed_in(alice).post(f"/billing/subscribe/{premium.pk}/")

    assert answer.status_code == 502
    assert "Invalid API Key" in answer.content.decode()
    assert not Subscription.objects.exists()


def test_a_completed_checkout_whose_subscription_stripe_cannot_find_is_retried_later(
    alice, premium, stripe_double, webhook
):
    session = subscribe(signed_in(alice), f"/billing/subscribe/{premium.pk}/", stripe_double)
    *_, completed = stripe_double.complete_checkout(session)
    stripe_double.subscriptions.clear()  # GET /v1/subscriptions/<id> answers 404 now

    answer = webhook.send(completed)

    assert answer.status_code == 503
    assert not ProviderEvent.objects.filter(event_id=completed["id"]).exists()  # Stripe retries


@pytest.mark.parametrize(
    "body",
    [
        b'{"id": "evt_1"}',
        b'{"id": "evt_2", "type": "invoice.paid", "created": 1, "data": {"object": []}}',
        b'{"id": "evt_3", "type": "invoice.paid", "created": "soon", "data": {"object": {}}}',
        b"[]",
        b"not json",
    ],
)
def test_a_signed_body_that_is_no_readable_event_is_a_400(body, stripe_double, webhook, alpha):
    answer = webhook.client.post(
        "/billing/webhooks/stripe/",
        body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature(body),
    )

    assert answer.status_code == 400, answer.content
    assert not Subscription.objects.exists()


def test_the_webhook_refuses_everything_without_a_secret(
    alice_paid, stripe_double, webhook, settings
):
    settings.STRIPE_WEBHOOK_SECRET = ""
    evt = stripe_double.cancel(alice_paid.provider_subscription_id, int(time.time()) + 5)[0]

    answer = webhook.send(evt)

    assert answer.status_code == 400
    alice_paid.refresh_from_db()
    assert alice_paid.status == Status.ACTIVE


def test_a_checkout_started_again_reuses_the_waiting_subscription(alice, premium, stripe_double):
    client = signed_in(alice)

    first = subscribe(client, f"/billing/subscribe/{premium.pk}/", stripe_double)
    second = subscribe(client, f"/billing/subscribe/{premium.pk}/", stripe_double)

    ours = Subscription.objects.get()
    named = {
        stripe_double.sessions[s]["metadata"]["shadowvault_subscription"] for s in (first, second)
    }
    assert named == {str(ours.pk)}
