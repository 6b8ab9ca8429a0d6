"""The reader page and the JSON its script calls. Everything loads the chapter through
readvault.site.access.get_chapter_for, so a chapter this viewer may not see (another site's,
a draft, hidden, above an age cap) is the same 404 as none at all.

Anyone the site shows a chapter to may read it; progress and settings are kept for members
only (anonymous readers keep theirs in the browser's localStorage, and are told so).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from readvault.models import Chapter, ReaderSettings
from readvault.reader.bodies import BodyRejected, json_object, json_or_form
from readvault.reader.choices import ChoicesRejected, clean_choices, merged_choices
from readvault.reader.manifest import chapter_manifest
from readvault.reading.progress import record_page
from readvault.site.access import get_chapter_for
from shadowvault.request_numbers import parse_bounded_int
from tenants.access import is_member
from tenants.request_types import SiteRequest

MEMBERS_ONLY = (
    "Progress and settings are kept for members of this site; sign in to keep them. "
    "This browser remembers your place meanwhile."
)


@never_cache  # signed links and a CSRF token
@require_GET
def reader_page(request: SiteRequest, chapter_id: int) -> HttpResponse:
    chapter = get_chapter_for(request, chapter_id)
    manifest = chapter_manifest(request, chapter)
    asked = _asked_page(request, chapter)
    config = {
        "manifest": manifest,
        # 0-based; ?page=N (1-based) first, else where a member stopped; None: the script
        # looks in localStorage (anonymous readers), else the first page.
        "startPage": asked if asked is not None else manifest["savedPage"],
        "askedPage": asked is not None,
        "csrfToken": get_token(request),
    }
    context = {"chapter": chapter, "manifest": manifest, "reader_config": config}
    return render(request, "readvault/reader.html", context)


@never_cache
@require_GET
def manifest(request: SiteRequest, chapter_id: int) -> JsonResponse:
    chapter = get_chapter_for(request, chapter_id)
    return JsonResponse(chapter_manifest(request, chapter))


@require_POST
def save_progress(request: SiteRequest, chapter_id: int) -> JsonResponse:
    if not is_member(request):
        return JsonResponse({"detail": MEMBERS_ONLY}, status=403)
    chapter = get_chapter_for(request, chapter_id)
    try:
        sent = json_or_form(request)
    except BodyRejected as exc:
        return JsonResponse({"detail": str(exc)}, status=400)
    page = _page_index(sent.get("page"), chapter)
    if page is None:
        last = max(chapter.page_count - 1, 0)
        detail = f"page is the 0-based index of a page of this chapter, 0 to {last}."
        return JsonResponse({"detail": detail}, status=400)
    progress = record_page(request.tenant, request.user, chapter, page)
    return JsonResponse({"page": progress.page, "finished": progress.finished})


@require_POST
def save_settings(request: SiteRequest, chapter_id: int) -> JsonResponse:
    """The reader's choices for the chapter's series (some or all; null forgets one)."""
    if not is_member(request):
        return JsonResponse({"detail": MEMBERS_ONLY}, status=403)
    chapter = get_chapter_for(request, chapter_id)
    try:
        sent = clean_choices(json_object(request))
    except (BodyRejected, ChoicesRejected) as exc:
        return JsonResponse({"detail": str(exc)}, status=400)
    return JsonResponse({"settings": _keep_settings(request, chapter, sent)})


def _keep_settings(request: SiteRequest, chapter: Chapter, sent: dict) -> dict:
    lookup = {"tenant": request.tenant, "user": request.user, "series_id": chapter.series_id}
    with transaction.atomic():
        row = ReaderSettings.objects.select_for_update().filter(**lookup).first()
        if row is not None:
            row.choices = merged_choices(row.choices, sent)
            row.save(update_fields=["choices", "updated_at"])
            return row.choices
    choices = merged_choices({}, sent)
    try:
        with transaction.atomic():
            ReaderSettings.objects.create(**lookup, choices=choices)
    except IntegrityError:  # another tab made the row first: apply ours on top of it
        return _keep_settings(request, chapter, sent)
    return choices


def _asked_page(request: SiteRequest, chapter: Chapter) -> int | None:
    """`?page=N` (1-based) as a 0-based index, a number past the end meaning the last page;
    anything that is no page number is ignored (the reader opens where it would anyway)."""
    number = parse_bounded_int(request.GET.get("page"), 1, 2**31)
    if number is None or chapter.page_count == 0:
        return None
    return min(number, chapter.page_count) - 1


def _page_index(sent: object, chapter: Chapter) -> int | None:
    """A 0-based page index of `chapter` from JSON (an integer) or a form (digits)."""
    last = chapter.page_count - 1
    if isinstance(sent, int) and not isinstance(sent, bool):
        return sent if 0 <= sent <= last else None
    return parse_bounded_int(sent, 0, last) if last >= 0 else None
