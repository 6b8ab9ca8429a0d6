"""The media core asks the apps that own objects whether a site may serve one
(stored_media.owners): a second vault's rule is honoured alongside StreamVault's, per site, in
one query, and an object no rule claims is served nowhere."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from stored_media import owners, signing
from stored_media.models import StoredObject
from tests.factories import publish_film, stored


@pytest.fixture
def loose(db) -> StoredObject:
    """A page image of a chapter another vault owns: StreamVault knows nothing of it."""
    return stored("page-001.jpg", b"\xff\xd8jpeg bytes", kind="jpeg")


def _get(client, obj: StoredObject):
    return client.get(signing.sign(obj.media_uri, int(time.time()) + 600))


@pytest.fixture
def second_vault(monkeypatch, alpha):
    """A rule as ReadVault registers it in ready(): its pages, on the sites that show them
    (here: page images, on Alpha only)."""

    def rule(site) -> Q:
        if site.pk != alpha.pk:
            return Q(pk__in=[])  # nothing of this vault's is shown there
        return Q(filename__startswith="page-", content_type="image/jpeg")

    monkeypatch.setitem(owners._rules, "readvault", rule)
    return rule


def test_an_object_no_app_claims_is_served_nowhere(loose, on_alpha):
    assert _get(on_alpha, loose).status_code == 404


def test_a_second_owners_rule_is_asked_per_site(loose, second_vault, on_alpha, on_beta):
    assert _get(on_alpha, loose).status_code == 200
    assert _get(on_beta, loose).status_code == 404


def test_every_owner_is_asked_in_one_query(loose, second_vault, alpha, settings):
    film = publish_film().stored
    assert set(owners.registered_owners()) == {"streaming", "readvault", "ads"}
    with CaptureQueriesContext(connection) as queries:
        served = set(StoredObject.objects.visible_on(alpha).values_list("pk", flat=True))
    assert served == {film.pk, loose.pk}
    assert len(queries) == 1
