"""Every JSON route of the API answers a hostile body with a 400, never a 500: DRF's own
JSONParser turns a ValueError into a 400 but lets the json module's RecursionError (deep
nesting, "[[[[...]]]]") through; shadowvault.api_parsers is the default parser for that."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from streaming.api.token_store import issue_token
from tests.factories import make_member

DEEP = "[" * 5000 + "]" * 5000
BODIES = [DEEP, '{"a": ' * 5000, "{", "\ufeff{}", '{"x": NaN}']
ROUTES = ["/api/progress/", "/api/watchlist/", "/api/ingest/", "/api/v1/comics/imports/"]


@pytest.fixture
def admin_api(alpha):
    from tenants.models import Membership

    user = make_member("keeper", alpha, Membership.Role.ADMIN)
    user.is_superuser = True  # ingest and imports are the operator's
    user.save()
    client = APIClient(HTTP_HOST="a.test")
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user, alpha, 'test').key}")
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES)
def test_hostile_json_bodies_are_400_with_a_reason(admin_api, route):
    for body in BODIES:
        answer = admin_api.post(route, data=body, content_type="application/json")
        assert answer.status_code == 400, (route, body[:20], answer.status_code)
        assert answer.json()["detail"]
