"""The account's "Reading" pages (want to read, reading history, age limit), under
/account/reading/ (namespace "reading")."""

from django.urls import path

from readvault.plan_gate import gated
from readvault.site import account_views

# Every route answers 403 where the plan leaves ReadVault out (readvault.plan_gate).
urlpatterns = gated(
    [
        path("", account_views.overview, name="overview"),
        path("want-to-read/remove/", account_views.remove_want, name="want-remove"),
        path("age-limit/", account_views.set_age_limit, name="age-limit"),
        path("history/", account_views.history, name="history"),
        path("history/remove/", account_views.forget_history_entry, name="history-remove"),
        path("history/clear/", account_views.clear_history, name="history-clear"),
    ]
)
