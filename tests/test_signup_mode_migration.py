"""Migration 0006 keeps each site's sign-up as it was: signup_open=True becomes "open", False
becomes "invitation" (what such a site already told accounts of other sites), and back."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("tenants", "0005_franchise_plans_and_states")]
AFTER = [("tenants", "0006_signup_modes_and_invitations")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_closed_sign_up_becomes_invitation_only_and_open_stays_open():
    old = migrate(BEFORE)
    tenant = old.get_model("tenants", "Tenant")
    tenant.objects.create(name="Open", slug="open", signup_open=True)
    tenant.objects.create(name="Shut", slug="shut", signup_open=False)

    new = migrate(AFTER).get_model("tenants", "Tenant")
    modes = dict(new.objects.values_list("slug", "signup_mode"))

    assert modes == {"open": "open", "shut": "invitation"}
    back = migrate(BEFORE).get_model("tenants", "Tenant")
    assert dict(back.objects.values_list("slug", "signup_open")) == {"open": True, "shut": False}
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
