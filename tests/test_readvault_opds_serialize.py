"""readvault.opds.atom writes feeds with its own serializer: the same text ElementTree's
would write, checked here on a feed using every namespace and every escape."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from readvault.opds import atom

AWKWARD = 'Tom & Jerry <3 "quoted"\n\ttabbed\r ÿ 日本'


def a_feed() -> ET.Element:
    moment = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
    root = atom.feed("urn:uuid:1", AWKWARD, moment, "Site & Co", "https://a.test/?a=1&b=2")
    atom.link(root, "self", "/opds/?page=2&q=" + AWKWARD, atom.NAVIGATION)
    atom.totals(root, 2000, 50, 51)
    entry = atom.entry(root, "urn:uuid:2", AWKWARD, moment, AWKWARD)
    atom.issued(entry, "2026-12-01")
    atom.language(entry, "ja")
    atom.category(entry, "seinen", AWKWARD)
    atom.link(entry, atom.REL_STREAM, "/opds/pages/1/{pageNumber}?width={maxWidth}",
              "image/jpeg", pse_count="24", pse_lastRead="7", opds_facetGroup=AWKWARD)  # fmt: skip
    atom.entry(root, "urn:uuid:3", "", moment, "")  # empty text: short elements
    return root


def test_the_serializer_writes_what_elementtree_writes():
    root = a_feed()
    expected = atom.XML_DECLARATION + ET.tostring(root, encoding="unicode")

    assert atom.serialize(root).decode() == expected
