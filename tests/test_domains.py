"""Hostnames: normalised, unique, valid, and one primary per site."""

import contextlib

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from hypothesis import given
from hypothesis import strategies as st

from tenants.models import Domain, hostname_validator


def test_hostnames_are_stored_lower_case_without_trailing_dot(alpha):
    domain = Domain.objects.create(tenant=alpha, hostname="Watch.Example.COM.")

    assert domain.hostname == "watch.example.com"


def test_a_hostname_belongs_to_one_site_only(alpha, beta):
    with pytest.raises(IntegrityError), transaction.atomic():
        Domain.objects.create(tenant=beta, hostname="A.test")


def test_a_site_has_one_primary_hostname(alpha):
    with pytest.raises(IntegrityError), transaction.atomic():
        Domain.objects.create(tenant=alpha, hostname="second.test", is_primary=True)


def test_the_admin_form_explains_a_second_primary(alpha):
    domain = Domain(tenant=alpha, hostname="second.test", is_primary=True)

    with pytest.raises(ValidationError, match="already has a primary hostname"):
        domain.full_clean()


@pytest.mark.parametrize(
    "bad", ["http://a.test", "a.test:80", "a test", "-a.test", "a..test", "a/b", "", "ä.test"]
)
def test_malformed_hostnames_are_refused(bad):
    with pytest.raises(ValidationError):
        hostname_validator(bad)


@given(st.text(max_size=300))
def test_the_validator_never_crashes_on_any_text(text):
    with contextlib.suppress(ValidationError):
        hostname_validator(text)
