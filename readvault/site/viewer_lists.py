"""The signed-in member's own ReadVault lists on the request's site: want to read, history,
continue reading. Only series the site shows this viewer (the site's rule and the member's
age cap, as readvault.site.access loads them); members only."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from readvault.models import ReadingProgress, WantToRead
from readvault.models.age_ratings import age_cap_rule
from readvault.models.library import visible_rule
from readvault.reading import activity
from readvault.site.access import viewer_age_cap
from tenants.access import is_member
from tenants.request_types import SiteRequest

MEMBERS_ONLY = "Sign in as a member of this site to keep a reading list."


def shown_rule(request: SiteRequest, path: str = "series__") -> Q:
    """Rows whose series at `path` this site shows this viewer."""
    return visible_rule(request.tenant, path) & age_cap_rule(viewer_age_cap(request), path)


def want_to_read_for(request: SiteRequest) -> QuerySet[WantToRead]:
    return activity.want_to_read(request.tenant, member(request), shown_rule(request))


def history_for(request: SiteRequest) -> QuerySet[ReadingProgress]:
    return activity.history(request.tenant, member(request), shown_rule(request))


def continue_reading_for(request: SiteRequest, limit: int) -> list[activity.Resuming]:
    return activity.continue_reading(request.tenant, member(request), shown_rule(request), limit)


def member(request: SiteRequest):
    """The request's user, a member of its site; PermissionDenied for anyone else."""
    if not is_member(request):
        raise PermissionDenied(MEMBERS_ONLY)
    return request.user
