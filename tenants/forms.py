"""Account forms that know which site they are on."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, UserCreationForm
from django.http.request import split_domain_port

from tenants.access import may_sign_in
from tenants.models import Tenant

INVITATION_ONLY = (
    "Your account is not a member of {site}, which takes new members by invitation only. "
    "Ask the site's admin to invite you."
)

NOT_TAKING = "Your account is not a member of {site}, which is not taking new members."


class SiteAuthenticationForm(AuthenticationForm):
    """Signs in members of the request's site; operators everywhere.

    A wrong password says only that, whatever the account. With the right one, an account of
    another of the operator's sites is offered to join this one (the view does that through
    `non_member`) where sign-up is open, and told it needs an invitation where it is not.
    """

    non_member = None

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        tenant = getattr(self.request, "tenant", None)
        if tenant is None:
            raise self.get_invalid_login_error()
        if may_sign_in(user, tenant):
            return
        if tenant.signup_open:
            self.non_member = user
            raise forms.ValidationError("Join this site to sign in here.", code="not_a_member")
        if not tenant.takes_invitations:
            raise forms.ValidationError(NOT_TAKING.format(site=tenant.name), code="closed")
        raise forms.ValidationError(
            INVITATION_ONLY.format(site=tenant.name), code="invitation_only"
        )


class SignupForm(UserCreationForm):
    """Checks what the applicant typed, never whether a name or address is taken: accounts
    are shared by the operator's sites, and saying so would tell any visitor who has an
    account elsewhere (tenants/signup.py mails the answer instead)."""

    email = forms.EmailField(
        required=True, help_text="We send a link there to finish; also for password resets."
    )

    class Meta(UserCreationForm.Meta):  # type: ignore[name-defined]  # the stubs omit this Meta
        model = get_user_model()
        fields = ["username", "email"]

    def clean_username(self) -> str:
        return self.cleaned_data["username"]  # not UserCreationForm's "already exists"

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def validate_unique(self) -> None:
        pass  # the model's unique username would say "already exists" on the page


def mail_link_origin(tenant: Tenant, request) -> dict:
    """Where links in mail point: the site's primary hostname, never the request's Host.

    Host is the sender's to choose: a port (or another of the site's hostnames) written there
    would send the reset token wherever the sender asked. The scheme is the deployment's.
    """
    domain = tenant.primary_domain
    hostname = domain.hostname if domain else split_domain_port(request.get_host())[0]
    return {
        "domain_override": hostname,
        "use_https": settings.BEHIND_TLS_PROXY or request.is_secure(),
    }


class SitePasswordResetForm(PasswordResetForm):
    """Sends reset mail only to members of the request's site (and operators), with links to
    the site's primary hostname."""

    tenant: Tenant | None = None

    def get_users(self, email: str):
        for user in super().get_users(email):
            if may_sign_in(user, self.tenant):
                yield user

    def save(self, *args: Any, **kwargs: Any) -> None:
        request = kwargs.get("request")  # PasswordResetView passes everything by keyword
        self.tenant = getattr(request, "tenant", None)
        if self.tenant is not None:
            kwargs.update(mail_link_origin(self.tenant, request))
        super().save(*args, **kwargs)
