"""A two-chapter sample manga made at install (`manage.py bootstrap`), so a new install has
one readable series beside the sample film.

Its pages are drawn with Pillow (readvault.catalogue.sample_comic_pages) and packed as CBZ
files with a ComicInfo.xml that says Manga=YesAndRightToLeft, into the sample folder; then
they are imported through the import pipeline (readvault.importing), as the sample film is ingested
through video's: checked, stored on the configured backend, catalogued from the ComicInfo
and published. Running it again finds the series and makes nothing.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from pathlib import Path

from readvault.catalogue.sample_comic_pages import Palette, spread, story_page, title_page
from readvault.importing.runner import run_inline
from readvault.importing.service import Choices, submit_paths
from readvault.models import ImportJob, Series
from tenants.models import Tenant

SAMPLE_TITLE = "ShadowVault Sample Manga"
SAMPLE_SUMMARY = (
    "Two short chapters drawn by Pillow at install: title pages, panels read from right to "
    "left, speech balloons and a double-page spread. Imported like any archive, so a new "
    "install has one series to read."
)


@dataclass(frozen=True)
class SampleChapter:
    number: int
    title: str
    palette: Palette
    # Speech per story page; None is the double-page spread.
    pages: list[list[str] | None]


CHAPTERS = [
    SampleChapter(
        1,
        "The Vault Opens",
        Palette(light="#f9d9b9", middle="#f2a679", dark="#b5523b"),
        [
            ["Is this the vault?", "It opens from the right.", "Read this way!"],
            ["Every page is a ranged read.", "No waiting."],
            None,
            ["What a view.", "On to chapter two!"],
        ],
    ),
    SampleChapter(
        2,
        "Night Shift",
        Palette(light="#cfe3f2", middle="#8db7dd", dark="#2f5d8a"),
        [
            ["The moon is out.", "Time to read."],
            ["Pages turn right to left.", "Like this one."],
            ["The end of the sample.", "Import your own!", "Bye!"],
        ],
    ),
]


class SampleComicError(Exception):
    """The sample could not be imported; the message says why."""


def ensure_sample_series(folder: Path, tenant: Tenant) -> Series:
    """The sample series, made unless it exists: its CBZ files written into
    `folder`/<title>/ and imported, a job per chapter, here and now."""
    existing = Series.objects.filter(title=SAMPLE_TITLE).order_by("pk").first()
    if existing is not None:
        return existing
    source = folder / SAMPLE_TITLE
    source.mkdir(parents=True, exist_ok=True)
    for sample in CHAPTERS:
        write_cbz(source / f"{SAMPLE_TITLE} - Chapter {sample.number}.cbz", sample)
    # No queue: run_inline runs each job's steps in this process, no worker needed.
    choices = Choices(tenant=tenant, via="bootstrap", publish=True, queue=lambda job: None)
    jobs = [run_inline(job) for job in submit_paths([source], choices)]
    series = None
    for job in jobs:
        if job.state != ImportJob.State.DONE or job.series is None:
            raise SampleComicError(f"the sample manga could not be imported: {job.error}")
        series = job.series
    if series is None:
        raise SampleComicError("the sample manga's folder held no chapters")
    return series


def write_cbz(path: Path, sample: SampleChapter) -> Path:
    """The chapter as a comic reader expects it: numbered JPEG pages and a ComicInfo.xml,
    stored (not deflated), as scanners' archives usually are. Written beside and renamed, so
    an import never finds half a file."""
    partial = path.with_suffix(".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_STORED) as archive:
        for index, body in enumerate(draw_pages(sample)):
            archive.writestr(f"{sample.number:02d}-{index + 1:03d}.jpg", body)
        archive.writestr("ComicInfo.xml", comicinfo_xml(sample))
    partial.replace(path)
    return path


def draw_pages(sample: SampleChapter) -> list[bytes]:
    pages = [title_page(SAMPLE_TITLE, sample.number, sample.title, sample.palette)]
    for lines in sample.pages:
        number = len(pages) + 1
        if lines is None:
            pages.append(
                spread(number, "A double-page spread: one picture over two pages.", sample.palette)
            )
        else:
            pages.append(story_page(number, number + sample.number, lines, sample.palette))
    return pages


def comicinfo_xml(sample: SampleChapter) -> bytes:
    """ComicInfo 2.0 (the Anansi Project's schema): Manga=YesAndRightToLeft makes readers
    open it right to left; the spread is marked DoublePage."""
    root = ET.Element("ComicInfo")
    fields = {
        "Title": sample.title,
        "Series": SAMPLE_TITLE,
        "Number": str(sample.number),
        "Volume": "1",
        "Summary": SAMPLE_SUMMARY,
        "Year": "2026",
        "Writer": "ShadowVault",
        "Penciller": "Pillow",
        "Publisher": "ShadowVault",
        "Genre": "Adventure, Comedy",
        "LanguageISO": "en",
        "Manga": "YesAndRightToLeft",
        "AgeRating": "Everyone",
        "PageCount": str(len(sample.pages) + 1),
    }
    for name, value in fields.items():
        ET.SubElement(root, name).text = value
    pages = ET.SubElement(root, "Pages")
    ET.SubElement(pages, "Page", Image="0", Type="FrontCover")
    for index, lines in enumerate(sample.pages, start=1):
        attributes = {"Image": str(index)} | ({"DoublePage": "True"} if lines is None else {})
        ET.SubElement(pages, "Page", attributes)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
