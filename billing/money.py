"""Amounts in minor units (cents, yen) and how they are written, per ISO 4217 currency.

Payment providers take integers in the currency's smallest unit: 9.99 EUR is 999, 500 JPY is
500 (the yen has no minor unit). Plans keep a Decimal price with two places
(tenants.plans); the conversion and the formatting live here, with no I/O.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

# Currencies without a minor unit, as Stripe lists its zero-decimal currencies
# (docs.stripe.com/currencies#zero-decimal).
ZERO_DECIMAL = frozenset(
    {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV",
     "XAF", "XOF", "XPF"}
)  # fmt: skip
# ISO 4217 currencies with three decimal places.
THREE_DECIMAL = frozenset({"BHD", "JOD", "KWD", "OMR", "TND"})
SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥"}


def decimals(currency: str) -> int:
    code = currency.upper()
    if code in ZERO_DECIMAL:
        return 0
    if code in THREE_DECIMAL:
        return 3
    return 2


def to_minor(amount: Decimal, currency: str) -> int:
    """`amount` in the currency's minor units, rounded half up (9.995 EUR is 1000)."""
    scale = Decimal(10) ** decimals(currency)
    return int((amount * scale).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def from_minor(minor: int, currency: str) -> Decimal:
    places = decimals(currency)
    return Decimal(minor).scaleb(-places).quantize(Decimal(1).scaleb(-places))


def format_money(minor: int, currency: str) -> str:
    """ "€9.99", "¥500", "12.500 KWD": the symbol for the currencies the sites use most,
    the ISO code after the number for the others."""
    code = currency.upper()
    amount = from_minor(minor, code)
    text = f"{abs(amount):,.{decimals(code)}f}"
    sign = "-" if amount < 0 else ""
    symbol = SYMBOLS.get(code)
    return f"{sign}{symbol}{text}" if symbol else f"{sign}{text} {code}"
