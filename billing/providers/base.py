"""What every payment provider offers the site (docs/billing.md, "Providers").

A provider starts a checkout for a subscription (the URL to send the buyer to), gives a
customer portal URL where the buyer manages cards and cancels, and handles its own
notifications (webhooks). The views and the admin talk to providers only through this.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass

from billing.models import Subscription


class ProviderUnavailable(Exception):
    """The provider could not be reached or refused the request; the message is for people."""


class NotificationRefused(ValueError):
    """A notification that is not the provider's (bad or old signature) or not one we can
    read: answered 400, nothing changes."""


@dataclass(frozen=True)
class ReturnUrls:
    """Where the provider sends the buyer back to (absolute URLs on the buyer's site)."""

    success: str
    cancel: str


class BillingProvider(ABC):
    name: str
    # Origins of the provider's own pages a buyer is sent to. Our forms POST here and we
    # redirect there, and a browser checks the redirect against the page's CSP form-action:
    # the page with those forms must name them (billing.views.plans).
    hosted_origins: tuple[str, ...] = ()

    @abstractmethod
    def start_checkout(self, subscription: Subscription, *, email: str, back: ReturnUrls) -> str:
        """The URL where the buyer pays the subscription's first period."""

    @abstractmethod
    def portal_url(self, subscription: Subscription, *, return_url: str) -> str | None:
        """The URL where the buyer manages what they pay for; None when there is none yet."""

    @abstractmethod
    def handle_notification(self, body: bytes, headers: Mapping[str, str]) -> str:
        """Verify and apply one notification; a sentence saying what it did. Raises
        NotificationRefused."""
