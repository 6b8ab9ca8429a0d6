"""An invoice, or once paid its receipt, as a one-page PDF (fpdf2).

Names may be in any script, so a Unicode TrueType font is used when the machine has one
(Debian's fonts-dejavu-core); without it fpdf2's built-in Helvetica takes Latin-1 only and
other characters print as "?". Amounts carry their ISO code ("9.99 EUR") rather than a
symbol for the same reason.
"""

from __future__ import annotations

from pathlib import Path

from django.utils import timezone
from fpdf import FPDF

from billing.invoice_models import Invoice, Issuer
from billing.money import decimals, from_minor

UNICODE_FONTS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
)


def amount(minor: int, currency: str) -> str:
    return f"{from_minor(minor, currency):,.{decimals(currency)}f} {currency}"


def title_of(invoice: Invoice) -> str:
    return "Receipt" if invoice.is_paid else "Invoice"


def render(invoice: Invoice, *, operator_name: str) -> bytes:
    """The PDF's bytes. `lines` and `payments` are read here (two queries)."""
    pdf = FPDF(format="A4")
    pdf.set_title(f"{title_of(invoice)} {invoice.label}")
    family = _font(pdf)
    pdf.add_page()
    text = _writer(pdf, family)

    issuer = operator_name if invoice.issuer == Issuer.OPERATOR else invoice.tenant.name
    text(f"{title_of(invoice)} {invoice.label}", size=18, bold=True)
    text(f"From: {issuer}")
    text(f"To: {invoice.bill_to or invoice.tenant.name}")
    text(f"Issued: {_day(invoice.issued_at)}")
    if invoice.period_end:
        text(f"Period ends: {_day(invoice.period_end)}")
    text(f"Status: {invoice.get_status_display()}")
    pdf.ln(4)
    for line in invoice.lines.all():
        quantity = f"{line.quantity} x " if line.quantity != 1 else ""
        text(f"{quantity}{line.description}: {amount(line.amount_minor, invoice.currency)}")
    pdf.ln(2)
    text(f"Total: {amount(invoice.amount_minor, invoice.currency)}", bold=True)
    for payment in invoice.payments.all():
        text(
            f"Paid {_day(payment.paid_at)}: {amount(payment.amount_minor, payment.currency)}"
            f" (reference {payment.reference})"
        )
    return bytes(pdf.output())


def _font(pdf: FPDF) -> str:
    regular, bold = UNICODE_FONTS
    if regular.exists() and bold.exists():
        pdf.add_font("DejaVu", "", str(regular))
        pdf.add_font("DejaVu", "B", str(bold))
        return "DejaVu"
    return "Helvetica"


def _writer(pdf: FPDF, family: str):
    def text(words: str, *, size: int = 11, bold: bool = False) -> None:
        if family == "Helvetica":
            words = words.encode("latin-1", "replace").decode("latin-1")
        pdf.set_font(family, "B" if bold else "", size)
        pdf.multi_cell(0, size * 0.6, words, new_x="LMARGIN", new_y="NEXT")

    return text


def _day(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d")
