"""A stand-in for the parts of Stripe's API that billing calls, and Stripe's webhook sender.

Stripe cannot be reached from the test machines. What each piece stands for, from Stripe's
documentation (docs.stripe.com/api):

- Authentication: `Authorization: Bearer <secret key>`; any other key answers 401 with
  Stripe's error body {"error": {"type": "invalid_request_error", "message": "Invalid API
  Key provided: ..."}}.
- Requests are form-encoded, nested with brackets (`line_items[0][price_data][currency]`,
  `metadata[site]`), as Stripe's clients send them; answers are JSON objects with `id` and
  `object`. Errors have Stripe's shape: {"error": {"type", "code", "message", "param"}},
  e.g. 404 `resource_missing` "No such subscription: 'sub_x'".
- POST /v1/checkout/sessions (mode=subscription with inline `price_data`): a Checkout
  Session, status open, with the hosted page's `url`; metadata and
  `subscription_data[metadata]` are kept as given.
- POST /v1/billing_portal/sessions: a portal session for a known customer, with its `url`.
- GET /v1/subscriptions/<id>, GET /v1/customers/<id>: the objects as they are now.
  Subscriptions have the shape of API version 2026-10-28 (the package's): the period end
  lives on each item (`items.data[].current_period_end`).

What happens on Stripe's side without our server asking is done by methods that change the
double's objects and return the events Stripe would send, as snapshots taken at the time:
`complete_checkout` (the buyer pays: customer, subscription created incomplete, first
invoice paid, subscription updated active, session completed), `fail_payment` and
`pay_invoice` (a renewal's card declined, then paid), `cancel` (the subscription ends).

`WebhookSender` signs an event exactly as Stripe documents (docs.stripe.com/webhooks
#verify-manually): header `Stripe-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of
"<t>.<raw body>" keyed with the endpoint secret>`, and posts the raw JSON body.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qsl, urlsplit

from tests.support.api_double import ApiDouble, send_answer

SECRET_KEY = "sk_test_double_4eC39HqLyjWDarjtT1zdp7dc"
WEBHOOK_SECRET = "whsec_double_0c6f2a9b1e"
API_VERSION = "2026-10-28.endive"
MONTH = 30 * 86400
WEBHOOK_PATH = "/billing/webhooks/stripe/"


def decode_form(body: str) -> dict:
    """Stripe's bracketed form encoding back into nested dicts and lists."""
    root: dict = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        parts = key.replace("]", "").split("[")
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _lists(root)


def _lists(node):
    if not isinstance(node, dict):
        return node
    if node and all(key.isdigit() for key in node):
        return [_lists(node[key]) for key in sorted(node, key=int)]
    return {key: _lists(value) for key, value in node.items()}


def _id(prefix: str) -> str:
    return f"{prefix}_test_{secrets.token_hex(8)}"


def error(status: int, message: str, *, code: str = "", param: str = "") -> tuple[int, dict]:
    body = {"type": "invalid_request_error", "message": message}
    if code:
        body["code"] = code
        body["doc_url"] = f"https://docs.stripe.com/error-codes/{code.replace('_', '-')}"
    if param:
        body["param"] = param
    return status, {"error": body}


