"""The invitations page's two forms: a shareable link, and a mail to one address."""

from __future__ import annotations

from django import forms

from tenants import inviting
from tenants.models import Membership, Tenant

MAX_DAYS = 90
MAX_USES = 1000


def _role() -> forms.ChoiceField:
    return forms.ChoiceField(
        choices=Membership.Role.choices,
        initial=Membership.Role.VIEWER,
        help_text="A site admin runs the site with you, in this console.",
    )


def _days(initial: int) -> forms.IntegerField:
    return forms.IntegerField(
        label="Valid for (days)", min_value=1, max_value=MAX_DAYS, initial=initial
    )


class LinkForm(forms.Form):
    role = _role()
    days = _days(inviting.LINK_DAYS)
    uses = forms.IntegerField(
        label="Uses",
        min_value=1,
        max_value=MAX_USES,
        initial=10,
        help_text="How many people may join with the link. The site plan's member cap "
        "applies as each one joins.",
    )


class MailForm(forms.Form):
    email = forms.EmailField(label="E-mail address")
    role = _role()
    days = _days(inviting.MAIL_DAYS)

    def __init__(self, data, site: Tenant, **kwargs) -> None:
        super().__init__(data, **kwargs)
        self.site = site

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        members = Membership.objects.for_tenant(self.site)
        if members.filter(user__email__iexact=email).exists():
            raise forms.ValidationError("An account with this address is a member already.")
        return email
