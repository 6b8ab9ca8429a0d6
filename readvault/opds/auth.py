"""Who is reading the catalogue: every /opds/ request is a member of the request's site,
signed in one of three ways, checked in this order:

1. an app password inside the path (`/opds/key/<secret>/...`), for apps that take only a URL;
2. HTTP Basic: the account's username with an app password (a digest lookup), or with the
   account's own password (Django's authenticate(), so django-axes throttles failures
   exactly as it throttles the site's sign-in form, per username and address);
3. the site's session, so a signed-in browser can open /opds/ too.

Anything else is a 401 asking for Basic in the site's name. A secret or account of another
site opens nothing here: app passwords are looked up within this site, and an account must
be a member (operators everywhere). GET and HEAD only, so no CSRF question arises.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.core.cache import cache
from django.http import HttpResponse

from readvault import plan_gate
from readvault.opds import app_passwords
from stored_media.delivery import plain
from tenants.middleware import membership_for
from tenants.request_types import SiteRequest

# A reader app sends its password with every page; checking the account's own password
# means a deliberately slow hash each time. A success is remembered a few minutes under an
# HMAC of the credentials (never the password itself), and only while the account's stored
# hash is unchanged, so a password change ends it at once.
REMEMBER_SECONDS = 300
MAX_CREDENTIALS = 1024  # bytes of a Basic header's payload; longer is no one's password


def catalogue_reader(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let `view` run for a member of this site (request.user set to them), else 401.
    Routes under /opds/key/<key>/ pass `key`; the view gets it as request.opds_key."""

    @wraps(view)
    def wrapped(request: SiteRequest, *args, key: str | None = None, **kwargs) -> HttpResponse:
        if request.method not in {"GET", "HEAD"}:
            response = plain(405, "The catalogue is read with GET.")
            response["Allow"] = "GET, HEAD"
            return response
        user = reader_of(request, key)
        if user is None:
            return challenge(request)
        request.user = user
        request.opds_key = key  # type: ignore[attr-defined]
        reason = plan_gate.refusal(request)  # now that the reader is known
        if reason is not None:
            return plain(403, reason)
        return view(request, *args, **kwargs)

    return wrapped


def challenge(request: SiteRequest) -> HttpResponse:
    response = plain(401, "Sign in with your username and password, or an app password.")
    realm = request.tenant.name.replace("\\", "").replace('"', "'")
    response["WWW-Authenticate"] = f'Basic realm="{realm}", charset="UTF-8"'
    return response


def reader_of(request: SiteRequest, key: str | None):
    """The member this request reads as, or None."""
    if key is not None:
        return _by_app_password(request, key)
    header = request.headers.get("Authorization", "")
    if header:
        return _by_basic(request, header)
    user = request.user  # MembershipMiddleware made non-members anonymous already
    return user if user.is_authenticated and user.is_active else None


def _by_app_password(request: SiteRequest, secret: str, username: str | None = None):
    found = app_passwords.find_live(secret, request.tenant)
    if found is None or not _may_read(found.user, request):
        return None
    if username is not None and found.user.get_username() != username:
        return None
    app_passwords.note_use(found)
    return found.user


def _by_basic(request: SiteRequest, header: str):
    scheme, _, payload = header.partition(" ")
    if scheme.lower() != "basic" or len(payload) > MAX_CREDENTIALS:
        return None
    try:
        decoded = base64.b64decode(payload.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    username, colon, password = decoded.partition(":")
    if not colon or not username or not password or "\x00" in decoded:
        return None
    if password.startswith(app_passwords.SECRET_PREFIX):
        user = _by_app_password(request, password, username)
        if user is not None:
            return user
    return _by_account_password(request, username, password)


def _by_account_password(request: SiteRequest, username: str, password: str):
    remembered = _remembered(request, username, password)
    if remembered is not None:
        return remembered
    # authenticate() runs django-axes first: a locked username+address is refused (the
    # AxesMiddleware turns the answer into the site's lockout page) and a failure counts.
    user = authenticate(request, username=username, password=password)
    if user is None or not _may_read(user, request):
        return None
    remembered = (user.pk, _fingerprint(user.password))
    cache.set(_memory_key(request, username, password), remembered, REMEMBER_SECONDS)
    return user


def _remembered(request: SiteRequest, username: str, password: str):
    hit = cache.get(_memory_key(request, username, password))
    if not hit:
        return None
    user_pk, fingerprint = hit
    user = get_user_model().objects.filter(pk=user_pk).first()
    if user is None or not hmac.compare_digest(_fingerprint(user.password), fingerprint):
        return None
    return user if _may_read(user, request) else None


def _fingerprint(password_hash: str) -> str:
    # The cache holds a keyed digest of the stored hash, never the hash itself: enough to see
    # that the password changed, nothing to run a dictionary against if the cache leaks.
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, password_hash.encode(), hashlib.sha256).hexdigest()


def _memory_key(request: SiteRequest, username: str, password: str) -> str:
    material = f"{request.tenant.pk}\x00{username}\x00{password}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), material, hashlib.sha256).hexdigest()
    return f"opds-basic:{digest}"


def _may_read(user, request: SiteRequest) -> bool:
    # membership_for caches the row on the request: the member's age cap reads it later.
    if not user.is_active:
        return False
    return user.is_superuser or membership_for(request, user) is not None
