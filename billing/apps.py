from django.apps import AppConfig


class BillingConfig(AppConfig):
    """Subscriptions to site plans and viewer plans, invoices and payments, through payment
    providers (docs/billing.md)."""

    name = "billing"
    verbose_name = "Billing"

    def ready(self) -> None:
        # Wired here, not as a side effect of importing a module.
        from shadowvault.site_sections import AccountTab, register_account_tab

        register_account_tab(
            AccountTab(
                "Plans & billing",
                "billing:plans",
                also_current=("billing:invoices", "billing:invoice"),
            )
        )
