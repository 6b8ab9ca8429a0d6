"""Repeated wrong passwords lock that username from that address for a while (django-axes)."""

from datetime import timedelta

import time_machine
from django.conf import settings
from django.utils import timezone

from tests.factories import PASSWORD


def attempt(client, username: str, password: str, address: str = "203.0.113.5"):
    return client.post(
        "/account/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_the_limit_of_wrong_passwords_locks_even_the_right_one(on_alpha, alice):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(on_alpha, "alice", "wrong")

    response = attempt(on_alpha, "alice", PASSWORD)

    assert response.status_code == 429
    assert b"Too many sign-in attempts" in response.content


def test_a_lock_is_per_username_and_address(on_alpha, alice, alpha_admin):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(on_alpha, "alice", "wrong")

    assert attempt(on_alpha, "alpha_admin", PASSWORD).status_code == 302
    assert attempt(on_alpha, "alice", PASSWORD, address="198.51.100.9").status_code == 302


def test_the_lock_lifts_after_the_cool_off(on_alpha, alice):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(on_alpha, "alice", "wrong")

    later = timezone.now() + timedelta(hours=settings.AXES_COOLOFF_TIME, minutes=1)
    with time_machine.travel(later):
        response = attempt(on_alpha, "alice", PASSWORD)

    assert response.status_code == 302


def test_the_admin_sign_in_is_throttled_too(alpha, alpha_admin, client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/admin/login/", {"username": "alpha_admin", "password": "x"}, HTTP_HOST="a.test"
        )

    response = client.post(
        "/admin/login/", {"username": "alpha_admin", "password": PASSWORD}, HTTP_HOST="a.test"
    )

    assert response.status_code == 429
