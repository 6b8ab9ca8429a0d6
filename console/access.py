"""Who may open the console: the request site's admins, and operators (they act as admins
everywhere). One decorator, so every console view refuses the same way."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tenants.access import is_member, is_site_admin

View = Callable[..., HttpResponse]


def site_admins_only(view: View) -> View:
    """Visitors are sent to sign in (a refused POST comes back to the console's overview);
    members without the admin role get a 403 page that says who may come in."""

    @wraps(view)
    def check(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if is_site_admin(request):
            return view(request, *args, **kwargs)
        if not is_member(request):
            back = request.get_full_path() if request.method == "GET" else "/console/"
            return redirect_to_login(back)
        return render(request, "console/refused.html", status=403)

    return check
