"""A site admin's forms check the unique constraints that name the site (issue 11): the
tenant is not a field of their forms, so a second hiding of the same title was a 500."""

from __future__ import annotations

import pytest
from django.test import Client

from streaming.models import Title, TitleHiding
from tests import factories

ADD = "/admin/streaming/titlehiding/add/"


@pytest.fixture
def film(db) -> Title:
    return factories.film("A Film")


def signed_in(user, host: str) -> Client:
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    return client


def test_hiding_a_title_twice_is_a_form_error_not_a_server_error(film, beta_admin, beta):
    client = signed_in(beta_admin, "b.test")

    first = client.post(ADD, {"title": film.pk})
    second = client.post(ADD, {"title": film.pk})

    assert first.status_code == 302
    assert second.status_code == 200
    assert "already exists" in second.content.decode()
    assert TitleHiding.objects.filter(tenant=beta, title=film).count() == 1


def test_another_site_may_hide_the_same_title(film, alpha_admin, beta_admin, alpha, beta):
    signed_in(beta_admin, "b.test").post(ADD, {"title": film.pk})

    response = signed_in(alpha_admin, "a.test").post(ADD, {"title": film.pk})

    assert response.status_code == 302
    assert set(TitleHiding.objects.values_list("tenant__name", flat=True)) == {"Alpha", "Beta"}


def test_an_operator_hiding_a_title_twice_gets_a_form_error(film, olivia, beta):
    client = signed_in(olivia, "b.test")

    client.post(ADD, {"title": film.pk, "tenant": beta.pk})
    second = client.post(ADD, {"title": film.pk, "tenant": beta.pk})

    assert second.status_code == 200
    assert TitleHiding.objects.count() == 1
