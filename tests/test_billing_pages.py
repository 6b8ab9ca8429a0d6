"""The billing pages: the plans in the site's currency, invoices and receipts as pages and
PDFs (their text read back with pypdf), and isolation: a member, an admin or a stranger of
another site sees none of this site's invoices or subscriptions."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from billing import invoicing
from billing.invoice_models import Invoice
from billing.models import Provider
from tenants.models import ViewerPlan
from tests.factories import make_member
from tests.support.billing_rows import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def receipt(alice, alpha, premium) -> Invoice:
    """alice's Premium invoice, paid by bank transfer."""
    signed_in(alice).post(f"/billing/subscribe/{premium.pk}/")
    invoice = Invoice.objects.get()
    return invoicing.record_payment(
        invoice,
        amount_minor=499,
        paid_at=timezone.now(),
        reference="BANK-4711",
        provider=Provider.MANUAL,
    )


def pdf_text(answer) -> str:
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(answer.content)).pages)


def test_the_plans_page_shows_prices_in_the_sites_currency(alpha, alice, premium):
    ViewerPlan.objects.create(tenant=alpha, name="Yen tier", price=Decimal("500"), currency="JPY")

    page = signed_in(alice).get("/billing/").content.decode()

    assert "€4.99" in page
    assert "¥500" in page
    assert "Your plan" in page  # the free default one
    assert f'action="/billing/subscribe/{premium.pk}/"' in page


def test_a_visitor_is_asked_to_sign_in_to_subscribe(alpha, premium):
    page = Client(HTTP_HOST="a.test").get("/billing/").content.decode()

    assert "Sign in to subscribe" in page
    assert "Manage billing" not in page


def test_the_invoices_page_lists_the_members_invoices(alice, receipt):
    page = signed_in(alice).get("/billing/invoices/").content.decode()

    assert "ALPHA-000001" in page
    assert "€4.99" in page
    assert "Paid" in page


def test_a_paid_invoice_is_a_receipt_as_a_page_and_a_pdf(alice, receipt):
    client = signed_in(alice)

    page = client.get(f"/billing/invoices/{receipt.pk}/").content.decode()
    text = pdf_text(client.get(f"/billing/invoices/{receipt.pk}/pdf/"))

    assert "Receipt ALPHA-000001" in page
    assert "reference BANK-4711" in page
    assert "Receipt ALPHA-000001" in text
    assert "From: Alpha" in text
    assert "To: alice" in text
    assert "Premium on Alpha, one month: 4.99 EUR" in text
    assert "Total: 4.99 EUR" in text
    assert "(reference BANK-4711)" in text


def test_an_open_invoice_pdf_says_invoice(alice, alpha, premium):
    signed_in(alice).post(f"/billing/subscribe/{premium.pk}/")
    invoice = Invoice.objects.get()

    text = pdf_text(signed_in(alice).get(f"/billing/invoices/{invoice.pk}/pdf/"))

    assert "Invoice ALPHA-000001" in text
    assert "Status: Open" in text


def test_the_site_owners_invoice_comes_from_the_operator(alpha_admin, alpha_site_plan, settings):
    settings.BILLING_OPERATOR_NAME = "Vault Hosting Ltd"
    signed_in(alpha_admin).post("/billing/subscribe/site/")
    invoice = Invoice.objects.get()

    text = pdf_text(signed_in(alpha_admin).get(f"/billing/invoices/{invoice.pk}/pdf/"))

    assert "Invoice OP-000001" in text
    assert "From: Vault Hosting Ltd" in text
    assert "Studio, one month: 20.00 EUR" in text


@pytest.mark.parametrize("who", ["bob", "beta_admin", "alice's neighbour"])
def test_nobody_else_sees_an_invoice(who, request, alpha, receipt):
    if who == "alice's neighbour":  # another viewer of the same site
        user, host = make_member("carol", alpha), "a.test"
    else:
        user, host = request.getfixturevalue(who), "b.test"
    client = signed_in(user, host)

    listed = client.get("/billing/invoices/").content.decode()
    page = client.get(f"/billing/invoices/{receipt.pk}/")
    pdf = client.get(f"/billing/invoices/{receipt.pk}/pdf/")

    assert "ALPHA-000001" not in listed
    assert (page.status_code, pdf.status_code) == (404, 404)


def test_a_member_of_another_site_sees_no_subscription_of_this_one(bob, receipt, beta):
    page = signed_in(bob, "b.test").get("/billing/").content.decode()

    assert "Premium" not in page
    assert "You pay for nothing on Beta." in page


def test_a_site_admin_sees_the_operators_invoices_to_the_site_but_not_viewers_others(
    alpha_admin, alpha_site_plan, receipt
):
    signed_in(alpha_admin).post("/billing/subscribe/site/")

    listed = signed_in(alpha_admin).get("/billing/invoices/").content.decode()

    assert "OP-000001" in listed
    assert "ALPHA-000001" not in listed  # alice's, billed to her


def test_invoices_need_signing_in(alpha, receipt):
    answer = Client(HTTP_HOST="a.test").get(f"/billing/invoices/{receipt.pk}/")

    assert answer.status_code == 302
    assert answer["Location"].startswith("/account/login/")


def test_the_account_pages_have_a_billing_tab(alice):
    page = signed_in(alice).get("/account/").content.decode()

    assert '<a href="/billing/">Plans &amp; billing</a>' in page


def test_the_plans_page_lets_its_forms_go_on_to_the_providers_pages(on_alpha, alice):
    """Subscribe and Manage billing are answered by redirects to Stripe's hosted pages; a
    browser checks those against the page's CSP form-action, which must name them (found by
    the franchise story in Chromium: the click did nothing). Other pages keep 'self' alone."""
    on_alpha.force_login(alice)
    plans = on_alpha.get("/billing/")["Content-Security-Policy"]
    home = on_alpha.get("/")["Content-Security-Policy"]

    assert "form-action 'self' https://checkout.stripe.com https://billing.stripe.com" in plans
    assert "default-src 'self'" in plans
    assert "form-action 'self';" in home + ";"
    assert "stripe" not in home
