"""Where a prepared chapter goes: its series, volume, number and title.

Field by field, the archive's ComicInfo.xml first (what the publisher or tagger wrote), then
the names (the file's, and the folders' above it: a series per top folder), as
`readvault.metadata.matching` reads them; the operator's target series wins over both. A
ComicInfo.xml that cannot be read is a line in the job's log, never a failed import: the
names still place the chapter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from readvault.metadata.comicinfo import ComicInfo, ComicInfoError, parse_comicinfo
from readvault.metadata.matching import chapter_facts
from readvault.metadata.names import MAX_CHAPTER, MAX_VOLUME, NameFacts, parse_name
from readvault.metadata.skeleton import skeleton_details
from readvault.models import ImportJob


@dataclass(frozen=True)
class Place:
    names: NameFacts
    comicinfo: ComicInfo | None
    fallback_title: str  # a name that says nothing readable still names its series
    series: str  # the title the series is found by, or made with
    volume: int | None
    number: Decimal | None
    title: str
    release_date: date | None


def place_for(job: ImportJob, comicinfo: bytes | None) -> Place:
    info = _read_comicinfo(job, comicinfo)
    name = job.source_name or Path(job.source).name
    names = parse_name(name)
    fallback = Path(name).stem
    facts = chapter_facts(names, info)
    volume, number = facts.volume, facts.number
    return Place(
        names=names,
        comicinfo=info,
        fallback_title=fallback,
        series=(info.series if info else "") or skeleton_details(names, fallback).title,
        volume=volume if volume is not None and 0 <= volume <= MAX_VOLUME else None,
        number=number if number is not None and 0 <= number <= MAX_CHAPTER else None,
        title=facts.title[:300],
        release_date=facts.release_date,
    )


def _read_comicinfo(job: ImportJob, data: bytes | None) -> ComicInfo | None:
    if not data:
        return None
    try:
        return parse_comicinfo(data)
    except ComicInfoError as error:
        job.add_log(f"ComicInfo.xml ignored: {error}")
        return None
