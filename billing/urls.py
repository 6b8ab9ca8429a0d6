from django.urls import path

from billing import views

app_name = "billing"

urlpatterns = [
    path("", views.plans, name="plans"),
    path("subscribe/<int:plan_id>/", views.subscribe, name="subscribe"),
    path("subscribe/site/", views.subscribe_site, name="subscribe-site"),
    path("manage/", views.portal, name="portal"),
    path("checkout/done/", views.checkout_done, name="checkout-done"),
    path("invoices/", views.invoices, name="invoices"),
    path("invoices/<int:invoice_id>/", views.invoice, name="invoice"),
    path("invoices/<int:invoice_id>/pdf/", views.invoice_pdf, name="invoice-pdf"),
    # The URL to give Stripe (Dashboard → Developers → Webhooks), on an operator's hostname.
    path("webhooks/stripe/", views.stripe_webhook, name="stripe-webhook"),
]
