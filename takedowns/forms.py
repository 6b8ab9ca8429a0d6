"""The report form and the counter-notice form."""

from __future__ import annotations

from django import forms

from takedowns.models import CounterNotice, Reason, Report


class ReportForm(forms.Form):
    reason = forms.ChoiceField(choices=Reason.choices, label="What is wrong")
    details = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=Report.DETAILS_MAX,
        label="Details",
        help_text="What is wrong with it, and where (a time in the video, a page).",
    )
    contact_email = forms.EmailField(label="Your e-mail", help_text="We reply with our decision.")
    work = forms.CharField(
        max_length=300,
        required=False,
        label="The work (copyright)",
        help_text="For a copyright report: the work you say is copied.",
    )
    claimant = forms.CharField(
        max_length=200,
        required=False,
        label="The rights holder (copyright)",
        help_text="For a copyright report: who holds the rights, and on whose behalf you act.",
    )

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        if cleaned.get("reason") == Reason.COPYRIGHT:
            # A copyright notice names the work and its holder, or it cannot be acted on.
            for name in ("work", "claimant"):
                if not cleaned.get(name, "").strip():
                    self.add_error(name, "A copyright report needs this.")
        return cleaned


class CounterNoticeForm(forms.Form):
    statement = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=CounterNotice.STATEMENT_MAX,
        label="Your statement",
        help_text="Why the takedown was a mistake (you hold the rights, a licence, fair use).",
    )
    name = forms.CharField(max_length=200, label="Your name")
    contact_email = forms.EmailField(label="Your e-mail")
