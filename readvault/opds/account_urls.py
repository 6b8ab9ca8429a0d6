"""The account's "Reader apps" pages (app passwords for OPDS apps), under
/account/reader-apps/ (namespace "reader-apps")."""

from django.urls import path

from readvault.opds import account_views
from readvault.plan_gate import gated

# Every route answers 403 where the plan leaves ReadVault out (readvault.plan_gate).
urlpatterns = gated(
    [
        path("", account_views.reader_apps, name="list"),
        path("new/", account_views.create, name="create"),
        path("revoke/", account_views.revoke, name="revoke"),
    ]
)
