"""Account forms that know which site they are on."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, UserCreationForm
from django.db import transaction
from django.http.request import split_domain_port

from tenants.access import may_sign_in
from tenants.models import Membership, Tenant


class SiteAuthenticationForm(AuthenticationForm):
    """Signs in only members of the request's site; operators everywhere.

    A non-member gets the same message as a wrong password, so the form does not reveal
    which accounts exist on other sites.
    """

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if not may_sign_in(user, getattr(self.request, "tenant", None)):
            raise self.get_invalid_login_error()


class SignupForm(UserCreationForm):
    email = forms.EmailField(required=True, help_text="Used only to reset your password.")

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ["username", "email"]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with this e-mail address already exists.")
        return email

    @transaction.atomic
    def save_for(self, tenant: Tenant):
        user = self.save()
        Membership.objects.create(tenant=tenant, user=user, role=Membership.Role.VIEWER)
        return user


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

    def save(self, *args, request=None, **kwargs) -> None:
        self.tenant = getattr(request, "tenant", None)
        if self.tenant is not None:
            kwargs.update(mail_link_origin(self.tenant, request))
        super().save(*args, request=request, **kwargs)
