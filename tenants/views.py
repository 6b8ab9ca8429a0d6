"""Sign up (by mail), join a site with an existing account, and sign in."""

from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from tenants import joining
from tenants import signup as signups
from tenants.forms import SignupForm, SiteAuthenticationForm
from tenants.member_cap import SiteFull, check_room
from tenants.request_types import SiteRequest


class SiteLoginView(auth_views.LoginView):
    """Django's sign-in; an account of another site with the right password may join this one."""

    authentication_form = SiteAuthenticationForm
    request: SiteRequest

    def form_invalid(self, form) -> HttpResponse:
        if form.non_member is not None:
            joining.offer(self.request, form.non_member, self.get_redirect_url())
            return redirect("join_site")
        return super().form_invalid(form)


@sensitive_post_parameters("password1", "password2")
def signup(request: SiteRequest) -> HttpResponse:
    if not request.tenant.signup_open:
        return render(request, "registration/signup_closed.html", status=403)
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            check_room(request.tenant)
        except SiteFull as full:
            form.add_error(None, str(full))
            return render(request, "registration/signup.html", {"form": form})
        applicant = signups.Applicant.from_form(form.cleaned_data)
        signups.start(request, request.tenant, applicant)
        # The same answer whatever the mail says (new account, known address, taken name).
        return render(request, "registration/signup_sent.html", {"email": applicant.email})
    return render(request, "registration/signup.html", {"form": form})


@require_http_methods(["GET", "POST"])
def signup_confirm(request: SiteRequest, token: str) -> HttpResponse:
    if not request.tenant.signup_open:
        return render(request, "registration/signup_closed.html", status=403)
    pending = signups.pending_for(request.tenant, token)
    if pending is None:
        return render(request, "registration/signup_link_unknown.html", status=404)
    if request.method == "GET":  # a mail scanner's GET must not confirm: the page asks
        return render(request, "registration/signup_confirm.html", {"pending": pending})
    try:
        user = signups.confirm(pending)
    except SiteFull as full:
        context = {"pending": pending, "error": str(full)}
        return render(request, "registration/signup_confirm.html", context, status=409)
    except signups.NameTaken:
        return render(
            request, "registration/signup_taken.html", {"username": pending.username}, status=409
        )
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return redirect("home")


@require_http_methods(["GET", "POST"])
def join_site(request: SiteRequest) -> HttpResponse:
    """The "Join <site>" confirmation after a correct password on a site one is not in."""
    offer = joining.offered(request)
    if offer is None:
        return redirect("login")
    user, next_url = offer
    if request.method == "GET":
        return render(request, "registration/join_site.html", {"joining_user": user})
    try:
        joining.accept(request, user)
    except SiteFull as full:
        context = {"joining_user": user, "error": str(full)}
        return render(request, "registration/join_site.html", context, status=409)
    safe = url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return redirect(next_url if next_url and safe else "home")
