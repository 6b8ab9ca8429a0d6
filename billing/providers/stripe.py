"""Stripe through its official package: Checkout Sessions in subscription mode, the
Billing Portal, and webhooks verified with the `Stripe-Signature` scheme
(docs.stripe.com/webhooks#verify-manually: `t=` a timestamp, `v1=` the HMAC-SHA256 of
"<t>.<payload>" keyed with the endpoint's secret, refused past a 300 s tolerance).

The API key and the webhook secret come only from the environment (shadowvault.settings).
STRIPE_API_BASE points the client elsewhere: the tests' local double of Stripe.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import stripe
from django.conf import settings

from billing import invoicing
from billing.models import Kind, Provider, Subscription
from billing.providers import stripe_events
from billing.providers.base import (
    BillingProvider,
    NotificationRefused,
    ProviderUnavailable,
    ReturnUrls,
)

# Stripe's documented default; a timestamp further from now is a replay or a stale retry.
SIGNATURE_TOLERANCE = 300


def client() -> stripe.StripeClient:
    if not settings.STRIPE_SECRET_KEY:
        raise ProviderUnavailable("Card payments are not set up on this installation.")
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses={"api": settings.STRIPE_API_BASE},
        max_network_retries=1,
    )


def metadata(subscription: Subscription) -> dict[str, str]:
    """What Stripe keeps on the session and the subscription so that its events name our
    row, its site and plan; only ever believed from a correctly signed event."""
    plan = (
        subscription.viewer_plan_id
        if subscription.kind == Kind.VIEWER
        else subscription.site_plan_id
    )
    return {
        "shadowvault_subscription": str(subscription.pk),
        "site": str(subscription.tenant_id),
        "plan_kind": subscription.kind,
        "plan": str(plan),
        "user": str(subscription.user_id or ""),
    }


class StripeProvider(BillingProvider):
    name = Provider.STRIPE
    # Checkout's and the customer portal's hosted pages (the URLs the API answers with).
    hosted_origins = ("https://checkout.stripe.com", "https://billing.stripe.com")

    def start_checkout(self, subscription: Subscription, *, email: str, back: ReturnUrls) -> str:
        line = invoicing.plan_line(subscription)
        params: dict[str, Any] = {
            "mode": "subscription",
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": invoicing.plan_currency(subscription).lower(),
                        "unit_amount": line.unit_amount_minor,
                        "recurring": {"interval": "month"},
                        "product_data": {"name": line.description.removesuffix(", one month")},
                    },
                }
            ],
            "success_url": back.success,
            "cancel_url": back.cancel,
            "client_reference_id": str(subscription.pk),
            "metadata": metadata(subscription),
            "subscription_data": {"metadata": metadata(subscription)},
        }
        customer = _known_customer(subscription)
        if customer:
            params["customer"] = customer
        elif email:
            params["customer_email"] = email
        try:
            session = client().v1.checkout.sessions.create(params=params)  # type: ignore[arg-type]
        except stripe.StripeError as failed:
            raise ProviderUnavailable(_say(failed)) from failed
        return str(session.url)

    def portal_url(self, subscription: Subscription, *, return_url: str) -> str | None:
        if not subscription.provider_customer_id:
            return None
        params = {"customer": subscription.provider_customer_id, "return_url": return_url}
        try:
            portal = client().v1.billing_portal.sessions.create(params=params)  # type: ignore[arg-type]
        except stripe.StripeError as failed:
            raise ProviderUnavailable(_say(failed)) from failed
        return str(portal.url)

    def handle_notification(self, body: bytes, headers: Mapping[str, str]) -> str:
        secret = settings.STRIPE_WEBHOOK_SECRET
        if not secret:
            raise NotificationRefused("Stripe webhooks are not set up (STRIPE_WEBHOOK_SECRET).")
        try:
            stripe.Webhook.construct_event(
                body, headers.get("Stripe-Signature"), secret, tolerance=SIGNATURE_TOLERANCE
            )
            event = json.loads(body)
        except stripe.SignatureVerificationError as refused:
            raise NotificationRefused(f"Bad Stripe-Signature: {refused.user_message}") from None
        except (ValueError, TypeError, AttributeError, KeyError):
            # Signed but not an event (the package reads it as one after the signature).
            raise NotificationRefused("The body is not a Stripe event.") from None
        if not isinstance(event, dict):
            raise NotificationRefused("The body is not a Stripe event.")
        return stripe_events.handle(event, retrieve_subscription)


def retrieve_subscription(subscription_id: str) -> dict[str, Any]:
    """Stripe's subscription as it is now (GET /v1/subscriptions/<id>)."""
    try:
        found = client().v1.subscriptions.retrieve(subscription_id)
    except stripe.StripeError as failed:
        raise ProviderUnavailable(_say(failed)) from failed
    return found.to_dict()


def _known_customer(subscription: Subscription) -> str:
    """The payer's Stripe customer from an earlier subscription on this site, so that one
    person is one customer in the portal."""
    earlier = (
        Subscription.objects.for_tenant(subscription.tenant)
        .filter(provider=Provider.STRIPE, user_id=subscription.user_id, kind=subscription.kind)
        .exclude(provider_customer_id="")
        .order_by("-created_at")
        .values_list("provider_customer_id", flat=True)
        .first()
    )
    return earlier or ""


def _say(failed: stripe.StripeError) -> str:
    return f"Stripe did not take the request: {failed.user_message or 'no answer'}"