class StripeDouble(ApiDouble):
    path = ""  # the client joins "/v1/..." to the base itself

    def __init__(self) -> None:
        self.customers: dict[str, dict] = {}
        self.sessions: dict[str, dict] = {}
        self.subscriptions: dict[str, dict] = {}
        self.invoices: dict[str, dict] = {}
        self.requests: list[tuple[str, str, dict]] = []
        self._objects = threading.Lock()
        self._invoice_number = 0
        super().__init__(_handler(self))

    # --- the API -------------------------------------------------------------------------

    def answer(self, method: str, path: str, headers, body: str) -> tuple[int, dict]:
        params = decode_form(body) if body else {}
        self.requests.append((method, path, params))
        if headers.get("Authorization") != f"Bearer {SECRET_KEY}":
            return 401, {
                "error": {
                    "type": "invalid_request_error",
                    "message": "Invalid API Key provided: sk_test_****",
                }
            }
        parts = path.strip("/").split("/")
        with self._objects:
            if method == "POST" and parts == ["v1", "checkout", "sessions"]:
                return self._create_session(params)
            if method == "POST" and parts == ["v1", "billing_portal", "sessions"]:
                return self._create_portal(params)
            if method == "GET" and len(parts) == 3 and parts[:2] == ["v1", "subscriptions"]:
                return self._found(self.subscriptions, parts[2], "subscription")
            if method == "GET" and len(parts) == 3 and parts[:2] == ["v1", "customers"]:
                return self._found(self.customers, parts[2], "customer")
        return error(404, f"Unrecognized request URL ({method}: {path}).")

    def _found(self, table: dict, key: str, kind: str) -> tuple[int, dict]:
        if key not in table:
            return error(404, f"No such {kind}: '{key}'", code="resource_missing", param="id")
        return 200, table[key]

    def _create_session(self, params: dict) -> tuple[int, dict]:
        if params.get("mode") != "subscription":
            return error(400, "This double takes mode=subscription only.", param="mode")
        for name in ("success_url", "line_items"):
            if not params.get(name):
                return error(
                    400, f"Missing required param: {name}.", code="parameter_missing", param=name
                )
        try:
            item = params["line_items"][0]
            price = item["price_data"]
            amount = int(price["unit_amount"])
            assert price["recurring"]["interval"] in {"day", "week", "month", "year"}
            name = price["product_data"]["name"]
            currency = price["currency"]
        except (KeyError, IndexError, TypeError, ValueError, AssertionError):
            return error(
                400,
                "Invalid line_items[0][price_data].",
                code="parameter_invalid",
                param="line_items",
            )
        if amount < 0 or currency != currency.lower() or len(currency) != 3:
            return error(400, "Invalid price.", code="parameter_invalid", param="line_items")
        customer = params.get("customer")
        if customer and customer not in self.customers:
            return error(
                400, f"No such customer: '{customer}'", code="resource_missing", param="customer"
            )
        session_id = _id("cs")
        session = {
            "id": session_id,
            "object": "checkout.session",
            "mode": "subscription",
            "status": "open",
            "payment_status": "unpaid",
            "url": f"https://checkout.stripe.com/c/pay/{session_id}",
            "success_url": params["success_url"],
            "cancel_url": params.get("cancel_url"),
            "client_reference_id": params.get("client_reference_id"),
            "customer": customer,
            "customer_email": params.get("customer_email"),
            "metadata": params.get("metadata") or {},
            "subscription": None,
            "currency": currency,
            "amount_total": amount * int(item.get("quantity", 1)),
            "_product": name,
            "_subscription_metadata": (params.get("subscription_data") or {}).get("metadata") or {},
        }
        self.sessions[session_id] = session
        return 200, _public(session)

    def _create_portal(self, params: dict) -> tuple[int, dict]:
        customer = params.get("customer")
        if customer not in self.customers:
            return error(
                400, f"No such customer: '{customer}'", code="resource_missing", param="customer"
            )
        return 200, {
            "id": _id("bps"),
            "object": "billing_portal.session",
            "customer": customer,
            "return_url": params.get("return_url"),
            "url": f"https://billing.stripe.com/p/session/{_id('portal')}",
        }

    # --- what happens on Stripe's side ---------------------------------------------------

    def complete_checkout(self, session_id: str, at: int | None = None) -> list[dict]:
        """The buyer pays on the hosted page. The events, in the order Stripe makes them."""
        at = at or int(time.time())
        with self._objects:
            session = self.sessions[session_id]
            customer = session["customer"] or self._new_customer(session["customer_email"])
            subscription = {
                "id": _id("sub"),
                "object": "subscription",
                "customer": customer,
                "status": "incomplete",
                "created": at,
                "metadata": dict(session["_subscription_metadata"]),
                "items": {
                    "object": "list",
                    "data": [
                        {
                            "id": _id("si"),
                            "object": "subscription_item",
                            "current_period_start": at,
                            "current_period_end": at + MONTH,
                            "price": {
                                "currency": session["currency"],
                                "unit_amount": session["amount_total"],
                                "product": session["_product"],
                            },
                        }
                    ],
                },
            }
            self.subscriptions[subscription["id"]] = subscription
            events = [event("customer.subscription.created", subscription, at)]
            invoice = self._invoice(subscription, session, at)
            events += self._paid(invoice, subscription, at)
            session.update(status="complete", payment_status="paid", customer=customer,
                           subscription=subscription["id"])  # fmt: skip
            events.append(event("checkout.session.completed", _public(session), at))
        return events

    def fail_payment(self, subscription_id: str, at: int) -> list[dict]:
        """A renewal's card is declined: an open invoice, the subscription past due."""
        with self._objects:
            subscription = self.subscriptions[subscription_id]
            invoice = self._invoice(subscription, None, at)
            invoice["attempt_count"] = 1
            subscription["status"] = "past_due"
            return [
                event("invoice.payment_failed", invoice, at),
                event("customer.subscription.updated", subscription, at),
            ]

    def pay_invoice(self, invoice_id: str, at: int) -> list[dict]:
        with self._objects:
            invoice = self.invoices[invoice_id]
            return self._paid(invoice, self.subscriptions[_subscription_of(invoice)], at)

    def cancel(self, subscription_id: str, at: int) -> list[dict]:
        with self._objects:
            subscription = self.subscriptions[subscription_id]
            subscription.update(status="canceled", canceled_at=at, ended_at=at)
            return [event("customer.subscription.deleted", subscription, at)]

    def open_invoice_of(self, subscription_id: str) -> str:
        return next(
            i["id"] for i in reversed(self.invoices.values())
            if _subscription_of(i) == subscription_id and i["status"] == "open"
        )  # fmt: skip

    def _new_customer(self, email: str | None) -> str:
        customer = {"id": _id("cus"), "object": "customer", "email": email}
        self.customers[customer["id"]] = customer
        return customer["id"]

    def _invoice(self, subscription: dict, session: dict | None, at: int) -> dict:
        self._invoice_number += 1
        item = subscription["items"]["data"][0]
        amount = item["price"]["unit_amount"]
        start = item["current_period_end"] if session is None else at
        invoice = {
            "id": _id("in"),
            "object": "invoice",
            "number": f"DBL-{self._invoice_number:04d}",
            "customer": subscription["customer"],
            "currency": item["price"]["currency"],
            "amount_due": amount,
            "amount_paid": 0,
            "status": "open",
            "created": at,
            "status_transitions": {"finalized_at": at, "paid_at": None},
            "parent": {
                "type": "subscription_details",
                "subscription_details": {
                    "subscription": subscription["id"],
                    "metadata": dict(subscription["metadata"]),
                },
            },
            "lines": {
                "object": "list",
                "data": [
                    {
                        "id": _id("il"),
                        "object": "line_item",
                        "amount": amount,
                        "currency": item["price"]["currency"],
                        "description": f"1 x {item['price']['product']}",
                        "quantity": 1,
                        "period": {"start": start, "end": start + MONTH},
                    }
                ],
            },
        }
        self.invoices[invoice["id"]] = invoice
        return invoice

    def _paid(self, invoice: dict, subscription: dict, at: int) -> list[dict]:
        invoice.update(status="paid", amount_paid=invoice["amount_due"])
        invoice["status_transitions"]["paid_at"] = at
        subscription["status"] = "active"
        item = subscription["items"]["data"][0]
        item["current_period_end"] = invoice["lines"]["data"][0]["period"]["end"]
        return [
            event("invoice.paid", invoice, at),
            event("customer.subscription.updated", subscription, at),
        ]


