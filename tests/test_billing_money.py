"""Amounts in minor units and their writing, per currency (billing.money), and the rule
that keeps a subscription's statuses in the provider's order (billing.subscription_rules)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billing.money import format_money, from_minor, to_minor
from billing.subscription_rules import accepts

T = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("amount", "currency", "minor", "written"),
    [
        ("4.99", "EUR", 499, "€4.99"),
        ("500", "JPY", 500, "¥500"),
        ("1234.5", "USD", 123450, "$1,234.50"),
        ("12.5", "KWD", 12500, "12.500 KWD"),
        ("9.995", "EUR", 1000, "€10.00"),
        ("3", "CHF", 300, "3.00 CHF"),
    ],
)
def test_amounts_in_minor_units(amount, currency, minor, written):
    assert to_minor(Decimal(amount), currency) == minor
    assert format_money(minor, currency) == written


@given(st.integers(min_value=0, max_value=10**12), st.sampled_from(["EUR", "JPY", "KWD"]))
def test_minor_units_survive_the_round_trip(minor, currency):
    assert to_minor(from_minor(minor, currency), currency) == minor


def test_a_newer_status_replaces_an_older_one():
    assert accepts("active", T, "past_due", T + timedelta(seconds=1))


def test_an_older_status_never_replaces_a_newer_one():
    assert not accepts("active", T, "past_due", T - timedelta(seconds=1))


def test_canceled_is_final():
    assert not accepts("canceled", T, "active", T + timedelta(days=1))


def test_nothing_goes_back_to_incomplete_even_in_the_same_second():
    assert not accepts("active", T, "incomplete", T)
    assert accepts("incomplete", None, "incomplete", T)
