"""What can go wrong with a VAST ad, each failure carrying its IAB VAST error code.

The codes are the VAST 4 specification's (section 2.3.6.3, "VAST Error Codes"); a player
reports them to the tag's Error URLs through the [ERRORCODE] macro. In our words:

- 100: the document is not well-formed XML (or breaks our size or safety limits).
- 101: well-formed, but not a VAST document we can read (a required element is missing,
  a value is malformed, too many of something).
- 102: a VAST version we do not read (not 2, 3 or 4).
- 201: the ad has no linear (video) creative, the only kind we play.
- 301: a wrapper's VASTAdTagURI (or the tag itself) did not answer in time or at all.
- 302: too many wrappers in a row (a depth of 5), or a wrapper chain that loops.
- 303: no ad: an empty VAST, after zero or more wrappers.
- 401: the media file was not found.
- 403: no media file the browser can play (type, codec or delivery).
- 900: anything else.
"""

from __future__ import annotations

XML_PARSING = 100
SCHEMA = 101
VERSION = 102
LINEARITY = 201
WRAPPER_TIMEOUT = 301
WRAPPER_LIMIT = 302
NO_ADS_AFTER_WRAPPER = 303
FILE_NOT_FOUND = 401
NO_SUPPORTED_MEDIA = 403
UNDEFINED = 900


class VastError(Exception):
    """A VAST ad that cannot be played; `code` is what [ERRORCODE] reports."""

    code = UNDEFINED

    def __init__(self, message: str, *, code: int | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code


class MalformedXml(VastError):
    code = XML_PARSING


class SchemaError(VastError):
    code = SCHEMA


class UnsupportedVersion(VastError):
    code = VERSION


class NoLinearCreative(VastError):
    code = LINEARITY


class WrapperTimeout(VastError):
    code = WRAPPER_TIMEOUT


class WrapperLimit(VastError):
    code = WRAPPER_LIMIT


class NoAds(VastError):
    code = NO_ADS_AFTER_WRAPPER


class NoSupportedMedia(VastError):
    code = NO_SUPPORTED_MEDIA
