"""The tus 1.0.0 end of the admin's resumable uploads, for operators only.

The browser uploader (static/js/admin-upload.js) sends the operator's session cookie and the
CSRF token in the X-CSRFToken header, as Django's CSRF middleware expects of a request that is
not a form. Every answer carries Tus-Resumable; errors carry a sentence for the operator.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.http import http_date
from django.views import View

from streaming.models import Upload
from streaming.uploads import lifecycle
from streaming.uploads.protocol import (
    CHECKSUM_ALGORITHMS,
    EXTENSIONS,
    OFFSET_CONTENT_TYPE,
    TUS_VERSION,
    ProtocolError,
    check_version,
    parse_checksum,
    parse_metadata,
    parse_size,
)
from tenants.access import is_operator
from tenants.request_types import SiteRequest

JOB_HEADER = "ShadowVault-Ingest-Job"  # the job a complete upload became


class _TusView(View):
    """Who may call (operators), the version check, and errors as tus answers."""

    http_method_names = ["options", "post", "head", "patch", "delete"]

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        try:
            if not is_operator(request):
                raise ProtocolError(403, "Only operators may upload films.")
            if request.method != "OPTIONS":
                check_version(request.headers.get("Tus-Resumable"))
            response = super().dispatch(request, *args, **kwargs)
        except ProtocolError as error:
            response = HttpResponse(
                f"{error}\n", status=error.status, content_type="text/plain; charset=utf-8"
            )
            if error.status == 412:
                response["Tus-Version"] = TUS_VERSION
        response["Tus-Resumable"] = TUS_VERSION
        response["Cache-Control"] = "no-store"
        return response

    def options(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = HttpResponse(status=204)
        response["Tus-Version"] = TUS_VERSION
        response["Tus-Extension"] = ",".join(EXTENSIONS)
        response["Tus-Max-Size"] = str(settings.INGEST_UPLOAD_MAX_BYTES)
        response["Tus-Checksum-Algorithm"] = ",".join(CHECKSUM_ALGORITHMS)
        return response


class UploadCollection(_TusView):
    def post(self, request: SiteRequest) -> HttpResponse:
        """tus creation: Upload-Length and Upload-Metadata (filename) make a new upload."""
        if "Upload-Defer-Length" in request.headers:
            raise ProtocolError(400, "Give Upload-Length; deferring it is not supported.")
        length = parse_size(request.headers.get("Upload-Length"), "Upload-Length")
        metadata = parse_metadata(request.headers.get("Upload-Metadata"))
        upload = lifecycle.start(
            tenant=request.tenant,
            owner=request.user,
            filename=metadata.get("filename", ""),
            length=length,
            publish=metadata.get("publish", "1") not in ("0", "false"),
        )
        response = _state(HttpResponse(status=201), upload)
        # A path (RFC 9110 allows a relative Location): an absolute URL built here would say
        # http:// behind a TLS proxy the app was not told about, and the browser would block it.
        response["Location"] = reverse("admin:ingest_upload", args=[upload.pk])
        return response


class UploadResource(_TusView):
    def head(self, request: SiteRequest, upload_id) -> HttpResponse:
        return _state(HttpResponse(status=200), _own_upload(request, upload_id))

    def patch(self, request: SiteRequest, upload_id) -> HttpResponse:
        if request.content_type != OFFSET_CONTENT_TYPE:
            raise ProtocolError(415, f"A chunk is sent as Content-Type: {OFFSET_CONTENT_TYPE}.")
        offset = parse_size(request.headers.get("Upload-Offset"), "Upload-Offset")
        if "Content-Length" not in request.headers:
            raise ProtocolError(411, "A chunk needs its Content-Length.")
        length = parse_size(request.headers["Content-Length"], "Content-Length")
        checksum = parse_checksum(request.headers.get("Upload-Checksum"))
        upload = _own_upload(request, upload_id)
        # The request itself is the stream: read in bounded pieces, never whole.
        upload = lifecycle.append(upload, request, offset=offset, length=length, checksum=checksum)
        return _state(HttpResponse(status=204), upload)

    def delete(self, request: SiteRequest, upload_id) -> HttpResponse:
        lifecycle.terminate(_own_upload(request, upload_id, expired_too=True))
        return HttpResponse(status=204)


def _own_upload(request: SiteRequest, upload_id, expired_too: bool = False) -> Upload:
    """The caller's own upload on this site, or 404; an expired one is gone (410)."""
    upload = (
        Upload.objects.for_tenant(request.tenant)
        .filter(owner=request.user, pk=upload_id)
        .select_related("tenant", "owner")
        .first()
    )
    if upload is None:
        raise ProtocolError(404, "No such upload.")
    if upload.is_expired() and not expired_too:
        raise ProtocolError(410, "This upload expired and will be removed; start it again.")
    return upload


def _state(response: HttpResponse, upload: Upload) -> HttpResponse:
    response["Upload-Offset"] = str(upload.offset)
    response["Upload-Length"] = str(upload.length)
    response["Upload-Expires"] = http_date(upload.expires_at.timestamp())
    if upload.job_id:
        response[JOB_HEADER] = str(upload.job_id)
    return response
