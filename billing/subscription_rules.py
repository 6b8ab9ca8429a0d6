"""Whether a provider's news about a subscription may replace what we hold (pure).

Providers deliver notifications at least once and in no fixed order: Stripe documents that
it "does not guarantee delivery of events in the order in which they are generated"
(docs.stripe.com/webhooks#event-ordering). So each status carries the time the provider
said it, and:

- an older statement never overwrites a newer one;
- canceled is final (Stripe never revives a canceled subscription: a new one is made);
- incomplete is only a beginning: nothing goes back to it (Stripe's "created" event, sent
  in the same second as the first "updated", may arrive after it).
"""

from __future__ import annotations

from datetime import datetime

INCOMPLETE = "incomplete"
CANCELED = "canceled"


def accepts(current: str, current_at: datetime | None, new: str, new_at: datetime) -> bool:
    """True when a statement `new` made at `new_at` may replace `current` (said at
    `current_at`; None: nothing the provider said yet)."""
    if current == CANCELED:
        return False
    if new == INCOMPLETE and current != INCOMPLETE:
        return False
    return current_at is None or new_at >= current_at


# Stripe's subscription statuses (docs.stripe.com/api/subscriptions/object, "status") and
# ours: trialing is paid-for access; unpaid and paused keep the row but not the access.
STRIPE_STATUS = {
    "incomplete": "incomplete",
    "incomplete_expired": "canceled",
    "trialing": "active",
    "active": "active",
    "past_due": "past_due",
    "unpaid": "past_due",
    "paused": "past_due",
    "canceled": "canceled",
}
