"""What a member does on a title page: keep it on the watchlist, comment on it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from streaming.site.access import get_title_for
from streaming.site.catalogue_views import render_title_page
from streaming.site.forms import CommentForm
from streaming.viewer import activity, comments
from tenants.access import is_member
from tenants.request_types import SiteRequest


@require_POST
def toggle_watchlist(request: SiteRequest, slug: str) -> HttpResponse:
    title = get_title_for(request, slug)
    title_url = reverse("title-page", args=[title.slug])
    if not is_member(request):
        return redirect_to_login(title_url)
    wanted = request.POST.get("wanted") == "1"
    activity.set_on_watchlist(request.tenant, request.user, title, wanted)
    if wanted:
        messages.success(request, f"“{title.title}” is on your watchlist.")
    else:
        messages.success(request, f"“{title.title}” is off your watchlist.")
    return redirect(title_url)


@require_POST
def post_comment(request: SiteRequest, slug: str) -> HttpResponse:
    title = get_title_for(request, slug)
    title_url = reverse("title-page", args=[title.slug])
    if not is_member(request):
        return redirect_to_login(title_url + "#comments")
    form = CommentForm(request.POST)
    if not form.is_valid():
        return render_title_page(request, title, form, status=400)
    try:
        comment = comments.submit_comment(
            request.tenant,
            request.user,
            title,
            form.cleaned_data["body"],
            form.cleaned_data.get("parent"),
        )
    except comments.CommentRejected as exc:
        form.add_error("body", str(exc))  # the page keeps what was written
        return render_title_page(request, title, form, status=400)
    return redirect(f"{title_url}#comment-{comment.pk}")