def _subscription_of(invoice: dict) -> str:
    return invoice["parent"]["subscription_details"]["subscription"]


def _public(session: dict) -> dict:
    return {k: v for k, v in session.items() if not k.startswith("_")}


def event(kind: str, obj: dict, created: int) -> dict:
    """An event as Stripe sends it: a snapshot of the object at the time."""
    return {
        "id": _id("evt"),
        "object": "event",
        "api_version": API_VERSION,
        "created": created,
        "data": {"object": copy.deepcopy(obj)},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": kind,
    }


def _handler(double: StripeDouble) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            path = urlsplit(self.path).path
            status, answer = double.answer(self.command, path, self.headers, body)
            send_answer(self, status, {"Request-Id": _id("req")}, json.dumps(answer).encode())

        do_GET = do_POST = do_DELETE = _serve

        def log_message(self, *args) -> None:  # quiet
            pass

    return Handler


def signature(body: bytes, secret: str = WEBHOOK_SECRET, at: int | None = None) -> str:
    at = int(time.time()) if at is None else at
    mac = hmac.new(secret.encode(), f"{at}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={at},v1={mac}"


class WebhookSender:
    """Delivers events to our webhook through Django's test client, signed like Stripe."""

    def __init__(self, client, secret: str = WEBHOOK_SECRET) -> None:
        self.client = client
        self.secret = secret

    def send(self, evt: dict, *, signed_at: int | None = None, secret: str | None = None):
        body = json.dumps(evt).encode()
        header = signature(body, secret or self.secret, signed_at)
        return self.client.post(
            WEBHOOK_PATH, body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
        )

    def send_all(self, events: list[dict]) -> list:
        return [self.send(evt) for evt in events]
