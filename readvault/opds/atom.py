"""Atom (RFC 4287) documents with the OPDS 1.2 and PSE 1.2 vocabularies, built with
ElementTree: escaping is the serializer's, never a template's.

Only what the catalogue writes is here: a feed (id, title, updated, author, links), its
entries (id, title, updated, content, links) and links with any extra attributes (PSE's
count and last read page, OpenSearch's totals).
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from datetime import datetime
from functools import lru_cache

ATOM = "http://www.w3.org/2005/Atom"
OPDS = "http://opds-spec.org/2010/catalog"
PSE = "http://vaemendis.net/opds-pse/ns"
DCTERMS = "http://purl.org/dc/terms/"
OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"

for prefix, uri in {
    "opds": OPDS,
    "pse": PSE,
    "dcterms": DCTERMS,
    "opensearch": OPENSEARCH,
}.items():
    ET.register_namespace(prefix, uri)

XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'
NAVIGATION = "application/atom+xml;profile=opds-catalog;kind=navigation"
ACQUISITION = "application/atom+xml;profile=opds-catalog;kind=acquisition"
OPENSEARCH_TYPE = "application/opensearchdescription+xml"
CBZ_TYPE = "application/vnd.comicbook+zip"

REL_ACQUISITION = "http://opds-spec.org/acquisition"
REL_IMAGE = "http://opds-spec.org/image"
REL_THUMBNAIL = "http://opds-spec.org/image/thumbnail"
REL_STREAM = "http://vaemendis.net/opds-pse/stream"
REL_SORT_NEW = "http://opds-spec.org/sort/new"

# Ids stay the same as long as the site and the object do (RFC 4287 4.2.6): a UUID drawn
# from both, so two sites never share an id and renaming a series changes nothing.
_ID_SPACE = uuid.UUID("6f1c3f3e-3d6a-4f5e-9a57-0b1d6c2a7e11")


def stable_id(tenant_pk: int, *parts: object) -> str:
    return _stable_id(":".join(str(part) for part in (tenant_pk, *parts)))


@lru_cache(maxsize=8192)
def _stable_id(name: str) -> str:
    # Remembered: a reader app asks for the same feeds over and over, and a UUIDv5 is a
    # SHA-1 and a UUID object per entry.
    return f"urn:uuid:{uuid.uuid5(_ID_SPACE, name)}"


def date(moment: datetime) -> str:
    """An RFC 3339 date (Atom's Date construct), in UTC."""
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def _q(namespace: str, name: str) -> str:
    # Atom's own elements are written bare under a default namespace set on the root by
    # hand (`xmlns=`), not as `ns0:feed`: several reader apps match tag names literally.
    return name if namespace in (ATOM, OPENSEARCH) else f"{{{namespace}}}{name}"


def _text(parent: ET.Element, name: str, text: str, namespace: str = ATOM, **attrs: str):
    element = ET.SubElement(parent, _q(namespace, name), attrs)
    element.text = text
    return element


def link(parent: ET.Element, rel: str, href: str, type: str, **extra: str) -> ET.Element:
    """A link; `extra` keys "pse_count" etc. name attributes in a namespace (prefix_name)."""
    attrs = {"rel": rel, "href": href, "type": type}
    spaces = {"pse": PSE, "opds": OPDS}
    for key, value in extra.items():
        prefix, _, name = key.partition("_")
        attrs[_q(spaces[prefix], name) if name else key] = value
    return ET.SubElement(parent, _q(ATOM, "link"), attrs)


def feed(feed_id: str, title: str, updated: datetime, author: str, author_uri: str):
    root = ET.Element("feed", {"xmlns": ATOM})
    _text(root, "id", feed_id)
    _text(root, "title", title)
    _text(root, "updated", date(updated))
    person = ET.SubElement(root, _q(ATOM, "author"))
    _text(person, "name", author)
    _text(person, "uri", author_uri)
    return root


def totals(root: ET.Element, total: int, per_page: int, start: int) -> None:
    """OpenSearch's counts, which clients use to show "1-50 of 2,000"."""
    for name, value in (("totalResults", total), ("itemsPerPage", per_page), ("startIndex", start)):
        ET.SubElement(root, f"{{{OPENSEARCH}}}{name}").text = str(value)


def entry(root: ET.Element, entry_id: str, title: str, updated: datetime, content: str):
    element = ET.SubElement(root, _q(ATOM, "entry"))
    _text(element, "title", title)
    _text(element, "id", entry_id)
    _text(element, "updated", date(updated))
    # Every entry has content: RFC 4287 4.1.2 wants content or an alternate link.
    _text(element, "content", content, type="text")
    return element


def issued(element: ET.Element, text: str) -> None:
    _text(element, "issued", text, DCTERMS)


def language(element: ET.Element, text: str) -> None:
    _text(element, "language", text, DCTERMS)


def category(element: ET.Element, term: str, label: str) -> None:
    ET.SubElement(element, _q(ATOM, "category"), {"term": term, "label": label})


def serialize(root: ET.Element) -> bytes:
    """The document as UTF-8: the text ElementTree's serializer writes (the namespaces used
    declared on the root, by prefix, before its attributes; empty elements as `<a />`),
    written by `_write`, which knows the catalogue's few namespaces and needs no pass per
    element to work out prefixes: ElementTree's own is a third of a fifty-entry feed's
    time."""
    prefixes: dict[str, str] = {}
    for element in root.iter():
        for name in (element.tag, *element.keys()):
            if name[0] == "{":
                uri = name[1 : name.index("}")]
                prefixes.setdefault(uri, _PREFIXES[uri])
    declared = "".join(
        f' xmlns:{prefix}="{_escape_attribute(uri)}"'
        for uri, prefix in sorted(prefixes.items(), key=lambda item: item[1])
    )
    parts = [XML_DECLARATION]
    _write(root, parts, declared)
    return "".join(parts).encode()


_PREFIXES = {OPDS: "opds", PSE: "pse", DCTERMS: "dcterms", OPENSEARCH: "opensearch"}


def _write(element: ET.Element, parts: list[str], declared: str = "") -> None:
    tag = _qualified(element.tag)
    attributes = "".join(
        f' {_qualified(name)}="{_escape_attribute(value)}"' for name, value in element.items()
    )
    text = element.text
    if not text and not len(element):
        parts.append(f"<{tag}{declared}{attributes} />")
        return
    parts.append(f"<{tag}{declared}{attributes}>")
    if text:
        parts.append(_escape_text(text))
    for child in element:
        _write(child, parts)
    parts.append(f"</{tag}>")


def _qualified(name: str) -> str:
    if name[0] != "{":
        return name
    uri, _, local = name[1:].partition("}")
    return f"{_PREFIXES[uri]}:{local}"


def _escape_text(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _escape_attribute(text: str) -> str:
    text = _escape_text(text)
    if '"' in text:
        text = text.replace('"', "&quot;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    if "\n" in text:
        text = text.replace("\n", "&#10;")
    if "\t" in text:
        text = text.replace("\t", "&#09;")
    return text


def opensearch_description(short_name: str, description: str, template: str, type: str) -> bytes:
    root = ET.Element("OpenSearchDescription", {"xmlns": OPENSEARCH})
    _text(root, "ShortName", short_name[:16], OPENSEARCH)
    _text(root, "Description", description[:1024], OPENSEARCH)
    _text(root, "InputEncoding", "UTF-8", OPENSEARCH)
    _text(root, "OutputEncoding", "UTF-8", OPENSEARCH)
    ET.SubElement(root, _q(OPENSEARCH, "Url"), {"type": type, "template": template})
    return serialize(root)
