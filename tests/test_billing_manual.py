"""The manual provider: subscribing issues an open invoice numbered by its issuer; the
operator records the payment in the admin ("Record a payment"), which pays the invoice and
makes the subscription active, with its effects (the viewer's plan, the site's state)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from billing.invoice_models import Invoice, InvoiceStatus
from billing.models import Status, Subscription
from tenants.closed_site_data import remove_data
from tenants.models import Membership, ViewerPlan
from tenants.site_state_rules import SiteState
from tenants.site_states import change_state
from tests.support.billing_rows import signed_in

pytestmark = pytest.mark.django_db


def operator_records(olivia, invoice: Invoice, **fields) -> Client:
    client = Client(HTTP_HOST="a.test")
    client.force_login(olivia)
    data = {
        "action": "record_payment",
        "_selected_action": [str(invoice.pk)],
        "apply": "yes",
        "amount": "4.99",
        "paid_on": timezone.localdate().isoformat(),
        "reference": "BANK-4711",
        **fields,
    }
    return client.post("/admin/billing/invoice/", data)


def test_subscribing_issues_an_open_invoice_numbered_by_the_site(alice, alpha, premium):
    answer = signed_in(alice).post(f"/billing/subscribe/{premium.pk}/")

    invoice = Invoice.objects.get()
    assert answer["Location"] == f"/billing/invoices/{invoice.pk}/"
    assert (invoice.label, invoice.total, invoice.status) == ("ALPHA-000001", "€4.99", "open")
    assert invoice.lines.get().description == "Premium on Alpha, one month"
    assert invoice.subscription.status == Status.INCOMPLETE
    page = signed_in(alice).get(answer["Location"]).content.decode()
    assert "quoting <strong>ALPHA-000001</strong>" in page


def test_each_issuer_numbers_its_own_invoices(alice, alpha, premium, alpha_admin, alpha_site_plan):
    signed_in(alice).post(f"/billing/subscribe/{premium.pk}/")
    signed_in(alpha_admin).post("/billing/subscribe/site/")

    labels = sorted(invoice.label for invoice in Invoice.objects.all())

    assert labels == ["ALPHA-000001", "OP-000001"]


def test_a_recorded_payment_pays_the_invoice_and_gives_the_plan(alice, alpha, premium, olivia):
    signed_in(alice).post(f"/billing/subscribe/{premium.pk}/")
    invoice = Invoice.objects.get()

    answer = operator_records(olivia, invoice)

    assert answer.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert invoice.payments.get().reference == "BANK-4711"
    assert invoice.payments.get().recorded_by == olivia
    subscription = Subscription.objects.get()
    assert subscription.status == Status.ACTIVE
    assert Membership.objects.get(user=alice).viewer_plan == premium
    change = subscription.changes.get()
    assert change.reason == "Manual: payment BANK-4711 recorded by olivia."
    assert change.effect == "alice's viewer plan: the site's default → Premium."


def test_a_part_payment_leaves_the_invoice_open(alice, alpha, premium, olivia):
    signed_in(alice).post(f"/billing/subscribe/{premium.pk}/")
    invoice = Invoice.objects.get()

    operator_records(olivia, invoice, amount="2.00")

    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.OPEN
    assert Subscription.objects.get().status == Status.INCOMPLETE


@pytest.mark.parametrize(
    ("amount", "paid_on", "error"),
    [
        ("500.5", None, "JPY has 0 decimal places."),
        ("-3", None, "Ensure this value is greater than or equal to 0."),
        ("500", "2999-01-01", "A payment cannot be in the future."),
        ("lots", None, "Enter a number."),
    ],
)
def test_a_bad_payment_is_a_form_error(alice, alpha, olivia, amount, paid_on, error):
    yen = ViewerPlan.objects.create(tenant=alpha, name="Yen", price=Decimal("500"), currency="JPY")
    signed_in(alice).post(f"/billing/subscribe/{yen.pk}/")
    invoice = Invoice.objects.get()
    fields = {"amount": amount} | ({"paid_on": paid_on} if paid_on else {})

    answer = operator_records(olivia, invoice, **fields)

    assert answer.status_code == 200
    assert error in answer.content.decode()
    assert not invoice.payments.exists()


def test_yen_have_no_minor_unit(alice, alpha, olivia):
    yen = ViewerPlan.objects.create(tenant=alpha, name="Yen", price=Decimal("500"), currency="JPY")
    signed_in(alice).post(f"/billing/subscribe/{yen.pk}/")
    invoice = Invoice.objects.get()

    operator_records(olivia, invoice, amount="500")

    invoice.refresh_from_db()
    assert (invoice.amount_minor, invoice.total, invoice.status) == (500, "¥500", "paid")


def test_a_paid_site_invoice_reinstates_a_site_the_grace_task_suspended(
    alpha, alpha_admin, alpha_site_plan, olivia
):
    signed_in(alpha_admin).post("/billing/subscribe/site/")
    change_state(alpha, SiteState.PAST_DUE, by=None, reason="unpaid")
    change_state(alpha, SiteState.SUSPENDED, by=None, reason="Past due: the grace period ended.")
    invoice = Invoice.objects.get()

    operator_records(olivia, invoice, amount="20.00")

    alpha.refresh_from_db()
    assert alpha.state == SiteState.ACTIVE
    last = alpha.sitestatechanges.order_by("-at", "-pk").first()
    assert last.reason == f"Manual: payment BANK-4711 recorded by {olivia}."


def test_a_site_an_operator_suspended_stays_suspended_when_it_pays(
    alpha, alpha_admin, alpha_site_plan, olivia
):
    signed_in(alpha_admin).post("/billing/subscribe/site/")
    change_state(alpha, SiteState.SUSPENDED, by=olivia, reason="Abuse report")
    invoice = Invoice.objects.get()

    operator_records(olivia, invoice, amount="20.00")

    alpha.refresh_from_db()
    assert alpha.state == SiteState.SUSPENDED
    assert Subscription.objects.get().status == Status.ACTIVE


def test_only_operators_see_the_billing_admin(alpha_admin, alice, alpha, premium):
    signed_in(alice).post(f"/billing/subscribe/{premium.pk}/")
    client = Client(HTTP_HOST="a.test")
    client.force_login(alpha_admin)

    assert client.get("/admin/billing/invoice/").status_code == 403


def test_a_free_plan_needs_no_subscription(alice, free_plan):
    answer = signed_in(alice).post(f"/billing/subscribe/{free_plan.pk}/")

    assert answer.status_code == 400
    assert "Free is free" in answer.content.decode()
    assert not Subscription.objects.exists()


def test_a_manual_subscription_runs_a_month_from_the_invoice(alice, alpha, premium, olivia):
    signed_in(alice).post(f"/billing/subscribe/{premium.pk}/")
    operator_records(olivia, Invoice.objects.get())

    end = Subscription.objects.get().current_period_end

    assert timedelta(days=29) < end - timezone.now() <= timedelta(days=30)


def test_a_closed_sites_data_goes_and_its_billing_records_stay(alice, alpha, premium, olivia):
    signed_in(alice).post(f"/billing/subscribe/{premium.pk}/")
    operator_records(olivia, Invoice.objects.get())
    change_state(alpha, SiteState.CLOSED, by=olivia, reason="Closed by its owner")

    removed = remove_data(alpha)

    assert removed["tenants.ViewerPlan"] == 2
    subscription = Subscription.objects.get()
    assert (subscription.viewer_plan, subscription.plan_name) == (None, "Premium")
    assert Invoice.objects.get().payments.count() == 1


def test_subscribing_twice_shows_the_same_invoice(alice, premium):
    client = signed_in(alice)

    first = client.post(f"/billing/subscribe/{premium.pk}/")
    second = client.post(f"/billing/subscribe/{premium.pk}/")

    assert first["Location"] == second["Location"]
    assert (Subscription.objects.count(), Invoice.objects.count()) == (1, 1)
